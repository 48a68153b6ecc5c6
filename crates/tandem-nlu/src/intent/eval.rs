//! Evaluation of an intent model on labelled examples: quality figures and the time to classify
//! one message, measured one message at a time on the calling thread from raw text to decision.

use std::collections::BTreeSet;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::model::IntentModel;
use super::train::Example;
use super::IntentError;
use crate::metrics::classification::{percentile, ConfusionMatrix};
use crate::num::{u64_to_f64, usize_to_f64, usize_to_u64};

/// How many confused pairs a report lists.
pub const CONFUSED_PAIRS: usize = 20;
/// How many messages are classified before the clock starts.
const WARM_UP: usize = 200;

/// Precision, recall and F1 of one intent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IntentScores {
    pub intent: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Examples whose true label is this intent.
    pub support: u64,
}

/// `count` examples of `truth` were predicted as `predicted`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfusedPair {
    pub truth: String,
    pub predicted: String,
    pub count: u64,
}

/// Time to classify one message, in microseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

/// The result of [`evaluate`]. Figures are fractions in [0, 1]; out-of-scope figures are `None`
/// without an out-of-scope label (or without examples of the kind they count).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    pub examples: u64,
    pub accuracy: f64,
    pub macro_f1: f64,
    /// The out-of-scope label the figures below refer to.
    pub oos_label: Option<String>,
    /// Among in-scope examples, the fraction given their right intent (and not rejected).
    pub in_scope_accuracy: Option<f64>,
    /// Among out-of-scope examples, the fraction judged out of scope.
    pub oos_recall: Option<f64>,
    /// Among in-scope examples, the fraction wrongly judged out of scope.
    pub in_scope_rejected: Option<f64>,
    pub per_intent: Vec<IntentScores>,
    /// The most frequent errors, most frequent first.
    pub confused_pairs: Vec<ConfusedPair>,
    pub latency_us: Latency,
    /// Messages classified per second on one thread.
    pub throughput_per_sec: f64,
    /// Labels of the examples that the model does not know (always counted as errors).
    pub unknown_labels: Vec<String>,
}

/// Classifies every example one at a time and reports quality and speed. With `oos_label`, a
/// message judged out of scope counts as predicted `oos_label`, and examples with that label are
/// out of scope; without it, the model's top label is the prediction.
pub fn evaluate(
    model: &IntentModel,
    examples: &[Example],
    oos_label: Option<&str>,
) -> Result<EvalReport, IntentError> {
    let mut names: Vec<String> = model.labels().to_vec();
    let mut unknown: BTreeSet<String> = BTreeSet::new();
    for e in examples {
        if !model.labels().contains(&e.label) {
            unknown.insert(e.label.clone());
        }
    }
    names.extend(unknown.iter().filter(|l| Some(l.as_str()) != oos_label).cloned());
    if let Some(oos) = oos_label {
        if !names.iter().any(|n| n == oos) {
            names.push(oos.to_string());
        }
    }
    let index = |label: &str| names.iter().position(|n| n == label).unwrap_or(0);
    let truth: Vec<usize> = examples.iter().map(|e| index(&e.label)).collect();
    let oos_index = oos_label.map(index);

    for e in examples.iter().take(WARM_UP) {
        model.predict_top(&e.text, 1)?;
    }
    let mut predicted = Vec::with_capacity(examples.len());
    let mut micros = Vec::with_capacity(examples.len());
    let started = Instant::now();
    for e in examples {
        let t0 = Instant::now();
        let p = model.predict(&e.text)?;
        let label = match (oos_label, p.out_of_scope) {
            (Some(oos), true) => Some(oos),
            (Some(_), false) => p.intent,
            (None, _) => p.top.first().map(|s| s.intent),
        };
        micros.push(t0.elapsed().as_secs_f64() * 1e6);
        predicted.push(label.map_or(usize::MAX, index));
    }
    let wall = started.elapsed().as_secs_f64();

    let mut matrix = ConfusionMatrix::new(names.len());
    for (&t, &p) in truth.iter().zip(&predicted) {
        matrix.add(t, p);
    }
    let total = usize_to_u64(examples.len());
    let correct = usize_to_u64(truth.iter().zip(&predicted).filter(|(t, p)| t == p).count());
    let fraction = |num: u64, den: u64| {
        if den == 0 {
            None
        } else {
            Some(u64_to_f64(num) / u64_to_f64(den))
        }
    };
    let (mut in_total, mut in_correct, mut in_rejected, mut oos_total, mut oos_caught) = (0, 0, 0, 0, 0);
    if let Some(oos) = oos_index {
        for (&t, &p) in truth.iter().zip(&predicted) {
            if t == oos {
                oos_total += 1;
                oos_caught += u64::from(p == oos);
            } else {
                in_total += 1;
                in_correct += u64::from(p == t);
                in_rejected += u64::from(p == oos);
            }
        }
    }
    let per_class = matrix.per_class();
    let per_intent = names
        .iter()
        .zip(&per_class)
        .filter(|(_, s)| s.support > 0 || s.predicted > 0)
        .map(|(name, s)| IntentScores {
            intent: name.clone(),
            precision: s.precision,
            recall: s.recall,
            f1: s.f1,
            support: s.support,
        })
        .collect();
    let name = |i: usize| names.get(i).cloned().unwrap_or_default();
    let confused_pairs = matrix
        .most_confused(CONFUSED_PAIRS)
        .into_iter()
        .map(|c| ConfusedPair {
            truth: name(c.truth),
            predicted: name(c.predicted),
            count: c.count,
        })
        .collect();
    micros.sort_by(f64::total_cmp);
    let latency_us = Latency {
        p50: percentile(&micros, 0.50),
        p90: percentile(&micros, 0.90),
        p99: percentile(&micros, 0.99),
        max: micros.last().copied().unwrap_or(0.0),
        mean: if micros.is_empty() {
            0.0
        } else {
            micros.iter().sum::<f64>() / usize_to_f64(micros.len())
        },
    };
    Ok(EvalReport {
        examples: total,
        accuracy: fraction(correct, total).unwrap_or(0.0),
        macro_f1: matrix.macro_f1(),
        oos_label: oos_label.map(str::to_string),
        in_scope_accuracy: oos_index.and_then(|_| fraction(in_correct, in_total)),
        oos_recall: oos_index.and_then(|_| fraction(oos_caught, oos_total)),
        in_scope_rejected: oos_index.and_then(|_| fraction(in_rejected, in_total)),
        per_intent,
        confused_pairs,
        latency_us,
        throughput_per_sec: if wall > 0.0 { u64_to_f64(total) / wall } else { 0.0 },
        unknown_labels: unknown
            .into_iter()
            .filter(|l| Some(l.as_str()) != oos_label)
            .collect(),
    })
}
