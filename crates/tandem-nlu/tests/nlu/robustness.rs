//! Intent classifier under messy input (misspellings, chat spellings, case, emoji) and the
//! out-of-scope threshold of small packs.

use std::path::PathBuf;

use tandem_nlu::intent::perturb::{perturb, perturb_examples, DEFAULT_SEED};
use tandem_nlu::intent::{
    evaluate, evaluate_robustness, train, Example, IntentModel, Perturbation, TrainOptions,
};

use crate::intent::read_csv;

fn quiet_train(examples: &[Example], options: &TrainOptions) -> IntentModel {
    train(examples, options, None, &mut |_| {}).unwrap()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/nlu/fixtures")
        .join(name)
}

/// Hand-written messy messages (fixtures/messy_messages.csv) for the intents of the small
/// synthetic pack that `super::intent` trains on.
#[test]
fn hand_written_messy_messages_are_understood() {
    let model = super::intent::shared_model();
    let cases = read_csv(&fixture("messy_messages.csv"));
    assert!(cases.len() >= 20);
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|e| {
            let p = model.predict(&e.text).unwrap();
            let top = p.top.first().map(|s| s.intent).unwrap_or_default();
            (top != e.label).then(|| format!("{:?} -> {top} (not {})", e.text, e.label))
        })
        .collect();
    // One miss in the whole set at most.
    assert!(wrong.len() <= 1, "{wrong:#?}");
}

/// A misspelt word the training examples have one edit away reads as that word: without the
/// static table (which sees the raw text), the corrected message gets exactly the probabilities of
/// the clean one; without spelling correction it does not.
#[test]
fn misspelt_words_read_as_the_training_words() {
    let data = super::intent::synthetic_examples();
    let options = TrainOptions {
        static_features: false,
        ..TrainOptions::default()
    };
    let with = quiet_train(&data, &options);
    let without = quiet_train(
        &data,
        &TrainOptions {
            spelling: false,
            ..options.clone()
        },
    );
    for (messy, clean) in [
        ("where is my crad", "where is my card"),
        ("my card has not arived", "my card has not arrived"),
        ("cancel my tranfser", "cancel my transfer"),
        ("still waiting for mycard", "still waiting for my card"),
    ] {
        let p = with.probabilities(messy).unwrap();
        assert_eq!(p, with.probabilities(clean).unwrap(), "{messy}");
        assert_ne!(
            without.probabilities(messy).unwrap(),
            without.probabilities(clean).unwrap(),
            "{messy}"
        );
    }
}

/// Small pack: 20 intents with 12 examples each, no out-of-scope examples. The threshold tuned
/// on held-out intents used to turn away a large share of new in-scope messages; bounded by the
/// target rate of in-scope rejections it keeps nearly all of them.
#[test]
fn small_packs_stay_confident() {
    let topics = [
        ("card", "debit"),
        ("transfer", "wire"),
        ("refund", "money back"),
        ("pin", "code"),
        ("fee", "charge"),
        ("statement", "monthly summary"),
        ("loan", "borrowing"),
        ("mortgage", "home loan"),
        ("savings", "deposit"),
        ("overdraft", "negative balance"),
        ("cheque", "check"),
        ("insurance", "cover"),
        ("pension", "retirement"),
        ("crypto", "bitcoin"),
        ("address", "moving house"),
        ("password", "login"),
        ("limit", "maximum"),
        ("interest", "rate"),
        ("cashback", "rewards"),
        ("voucher", "gift card"),
    ];
    let carriers = [
        "i have a question about my {}",
        "help with my {} please",
        "{} problem",
        "something is wrong with the {}",
        "can you explain the {}",
        "i need information on {}",
        "what happened to my {}",
        "issue regarding {}",
        "tell me about the {}",
        "my {} does not look right",
        "who handles {} questions",
        "i am confused by the {}",
    ];
    let fresh = [
        "question on {}",
        "could you help me with the {}",
        "the {} is a problem for me",
        "need some help: {}",
        "{} not working",
    ];
    let mut data = Vec::new();
    let mut test = Vec::new();
    for (i, (a, b)) in topics.iter().enumerate() {
        let label = format!("intent_{i}");
        for (j, c) in carriers.iter().enumerate() {
            data.push(Example::new(
                c.replace("{}", if j % 2 == 0 { a } else { b }),
                &label,
            ));
        }
        for (j, c) in fresh.iter().enumerate() {
            test.push(Example::new(
                c.replace("{}", if j % 2 == 0 { b } else { a }),
                &label,
            ));
        }
    }
    let rejected = |model: &IntentModel| {
        test.iter()
            .filter(|e| model.predict(&e.text).unwrap().out_of_scope)
            .count()
    };
    let model = quiet_train(&data, &TrainOptions::default());
    assert_eq!(model.summary().oos_source, "held-out-intents");
    let unbounded = quiet_train(
        &data,
        &TrainOptions {
            max_in_scope_rejection: 1.0,
            ..TrainOptions::default()
        },
    );
    assert!(model.oos_threshold() <= unbounded.oos_threshold());
    let (now, before) = (rejected(&model), rejected(&unbounded));
    assert!(now * 10 <= test.len(), "{now} of {} rejected", test.len());
    assert!(before >= now, "unbounded {before}, bounded {now}");
    // Still some out-of-scope protection: a threshold above zero.
    assert!(model.oos_threshold() > 0.0);
    // Target 0: nothing is rejected by threshold.
    let never = quiet_train(
        &data,
        &TrainOptions {
            max_in_scope_rejection: 0.0,
            ..TrainOptions::default()
        },
    );
    assert_eq!(never.oos_threshold(), 0.0);
}

#[test]
fn robustness_report_lists_every_kind() {
    let model = super::intent::shared_model();
    let test = read_csv(&fixture("messy_messages.csv"));
    let r = evaluate_robustness(model, &test, None, DEFAULT_SEED).unwrap();
    assert_eq!(r.per_kind.len(), Perturbation::ALL.len());
    assert_eq!(r.clean_accuracy, evaluate(model, &test, None).unwrap().accuracy);
    let mixed = r.per_kind.last().unwrap();
    assert_eq!(mixed.kind, Perturbation::Mixed);
    assert_eq!(r.perturbed_accuracy, mixed.accuracy);
    assert!(r.per_kind.iter().all(|k| (0.0..=1.0).contains(&k.accuracy)));
    // Deterministic.
    assert_eq!(r, evaluate_robustness(model, &test, None, DEFAULT_SEED).unwrap());
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["per_kind"][0]["kind"], "typos");
    assert_eq!(
        perturb_examples(&test, Perturbation::Typos, 3)[0].text,
        perturb(&test[0].text, Perturbation::Typos, 3)
    );
}

/// A small pack cut from Banking77 (when ../shared is present): 20 intents, 12 training examples
/// each, tested on their test messages. The balanced threshold tuned on held-out intents rejected
/// a third of them; bounded by the target rate it rejects about a ninth.
#[test]
fn small_banking77_pack_rejects_few_in_scope_messages() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/banking77");
    if !dir.join("train.csv").exists() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let mut labels: Vec<String> = Vec::new();
    let mut per_label = std::collections::HashMap::new();
    let mut train_set = Vec::new();
    for e in read_csv(&dir.join("train.csv")) {
        if labels.len() < 20 && !labels.contains(&e.label) {
            labels.push(e.label.clone());
        }
        let n = per_label.entry(e.label.clone()).or_insert(0);
        *n += 1;
        if labels.contains(&e.label) && *n <= 12 {
            train_set.push(e);
        }
    }
    let test_set: Vec<Example> = read_csv(&dir.join("test.csv"))
        .into_iter()
        .filter(|e| labels.contains(&e.label))
        .collect();
    let rejected = |options: &TrainOptions| {
        let model = quiet_train(&train_set, options);
        let r = evaluate(&model, &test_set, Some("(none)")).unwrap();
        r.in_scope_rejected.unwrap()
    };
    let bounded = rejected(&TrainOptions::default());
    let unbounded = rejected(&TrainOptions {
        max_in_scope_rejection: 1.0,
        ..TrainOptions::default()
    });
    // Measured: 11.9% against 35.4% (the held-out examples of a small pack resemble each other
    // more than new messages resemble them, so the realised rate is above the 5% target).
    assert!(bounded <= 0.15, "{bounded}");
    assert!(unbounded > 2.0 * bounded, "{unbounded} vs {bounded}");
}

/// On a slice of Banking77 (when ../shared is present): perturbed test messages as people type
/// cost at most three points.
#[test]
fn banking77_slice_survives_messy_input() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/banking77");
    if !dir.join("train.csv").exists() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let all = read_csv(&dir.join("train.csv"));
    let mut labels: Vec<String> = Vec::new();
    for e in &all {
        if labels.len() < 12 && !labels.contains(&e.label) {
            labels.push(e.label.clone());
        }
    }
    let train_set: Vec<Example> = all.into_iter().filter(|e| labels.contains(&e.label)).collect();
    let test_set: Vec<Example> = read_csv(&dir.join("test.csv"))
        .into_iter()
        .filter(|e| labels.contains(&e.label))
        .collect();
    let model = quiet_train(&train_set, &TrainOptions::default());
    let r = evaluate_robustness(&model, &test_set, None, DEFAULT_SEED).unwrap();
    assert!(
        r.clean_accuracy - r.perturbed_accuracy <= 0.03,
        "clean {} perturbed {}",
        r.clean_accuracy,
        r.perturbed_accuracy
    );
}
