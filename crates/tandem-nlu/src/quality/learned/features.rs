//! The learned layer's features of one reply: hashed word unigrams and bigrams (log-count × IDF,
//! L2-normalised), the lexicon scorer's nine scores and levels, and a few structural features.

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use super::super::cues;
use super::super::spans::{self, Text};
use super::super::{Scores, Skill};
use crate::num::{u64_to_usize, usize_to_f64};

/// Dense features after the hashed block: per skill the lexicon's score and level / 2 (18), any
/// question, ends with a question, five length buckets, two restatement shares.
pub(crate) const N_DENSE: usize = 2 * 9 + 2 + 5 + 2;

static STOPWORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| cues::STOPWORDS.iter().copied().collect());

/// FNV-1a, 64 bits: the same bucket for the same n-gram on every machine and build.
fn fnv1a64(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (k, part) in parts.iter().enumerate() {
        if k > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in part.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn bucket(parts: &[&str], dim: usize) -> usize {
    let d = crate::num::usize_to_u64(dim.max(1));
    u64_to_usize(fnv1a64(parts) % d)
}

/// One n-gram occurrence: its bucket and the words (indices into the reply's words) it is made of.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Gram {
    pub bucket: usize,
    pub first: usize,
    /// The second word of a bigram.
    pub second: Option<usize>,
}

/// The n-gram occurrences of a reply, in word order.
pub(crate) fn grams(text: &Text, dim: usize) -> Vec<Gram> {
    let mut out = Vec::with_capacity(text.toks.len() * 3);
    let mut prev: Option<(usize, usize)> = None;
    for (i, t) in text.toks.iter().enumerate() {
        let word = if t.number { "#" } else { t.norm.as_str() };
        out.push(Gram {
            bucket: bucket(&["u", word], dim),
            first: i,
            second: None,
        });
        match prev {
            Some((p, sentence)) if sentence == t.sentence => {
                let pw = text
                    .tok(p)
                    .map(|pt| if pt.number { "#" } else { pt.norm.as_str() })
                    .unwrap_or("");
                out.push(Gram {
                    bucket: bucket(&["b", pw, word], dim),
                    first: p,
                    second: Some(i),
                });
            }
            _ => out.push(Gram {
                // The first word of a sentence ("do ...", "have ...").
                bucket: bucket(&["b", "^", word], dim),
                first: i,
                second: None,
            }),
        }
        prev = Some((i, t.sentence));
    }
    out
}

/// Distinct buckets of a reply (for document frequencies).
pub(crate) fn distinct_buckets(reply: &str, dim: usize) -> Vec<usize> {
    let text = Text::new(reply);
    let mut b: Vec<usize> = grams(&text, dim).into_iter().map(|g| g.bucket).collect();
    b.sort_unstable();
    b.dedup();
    b
}

/// A sparse feature vector: `(index, value)` sorted by index; the dense block sits at
/// `dim..dim + N_DENSE`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Feats {
    pub entries: Vec<(usize, f64)>,
}

/// The features of one reply plus what is needed to say which words mattered.
#[derive(Debug)]
pub(crate) struct Featurised {
    pub text: Text,
    pub feats: Feats,
    pub grams: Vec<Gram>,
    /// Per bucket: (weighted, normalised value, occurrences).
    pub per_bucket: BTreeMap<usize, (f64, f64)>,
}

fn content_stems(text: &Text) -> Vec<String> {
    text.toks
        .iter()
        .filter(|t| !t.number && t.norm.chars().count() >= 3 && !STOPWORDS.contains(t.norm.as_str()))
        .map(|t| spans::stem(&t.norm))
        .collect()
}

fn dense(context: &str, text: &Text, lexicon: &Scores) -> [f64; N_DENSE] {
    let mut d = [0.0; N_DENSE];
    let mut k = 0usize;
    let mut put = |d: &mut [f64; N_DENSE], v: f64| {
        if let Some(slot) = d.get_mut(k) {
            *slot = v;
        }
        k += 1;
    };
    for skill in Skill::ALL {
        let s = lexicon.get(skill);
        put(&mut d, s.score.clamp(0.0, 1.0));
        put(&mut d, f64::from(s.level.min(2)) / 2.0);
    }
    let any_q = text.sentences.iter().any(|s| s.question);
    let last_q = text.sentences.last().is_some_and(|s| s.question);
    put(&mut d, if any_q { 1.0 } else { 0.0 });
    put(&mut d, if last_q { 1.0 } else { 0.0 });
    let n = text.words();
    for (lo, hi) in [(0, 3), (4, 8), (9, 16), (17, 32), (33, usize::MAX)] {
        put(&mut d, if (lo..=hi).contains(&n) { 1.0 } else { 0.0 });
    }
    let (ctx_share, reply_share) = if context.trim().is_empty() {
        (0.0, 0.0)
    } else {
        let ctx: HashSet<String> = content_stems(&Text::new(context)).into_iter().collect();
        let mine: HashSet<String> = content_stems(text).into_iter().collect();
        let shared = mine.intersection(&ctx).count();
        let share = |den: usize| {
            if den == 0 {
                0.0
            } else {
                usize_to_f64(shared) / usize_to_f64(den)
            }
        };
        (share(ctx.len()), share(mine.len()))
    };
    put(&mut d, ctx_share);
    put(&mut d, reply_share);
    d
}

/// The features of `reply` (answering `context`, scored `lexicon` by the lexicon scorer), with
/// `idf` one weight per bucket (its length is the hashed dimension).
pub(crate) fn featurise(context: &str, reply: &str, lexicon: &Scores, idf: &[f32]) -> Featurised {
    let dim = idf.len();
    let text = Text::new(reply);
    let grams = grams(&text, dim);
    let mut counts: BTreeMap<usize, f64> = BTreeMap::new();
    for g in &grams {
        *counts.entry(g.bucket).or_insert(0.0) += 1.0;
    }
    let mut weighted: Vec<(usize, f64, f64)> = counts
        .iter()
        .map(|(&b, &c)| {
            let idf_b = idf.get(b).copied().map_or(1.0, f64::from);
            (b, (1.0 + c.ln()) * idf_b, c)
        })
        .collect();
    let norm = weighted.iter().map(|(_, v, _)| v * v).sum::<f64>().sqrt();
    if norm > 0.0 {
        for w in &mut weighted {
            w.1 /= norm;
        }
    }
    let per_bucket = weighted.iter().map(|&(b, v, c)| (b, (v, c))).collect();
    let mut entries: Vec<(usize, f64)> = weighted.iter().map(|&(b, v, _)| (b, v)).collect();
    for (k, v) in dense(context, &text, lexicon).into_iter().enumerate() {
        if v != 0.0 {
            entries.push((dim + k, v));
        }
    }
    Featurised {
        text,
        feats: Feats { entries },
        grams,
        per_bucket,
    }
}
