//! Personal data: detection and redaction of e-mail addresses, phone numbers, payment card numbers
//! (Luhn-checked), IBANs (mod-97-checked), postal addresses and personal names.
//!
//! Every [`Finding`] has a [`PiiKind`], byte offsets into the original text (always on char
//! boundaries) and the matched text; [`PiiDetector::explain`] adds the rule that matched (the
//! evidence). [`PiiDetector::redact`] replaces each finding by its type tag (`[EMAIL]`, `[PHONE]`,
//! `[CARD]`, `[IBAN]`, `[ADDRESS]`, `[NAME]`). Everything is rules and compact word lists compiled
//! into the crate: no model, nothing loaded at run time, microseconds per short message.
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
//! - phone: `+` and 8–15 digits (`+49 (0)30 123456`); `00` and 10–15 digits; North American
//!   `(555) 123-4567` / `555-123-4567`; a national number with a trunk `0` and 9–11 digits
//!   (`06 12 34 56 78`, `020 7946 0958`, `030 1234567`, `0171/1234567`); an area code in
//!   parentheses (`(37) 788-063`); four or more groups joined by dashes or dots (`60-56-85-91`);
//!   three or more space-separated groups of 8–12 digits not grouped like an amount
//!   (`416 60 039`); or 7–15 digits next to a phone word before ("phone", "call", "mobile", "tel",
//!   "Telefon", "Handy", also on the line before: `Phone:\n...`) or after (`... office`, `... fax`).
//!   An extension (`x89`, `ext. 12`, `Durchwahl 34`) belongs to the number. Not: a bare 10-digit
//!   number without separators or keyword, numbers after "order", "invoice", "ticket", "tracking",
//!   "reference", "account", "license", "SSN" or `#`, US social security numbers (3-2-4), dates,
//!   dates with a time, IP addresses, amounts.
//! - address: house number + street name + street type (`221B Baker Street`, `12 rue de la Paix`,
//!   `Via Roma 10`, `PO Box 123`, `Flat 2, 10 Downing St`); street-type endings of many languages
//!   (`Hauptstraße 5`, `Kalverstraat 92`, `Laukaantie 80`, `Rákóczi út 66`); German prefix forms
//!   (`Am Markt 3`, `An der Kirche 5`); US military addresses (`PSC 1234, Box 5678 APO AE 12345`);
//!   any "Name 12" or "12 Name" after an address cue ("lives at", "ship to", "Adresse:"); a German
//!   five-digit postcode and city at a line start or after a comma (`10115 Berlin`). The unit,
//!   city, region, country and postcode lines that follow a street line belong to it
//!   (`, London NW1 6XE`, `, Springfield, IL 62704`, `\n Suite 3\n Pärnu\n Estonia`); a postcode
//!   after "postcode", "postal code" or "zip"; a US state and ZIP after a comma. Not: cities alone,
//!   postcodes without such context (`M2 8GB` is also a laptop), numbers followed by a unit
//!   ("Am Montag 5 Pakete", "10000 Euro").
//! - name (`names.rs`): runs of capitalised words judged by a gazetteer of given names and
//!   surnames (US Census, Berlin first names, German additions) and by cues (titles, "my name is",
//!   "Name:", "ich heiße", greetings, sign-offs). Not: capitalised everyday words that are also
//!   names ("Will", "May", "Mark", "Grant", "Koch"), runs followed by a company or street word
//!   ("Smith Ltd", "Grant Street"), a single word right after an address (its city).

mod address;
mod card;
mod checksum;
mod email;
mod iban;
mod name_lists;
mod names;
mod numbers;
mod payment;
mod phone;
mod street;

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
    Name,
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
            PiiKind::Name => "[NAME]",
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
            PiiKind::Name => "name",
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
            PiiKind::Name => 5,
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

/// A finding with the rule that matched it (for review and tuning: "why is this a name?").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explained {
    #[serde(flatten)]
    pub finding: Finding,
    /// The rule that matched, e.g. `"title Mr/Mrs/Dr/Herr/Frau before capitalised words"`.
    pub evidence: String,
}

/// A candidate finding inside the detectors: kind, byte span, the rule that matched.
type Hit = (PiiKind, usize, usize, &'static str);

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
    /// Street lines without an English street type, and what follows a street line.
    street: street::StreetPatterns,
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
            street: street::patterns()?,
        })
    }

    /// All personal data in `text`, sorted by position, never overlapping.
    pub fn detect(&self, text: &str) -> Vec<Finding> {
        self.explain(text).into_iter().map(|e| e.finding).collect()
    }

    /// Like [`PiiDetector::detect`], with the rule that matched each finding.
    pub fn explain(&self, text: &str) -> Vec<Explained> {
        let mut found: Vec<Hit> = Vec::new();
        email::emails(text, &mut found);
        self.ibans(text, &mut found);
        numbers::numbers(text, &mut found);
        self.addresses(text, &mut found);
        names::names(text, &mut found);
        // Keep the strongest kind where findings overlap, then order by position. Kept spans are
        // disjoint, so the neighbours in a map by start are the only possible overlaps.
        found.sort_by_key(|&(kind, start, end, _)| (kind.rank(), start, std::cmp::Reverse(end)));
        let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
        let mut kept: Vec<Hit> = Vec::with_capacity(found.len());
        for f in found {
            let (_, start, end, _) = f;
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
        kept.sort_by_key(|&(_, start, _, _)| start);
        // A single capitalised word right after an address is its city ("..., Springfield").
        let mut previous: Option<(PiiKind, usize)> = None;
        kept.retain(|&(kind, start, end, _)| {
            let after_address = previous.is_some_and(|(k, e)| {
                k == PiiKind::Address
                    && text.get(e..start).is_some_and(|gap| {
                        gap.len() <= 3 && gap.chars().all(|c| matches!(c, ',' | ' ' | '\n'))
                    })
            });
            let one_word = text.get(start..end).is_some_and(|t| !t.contains(' '));
            previous = Some((kind, end));
            !(kind == PiiKind::Name && after_address && one_word)
        });
        kept.into_iter()
            .filter_map(|(kind, start, end, why)| {
                text.get(start..end).map(|t| Explained {
                    finding: Finding {
                        kind,
                        start,
                        end,
                        text: t.to_string(),
                    },
                    evidence: why.to_string(),
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
