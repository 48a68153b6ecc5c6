//! A small, allocation-light BERT WordPiece tokenizer for the static encoder.
//!
//! It reproduces the `BertNormalizer` + `BertPreTokenizer` + `WordPiece` pipeline of the
//! `tokenizers` crate (clean text, isolate CJK characters, strip accents, lowercase, split on
//! whitespace and punctuation, greedy longest-match sub-words) so that a static table distilled
//! from a model's vocabulary sees the same pieces as the model, without carrying the whole
//! `tokenizers` machinery at run time.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use unicode_categories::UnicodeCategories;
use unicode_normalization::UnicodeNormalization;

/// How raw text becomes words before the vocabulary is consulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BasicConfig {
    pub lowercase: bool,
    pub strip_accents: bool,
    pub handle_chinese_chars: bool,
}

impl Default for BasicConfig {
    fn default() -> Self {
        Self {
            lowercase: true,
            strip_accents: true,
            handle_chinese_chars: true,
        }
    }
}

fn is_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || c.is_whitespace()
}

fn is_control(c: char) -> bool {
    if c.is_ascii() {
        // The only "other" characters in ASCII are the controls (Cc): no table look-up.
        return !matches!(c, '\t' | '\n' | '\r') && c.is_ascii_control();
    }
    c.is_other()
}

fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    c.is_punctuation()
}

fn is_chinese_char(c: char) -> bool {
    matches!(
        u32::from(c),
        0x4E00..=0x9FFF
            | 0x3400..=0x4DBF
            | 0x20000..=0x2A6DF
            | 0x2A700..=0x2B73F
            | 0x2B740..=0x2B81F
            | 0x2B920..=0x2CEAF
            | 0xF900..=0xFAFF
            | 0x2F800..=0x2FA1F
    )
}

/// Normalises `text` like BERT's normaliser and calls `word` for every pre-token (a run of
/// non-space, non-punctuation characters, or a single punctuation or CJK character).
pub fn for_each_word(text: &str, cfg: BasicConfig, word: impl FnMut(&str)) {
    if text.is_ascii() {
        // Fast path, same result: no CJK, no accents, ASCII lowercasing.
        let mut folded = String::with_capacity(text.len());
        for c in text.chars() {
            if c == '\0' || is_control(c) {
                continue;
            }
            if is_whitespace(c) {
                folded.push(' ');
            } else if cfg.lowercase {
                folded.push(c.to_ascii_lowercase());
            } else {
                folded.push(c);
            }
        }
        split_words(&folded, word);
        return;
    }
    let mut normalised = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '\0' || c == '\u{fffd}' || is_control(c) {
            continue;
        }
        if is_whitespace(c) {
            normalised.push(' ');
        } else if cfg.handle_chinese_chars && is_chinese_char(c) {
            normalised.push(' ');
            normalised.push(c);
            normalised.push(' ');
        } else {
            normalised.push(c);
        }
    }
    let mut folded = String::with_capacity(normalised.len());
    if cfg.strip_accents {
        for c in normalised.nfd().filter(|c| !c.is_mark_nonspacing()) {
            push_folded(&mut folded, c, cfg.lowercase);
        }
    } else {
        for c in normalised.chars() {
            push_folded(&mut folded, c, cfg.lowercase);
        }
    }
    split_words(&folded, word);
}

/// Splits normalised text on whitespace (dropped) and punctuation (kept, one character a word).
fn split_words(folded: &str, mut word: impl FnMut(&str)) {
    let mut start = None;
    for (i, c) in folded.char_indices() {
        let space = c.is_whitespace();
        let punct = !space && is_punctuation(c);
        if space || punct {
            if let Some(s) = start.take() {
                word(&folded[s..i]);
            }
            if punct {
                word(&folded[i..i + c.len_utf8()]);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        word(&folded[s..]);
    }
}

fn push_folded(out: &mut String, c: char, lowercase: bool) {
    if lowercase {
        out.extend(c.to_lowercase());
    } else {
        out.push(c);
    }
}

/// FxHash: a fast hasher for short vocabulary keys. The maps it serves are built once from a
/// trusted vocabulary and only read with user text, so flooding is not a concern.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            for (to, &from) in b.iter_mut().zip(rest) {
                *to = from;
            }
            self.add(u64::from_le_bytes(b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(crate::num::usize_to_u64(i));
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A string-keyed map with [`FxHasher`].
pub type FastMap<V> = HashMap<String, V, BuildHasherDefault<FxHasher>>;

/// Greedy longest-match-first WordPiece over a vocabulary of pieces.
#[derive(Debug, Clone)]
pub struct WordPiece {
    vocab: FastMap<u32>,
    prefix: String,
    max_chars_per_word: usize,
    longest_piece: usize,
}

impl WordPiece {
    pub fn new(vocab: HashMap<String, u32>, prefix: String, max_chars_per_word: usize) -> Self {
        let longest_piece = vocab.keys().map(String::len).max().unwrap_or(0);
        Self {
            vocab: vocab.into_iter().collect(),
            prefix,
            max_chars_per_word,
            longest_piece,
        }
    }

    /// Appends the ids of the pieces of `word` to `out`; returns false (appending nothing) when
    /// the word cannot be split into known pieces or is too long: BERT's `[UNK]` case.
    pub fn pieces(&self, word: &str, scratch: &mut String, out: &mut Vec<u32>) -> bool {
        if word.chars().count() > self.max_chars_per_word {
            return false;
        }
        let mark = out.len();
        let mut start = 0;
        while start < word.len() {
            // No piece is longer than the longest vocabulary entry: start the search there.
            let budget = if start > 0 {
                self.longest_piece.saturating_sub(self.prefix.len())
            } else {
                self.longest_piece
            };
            let mut end = floor_char_boundary(word, (start + budget).min(word.len()));
            let mut found = None;
            while end > start {
                let piece = &word[start..end];
                let id = if start > 0 {
                    scratch.clear();
                    scratch.push_str(&self.prefix);
                    scratch.push_str(piece);
                    self.vocab.get(scratch.as_str())
                } else {
                    self.vocab.get(piece)
                };
                if let Some(&id) = id {
                    found = Some(id);
                    break;
                }
                end = floor_char_boundary(word, end - 1);
            }
            match found {
                Some(id) => {
                    out.push(id);
                    start = end;
                }
                None => {
                    out.truncate(mark);
                    return false;
                }
            }
        }
        true
    }
}

/// The largest char boundary of `s` not above `i` (`i <= s.len()`).
fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_word(text, BasicConfig::default(), |w| out.push(w.to_owned()));
        out
    }

    #[test]
    fn splits_like_bert() {
        assert_eq!(
            words("Héllo,  WORLD!\tIt's 9:30"),
            ["hello", ",", "world", "!", "it", "'", "s", "9", ":", "30"]
        );
        assert_eq!(words("这是"), ["这", "是"]);
        assert!(words("").is_empty());
        assert!(words(" \u{0}\u{200b} ").is_empty());
    }

    #[test]
    fn ascii_fast_path_agrees_with_the_general_path() {
        for text in [
            "Hello,\tWorld!\u{b}x\u{c}y\u{7f}z\r\n",
            "A-B_c 9:30 (x)",
            "\u{0}\u{1}ok",
        ] {
            let fast = words(text);
            // Appending a non-ASCII space forces the general path without changing the words.
            let slow = words(&format!("{text}\u{3000}"));
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    #[test]
    fn greedy_pieces() {
        let vocab: HashMap<String, u32> = [("un", 0), ("##aff", 1), ("##able", 2), ("a", 3)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let wp = WordPiece::new(vocab, "##".into(), 100);
        let mut s = String::new();
        let mut out = Vec::new();
        assert!(wp.pieces("unaffable", &mut s, &mut out));
        assert_eq!(out, [0, 1, 2]);
        out.clear();
        assert!(!wp.pieces("unx", &mut s, &mut out));
        assert!(out.is_empty());
        assert!(!wp.pieces("é", &mut s, &mut out));
    }

    /// The same pieces as the model's own tokenizer (`tokenizers` crate) on tricky text; needs
    /// the model directory in TANDEM_SEMANTIC_MODEL.
    #[cfg(feature = "semantic")]
    #[test]
    fn matches_the_model_tokenizer() {
        let Some(dir) = std::env::var_os("TANDEM_SEMANTIC_MODEL").filter(|d| !d.is_empty()) else {
            assert_ne!(
                std::env::var("TANDEM_REQUIRE_SERVICES").as_deref(),
                Ok("1"),
                "TANDEM_SEMANTIC_MODEL is not set and TANDEM_REQUIRE_SERVICES=1"
            );
            eprintln!("notice: TANDEM_SEMANTIC_MODEL is not set; skipping the tokenizer parity test");
            return;
        };
        let path = std::path::Path::new(&dir).join("tokenizer.json");
        let mut tok = tokenizers::Tokenizer::from_file(&path).unwrap();
        tok.with_padding(None);
        tok.with_truncation(None).unwrap();
        let unk = tok.token_to_id("[UNK]").unwrap();
        let wp = WordPiece::new(tok.get_vocab(true), "##".into(), 100);
        let texts = [
            "I lost my card, please block it!!",
            "Why was I charged twice?? (£3.50) -- see https://example.com/x?y=1",
            "Ça coûte combien ? 😀 €50 naïve café ÉCOLE Straße",
            "这是一个测试。日本語のテキスト",
            "tabs\tand\nnewlines\r\n and  double  spaces\u{200b}zero-width",
            "antidisestablishmentarianism unaffable thisisaverylongwordthatneedsmanypieces",
            "\u{0}\u{1}control\u{7f}chars\u{fffd}",
            "İstanbul ǅemal ﬁnance ＦＵＬＬＷＩＤＴＨ ｶﾀｶﾅ",
            "##ing [x] a[b]c",
            "",
        ];
        let mut scratch = String::new();
        for text in texts {
            let want: Vec<u32> = tok
                .encode(text, false)
                .unwrap()
                .get_ids()
                .iter()
                .copied()
                .filter(|&id| id != unk)
                .collect();
            let mut got = Vec::new();
            for_each_word(text, BasicConfig::default(), |w| {
                wp.pieces(w, &mut scratch, &mut got);
            });
            assert_eq!(got, want, "{text:?}");
        }
    }
}
