//! Speed of the fast intent tier: feature extraction and prediction of one message, and training.
//! Uses Banking77 from ../shared when present, otherwise a small synthetic set.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use tandem_nlu::intent::features::{FeatureConfig, Scratch, SparseVec, Vectorizer};
use tandem_nlu::intent::neighbours::ExampleIndex;
use tandem_nlu::intent::{train, Example, TrainOptions};

fn examples() -> Vec<Example> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/banking77/train.csv");
    if let Ok(mut reader) = csv::Reader::from_path(&path) {
        let rows: Vec<Example> = reader
            .records()
            .filter_map(Result::ok)
            .filter_map(|r| Some(Example::new(r.get(0)?, r.get(1)?)))
            .collect();
        if !rows.is_empty() {
            return rows;
        }
    }
    eprintln!("{} is absent: benchmarking on synthetic data", path.display());
    let topics = [
        "card",
        "transfer",
        "exchange rate",
        "top up",
        "refund",
        "pin",
        "account",
        "fee",
    ];
    let verbs = [
        "where is my",
        "cancel my",
        "what is the",
        "why did my",
        "how do i change my",
        "problem with my",
    ];
    let mut out = Vec::new();
    for (t, topic) in topics.iter().enumerate() {
        for (v, verb) in verbs.iter().enumerate() {
            for n in 0..5 {
                out.push(Example::new(
                    format!("{verb} {topic} please {n}"),
                    format!("intent_{t}_{}", v % 2),
                ));
            }
        }
    }
    out
}

const MESSAGES: [&str; 4] = [
    "I am still waiting on my card?",
    "Why was I charged an extra fee when I withdrew cash from the ATM yesterday afternoon in Spain?",
    "top up failed",
    "Hi! I made a transfer to the wrong account by mistake, can you cancel it before it goes through? Thanks a lot",
];

fn bench(c: &mut Criterion) {
    let data = examples();
    let texts: Vec<&str> = data.iter().map(|e| e.text.as_str()).collect();
    let vectorizer = Vectorizer::fit(&FeatureConfig::default(), &texts);
    let mut scratch = Scratch::default();
    let mut out = SparseVec::default();
    c.bench_function("intent/features (4 messages)", |b| {
        b.iter(|| {
            for m in MESSAGES {
                vectorizer.transform_into(black_box(m), &mut scratch, &mut out);
                black_box(out.indices.len());
            }
        })
    });
    let model = match train(&data, &TrainOptions::default(), None, &mut |_| {}) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("cannot train the benchmark model: {e}");
            return;
        }
    };
    c.bench_function("intent/predict (4 messages)", |b| {
        b.iter(|| {
            for m in MESSAGES {
                let p = model.predict(black_box(m));
                black_box(p.map(|p| p.confidence).unwrap_or_default());
            }
        })
    });
    // The semantic tier's nearest-example scores: one 384-dimension embedding against as many
    // stored examples as Banking77 has (pseudo-random unit vectors; the speed does not depend on
    // the values).
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut unit = |dim: usize| {
        let mut v: Vec<f32> = (0..dim)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                exact_f32((state >> 40).to_le_bytes()) / 16_777_216.0 - 0.5
            })
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter_mut().for_each(|x| *x /= norm);
        v
    };
    let stored: Vec<Vec<f32>> = (0..data.len()).map(|_| unit(384)).collect();
    let index = ExampleIndex::build(
        384,
        stored
            .iter()
            .enumerate()
            .map(|(i, v)| (v.as_slice(), u32::try_from(i % 77).unwrap_or(0))),
    );
    let query = unit(384);
    let mut sims = Vec::new();
    c.bench_function(&format!("intent/nearest examples ({} x 384)", index.len()), |b| {
        b.iter(|| {
            index.class_similarities(black_box(&query), 77, &mut sims);
            black_box(sims.first().copied());
        })
    });
    let mut group = c.benchmark_group("intent/train");
    group.sample_size(10);
    group.bench_function("fit the vocabulary", |b| {
        b.iter(|| black_box(Vectorizer::fit(&FeatureConfig::default(), &texts).len()))
    });
    group.finish();
}

/// A value below 2^24 (given as its little-endian bytes) as `f32`, exactly: its top 16 bits and
/// its low 8 bits are each exact in `f32`, and so is their sum.
fn exact_f32(bytes: [u8; 8]) -> f32 {
    let [lo, mid, hi, ..] = bytes;
    f32::from(u16::from_le_bytes([mid, hi])) * 256.0 + f32::from(lo)
}

criterion_group!(benches, bench);
criterion_main!(benches);
