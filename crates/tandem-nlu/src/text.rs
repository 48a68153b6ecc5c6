//! Text normalisation for the intent classifier (and for comparing pack examples).
//!
//! [`normalize`] lower-cases, strips accents and punctuation. [`canonicalize_into`] goes further
//! for the intent features ([`Rules::Canonical`]): apostrophes are dropped inside words (`don't`,
//! `don’t` and `dont` are one word), and the chat spellings of common words and contractions are
//! written out (`u` -> `you`, `pls` -> `please`, `wanna` -> `want to`, `dont` -> `do not`; see
//! [`expansion`]), so that a message typed quickly on a phone reads like the examples a pack was
//! written with.

use unicode_normalization::UnicodeNormalization;

/// The normalisation an intent model's features are computed with. A model records the rules it
/// was trained with (models written before they existed use [`Rules::Plain`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Rules {
    /// [`normalize`] only.
    Plain,
    /// [`canonicalize_into`]: apostrophes dropped, chat spellings and contractions written out.
    #[default]
    Canonical,
}

impl Rules {
    /// The code stored in a model file.
    pub fn code(self) -> u8 {
        match self {
            Self::Plain => 0,
            Self::Canonical => 1,
        }
    }

    /// The rules of a stored code (`None` for a code this build does not know).
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(Self::Plain),
            1 => Some(Self::Canonical),
            _ => None,
        }
    }

    /// `text` normalised by these rules into `out` (cleared first), reading at most `max_chars`
    /// characters; `scratch` is a reused buffer.
    pub fn apply(self, text: &str, max_chars: usize, scratch: &mut String, out: &mut String) {
        match self {
            Self::Plain => normalize_into(text, max_chars, out),
            Self::Canonical => canonicalize_into(text, max_chars, scratch, out),
        }
    }
}

/// Lower-cases, strips accents (NFKD without combining marks) and maps every character that is not
/// alphanumeric (or an apostrophe) to a single space. The result has no leading, trailing or
/// repeated spaces.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, usize::MAX, &mut out);
    out
}

/// [`normalize`] into a reused buffer (cleared first), reading at most `max_chars` characters of
/// `text`. ASCII text takes a fast path that gives the same result without Unicode decomposition.
pub fn normalize_into(text: &str, max_chars: usize, out: &mut String) {
    normalize_with(text, max_chars, false, out);
}

/// [`normalize_into`], dropping apostrophes (`'`, `’`, `‘`) instead of keeping them when
/// `drop_apostrophes`.
fn normalize_with(text: &str, max_chars: usize, drop_apostrophes: bool, out: &mut String) {
    out.clear();
    let mut pending_space = false;
    let mut push = |ch: char, out: &mut String| {
        if drop_apostrophes && matches!(ch, '\'' | '\u{2019}' | '\u{2018}') {
            return;
        }
        if ch.is_alphanumeric() || ch == '\'' {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            if ch.is_ascii() {
                out.push(ch.to_ascii_lowercase());
            } else {
                for lower in ch.to_lowercase() {
                    out.push(lower);
                }
            }
        } else {
            pending_space = true;
        }
    };
    if text.is_ascii() {
        for &b in text.as_bytes().iter().take(max_chars) {
            push(char::from(b), out);
        }
        return;
    }
    for ch in text.chars().take(max_chars).nfkd() {
        if unicode_normalization::char::is_combining_mark(ch) {
            continue;
        }
        push(ch, out);
    }
}

/// [`normalize_into`] with apostrophes dropped, then every word that has an [`expansion`]
/// replaced by it, into `out` (cleared first); `scratch` is a reused buffer.
pub fn canonicalize_into(text: &str, max_chars: usize, scratch: &mut String, out: &mut String) {
    normalize_with(text, max_chars, true, scratch);
    out.clear();
    for word in words(scratch) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(expansion(word).unwrap_or(word));
    }
}

/// [`canonicalize_into`] into a new string.
pub fn canonicalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    canonicalize_into(text, usize::MAX, &mut String::new(), &mut out);
    out
}

/// The written-out form of a chat spelling, abbreviation or contraction (a normalised word with
/// its apostrophes dropped), or `None` when the word is kept as it is. Only forms that are hardly
/// ever anything else in customer messages are listed (`id`, `ill`, `its`, `lets`, `were` and
/// `wed` are real words; digits stay digits: `2` is more often a quantity than `to`).
pub fn expansion(word: &str) -> Option<&'static str> {
    Some(match word {
        // Pronouns and common words.
        "u" | "ya" | "yu" | "yuo" => "you",
        "ur" | "yr" | "yor" => "your",
        "urs" => "yours",
        "r" => "are",
        "y" => "why",
        "n" | "nd" => "and",
        "w" => "with",
        "wo" => "without",
        "abt" | "bout" => "about",
        "b4" => "before",
        "ppl" => "people",
        "hv" => "have",
        "cn" => "can",
        "cud" => "could",
        "shud" => "should",
        "wud" => "would",
        "wat" | "wut" | "wht" => "what",
        "wen" => "when",
        "whr" => "where",
        "hw" => "how",
        "thru" => "through",
        "tho" => "though",
        "bcoz" | "bcuz" | "becuz" | "bcz" | "bc" | "cuz" | "coz" | "cos" => "because",
        "pls" | "plz" | "plse" | "plez" | "pleas" | "pleez" | "pleeze" | "plss" | "plzz" => "please",
        "thx" | "thnx" | "thanx" | "thnks" | "thks" | "tks" | "tnx" | "thanq" => "thanks",
        "ty" => "thank you",
        "k" | "kk" | "okay" | "okey" => "ok",
        "tmrw" | "tmr" | "tmrrw" | "tmw" | "2moro" | "2morrow" | "tomoz" => "tomorrow",
        "2day" | "tdy" => "today",
        "2nite" | "tonite" => "tonight",
        "yday" | "ystrdy" => "yesterday",
        "rn" => "right now",
        "asap" => "as soon as possible",
        "idk" => "i do not know",
        "dunno" => "do not know",
        "wanna" => "want to",
        "gonna" => "going to",
        "gotta" => "got to",
        "hafta" => "have to",
        "lemme" => "let me",
        "gimme" => "give me",
        // Banking and shopping abbreviations.
        "acc" | "acct" | "accnt" => "account",
        "accs" | "accts" => "accounts",
        "msg" => "message",
        "msgs" => "messages",
        "txn" | "trx" => "transaction",
        "txns" | "trxs" => "transactions",
        "pmt" | "pymt" => "payment",
        "amt" => "amount",
        "pwd" | "passwd" => "password",
        "info" => "information",
        "num" | "nr" => "number",
        // Contractions, once apostrophes are dropped.
        "im" => "i am",
        "ive" => "i have",
        "youre" => "you are",
        "youve" => "you have",
        "theyre" => "they are",
        "dont" | "dnt" => "do not",
        "doesnt" => "does not",
        "didnt" => "did not",
        "cant" | "cannot" => "can not",
        "couldnt" => "could not",
        "wont" => "will not",
        "wouldnt" => "would not",
        "shouldnt" => "should not",
        "isnt" => "is not",
        "arent" => "are not",
        "wasnt" => "was not",
        "werent" => "were not",
        "havent" => "have not",
        "hasnt" => "has not",
        "hadnt" => "had not",
        "whats" => "what is",
        "wheres" => "where is",
        "hows" => "how is",
        "thats" => "that is",
        "theres" => "there is",
        _ => return None,
    })
}

/// `text` with the byte spans `spans` (start, end; in any order, overlapping or not) taken out,
/// a space where each was: what is left of a message once some of its words are set aside. The
/// offsets are those of entities and evidence, on character boundaries.
pub fn without_spans(text: &str, spans: impl IntoIterator<Item = (usize, usize)>) -> String {
    let mut spans: Vec<(usize, usize)> = spans.into_iter().collect();
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in spans {
        if let Some(part) = text.get(at..start) {
            out.push_str(part);
            out.push(' ');
        }
        at = at.max(end);
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

/// The words of an already normalised text.
pub fn words(normalized: &str) -> impl Iterator<Item = &str> {
    normalized.split(' ').filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_taken_out_in_any_order() {
        let text = "order A1001 and A1002 please";
        assert_eq!(without_spans(text, [(16, 21), (6, 11)]), "order   and   please");
        assert_eq!(without_spans(text, [(0, 11), (6, 16)]), " A1002 please");
        assert_eq!(without_spans(text, []), text);
    }

    #[test]
    fn normalizes_case_accents_and_punctuation() {
        assert_eq!(normalize("  Où est   MA commande?!"), "ou est ma commande");
        assert_eq!(normalize(""), "");
        assert_eq!(words("a b  c").collect::<Vec<_>>(), vec!["a", "b", "c"]);
    }

    #[test]
    fn ascii_fast_path_matches_the_unicode_path() {
        let text = "I'm STILL waiting -- on my card?? 2 weeks\t\nnow";
        let mut fast = String::new();
        normalize_into(text, usize::MAX, &mut fast);
        // Force the Unicode path by appending a non-ASCII letter that survives normalisation.
        let slow = normalize(&format!("{text} é"));
        assert_eq!(format!("{fast} e"), slow);
        assert_eq!(fast, "i'm still waiting on my card 2 weeks now");
    }

    #[test]
    fn canonical_form_writes_out_chat_spellings_and_contractions() {
        assert_eq!(
            canonicalize("Pls help, I don’t get why u charged me 2x thx!!"),
            "please help i do not get why you charged me 2x thanks"
        );
        assert_eq!(canonicalize("I'm"), canonicalize("Im"));
        assert_eq!(canonicalize("i am"), canonicalize("I'm"));
        assert_eq!(
            canonicalize("WANNA cancel ur txn"),
            "want to cancel your transaction"
        );
        assert_eq!(canonicalize("card's"), "cards");
        assert_eq!(canonicalize(""), "");
        assert_eq!(canonicalize(" ' "), "");
        let (mut scratch, mut out) = (String::new(), String::new());
        Rules::Plain.apply("I'm u", 100, &mut scratch, &mut out);
        assert_eq!(out, "i'm u");
        Rules::Canonical.apply("I'm u", 100, &mut scratch, &mut out);
        assert_eq!(out, "i am you");
        for rules in [Rules::Plain, Rules::Canonical] {
            assert_eq!(Rules::from_code(rules.code()), Some(rules));
        }
        assert_eq!(Rules::from_code(9), None);
    }

    #[test]
    fn reads_at_most_max_chars() {
        let mut out = String::new();
        normalize_into("abc def", 5, &mut out);
        assert_eq!(out, "abc d");
        normalize_into("àbc déf", 5, &mut out);
        assert_eq!(out, "abc d");
    }
}
