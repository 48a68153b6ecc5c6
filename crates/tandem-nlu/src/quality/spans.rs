//! The reply as words and sentences with code-point offsets, and the phrase patterns the lexicons
//! are written in.
//!
//! Pattern syntax (one pattern = words separated by spaces, matched on consecutive words of one
//! sentence): `a|b` either word; `sorr*` any word starting with `sorr`; a trailing `?` makes the
//! slot optional (`so? sorry`); `#` any number; `_` any one word. Words are lower-case with
//! apostrophes and inner hyphens dropped (`I'm` → `im`, `e-mailed` → `emailed`).

use std::collections::HashMap;

/// Only the first this many code points of a reply (and of its context) are read; a chat reply is
/// far shorter, and the bound keeps a pathological input cheap. Offsets stay exact.
pub const MAX_CHARS: usize = 20_000;

/// One word of the reply.
#[derive(Debug, Clone)]
pub(crate) struct Tok {
    /// Lower-case, apostrophes and inner hyphens dropped.
    pub norm: String,
    /// Code-point offsets into the reply.
    pub start: usize,
    pub end: usize,
    /// Index of the sentence the word is in.
    pub sentence: usize,
    /// Every letter of the original word is upper-case (and it has at least two letters).
    pub caps: bool,
    /// The word is a number (digits, maybe with `.`, `,` or `:` inside).
    pub number: bool,
}

/// One sentence (ended by `.`, `!`, `?`, `;`, a line break or the end of the text).
#[derive(Debug, Clone)]
pub(crate) struct Sentence {
    pub start: usize,
    pub end: usize,
    /// Words `first_tok..end_tok`.
    pub first_tok: usize,
    pub end_tok: usize,
    /// Ends with a question mark.
    pub question: bool,
    /// Exclamation marks at its end.
    pub bangs: usize,
}

/// The analysed reply.
#[derive(Debug, Clone)]
pub(crate) struct Text {
    pub chars: Vec<char>,
    pub toks: Vec<Tok>,
    pub sentences: Vec<Sentence>,
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | '`')
}

fn joins_word(c: char) -> bool {
    is_apostrophe(c) || c == '-'
}

impl Text {
    pub(crate) fn new(text: &str) -> Text {
        let chars: Vec<char> = text.chars().take(MAX_CHARS).collect();
        let mut toks: Vec<Tok> = Vec::new();
        let mut sentences: Vec<Sentence> = Vec::new();
        let mut sent_start: Option<usize> = None;
        let mut sent_first_tok = 0usize;
        let mut i = 0usize;
        let n = chars.len();
        while i < n {
            let c = chars.get(i).copied().unwrap_or(' ');
            if c.is_alphanumeric() {
                if sent_start.is_none() {
                    sent_start = Some(i);
                    sent_first_tok = toks.len();
                }
                let start = i;
                let mut norm = String::new();
                let mut letters = 0usize;
                let mut uppers = 0usize;
                let mut digits = 0usize;
                while i < n {
                    let ch = chars.get(i).copied().unwrap_or(' ');
                    let next = chars.get(i + 1).copied().unwrap_or(' ');
                    let prev = if i > 0 {
                        chars.get(i - 1).copied().unwrap_or(' ')
                    } else {
                        ' '
                    };
                    if ch.is_alphanumeric() {
                        if ch.is_alphabetic() {
                            letters += 1;
                            if ch.is_uppercase() {
                                uppers += 1;
                            }
                        } else if ch.is_numeric() {
                            digits += 1;
                        }
                        norm.extend(ch.to_lowercase());
                        i += 1;
                    } else if joins_word(ch) && next.is_alphanumeric() && i > start {
                        // "don't", "e-mailed": dropped, the word goes on.
                        i += 1;
                    } else if matches!(ch, '.' | ',' | ':') && prev.is_numeric() && next.is_numeric() {
                        norm.push(ch);
                        i += 1;
                    } else {
                        break;
                    }
                }
                toks.push(Tok {
                    norm,
                    start,
                    end: i,
                    sentence: sentences.len(),
                    caps: letters >= 2 && uppers == letters,
                    number: digits > 0 && letters == 0,
                });
                continue;
            }
            if matches!(c, '.' | '!' | '?' | ';' | '\n' | '。' | '！' | '？') {
                // Runs of enders ("?!", "...") belong to one sentence end.
                let mut j = i;
                let mut question = false;
                let mut bangs = 0usize;
                while j < n {
                    let e = chars.get(j).copied().unwrap_or(' ');
                    match e {
                        '?' | '？' => question = true,
                        '!' | '！' => bangs += 1,
                        '.' | ';' | '\n' | '。' | '\r' => {}
                        _ => break,
                    }
                    j += 1;
                }
                if let Some(start) = sent_start.take() {
                    sentences.push(Sentence {
                        start,
                        end: j,
                        first_tok: sent_first_tok,
                        end_tok: toks.len(),
                        question,
                        bangs,
                    });
                }
                i = j;
                continue;
            }
            i += 1;
        }
        if let Some(start) = sent_start {
            sentences.push(Sentence {
                start,
                end: n,
                first_tok: sent_first_tok,
                end_tok: toks.len(),
                question: false,
                bangs: 0,
            });
        }
        Text {
            chars,
            toks,
            sentences,
        }
    }

    /// The reply's code points `start..end` as a string (empty when out of range).
    pub(crate) fn slice(&self, start: usize, end: usize) -> String {
        self.chars
            .get(start..end)
            .map(|s| s.iter().collect())
            .unwrap_or_default()
    }

    pub(crate) fn tok(&self, i: usize) -> Option<&Tok> {
        self.toks.get(i)
    }

    /// Number of words.
    pub(crate) fn words(&self) -> usize {
        self.toks.len()
    }
}

/// One alternative of a slot.
#[derive(Debug, Clone)]
enum Alt {
    Word(String),
    /// Several consecutive words (`get+through`).
    Seq(Vec<String>),
    Prefix(String),
    Number,
    Any,
}

impl Alt {
    /// How many words this alternative takes at word `at` of sentence `sentence`, if it matches.
    fn matches(&self, text: &Text, at: usize, sentence: usize) -> Option<usize> {
        let tok = text.tok(at).filter(|t| t.sentence == sentence)?;
        let ok = match self {
            Alt::Word(w) => tok.norm == *w,
            Alt::Prefix(p) => tok.norm.starts_with(p.as_str()),
            Alt::Number => tok.number,
            Alt::Any => true,
            Alt::Seq(words) => {
                let all = words.iter().enumerate().all(|(k, w)| {
                    text.tok(at + k)
                        .is_some_and(|t| t.sentence == sentence && t.norm == *w)
                });
                return all.then_some(words.len());
            }
        };
        ok.then_some(1)
    }
}

#[derive(Debug, Clone)]
struct Slot {
    alts: Vec<Alt>,
    optional: bool,
}

#[derive(Debug, Clone)]
struct Pattern {
    slots: Vec<Slot>,
}

fn compile(pattern: &str) -> Pattern {
    let slots = pattern
        .split_whitespace()
        .map(|raw| {
            let (body, optional) = match raw.strip_suffix('?') {
                Some(b) => (b, true),
                None => (raw, false),
            };
            let alts = body
                .split('|')
                .filter(|a| !a.is_empty())
                .map(|a| match a {
                    "#" => Alt::Number,
                    "_" => Alt::Any,
                    _ if a.contains('+') => Alt::Seq(a.split('+').map(str::to_owned).collect()),
                    _ => match a.strip_suffix('*') {
                        Some(p) => Alt::Prefix(p.to_owned()),
                        None => Alt::Word(a.to_owned()),
                    },
                })
                .collect();
            Slot { alts, optional }
        })
        .collect();
    Pattern { slots }
}

/// Where `slots` match from word `at` within sentence `sentence`: the end word (exclusive) of the
/// first match found, taking optional slots before skipping them.
fn match_from(text: &Text, slots: &[Slot], at: usize, sentence: usize) -> Option<usize> {
    let Some((slot, rest)) = slots.split_first() else {
        return Some(at);
    };
    for alt in &slot.alts {
        if let Some(taken) = alt.matches(text, at, sentence) {
            if let Some(end) = match_from(text, rest, at + taken, sentence) {
                return Some(end);
            }
        }
    }
    if slot.optional {
        return match_from(text, rest, at, sentence);
    }
    None
}

/// A match of pattern `id`: words `start..end`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub id: usize,
    pub start: usize,
    pub end: usize,
}

/// Compiled patterns, indexed by the exact words their first slot can start with.
#[derive(Debug)]
pub(crate) struct PatternSet {
    patterns: Vec<Pattern>,
    by_first: HashMap<String, Vec<usize>>,
    /// Patterns whose first slot is optional or not an exact word: tried at every word.
    always: Vec<usize>,
}

impl PatternSet {
    pub(crate) fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> PatternSet {
        let patterns: Vec<Pattern> = patterns.into_iter().map(compile).collect();
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::new();
        let mut always = Vec::new();
        for (id, p) in patterns.iter().enumerate() {
            let exact: Option<Vec<&str>> = p.slots.first().and_then(|s| {
                if s.optional {
                    return None;
                }
                s.alts
                    .iter()
                    .map(|a| match a {
                        Alt::Word(w) => Some(w.as_str()),
                        Alt::Seq(ws) => ws.first().map(String::as_str),
                        _ => None,
                    })
                    .collect()
            });
            match exact {
                Some(words) if !words.is_empty() => {
                    for w in words {
                        by_first.entry(w.to_owned()).or_default().push(id);
                    }
                }
                _ => always.push(id),
            }
        }
        PatternSet {
            patterns,
            by_first,
            always,
        }
    }

    /// Every match (at most one per pattern and start word), in word order.
    pub(crate) fn find(&self, text: &Text) -> Vec<Hit> {
        let mut hits = Vec::new();
        for (at, tok) in text.toks.iter().enumerate() {
            let keyed = self.by_first.get(&tok.norm).map(Vec::as_slice).unwrap_or(&[]);
            for &id in keyed.iter().chain(self.always.iter()) {
                let Some(p) = self.patterns.get(id) else {
                    continue;
                };
                if let Some(end) = match_from(text, &p.slots, at, tok.sentence) {
                    if end > at {
                        hits.push(Hit { id, start: at, end });
                    }
                }
            }
        }
        hits
    }
}

/// A crude stem for comparing the reply's words with the customer's: common English endings
/// dropped, then at most five letters.
pub(crate) fn stem(word: &str) -> String {
    let mut w = word;
    for suffix in ["ing", "ed", "es", "s", "ly"] {
        if let Some(s) = w.strip_suffix(suffix) {
            if s.chars().count() >= 3 {
                w = s;
                break;
            }
        }
    }
    w.chars().take(5).collect()
}
