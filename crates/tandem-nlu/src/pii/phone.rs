//! Phone numbers: which number runs are phone numbers (and which are amounts, dates or
//! references).

use super::numbers::{digit_count, digits_of, Run};

/// The words just before `at` (lower case, up to 40 bytes, same line).
fn words_before(text: &str, at: usize) -> String {
    let mut from = at.saturating_sub(40);
    while from > 0 && !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = text.get(from..at).unwrap_or("");
    let line = before.rsplit('\n').next().unwrap_or("");
    line.to_lowercase()
}

const PHONE_WORDS: &[&str] = &[
    "phone",
    "tel",
    "tel.",
    "telephone",
    "mobile",
    "cell",
    "cellphone",
    "call",
    "ring",
    "whatsapp",
    "fax",
    "sms",
    "text",
    "handy",
    "portable",
    "téléphone",
    "telefon",
    "telefono",
    "teléfono",
    "reach",
    "contact",
];
const REFERENCE_WORDS: &[&str] = &[
    "order",
    "invoice",
    "ticket",
    "tracking",
    "reference",
    "ref",
    "ref.",
    "account",
    "acct",
    "case",
    "booking",
    "confirmation",
    "customer",
    "id",
    "no.",
    "nr",
    "nr.",
    "serial",
    "sku",
    "item",
    "policy",
    "claim",
    "po",
    "#",
    "iban",
    "card",
    "bic",
    "code",
    "pin",
    "zip",
    "postcode",
];

/// The last few words before the run, lower-cased, without trailing punctuation.
fn last_words(text: &str, at: usize, n: usize) -> Vec<String> {
    let before = words_before(text, at);
    let mut words: Vec<String> = before
        .split(|c: char| c.is_whitespace() || c == ':' || c == '(' || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_end_matches(['.', '!', '?', ';']).to_string())
        .collect();
    let keep = words.len().saturating_sub(n);
    words.drain(..keep);
    words
}

fn preceded_by_money_or_ref(text: &str, at: usize) -> bool {
    let before = text.get(..at).unwrap_or("");
    let trimmed = before.trim_end_matches([' ', '\u{a0}']);
    let gap = before.len() - trimmed.len();
    match trimmed.chars().next_back() {
        Some('$' | '€' | '£' | '¥' | '₹' | '#' | '№') => gap <= 1,
        // "1,200.00", "v1.2": the run continues an earlier number.
        Some('.' | ',') => {
            let t = &trimmed[..trimmed.len() - 1];
            gap == 0 && t.chars().next_back().is_some_and(|c| c.is_ascii_digit())
        }
        _ => false,
    }
}

fn followed_by_money_or_unit(text: &str, at: usize) -> bool {
    let after = text.get(at..).unwrap_or("");
    let trimmed = after.trim_start_matches([' ', '\u{a0}']);
    let mut chars = trimmed.chars();
    match chars.next() {
        Some('$' | '€' | '£' | '¥' | '₹' | '%') => true,
        // A decimal part: "1234567.89".
        Some('.' | ',') => after.len() == trimmed.len() && chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => {
            let word: String = trimmed
                .chars()
                .take_while(|c| c.is_alphabetic())
                .collect::<String>()
                .to_lowercase();
            matches!(
                word.as_str(),
                "eur" | "euro" | "euros" | "usd" | "dollars" | "gbp" | "pounds" | "chf" | "kr"
            )
        }
    }
}

/// A date written as three numbers: 2024-03-15, 15.03.2024, 03/15/24.
fn date_shaped(run: &Run) -> bool {
    if run.plus {
        return false;
    }
    let [(a0, b0), (a1, b1), (a2, b2)] = run.groups.as_slice() else {
        return false;
    };
    let (l0, l1, l2) = (b0 - a0, b1 - a1, b2 - a2);
    let same_sep = matches!(run.between.as_slice(), [s0, s1] if s0 == s1 && s0 & (2 | 4 | 8) != 0);
    let ymd = l0 == 4 && l1 <= 2 && l2 <= 2;
    let dmy = l0 <= 2 && l1 <= 2 && (l2 == 2 || l2 == 4);
    same_sep && (ymd || dmy)
}

/// Whether the run (not a card) is a phone number: `+` and 8–15 digits; `00` and 10–15 digits;
/// North American shapes; a trunk `0` and 9–11 digits; or 7–15 digits after a phone word. Never
/// after a reference word (without a phone word), next to money or units, or shaped like a date.
pub(super) fn is_phone(text: &str, run: &Run) -> bool {
    if preceded_by_money_or_ref(text, run.start) || followed_by_money_or_unit(text, run.end) {
        return false;
    }
    let digits = digit_count(&run.groups);
    if date_shaped(run) {
        return false;
    }
    let first_digits = digits_of(text.as_bytes(), run.groups.get(..1).unwrap_or_default());
    let (after_reference, after_phone_word) = if run.plus || !(7..=15).contains(&digits) {
        (false, false)
    } else {
        let words = last_words(text, run.start, 3);
        (
            words.iter().any(|w| REFERENCE_WORDS.contains(&w.as_str())),
            words.iter().any(|w| PHONE_WORDS.contains(&w.as_str())),
        )
    };
    let lens: Vec<usize> = run.groups.iter().map(|(a, b)| b - a).collect();
    let nanp = (digits == 10 && lens.len() == 3 && lens[..] == [3, 3, 4])
        || (digits == 11 && lens.len() == 4 && lens[..] == [1, 3, 3, 4] && first_digits == "1");
    if run.plus {
        (8..=15).contains(&digits)
    } else if after_reference && !after_phone_word {
        false
    } else if first_digits.starts_with("00") {
        (10..=15).contains(&digits)
    } else if nanp {
        true
    } else if first_digits.starts_with('0') {
        (9..=11).contains(&digits)
    } else {
        after_phone_word && (7..=15).contains(&digits)
    }
}
