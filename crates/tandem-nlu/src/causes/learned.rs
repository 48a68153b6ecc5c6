//! The learned layer: what people confirmed, as TF-IDF vectors of word unigrams (stop words left
//! out) and bigrams; a new case scores, per cause, its cosine similarity to the closest confirmed
//! case of that cause. Nearest-neighbour rather than a per-cause model because a handful of
//! confirmations of a new phrasing must move the next suggestion for a case that reads like them,
//! which a centroid over hundreds of unrelated cases would wash out.

use std::collections::HashMap;

use super::{Cause, CauseEvidence, Message, CAUSES};
use crate::num::usize_to_f32;
use crate::topics::is_stopword;

/// A similarity at or below this is incidental word overlap and adds nothing.
const MIN_SIMILARITY: f32 = 0.1;
/// A similarity from this up reads as the same case told again (short messages that say the
/// same thing in other words rarely share more of their TF-IDF mass than this).
const FULL_SIMILARITY: f32 = 0.5;
/// The weight of a case that reads like a confirmed one, in the noisy-OR with the lexicon.
const MATCH_WEIGHT: f32 = 0.85;
/// A confirmed case counts only when it shares at least this many features with the new one:
/// one shared word is a subject ("coat"), not a way of telling the problem.
const MIN_SHARED: usize = 2;
/// At most this many evidence spans from the learned layer.
const MAX_WORDS: usize = 3;
const WHY: &str = "Reads like cases people confirmed as this cause.";

/// A feature: a content word, or two consecutive words.
type Key = String;

/// The features of one analysed message set: key -> (count, first place it occurs).
struct Bag {
    counts: HashMap<Key, (usize, (usize, usize, usize))>,
}

/// A word that can be a feature: not a number, not a stop word, two letters or more.
fn content(t: &crate::quality::spans::Tok) -> bool {
    !t.number && t.norm.chars().count() >= 2 && !is_stopword(&t.norm)
}

/// The words of `messages` as features: content words, and pairs of consecutive content words
/// of one sentence (pairs with a function word mostly add noise to short messages). The place
/// is (message, first word, end word).
fn bag(messages: &[Message<'_>]) -> Bag {
    let mut counts: HashMap<Key, (usize, (usize, usize, usize))> = HashMap::new();
    for (m, msg) in messages.iter().enumerate() {
        let toks = &msg.text.toks;
        for (i, t) in toks.iter().enumerate() {
            if !content(t) {
                continue;
            }
            counts.entry(t.norm.clone()).or_insert((0, (m, i, i + 1))).0 += 1;
            if let Some(next) = toks.get(i + 1).filter(|n| n.sentence == t.sentence && content(n)) {
                let key = format!("{} {}", t.norm, next.norm);
                counts.entry(key).or_insert((0, (m, i, i + 2))).0 += 1;
            }
        }
    }
    Bag { counts }
}

/// A unit-length sparse vector, sorted by key.
type Vector = Vec<(Key, f32)>;

#[derive(Debug, Clone)]
pub(crate) struct Learned {
    idf: HashMap<Key, f32>,
    /// Idf of a feature no confirmed case has: that of a feature one case has (a word never seen
    /// is not rarer than the rarest seen one; weighing it more would drown the shared words).
    unseen_idf: f32,
    examples: Vec<(Cause, Vector)>,
}

impl Learned {
    /// `None` when there is nothing to learn from.
    pub(crate) fn build(pairs: &[(&str, Cause)]) -> Option<Learned> {
        if pairs.is_empty() {
            return None;
        }
        let bags: Vec<(Cause, Bag)> = pairs
            .iter()
            .map(|&(text, cause)| (cause, bag(&[Message::new(text)])))
            .collect();
        let mut df: HashMap<Key, usize> = HashMap::new();
        for (_, b) in &bags {
            for k in b.counts.keys() {
                *df.entry(k.clone()).or_insert(0) += 1;
            }
        }
        let n = usize_to_f32(bags.len());
        let idf: HashMap<Key, f32> = df
            .into_iter()
            .map(|(k, d)| (k, ((1.0 + n) / (1.0 + usize_to_f32(d))).ln() + 1.0))
            .collect();
        let unseen_idf = ((1.0 + n) / 2.0).ln() + 1.0;
        let mut learned = Learned {
            idf,
            unseen_idf,
            examples: Vec::with_capacity(bags.len()),
        };
        learned.examples = bags
            .iter()
            .map(|(cause, b)| (*cause, learned.vector(b)))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        Some(learned)
    }

    pub(crate) fn len(&self) -> usize {
        self.examples.len()
    }

    fn vector(&self, b: &Bag) -> Vector {
        let mut v: Vector = b
            .counts
            .iter()
            .map(|(k, &(count, _))| {
                let idf = self.idf.get(k).copied().unwrap_or(self.unseen_idf);
                (k.clone(), (1.0 + usize_to_f32(count).ln()) * idf)
            })
            .collect();
        let norm = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|(_, x)| *x /= norm);
        }
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// Per cause (in [`CAUSES`] order): the weight the closest confirmed case of that cause adds
    /// (0 when none is close enough) and the message words that carried the similarity most.
    pub(crate) fn score(&self, messages: &[Message<'_>]) -> Vec<(f32, Vec<CauseEvidence>)> {
        let b = bag(messages);
        let v = self.vector(&b);
        let mut best: Vec<Option<(f32, usize)>> = vec![None; CAUSES.len()];
        for (e, (cause, ex)) in self.examples.iter().enumerate() {
            let (sim, shared) = dot(&v, ex);
            if shared < MIN_SHARED {
                continue;
            }
            if let Some(slot) = best.get_mut(cause.index()) {
                if slot.is_none_or(|(s, _)| sim > s) {
                    *slot = Some((sim, e));
                }
            }
        }
        best.into_iter()
            .map(|slot| match slot {
                Some((sim, e)) if sim > MIN_SIMILARITY => {
                    let ex = self.examples.get(e).map_or(&[][..], |(_, x)| x.as_slice());
                    let words = evidence(&b, &v, ex, messages);
                    let ramp = (sim - MIN_SIMILARITY) / (FULL_SIMILARITY - MIN_SIMILARITY);
                    (MATCH_WEIGHT * ramp.clamp(0.0, 1.0), words)
                }
                _ => (0.0, Vec::new()),
            })
            .collect()
    }
}

/// The dot product of two sorted sparse vectors and how many features they share.
fn dot(a: &[(Key, f32)], b: &[(Key, f32)]) -> (f32, usize) {
    let (mut i, mut j, mut s, mut shared) = (0, 0, 0.0, 0);
    while let (Some((ka, va)), Some((kb, vb))) = (a.get(i), b.get(j)) {
        match ka.cmp(kb) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += va * vb;
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (s, shared)
}

/// The message words shared with the closest confirmed case that weigh most in the similarity,
/// as verbatim spans: a shared word pair and its words become one span.
fn evidence(b: &Bag, v: &[(Key, f32)], ex: &[(Key, f32)], messages: &[Message<'_>]) -> Vec<CauseEvidence> {
    let weights: HashMap<&str, f32> = ex.iter().map(|(k, x)| (k.as_str(), *x)).collect();
    // (weight, message, first word, end word), merged where word ranges overlap.
    let mut spans: Vec<(f32, usize, usize, usize)> = Vec::new();
    let mut shared: Vec<(&Key, f32)> = v
        .iter()
        .filter_map(|(k, x)| weights.get(k.as_str()).map(|w| (k, x * w)))
        .collect();
    shared.sort_by(|a, b| a.0.cmp(b.0));
    for (key, w) in shared {
        let Some(&(_, (m, first, last))) = b.counts.get(key) else {
            continue;
        };
        match spans.iter_mut().find(|s| s.1 == m && s.2 < last && first < s.3) {
            Some(s) => *s = (s.0 + w, m, s.2.min(first), s.3.max(last)),
            None => spans.push((w, m, first, last)),
        }
    }
    spans.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    spans
        .into_iter()
        .filter_map(|(_, m, first, last)| messages.get(m).and_then(|msg| msg.evidence(m, first, last, WHY)))
        .take(MAX_WORDS)
        .collect()
}
