//! Per-message cost of the semantic tier's encoders.
//!
//! ```text
//! export TANDEM_SEMANTIC_MODEL="$(scripts/install-semantic-model.sh | tail -n1)"
//! cargo bench -p tandem-nlu --features semantic --bench semantic
//! ```
//! Without `TANDEM_SEMANTIC_MODEL` the bench prints a notice and does nothing. The static encoder
//! is read from `TANDEM_SEMANTIC_STATIC` when that names a table file; otherwise it is distilled
//! from the model first (about a minute on two cores).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use criterion::{BenchmarkId, Criterion, Throughput};
use tandem_nlu::dense::DenseEncoder;
use tandem_nlu::semantic::{distil, DistilConfig, SentenceEncoder, StaticEncoder};

const MESSAGES: &[&str] = &[
    "I lost my card, please block it.",
    "How do I top up my account?",
    "Why was I charged twice for the same transaction at the supermarket yesterday evening?",
    "My transfer to my landlord still hasn't arrived after three days, what is going on?",
    "card not working",
    "Hello, I would like to know which currencies I can hold in my account and what the \
     exchange fees are when I pay abroad with my card, because I am travelling next month.",
];

fn static_encoder(teacher: &SentenceEncoder) -> Option<StaticEncoder> {
    if let Some(path) = std::env::var_os("TANDEM_SEMANTIC_STATIC").filter(|p| !p.is_empty()) {
        match StaticEncoder::load(Path::new(&path)) {
            Ok(st) => return Some(st),
            Err(e) => eprintln!("cannot read TANDEM_SEMANTIC_STATIC: {e}; distilling instead"),
        }
    }
    let t0 = Instant::now();
    match distil(teacher, &DistilConfig::default()) {
        Ok(st) => {
            eprintln!(
                "distilled {} in {:.0}s ({})",
                st.id(),
                t0.elapsed().as_secs_f64(),
                st.notes()
            );
            Some(st)
        }
        Err(e) => {
            eprintln!("cannot distil: {e}");
            None
        }
    }
}

fn bench(c: &mut Criterion, dir: &Path) {
    let teacher = match SentenceEncoder::load(dir) {
        Ok(enc) => enc,
        Err(e) => {
            eprintln!("cannot load the semantic model: {e}");
            return;
        }
    };

    let mut group = c.benchmark_group("sentence_encoder");
    group.sample_size(20);
    for (i, msg) in MESSAGES.iter().enumerate().take(3) {
        group.bench_with_input(BenchmarkId::new("encode", i), msg, |b, msg| {
            b.iter(|| black_box(teacher.encode(black_box(msg))))
        });
    }
    let batch: Vec<&str> = MESSAGES.iter().cycle().take(32).copied().collect();
    group.throughput(Throughput::Elements(
        u64::try_from(batch.len()).unwrap_or(u64::MAX),
    ));
    group.bench_function("encode_batch_32", |b| {
        b.iter(|| black_box(teacher.encode_batch(black_box(&batch))))
    });
    group.finish();

    let Some(st) = static_encoder(&teacher) else {
        return;
    };
    let mut group = c.benchmark_group("static_encoder");
    for (i, msg) in MESSAGES.iter().enumerate() {
        group.bench_with_input(BenchmarkId::new("encode", i), msg, |b, msg| {
            b.iter(|| black_box(st.encode(black_box(msg))))
        });
    }
    group.finish();
}

fn main() {
    let Some(dir) = std::env::var_os("TANDEM_SEMANTIC_MODEL")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
    else {
        eprintln!(
            "notice: TANDEM_SEMANTIC_MODEL is not set; skipping the semantic benches \
             (scripts/install-semantic-model.sh installs the model)"
        );
        return;
    };
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, &dir);
    c.final_summary();
}
