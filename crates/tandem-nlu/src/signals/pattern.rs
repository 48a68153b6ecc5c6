//! A tiny phrase language over normalised tokens, compiled once.
//!
//! A pattern is words separated by spaces. Each word may list alternatives with `|`; an alternative
//! ending in `*` matches any word with that prefix; `_` matches any one word; a trailing `?` makes
//! the slot optional; a leading `~` lets the slot sit in the next clause ("a person, please").
//! Examples: `talk|speak to|with a|an? human|person`, `frustrat*`, `agent ~please`.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::tokens::{normalize_word, Tokens};

#[derive(Debug, Clone)]
enum Alt {
    Word(String),
    Prefix(String),
    Any,
}

impl Alt {
    fn matches(&self, word: &str) -> bool {
        match self {
            Alt::Word(w) => w == word,
            Alt::Prefix(p) => word.starts_with(p.as_str()),
            Alt::Any => !word.is_empty(),
        }
    }
}

#[derive(Debug, Clone)]
struct Slot {
    alts: Vec<Alt>,
    optional: bool,
    /// May cross a clause boundary.
    cross: bool,
}

impl Slot {
    fn matches(&self, word: &str) -> bool {
        self.alts.iter().any(|a| a.matches(word))
    }
}

/// One lexicon entry after compilation.
#[derive(Debug, Clone)]
pub(crate) struct Pattern<T> {
    slots: Vec<Slot>,
    pub data: T,
}

fn parse_slots(source: &str) -> Vec<Slot> {
    source
        .split_whitespace()
        .map(|raw| {
            let (raw, cross) = match raw.strip_prefix('~') {
                Some(r) => (r, true),
                None => (raw, false),
            };
            let (body, optional) = match raw.strip_suffix('?') {
                Some(b) if !b.is_empty() => (b, true),
                _ => (raw, false),
            };
            let alts = body
                .split('|')
                .filter(|a| !a.is_empty())
                .map(|a| {
                    if a == "_" {
                        Alt::Any
                    } else if let Some(p) = a.strip_suffix('*') {
                        Alt::Prefix(normalize_word(p))
                    } else {
                        Alt::Word(normalize_word(a))
                    }
                })
                .collect();
            Slot {
                alts,
                optional,
                cross,
            }
        })
        .filter(|s: &Slot| !s.alts.is_empty())
        .collect()
}

/// A hit: pattern index and the token range `[first, last)` it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub pattern: usize,
    pub first: usize,
    pub last: usize,
}

/// A compiled set of patterns, indexed by their first word.
#[derive(Debug, Clone)]
pub(crate) struct PatternSet<T> {
    patterns: Vec<Pattern<T>>,
    /// Patterns whose first slot is required, by each whole word it accepts.
    by_first_word: WordMap<Vec<usize>>,
    /// Patterns whose first slot is required, by each prefix it accepts (`frustrat*`).
    by_first_prefix: Vec<(String, usize)>,
    /// Patterns whose first slot is optional or `_`: tried at every word.
    unindexed: Vec<usize>,
}

/// FNV-1a: the keys are short lexicon words, so a simple fast hash beats SipHash here (and the
/// lexicon is fixed, so there is nothing to defend against).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A map from lexicon words.
pub(crate) type WordMap<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;
/// A set of lexicon words.
pub(crate) type WordSet = std::collections::HashSet<&'static str, BuildHasherDefault<Fnv>>;

impl<T> PatternSet<T> {
    pub fn new(entries: impl IntoIterator<Item = (&'static str, T)>) -> PatternSet<T> {
        let mut set = PatternSet {
            patterns: Vec::new(),
            by_first_word: WordMap::default(),
            by_first_prefix: Vec::new(),
            unindexed: Vec::new(),
        };
        for (source, data) in entries {
            let slots = parse_slots(source);
            let Some(first) = slots.first() else {
                continue;
            };
            let index = set.patterns.len();
            let indexable = !first.optional && first.alts.iter().all(|a| !matches!(a, Alt::Any));
            if indexable {
                for alt in &first.alts {
                    match alt {
                        Alt::Word(w) => {
                            let list = set.by_first_word.entry(w.clone()).or_default();
                            if !list.contains(&index) {
                                list.push(index);
                            }
                        }
                        Alt::Prefix(p) => set.by_first_prefix.push((p.clone(), index)),
                        Alt::Any => {}
                    }
                }
            } else {
                set.unindexed.push(index);
            }
            set.patterns.push(Pattern { slots, data });
        }
        set
    }

    pub fn get(&self, index: usize) -> Option<&Pattern<T>> {
        self.patterns.get(index)
    }

    /// All hits in `tokens`, at most one per pattern and start position (the longest).
    /// Hits never cross a clause boundary.
    pub fn find(&self, tokens: &Tokens, out: &mut Vec<Hit>) {
        let mut candidates: Vec<usize> = Vec::with_capacity(8);
        for start in 0..tokens.len() {
            let word = tokens.norm(start);
            candidates.clear();
            if let Some(list) = self.by_first_word.get(word) {
                candidates.extend_from_slice(list);
            }
            for (prefix, p) in &self.by_first_prefix {
                if word.starts_with(prefix.as_str()) && !candidates.contains(p) {
                    candidates.push(*p);
                }
            }
            candidates.extend_from_slice(&self.unindexed);
            for &p in &candidates {
                let Some(pattern) = self.patterns.get(p) else {
                    continue;
                };
                if let Some(last) = match_slots(&pattern.slots, tokens, start, start) {
                    if last > start {
                        out.push(Hit {
                            pattern: p,
                            first: start,
                            last,
                        });
                    }
                }
            }
        }
    }
}

/// Longest match of `slots` starting at token `at`; returns the end token index (exclusive).
fn match_slots(slots: &[Slot], tokens: &Tokens, first: usize, at: usize) -> Option<usize> {
    let Some((slot, rest)) = slots.split_first() else {
        return Some(at);
    };
    // A clause boundary may only be crossed by a `~` slot; after it, that clause counts.
    let same_clause = |i: usize| match (tokens.list.get(first), tokens.list.get(i)) {
        (Some(a), Some(b)) => a.clause == b.clause,
        _ => false,
    };
    let mut best = None;
    if at < tokens.len() && (slot.cross || same_clause(at)) && slot.matches(tokens.norm(at)) {
        let next_first = if slot.cross { at } else { first };
        best = match_slots(rest, tokens, next_first, at + 1);
    }
    if slot.optional {
        let skipped = match_slots(rest, tokens, first, at);
        best = match (best, skipped) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(patterns: &[&'static str], text: &str) -> Vec<(usize, usize, usize)> {
        let set = PatternSet::new(patterns.iter().map(|p| (*p, ())));
        let tokens = Tokens::new(text);
        let mut out = Vec::new();
        set.find(&tokens, &mut out);
        out.iter().map(|h| (h.pattern, h.first, h.last)).collect()
    }

    #[test]
    fn words_alternatives_prefixes_and_optional_slots() {
        let p = [
            "talk|speak to|with a|an|the? human|person",
            "frustrat*",
            "a _ please",
            "agent ~please",
        ];
        assert_eq!(hits(&p, "I want to talk to a human"), vec![(0, 3, 7)]);
        assert_eq!(hits(&p, "speak with person"), vec![(0, 0, 3)]);
        assert_eq!(hits(&p, "so Frustrating"), vec![(1, 1, 2)]);
        assert_eq!(hits(&p, "a person please"), vec![(2, 0, 3)]);
        assert!(hits(&p, "talk to, a human").is_empty());
        assert!(hits(&p, "").is_empty());
        assert_eq!(hits(&p, "agent, please"), vec![(3, 0, 2)]);
        assert!(hits(&p, "a person, please").is_empty());
    }
}
