//! Cues in the form of the message itself: negations, emphatic punctuation, capitals, a bare
//! "agent".

use super::lexicon::{self, Feeds};
use super::pattern::Hit;
use super::person;
use super::score::Acc;
use super::tokens::Tokens;
use super::{span, SignalDetector, Source};

impl SignalDetector {
    /// Punctuation, capitals, an opening "no", negations, a bare "agent".
    pub(super) fn structural_message_cues(
        &self,
        text: &str,
        msg: &Tokens,
        hits: &[Hit],
        frustration: &mut Acc,
        human: &mut Acc,
    ) {
        let src = Source::Message;
        let mut negations = 0;
        for (i, t) in msg.list.iter().enumerate() {
            if self.negators.contains(msg.norm(i)) && negations < 3 {
                negations += 1;
                frustration.add("negation", lexicon::FAINT, src, text, t.start, t.end);
            }
        }
        // Emphatic punctuation: "!!", "???", "?!".
        if msg.exclamations >= 2 || msg.longest_punct_run >= 3 || text.contains("?!") || text.contains("!?") {
            if let Some(at) = ["?!", "!?", "!!", "??"].iter().filter_map(|p| text.find(p)).min() {
                frustration.add("emphatic_punctuation", lexicon::MILD, src, text, at, at + 2);
            }
        }
        // Capitals: shouting when most letters are capitals, otherwise a few emphasised words.
        let words = msg.len();
        if words >= 3 && msg.letters >= 8 && msg.upper * 5 >= msg.letters * 4 {
            if let Some((s, e)) = span(msg, 0, words) {
                frustration.add("shouting", lexicon::CLEAR, src, text, s, e);
            }
        } else if words >= 3 {
            let long_caps = msg
                .list
                .iter()
                .enumerate()
                .filter(|&(i, t)| t.caps && msg.norm(i).chars().count() >= 3)
                .take(2);
            for (_, t) in long_caps {
                frustration.add("capitals", 0.15, src, text, t.start, t.end);
            }
        }
        // A very short message that names a person: "agent", "human please", "Representative!".
        let has_human_hit = hits.iter().any(|h| {
            self.message
                .get(h.pattern)
                .is_some_and(|p| matches!(p.data.feeds, Feeds::Human | Feeds::NotHuman))
        });
        if !has_human_hit && (1..=3).contains(&words) {
            let negated = (0..words).any(|i| self.negators.contains(msg.norm(i)));
            if !negated {
                let person = msg
                    .list
                    .iter()
                    .enumerate()
                    .find(|&(i, _)| person::SHORT_REQUEST_WORDS.contains(&msg.norm(i)));
                if let Some((_, t)) = person {
                    human.add("asked_for_person", 0.8, src, text, t.start, t.end);
                    frustration.add("asked_for_person", 0.24, src, text, t.start, t.end);
                }
            }
        }
    }
}

/// Exclamation marks and words in capitals, each counted up to three.
pub(super) fn tone_intensity(tokens: &Tokens) -> usize {
    let caps = tokens
        .list
        .iter()
        .enumerate()
        .filter(|(i, t)| t.caps && tokens.norm(*i).chars().count() >= 3)
        .count();
    tokens.exclamations.min(3) + caps.min(3)
}
