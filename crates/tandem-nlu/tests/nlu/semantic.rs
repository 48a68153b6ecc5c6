//! The semantic tier: the sentence encoder against sentence-transformers' reference values, and
//! the distilled static encoder.
//!
//! Tests that need the model read its directory from `TANDEM_SEMANTIC_MODEL`
//! (`scripts/install-semantic-model.sh` installs it); without it they print a notice and pass,
//! unless `TANDEM_REQUIRE_SERVICES=1`, which makes a missing model a failure.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tandem_nlu::dense::{DenseEncoder, DenseError};
use tandem_nlu::semantic::{
    distil, DistilConfig, SentenceEncoder, StaticEncoder, STATIC_FORMAT_VERSION, STATIC_MAGIC,
};

fn model_dir() -> Option<PathBuf> {
    match std::env::var_os("TANDEM_SEMANTIC_MODEL") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => {
            if std::env::var("TANDEM_REQUIRE_SERVICES").as_deref() == Ok("1") {
                panic!(
                    "TANDEM_SEMANTIC_MODEL is not set and TANDEM_REQUIRE_SERVICES=1: \
                     run scripts/install-semantic-model.sh and export its output"
                );
            }
            eprintln!(
                "notice: TANDEM_SEMANTIC_MODEL is not set; skipping a semantic-tier test \
                 (scripts/install-semantic-model.sh installs the model)"
            );
            None
        }
    }
}

/// One encoder for the whole test binary (loading reads ~90 MB).
fn encoder() -> Option<&'static SentenceEncoder> {
    static ENCODER: OnceLock<SentenceEncoder> = OnceLock::new();
    let dir = model_dir()?;
    Some(ENCODER.get_or_init(|| SentenceEncoder::load(&dir).expect("load the sentence encoder")))
}

/// A static encoder distilled quickly (only the pieces of a small corpus).
fn static_encoder() -> Option<&'static StaticEncoder> {
    static STATIC: OnceLock<StaticEncoder> = OnceLock::new();
    let teacher = encoder()?;
    Some(STATIC.get_or_init(|| {
        let cfg = DistilConfig {
            corpus: CORPUS.iter().map(|s| s.to_string()).collect(),
            corpus_pieces_only: true,
            min_word_count: 1,
            dims: Some(64),
            ..DistilConfig::default()
        };
        distil(teacher, &cfg).expect("distil")
    }))
}

const CORPUS: &[&str] = &[
    "I lost my card, please block it.",
    "My card was stolen yesterday",
    "Someone stole my credit card, freeze it",
    "How do I top up my account?",
    "I want to add money to my balance",
    "Can I top-up with a bank transfer?",
    "Why was I charged twice for the same transaction?",
    "There is a duplicate payment on my statement",
    "The weather is lovely today.",
    "He drove to the stadium.",
    "What is the exchange rate for euros?",
    "Which currencies can I exchange?",
];

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f32]) -> f32 {
    a.iter().map(|x| x * x).sum::<f32>().sqrt()
}

fn assert_unit(v: &[f32], dim: usize) {
    assert_eq!(v.len(), dim);
    assert!(v.iter().all(|x| x.is_finite()), "non-finite value");
    assert!((norm(v) - 1.0).abs() < 1e-4, "norm {}", norm(v));
}

fn tmp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tandem-semantic-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn loading_names_the_missing_file() {
    let missing = Path::new("/nonexistent/tandem-model");
    let err = SentenceEncoder::load(missing).unwrap_err();
    assert!(matches!(err, DenseError::Load { .. }));
    assert!(err.to_string().contains("/nonexistent/tandem-model"), "{err}");

    let dir = tmp_dir("missing");
    std::fs::write(dir.join("config.json"), "{}").unwrap();
    let err = SentenceEncoder::load(&dir).unwrap_err().to_string();
    assert!(err.contains("tokenizer.json"), "{err}");
    std::fs::write(dir.join("tokenizer.json"), "{}").unwrap();
    let err = SentenceEncoder::load(&dir).unwrap_err().to_string();
    assert!(err.contains("model.safetensors"), "{err}");
    std::fs::write(dir.join("model.safetensors"), "not safetensors").unwrap();
    let err = SentenceEncoder::load(&dir).unwrap_err().to_string();
    assert!(err.contains("config.json"), "a bad config is named: {err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn static_tables_are_checked_on_load() {
    assert!(StaticEncoder::from_bytes(b"").is_err());
    assert!(StaticEncoder::from_bytes(b"GARBAGE!\x01\x00\x00\x00").is_err());
    let mut wrong_version = STATIC_MAGIC.to_vec();
    wrong_version.extend_from_slice(&(STATIC_FORMAT_VERSION + 1).to_le_bytes());
    let err = StaticEncoder::from_bytes(&wrong_version).unwrap_err();
    assert!(err.contains("version"), "{err}");
    let mut truncated = STATIC_MAGIC.to_vec();
    truncated.extend_from_slice(&STATIC_FORMAT_VERSION.to_le_bytes());
    truncated.extend_from_slice(&[3, 1, 2]);
    assert!(StaticEncoder::from_bytes(&truncated).is_err());
    let err = StaticEncoder::load(Path::new("/nonexistent/table.static")).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/table.static"));
}

/// Cosine similarities published in the sentence-transformers documentation for
/// all-MiniLM-L6-v2 (computed there with PyTorch).
#[test]
fn matches_sentence_transformers_reference_similarities() {
    let Some(enc) = encoder() else { return };
    let sims = |a: &[&str], b: &[&str]| -> Vec<Vec<f32>> {
        let ea = enc.encode_batch(a).unwrap();
        let eb = enc.encode_batch(b).unwrap();
        ea.iter()
            .map(|x| eb.iter().map(|y| cosine(x, y)).collect())
            .collect()
    };
    let close = |got: &[Vec<f32>], want: &[[f32; 3]]| {
        for (g, w) in got.iter().zip(want) {
            for (x, y) in g.iter().zip(w) {
                assert!((x - y).abs() < 1e-3, "similarity {x} vs reference {y}");
            }
        }
    };
    let s1 = [
        "The weather is lovely today.",
        "It's so sunny outside!",
        "He drove to the stadium.",
    ];
    close(
        &sims(&s1, &s1),
        &[
            [1.0, 0.6660, 0.1046],
            [0.6660, 1.0, 0.1411],
            [0.1046, 0.1411, 1.0],
        ],
    );
    let a = [
        "The new movie is awesome",
        "The cat sits outside",
        "A man is playing guitar",
    ];
    let b = [
        "The dog plays in the garden",
        "The new movie is so great",
        "A woman watches TV",
    ];
    close(
        &sims(&a, &b),
        &[
            [0.0543, 0.8939, -0.0502],
            [0.2838, -0.0029, 0.1310],
            [0.2277, -0.0136, -0.0327],
        ],
    );
}

/// Leading and trailing components from an independent NumPy implementation of the same model
/// (which reproduces the similarities above to four decimals).
#[test]
fn matches_reference_embedding_values() {
    let Some(enc) = encoder() else { return };
    let cases: [(&str, [f32; 4], [f32; 2]); 3] = [
        (
            "I lost my card, please block it.",
            [-0.133732, 0.0854393, 0.0403314, 0.0197071],
            [-0.0374214, 0.0150242],
        ),
        (
            "",
            [-0.1188384, 0.0482987, -0.0025481, -0.0110112],
            [0.046549, -0.0157173],
        ),
        (
            "Ça coûte combien ? 😀 €50",
            [-0.0072326, 0.0858255, 0.0123199, -0.0151106],
            [-0.0205015, -0.0415134],
        ),
    ];
    for (text, head, tail) in cases {
        let v = enc.encode(text).unwrap();
        assert_unit(&v, 384);
        for (x, y) in v[..4].iter().zip(head).chain(v[382..].iter().zip(tail)) {
            assert!((x - y).abs() < 2e-4, "{text:?}: {x} vs {y}");
        }
    }
    assert_eq!(
        enc.token_ids("I lost my card, please block it.").unwrap(),
        [101, 1045, 2439, 2026, 4003, 1010, 3531, 3796, 2009, 1012, 102]
    );
}

#[test]
fn batches_match_single_encodings() {
    let Some(enc) = encoder() else { return };
    let texts = [
        "short",
        "a somewhat longer sentence about a card payment that was declined at the shop",
        "",
        "How do I top up my account?",
        "🙂",
    ];
    let batch = enc.encode_batch(&texts).unwrap();
    assert_eq!(batch.len(), texts.len());
    for (text, b) in texts.iter().zip(&batch) {
        let single = enc.encode(text).unwrap();
        assert!(
            cosine(&single, b) > 0.9999,
            "{text:?}: padding changed the embedding"
        );
    }
    assert!(enc.encode_batch(&[]).unwrap().is_empty());
}

#[test]
fn paraphrases_rank_above_unrelated_sentences() {
    let Some(enc) = encoder() else { return };
    let q = enc.encode("I lost my card, please block it.").unwrap();
    let para = enc.encode("My card was stolen yesterday").unwrap();
    let other = enc.encode("What is the exchange rate for euros?").unwrap();
    assert!(cosine(&q, &para) > cosine(&q, &other) + 0.1);
}

fn hostile_inputs() -> Vec<String> {
    vec![
        String::new(),
        " \t\n ".into(),
        "\0\u{1}\u{7f}\u{fffd}".into(),
        "😀🙃🔥💳".repeat(50),
        "a".repeat(5000),
        "word ".repeat(2000),
        "这是一个测试。".repeat(100),
        "é\u{301}\u{301}\u{301}".into(),
        "[CLS] [SEP] [PAD] [MASK] [UNK]".into(),
        "x".repeat(1 << 20),
        "ü ".repeat(1 << 19),
    ]
}

#[test]
fn never_fails_on_hostile_input() {
    let Some(enc) = encoder() else { return };
    for text in hostile_inputs() {
        let v = enc.encode(&text).unwrap();
        assert_unit(&v, enc.dim());
        assert!(enc.token_ids(&text).unwrap().len() <= enc.max_tokens());
    }
    let texts = hostile_inputs();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    for v in enc.encode_batch(&refs).unwrap() {
        assert_unit(&v, enc.dim());
    }
}

#[test]
fn static_encoder_is_unit_norm_and_robust() {
    let Some(st) = static_encoder() else { return };
    assert_eq!(st.dim(), 64);
    for text in hostile_inputs()
        .iter()
        .map(String::as_str)
        .chain(CORPUS.iter().copied())
    {
        assert_unit(&st.encode(text).unwrap(), 64);
    }
    // A text without any known piece gets the (unit) vector of the empty text.
    assert_eq!(st.encode("").unwrap(), st.encode("😀").unwrap());
    assert_ne!(st.encode("card").unwrap(), st.encode("").unwrap());
    // Corpus words of several pieces have their own entry; others split into pieces.
    assert_eq!(st.tokens("My CARD, stolen?"), ["my", "card", ",", "stolen", "?"]);
    assert_eq!(st.tokens("currencies"), ["currencies"]);
    assert!(st.tokens("😀").is_empty());
}

#[test]
fn static_encoder_keeps_paraphrases_close() {
    let Some(st) = static_encoder() else { return };
    let q = st.encode("I lost my card, please block it.").unwrap();
    let para = st.encode("Someone stole my credit card, freeze it").unwrap();
    let other = st.encode("Which currencies can I exchange?").unwrap();
    assert!(
        cosine(&q, &para) > cosine(&q, &other),
        "{} vs {}",
        cosine(&q, &para),
        cosine(&q, &other)
    );
}

#[test]
fn static_tables_round_trip() {
    let Some(st) = static_encoder() else { return };
    let enc = encoder().unwrap();
    assert_eq!(st.teacher_id(), enc.id());
    assert!(st.id().starts_with("static:64:"));
    let dir = tmp_dir("roundtrip");
    let path = dir.join("minilm.static");
    st.save(&path).unwrap();
    let back = StaticEncoder::load(&path).unwrap();
    assert_eq!(back.id(), st.id());
    assert_eq!(back.notes(), st.notes());
    for text in CORPUS {
        assert_eq!(back.encode(text).unwrap(), st.encode(text).unwrap());
    }
    // Any corruption of the payload is an error or a valid table, never a panic.
    let bytes = std::fs::read(&path).unwrap();
    for cut in [12, 100, bytes.len() / 2, bytes.len() - 1] {
        let _ = StaticEncoder::from_bytes(&bytes[..cut]);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn encoders_are_identified() {
    let Some(enc) = encoder() else { return };
    assert_eq!(enc.dim(), 384);
    assert!(enc.id().starts_with("bert-mean:384:"), "{}", enc.id());
    let again = SentenceEncoder::load(&model_dir().unwrap()).unwrap();
    assert_eq!(again.id(), enc.id(), "the id is stable across loads");
}
