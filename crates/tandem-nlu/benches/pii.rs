//! Personal data detection and redaction: time per message.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tandem_nlu::pii::PiiDetector;

const MESSAGES: &[&str] = &[
    "Where is my order A1001? I paid $1,200.00 on 2024-03-15.",
    "Please call me on +44 20 7946 0958 or write to jane.doe@example.com",
    "My card 4111 1111 1111 1111 was charged twice, refund to DE89 3704 0044 0532 0130 00",
    "New address: 221B Baker Street, London NW1 6XE",
    "Thanks, that's all!",
];

fn bench(c: &mut Criterion) {
    let Ok(detector) = PiiDetector::new() else {
        eprintln!("the personal data patterns do not compile");
        return;
    };
    let mut group = c.benchmark_group("pii");
    group.throughput(Throughput::Elements(
        u64::try_from(MESSAGES.len()).unwrap_or(u64::MAX),
    ));
    group.bench_function("redact_messages", |b| {
        b.iter(|| {
            for m in MESSAGES {
                black_box(detector.redact(black_box(m)));
            }
        })
    });
    group.finish();
    let long = MESSAGES.join(" ").repeat(200);
    let mut group = c.benchmark_group("pii_long");
    group.throughput(Throughput::Bytes(u64::try_from(long.len()).unwrap_or(u64::MAX)));
    group.bench_function("redact_60kb", |b| {
        b.iter(|| black_box(detector.redact(black_box(&long))))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
