//! Realistic variants of customer messages, for measuring how well a model copes with text typed
//! quickly: misspellings (swapped, dropped, doubled letters, a key's neighbour), chat spellings
//! and abbreviations (`you` -> `u`, `please` -> `pls`, `want to` -> `wanna`, `for` -> `4`),
//! missing or extra spaces, all lower case, ALL CAPS, an emoji at the end, no punctuation.
//!
//! Deterministic: the variant of a text depends only on the text, the kind and the seed (not on
//! the other texts or their order). [`evaluate_robustness`] measures a model on perturbed copies
//! of labelled examples beside the clean figure.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::eval::evaluate;
use super::model::IntentModel;
use super::train::Example;
use super::IntentError;

/// One kind of change made to a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Perturbation {
    /// One misspelt word, and one more per ten words: two letters swapped, one dropped, one
    /// doubled, or one replaced by a neighbour on a QWERTY keyboard.
    Typos,
    /// Chat spellings and abbreviations for most of the words that have one.
    Slang,
    /// Two words run together, and a doubled space elsewhere.
    Spacing,
    /// All lower case.
    Lowercase,
    /// ALL CAPS.
    Uppercase,
    /// One or two emoji at the end.
    Emoji,
    /// Punctuation (apostrophes included) dropped.
    Punctuation,
    /// What people do: each message gets a few of the kinds above at random (at least one),
    /// a misspelling in half of them, lower case or no punctuation in nearly half.
    Mixed,
}

impl Perturbation {
    /// Every kind, [`Perturbation::Mixed`] last.
    pub const ALL: [Self; 8] = [
        Self::Typos,
        Self::Slang,
        Self::Spacing,
        Self::Lowercase,
        Self::Uppercase,
        Self::Emoji,
        Self::Punctuation,
        Self::Mixed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Typos => "typos",
            Self::Slang => "slang",
            Self::Spacing => "spacing",
            Self::Lowercase => "lowercase",
            Self::Uppercase => "uppercase",
            Self::Emoji => "emoji",
            Self::Punctuation => "punctuation",
            Self::Mixed => "mixed",
        }
    }

    fn code(self) -> u64 {
        match self {
            Self::Typos => 1,
            Self::Slang => 2,
            Self::Spacing => 3,
            Self::Lowercase => 4,
            Self::Uppercase => 5,
            Self::Emoji => 6,
            Self::Punctuation => 7,
            Self::Mixed => 8,
        }
    }
}

/// The default seed of [`perturb`] in `tandem eval`.
pub const DEFAULT_SEED: u64 = 0x5eed_7e57;

/// A variant of `text` of the given kind; the same text, kind and seed always give the same
/// variant.
pub fn perturb(text: &str, kind: Perturbation, seed: u64) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed.rotate_left(17) ^ kind.code();
    for &b in text.as_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(h);
    apply(text, kind, &mut rng)
}

/// Copies of `examples` with their texts perturbed (labels kept).
pub fn perturb_examples(examples: &[Example], kind: Perturbation, seed: u64) -> Vec<Example> {
    examples
        .iter()
        .map(|e| Example::new(perturb(&e.text, kind, seed), e.label.clone()))
        .collect()
}

fn apply(text: &str, kind: Perturbation, rng: &mut ChaCha8Rng) -> String {
    match kind {
        Perturbation::Typos => typos(text, rng),
        Perturbation::Slang => slang(text, 0.8, rng),
        Perturbation::Spacing => spacing(text, rng),
        Perturbation::Lowercase => text.to_lowercase(),
        Perturbation::Uppercase => text.to_uppercase(),
        Perturbation::Emoji => emoji(text, rng),
        Perturbation::Punctuation => drop_punctuation(text),
        Perturbation::Mixed => mixed(text, rng),
    }
}

fn mixed(text: &str, rng: &mut ChaCha8Rng) -> String {
    let mut out = text.to_string();
    let mut changed = false;
    if rng.gen_bool(0.3) {
        out = slang(&out, 0.6, rng);
        changed = true;
    }
    if rng.gen_bool(0.5) {
        out = typo_words(&out, 1, rng);
        changed = true;
    }
    if rng.gen_bool(0.4) {
        out = drop_punctuation(&out);
        changed = true;
    }
    if rng.gen_bool(0.4) {
        out = out.to_lowercase();
        changed = true;
    } else if rng.gen_bool(0.05) {
        out = out.to_uppercase();
        changed = true;
    }
    if rng.gen_bool(0.15) {
        out = spacing(&out, rng);
        changed = true;
    }
    if rng.gen_bool(0.15) {
        out = emoji(&out, rng);
        changed = true;
    }
    if !changed {
        out = typo_words(&out, 1, rng);
    }
    out
}

/// A uniform index below `n` (0 when `n` is 0).
fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    if n == 0 {
        0
    } else {
        rng.gen_range(0..n)
    }
}

fn typos(text: &str, rng: &mut ChaCha8Rng) -> String {
    let words = text.split_whitespace().count();
    typo_words(text, 1 + words / 10, rng)
}

/// `n` misspellings in distinct words of four letters or more (fewer when there are not enough).
fn typo_words(text: &str, n: usize, rng: &mut ChaCha8Rng) -> String {
    let mut words: Vec<String> = text.split(' ').map(str::to_string).collect();
    let mut candidates: Vec<usize> = words
        .iter()
        .enumerate()
        .filter(|(_, w)| w.chars().filter(char::is_ascii_alphabetic).count() >= 4)
        .map(|(i, _)| i)
        .collect();
    for _ in 0..n {
        if candidates.is_empty() {
            break;
        }
        let pick = candidates.swap_remove(below(rng, candidates.len()));
        if let Some(word) = words.get_mut(pick) {
            *word = misspell(word, rng);
        }
    }
    words.join(" ")
}

/// One misspelling of a word, inside its run of letters (the first letter is kept: people seldom
/// get it wrong).
fn misspell(word: &str, rng: &mut ChaCha8Rng) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    let letters: Vec<usize> = chars
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, c)| c.is_ascii_alphabetic())
        .map(|(i, _)| i)
        .collect();
    if letters.is_empty() {
        return word.to_string();
    }
    let at = letters.get(below(rng, letters.len())).copied().unwrap_or(1);
    match below(rng, 4) {
        0 => {
            // Swap with the next letter (or the previous one at the end).
            let other = if chars.get(at + 1).is_some_and(char::is_ascii_alphabetic) {
                at + 1
            } else {
                at - 1
            };
            chars.swap(at, other);
        }
        1 => {
            chars.remove(at);
        }
        2 => {
            if let Some(&c) = chars.get(at) {
                chars.insert(at, c);
            }
        }
        _ => {
            if let Some(c) = chars.get_mut(at) {
                let near = neighbours(c.to_ascii_lowercase());
                if let Some(n) = near.chars().nth(below(rng, near.chars().count())) {
                    *c = if c.is_ascii_uppercase() {
                        n.to_ascii_uppercase()
                    } else {
                        n
                    };
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// The letters next to a letter on a QWERTY keyboard.
fn neighbours(c: char) -> &'static str {
    match c {
        'a' => "qwsz",
        'b' => "vghn",
        'c' => "xdfv",
        'd' => "serfcx",
        'e' => "wsdr",
        'f' => "drtgvc",
        'g' => "ftyhbv",
        'h' => "gyujnb",
        'i' => "ujko",
        'j' => "huikmn",
        'k' => "jiolm",
        'l' => "kop",
        'm' => "njk",
        'n' => "bhjm",
        'o' => "iklp",
        'p' => "ol",
        'q' => "wa",
        'r' => "edft",
        's' => "awedxz",
        't' => "rfgy",
        'u' => "yhji",
        'v' => "cfgb",
        'w' => "qase",
        'x' => "zsdc",
        'y' => "tghu",
        _ => "xsa",
    }
}

/// Chat spellings of words and word pairs (lower case). Some have no written-out form in
/// [`crate::text::expansion`] (`&`, `4`, `2`, `c`), on purpose: the figure is not only the
/// normalisation undoing its own table.
fn slang_for(word: &str, next: Option<&str>) -> Option<(&'static str, bool)> {
    let pair = match (word, next) {
        ("want", Some("to")) => Some("wanna"),
        ("going", Some("to")) => Some("gonna"),
        ("got", Some("to")) => Some("gotta"),
        ("thank", Some("you")) => Some("ty"),
        ("i", Some("am")) => Some("im"),
        ("do", Some("not")) => Some("dont"),
        ("let", Some("me")) => Some("lemme"),
        _ => None,
    };
    if let Some(p) = pair {
        return Some((p, true));
    }
    let single = match word {
        "you" => "u",
        "your" => "ur",
        "are" => "r",
        "why" => "y",
        "please" => "pls",
        "thanks" => "thx",
        "because" => "cuz",
        "through" => "thru",
        "before" => "b4",
        "tomorrow" => "tmrw",
        "today" => "2day",
        "message" => "msg",
        "account" => "acct",
        "about" => "abt",
        "people" => "ppl",
        "okay" => "ok",
        "information" => "info",
        "transaction" => "txn",
        "i'm" | "i’m" => "im",
        "don't" | "don’t" => "dont",
        "can't" | "can’t" | "cannot" => "cant",
        "what's" => "whats",
        "with" => "w",
        "and" => "&",
        "for" => "4",
        "to" => "2",
        "see" => "c",
        _ => return None,
    };
    Some((single, false))
}

/// Splits a token into leading punctuation, its core and trailing punctuation.
fn split_token(token: &str) -> (&str, &str, &str) {
    let core_start = token.find(|c: char| c.is_alphanumeric()).unwrap_or(token.len());
    let core_end = token
        .rfind(|c: char| c.is_alphanumeric())
        .map_or(core_start, |i| {
            i + token
                .get(i..)
                .and_then(|s| s.chars().next())
                .map_or(1, char::len_utf8)
        });
    (
        token.get(..core_start).unwrap_or_default(),
        token
            .get(core_start..core_end.max(core_start))
            .unwrap_or_default(),
        token.get(core_end.max(core_start)..).unwrap_or_default(),
    )
}

/// Each word (or pair) that has a chat spelling gets it with probability `p`.
fn slang(text: &str, p: f64, rng: &mut ChaCha8Rng) -> String {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while let Some(&token) = tokens.get(i) {
        let (lead, core, trail) = split_token(token);
        let lower = core.to_lowercase();
        // A pair only when the first word has no trailing punctuation.
        let next = tokens.get(i + 1).and_then(|t| {
            let (l, c, _) = split_token(t);
            (trail.is_empty() && l.is_empty()).then(|| c.to_lowercase())
        });
        match slang_for(&lower, next.as_deref()) {
            Some((s, pair)) if rng.gen_bool(p) => {
                let trail = if pair {
                    tokens.get(i + 1).map_or("", |t| split_token(t).2)
                } else {
                    trail
                };
                out.push(format!("{lead}{s}{trail}"));
                i += if pair { 2 } else { 1 };
            }
            _ => {
                out.push(token.to_string());
                i += 1;
            }
        }
    }
    out.join(" ")
}

/// Two words run together, and a space doubled elsewhere (or at the end).
fn spacing(text: &str, rng: &mut ChaCha8Rng) -> String {
    let mut words: Vec<String> = text.split(' ').map(str::to_string).collect();
    if words.len() >= 2 {
        let at = below(rng, words.len() - 1);
        let next = words.remove(at + 1);
        if let Some(w) = words.get_mut(at) {
            w.push_str(&next);
        }
    }
    if words.len() >= 2 {
        let at = below(rng, words.len() - 1);
        if let Some(w) = words.get_mut(at) {
            w.push(' ');
        }
        words.join(" ")
    } else {
        words.join(" ") + " "
    }
}

const EMOJI: [&str; 10] = ["😡", "🙏", "😊", "😢", "👍", "🤔", "😤", "❤️", "😭", "🙄"];

fn emoji(text: &str, rng: &mut ChaCha8Rng) -> String {
    let pick = |rng: &mut ChaCha8Rng| EMOJI.get(below(rng, EMOJI.len())).copied().unwrap_or("🙂");
    let first = pick(rng);
    let mut out = text.trim_end().to_string();
    if rng.gen_bool(0.7) {
        out.push(' ');
    }
    out.push_str(first);
    if rng.gen_bool(0.3) {
        out.push_str(pick(rng));
    }
    out
}

fn drop_punctuation(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| !(c.is_ascii_punctuation() || matches!(c, '’' | '‘' | '“' | '”' | '…')))
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Accuracy under one kind of perturbation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerturbedAccuracy {
    pub kind: Perturbation,
    pub accuracy: f64,
    /// Fraction of the messages the perturbation changed.
    pub changed: f64,
}

/// Accuracy on clean and perturbed copies of the same examples.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RobustnessReport {
    pub seed: u64,
    pub clean_accuracy: f64,
    /// Accuracy under [`Perturbation::Mixed`].
    pub perturbed_accuracy: f64,
    /// Every kind of [`Perturbation::ALL`], mixed last.
    pub per_kind: Vec<PerturbedAccuracy>,
}

/// Accuracy (as [`evaluate`] counts it, with `oos_label`) on `examples` and on each kind of
/// perturbed copy of them.
pub fn evaluate_robustness(
    model: &IntentModel,
    examples: &[Example],
    oos_label: Option<&str>,
    seed: u64,
) -> Result<RobustnessReport, IntentError> {
    let clean_accuracy = evaluate(model, examples, oos_label)?.accuracy;
    let mut per_kind = Vec::with_capacity(Perturbation::ALL.len());
    for kind in Perturbation::ALL {
        let perturbed = perturb_examples(examples, kind, seed);
        let changed = perturbed
            .iter()
            .zip(examples)
            .filter(|(p, e)| p.text != e.text)
            .count();
        per_kind.push(PerturbedAccuracy {
            kind,
            accuracy: evaluate(model, &perturbed, oos_label)?.accuracy,
            changed: crate::num::usize_to_f64(changed) / crate::num::usize_to_f64(examples.len().max(1)),
        });
    }
    let perturbed_accuracy = per_kind
        .iter()
        .find(|k| k.kind == Perturbation::Mixed)
        .map_or(clean_accuracy, |k| k.accuracy);
    Ok(RobustnessReport {
        seed,
        clean_accuracy,
        perturbed_accuracy,
        per_kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_variant() {
        let text = "Hi, I want to know why my card payment was declined. Thank you!";
        for kind in Perturbation::ALL {
            let a = perturb(text, kind, 7);
            assert_eq!(a, perturb(text, kind, 7), "{kind:?}");
            assert_ne!(a, text, "{kind:?}");
        }
        let seeds: std::collections::HashSet<String> =
            (0..20).map(|s| perturb(text, Perturbation::Typos, s)).collect();
        assert!(seeds.len() > 5, "{seeds:?}");
    }

    #[test]
    fn each_kind_does_what_it_says() {
        let text = "Please tell me why you charged my account twice, I'm waiting.";
        assert_eq!(
            perturb(text, Perturbation::Punctuation, 1),
            "Please tell me why you charged my account twice Im waiting"
        );
        assert_eq!(perturb(text, Perturbation::Uppercase, 1), text.to_uppercase());
        assert_eq!(perturb(text, Perturbation::Lowercase, 1), text.to_lowercase());
        let emoji = perturb(text, Perturbation::Emoji, 1);
        assert!(emoji.starts_with(text) && emoji.len() > text.len());
        let spaced = perturb(text, Perturbation::Spacing, 1);
        assert_eq!(
            spaced.split_whitespace().count() + 1,
            text.split_whitespace().count()
        );
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        assert_eq!(
            slang("Please tell me why you want to pay, thank you.", 1.0, &mut rng),
            "pls tell me y u wanna pay, ty."
        );
        // A misspelling keeps the first letter and changes the length by at most one.
        for seed in 0..50 {
            let t = perturb("statement", Perturbation::Typos, seed);
            assert!(t.starts_with('s') && t != "statement", "{t}");
            assert!((8..=10).contains(&t.len()), "{t}");
        }
        // Nothing to misspell: short words are kept.
        assert_eq!(perturb("hi ok", Perturbation::Typos, 1), "hi ok");
        assert_eq!(perturb("", Perturbation::Mixed, 1), "");
    }

    #[test]
    fn odd_inputs_are_fine() {
        for text in ["", " ", "é", "...", "?? ??", "a", "ÀÉÎ ÕÜ ñ", "x’y", "🙂🙂"] {
            for kind in Perturbation::ALL {
                for seed in 0..5 {
                    let _ = perturb(text, kind, seed);
                }
            }
        }
    }
}
