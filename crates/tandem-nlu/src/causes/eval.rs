//! Measuring root-cause suggestions on labelled customer messages: accuracy, macro-F1, per-cause
//! precision and recall, and coverage (the share that gets a suggestion), for the lexicon alone
//! and for the lexicon with the learned layer. A message without a suggestion counts as `other`
//! (nothing points at a cause, so a person files it), which is also why `other` needs no cues.

use serde::Serialize;

use super::{cause_index, CauseClassifier, CAUSES};
use crate::metrics::classification::ConfusionMatrix;
use crate::num::usize_to_f64;

/// One labelled message; `split` is `Some("dev")`, `Some("test")` or `None`.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub text: &'a str,
    pub cause: &'a str,
    pub split: Option<&'a str>,
}

/// One cause's figures.
#[derive(Debug, Clone, Serialize)]
pub struct PerCause {
    pub cause: &'static str,
    pub support: u64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// One layer's figures.
#[derive(Debug, Clone, Serialize)]
pub struct LayerReport {
    pub layer: String,
    pub messages: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    /// Share of messages that got a suggestion.
    pub coverage: f64,
    pub per_cause: Vec<PerCause>,
}

/// The evaluation of both layers.
#[derive(Debug, Clone, Serialize)]
pub struct CausesEval {
    /// Which rows were measured: "test" (the rows marked so) or "all".
    pub measured_on: String,
    /// How the learned layer was trained: "dev" rows as confirmations, or leave-one-out.
    pub learned_from: String,
    /// Rows whose cause is not one of [`CAUSES`] (left out).
    pub unknown_causes: usize,
    pub lexicon: LayerReport,
    pub learned: LayerReport,
}

fn report(layer: &str, results: &[(usize, Option<usize>)]) -> LayerReport {
    let other = CAUSES.len() - 1;
    let mut m = ConfusionMatrix::new(CAUSES.len());
    for &(truth, predicted) in results {
        m.add(truth, predicted.unwrap_or(other));
    }
    let covered = results.iter().filter(|(_, p)| p.is_some()).count();
    LayerReport {
        layer: layer.to_owned(),
        messages: results.len(),
        accuracy: m.accuracy(),
        macro_f1: m.macro_f1(),
        coverage: usize_to_f64(covered) / usize_to_f64(results.len().max(1)),
        per_cause: m
            .per_class()
            .into_iter()
            .zip(CAUSES)
            .map(|(s, cause)| PerCause {
                cause,
                support: s.support,
                precision: s.precision,
                recall: s.recall,
                f1: s.f1,
            })
            .collect(),
    }
}

fn predict(classifier: &CauseClassifier, text: &str) -> Option<usize> {
    classifier.suggest(&[text]).and_then(|s| cause_index(s.cause))
}

/// Measures both layers. With a `split` column, the rows marked `test` are measured and the
/// learned layer learns from the rows marked `dev`; without one, every row is measured and the
/// learned layer learns from all the other rows (leave-one-out).
pub fn evaluate(rows: &[Row<'_>]) -> CausesEval {
    let known: Vec<(&Row<'_>, usize)> = rows
        .iter()
        .filter_map(|r| cause_index(r.cause).map(|c| (r, c)))
        .collect();
    let unknown_causes = rows.len() - known.len();
    let has_split = known.iter().any(|(r, _)| r.split.is_some());
    let measured: Vec<&(&Row<'_>, usize)> = known
        .iter()
        .filter(|(r, _)| !has_split || r.split == Some("test"))
        .collect();
    let lexicon = CauseClassifier::lexicon_only();
    let lexicon_results: Vec<(usize, Option<usize>)> = measured
        .iter()
        .map(|(r, c)| (*c, predict(&lexicon, r.text)))
        .collect();
    let learned_results: Vec<(usize, Option<usize>)> = if has_split {
        let dev: Vec<(&str, &str)> = known
            .iter()
            .filter(|(r, _)| r.split == Some("dev"))
            .map(|(r, _)| (r.text, r.cause))
            .collect();
        let classifier = CauseClassifier::new(&dev);
        measured
            .iter()
            .map(|(r, c)| (*c, predict(&classifier, r.text)))
            .collect()
    } else {
        measured
            .iter()
            .enumerate()
            .map(|(i, (r, c))| {
                let others: Vec<(&str, &str)> = measured
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != i)
                    .map(|(_, (o, _))| (o.text, o.cause))
                    .collect();
                (*c, predict(&CauseClassifier::new(&others), r.text))
            })
            .collect()
    };
    CausesEval {
        measured_on: if has_split { "test" } else { "all" }.to_owned(),
        learned_from: if has_split { "dev" } else { "leave-one-out" }.to_owned(),
        unknown_causes,
        lexicon: report("lexicon", &lexicon_results),
        learned: report("lexicon+learned", &learned_results),
    }
}
