//! Signal detectors: time per message, alone and with a conversation behind it.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tandem_nlu::signals::{Context, SignalDetector};

const MESSAGES: &[&str] = &[
    "Where is my order A1001? It was supposed to arrive yesterday.",
    "No, that's not what I asked. I already told you my order number!!",
    "Can I please talk to a real person?",
    "Thanks, that's perfect.",
    "This is ridiculous, I need it fixed ASAP or I will cancel my account.",
    "ok",
];

fn bench(c: &mut Criterion) {
    let detector = SignalDetector::new();
    let mut group = c.benchmark_group("signals");
    group.throughput(Throughput::Elements(
        u64::try_from(MESSAGES.len()).unwrap_or(u64::MAX),
    ));
    group.bench_function("analyze_without_context", |b| {
        b.iter(|| {
            for m in MESSAGES {
                black_box(detector.analyze(black_box(m), &Context::new()));
            }
        })
    });
    let ctx = Context::new()
        .with_earlier_message("Where is my order A1001?")
        .with_bot_turn("Sorry, I didn't understand that. Could you rephrase?")
        .with_earlier_message("my order A1001, where is it")
        .with_bot_turn("I'm sorry, I couldn't find any order with that number. Would you like to try again?");
    group.bench_function("analyze_with_conversation", |b| {
        b.iter(|| {
            for m in MESSAGES {
                black_box(detector.analyze(black_box(m), &ctx));
            }
        })
    });
    group.finish();
    c.bench_function("signals/build_detector", |b| {
        b.iter(|| black_box(SignalDetector::new()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
