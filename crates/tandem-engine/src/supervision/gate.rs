//! The promotion gate: whether a candidate model may replace the active one, judged on the same
//! regression set (the pack's evaluation messages plus a held-out share of relabelled ones). Pure:
//! it sees two evaluations and the tolerances, nothing else.
//!
//! The rules, each enough for a refusal:
//! 1. Overall accuracy may not drop by more than [`Tolerances::accuracy_drop`] (0.01: on the demo
//!    pack's 149 evaluation messages, one message more wrong (0.007) passes, two do not).
//! 2. For every intent the active model knows with at least [`Tolerances::min_support`] (5)
//!    messages in the set, recall may not drop by more than [`Tolerances::recall_drop`] (0.05: on
//!    `track_order`'s 32 messages one more miss (0.031) passes, two do not; on a 5-message intent
//!    any miss refuses). Recall, because a message of the intent the bot no longer recognises is a
//!    customer the bot now fails; below 5 messages one message is 20% or more and says nothing
//!    about the model, so such intents count only in the overall accuracy.
//!
//! A drop exactly at the tolerance passes. An intent the active model does not know (brand new) is
//! never a regression; an intent the candidate no longer knows has recall 0.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How one intent fares on the regression set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IntentScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// How many messages of the set are of this intent.
    pub support: u64,
}

/// A model's evaluation on the regression set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub accuracy: f64,
    pub macro_f1: f64,
    /// How many messages the set has.
    pub messages: u64,
    pub intents: BTreeMap<String, IntentScores>,
}

/// How much worse a candidate may be (see the module's documentation for why these values).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerances {
    pub accuracy_drop: f64,
    pub recall_drop: f64,
    pub min_support: u64,
}

impl Default for Tolerances {
    fn default() -> Self {
        Self {
            accuracy_drop: 0.01,
            recall_drop: 0.05,
            min_support: 5,
        }
    }
}

/// An intent whose recall dropped beyond the tolerance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Regression {
    pub intent: String,
    pub before: f64,
    pub after: f64,
}

/// The gate's answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Verdict {
    /// The overall accuracy before and after, when it dropped beyond the tolerance.
    pub accuracy: Option<(f64, f64)>,
    /// The intents that got worse, by name.
    pub regressions: Vec<Regression>,
}

impl Verdict {
    pub fn passes(&self) -> bool {
        self.accuracy.is_none() && self.regressions.is_empty()
    }

    /// One plain sentence per reason the candidate is refused (none when it passes).
    pub fn reasons(&self) -> Vec<String> {
        let mut reasons = Vec::new();
        if let Some((before, after)) = self.accuracy {
            reasons.push(format!(
                "overall accuracy would drop from {} to {}",
                percent(before),
                percent(after)
            ));
        }
        for r in &self.regressions {
            reasons.push(format!(
                "intent {} would be recognised less often: recall from {} to {}",
                r.intent,
                percent(r.before),
                percent(r.after)
            ));
        }
        reasons
    }
}

fn percent(value: f64) -> String {
    format!("{:.1}%", value * 100.0)
}

/// Float noise (a sum of fractions) never tips a drop exactly at the tolerance.
const EPSILON: f64 = 1e-9;

/// Judges a candidate against the active model on the same regression set.
pub fn judge(active: &Evaluation, candidate: &Evaluation, tolerances: &Tolerances) -> Verdict {
    let accuracy = (active.accuracy - candidate.accuracy > tolerances.accuracy_drop + EPSILON)
        .then_some((active.accuracy, candidate.accuracy));
    let regressions = active
        .intents
        .iter()
        .filter(|(_, before)| before.support >= tolerances.min_support)
        .filter_map(|(intent, before)| {
            let after = candidate.intents.get(intent).map_or(0.0, |s| s.recall);
            (before.recall - after > tolerances.recall_drop + EPSILON).then(|| Regression {
                intent: intent.clone(),
                before: before.recall,
                after,
            })
        })
        .collect();
    Verdict {
        accuracy,
        regressions,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn scores(recall: f64, support: u64) -> IntentScores {
        IntentScores {
            precision: 0.9,
            recall,
            f1: recall,
            support,
        }
    }

    fn eval(accuracy: f64, intents: &[(&str, f64, u64)]) -> Evaluation {
        Evaluation {
            accuracy,
            macro_f1: accuracy,
            messages: intents.iter().map(|(_, _, n)| n).sum(),
            intents: intents
                .iter()
                .map(|(name, recall, support)| ((*name).to_owned(), scores(*recall, *support)))
                .collect(),
        }
    }

    #[test]
    fn an_equal_or_better_candidate_passes() {
        let active = eval(0.9, &[("track_order", 0.9, 30), ("thanks", 0.8, 5)]);
        let verdict = judge(&active, &active, &Tolerances::default());
        assert!(verdict.passes());
        assert!(verdict.reasons().is_empty());
        let better = eval(0.95, &[("track_order", 1.0, 30), ("thanks", 1.0, 5)]);
        assert!(judge(&active, &better, &Tolerances::default()).passes());
    }

    #[test]
    fn an_overall_accuracy_drop_alone_refuses() {
        let active = eval(0.90, &[("track_order", 0.9, 30)]);
        let candidate = eval(0.88, &[("track_order", 0.9, 30)]);
        let verdict = judge(&active, &candidate, &Tolerances::default());
        assert!(!verdict.passes());
        assert_eq!(verdict.accuracy, Some((0.90, 0.88)));
        assert!(verdict.regressions.is_empty());
        assert_eq!(
            verdict.reasons(),
            vec!["overall accuracy would drop from 90.0% to 88.0%".to_owned()]
        );
    }

    #[test]
    fn one_intents_recall_drop_alone_refuses_and_names_it() {
        let active = eval(0.90, &[("track_order", 0.9, 30), ("thanks", 0.8, 5)]);
        // Overall accuracy even rises: the intent's drop alone refuses.
        let candidate = eval(0.92, &[("track_order", 0.6, 30), ("thanks", 1.0, 5)]);
        let verdict = judge(&active, &candidate, &Tolerances::default());
        assert!(!verdict.passes());
        assert!(verdict.accuracy.is_none());
        assert_eq!(
            verdict.regressions,
            vec![Regression {
                intent: "track_order".into(),
                before: 0.9,
                after: 0.6
            }]
        );
        let reasons = verdict.reasons();
        assert_eq!(reasons.len(), 1);
        assert!(reasons[0].contains("track_order"), "{reasons:?}");
    }

    #[test]
    fn a_drop_exactly_at_the_tolerance_passes() {
        let t = Tolerances::default();
        let active = eval(0.90, &[("a", 0.85, 20)]);
        let candidate = eval(0.89, &[("a", 0.80, 20)]);
        assert!(judge(&active, &candidate, &t).passes());
        // Just beyond it does not.
        let worse = eval(0.889, &[("a", 0.799, 20)]);
        let verdict = judge(&active, &worse, &t);
        assert!(verdict.accuracy.is_some());
        assert_eq!(verdict.regressions.len(), 1);
    }

    #[test]
    fn an_intent_with_too_few_messages_is_not_judged_alone() {
        let active = eval(0.9, &[("gift_cards", 1.0, 4), ("track_order", 0.9, 30)]);
        let candidate = eval(0.9, &[("gift_cards", 0.0, 4), ("track_order", 0.9, 30)]);
        assert!(judge(&active, &candidate, &Tolerances::default()).passes());
        // At the minimum it is.
        let active = eval(0.9, &[("gift_cards", 1.0, 5)]);
        let candidate = eval(0.9, &[("gift_cards", 0.8, 5)]);
        let verdict = judge(&active, &candidate, &Tolerances::default());
        assert_eq!(verdict.regressions.len(), 1);
    }

    #[test]
    fn a_brand_new_intent_is_not_a_regression() {
        let active = eval(0.9, &[("track_order", 0.9, 30)]);
        let candidate = eval(0.9, &[("track_order", 0.9, 30), ("loyalty_points", 0.0, 10)]);
        assert!(judge(&active, &candidate, &Tolerances::default()).passes());
    }

    #[test]
    fn an_intent_the_candidate_lost_counts_as_never_recognised() {
        let active = eval(0.9, &[("track_order", 0.9, 30), ("thanks", 0.8, 6)]);
        let candidate = eval(0.9, &[("track_order", 0.9, 30)]);
        let verdict = judge(&active, &candidate, &Tolerances::default());
        assert_eq!(
            verdict.regressions,
            vec![Regression {
                intent: "thanks".into(),
                before: 0.8,
                after: 0.0
            }]
        );
    }

    #[test]
    fn an_empty_set_passes() {
        let empty = Evaluation::default();
        assert!(judge(&empty, &empty, &Tolerances::default()).passes());
    }

    #[test]
    fn every_regression_is_named_in_order() {
        let active = eval(0.9, &[("b_intent", 0.9, 10), ("a_intent", 0.9, 10)]);
        let candidate = eval(0.7, &[("b_intent", 0.5, 10), ("a_intent", 0.5, 10)]);
        let verdict = judge(&active, &candidate, &Tolerances::default());
        let reasons = verdict.reasons();
        assert_eq!(reasons.len(), 3);
        assert!(reasons[1].contains("a_intent") && reasons[2].contains("b_intent"));
    }
}
