//! An optional learned layer over the lexicon scorer, trained by an operator on labelled replies
//! they may use: per skill a binary logistic regression over hashed word unigrams and bigrams of
//! the reply (log-count × IDF, L2-normalised), the lexicon's nine scores and levels, and a few
//! structural features (questions, length, the customer's words restated). Tandem ships no model.
//!
//! File format (version 1): the 8 bytes [`LEARNED_MAGIC`], the format version as a little-endian
//! `u32`, then the postcard-encoded [`LearnedModel`]. A reader refuses any other magic or version.

mod features;
mod train;

use serde::{Deserialize, Serialize};

use super::spans::Text;
use super::{Evidence, Scores, Skill, SkillScore};
use crate::num::u32_to_usize;

/// The first bytes of every learned quality model file.
pub const LEARNED_MAGIC: &[u8; 8] = b"TNDMQLTY";
/// The version of the learned quality model format this build reads and writes.
pub const LEARNED_FORMAT_VERSION: u32 = 1;
/// Hashed n-gram buckets: `2^HASH_BITS`.
const HASH_BITS: u32 = 18;
/// At most this many evidence spans come from the model's words.
const MAX_MODEL_EVIDENCE: usize = 3;
const MODEL_WHY: &str = "Words that showed this skill in the labelled replies the model learnt from.";

/// One labelled reply: the skills it shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labelled {
    pub context: String,
    pub reply: String,
    /// The skills present in the reply.
    pub skills: Vec<Skill>,
}

/// Why a model file cannot be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum LearnedError {
    #[error("not a Tandem quality model (bad magic bytes)")]
    Magic,
    #[error("quality model format version {found}, this build reads version {LEARNED_FORMAT_VERSION}")]
    Version { found: u32 },
    #[error("the quality model cannot be decoded: {0}")]
    Decode(String),
    #[error("the quality model is inconsistent: {0}")]
    Invalid(String),
}

/// One trained skill: its weights, bias and level cut-offs, and what training measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillModel {
    pub skill: Skill,
    /// Hashed buckets, then the dense block.
    weights: Vec<f32>,
    bias: f32,
    /// Probability at or above which the skill is shown (level 1).
    pub level1: f64,
    /// Probability at or above which it is shown clearly (level 2).
    pub level2: f64,
    /// The L2 strength chosen.
    pub l2: f64,
    /// The passes over the training replies chosen.
    pub epochs: u32,
    /// Training replies that show the skill.
    pub positives: u64,
    /// The figures below (and the choices) come from the validation split; `false` when it had
    /// no positive or no negative reply for the skill and the training split was used.
    pub chosen_on_valid: bool,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub roc_auc: f64,
}

/// The learned layer: see the module documentation.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnedModel {
    hash_bits: u32,
    n_dense: u32,
    /// Training replies.
    pub examples: u64,
    idf: Vec<f32>,
    skills: Vec<SkillModel>,
}

/// A summary, not the weights (a configuration that holds a model may be printed).
impl std::fmt::Debug for LearnedModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LearnedModel")
            .field("hash_bits", &self.hash_bits)
            .field("examples", &self.examples)
            .field("skills", &self.skills.len())
            .finish_non_exhaustive()
    }
}

/// Trains the layer on `train`, choosing the regularisation and the level cut-offs on `valid`
/// (on `train` for a skill `valid` cannot measure). Deterministic: the same rows give the same
/// bytes. Skills never present in `train` are left to the lexicon.
pub fn train(train: &[Labelled], valid: &[Labelled]) -> LearnedModel {
    train::train(train, valid)
}

fn skill_mut(scores: &mut Scores, skill: Skill) -> &mut SkillScore {
    match skill {
        Skill::Empathy => &mut scores.empathy,
        Skill::Understanding => &mut scores.understanding,
        Skill::Exploration => &mut scores.exploration,
        Skill::DeEscalation => &mut scores.de_escalation,
        Skill::Clarity => &mut scores.clarity,
        Skill::Politeness => &mut scores.politeness,
        Skill::Solution => &mut scores.solution,
        Skill::Greeting => &mut scores.greeting,
        Skill::Closing => &mut scores.closing,
    }
}

/// Lexicon evidence of cues that lowered a skill (their `why` says so).
fn is_lowering(e: &Evidence) -> bool {
    e.why.contains("lowered")
}

impl LearnedModel {
    /// The trained skills, with their cut-offs and validation figures.
    pub fn skills(&self) -> &[SkillModel] {
        &self.skills
    }

    fn dim(&self) -> usize {
        self.idf.len()
    }

    /// The bytes of the model file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(LEARNED_MAGIC);
        out.extend_from_slice(&LEARNED_FORMAT_VERSION.to_le_bytes());
        // Serialising numbers, strings and vectors into a Vec cannot fail.
        if let Ok(payload) = postcard::to_stdvec(self) {
            out.extend_from_slice(&payload);
        }
        out
    }

    /// Parses a model file written by [`LearnedModel::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, LearnedError> {
        let rest = bytes
            .strip_prefix(LEARNED_MAGIC.as_slice())
            .ok_or(LearnedError::Magic)?;
        let Some((version, payload)) = rest.split_first_chunk::<4>() else {
            return Err(LearnedError::Decode("the file ends before its version".into()));
        };
        let found = u32::from_le_bytes(*version);
        if found != LEARNED_FORMAT_VERSION {
            return Err(LearnedError::Version { found });
        }
        let model: LearnedModel =
            postcard::from_bytes(payload).map_err(|e| LearnedError::Decode(e.to_string()))?;
        model.check()?;
        Ok(model)
    }

    fn check(&self) -> Result<(), LearnedError> {
        let bad = |s: &str| Err(LearnedError::Invalid(s.to_owned()));
        if self.hash_bits != HASH_BITS || self.idf.len() != u32_to_usize(1u32 << HASH_BITS) {
            return bad("hashed dimension differs from this build's");
        }
        if u32_to_usize(self.n_dense) != features::N_DENSE {
            return bad("dense feature count differs from this build's");
        }
        if self.idf.iter().any(|x| !x.is_finite()) {
            return bad("non-finite IDF weight");
        }
        let mut seen: Vec<Skill> = Vec::new();
        for s in &self.skills {
            if seen.contains(&s.skill) {
                return bad("a skill is trained twice");
            }
            seen.push(s.skill);
            if s.weights.len() != self.dim() + features::N_DENSE {
                return bad("weight vector of the wrong length");
            }
            if !s.bias.is_finite() || s.weights.iter().any(|x| !x.is_finite()) {
                return bad("non-finite weight");
            }
            if !(0.0..=1.0).contains(&s.level1) || !(s.level1..=1.0).contains(&s.level2) {
                return bad("level cut-offs out of order or out of [0, 1]");
            }
        }
        Ok(())
    }

    /// Rescores the skills this model was trained for; `lexicon` is [`super::score`] of the same
    /// context and reply, and the other skills are returned as it has them.
    pub fn apply(&self, context: &str, reply: &str, lexicon: Scores) -> Scores {
        if self.skills.is_empty() {
            return lexicon;
        }
        let f = features::featurise(context, reply, &lexicon, &self.idf);
        let mut out = lexicon;
        for m in &self.skills {
            let p = train::sigmoid(train::dot(&m.weights, m.bias, &f.feats)).clamp(0.0, 1.0);
            let level = if p >= m.level2 {
                2
            } else if p >= m.level1 {
                1
            } else {
                0
            };
            let slot = skill_mut(&mut out, m.skill);
            let lexicon_shown = slot.level >= 1 && slot.evidence.iter().any(|e| !is_lowering(e));
            let evidence = if level == 0 {
                slot.evidence.iter().filter(|e| is_lowering(e)).cloned().collect()
            } else if lexicon_shown {
                std::mem::take(&mut slot.evidence)
            } else {
                let mut ev = self.words(m, &f);
                ev.extend(slot.evidence.iter().filter(|e| is_lowering(e)).cloned());
                ev.sort_by_key(|e| (e.start, e.end));
                ev
            };
            let what = match level {
                0 => "not shown",
                1 => "shown",
                _ => "shown clearly",
            };
            slot.reason = format!(
                "The trained model gave level {level}, {what} (probability {p:.2}; shown from {:.2}, clearly from {:.2}).",
                m.level1, m.level2
            );
            slot.level = level;
            slot.score = p;
            slot.evidence = evidence;
        }
        out
    }

    /// The reply's words with the largest positive contribution to skill `m`, merged when
    /// adjacent, at most [`MAX_MODEL_EVIDENCE`] spans.
    fn words(&self, m: &SkillModel, f: &features::Featurised) -> Vec<Evidence> {
        let text: &Text = &f.text;
        let mut contrib = vec![0.0f64; text.toks.len()];
        for g in &f.grams {
            let Some(&(value, count)) = f.per_bucket.get(&g.bucket) else {
                continue;
            };
            let w = m.weights.get(g.bucket).copied().map_or(0.0, f64::from);
            let share = if count > 0.0 { w * value / count } else { 0.0 };
            match g.second {
                Some(second) => {
                    for i in [g.first, second] {
                        if let Some(c) = contrib.get_mut(i) {
                            *c += share / 2.0;
                        }
                    }
                }
                None => {
                    if let Some(c) = contrib.get_mut(g.first) {
                        *c += share;
                    }
                }
            }
        }
        let mut best: Vec<(usize, f64)> = contrib
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, c)| c > 0.0 && c.is_finite())
            .collect();
        best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        best.truncate(MAX_MODEL_EVIDENCE);
        let mut picked: Vec<usize> = best.into_iter().map(|(i, _)| i).collect();
        picked.sort_unstable();
        // Runs of consecutive words of one sentence become one span.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for i in picked {
            let same_sentence = |a: usize, b: usize| {
                text.tok(a)
                    .zip(text.tok(b))
                    .is_some_and(|(x, y)| x.sentence == y.sentence)
            };
            match runs.last_mut() {
                Some(run) if run.1 + 1 == i && same_sentence(run.1, i) => run.1 = i,
                _ => runs.push((i, i)),
            }
        }
        runs.into_iter()
            .filter_map(|(a, b)| {
                let start = text.tok(a)?.start;
                let end = text.tok(b)?.end;
                Some(Evidence {
                    start,
                    end,
                    text: super::skills::clip(text, start, end),
                    why: MODEL_WHY.to_owned(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
