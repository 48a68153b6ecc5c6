//! Personal data: detection and redaction of e-mail addresses, phone numbers, payment card numbers
//! (Luhn-checked), IBANs (mod-97-checked) and street addresses.
//!
//! Every [`Finding`] has a [`PiiKind`], byte offsets into the original text (always on char
//! boundaries) and the matched text. [`PiiDetector::redact`] replaces each finding by its type tag
//! (`[EMAIL]`, `[PHONE]`, `[CARD]`, `[IBAN]`, `[ADDRESS]`).
//!
//! The detectors prefer precision on the things customers write every day: order numbers
//! (`A1001`, `#100234`), amounts (`49.99`, `€120`, `$1,200.00`), dates (`2024-03-15`, `15.03.2024`),
//! times and short numbers are never personal data. What is caught and what is deliberately not:
//!
//! - e-mail: `local@domain.tld`, Unicode letters allowed.
//! - card: 13–19 digits, optionally grouped by spaces or dashes in groups of three or more, Luhn
//!   valid and starting with 2–6 (the issuer ranges of Visa, Mastercard, Amex, Discover, JCB, Diners,
//!   UnionPay, Maestro). Numbers failing Luhn are not cards.
//! - IBAN: country code, check digits and the country's registered length, compact or grouped by
//!   single spaces or dashes, mod-97 valid.
//! - phone: `+` and 8–15 digits; `00` and 10–15 digits; North American `(555) 123-4567` /
//!   `555-123-4567`; a national number with a trunk `0` and 9–11 digits (`06 12 34 56 78`,
//!   `020 7946 0958`); or 7–15 digits right after a word such as "phone", "call", "mobile", "tel".
//!   Not: a bare 10-digit number without separators or keyword, numbers after "order", "invoice",
//!   "ticket", "tracking", "reference", "account" or `#`, dates, amounts.
//! - address: house number + street name + street type (`221B Baker Street`, `12 rue de la Paix`,
//!   `Hauptstraße 5`, `Via Roma 10`, `PO Box 123`), with the city and postcode that follow it
//!   (`, London NW1 6XE`, `, Springfield, IL 62704`, `, 10115 Berlin`); a postcode after the word
//!   "postcode", "postal code" or "zip" (`my postcode is NW1 6XE`); a US state and ZIP code after a
//!   comma (`Springfield, IL 62704`). Not: cities alone, postcodes without such context (`M2 8GB`
//!   is also a laptop), addresses without a street type word, lower-case English street names with
//!   an ambiguous type word.

mod checksum;

pub use checksum::{iban_length, iban_valid, luhn_valid};

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// The kind of personal data found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    Email,
    Phone,
    Card,
    Iban,
    Address,
}

impl PiiKind {
    /// The redaction tag, e.g. `[EMAIL]`.
    pub fn tag(self) -> &'static str {
        match self {
            PiiKind::Email => "[EMAIL]",
            PiiKind::Phone => "[PHONE]",
            PiiKind::Card => "[CARD]",
            PiiKind::Iban => "[IBAN]",
            PiiKind::Address => "[ADDRESS]",
        }
    }

    /// Stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            PiiKind::Email => "email",
            PiiKind::Phone => "phone",
            PiiKind::Card => "card",
            PiiKind::Iban => "iban",
            PiiKind::Address => "address",
        }
    }

    /// When two findings overlap, the one of the lower rank wins.
    fn rank(self) -> u8 {
        match self {
            PiiKind::Email => 0,
            PiiKind::Iban => 1,
            PiiKind::Card => 2,
            PiiKind::Phone => 3,
            PiiKind::Address => 4,
        }
    }
}

impl std::fmt::Display for PiiKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One piece of personal data in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: PiiKind,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// `original[start..end]`.
    pub text: String,
}

/// A redacted text and what was replaced (offsets into the original).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redaction {
    pub text: String,
    pub findings: Vec<Finding>,
}

/// The detector could not be built (a built-in pattern failed to compile).
#[derive(Debug, Clone, thiserror::Error)]
#[error("personal data pattern {name} does not compile: {message}")]
pub struct PiiError {
    pub name: &'static str,
    pub message: String,
}

/// Compiled patterns. Build once and share (`Send + Sync`).
#[derive(Debug, Clone)]
pub struct PiiDetector {
    iban_start: Regex,
    /// English-style addresses: number, capitalised name words, street type.
    address_en: Regex,
    /// English-style addresses typed in lower case, with an unambiguous street type.
    address_en_lower: Regex,
    /// Other address shapes (French, German/Dutch/Nordic, Spanish/Italian/Portuguese, PO boxes).
    address_other: Vec<Regex>,
    /// What may follow a street line and belongs to it: city and postcode (anchored).
    address_tail: Regex,
    /// Postcodes in a context that makes them one (group 1 is the postcode).
    postcode: Vec<Regex>,
}

fn compile(name: &'static str, pattern: &str) -> Result<Regex, PiiError> {
    Regex::new(pattern).map_err(|e| PiiError {
        name,
        message: e.to_string(),
    })
}

/// A UK postcode: outward code, optional space, inward code (whose letters skip C, I, K, M, O, V).
const UK_POSTCODE: &str = r"[A-Z]{1,2}[0-9][A-Z0-9]?[ ]?[0-9][ABD-HJLNP-UW-Z]{2}";
/// A US state abbreviation and ZIP (or ZIP+4) code.
const US_STATE_ZIP: &str = r"(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)[ \t]+[0-9]{5}(?:-[0-9]{4})?";
/// A continental postcode before its city: `10115 Berlin`, `75002 Paris`, `1012 AB Amsterdam`.
const POSTCODE_CITY: &str = r"[0-9]{4,5}(?:[ ]?[A-Z]{2})?[ \t]+\p{Lu}[\p{L}'-]+";
/// A city name of one to three words.
const CITY: &str = r"\p{L}[\p{L}'.-]*(?:[ \t]+\p{L}[\p{L}'.-]*){0,2}";

const EN_STREET_TYPES: &str = "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|way|terrace|close|crescent|parkway|pkwy|square|sq|highway|hwy|circle|cir|trail|alley|walk|gardens|grove|mews|row";

/// Lower-case words that never belong to a street name (they show a number in a sentence:
/// "5 min drive", "2 pizzas on the way").
const NOT_STREET_WORDS: &[&str] = &[
    "a", "an", "the", "my", "your", "his", "her", "our", "their", "its", "of", "for", "on", "in", "at", "to",
    "and", "or", "with", "from", "by", "per", "is", "are", "was", "be", "it", "this", "that", "i", "you",
    "we", "they", "min", "mins", "minute", "minutes", "hour", "hours", "hr", "hrs", "day", "days", "week",
    "weeks", "month", "months", "year", "years", "mile", "miles", "km", "kms", "times", "items", "item",
    "more", "less", "other", "long", "short", "hard", "easy", "quick", "all", "way", "ways", "one", "two",
];

static DETECTOR: LazyLock<Result<PiiDetector, PiiError>> = LazyLock::new(PiiDetector::new);

/// The shared built-in detector.
pub fn detector() -> Result<&'static PiiDetector, PiiError> {
    DETECTOR.as_ref().map_err(Clone::clone)
}

/// Personal data in `text`, found by the shared detector.
pub fn detect(text: &str) -> Result<Vec<Finding>, PiiError> {
    Ok(detector()?.detect(text))
}

/// `text` with personal data replaced by type tags, by the shared detector.
pub fn redact(text: &str) -> Result<Redaction, PiiError> {
    Ok(detector()?.redact(text))
}

impl PiiDetector {
    /// Compiles the built-in patterns.
    pub fn new() -> Result<PiiDetector, PiiError> {
        let address_other = vec![
            // 12 rue de la Paix, 3 bis avenue Victor Hugo
            compile(
                "address_fr",
                r"(?-u:\b)\d{1,4}(?:\s?(?i:bis|ter))?,?\s+(?i:rue|avenue|av\.|boulevard|bd|chemin|place|allée|allee|impasse|quai|route|cours)\s+(?:(?i:de|du|des|la|le|l'|d')\s*)*\p{Lu}[\p{L}'-]*(?:\s+(?:(?i:de|du|des|la|le)\s+)?\p{Lu}[\p{L}'-]*){0,3}",
            )?,
            // Hauptstraße 5, Berliner Straße 12a, Kalverstraat 92, Strandvejen 7
            compile(
                "address_de_nl",
                r"\p{Lu}[\p{L}-]*?(?:\s)?(?i:straße|strasse|str\.|weg|gasse|platz|allee|damm|laan|straat|gracht|plein|vej|vejen|gade|gatan|vägen|gata|veien)\s+\d{1,4}\s?[a-zA-Z]?(?-u:\b)",
            )?,
            // Via Roma 10, Calle Mayor 5, Rua Augusta 24
            compile(
                "address_es_it_pt",
                r"(?:Calle|C/|Avenida|Avda\.|Plaza|Paseo|Carrer|Via|Viale|Piazza|Corso|Largo|Rua|Travessa)\s+(?:(?i:de|del|la|las|los|di|della|dei|delle|do|da|dos|das)\s+)*\p{Lu}[\p{L}'-]*(?:\s+\p{Lu}[\p{L}'-]*){0,3},?\s+(?:n\.?\s?º?\s?)?\d{1,4}[a-zA-Z]?(?-u:\b)",
            )?,
            compile(
                "address_po_box",
                r"(?i)(?-u:\b)P\.?\s?O\.?\s+Box\s+\d{1,6}(?-u:\b)",
            )?,
        ];
        Ok(PiiDetector {
            iban_start: compile("iban", r"[A-Za-z]{2}[0-9]{2}[ \-]?[A-Za-z0-9]")?,
            address_en: compile(
                "address_en",
                &format!(
                    r"(?-u:\b)\d{{1,5}}[A-Za-z]?(?:-\d{{1,5}})?,?[ \t]+((?:[\p{{Lu}}\d][\p{{L}}\d'.-]*[ \t]+){{1,4}}?)(?i:{EN_STREET_TYPES})(?-u:\b)\.?(?:,?[ \t]+(?i:apt|apartment|unit|suite|ste|flat)\.?[ \t]*#?[A-Za-z0-9-]{{1,6}})?"
                ),
            )?,
            address_en_lower: compile(
                "address_en_lower",
                r"(?-u:\b)\d{1,5}[a-z]?,?[ \t]+((?:[a-z][a-z'.-]*[ \t]+){1,3}?)(?:street|avenue|road|boulevard|lane|st|ave|rd|blvd)(?-u:\b)\.?",
            )?,
            address_other,
            address_tail: compile(
                "address_tail",
                &format!(
                    r"^,?[ \t]+(?:(?:{CITY}),?[ \t]+)?(?:(?i:{UK_POSTCODE})|{US_STATE_ZIP})(?-u:\b)|^,?[ \t]+{POSTCODE_CITY}(?-u:\b)"
                ),
            )?,
            postcode: vec![
                compile(
                    "postcode_keyword",
                    &format!(
                        r"(?i:post[ \t]?code|postal[ \t]+code|zip(?:[ \t]?code)?)(?:[ \t]+is)?:?[ \t]+((?i:{UK_POSTCODE})|[0-9]{{5}}(?:-[0-9]{{4}})?|[0-9]{{4}}(?:[ ]?[A-Z]{{2}})?)(?-u:\b)"
                    ),
                )?,
                compile("postcode_us", &format!(r",[ \t]*({US_STATE_ZIP})(?-u:\b)"))?,
            ],
        })
    }

    /// All personal data in `text`, sorted by position, never overlapping.
    pub fn detect(&self, text: &str) -> Vec<Finding> {
        let mut found: Vec<(PiiKind, usize, usize)> = Vec::new();
        self.emails(text, &mut found);
        self.ibans(text, &mut found);
        numbers(text, &mut found);
        self.addresses(text, &mut found);
        // Keep the strongest kind where findings overlap, then order by position. Kept spans are
        // disjoint, so the neighbours in a map by start are the only possible overlaps.
        found.sort_by_key(|&(kind, start, end)| (kind.rank(), start, std::cmp::Reverse(end)));
        let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
        let mut kept: Vec<(PiiKind, usize, usize)> = Vec::with_capacity(found.len());
        for f in found {
            let (_, start, end) = f;
            if start >= end {
                continue;
            }
            let before = taken.range(..=start).next_back().is_some_and(|(_, &e)| e > start);
            let after = taken.range(start..).next().is_some_and(|(&s, _)| s < end);
            if !before && !after {
                taken.insert(start, end);
                kept.push(f);
            }
        }
        kept.sort_by_key(|&(_, start, _)| start);
        kept.into_iter()
            .filter_map(|(kind, start, end)| {
                text.get(start..end).map(|t| Finding {
                    kind,
                    start,
                    end,
                    text: t.to_string(),
                })
            })
            .collect()
    }

    /// `text` with each finding replaced by its tag.
    pub fn redact(&self, text: &str) -> Redaction {
        let findings = self.detect(text);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for f in &findings {
            out.push_str(text.get(at..f.start).unwrap_or(""));
            out.push_str(f.kind.tag());
            at = f.end;
        }
        out.push_str(text.get(at..).unwrap_or(""));
        Redaction { text: out, findings }
    }

    /// `local@domain.tld` around each `@`: the local part of letters, digits and `._%+-` (not
    /// starting with a dot), a domain of at least two dot-separated labels, the last one of two or
    /// more letters.
    fn emails(&self, text: &str, out: &mut Vec<(PiiKind, usize, usize)>) {
        let local_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-');
        let domain_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-');
        for (at, _) in text.match_indices('@') {
            let before = &text[..at];
            let local_len: usize = before
                .chars()
                .rev()
                .take_while(|&c| local_char(c))
                .map(char::len_utf8)
                .sum();
            let mut start = at - local_len;
            while start < at && text.as_bytes()[start] == b'.' {
                start += 1;
            }
            if start == at {
                continue;
            }
            let after = &text[at + 1..];
            let domain_len: usize = after
                .chars()
                .take_while(|&c| domain_char(c))
                .map(char::len_utf8)
                .sum();
            let domain = after[..domain_len].trim_end_matches(['.', '-']);
            let labels: Vec<&str> = domain.split('.').collect();
            let valid = labels.len() >= 2
                && labels.iter().all(|l| !l.is_empty() && !l.starts_with('-'))
                && labels
                    .last()
                    .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
            if valid {
                out.push((PiiKind::Email, start, at + 1 + domain.len()));
            }
        }
    }

    fn ibans(&self, text: &str, out: &mut Vec<(PiiKind, usize, usize)>) {
        let bytes = text.as_bytes();
        let mut from = 0;
        while let Some(m) = self.iban_start.find_at(text, from) {
            let start = m.start();
            from = start + 1;
            while from < text.len() && !text.is_char_boundary(from) {
                from += 1;
            }
            if !boundary_before(text, start) {
                continue;
            }
            let country = text.get(start..start + 2).unwrap_or("").to_ascii_uppercase();
            let Some(len) = iban_length(&country) else {
                continue;
            };
            // Walk the characters, allowing one space or dash between them.
            let mut compact = String::with_capacity(len);
            let mut i = start;
            let mut end = start;
            while compact.len() < len && i < bytes.len() {
                let b = bytes[i];
                if b.is_ascii_alphanumeric() {
                    compact.push(char::from(b));
                    i += 1;
                    end = i;
                } else if (b == b' ' || b == b'-')
                    && i > start
                    && bytes.get(i - 1).is_some_and(u8::is_ascii_alphanumeric)
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
                {
                    i += 1;
                } else {
                    break;
                }
            }
            if compact.len() == len && boundary_after(text, end) && iban_valid(&compact) {
                out.push((PiiKind::Iban, start, end));
                from = end;
            }
        }
    }

    fn addresses(&self, text: &str, out: &mut Vec<(PiiKind, usize, usize)>) {
        for pattern in [&self.address_en, &self.address_en_lower] {
            for caps in pattern.captures_iter(text) {
                let (Some(m), Some(name)) = (caps.get(0), caps.get(1)) else {
                    continue;
                };
                if boundary_before(text, m.start()) && street_name_ok(name.as_str()) {
                    let end = trim_end_dot(text, m.start(), m.end());
                    out.push((PiiKind::Address, m.start(), self.with_tail(text, end)));
                }
            }
        }
        for re in &self.address_other {
            for m in re.find_iter(text) {
                if boundary_before(text, m.start()) {
                    out.push((PiiKind::Address, m.start(), self.with_tail(text, m.end())));
                }
            }
        }
        for re in &self.postcode {
            for caps in re.captures_iter(text) {
                if let (Some(all), Some(code)) = (caps.get(0), caps.get(1)) {
                    // A keyword must start a word ("unzip 12345" is not one); a comma may not.
                    let word = all.as_str().starts_with(char::is_alphanumeric);
                    if !word || boundary_before(text, all.start()) {
                        out.push((PiiKind::Address, code.start(), code.end()));
                    }
                }
            }
        }
    }

    /// The end of a street line at `end`, moved past the city and postcode that follow it.
    fn with_tail(&self, text: &str, end: usize) -> usize {
        text.get(end..)
            .and_then(|rest| self.address_tail.find(rest))
            .map_or(end, |m| end + m.end())
    }
}

/// The address ends before a sentence's final dot ("... Baker St." keeps "St.", "... Street." not).
fn trim_end_dot(text: &str, start: usize, end: usize) -> usize {
    let s = text.get(start..end).unwrap_or("");
    if s.ends_with('.') {
        let before = s.trim_end_matches('.');
        let last_word = before.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
        if last_word.len() > 4 {
            return end - 1;
        }
    }
    end
}

fn street_name_ok(name: &str) -> bool {
    name.split_whitespace().all(|w| {
        let lower = w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        !NOT_STREET_WORDS.contains(&lower.as_str())
    })
}

/// The character before `at` is not a letter or digit.
fn boundary_before(text: &str, at: usize) -> bool {
    text.get(..at)
        .and_then(|s| s.chars().next_back())
        .is_none_or(|c| !c.is_alphanumeric())
}

/// The character at `at` is not a letter or digit.
fn boundary_after(text: &str, at: usize) -> bool {
    text.get(at..)
        .and_then(|s| s.chars().next())
        .is_none_or(|c| !c.is_alphanumeric())
}

/// Number runs: cards and phone numbers.
fn numbers(text: &str, out: &mut Vec<(PiiKind, usize, usize)>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let starts = b.is_ascii_digit()
            || (b == b'+' && bytes.get(i + 1).is_some_and(|&c| c.is_ascii_digit() || c == b'('))
            || (b == b'(' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
        if !starts {
            i += 1;
            continue;
        }
        let run = scan_run(bytes, i);
        let next = run.end.max(i + 1);
        if run.end > i && boundary_before(text, i) && boundary_after(text, run.end) {
            classify(text, &run, out);
        }
        // Skip the rest of a word or number so that "A1001" or "1,200.00" is never re-entered midway.
        i = next;
        let rest = text.get(i..).unwrap_or("");
        i += rest
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .map(char::len_utf8)
            .sum::<usize>();
    }
}

/// A run of digits with phone/card separators.
#[derive(Debug, Default)]
struct Run {
    start: usize,
    end: usize,
    plus: bool,
    /// Byte ranges of the digit groups.
    groups: Vec<(usize, usize)>,
    /// Separator bytes seen (ASCII; any non-breaking space counts as b' ').
    seps: Vec<u8>,
    /// Separators between group k and k+1 (`between[k]`), as a bit set: 1 space, 2 dash, 4 dot,
    /// 8 slash, 16 paren.
    between: Vec<u8>,
}

const MAX_GROUPS: usize = 12;

fn sep_bit(b: u8) -> u8 {
    match b {
        b' ' => 1,
        b'-' => 2,
        b'.' => 4,
        b'/' => 8,
        _ => 16,
    }
}

/// Length of a space-like separator at `i` (ASCII space, NBSP, narrow NBSP, thin space).
fn space_len(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i..) {
        Some([b' ', ..]) => 1,
        Some([0xC2, 0xA0, ..]) => 2,
        Some([0xE2, 0x80, 0xAF, ..]) | Some([0xE2, 0x80, 0x89, ..]) => 3,
        _ => 0,
    }
}

fn scan_run(bytes: &[u8], start: usize) -> Run {
    let mut run = Run {
        start,
        end: start,
        ..Run::default()
    };
    let mut i = start;
    if bytes.get(i) == Some(&b'+') {
        run.plus = true;
        i += 1;
    }
    let mut pending: u8 = 0;
    let mut open_paren = false;
    loop {
        // Separators (and parentheses) before the next group: at most three characters.
        let mut seps = 0;
        loop {
            let s = space_len(bytes, i);
            let b = bytes.get(i).copied();
            if s > 0 {
                pending |= 1;
                i += s;
            } else if matches!(b, Some(b'-' | b'.' | b'/')) {
                pending |= sep_bit(b.unwrap_or(b'-'));
                i += 1;
            } else if b == Some(b'(') && !open_paren {
                open_paren = true;
                pending |= 16;
                i += 1;
            } else if b == Some(b')') && open_paren {
                open_paren = false;
                pending |= 16;
                i += 1;
                run.end = if run.groups.is_empty() { run.end } else { i };
            } else {
                break;
            }
            seps += 1;
            if seps > 3 {
                break;
            }
        }
        let digits_start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == digits_start || seps > 3 || run.groups.len() >= MAX_GROUPS * 2 {
            break;
        }
        if !run.groups.is_empty() {
            if pending == 0 {
                break;
            }
            run.between.push(pending);
        } else if pending & !16 != 0 {
            // Only a parenthesis may come before the first group.
            break;
        }
        for bit in [1u8, 2, 4, 8, 16] {
            if pending & bit != 0 {
                run.seps.push(match bit {
                    1 => b' ',
                    2 => b'-',
                    4 => b'.',
                    8 => b'/',
                    _ => b'(',
                });
            }
        }
        pending = 0;
        run.groups.push((digits_start, i));
        run.end = i;
        if open_paren && bytes.get(i) == Some(&b')') {
            i += 1;
            open_paren = false;
            run.end = i;
            pending |= 16;
        }
    }
    // An unmatched "(" at the start is not part of the number.
    if bytes.get(run.start) == Some(&b'(') && !bytes[run.start..run.end].contains(&b')') {
        run.start += 1;
    }
    run
}

fn digit_count(groups: &[(usize, usize)]) -> usize {
    groups.iter().map(|(a, b)| b - a).sum()
}

fn digits_of(bytes: &[u8], groups: &[(usize, usize)]) -> String {
    groups
        .iter()
        .flat_map(|&(a, b)| bytes[a..b].iter().map(|&c| char::from(c)))
        .collect()
}

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
    if run.groups.len() != 3 || run.plus {
        return false;
    }
    let lens: Vec<usize> = run.groups.iter().map(|(a, b)| b - a).collect();
    let same_sep =
        run.between.len() == 2 && run.between[0] == run.between[1] && run.between[0] & (2 | 4 | 8) != 0;
    let ymd = lens[0] == 4 && lens[1] <= 2 && lens[2] <= 2;
    let dmy = lens[0] <= 2 && lens[1] <= 2 && (lens[2] == 2 || lens[2] == 4);
    same_sep && (ymd || dmy)
}

fn classify(text: &str, run: &Run, out: &mut Vec<(PiiKind, usize, usize)>) {
    let bytes = text.as_bytes();
    if run.groups.is_empty() {
        return;
    }
    // Cards: the longest Luhn-valid window of whole groups, spaces or dashes only between them
    // (a leading "+" or a parenthesis makes it a phone number). A card stays a card next to a
    // currency or a reference word ("4111 1111 1111 1111 kr"): no amount or reference has 13 to
    // 19 digits that pass Luhn, and missing a card costs more than hiding a number.
    let phone_marks = run.plus || run.seps.contains(&b'(');
    if let Some((a, b)) = if phone_marks {
        None
    } else {
        card_window(bytes, run)
    } {
        out.push((PiiKind::Card, run.groups[a].0, run.groups[b].1));
        return;
    }
    if preceded_by_money_or_ref(text, run.start) || followed_by_money_or_unit(text, run.end) {
        return;
    }
    let digits = digit_count(&run.groups);
    if date_shaped(run) {
        return;
    }
    let first_digits = digits_of(bytes, &run.groups[..1]);
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
    let phone = if run.plus {
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
    };
    if phone {
        out.push((PiiKind::Phone, run.start, run.end));
    }
}

fn card_window(bytes: &[u8], run: &Run) -> Option<(usize, usize)> {
    let groups = &run.groups;
    let mut best: Option<(usize, usize, usize)> = None;
    for a in 0..groups.len() {
        let mut count = 0;
        for b in a..groups.len() {
            if b > a && run.between.get(b - 1).is_none_or(|&s| s & !(1 | 2) != 0) {
                break;
            }
            count += groups[b].1 - groups[b].0;
            if count > 19 {
                break;
            }
            if count < 13 {
                continue;
            }
            let window = &groups[a..=b];
            // Grouped numbers use groups of three or more digits ("4111 1111 1111 1111").
            if window.len() > 1 && window.iter().any(|(x, y)| y - x < 3) {
                continue;
            }
            let digits = digits_of(bytes, window);
            let issuer = digits
                .as_bytes()
                .first()
                .is_some_and(|d| (b'2'..=b'6').contains(d));
            if issuer && luhn_valid(&digits) && best.is_none_or(|(_, _, n)| count > n) {
                best = Some((a, b, count));
            }
        }
    }
    best.map(|(a, b, _)| (a, b))
}
