//! The customer's earlier messages: a request repeated, a tone rising above them.

use crate::num::usize_to_f32;

use super::lexicon::{self, Feeds};
use super::message::tone_intensity;
use super::score::Acc;
use super::tokens::Tokens;
use super::{span, Context, SignalDetector, Source, MAX_CONTENT_WORDS, MAX_EARLIER_MESSAGES};

impl SignalDetector {
    /// Repetition of the customer's own earlier messages, and tone rising above them. Returns the
    /// span of the message when it asks again for what an earlier message asked.
    pub(super) fn earlier_message_cues(
        &self,
        text: &str,
        msg: &Tokens,
        intensity: usize,
        context: &Context<'_>,
        frustration: &mut Acc,
    ) -> Option<(usize, usize)> {
        let earlier = &context.earlier_messages;
        if earlier.is_empty() {
            return None;
        }
        let from = earlier.len().saturating_sub(MAX_EARLIER_MESSAGES);
        let request = self.request(msg);
        let mut repeated = false;
        let mut loudest = 0usize;
        for (index, message) in earlier.iter().enumerate().skip(from) {
            let tokens = Tokens::new(message);
            if same_request(&request, &self.request(&tokens)) {
                if let Some((s, e)) = span(&tokens, 0, tokens.len()) {
                    repeated = true;
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
        if repeated {
            span(msg, 0, msg.len())
        } else {
            None
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

    /// What a message asks: its content words without yes/no words and negators, and its question
    /// words ("where", "when", "how" …), both sorted and distinct.
    fn request<'t>(&self, tokens: &'t Tokens) -> Request<'t> {
        let mut frame: Vec<&str> = (0..tokens.len())
            .filter_map(|i| question_word(tokens.norm(i)))
            .take(MAX_CONTENT_WORDS)
            .collect();
        frame.sort_unstable();
        frame.dedup();
        let mut content = self.content_words(tokens);
        content.retain(|w| {
            !self.negators.contains(w)
                && !lexicon::REJECTIONS.contains(w)
                && !lexicon::AFFIRMATIVE.contains(w)
                && question_word(w).is_none()
        });
        Request { content, frame }
    }
}

/// What a message asks (see `SignalDetector::request`).
struct Request<'t> {
    content: Vec<&'t str>,
    frame: Vec<&'static str>,
}

/// The question word a (normalised) word is or starts ("what's" is "whats").
fn question_word(word: &str) -> Option<&'static str> {
    lexicon::QUESTION_WORDS
        .iter()
        .find(|q| word == **q || (word.len() == q.len() + 1 && word.starts_with(**q) && word.ends_with('s')))
        .copied()
}

/// The customer asks the same thing again: the same question words, and the same content words
/// (the shorter request's words all in the longer one, but for one in five; the two share at least
/// two words or are the same word, and their Jaccard similarity is at least 0.5). Related but
/// different questions are not repetition: "Where is order A1001?" and "When will order A1001
/// arrive?" differ in their question word, "return policy for a coat" and "… for a jacket" in a
/// content word of the shorter one.
fn same_request(a: &Request<'_>, b: &Request<'_>) -> bool {
    if a.frame != b.frame || !similar(&a.content, &b.content, 0.5) {
        return false;
    }
    let (short, long) = if a.content.len() <= b.content.len() {
        (&a.content, &b.content)
    } else {
        (&b.content, &a.content)
    };
    let missing = short.iter().filter(|w| long.binary_search(w).is_err()).count();
    missing <= short.len() / 5
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
