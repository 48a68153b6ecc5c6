//! Scoring a model on the regression set: overall accuracy, macro-F1 and, per intent, precision,
//! recall, F1 and support. Pure: it sees the set and a way to classify a message.

use std::collections::{BTreeMap, BTreeSet};

use super::gate::{Evaluation, IntentScores};

/// One message of the regression set: its text and the intent it is of (`None`: of none the pack
/// has; right when the model says it is out of scope).
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub text: String,
    pub intent: Option<String>,
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    tandem_nlu::num::u64_to_f64(part) / tandem_nlu::num::u64_to_f64(whole)
}

/// Scores `classify` (the intent it recognises, `None` for out of scope) on the cases.
pub fn evaluate(cases: &[Case], mut classify: impl FnMut(&str) -> Option<String>) -> Evaluation {
    let predictions: Vec<Option<String>> = cases.iter().map(|c| classify(&c.text)).collect();
    let mut correct = 0u64;
    let labels: BTreeSet<&str> = cases.iter().filter_map(|c| c.intent.as_deref()).collect();
    let mut true_positive: BTreeMap<&str, u64> = BTreeMap::new();
    let mut support: BTreeMap<&str, u64> = BTreeMap::new();
    let mut predicted: BTreeMap<&str, u64> = BTreeMap::new();
    for (case, prediction) in cases.iter().zip(&predictions) {
        if case.intent == *prediction {
            correct += 1;
        }
        if let Some(truth) = case.intent.as_deref() {
            *support.entry(truth).or_default() += 1;
            if prediction.as_deref() == Some(truth) {
                *true_positive.entry(truth).or_default() += 1;
            }
        }
        if let Some(p) = prediction.as_deref() {
            if labels.contains(p) {
                *predicted.entry(p).or_default() += 1;
            }
        }
    }
    let intents: BTreeMap<String, IntentScores> = labels
        .iter()
        .map(|label| {
            let tp = true_positive.get(label).copied().unwrap_or(0);
            let n = support.get(label).copied().unwrap_or(0);
            let precision = ratio(tp, predicted.get(label).copied().unwrap_or(0));
            let recall = ratio(tp, n);
            let f1 = if precision + recall > 0.0 {
                2.0 * precision * recall / (precision + recall)
            } else {
                0.0
            };
            (
                (*label).to_owned(),
                IntentScores {
                    precision,
                    recall,
                    f1,
                    support: n,
                },
            )
        })
        .collect();
    let total = tandem_nlu::num::usize_to_u64(cases.len());
    let macro_f1 = if intents.is_empty() {
        0.0
    } else {
        intents.values().map(|s| s.f1).sum::<f64>() / tandem_nlu::num::usize_to_f64(intents.len())
    };
    Evaluation {
        accuracy: ratio(correct, total),
        macro_f1,
        messages: total,
        intents,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn case(text: &str, intent: Option<&str>) -> Case {
        Case {
            text: text.into(),
            intent: intent.map(str::to_owned),
        }
    }

    #[test]
    fn scores_follow_the_definitions() {
        let cases = [
            case("where is my order", Some("track")),
            case("order status", Some("track")),
            case("refund please", Some("refund")),
            case("weather?", None),
        ];
        // "order status" is taken for a refund; the rest is right.
        let evaluation = evaluate(&cases, |text| match text {
            "where is my order" => Some("track".into()),
            "order status" | "refund please" => Some("refund".into()),
            _ => None,
        });
        assert_eq!(evaluation.messages, 4);
        assert!((evaluation.accuracy - 0.75).abs() < 1e-12);
        let track = evaluation.intents["track"];
        assert_eq!(track.support, 2);
        assert!((track.recall - 0.5).abs() < 1e-12);
        assert!((track.precision - 1.0).abs() < 1e-12);
        let refund = evaluation.intents["refund"];
        assert!((refund.precision - 0.5).abs() < 1e-12);
        assert!((refund.recall - 1.0).abs() < 1e-12);
        let f1 = (2.0 * 0.5 / 1.5 + 2.0 * 0.5 / 1.5) / 2.0;
        assert!((evaluation.macro_f1 - f1).abs() < 1e-12);
    }

    #[test]
    fn an_empty_set_scores_zero_without_dividing_by_it() {
        let evaluation = evaluate(&[], |_| None);
        assert_eq!(evaluation.messages, 0);
        assert_eq!(evaluation.accuracy, 0.0);
        assert!(evaluation.intents.is_empty());
    }
}
