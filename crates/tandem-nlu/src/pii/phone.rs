//! Phone numbers: which number runs are phone numbers (and which are amounts, dates or
//! references).

use super::numbers::{digit_count, digits_of, Run};

/// The words just before `at` (lower case, up to 40 bytes, same line; the line before when
/// nothing but blanks stands before the number on its line, as under a label "Phone:").
fn words_before(text: &str, at: usize) -> String {
    let mut from = at.saturating_sub(40);
    while from > 0 && !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = text.get(from..at).unwrap_or("");
    let mut lines = before.rsplit('\n');
    let line = lines.next().unwrap_or("");
    if line.trim().is_empty() {
        if let Some(previous) = lines.next() {
            return previous.to_lowercase();
        }
    }
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
    "desk",
    "office",
    "home",
    "work",
    "landline",
    "answering",
    "messages",
    "message",
    "texts",
    "dial",
    "mob",
    "ph",
    "telefonnummer",
    "handynummer",
    "rufnummer",
    "mobilnummer",
    "festnetz",
    "mobil",
    "durchwahl",
    "anrufen",
    "erreichbar",
    "rückruf",
    "callback",
];
/// Words that make a number after them a phone number unless a reference word is there too.
const WEAK_PHONE_WORDS: &[&str] = &["number", "nummer", "no", "at", "on", "unter"];
/// Words right after a number that make it a phone number ("416 60 039 office").
const PHONE_WORDS_AFTER: &[&str] = &[
    "office", "fax", "mobile", "home", "work", "cell", "phone", "tel", "desk", "landline", "mobil", "handy",
    "festnetz", "büro", "privat",
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
    "license",
    "licence",
    "ssn",
    "security",
    "passport",
    "tax",
    "vat",
    "steuernummer",
    "ausweis",
    "ausweisnummer",
    "versicherungsnummer",
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

/// Whether the groups look like a thousands-grouped amount: 1-3 digits, then groups of three.
fn thousands_shaped(lens: &[usize]) -> bool {
    matches!(lens.split_first(), Some((first, rest)) if (1..=3).contains(first) && rest.iter().all(|&l| l == 3))
}

/// The word right after the run (lower case), skipping one space or dash.
fn word_after(text: &str, at: usize) -> String {
    let after = text.get(at..).unwrap_or("");
    let after = after.strip_prefix([' ', '-', '(']).unwrap_or(after);
    after
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase()
}

/// The end of an extension right after a phone number ("x4587", " ext. 12", " Durchwahl 34"),
/// or `at` when none follows.
pub(super) fn extension_end(text: &str, at: usize) -> usize {
    let after = text.get(at..).unwrap_or("");
    let trimmed = after.strip_prefix(' ').unwrap_or(after);
    let lower = trimmed.get(..trimmed.len().min(12)).map(str::to_lowercase);
    let Some(lower) = lower else {
        return at;
    };
    let marker = ["extension", "durchwahl", "ext.", "ext", "dw.", "dw", "x"]
        .into_iter()
        .find(|m| lower.starts_with(m));
    let Some(marker) = marker else {
        return at;
    };
    let skipped = after.len() - trimmed.len() + marker.len();
    let rest = text.get(at + skipped..).unwrap_or("");
    let rest_trimmed = rest.trim_start_matches([' ', ':', '.']);
    let pad = rest.len() - rest_trimmed.len();
    let digits = rest_trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let end = at + skipped + pad + digits;
    if (1..=6).contains(&digits) && pad <= 2 && super::boundary_after(text, end) {
        end
    } else {
        at
    }
}

/// Whether the run (not a card) is a phone number, and if so where it ends (an extension
/// included) and why: `+` and 8–15 digits; `00` and 10–15 digits; North American shapes; a trunk
/// `0` and 9–11 digits; an area code in parentheses; four or more pairs joined by dashes or dots;
/// three or more space-separated groups of 8–12 digits that are not grouped like an amount; or
/// 7–15 digits next to a phone word. Never after a reference word (without a phone word), next to
/// money or units, or shaped like a date.
pub(super) fn is_phone(text: &str, run: &Run) -> Option<(usize, &'static str)> {
    if preceded_by_money_or_ref(text, run.start) || followed_by_money_or_unit(text, run.end) {
        return None;
    }
    let digits = digit_count(&run.groups);
    if date_shaped(run) {
        return None;
    }
    let end = extension_end(text, run.end);
    // A time after a date ("2024-03-15 10:30") or a US social security number (3-2-4 digits).
    let time_follows = text.get(run.end..).is_some_and(|r| r.starts_with(':'));
    let lens_of = |g: &[(usize, usize)]| g.iter().map(|(a, b)| b - a).collect::<Vec<usize>>();
    let lens = lens_of(&run.groups);
    let ip = lens.len() == 4 && lens.iter().all(|&l| l <= 3) && run.between.iter().all(|&s| s == 4);
    if time_follows || ip || (lens[..] == [3, 2, 4] && run.between.iter().all(|&s| s == 2)) {
        return None;
    }
    let first_digits = digits_of(text.as_bytes(), run.groups.get(..1).unwrap_or_default());
    let (after_reference, after_phone_word) = if run.plus || !(7..=15).contains(&digits) {
        (false, false)
    } else {
        let words = last_words(text, run.start, 3);
        let reference = words.iter().any(|w| REFERENCE_WORDS.contains(&w.as_str()));
        let strong = words.iter().any(|w| PHONE_WORDS.contains(&w.as_str()))
            || PHONE_WORDS_AFTER.contains(&word_after(text, end).as_str());
        let weak = words.iter().any(|w| WEAK_PHONE_WORDS.contains(&w.as_str()));
        (
            reference,
            strong || (weak && !reference && digits >= 8 && run.groups.len() >= 3),
        )
    };
    let nanp = (digits == 10 && lens[..] == [3, 3, 4])
        || (digits == 11 && lens[..] == [1, 3, 3, 4] && first_digits == "1");
    let paren_area = run.seps.contains(&b'(')
        && text.as_bytes().get(run.start) == Some(&b'(')
        && lens.len() >= 2
        && lens.first().is_some_and(|&l| (1..=5).contains(&l));
    let one_sep = |bit: u8| run.between.iter().all(|&s| s == bit);
    let pairs = lens.len() >= 4
        && (one_sep(2) || one_sep(4))
        && lens.iter().all(|&l| (2..=4).contains(&l))
        && !(one_sep(4) && lens.len() == 4 && lens.iter().all(|&l| l <= 3));
    let spaced = lens.len() >= 3
        && one_sep(1)
        && (8..=12).contains(&digits)
        && !thousands_shaped(&lens)
        && !matches!(lens[..], [a, b, 4] if a <= 2 && b <= 2);
    let why = if run.plus {
        (8..=15)
            .contains(&digits)
            .then_some("international number: + and 8-15 digits")
    } else if after_reference && !after_phone_word {
        None
    } else if first_digits.starts_with("00") {
        (10..=15)
            .contains(&digits)
            .then_some("international number: 00 and 10-15 digits")
    } else if nanp {
        Some("North American number: 3-3-4 digits")
    } else if first_digits.starts_with('0') && (9..=11).contains(&digits) {
        Some("national number: trunk 0 and 9-11 digits")
    } else if paren_area && (7..=12).contains(&digits) {
        Some("area code in parentheses and 7-12 digits")
    } else if pairs && (8..=12).contains(&digits) {
        Some("four or more groups of 2-4 digits joined by dashes or dots")
    } else if spaced {
        Some("three or more space-separated groups, 8-12 digits, not grouped like an amount")
    } else {
        (after_phone_word && (7..=15).contains(&digits)).then_some("7-15 digits next to a phone word")
    };
    why.map(|w| (end, w))
}
