//! Root-cause suggestions: when a case is handed to a person, which root cause is the customer's
//! problem a symptom of (a manual that misleads, a page that promised too much, advice given
//! before the sale, a broken app, the company's own procedures, or something else), with the
//! customer's own words as evidence.
//!
//! Two layers, combined per cause with a noisy-OR `1 - Π(1 - w)`:
//!
//! - The built-in lexicon (`lexicon.rs`): weighted cue phrases per cause, matched on the words of
//!   one sentence, a negatable cue cancelled by a negator just before it ("did not crash"). Its
//!   evidence is the matched words.
//! - A learned layer (`learned.rs`) built from what people confirmed: the customer's messages of
//!   each confirmed case as TF-IDF word unigrams and bigrams; a new case scores, per cause, its
//!   cosine similarity to the closest confirmed case of that cause. A few confirmations of a new
//!   phrasing therefore move the next suggestion for a case that reads like them. Its evidence is
//!   the message words that carried the similarity most.
//!
//! A cause is suggested when its combined score reaches [`MIN_SCORE`] (one mild cue); the
//! confidence is that score times its share against the runner-up. Deterministic and pure.
//! `docs/root-causes.md` says how it was measured.

pub mod eval;
mod learned;
mod lexicon;

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::quality::spans::{PatternSet, Text, MAX_CHARS};
use learned::Learned;
use lexicon::{Entry, ENTRIES, NEGATION_WINDOW, NEGATORS};

/// The root causes, in the order every report lists them.
pub const CAUSES: [&str; 6] = [
    "documentation",
    "product_promise",
    "sales_advice",
    "technical_defect",
    "process",
    "other",
];

/// A combined score at or above this is suggested.
pub const MIN_SCORE: f32 = 0.25;
/// At most this many evidence spans per suggestion (the heaviest first).
pub const MAX_EVIDENCE: usize = 6;
/// The same cue counts at most this many times in a score.
const MAX_SAME_CUE: usize = 2;

/// One root cause (the index into [`CAUSES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Cause {
    Documentation,
    ProductPromise,
    SalesAdvice,
    TechnicalDefect,
    Process,
    Other,
}

impl Cause {
    const ALL: [Cause; 6] = [
        Cause::Documentation,
        Cause::ProductPromise,
        Cause::SalesAdvice,
        Cause::TechnicalDefect,
        Cause::Process,
        Cause::Other,
    ];

    fn index(self) -> usize {
        match self {
            Cause::Documentation => 0,
            Cause::ProductPromise => 1,
            Cause::SalesAdvice => 2,
            Cause::TechnicalDefect => 3,
            Cause::Process => 4,
            Cause::Other => 5,
        }
    }

    fn name(self) -> &'static str {
        CAUSES.get(self.index()).copied().unwrap_or("other")
    }

    fn parse(name: &str) -> Option<Cause> {
        let name = name.trim();
        Cause::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// The index of a cause name in [`CAUSES`], `None` for an unknown name.
pub fn cause_index(name: &str) -> Option<usize> {
    Cause::parse(name).map(Cause::index)
}

/// Words of the customer that point at the cause: `text` is exactly
/// `messages[message][start..end]` (byte offsets on character boundaries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CauseEvidence {
    pub message: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// One sentence saying what these words show.
    pub why: String,
}

/// A suggested root cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CauseSuggestion {
    /// One of [`CAUSES`].
    pub cause: &'static str,
    /// In `[0, 1]`.
    pub confidence: f32,
    /// Never empty.
    pub evidence: Vec<CauseEvidence>,
}

/// The compiled lexicon, shared by every classifier.
struct Lexicon {
    patterns: PatternSet,
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| Lexicon {
    patterns: PatternSet::new(ENTRIES.iter().map(|e| e.0)),
});

/// One analysed customer message: its words and the byte offset of every code point.
pub(crate) struct Message<'a> {
    pub raw: &'a str,
    pub text: Text,
    /// `bytes[i]` is the byte offset of code point `i` (one past the end included).
    bytes: Vec<usize>,
}

impl<'a> Message<'a> {
    pub(crate) fn new(raw: &'a str) -> Message<'a> {
        let mut bytes: Vec<usize> = raw.char_indices().map(|(b, _)| b).take(MAX_CHARS).collect();
        bytes.push(raw.char_indices().nth(MAX_CHARS).map_or(raw.len(), |(b, _)| b));
        Message {
            raw,
            text: Text::new(raw),
            bytes,
        }
    }

    /// The evidence for words `first..last` (exclusive) of the message.
    pub(crate) fn evidence(
        &self,
        message: usize,
        first: usize,
        last: usize,
        why: &str,
    ) -> Option<CauseEvidence> {
        let start_cp = self.text.tok(first)?.start;
        let end_cp = self.text.tok(last.checked_sub(1)?)?.end;
        let start = *self.bytes.get(start_cp)?;
        let end = *self.bytes.get(end_cp)?;
        let text = self.raw.get(start..end)?.to_owned();
        Some(CauseEvidence {
            message,
            start,
            end,
            text,
            why: why.to_owned(),
        })
    }
}

/// A cue found: its weight and its evidence.
struct Found {
    weight: f32,
    evidence: CauseEvidence,
}

fn negated(text: &Text, at: usize) -> bool {
    let Some(tok) = text.tok(at) else {
        return false;
    };
    (at.saturating_sub(NEGATION_WINDOW)..at).any(|i| {
        text.tok(i)
            .is_some_and(|t| t.sentence == tok.sentence && NEGATORS.contains(&t.norm.as_str()))
    })
}

/// Every lexicon cue in the messages, per cause.
fn lexicon_cues(messages: &[Message<'_>]) -> Vec<Vec<Found>> {
    let mut out: Vec<Vec<Found>> = (0..CAUSES.len()).map(|_| Vec::new()).collect();
    let mut seen: Vec<(usize, usize)> = Vec::new();
    for (m, msg) in messages.iter().enumerate() {
        for hit in LEXICON.patterns.find(&msg.text) {
            let Some(&(_, cause, weight, why, negatable)): Option<&Entry> = ENTRIES.get(hit.id) else {
                continue;
            };
            if negatable && negated(&msg.text, hit.start) {
                continue;
            }
            let times = seen.iter().filter(|&&(id, _)| id == hit.id).count();
            if times >= MAX_SAME_CUE {
                continue;
            }
            // Overlapping hits of the same cause: only the heaviest counts (a longer phrase
            // usually contains a shorter cue of the same meaning).
            let Some(list) = out.get_mut(cause.index()) else {
                continue;
            };
            let Some(evidence) = msg.evidence(m, hit.start, hit.end, why) else {
                continue;
            };
            let overlapping = list.iter().position(|f| {
                f.evidence.message == m && f.evidence.start < evidence.end && evidence.start < f.evidence.end
            });
            match overlapping {
                Some(i) => {
                    if let Some(f) = list.get_mut(i) {
                        if weight > f.weight {
                            *f = Found { weight, evidence };
                        }
                    }
                }
                None => list.push(Found { weight, evidence }),
            }
            seen.push((hit.id, m));
        }
    }
    out
}

/// Suggests root causes from the built-in lexicon and what people confirmed. Cheap to build
/// (milliseconds for a few thousand confirmations); immutable and shareable once built.
#[derive(Debug, Clone, Default)]
pub struct CauseClassifier {
    learned: Option<Learned>,
}

/// One cause's combined score and its evidence (heaviest first).
struct Scored {
    cause: Cause,
    score: f32,
    evidence: Vec<(f32, CauseEvidence)>,
}

impl CauseClassifier {
    /// The built-in lexicon, plus what people confirmed: (text of the customer's messages,
    /// confirmed cause) pairs; unknown causes are ignored.
    pub fn new(confirmed: &[(&str, &str)]) -> Self {
        let pairs: Vec<(&str, Cause)> = confirmed
            .iter()
            .filter_map(|&(text, cause)| Cause::parse(cause).map(|c| (text, c)))
            .collect();
        CauseClassifier {
            learned: Learned::build(&pairs),
        }
    }

    /// The lexicon only (no confirmations).
    pub fn lexicon_only() -> Self {
        CauseClassifier { learned: None }
    }

    /// How many confirmations the learned layer holds.
    pub fn confirmations(&self) -> usize {
        self.learned.as_ref().map_or(0, Learned::len)
    }

    fn score(&self, messages: &[&str]) -> Vec<Scored> {
        let analysed: Vec<Message<'_>> = messages.iter().map(|m| Message::new(m)).collect();
        let cues = lexicon_cues(&analysed);
        let learned = self
            .learned
            .as_ref()
            .map(|l| l.score(&analysed))
            .unwrap_or_default();
        Cause::ALL
            .into_iter()
            .map(|cause| {
                let mut evidence: Vec<(f32, CauseEvidence)> = cues
                    .get(cause.index())
                    .map(|list| list.iter().map(|f| (f.weight, f.evidence.clone())).collect())
                    .unwrap_or_default();
                if let Some((weight, words)) = learned.get(cause.index()) {
                    if *weight > 0.0 {
                        evidence.extend(words.iter().map(|e| (*weight, e.clone())));
                    }
                }
                let mut keep = 1.0f32;
                for f in cues.get(cause.index()).into_iter().flatten() {
                    keep *= 1.0 - f.weight.clamp(0.0, 1.0);
                }
                if let Some((weight, words)) = learned.get(cause.index()) {
                    if !words.is_empty() {
                        keep *= 1.0 - weight.clamp(0.0, 1.0);
                    }
                }
                evidence.sort_by(|a, b| {
                    b.0.total_cmp(&a.0)
                        .then(a.1.message.cmp(&b.1.message))
                        .then(a.1.start.cmp(&b.1.start))
                });
                Scored {
                    cause,
                    score: (1.0 - keep).clamp(0.0, 1.0),
                    evidence,
                }
            })
            .collect()
    }

    /// The combined score of every cause, in [`CAUSES`] order (for evaluation and explanations).
    pub fn scores(&self, messages: &[&str]) -> [f32; 6] {
        let mut out = [0.0; 6];
        for (o, s) in out.iter_mut().zip(self.score(messages)) {
            *o = s.score;
        }
        out
    }

    /// The suggested root cause of a case from the customer's messages; `None` when nothing in
    /// them points at a cause (a suggestion always has evidence).
    pub fn suggest(&self, messages: &[&str]) -> Option<CauseSuggestion> {
        let mut scored: Vec<Scored> = self
            .score(messages)
            .into_iter()
            .filter(|s| !s.evidence.is_empty() && s.score.is_finite())
            .collect();
        scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.cause.cmp(&b.cause)));
        let mut ranked = scored.into_iter();
        let best = ranked.next().filter(|b| b.score >= MIN_SCORE)?;
        let runner_up = ranked.next().map_or(0.0, |s| s.score);
        let share = best.score / (best.score + runner_up).max(f32::EPSILON);
        let mut evidence: Vec<CauseEvidence> = Vec::new();
        for (_, e) in best.evidence {
            let overlaps = evidence
                .iter()
                .any(|k| k.message == e.message && k.start < e.end && e.start < k.end);
            if !overlaps {
                evidence.push(e);
            }
            if evidence.len() == MAX_EVIDENCE {
                break;
            }
        }
        Some(CauseSuggestion {
            cause: best.cause.name(),
            confidence: (best.score * share).clamp(0.0, 1.0),
            evidence,
        })
    }
}

#[cfg(test)]
mod tests;
