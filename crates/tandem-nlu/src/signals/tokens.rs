//! Word tokens with byte spans into the original text and a normalised form for matching.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// One word of a text: a maximal run of letters and digits (apostrophes inside a word included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    /// Byte offset of the first character in the original text.
    pub start: usize,
    /// Byte offset just past the last character in the original text.
    pub end: usize,
    /// Range of the normalised form inside [`Tokens::norm`].
    norm_start: usize,
    norm_end: usize,
    /// Clause number: increases at sentence and clause punctuation between words.
    pub clause: u32,
    /// The word is written in capitals (at least two letters, none lower-case).
    pub caps: bool,
}

/// The tokens of one text. Normalised forms are lower-case, without accents and without
/// apostrophes ("Don’t" -> "dont"), so lexicon entries and text meet in the same form.
#[derive(Debug, Default, Clone)]
pub(crate) struct Tokens {
    pub list: Vec<Token>,
    norm: String,
    /// Number of `!` in the text.
    pub exclamations: usize,
    /// Number of `?` in the text.
    pub questions: usize,
    /// Longest run of `!`/`?` characters.
    pub longest_punct_run: usize,
    /// Letters in the words, and how many of them are upper case.
    pub letters: usize,
    pub upper: usize,
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | ';' | ':' | ',' | '\n' | '\r' | '(' | ')' | '"' | '\u{2014}' | '\u{2013}'
    )
}

fn push_normalized(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    decompose_compatible(c, |d| {
        if !is_combining_mark(d) && !is_apostrophe(d) {
            for lower in d.to_lowercase() {
                out.push(lower);
            }
        }
    });
}

impl Tokens {
    /// Tokens of `text`, read up to [`super::MAX_ANALYZED_BYTES`] (cut at a char boundary).
    pub fn new(text: &str) -> Tokens {
        let mut cut = text.len().min(super::MAX_ANALYZED_BYTES);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let text = &text[..cut];
        let mut tokens = Tokens {
            list: Vec::with_capacity(text.len() / 5 + 1),
            norm: String::with_capacity(text.len() + 8),
            ..Tokens::default()
        };
        let mut clause = 0u32;
        let mut punct_run = 0usize;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c.is_alphanumeric() {
                punct_run = 0;
                let start = i;
                let mut end = i + c.len_utf8();
                let norm_start = tokens.norm.len();
                let mut letters = 0usize;
                let mut lower = 0usize;
                let mut count = |ch: char| {
                    if ch.is_alphabetic() {
                        letters += 1;
                        if ch.is_lowercase() {
                            lower += 1;
                        }
                    }
                };
                count(c);
                push_normalized(&mut tokens.norm, c);
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_alphanumeric() {
                        count(d);
                        push_normalized(&mut tokens.norm, d);
                        end = j + d.len_utf8();
                        chars.next();
                    } else if is_apostrophe(d) {
                        // Keep the apostrophe only when a letter follows ("don't", not "customers' ").
                        let rest = &text[j + d.len_utf8()..];
                        if rest.chars().next().is_some_and(char::is_alphanumeric) {
                            end = j + d.len_utf8();
                            chars.next();
                        } else {
                            break;
                        }
                    } else {
                        break;
                    }
                }
                let norm_end = tokens.norm.len();
                tokens.letters += letters;
                tokens.upper += letters - lower;
                tokens.list.push(Token {
                    start,
                    end,
                    norm_start,
                    norm_end,
                    clause,
                    caps: letters >= 2 && lower == 0,
                });
            } else {
                if is_clause_break(c) {
                    clause = clause.saturating_add(1);
                }
                if c == '!' || c == '?' {
                    if c == '!' {
                        tokens.exclamations += 1;
                    } else {
                        tokens.questions += 1;
                    }
                    punct_run += 1;
                    tokens.longest_punct_run = tokens.longest_punct_run.max(punct_run);
                } else if !c.is_whitespace() {
                    punct_run = 0;
                }
            }
        }
        tokens
    }

    /// The normalised form of token `i` ("" when out of range).
    pub fn norm(&self, i: usize) -> &str {
        self.list
            .get(i)
            .and_then(|t| self.norm.get(t.norm_start..t.norm_end))
            .unwrap_or("")
    }

    /// Replaces the normal form of each word that `fix` maps to another word (a typo of a
    /// lexicon word) by that word. Spans into the text do not change.
    pub fn correct(&mut self, fix: impl Fn(&str) -> Option<&'static str>) {
        let fixes: Vec<(usize, &'static str)> = (0..self.len())
            .filter_map(|i| fix(self.norm(i)).map(|w| (i, w)))
            .collect();
        if fixes.is_empty() {
            return;
        }
        let mut norm = String::with_capacity(self.norm.len() + 16);
        for (i, t) in self.list.iter_mut().enumerate() {
            let word = match fixes.iter().find(|(j, _)| *j == i) {
                Some((_, w)) => w,
                None => self.norm.get(t.norm_start..t.norm_end).unwrap_or(""),
            };
            t.norm_start = norm.len();
            norm.push_str(word);
            t.norm_end = norm.len();
        }
        self.norm = norm;
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }
}

/// Normalises a lexicon phrase word the same way as text tokens.
pub(crate) fn normalize_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if is_apostrophe(c) {
            continue;
        }
        push_normalized(&mut out, c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_normal_forms() {
        let text = "Don’t SHOUT, Café!!";
        let t = Tokens::new(text);
        let words: Vec<&str> = (0..t.len()).map(|i| t.norm(i)).collect();
        assert_eq!(words, vec!["dont", "shout", "cafe"]);
        assert_eq!(&text[t.list[0].start..t.list[0].end], "Don’t");
        assert!(t.list[1].caps && !t.list[0].caps);
        assert_eq!(t.list[2].clause, 1);
        assert_eq!(t.exclamations, 2);
        assert_eq!(t.longest_punct_run, 2);
    }

    #[test]
    fn trailing_apostrophe_is_not_part_of_the_word() {
        let text = "the customers' orders";
        let t = Tokens::new(text);
        assert_eq!(&text[t.list[1].start..t.list[1].end], "customers");
    }
}
