//! Sparse text features: word n-grams and character n-grams taken inside word boundaries of the
//! normalised text ([`text::Rules`], misspelt words corrected by [`super::spelling`]), each hashed
//! to a stable 64-bit key, kept in a vocabulary learnt from the training texts, and weighted by
//! sublinear term frequency times inverse document frequency, L2-normalised per block.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::spelling::{Lexicon, Speller};
use crate::num::{
    f64_to_f32, u32_to_usize, u64_to_usize, usize_to_f32, usize_to_f64, usize_to_u32, usize_to_u64,
};
use crate::text;

/// Top bit of a key: set for character n-grams, clear for word n-grams. Sorting keys therefore puts
/// every word feature before every character feature.
const CHAR_BLOCK: u64 = 1 << 63;
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// How texts become features. Part of the model file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureConfig {
    /// Smallest and largest word n-gram (0 disables word features).
    pub word_ngrams: (u8, u8),
    /// Smallest and largest character n-gram, taken within space-padded words (0 disables).
    pub char_ngrams: (u8, u8),
    /// A feature is kept when it occurs in at least this many training texts.
    pub min_df: u32,
    /// `1 + ln(tf)` instead of the raw count.
    pub sublinear_tf: bool,
    /// Weight of the L2-normalised word block.
    pub word_weight: f32,
    /// Weight of the L2-normalised character block.
    pub char_weight: f32,
    /// Word pairs up to this distance apart with words skipped between them (2 and more; below 2
    /// there are none).
    pub skip_window: u8,
    /// Only the first `max_chars` characters of a text are read (bounds the time of one message).
    pub max_chars: usize,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        Self {
            word_ngrams: (1, 2),
            char_ngrams: (2, 5),
            min_df: 1,
            sublinear_tf: true,
            word_weight: 1.2,
            char_weight: 1.0,
            skip_window: 4,
            max_chars: 20_000,
        }
    }
}

#[inline]
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    h
}

#[inline]
fn word_hash(word: &str) -> u64 {
    let mut h = FNV_OFFSET;
    for &b in word.as_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
    }
    fmix64(h)
}

/// Reusable buffers for feature extraction (one per thread).
#[derive(Debug, Default)]
pub struct Scratch {
    normalized: String,
    spare: String,
    word_hashes: Vec<u64>,
    chars: Vec<char>,
    keys: Vec<u64>,
    ids: Vec<u32>,
}

/// Appends the keys of every n-gram of `normalized` (with repetitions) to `out`.
pub fn ngram_keys(
    config: &FeatureConfig,
    normalized: &str,
    scratch_words: &mut Vec<u64>,
    chars: &mut Vec<char>,
    out: &mut Vec<u64>,
) {
    let (wmin, wmax) = config.word_ngrams;
    scratch_words.clear();
    if (wmin >= 1 && wmax >= wmin) || config.skip_window >= 2 {
        scratch_words.extend(text::words(normalized).map(word_hash));
    }
    if wmin >= 1 && wmax >= wmin {
        let n_words = scratch_words.len();
        for start in 0..n_words {
            let mut h = 0x9e37_79b9_7f4a_7c15_u64;
            for len in 1..=usize::from(wmax) {
                let Some(&wh) = scratch_words.get(start + len - 1) else {
                    break;
                };
                h = fmix64(h.rotate_left(23) ^ wh);
                if len >= usize::from(wmin) {
                    out.push(nonzero(fmix64(h ^ usize_to_u64(len)) & !CHAR_BLOCK));
                }
            }
        }
    }
    if config.skip_window >= 2 {
        for (i, &a) in scratch_words.iter().enumerate() {
            for d in 2..=usize::from(config.skip_window) {
                let Some(&b) = scratch_words.get(i + d) else { break };
                out.push(nonzero(
                    fmix64(a.rotate_left(29) ^ b ^ 0x5bd1_e995_0000_0000) & !CHAR_BLOCK,
                ));
            }
        }
    }
    let (cmin, cmax) = config.char_ngrams;
    if cmin >= 1 && cmax >= cmin {
        for word in text::words(normalized) {
            chars.clear();
            chars.push(' ');
            chars.extend(word.chars());
            chars.push(' ');
            for start in 0..chars.len() {
                let mut h = FNV_OFFSET;
                for len in 1..=usize::from(cmax) {
                    let Some(&c) = chars.get(start + len - 1) else {
                        break;
                    };
                    h = (h ^ u64::from(u32::from(c))).wrapping_mul(FNV_PRIME);
                    if len >= usize::from(cmin) {
                        out.push(nonzero(fmix64(h ^ (usize_to_u64(len) << 40)) | CHAR_BLOCK));
                    }
                }
            }
        }
    }
}

#[inline]
fn nonzero(key: u64) -> u64 {
    if key == 0 {
        1
    } else {
        key
    }
}

/// A sparse vector: sorted feature indices and their values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SparseVec {
    pub indices: Vec<u32>,
    pub values: Vec<f32>,
}

impl SparseVec {
    pub fn clear(&mut self) {
        self.indices.clear();
        self.values.clear();
    }
}

/// Open-addressing map from a feature key to its index (keys are already well mixed).
#[derive(Clone, Debug, Default)]
struct KeyTable {
    slots: Vec<u64>,
    ids: Vec<u32>,
    mask: usize,
}

/// The slot a key starts probing from: its low bits.
#[inline]
fn home_slot(key: u64, mask: usize) -> usize {
    // `mask` fits in u64 and `key & mask` fits in usize: no bits are lost either way.
    u64_to_usize(key & usize_to_u64(mask))
}

impl KeyTable {
    fn build(keys: &[u64]) -> Self {
        let capacity = (keys.len() * 2).max(16).next_power_of_two();
        let mut slots = vec![0u64; capacity];
        let mut ids = vec![0u32; capacity];
        let mask = capacity - 1;
        for (id, &key) in keys.iter().enumerate() {
            let mut pos = home_slot(key, mask);
            while slots.get(pos).is_some_and(|&slot| slot != 0) {
                pos = (pos + 1) & mask;
            }
            if let (Some(slot), Some(slot_id)) = (slots.get_mut(pos), ids.get_mut(pos)) {
                *slot = key;
                *slot_id = usize_to_u32(id);
            }
        }
        Self { slots, ids, mask }
    }

    #[inline]
    fn get(&self, key: u64) -> Option<u32> {
        let mut pos = home_slot(key, self.mask);
        loop {
            let slot = *self.slots.get(pos)?;
            if slot == key {
                return self.ids.get(pos).copied();
            }
            if slot == 0 {
                return None;
            }
            pos = (pos + 1) & self.mask;
        }
    }
}

/// The learnt vocabulary and idf weights, and the transformation from text to [`SparseVec`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Vectorizer {
    pub config: FeatureConfig,
    /// Sorted feature keys; the position of a key is its feature index.
    keys: Vec<u64>,
    idf: Vec<f32>,
    /// Number of word features (they come first).
    n_word: u32,
    #[serde(skip)]
    table: KeyTable,
    /// Not in the serialised vectorizer: the model file records it apart (it came later).
    #[serde(skip)]
    rules: text::Rules,
    /// Corrects words the training texts do not have (the model file records its lexicon
    /// apart, like `rules`).
    #[serde(skip)]
    speller: Option<Arc<Speller>>,
}

impl Vectorizer {
    /// Learns the vocabulary and idf from training texts (normalised by the current
    /// [`text::Rules`]), with spelling correction against the training words.
    pub fn fit<S: AsRef<str>>(config: &FeatureConfig, texts: &[S]) -> Self {
        Self::fit_with(config, texts, text::Rules::default(), true)
    }

    /// [`Vectorizer::fit`] with the given normalisation rules, correcting the spelling of unknown
    /// words or not.
    pub fn fit_with<S: AsRef<str>>(
        config: &FeatureConfig,
        texts: &[S],
        rules: text::Rules,
        spelling: bool,
    ) -> Self {
        let mut df: HashMap<u64, u32> = HashMap::new();
        let mut scratch = Scratch::default();
        let mut words: HashMap<String, u32> = HashMap::new();
        for t in texts {
            scratch.keys.clear();
            rules.apply(
                t.as_ref(),
                config.max_chars,
                &mut scratch.spare,
                &mut scratch.normalized,
            );
            if spelling {
                for w in text::words(&scratch.normalized) {
                    match words.get_mut(w) {
                        Some(n) => *n += 1,
                        None => {
                            words.insert(w.to_string(), 1);
                        }
                    }
                }
            }
            ngram_keys(
                config,
                &scratch.normalized,
                &mut scratch.word_hashes,
                &mut scratch.chars,
                &mut scratch.keys,
            );
            scratch.keys.sort_unstable();
            scratch.keys.dedup();
            for &k in &scratch.keys {
                *df.entry(k).or_insert(0) += 1;
            }
        }
        let mut entries: Vec<(u64, u32)> = df
            .into_iter()
            .filter(|&(_, d)| d >= config.min_df.max(1))
            .collect();
        entries.sort_unstable();
        let n_docs = usize_to_f64(texts.len());
        let keys: Vec<u64> = entries.iter().map(|&(k, _)| k).collect();
        let idf = entries
            .iter()
            .map(|&(_, d)| f64_to_f32(((1.0 + n_docs) / (1.0 + f64::from(d))).ln() + 1.0))
            .collect();
        let n_word = usize_to_u32(keys.partition_point(|&k| k & CHAR_BLOCK == 0));
        let table = KeyTable::build(&keys);
        Self {
            config: config.clone(),
            keys,
            idf,
            n_word,
            table,
            rules,
            speller: spelling.then(|| Arc::new(Speller::new(Lexicon::from_counts(words)))),
        }
    }

    /// The training words the spelling is corrected against (`None`: no correction).
    pub fn lexicon(&self) -> Option<&Lexicon> {
        self.speller.as_deref().map(Speller::lexicon)
    }

    /// Sets what a stored vectorizer normalises texts with: its rules, and the training words
    /// spelling is corrected against (none when empty).
    pub(crate) fn set_text(&mut self, rules: text::Rules, lexicon: &Lexicon) {
        self.rules = rules;
        self.speller = (!lexicon.is_empty()).then(|| Arc::new(Speller::new(lexicon.clone())));
    }

    /// The normalisation rules of the texts.
    pub fn rules(&self) -> text::Rules {
        self.rules
    }

    /// Rebuilds the lookup table after deserialisation; checks the parts agree.
    pub(crate) fn restore(&mut self) -> bool {
        if self.keys.len() != self.idf.len()
            || u32_to_usize(self.n_word) > self.keys.len()
            || self.keys.windows(2).any(|w| matches!(w, [a, b] if a >= b))
            || self.keys.first() == Some(&0)
        {
            return false;
        }
        self.table = KeyTable::build(&self.keys);
        true
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The features of one raw text into `out` (cleared first).
    pub fn transform_into(&self, raw: &str, scratch: &mut Scratch, out: &mut SparseVec) {
        out.clear();
        self.rules.apply(
            raw,
            self.config.max_chars,
            &mut scratch.spare,
            &mut scratch.normalized,
        );
        if let Some(speller) = &self.speller {
            if speller.correct_into(&scratch.normalized, &mut scratch.spare, &mut scratch.chars) {
                std::mem::swap(&mut scratch.normalized, &mut scratch.spare);
            }
        }
        scratch.keys.clear();
        ngram_keys(
            &self.config,
            &scratch.normalized,
            &mut scratch.word_hashes,
            &mut scratch.chars,
            &mut scratch.keys,
        );
        scratch.ids.clear();
        scratch
            .ids
            .extend(scratch.keys.iter().filter_map(|&k| self.table.get(k)));
        scratch.ids.sort_unstable();
        let mut word_norm = 0.0f32;
        let mut char_norm = 0.0f32;
        // Each run of equal (sorted) ids is one feature, counted by the run's length.
        for run in scratch.ids.chunk_by(|a, b| a == b) {
            let Some(&id) = run.first() else {
                continue;
            };
            let count = usize_to_f32(run.len());
            let tf = if self.config.sublinear_tf {
                1.0 + count.ln()
            } else {
                count
            };
            let value = tf * self.idf.get(u32_to_usize(id)).copied().unwrap_or(1.0);
            if id < self.n_word {
                word_norm += value * value;
            } else {
                char_norm += value * value;
            }
            out.indices.push(id);
            out.values.push(value);
        }
        let word_scale = if word_norm > 0.0 {
            self.config.word_weight / word_norm.sqrt()
        } else {
            0.0
        };
        let char_scale = if char_norm > 0.0 {
            self.config.char_weight / char_norm.sqrt()
        } else {
            0.0
        };
        for (id, v) in out.indices.iter().zip(out.values.iter_mut()) {
            *v *= if *id < self.n_word { word_scale } else { char_scale };
        }
    }

    /// The features of one raw text.
    pub fn transform(&self, raw: &str) -> SparseVec {
        let mut out = SparseVec::default();
        self.transform_into(raw, &mut Scratch::default(), &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_are_normalised_per_block_and_deterministic() {
        let cfg = FeatureConfig {
            word_weight: 1.0,
            ..FeatureConfig::default()
        };
        let texts = [
            "where is my card",
            "my card has not arrived",
            "cancel my transfer",
        ];
        let v = Vectorizer::fit(&cfg, &texts);
        let a = v.transform("Where is my CARD?");
        let b = v.transform("where is my card");
        assert_eq!(a, b);
        let word: f32 = a
            .indices
            .iter()
            .zip(&a.values)
            .filter(|(i, _)| **i < v.n_word)
            .map(|(_, x)| x * x)
            .sum();
        let chars: f32 = a
            .indices
            .iter()
            .zip(&a.values)
            .filter(|(i, _)| **i >= v.n_word)
            .map(|(_, x)| x * x)
            .sum();
        assert!((word - 1.0).abs() < 1e-4, "{word}");
        assert!((chars - 1.0).abs() < 1e-4, "{chars}");
        assert!(a.indices.windows(2).all(|w| w[0] < w[1]));
        let unknown = v.transform("zzzz qqqq");
        assert!(
            unknown.indices.iter().all(|&i| i >= v.n_word),
            "no known word feature"
        );
        assert!(v.transform("").indices.is_empty());
    }

    #[test]
    fn counts_the_expected_ngrams() {
        let cfg = FeatureConfig {
            word_ngrams: (1, 2),
            char_ngrams: (2, 3),
            skip_window: 0,
            ..FeatureConfig::default()
        };
        let mut keys = Vec::new();
        ngram_keys(&cfg, "ab cd", &mut Vec::new(), &mut Vec::new(), &mut keys);
        // words: ab, cd, "ab cd" = 3; chars of " ab ": 3 bigrams + 2 trigrams, twice = 10.
        assert_eq!(keys.len(), 13);
        let words = keys.iter().filter(|k| *k & CHAR_BLOCK == 0).count();
        assert_eq!(words, 3);
        // Word pairs two and three apart in "a b c d": (a,c), (a,d), (b,d).
        let skips = FeatureConfig {
            word_ngrams: (0, 0),
            char_ngrams: (0, 0),
            skip_window: 3,
            ..cfg
        };
        keys.clear();
        ngram_keys(&skips, "a b c d", &mut Vec::new(), &mut Vec::new(), &mut keys);
        assert_eq!(keys.len(), 3);
    }
}
