//! Intent classifier: training, prediction, out-of-scope, model files, evaluation, dense seam.

use std::path::PathBuf;
use std::sync::Arc;

use proptest::prelude::*;
use tandem_nlu::dense::{builtin_static, DenseEncoder, DenseError, BUILTIN_STATIC_BYTES};
use tandem_nlu::intent::{
    evaluate, train, train_with_static, Example, IntentError, IntentModel, TrainOptions,
    MODEL_FORMAT_VERSION, MODEL_MAGIC,
};

const PREFIXES: [&str; 5] = ["", "hi, ", "hello! ", "please help: ", "excuse me, "];
const SUFFIXES: [&str; 4] = ["", " thanks", " asap", "?"];

fn intents() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "card_arrival",
            vec![
                "where is my new card",
                "my card has not arrived yet",
                "when will the card be delivered",
                "still waiting for my card",
            ],
        ),
        (
            "cancel_transfer",
            vec![
                "cancel my transfer",
                "i want to stop the payment i just sent",
                "undo the transfer please",
                "can i reverse a transfer",
            ],
        ),
        (
            "exchange_rate",
            vec![
                "what is the exchange rate",
                "how much is a euro in dollars",
                "which rate do you use to convert currency",
                "currency conversion rate today",
            ],
        ),
        (
            "lost_card",
            vec![
                "i lost my card",
                "my card was stolen",
                "someone took my wallet with the card",
                "i cannot find my card anywhere",
            ],
        ),
        (
            "top_up_failed",
            vec![
                "my top up failed",
                "the top-up did not work",
                "adding money to my account was declined",
                "why was my top up rejected",
            ],
        ),
    ]
}

/// Every combination of prefix, phrase and suffix for each intent, in a fixed order.
fn synthetic(intents: &[(&'static str, Vec<&'static str>)]) -> Vec<Example> {
    let mut out = Vec::new();
    for (label, phrases) in intents {
        for (i, phrase) in phrases.iter().enumerate() {
            for (j, prefix) in PREFIXES.iter().enumerate() {
                let suffix = SUFFIXES
                    .get((i + j) % SUFFIXES.len())
                    .copied()
                    .unwrap_or_default();
                out.push(Example::new(format!("{prefix}{phrase}{suffix}"), *label));
            }
        }
    }
    out
}

fn quiet_train(examples: &[Example], options: &TrainOptions) -> IntentModel {
    train(examples, options, None, &mut |_| {}).unwrap()
}

#[test]
fn learns_intents_and_ranks_them_with_probabilities() {
    let model = quiet_train(&synthetic(&intents()), &TrainOptions::default());
    let cases = [
        ("Where is my card? It has not arrived", "card_arrival"),
        ("please cancel the transfer I made", "cancel_transfer"),
        ("what's the euro exchange rate", "exchange_rate"),
        ("My card got stolen!!", "lost_card"),
        ("top up failed again", "top_up_failed"),
    ];
    for (text, expected) in cases {
        let p = model.predict_top(text, 3).unwrap();
        assert_eq!(p.top[0].intent, expected, "{text}: {p:?}");
        assert_eq!(p.top.len(), 3);
        assert!(p.top.windows(2).all(|w| w[0].probability >= w[1].probability));
        assert!(p.top.iter().all(|s| (0.0..=1.0).contains(&s.probability)));
        assert!((p.confidence - p.top[0].probability).abs() < 1e-6);
    }
    let probs = model.probabilities("where is my card").unwrap();
    assert_eq!(probs.len(), 5);
    assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    let s = model.summary();
    assert_eq!((s.examples, s.intents), (100, 5));
    assert!(s.temperature > 0.0 && s.holdout_accuracy.is_some());
}

#[test]
fn training_is_deterministic_and_files_round_trip() {
    let data = synthetic(&intents());
    let a = quiet_train(&data, &TrainOptions::default()).to_bytes().unwrap();
    let b = quiet_train(&data, &TrainOptions::default()).to_bytes().unwrap();
    assert_eq!(a, b, "same data and seed give the same model bytes");
    assert_eq!(&a[..8], MODEL_MAGIC);
    let model = IntentModel::from_bytes(&a).unwrap();
    let original = quiet_train(&data, &TrainOptions::default());
    for text in ["where is my card", "cancel it", "", "zzz"] {
        assert_eq!(model.predict(text).unwrap(), original.predict(text).unwrap());
    }
    assert_eq!(model.to_bytes().unwrap(), a);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.bin");
    original.save(&path).unwrap();
    assert_eq!(IntentModel::load(&path).unwrap().labels(), original.labels());
    assert!(matches!(
        IntentModel::load(&dir.path().join("missing")),
        Err(IntentError::Io { .. })
    ));
}

#[test]
fn foreign_damaged_or_newer_files_are_clear_errors() {
    let bytes = quiet_train(&synthetic(&intents()), &TrainOptions::default())
        .to_bytes()
        .unwrap();
    assert!(matches!(
        IntentModel::from_bytes(b""),
        Err(IntentError::NotAModel)
    ));
    assert!(matches!(
        IntentModel::from_bytes(b"PK\x03\x04 a zip file"),
        Err(IntentError::NotAModel)
    ));
    let mut newer = bytes.clone();
    newer[8..12].copy_from_slice(&(MODEL_FORMAT_VERSION + 1).to_le_bytes());
    let err = IntentModel::from_bytes(&newer).unwrap_err();
    assert!(
        matches!(err, IntentError::UnsupportedVersion { found, .. } if found == MODEL_FORMAT_VERSION + 1)
    );
    assert!(err.to_string().contains("version"), "{err}");
    for cut in [10, 12, 40, bytes.len() / 2, bytes.len() - 1] {
        assert!(IntentModel::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    // Flipped bytes anywhere must never panic (an error or a working model are both fine).
    for pos in (12..bytes.len()).step_by(bytes.len() / 97 + 1) {
        let mut damaged = bytes.clone();
        damaged[pos] ^= 0xa5;
        if let Ok(m) = IntentModel::from_bytes(&damaged) {
            let _ = m.predict("where is my card");
        }
    }
}

#[test]
fn labelled_out_of_scope_examples_teach_rejection() {
    let mut data = synthetic(&intents());
    let oos_phrases = [
        "what is the weather tomorrow",
        "tell me a joke",
        "who won the football match",
        "recommend a good pizza place",
        "how tall is mount everest",
    ];
    for (i, phrase) in oos_phrases.iter().enumerate() {
        for prefix in PREFIXES {
            data.push(Example::new(
                format!("{prefix}{phrase}{}", SUFFIXES[i % 4]),
                "oos",
            ));
        }
    }
    let options = TrainOptions {
        oos_label: Some("oos".into()),
        ..TrainOptions::default()
    };
    let model = quiet_train(&data, &options);
    assert_eq!(model.oos_label(), Some("oos"));
    let p = model.predict("tell me a funny joke about the weather").unwrap();
    assert!(p.out_of_scope && p.intent.is_none(), "{p:?}");
    let q = model.predict("my card was stolen yesterday").unwrap();
    assert!(!q.out_of_scope && q.intent == Some("lost_card"), "{q:?}");

    let test = vec![
        Example::new("where is my card", "card_arrival"),
        Example::new("please cancel my transfer", "cancel_transfer"),
        Example::new("tell me a joke", "oos"),
        Example::new("what is the weather tomorrow", "oos"),
    ];
    let report = evaluate(&model, &test, Some("oos")).unwrap();
    assert_eq!(report.examples, 4);
    assert_eq!(report.in_scope_accuracy, Some(1.0));
    assert_eq!(report.oos_recall, Some(1.0));
    assert_eq!(report.accuracy, 1.0);
}

#[test]
fn without_out_of_scope_examples_a_threshold_is_tuned_on_held_out_intents() {
    let model = quiet_train(&synthetic(&intents()), &TrainOptions::default());
    let s = model.summary();
    assert_eq!(s.oos_source, "held-out-intents");
    assert!((0.0..=1.0).contains(&s.oos_threshold));
    let mut m = model.clone();
    m.set_oos_threshold(0.0);
    // Words every intent's examples share: no intent is sure.
    let probe = "hello, please help";
    let p = m.predict(probe).unwrap();
    assert!(
        !p.out_of_scope && p.intent.is_some() && p.confidence < 1.0,
        "{p:?}"
    );
    let (confidence, top) = (p.confidence, p.top[0].intent.to_string());
    m.set_oos_threshold(confidence + 1e-4);
    let q = m.predict(probe).unwrap();
    assert!(
        q.out_of_scope && q.intent.is_none() && q.top[0].intent == top,
        "{q:?}"
    );
    m.set_oos_threshold(f32::NAN);
    assert_eq!(m.oos_threshold(), 0.0);
    m.set_oos_threshold(7.0);
    assert_eq!(m.oos_threshold(), 1.0);
}

#[test]
fn evaluation_reports_fractions_confusions_and_latency() {
    let model = quiet_train(&synthetic(&intents()), &TrainOptions::default());
    let test = vec![
        Example::new("where is my card", "card_arrival"),
        Example::new("i lost my card", "lost_card"),
        Example::new("i lost my card", "card_arrival"), // deliberately wrong label
        Example::new("exchange rate for dollars", "exchange_rate"),
        Example::new("something", "a_label_the_model_does_not_know"),
    ];
    let r = evaluate(&model, &test, None).unwrap();
    assert_eq!(r.examples, 5);
    assert!((r.accuracy - 0.6).abs() < 1e-9, "{r:?}");
    assert!(r.macro_f1 > 0.0 && r.macro_f1 < 1.0);
    assert!(r.in_scope_accuracy.is_none() && r.oos_recall.is_none());
    assert_eq!(
        r.unknown_labels,
        vec!["a_label_the_model_does_not_know".to_string()]
    );
    assert!(r
        .confused_pairs
        .iter()
        .any(|c| c.truth == "card_arrival" && c.predicted == "lost_card" && c.count == 1));
    for s in &r.per_intent {
        for v in [s.precision, s.recall, s.f1] {
            assert!((0.0..=1.0).contains(&v));
        }
    }
    let l = &r.latency_us;
    assert!(l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max && l.p50 > 0.0);
    assert!(r.throughput_per_sec > 0.0);
    let json: serde_json::Value = serde_json::to_value(&r).unwrap();
    for key in [
        "examples",
        "accuracy",
        "macro_f1",
        "latency_us",
        "throughput_per_sec",
        "per_intent",
        "confused_pairs",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
    for key in ["p50", "p90", "p99", "max"] {
        assert!(json["latency_us"].get(key).is_some(), "{key}");
    }
}

#[test]
fn refuses_unusable_training_data() {
    let one = vec![Example::new("a", "x"), Example::new("b", "x")];
    assert!(matches!(
        train(&one, &TrainOptions::default(), None, &mut |_| {}),
        Err(IntentError::TooFewIntents(1))
    ));
    assert!(matches!(
        train(&[], &TrainOptions::default(), None, &mut |_| {}),
        Err(IntentError::NoExamples)
    ));
    // Tiny but usable: one example per intent trains (no held-out split) and predicts.
    let tiny = vec![
        Example::new("hello there", "greet"),
        Example::new("goodbye now", "bye"),
    ];
    let m = train(&tiny, &TrainOptions::default(), None, &mut |_| {}).unwrap();
    assert_eq!(m.predict("hello").unwrap().top[0].intent, "greet");
}

/// A tiny dense encoder: letter frequencies of the text, L2-normalised.
struct Letters;

impl DenseEncoder for Letters {
    fn id(&self) -> &str {
        "test-letters-26"
    }
    fn dim(&self) -> usize {
        26
    }
    fn encode(&self, text: &str) -> Result<Vec<f32>, DenseError> {
        let mut v = vec![0f32; 26];
        for b in text.bytes().filter(u8::is_ascii_alphabetic) {
            if let Some(x) = v.get_mut(usize::from(b.to_ascii_lowercase() - b'a')) {
                *x += 1.0;
            }
        }
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|x| *x /= norm);
        }
        Ok(v)
    }
}

/// A model trained with the [`Letters`] encoder.
fn train_with_letters(data: &[Example], options: &TrainOptions) -> IntentModel {
    train(data, options, Some(Arc::new(Letters)), &mut |_| {}).unwrap()
}

struct OtherEncoder;

impl DenseEncoder for OtherEncoder {
    fn id(&self) -> &str {
        "something-else"
    }
    fn dim(&self) -> usize {
        26
    }
    fn encode(&self, _: &str) -> Result<Vec<f32>, DenseError> {
        Err(DenseError::Encode("never used".into()))
    }
}

#[test]
fn dense_features_join_and_the_encoder_is_recorded() {
    let data = synthetic(&intents());
    let options = TrainOptions {
        dense_model_dir: Some("/models/letters".into()),
        ..TrainOptions::default()
    };
    let model = train_with_letters(&data, &options);
    let spec = model.dense_spec().unwrap();
    assert_eq!((spec.encoder_id.as_str(), spec.dim), ("test-letters-26", 26));
    assert_eq!(spec.model_dir.as_deref(), Some("/models/letters"));
    assert!(
        options.dense_weight_grid.contains(&spec.weight),
        "the weight comes from the grid: {}",
        spec.weight
    );
    let fixed = TrainOptions {
        dense_weight_grid: vec![],
        dense_weight: 0.7,
        ..options.clone()
    };
    let fixed_model = train_with_letters(&data, &fixed);
    assert_eq!(
        fixed_model.dense_spec().unwrap().weight,
        0.7,
        "an empty grid keeps dense_weight"
    );
    let with = model.predict("where is my new card").unwrap();
    assert_eq!(with.top[0].intent, "card_arrival");

    // A reloaded model needs the same encoder again.
    let mut loaded = IntentModel::from_bytes(&model.to_bytes().unwrap()).unwrap();
    assert!(matches!(
        loaded.predict("where is my card"),
        Err(IntentError::EncoderMissing { .. })
    ));
    assert!(matches!(
        loaded.attach_encoder(Arc::new(OtherEncoder)),
        Err(IntentError::EncoderMismatch { .. })
    ));
    loaded.attach_encoder(Arc::new(Letters)).unwrap();
    assert_eq!(loaded.predict("where is my new card").unwrap(), with);

    // The dense weights matter: zeroing the encoder's output changes the scores.
    let sparse_only = quiet_train(&data, &TrainOptions::default());
    assert!(matches!(
        sparse_only.clone().attach_encoder(Arc::new(Letters)),
        Err(IntentError::EncoderNotUsed)
    ));
    assert_ne!(
        sparse_only.probabilities("where is my new card").unwrap(),
        model.probabilities("where is my new card").unwrap()
    );
}

#[test]
fn the_nearest_training_example_adds_to_dense_models_only() {
    let data = synthetic(&intents());
    let with_weight = |grid: Vec<f32>| TrainOptions {
        neighbour_weight_grid: grid,
        ..TrainOptions::default()
    };
    let near = train_with_letters(&data, &with_weight(vec![2.5]));
    assert_eq!(near.neighbour_weight(), 2.5);
    let off = train_with_letters(&data, &with_weight(vec![0.0]));
    assert_eq!(off.neighbour_weight(), 0.0);
    let chosen = train_with_letters(&data, &TrainOptions::default());
    assert!(TrainOptions::default()
        .neighbour_weight_grid
        .contains(&chosen.neighbour_weight()));
    // Without dense vectors there is nothing to compare: the weight is ignored.
    assert_eq!(
        quiet_train(&data, &with_weight(vec![2.5])).neighbour_weight(),
        0.0
    );

    // The nearest example moves the scores; the same linear model is underneath.
    let text = "where is my new card";
    let (p_near, p_off) = (
        near.probabilities(text).unwrap(),
        off.probabilities(text).unwrap(),
    );
    assert_ne!(p_near, p_off);
    assert_eq!(near.predict(text).unwrap().top[0].intent, "card_arrival");
    assert_eq!(near.summary().c, off.summary().c);

    // The examples travel in the model file, which grows by about one byte per dimension each.
    let (near_bytes, off_bytes) = (near.to_bytes().unwrap(), off.to_bytes().unwrap());
    assert!(
        near_bytes.len() >= off_bytes.len() + data.len() * 26,
        "{} vs {}",
        near_bytes.len(),
        off_bytes.len()
    );
    let mut loaded = IntentModel::from_bytes(&near_bytes).unwrap();
    loaded.attach_encoder(Arc::new(Letters)).unwrap();
    assert_eq!(loaded.neighbour_weight(), 2.5);
    assert_eq!(loaded.probabilities(text).unwrap(), p_near);

    // A damaged block is refused: every byte of the tail (the example codes) cut off.
    let cut = &near_bytes[..near_bytes.len() - 40];
    assert!(matches!(
        IntentModel::from_bytes(cut),
        Err(IntentError::Corrupt(_))
    ));
}

#[test]
fn the_built_in_static_table_joins_by_default_and_is_recorded_by_id() {
    let data = synthetic(&intents());
    let table = builtin_static().unwrap();
    // 29,523 pieces x 256 int8 values and a scale each: 7.9 MB. Whole-word rows or unreduced
    // float rows would break this bound; they were measured no better.
    assert!(
        BUILTIN_STATIC_BYTES.len() < 8_500_000,
        "the built-in table stays small: {} bytes",
        BUILTIN_STATIC_BYTES.len()
    );
    let model = quiet_train(&data, &TrainOptions::default());
    let spec = model.static_spec().unwrap();
    assert_eq!(spec.table_id, table.id());
    assert_eq!(usize::try_from(spec.dim).unwrap(), table.dim());
    assert!(TrainOptions::default().static_weight_grid.contains(&spec.weight));
    assert!(model.dense_spec().is_none());
    let text = "where is my new card";
    assert_eq!(model.predict(text).unwrap().top[0].intent, "card_arrival");

    // The file names the table and does not copy it; reading it back gives the same model.
    let bytes = model.to_bytes().unwrap();
    assert!(
        bytes.len() < BUILTIN_STATIC_BYTES.len() / 10,
        "{} bytes",
        bytes.len()
    );
    let loaded = IntentModel::from_bytes(&bytes).unwrap();
    assert_eq!(loaded.predict(text).unwrap(), model.predict(text).unwrap());

    // The static features matter.
    let without = TrainOptions {
        static_features: false,
        ..TrainOptions::default()
    };
    let plain = quiet_train(&data, &without);
    assert!(plain.static_spec().is_none());
    assert_ne!(
        plain.probabilities(text).unwrap(),
        model.probabilities(text).unwrap()
    );

    // A model of another table is refused by a build with the built-in one, with a clear error,
    // and read back when given its table.
    let other = Arc::new(table.reduced(16, None).unwrap());
    assert_ne!(other.id(), table.id());
    let err = IntentModel::from_bytes_with_static(&bytes, Some(other.clone())).unwrap_err();
    assert!(
        matches!(&err, IntentError::StaticTableMismatch { expected, .. } if *expected == table.id()),
        "{err}"
    );
    assert!(err.to_string().contains("train the model again"), "{err}");
    let foreign = train_with_static(&data, &without, Some(other.clone()), None, &mut |_| {}).unwrap();
    assert_eq!(foreign.static_spec().unwrap().table_id, other.id());
    let foreign_bytes = foreign.to_bytes().unwrap();
    assert!(matches!(
        IntentModel::from_bytes(&foreign_bytes),
        Err(IntentError::StaticTableMismatch { .. })
    ));
    let back = IntentModel::from_bytes_with_static(&foreign_bytes, Some(other)).unwrap();
    assert_eq!(back.predict(text).unwrap(), foreign.predict(text).unwrap());
}

#[test]
fn the_built_in_static_table_encodes_any_text_to_a_unit_vector() {
    let table = builtin_static().unwrap();
    let mut v = Vec::new();
    for text in [
        "",
        "   ",
        "where is my card?",
        "🙂🙂",
        "日本語のテキスト",
        "\u{0}\u{7}control",
        &"card ".repeat(50_000),
    ] {
        table.encode_into(text, &mut v);
        assert_eq!(v.len(), table.dim(), "{text:?}");
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-3, "{text:?}: norm {norm}");
        assert_eq!(v, table.encode(text).unwrap());
    }
    // Related messages are closer than unrelated ones.
    let e = |t: &str| table.encode(t).unwrap();
    let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
    let (a, b, c) = (
        e("my card has not arrived yet"),
        e("when will my new card be delivered"),
        e("what is the weather like in paris"),
    );
    assert!(dot(&a, &b) > dot(&a, &c), "{} vs {}", dot(&a, &b), dot(&a, &c));
}

#[test]
fn huge_and_strange_inputs_return_a_result() {
    let model = quiet_train(&synthetic(&intents()), &TrainOptions::default());
    let huge = "my card has not arrived ".repeat(1 << 16);
    assert!(huge.len() >= 1 << 20);
    assert_eq!(model.predict(&huge).unwrap().top[0].intent, "card_arrival");
    for text in [
        "",
        " ",
        "\0\u{1}\u{7f}",
        "🙂🙂🙂 💳❓",
        "где моя карта 我的卡在哪里 كارت",
        "\u{202e}drac ym\u{200b}",
        "\u{fffd}\u{feff}",
    ] {
        let p = model.predict(text).unwrap();
        assert_eq!(p.top.len(), 5);
        assert!(p.top.iter().all(|s| s.probability.is_finite()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_text_gets_a_finite_prediction(text in any::<String>(), k in 0usize..10) {
        let model = shared_model();
        let p = model.predict_top(&text, k).unwrap();
        prop_assert_eq!(p.top.len(), k.clamp(1, 5));
        prop_assert!(p.top.iter().all(|s| s.probability.is_finite() && (0.0..=1.0).contains(&s.probability)));
        prop_assert!(p.confidence.is_finite());
    }
}

/// The examples of the synthetic pack (also used by `super::robustness`).
pub fn synthetic_examples() -> Vec<Example> {
    synthetic(&intents())
}

pub fn shared_model() -> &'static IntentModel {
    static MODEL: std::sync::OnceLock<IntentModel> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| quiet_train(&synthetic(&intents()), &TrainOptions::default()))
}

/// The labelled examples of a `text,label` CSV file.
pub fn read_csv(path: &std::path::Path) -> Vec<Example> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|r| r.unwrap())
        .map(|r| Example::new(r.get(0).unwrap(), r.get(1).unwrap()))
        .collect()
}

/// On a slice of the real Banking77 data (when ../shared is present): 12 intents, 30 training
/// examples each, evaluated on their test examples.
#[test]
fn banking77_slice_is_learnt() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/banking77");
    if !dir.join("train.csv").exists() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let mut labels: Vec<String> = Vec::new();
    for e in read_csv(&dir.join("train.csv")) {
        if labels.len() < 12 && !labels.contains(&e.label) {
            labels.push(e.label);
        }
    }
    let mut per_label = std::collections::HashMap::new();
    let train_set: Vec<Example> = read_csv(&dir.join("train.csv"))
        .into_iter()
        .filter(|e| labels.contains(&e.label))
        .filter(|e| {
            let n = per_label.entry(e.label.clone()).or_insert(0);
            *n += 1;
            *n <= 30
        })
        .collect();
    let test_set: Vec<Example> = read_csv(&dir.join("test.csv"))
        .into_iter()
        .filter(|e| labels.contains(&e.label))
        .collect();
    let model = quiet_train(&train_set, &TrainOptions::default());
    let report = evaluate(&model, &test_set, None).unwrap();
    assert!(report.accuracy > 0.8, "accuracy {}", report.accuracy);
}
