//! Spelling against the training vocabulary: a word of a message that no training example
//! contains is replaced by a training word one edit away (a letter dropped, added, changed, or
//! two neighbours swapped; the most frequent such word), or split into two training words when
//! a space is missing (`mycard` -> `my card`). Only words of four characters or more without
//! digits are touched; known words never are.
//!
//! Character n-grams already soften a misspelling, but the word n-grams (and the word pairs) of
//! the misspelt word are lost without this: on Banking77 one misspelling per message cost 5.7
//! points before, see docs/understanding.md.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

use crate::text;

/// Words shorter than this (in characters) are never corrected.
const MIN_CHARS: usize = 4;

/// The training words and how many times each occurs: part of the model file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lexicon {
    /// Sorted, distinct.
    pub words: Vec<String>,
    pub counts: Vec<u32>,
}

impl Lexicon {
    /// The words of already normalised texts, counted.
    pub fn count<'a>(normalized: impl IntoIterator<Item = &'a str>) -> Self {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for t in normalized {
            for w in text::words(t) {
                *counts.entry(w.to_string()).or_insert(0) += 1;
            }
        }
        Self::from_counts(counts)
    }

    /// The lexicon of counted words.
    pub fn from_counts(counts: HashMap<String, u32>) -> Self {
        let mut entries: Vec<(String, u32)> = counts.into_iter().collect();
        entries.sort_unstable();
        let (words, counts) = entries.into_iter().unzip();
        Self { words, counts }
    }

    /// Whether it can be used: as many counts as words, sorted distinct words.
    pub fn is_consistent(&self) -> bool {
        self.words.len() == self.counts.len() && self.words.windows(2).all(|w| matches!(w, [a, b] if a < b))
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// Keys are already well-mixed 64-bit hashes: the hasher passes them through.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Map<V> = HashMap<u64, V, BuildHasherDefault<PassThrough>>;

fn hash(chars: impl Iterator<Item = char>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in chars {
        h = (h ^ u64::from(u32::from(c))).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// `chars` without the one at `skip`.
fn without(chars: &[char], skip: usize) -> impl Iterator<Item = char> + '_ {
    chars
        .iter()
        .enumerate()
        .filter(move |&(i, _)| i != skip)
        .map(|(_, &c)| c)
}

/// The corrector built from a [`Lexicon`].
#[derive(Clone, Debug, Default)]
pub struct Speller {
    lexicon: Lexicon,
    /// Hash of a word -> its index in the lexicon.
    known: Map<u32>,
    /// Hash of a word with one character removed -> the words it comes from.
    deletes: Map<Vec<u32>>,
}

impl Speller {
    pub fn new(lexicon: Lexicon) -> Self {
        let mut known = Map::default();
        let mut deletes: Map<Vec<u32>> = Map::default();
        let mut chars = Vec::new();
        for (id, w) in (0u32..).zip(&lexicon.words) {
            known.insert(hash(w.chars()), id);
            chars.clear();
            chars.extend(w.chars());
            if chars.len() < MIN_CHARS - 1 {
                continue;
            }
            for skip in 0..chars.len() {
                let list = deletes.entry(hash(without(&chars, skip))).or_default();
                if list.last() != Some(&id) {
                    list.push(id);
                }
            }
        }
        Self {
            lexicon,
            known,
            deletes,
        }
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    fn count(&self, id: u32) -> u32 {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.lexicon.counts.get(i))
            .copied()
            .unwrap_or(0)
    }

    fn word(&self, id: u32) -> &str {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.lexicon.words.get(i))
            .map_or("", String::as_str)
    }

    fn known_id(&self, chars: &[char]) -> Option<u32> {
        self.known.get(&hash(chars.iter().copied())).copied()
    }

    /// Corrects the words of a normalised text into `out` (cleared first); false (and `out`
    /// left empty) when no word changes.
    pub fn correct_into(&self, normalized: &str, out: &mut String, chars: &mut Vec<char>) -> bool {
        out.clear();
        if self.lexicon.is_empty() {
            return false;
        }
        let mut changed = false;
        for (i, word) in text::words(normalized).enumerate() {
            if i > 0 {
                out.push(' ');
            }
            chars.clear();
            chars.extend(word.chars());
            if chars.len() < MIN_CHARS
                || chars.iter().any(char::is_ascii_digit)
                || self.known_id(chars).is_some()
            {
                out.push_str(word);
                continue;
            }
            if let Some((a, b)) = self.split(chars, 2).or_else(|| {
                self.nearest(chars)
                    .map(|id| (id, u32::MAX))
                    .or_else(|| self.split(chars, 1))
            }) {
                out.push_str(self.word(a));
                if b != u32::MAX {
                    out.push(' ');
                    out.push_str(self.word(b));
                }
                changed = true;
            } else {
                out.push_str(word);
            }
        }
        if !changed {
            out.clear();
        }
        changed
    }

    /// The best split of `chars` into two known words of at least `min_part` characters each
    /// (`a` and `i` are the only one-letter words): the pair whose rarer word is most frequent.
    fn split(&self, chars: &[char], min_part: usize) -> Option<(u32, u32)> {
        let ok = |part: &[char]| part.len() >= min_part.max(2) || matches!(part, ['a'] | ['i']);
        let mut best: Option<(u32, u32, u32)> = None;
        for at in min_part..=chars.len().saturating_sub(min_part) {
            let (Some(left), Some(right)) = (chars.get(..at), chars.get(at..)) else {
                continue;
            };
            if !ok(left) || !ok(right) {
                continue;
            }
            if let (Some(a), Some(b)) = (self.known_id(left), self.known_id(right)) {
                let score = self.count(a).min(self.count(b));
                if best.is_none_or(|(_, _, s)| score > s) {
                    best = Some((a, b, score));
                }
            }
        }
        best.map(|(a, b, _)| (a, b))
    }

    /// The most frequent known word one edit away from `chars` (ties: the first in order).
    fn nearest(&self, chars: &[char]) -> Option<u32> {
        let mut best: Option<u32> = None;
        let consider = |id: u32, best: &mut Option<u32>| {
            let better = match *best {
                None => true,
                Some(b) => {
                    let (cb, ci) = (self.count(b), self.count(id));
                    ci > cb || (ci == cb && id < b)
                }
            };
            if better && one_edit(chars, self.word(id)) {
                *best = Some(id);
            }
        };
        // A letter was dropped: the word is a deletion of a known word.
        for &id in self
            .deletes
            .get(&hash(chars.iter().copied()))
            .into_iter()
            .flatten()
        {
            consider(id, &mut best);
        }
        for skip in 0..chars.len() {
            let h = hash(without(chars, skip));
            // A letter was added.
            if let Some(&id) = self.known.get(&h) {
                consider(id, &mut best);
            }
            // A letter was changed, or two were swapped.
            for &id in self.deletes.get(&h).into_iter().flatten() {
                consider(id, &mut best);
            }
        }
        best
    }
}

/// Whether `word` is exactly one edit from `chars`: one character inserted, deleted or changed,
/// or two neighbours swapped.
fn one_edit(chars: &[char], word: &str) -> bool {
    let w: Vec<char> = word.chars().collect();
    let (a, b) = (chars, w.as_slice());
    if a == b {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    match long.len() - short.len() {
        0 => {
            let diffs: Vec<usize> = (0..a.len()).filter(|&i| a.get(i) != b.get(i)).collect();
            match diffs.as_slice() {
                [_] => true,
                [i, j] => *j == i + 1 && a.get(*i) == b.get(*j) && a.get(*j) == b.get(*i),
                _ => false,
            }
        }
        1 => {
            let first = (0..short.len())
                .find(|&i| short.get(i) != long.get(i))
                .unwrap_or(short.len());
            short.get(first..) == long.get(first + 1..)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speller() -> Speller {
        Speller::new(Lexicon::count([
            "my card has not arrived",
            "where is my card",
            "i received a refund",
            "top up my account",
            "a count of the account",
        ]))
    }

    fn correct(s: &Speller, text: &str) -> String {
        let mut out = String::new();
        if s.correct_into(text, &mut out, &mut Vec::new()) {
            out
        } else {
            text.to_string()
        }
    }

    #[test]
    fn misspelt_and_run_together_words_are_corrected() {
        let s = speller();
        assert_eq!(correct(&s, "where is my crad"), "where is my card");
        assert_eq!(correct(&s, "my card has not arived"), "my card has not arrived");
        assert_eq!(correct(&s, "i recieved a refundd"), "i received a refund");
        assert_eq!(correct(&s, "where is mycard"), "where is my card");
        assert_eq!(correct(&s, "my acount"), "my account");
        assert_eq!(correct(&s, "top up my accuont"), "top up my account");
    }

    #[test]
    fn known_short_and_far_words_are_kept() {
        let s = speller();
        let mut out = String::new();
        assert!(!s.correct_into("where is my card", &mut out, &mut Vec::new()));
        assert!(out.is_empty());
        assert_eq!(correct(&s, "crd 4567 cardd9"), "crd 4567 cardd9");
        assert_eq!(correct(&s, "zebra elephant"), "zebra elephant");
        assert_eq!(correct(&s, ""), "");
        assert!(!Speller::default().correct_into("crad", &mut out, &mut Vec::new()));
    }

    #[test]
    fn one_edit_is_exactly_one() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert!(one_edit(&c("crad"), "card"));
        assert!(one_edit(&c("card"), "cards"));
        assert!(one_edit(&c("cards"), "card"));
        assert!(one_edit(&c("cord"), "card"));
        assert!(!one_edit(&c("card"), "card"));
        assert!(!one_edit(&c("cadr"), "crad"));
        assert!(!one_edit(&c("abcd"), "bcda"));
        assert!(!one_edit(&c("ab"), "abcd"));
    }
}
