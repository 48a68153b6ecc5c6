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

mod address;
mod card;
mod checksum;
mod email;
mod iban;
mod numbers;
mod payment;
mod phone;

pub use checksum::{iban_length, iban_valid, luhn_valid};
pub use payment::{mask, Masked};

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

static DETECTOR: LazyLock<Result<PiiDetector, PiiError>> = LazyLock::new(PiiDetector::new);

/// The shared built-in detector.
pub fn detector() -> Result<&'static PiiDetector, PiiError> {
    DETECTOR.as_ref().map_err(Clone::clone)
}

/// Personal data in `text`, found by the shared detector.
pub fn detect(text: &str) -> Result<Vec<Finding>, PiiError> {
    Ok(detector()?.detect(text))
}

/// `text` with card numbers and IBANs masked (last four kept), by the shared detector.
pub fn mask_payment(text: &str) -> Result<Masked, PiiError> {
    Ok(detector()?.mask_payment(text))
}

/// `text` with personal data replaced by type tags, by the shared detector.
pub fn redact(text: &str) -> Result<Redaction, PiiError> {
    Ok(detector()?.redact(text))
}

impl PiiDetector {
    /// Compiles the built-in patterns.
    pub fn new() -> Result<PiiDetector, PiiError> {
        let address = address::patterns()?;
        Ok(PiiDetector {
            iban_start: iban::start_pattern()?,
            address_en: address.en,
            address_en_lower: address.en_lower,
            address_other: address.other,
            address_tail: address.tail,
            postcode: address.postcode,
        })
    }

    /// All personal data in `text`, sorted by position, never overlapping.
    pub fn detect(&self, text: &str) -> Vec<Finding> {
        let mut found: Vec<(PiiKind, usize, usize)> = Vec::new();
        email::emails(text, &mut found);
        self.ibans(text, &mut found);
        numbers::numbers(text, &mut found);
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
