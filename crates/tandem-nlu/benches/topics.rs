//! Topic clustering: 1,000 made-up banking and shopping questions (generated from a few dozen
//! subjects and phrasings, no data set copied), clustered with a given k and with the automatic
//! choice of k; and root-cause suggestions per case.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tandem_nlu::causes::CauseClassifier;
use tandem_nlu::topics::{cluster, TopicOptions};

const OPENINGS: &[&str] = &[
    "",
    "Hi, ",
    "Hello, quick question: ",
    "Sorry to bother you but ",
    "hey ",
    "Good morning. ",
];

const SUBJECTS: &[&str] = &[
    "my card has not arrived yet",
    "the card payment was declined at a shop",
    "I was charged twice for one purchase",
    "I want to change my PIN",
    "my transfer to a friend is still pending",
    "how do I top up with a bank transfer",
    "the exchange rate on my payment looks wrong",
    "I lost my phone and need to freeze my card",
    "why is there a fee on my cash withdrawal",
    "can I get a refund for a cancelled order",
    "the ATM kept my card",
    "my account was locked after too many attempts",
    "how long does identity verification take",
    "I want to close my account",
    "where can I see my statement",
    "can I have a virtual card for online shopping",
    "a direct debit I do not recognise was taken",
    "the app will not let me log in",
    "I need to update my home address",
    "which currencies can I hold",
];

const CLOSINGS: &[&str] = &["", "?", " please", ", thanks!", " asap", ". Can you help?"];

/// `n` varied messages: every subject with rotating openings and closings.
fn messages(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let pick = |list: &[&'static str], j: usize| list.get(j % list.len()).copied().unwrap_or("");
            format!(
                "{}{}{}",
                pick(OPENINGS, i),
                pick(SUBJECTS, i * 7),
                pick(CLOSINGS, i / 3)
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let owned = messages(1_000);
    let texts: Vec<&str> = owned.iter().map(String::as_str).collect();
    let mut group = c.benchmark_group("topics");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1_000));
    group.bench_function("cluster_1000_k20", |b| {
        b.iter(|| cluster(black_box(&texts), &TopicOptions { k: Some(20), seed: 1 }))
    });
    group.bench_function("cluster_1000_auto_k", |b| {
        b.iter(|| cluster(black_box(&texts), &TopicOptions::default()))
    });
    group.finish();

    let confirmed: Vec<(&str, &str)> = texts
        .iter()
        .take(500)
        .enumerate()
        .map(|(i, t)| (*t, if i % 2 == 0 { "process" } else { "technical_defect" }))
        .collect();
    let mut group = c.benchmark_group("causes");
    group.bench_function("build_500_confirmations", |b| {
        b.iter(|| CauseClassifier::new(black_box(&confirmed)))
    });
    let classifier = CauseClassifier::new(&confirmed);
    let case = [
        "Hi, I ordered a jacket two weeks ago and the app keeps crashing when I open the order",
        "I'd like to talk to a person please",
    ];
    group.bench_function("suggest_with_500_confirmations", |b| {
        b.iter(|| classifier.suggest(black_box(&case)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
