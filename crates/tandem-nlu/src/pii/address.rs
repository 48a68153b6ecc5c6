//! Street addresses and postcodes: the English, French, German/Dutch/Nordic,
//! Spanish/Italian/Portuguese and PO-box street-line patterns, the city and postcode that may
//! follow a street line, and postcodes in a context that makes them one.

use regex::Regex;

use super::{boundary_before, compile, Hit, PiiDetector, PiiError, PiiKind};

/// A UK postcode: outward code, optional space, inward code (whose letters skip C, I, K, M, O, V).
const UK_POSTCODE: &str = r"[A-Z]{1,2}[0-9][A-Z0-9]?[ ]?[0-9][ABD-HJLNP-UW-Z]{2}";
/// A US state abbreviation and ZIP (or ZIP+4) code.
const US_STATE_ZIP: &str = r"(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)[ \t]+[0-9]{5}(?:-[0-9]{4})?";
/// A continental postcode before its city: `10115 Berlin`, `75002 Paris`, `1012 AB Amsterdam`.
const POSTCODE_CITY: &str = r"[0-9]{4,5}(?:[ ]?[A-Z]{2})?[ \t]+\p{Lu}[\p{L}'-]+";
/// A city name of one to three words.
const CITY: &str = r"\p{L}[\p{L}'.-]*(?:[ \t]+\p{L}[\p{L}'.-]*){0,2}";

const EN_STREET_TYPES: &str = "street|st|str|loop|turnpike|pike|plaza|crossing|expressway|freeway|causeway|bypass|heights|ridge|landing|harbor|harbour|quay|wharf|parade|esplanade|promenade|route|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|way|terrace|close|crescent|parkway|pkwy|square|sq|highway|hwy|circle|cir|trail|alley|walk|gardens|grove|mews|row";

/// Lower-case words that never belong to a street name (they show a number in a sentence:
/// "5 min drive", "2 pizzas on the way").
const NOT_STREET_WORDS: &[&str] = &[
    "a", "an", "the", "my", "your", "his", "her", "our", "their", "its", "of", "for", "on", "in", "at", "to",
    "and", "or", "with", "from", "by", "per", "is", "are", "was", "be", "it", "this", "that", "i", "you",
    "we", "they", "min", "mins", "minute", "minutes", "hour", "hours", "hr", "hrs", "day", "days", "week",
    "weeks", "month", "months", "year", "years", "mile", "miles", "km", "kms", "times", "items", "item",
    "more", "less", "other", "long", "short", "hard", "easy", "quick", "all", "way", "ways", "one", "two",
];

/// The compiled address patterns (fields of [`PiiDetector`]).
pub(super) struct AddressPatterns {
    pub en: Regex,
    pub en_lower: Regex,
    pub other: Vec<Regex>,
    pub tail: Regex,
    pub postcode: Vec<Regex>,
}

/// Compiles the built-in address and postcode patterns.
pub(super) fn patterns() -> Result<AddressPatterns, PiiError> {
    let other = vec![
        // 12 rue de la Paix, 3 bis avenue Victor Hugo
        compile(
            "address_fr",
            r"(?-u:\b)\d{1,4}(?:\s?(?i:bis|ter))?,?\s+(?i:rue|avenue|av\.|boulevard|bd|chemin|place|allée|allee|impasse|quai|route|cours)\s+(?:(?i:de|du|des|la|le|l'|d')\s*)*\p{Lu}[\p{L}'-]*(?:\s+(?:(?i:de|du|des|la|le)\s+)?\p{Lu}[\p{L}'-]*){0,3}",
        )?,
        // Hauptstraße 5, Berliner Straße 12a, Kalverstraat 92, Strandvejen 7
        compile(
            "address_de_nl",
            r"\p{Lu}[\p{L}-]*?(?:\s)?(?i:straße|strasse|str\.|weg|gasse|platz|allee|damm|laan|straat|gracht|plein|vej|vejen|gade|gatan|vägen|gata|veien)\s+\d{1,4}(?:\s?[a-zA-Z](?-u:\b))?(?:[-/]\d{1,4}(?-u:\b))?",
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
    Ok(AddressPatterns {
        en: compile(
            "address_en",
            &format!(
                r"(?-u:\b)\d{{1,5}}[A-Za-z]?(?:-\d{{1,5}})?,?[ \t]+((?:[\p{{Lu}}\d][\p{{L}}\d'.-]*[ \t]+){{1,4}})(?i:{EN_STREET_TYPES})(?-u:\b)\.?(?:,?[ \t]+(?i:apt|apartment|unit|suite|ste|flat)\.?[ \t]*#?[A-Za-z0-9-]{{1,6}})?"
            ),
        )?,
        en_lower: compile(
            "address_en_lower",
            r"(?-u:\b)\d{1,5}[a-z]?,?[ \t]+((?:[a-z][a-z'.-]*[ \t]+){1,3}?)(?:street|avenue|road|boulevard|lane|st|ave|rd|blvd)(?-u:\b)\.?",
        )?,
        other,
        tail: compile(
            "address_tail",
            &format!(
                r"^,?[ \t]+(?:(?:{CITY}),?[ \t]+)?(?:(?i:{UK_POSTCODE})|{US_STATE_ZIP})(?-u:\b)|^,?[ \t]+{POSTCODE_CITY}(?-u:\b)"
            ),
        )?,
        postcode: vec![
            compile(
                "postcode_keyword",
                &format!(
                    r"(?i:post[ \t]?code|postal[ \t]+code|zip(?:[ \t]?code)?)(?:[ \t]+is)?:?[ \t]+((?i:{UK_POSTCODE})|[0-9]{{3,6}}(?:-[0-9]{{3,4}})?|[0-9]{{4}}(?:[ ]?[A-Z]{{2}})?)(?-u:\b)"
                ),
            )?,
            compile("postcode_us", &format!(r",[ \t]*({US_STATE_ZIP})(?-u:\b)"))?,
        ],
    })
}

impl PiiDetector {
    pub(super) fn addresses(&self, text: &str, out: &mut Vec<Hit>) {
        let mut lines: Vec<(usize, usize, &'static str)> = Vec::new();
        for pattern in [&self.address_en, &self.address_en_lower] {
            for caps in pattern.captures_iter(text) {
                let (Some(m), Some(name)) = (caps.get(0), caps.get(1)) else {
                    continue;
                };
                if boundary_before(text, m.start()) && street_name_ok(name.as_str()) {
                    let end = trim_end_dot(text, m.start(), m.end());
                    lines.push((m.start(), end, "house number, street name and street type"));
                }
            }
        }
        for re in &self.address_other {
            for m in re.find_iter(text) {
                let why = "street line (French, German, Dutch, Nordic, Southern European or PO box)";
                lines.push((m.start(), m.end(), why));
            }
        }
        self.street.street_lines(text, &mut lines);
        self.street.postcode_cities(text, &mut lines);
        self.street.pinned_lines(text, &mut lines);
        let mut spans: Vec<(usize, usize, &'static str)> = Vec::with_capacity(lines.len());
        for (start, end, why) in lines {
            if !boundary_before(text, start) {
                continue;
            }
            let end = trim_unit_word(text, start, end);
            let start = self.street.unit_start(text, start);
            let end = corner(text, start, self.with_tail(text, end));
            spans.push((start, end, why));
        }
        // Parts of one address found by different patterns become one span.
        spans.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
        let mut merged: Vec<(usize, usize, &'static str)> = Vec::with_capacity(spans.len());
        for (start, end, why) in spans {
            match merged.last_mut() {
                Some(last) if start < last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end, why)),
            }
        }
        out.extend(
            merged
                .into_iter()
                .map(|(s, e, why)| (PiiKind::Address, s, e, why)),
        );
        for re in &self.postcode {
            for caps in re.captures_iter(text) {
                if let (Some(all), Some(code)) = (caps.get(0), caps.get(1)) {
                    // A keyword must start a word ("unzip 12345" is not one); a comma may not.
                    let word = all.as_str().starts_with(char::is_alphanumeric);
                    if !word || boundary_before(text, all.start()) {
                        let why = "postcode after \"postcode\"/\"zip\" or US state after a comma";
                        out.push((PiiKind::Address, code.start(), code.end(), why));
                    }
                }
            }
        }
    }

    /// The end of a street line at `end`, moved past the city and postcode that follow it.
    fn with_tail(&self, text: &str, end: usize) -> usize {
        let end = text
            .get(end..)
            .and_then(|rest| self.address_tail.find(rest))
            .map_or(end, |m| end + m.end());
        self.street.extend(text, end).0
    }
}

/// A street line that ends in a unit word ("31 rue de la Hulotais Apt") ends before it; the unit
/// and its number are taken with what follows.
fn trim_unit_word(text: &str, start: usize, end: usize) -> usize {
    let s = text.get(start..end).unwrap_or("");
    match s.rsplit_once(' ') {
        Some((head, last))
            if ["apt", "apt.", "suite", "unit", "flat", "apartment"]
                .contains(&last.to_lowercase().as_str()) =>
        {
            start + head.len()
        }
        _ => end,
    }
}

/// "corner of 3744 Retreat Avenue and Elm Road": the second street belongs to the address.
fn corner(text: &str, start: usize, end: usize) -> usize {
    let before = text.get(..start).unwrap_or("").to_lowercase();
    if !before.trim_end().ends_with("corner of") {
        return end;
    }
    let Some(rest) = text.get(end..).and_then(|r| r.strip_prefix(" and ")) else {
        return end;
    };
    let rest = rest.split('\n').next().unwrap_or("");
    let mut at = end + " and ".len();
    let mut taken = 0;
    for word in rest.split(' ').take(5) {
        let clean = word.trim_end_matches(['.', ',', '?', '!', ';']);
        let capital = clean.starts_with(char::is_uppercase) || clean.starts_with(char::is_numeric);
        let particle = ["de", "la", "van", "ten", "der", "del"].contains(&clean);
        if clean.is_empty() || !(capital || particle) {
            break;
        }
        at += clean.len();
        taken += 1;
        if clean.len() < word.len() {
            break;
        }
        at += 1;
    }
    if taken == 0 {
        return end;
    }
    // `at` may stand one past a trailing space.
    let body = text.get(end..at).unwrap_or("");
    end + body.trim_end().len()
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
