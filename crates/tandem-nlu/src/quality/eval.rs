//! Measuring the scorer on replies labelled with one support strategy each (ESConv's
//! `strategy_*.csv`): per skill, precision, recall and F1 of "shown" (level >= 1) against the
//! strategies that show the skill, and the ROC AUC of the score. Reading the file is the caller's.

use serde::{Deserialize, Serialize};

use super::{score_with, Labelled, LearnedModel, Skill};
use crate::metrics::classification::precision_recall_f1;
use crate::metrics::ranking;
use crate::num::usize_to_u64;

/// The strategies that show each measurable skill (the rest cannot be told from ESConv's labels).
pub const SKILL_STRATEGIES: &[(Skill, &[&str])] = &[
    (Skill::Exploration, &["Question"]),
    (
        Skill::Understanding,
        &["Restatement or Paraphrasing", "Reflection of feelings"],
    ),
    (
        Skill::Empathy,
        &["Reflection of feelings", "Affirmation and Reassurance"],
    ),
    (Skill::Solution, &["Providing Suggestions"]),
];

/// One skill's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillFigures {
    pub skill: Skill,
    /// Replies whose strategy shows the skill.
    pub support: usize,
    /// Replies scored at level >= 1.
    pub predicted: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// ROC AUC of `score`; `None` when one class is missing.
    pub roc_auc: Option<f64>,
}

/// The figures of every measurable skill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    pub examples: usize,
    pub skills: Vec<SkillFigures>,
}

/// Counts of one skill while replies are scored.
#[derive(Debug, Default)]
struct Tally {
    scores: Vec<f64>,
    labels: Vec<bool>,
    true_pos: usize,
    predicted: usize,
}

/// The skills a reply labelled with strategy `label` shows, per [`SKILL_STRATEGIES`].
pub fn skills_of(label: &str) -> Vec<Skill> {
    let label = label.trim();
    SKILL_STRATEGIES
        .iter()
        .filter(|(_, strategies)| strategies.contains(&label))
        .map(|(skill, _)| *skill)
        .collect()
}

/// `(text, label)` rows as training examples (no context), the skills from [`skills_of`].
pub fn labelled<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Labelled> {
    rows.into_iter()
        .map(|(text, label)| Labelled {
            context: String::new(),
            reply: text.to_owned(),
            skills: skills_of(label),
        })
        .collect()
}

/// Scores every `(text, label)` reply (without context) and measures each skill of
/// [`SKILL_STRATEGIES`].
pub fn evaluate<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str)>) -> EvalReport {
    evaluate_with(None, rows)
}

/// [`evaluate`] with the learned layer `model` over the lexicon when given.
pub fn evaluate_with<'a>(
    model: Option<&LearnedModel>,
    rows: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> EvalReport {
    let mut tallies: Vec<Tally> = SKILL_STRATEGIES.iter().map(|_| Tally::default()).collect();
    let mut examples = 0usize;
    for (text, label) in rows {
        examples += 1;
        let scores = score_with(model, "", text);
        for ((skill, strategies), t) in SKILL_STRATEGIES.iter().zip(tallies.iter_mut()) {
            let s = scores.get(*skill);
            let truth = strategies.contains(&label.trim());
            let shown = s.level >= 1;
            t.scores.push(s.score);
            t.labels.push(truth);
            t.predicted += usize::from(shown);
            t.true_pos += usize::from(shown && truth);
        }
    }
    let skills = SKILL_STRATEGIES
        .iter()
        .zip(tallies)
        .map(|((skill, _), t)| figures(*skill, &t))
        .collect();
    EvalReport { examples, skills }
}

fn figures(skill: Skill, t: &Tally) -> SkillFigures {
    let support = t.labels.iter().filter(|&&l| l).count();
    let (precision, recall, f1) = precision_recall_f1(
        usize_to_u64(t.true_pos),
        usize_to_u64(t.predicted),
        usize_to_u64(support),
    );
    SkillFigures {
        skill,
        support,
        predicted: t.predicted,
        precision,
        recall,
        f1,
        roc_auc: ranking::roc_auc(&t.scores, &t.labels).ok(),
    }
}
