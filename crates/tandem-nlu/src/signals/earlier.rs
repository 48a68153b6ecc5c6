//! The customer's earlier messages: a request repeated, a tone rising above them.

use crate::num::usize_to_f32;

use super::lexicon::{self, Feeds};
use super::message::tone_intensity;
use super::score::Acc;
use super::tokens::Tokens;
use super::{span, Context, SignalDetector, Source, MAX_CONTENT_WORDS, MAX_EARLIER_MESSAGES};

impl SignalDetector {
    /// Repetition of the customer's own earlier messages, and tone rising above them.
    pub(super) fn earlier_message_cues(
        &self,
        text: &str,
        msg: &Tokens,
        intensity: usize,
        context: &Context<'_>,
        frustration: &mut Acc,
    ) {
        let earlier = &context.earlier_messages;
        if earlier.is_empty() {
            return;
        }
        let from = earlier.len().saturating_sub(MAX_EARLIER_MESSAGES);
        let content = self.content_words(msg);
        let mut loudest = 0usize;
        for (index, message) in earlier.iter().enumerate().skip(from) {
            let tokens = Tokens::new(message);
            if !content.is_empty() && similar(&content, &self.content_words(&tokens), 0.5) {
                if let Some((s, e)) = span(&tokens, 0, tokens.len()) {
                    frustration.add(
                        "repeated_request",
                        0.35,
                        Source::EarlierMessage(index),
                        message,
                        s,
                        e,
                    );
                }
            }
            let hits = self.hits(&self.message, &tokens);
            let intense = hits
                .iter()
                .filter(|h| {
                    self.message.get(h.pattern).is_some_and(|p| {
                        (p.data.feeds == Feeds::Frustration && p.data.weight >= lexicon::CLEAR)
                            || p.data.feeds == Feeds::Abuse
                    })
                })
                .count();
            loudest = loudest.max(tone_intensity(&tokens) + intense);
        }
        if intensity >= 2 && intensity > loudest {
            if let Some((s, e)) = span(msg, 0, msg.len()) {
                frustration.add("escalating_tone", 0.3, Source::Message, text, s, e);
            }
        }
    }

    /// Distinct content words (no stop words), sorted, at most [`MAX_CONTENT_WORDS`].
    pub(super) fn content_words<'t>(&self, tokens: &'t Tokens) -> Vec<&'t str> {
        let mut words: Vec<&str> = (0..tokens.len())
            .map(|i| tokens.norm(i))
            .filter(|w| !w.is_empty() && !self.stopwords.contains(w))
            .take(MAX_CONTENT_WORDS * 4)
            .collect();
        words.sort_unstable();
        words.dedup();
        words.truncate(MAX_CONTENT_WORDS);
        words
    }
}

/// Jaccard similarity of two sorted word sets reaches `threshold` (and they share two words, or are
/// the same non-empty set).
pub(super) fn similar(a: &[&str], b: &[&str], threshold: f32) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - shared;
    let same = shared == a.len() && shared == b.len();
    (shared >= 2 || same) && usize_to_f32(shared) >= threshold * usize_to_f32(union)
}
