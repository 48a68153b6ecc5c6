//! How the cues of one signal combine into its score: noisy-ORs of the raising cues (in the
//! message, and before it), damped by the lowering cues.

use std::borrow::Cow;

use super::{Evidence, Signal, Source, MAX_EVIDENCE, MAX_EVIDENCE_TEXT};

/// Collects the raising and lowering cues of one signal.
#[derive(Debug, Default)]
pub(super) struct Acc {
    /// Π(1 - w) over raising cues found in the message.
    raise: f32,
    /// Π(1 - w) over raising cues that follow from what happened before the message: the
    /// customer's earlier messages, and the customer's reaction to a failure of the bot.
    raise_context: f32,
    /// Π(1 - d) over lowering cues.
    lower: f32,
    evidence: Vec<Evidence>,
    counts: Vec<(&'static str, u8)>,
}

/// The same cue counts at most this many times in a score.
const MAX_SAME_CUE: u8 = 3;

impl Acc {
    pub(super) fn new() -> Acc {
        Acc {
            raise: 1.0,
            raise_context: 1.0,
            lower: 1.0,
            ..Acc::default()
        }
    }

    pub(super) fn add(
        &mut self,
        cue: &'static str,
        weight: f32,
        source: Source,
        text: &str,
        start: usize,
        end: usize,
    ) {
        self.push(cue, weight, source, source != Source::Message, text, start, end);
    }

    /// A cue found in the message whose weight comes from what happened before it (the customer
    /// reacting to a failure of the bot): like a cue of the context, a polite "thanks" does not
    /// undo it, but its evidence quotes the customer's words.
    pub(super) fn add_reaction(
        &mut self,
        cue: &'static str,
        weight: f32,
        text: &str,
        start: usize,
        end: usize,
    ) {
        self.push(cue, weight, Source::Message, true, text, start, end);
    }

    /// The heaviest raising cue found so far in the message, other than the `ignored` ones:
    /// (start, end, weight).
    pub(super) fn strongest_in_message(&self, ignored: &[&str]) -> Option<(usize, usize, f32)> {
        self.evidence
            .iter()
            .filter(|e| e.source == Source::Message && e.weight > 0.0 && !ignored.contains(&e.cue.as_ref()))
            .max_by(|a, b| a.weight.total_cmp(&b.weight).then(b.start.cmp(&a.start)))
            .map(|e| (e.start, e.end, e.weight))
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "private: the one place both `add`s go through"
    )]
    fn push(
        &mut self,
        cue: &'static str,
        weight: f32,
        source: Source,
        before: bool,
        text: &str,
        start: usize,
        end: usize,
    ) {
        let count = match self.counts.iter_mut().find(|(c, _)| *c == cue) {
            Some((_, n)) => n,
            None => {
                self.counts.push((cue, 0));
                match self.counts.last_mut() {
                    Some((_, n)) => n,
                    None => return,
                }
            }
        };
        if *count >= MAX_SAME_CUE {
            return;
        }
        *count += 1;
        let w = weight.clamp(-1.0, 1.0);
        if w >= 0.0 {
            if before {
                self.raise_context *= 1.0 - w;
            } else {
                self.raise *= 1.0 - w;
            }
        } else {
            self.lower *= 1.0 + w;
        }
        self.evidence.push(Evidence {
            cue: Cow::Borrowed(cue),
            source,
            start,
            end,
            text: clip(text, start, end),
            weight: w,
        });
    }

    /// Lowering cues damp what the message itself says (never below `floor` of it); what happened
    /// before (the bot failed, the customer had to repeat) is not undone by a polite "thanks".
    pub(super) fn finish(mut self, floor: f32) -> Signal {
        let said = (1.0 - self.raise) * self.lower.max(floor);
        let before = 1.0 - self.raise_context;
        let score = 1.0 - (1.0 - said) * (1.0 - before);
        if self.evidence.len() > MAX_EVIDENCE {
            self.evidence
                .sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
            self.evidence.truncate(MAX_EVIDENCE);
        }
        self.evidence.sort_by_key(|e| (e.source, e.start, e.end));
        Signal {
            score: score.clamp(0.0, 1.0),
            evidence: self.evidence,
        }
    }
}

/// `text[start..end]`, shortened at a char boundary when long.
fn clip(text: &str, start: usize, end: usize) -> String {
    let Some(span) = text.get(start..end) else {
        return String::new();
    };
    if span.len() <= MAX_EVIDENCE_TEXT {
        return span.to_string();
    }
    let mut cut = MAX_EVIDENCE_TEXT;
    while !span.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut out = span[..cut].to_string();
    out.push('…');
    out
}
