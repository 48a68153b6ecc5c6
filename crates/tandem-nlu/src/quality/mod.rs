//! Soft-skill scoring of an agent's reply: for each of nine skills a level (0, 1, 2), a score in
//! `[0, 1]`, a one-line reason and the evidence spans (code-point offsets into the reply) that show
//! it. It scores observable behaviour in the text, never the writer's emotions.
//!
//! [`score`] is pure and deterministic: the same context and reply always give the same scores.
//!
//! # How the scores are built
//!
//! As in `signals`: hand-written lexicon cues (`cues.rs`, phrase patterns matched on the words of
//! one sentence, see `spans.rs`) and structural cues (questions, instructions, shouting, the
//! customer's content words restated from `context`), each with a weight in a few tiers chosen by
//! judgement (strong 0.6, clear 0.45, mild 0.25, faint 0.1), combined per skill with a noisy-OR
//! `1 - Π(1 - w)` and damped by lowering cues ("calm down", "not my problem"). Clarity is read from
//! the shape of the reply (`clarity.rs`). Level 1 from score 0.42 (0.55 for exploration), level 2
//! from 0.75 (0.8). Every counted cue is evidence. Nothing is fitted to a data set: ESConv (CC BY-NC
//! 4.0) was read to design cues and choose the level cut-offs, and its test split measures the
//! scorer (`eval.rs`, `tandem quality eval`); see `docs/quality.md` for the figures.
//!
//! [`learned`] is an optional layer an operator trains on labelled replies they may use
//! (`tandem quality train`) and applies with [`score_with`]; Tandem ships no such model.

mod clarity;
mod cues;
pub mod eval;
pub mod learned;
mod skills;
pub mod spans;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use learned::{Labelled, LearnedError, LearnedModel};

/// The nine skills of the rubric, in the order every report lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Skill {
    Empathy,
    Understanding,
    Exploration,
    DeEscalation,
    Clarity,
    Politeness,
    Solution,
    Greeting,
    Closing,
}

impl Skill {
    pub const ALL: [Skill; 9] = [
        Skill::Empathy,
        Skill::Understanding,
        Skill::Exploration,
        Skill::DeEscalation,
        Skill::Clarity,
        Skill::Politeness,
        Skill::Solution,
        Skill::Greeting,
        Skill::Closing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Skill::Empathy => "empathy",
            Skill::Understanding => "understanding",
            Skill::Exploration => "exploration",
            Skill::DeEscalation => "de_escalation",
            Skill::Clarity => "clarity",
            Skill::Politeness => "politeness",
            Skill::Solution => "solution",
            Skill::Greeting => "greeting",
            Skill::Closing => "closing",
        }
    }

    pub fn parse(name: &str) -> Option<Skill> {
        Skill::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl std::fmt::Display for Skill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Words of the reply that show a skill: `text` is `reply[start..end]` counted in code points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// One sentence saying what these words do.
    pub why: String,
}

/// One skill's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillScore {
    /// 0 = not shown, 1 = shown, 2 = shown clearly.
    pub level: u8,
    /// In `[0, 1]`.
    pub score: f64,
    /// One line a person can read: why this level.
    pub reason: String,
    pub evidence: Vec<Evidence>,
}

/// The nine skills' results; serialises as `{"empathy": {...}, ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    pub empathy: SkillScore,
    pub understanding: SkillScore,
    pub exploration: SkillScore,
    pub de_escalation: SkillScore,
    pub clarity: SkillScore,
    pub politeness: SkillScore,
    pub solution: SkillScore,
    pub greeting: SkillScore,
    pub closing: SkillScore,
}

impl Scores {
    pub fn get(&self, skill: Skill) -> &SkillScore {
        match skill {
            Skill::Empathy => &self.empathy,
            Skill::Understanding => &self.understanding,
            Skill::Exploration => &self.exploration,
            Skill::DeEscalation => &self.de_escalation,
            Skill::Clarity => &self.clarity,
            Skill::Politeness => &self.politeness,
            Skill::Solution => &self.solution,
            Skill::Greeting => &self.greeting,
            Skill::Closing => &self.closing,
        }
    }

    /// Every skill with its result, in [`Skill::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Skill, &SkillScore)> {
        Skill::ALL.into_iter().map(move |s| (s, self.get(s)))
    }
}

/// Scores `reply`, an agent's answer to `context` (the customer's words before it, may be empty).
///
/// Never panics; only the first [`spans::MAX_CHARS`] code points of each text are read.
pub fn score(context: &str, reply: &str) -> Scores {
    skills::score(context, reply)
}

/// Scores `reply` with the lexicon and, when a trained [`LearnedModel`] is given, rescores the
/// skills it was trained for (see [`LearnedModel::apply`]). `None` is exactly [`score`].
pub fn score_with(model: Option<&LearnedModel>, context: &str, reply: &str) -> Scores {
    let lexicon = score(context, reply);
    match model {
        Some(m) => m.apply(context, reply, lexicon),
        None => lexicon,
    }
}
