//! Street lines without an English street type: German prefix forms ("Am Markt 3", "An der
//! Kirche 5"), street-type suffixes of many languages ("Laukaantie 80", "Rákóczi út 66"), any
//! "Name 12" or "12 Name" after an address cue ("lives at", "Adresse:"), a unit before a street
//! ("Flat 2, 10 Downing St"), postcode and city on their own ("10115 Berlin" at the start of a
//! line or after a comma), and the lines that follow a street line (unit, city, region, country,
//! postcode).

use regex::Regex;

use super::{compile, PiiError};

/// Words that show a number is a count, a time or an amount, not a house number.
const UNITS: &[&str] = &[
    "uhr",
    "euro",
    "eur",
    "cent",
    "stück",
    "stk",
    "mal",
    "minuten",
    "min",
    "stunden",
    "tage",
    "tagen",
    "wochen",
    "monate",
    "jahre",
    "jahren",
    "prozent",
    "kg",
    "g",
    "km",
    "m",
    "cm",
    "mm",
    "l",
    "ml",
    "items",
    "item",
    "times",
    "minutes",
    "hours",
    "days",
    "weeks",
    "months",
    "years",
    "pieces",
    "pcs",
    "dollars",
    "pounds",
    "percent",
    "people",
    "persons",
    "personen",
    "kunden",
    "artikel",
    "pakete",
    "bestellungen",
    "am",
    "pm",
    "gb",
    "mb",
    "tb",
    "x",
];

/// Words that show a "Name 12" is a sentence, not a street.
const FUNCTION_WORDS: &[&str] = &[
    "i", "a", "an", "the", "my", "your", "our", "is", "are", "was", "at", "to", "in", "on", "for", "and",
    "or", "of", "with", "from", "by", "it", "me", "we", "you", "he", "she", "they", "live", "lives", "order",
    "ich", "du", "er", "sie", "wir", "ist", "sind", "bin", "und", "oder", "mit", "für", "von", "zu", "im",
    "ab", "bis", "um", "nach", "wohne", "wohnt", "seit", "mein", "meine", "nr", "no",
];

/// Words that never follow "Am"/"Im"/"Zum" as a street name (days, months, times).
const NOT_STREET_NAMES: &[&str] = &[
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "wochenende",
    "januar",
    "februar",
    "märz",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "dezember",
    "anfang",
    "ende",
    "morgen",
    "abend",
    "mittag",
    "tag",
    "telefon",
    "moment",
    "handy",
    "computer",
    "stück",
    "ganzen",
    "besten",
    "liebsten",
    "meisten",
    "wenigsten",
];

/// Countries (English and German names) that may end an address.
const COUNTRIES: &[&str] = &[
    "germany",
    "deutschland",
    "austria",
    "österreich",
    "switzerland",
    "schweiz",
    "france",
    "frankreich",
    "italy",
    "italien",
    "spain",
    "spanien",
    "portugal",
    "netherlands",
    "niederlande",
    "belgium",
    "belgien",
    "luxembourg",
    "denmark",
    "dänemark",
    "sweden",
    "schweden",
    "norway",
    "norwegen",
    "finland",
    "finnland",
    "iceland",
    "island",
    "estonia",
    "latvia",
    "lithuania",
    "poland",
    "polen",
    "czech republic",
    "czechia",
    "tschechien",
    "slovakia",
    "hungary",
    "ungarn",
    "slovenia",
    "croatia",
    "greece",
    "cyprus",
    "malta",
    "ireland",
    "irland",
    "united kingdom",
    "uk",
    "england",
    "scotland",
    "wales",
    "united states",
    "usa",
    "canada",
    "kanada",
    "mexico",
    "brazil",
    "brasilien",
    "argentina",
    "uruguay",
    "chile",
    "australia",
    "australien",
    "new zealand",
    "south africa",
    "japan",
    "china",
    "india",
    "turkey",
    "türkei",
];

/// The compiled patterns of this module.
#[derive(Debug, Clone)]
pub(super) struct StreetPatterns {
    /// Street lines found without a cue; group 1 is the street name.
    plain: Vec<(Regex, &'static str)>,
    /// A street line right after an address cue (anchored at the cue's end).
    after_cue: Regex,
    cue: Regex,
    /// A unit before a street line ("Flat 2, "), anchored at the end.
    unit_before: Regex,
    /// Postcode and city on their own.
    postcode_city: Regex,
    /// One line or comma-separated part after a street line (anchored): 1 separator, 2 unit,
    /// 3 postcode (with or without city), 4 city or region, 5 short region code.
    segment: Regex,
    /// "Name 12" without a street type: a street line only when a unit or postcode follows.
    pinned: Regex,
}

/// A postcode after a street line: `12345`, `12345-678`, `53-320`, `340 12`, `B0J 2H0`, `NW1 6XE`.
const POSTCODE: &str = r"(?:[0-9]{4,6}(?:-[0-9]{3,4})?|[0-9]{2}-[0-9]{3}|[0-9]{3}[ ][0-9]{2}|[A-Z][0-9][A-Z][ ]?[0-9][A-Z][0-9]|[A-Z]{1,2}[0-9][A-Z0-9]?[ ]?[0-9][A-Z]{2})";
/// One capitalised word of a city or region.
const CITY_WORD: &str = r"\p{Lu}[\p{L}'.()-]*";
/// Lower-case words inside a city name ("Torroella de Montgrí", "Frankfurt am Main").
const PARTICLES: &str =
    "(?:de|del|la|le|du|des|da|do|dos|das|di|na|u|am|an|der|im|bei|sur|en|op|aan|van|von|upon|on)";

const SUFFIXES: &str = "straße|strasse|str\\.|weg|gasse|platz|allee|damm|ufer|chaussee|steig|pfad|graben|laan|straat|gracht|plein|kade|dijk|singel|vej|vejen|gade|gatan|vägen|gata|veien|vei|veg|gate|gränd|katu|tie|kuja|polku|väylä|ring|markt";

pub(super) fn patterns() -> Result<StreetPatterns, PiiError> {
    let house = r"[0-9]{1,4}(?:[ ]?[a-zA-Z](?-u:\b))?(?:[-/][0-9]{1,4})?";
    Ok(StreetPatterns {
        plain: vec![
            (
                compile(
                    "street_de_prefix",
                    &format!(
                        r"(?-u:\b)((?:Am|Im|Zum|Zur|Beim|An[ ]der|An[ ]den|Auf[ ]der|Auf[ ]dem|In[ ]der|In[ ]den|Unter[ ]den|Hinter[ ]der|Vor[ ]dem|Alte|Alter|Neue|Neuer)[ ]\p{{Lu}}[\p{{L}}-]+(?:[ ]\p{{Lu}}[\p{{L}}-]+)?)[ ]{house}(?-u:\b)"
                    ),
                )?,
                "German street of the form \"Am Markt 3\" with a house number",
            ),
            (
                compile(
                    "street_suffix",
                    &format!(
                        r"(?-u:\b)(\p{{Lu}}[\p{{L}}-]{{2,}}(?i:{SUFFIXES})|\p{{Lu}}[\p{{L}}-]+[ ](?i:straße|strasse|str\.|weg|gasse|platz|allee|damm|ufer|chaussee|út|utca|tér|körút|ulice|náměstí|třída|vej|gade|gatan|vägen|gata|veien))[ ]?{house}(?-u:\b)"
                    ),
                )?,
                "street name with a street-type ending and a house number",
            ),
            (
                compile(
                    "street_military",
                    r"(?-u:\b)((?i:PSC|CMR|Unit)[ ][0-9]{3,5},?[ ](?i:Box)[ ][0-9]{3,5}|US(?:S|NS|NV|CGC)[ ]\p{Lu}[\p{L}]+)(?:,?[ \t]*\n?[ \t]*(?i:APO|FPO|DPO)[ ](?i:AA|AE|AP)[ ][0-9]{5})?(?-u:\b)",
                )?,
                "US military address (PSC/Unit and Box, APO/FPO/DPO)",
            ),
            (
                compile(
                    "street_prefix",
                    &format!(
                        r"(?-u:\b)((?:Rue|Avenue|Boulevard|Chemin|Allée|Impasse|Quai|Route|ul\.|ulica|al\.|aleja|Plac|Calle|Avenida|Avda\.|Rua|Praça|Via|Viale|Piazza|Corso|Largo)[ ](?:(?i:de|du|des|la|le|del|di|della|da|do|dos)[ ])*\p{{Lu}}[\p{{L}}'.-]*(?:[ ](?:(?i:de|du|des|la|le|del|di|da)[ ])*\p{{Lu}}[\p{{L}}'.-]*){{0,3}}),?[ ]{house}(?-u:\b)"
                    ),
                )?,
                "street type word, street name and house number",
            ),
        ],
        cue: compile(
            "address_cue",
            r"(?i)(?:address(?:[ ]is)?|lives?[ ](?:at|on|in)|living[ ]at|located[ ]at|(?:ship|send|deliver|delivered|mail|post|return|moved)[ ](?:it[ ])?to|adresse(?:[ ]ist|[ ]lautet)?|anschrift|wohne[ ](?:in[ ]der|in|am|an[ ]der)|wohnhaft[ ]in|liefern[ ]an|schicken[ ]an|senden[ ]an|lieferung[ ]an|corner[ ]of|ecke)[ \t]*:?[ \t\n]*",
        )?,
        after_cue: compile(
            "address_after_cue",
            &format!(
                r"^(?:(?:[0-9]{{1,5}}[ ]+)?\p{{Lu}}[\p{{L}}'.-]*(?:[ ]\p{{L}}[\p{{L}}'.-]*){{0,3}}[ ]{house}|[0-9]{{1,5}}[a-zA-Z]?[ ]+\p{{Lu}}[\p{{L}}'.-]*(?:[ ]\p{{Lu}}[\p{{L}}'.-]*){{0,4}})(?-u:\b)"
            ),
        )?,
        unit_before: compile(
            "address_unit_before",
            r"(?i:flat|apt\.?|apartment|unit|suite|wohnung|whg\.)[ ](?:#?[0-9]{1,5}[a-zA-Z]?,?[ ])?$",
        )?,
        postcode_city: compile(
            "postcode_city",
            r"(?m)(?:^|,[ ]?|\b(?:in|nach|aus)[ ])[ \t]*((?:D-|A-|CH-)?[0-9]{5}[ ]\p{Lu}\p{Ll}+(?:[ -](?:an[ ]der[ ]|am[ ]|im[ ]|bei[ ])?\p{Lu}\p{Ll}+)?)(?-u:\b)",
        )?,
        segment: compile(
            "address_segment",
            &format!(
                r"^(,[ \t]*\n?(?:[ \t]*>)*|[ \t]*\n(?:[ \t]*>)*[ \t]*,?[ \t]*|[ \t]+)(?:((?i:apt|apartment|suite|ste|unit|flat|wohnung|whg|box|etage|stock|floor|room|zimmer)\.?[ ]?#?[0-9]{{1,6}}[a-zA-Z]?)|({POSTCODE}(?:[ ]{CITY_WORD}){{0,2}}|(?:\p{{Lu}}[\p{{L}}'.()-]*(?:[ ]\p{{L}}[\p{{L}}'.()-]*){{0,3}}|\p{{Ll}}{{2,3}})[ ]{POSTCODE})|({CITY_WORD}(?:[ ](?:{PARTICLES}[ ])?{CITY_WORD}){{0,3}})|(\p{{L}}{{2,3}}))(?-u:\b)"
            ),
        )?,
        pinned: compile(
            "street_pinned",
            &format!(
                r"(?-u:\b)(\p{{Lu}}[\p{{L}}'-]*(?:[ ](?:\p{{L}}[\p{{L}}'-]*|u\.)){{0,3}})[ ]{house}(?-u:\b)"
            ),
        )?,
    })
}

fn unit_follows(text: &str, at: usize) -> bool {
    let after = text.get(at..).unwrap_or("");
    let after = after.trim_start_matches([' ', '\u{a0}']);
    if after.starts_with(['€', '$', '%', '£', ':']) {
        return true;
    }
    let word: String = after
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    UNITS.contains(&word.as_str())
}

impl StreetPatterns {
    /// Street lines as (start, end of street line, why).
    pub(super) fn street_lines(&self, text: &str, out: &mut Vec<(usize, usize, &'static str)>) {
        for (re, why) in &self.plain {
            for caps in re.captures_iter(text) {
                let (Some(all), Some(name)) = (caps.get(0), caps.get(1)) else {
                    continue;
                };
                let second = name.as_str().split(' ').nth(1).unwrap_or("").to_lowercase();
                let last = name.as_str().rsplit(' ').next().unwrap_or("").to_lowercase();
                if NOT_STREET_NAMES.contains(&second.as_str())
                    || NOT_STREET_NAMES.contains(&last.as_str())
                    || unit_follows(text, all.end())
                {
                    continue;
                }
                out.push((self.unit_start(text, all.start()), all.end(), why));
            }
        }
        for cue in self.cue.find_iter(text) {
            let Some(rest) = text.get(cue.end()..) else {
                continue;
            };
            if let Some(m) = self.after_cue.find(rest) {
                let end = cue.end() + m.end();
                // "Flat 2, 10 Downing St": the unit belongs to the street line found elsewhere.
                let first = m.as_str().split(' ').next().unwrap_or("").to_lowercase();
                let unit = ["flat", "apt", "apt.", "apartment", "unit", "suite", "wohnung"]
                    .contains(&first.as_str());
                if !unit && !unit_follows(text, end) {
                    out.push((
                        cue.end(),
                        end,
                        "house number and street name after an address cue",
                    ));
                }
            }
        }
    }

    /// The start of a unit ("Flat 2, ") or a building number ("4844 ") right before a street
    /// line at `at`, or `at`.
    pub(super) fn unit_start(&self, text: &str, at: usize) -> usize {
        let before = text.get(..at).unwrap_or("");
        let trimmed = before.strip_suffix(' ').unwrap_or(before);
        let digits = trimmed.bytes().rev().take_while(u8::is_ascii_digit).count();
        let at = if trimmed.len() < before.len()
            && (1..=5).contains(&digits)
            && super::boundary_before(text, trimmed.len() - digits)
        {
            trimmed.len() - digits
        } else {
            at
        };
        let from = text.get(..at).map_or(0, |b| b.len().saturating_sub(20));
        let mut from = from;
        while from > 0 && !text.is_char_boundary(from) {
            from -= 1;
        }
        text.get(from..at)
            .and_then(|b| self.unit_before.find(b))
            .map_or(at, |m| from + m.start())
    }

    /// Postcode and city on their own (`10115 Berlin` at a line start, after a comma or "in").
    pub(super) fn postcode_cities(&self, text: &str, out: &mut Vec<(usize, usize, &'static str)>) {
        for caps in self.postcode_city.captures_iter(text) {
            if let Some(m) = caps.get(1) {
                let city = m.as_str().rsplit(' ').next().unwrap_or("").to_lowercase();
                let street_follows = text
                    .get(m.end()..)
                    .and_then(|r| r.strip_prefix(' '))
                    .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()));
                if !UNITS.contains(&city.as_str()) && !unit_follows(text, m.start() + 6) && !street_follows {
                    out.push((m.start(), m.end(), "five-digit postcode and city"));
                }
            }
        }
    }

    /// The end of the address that starts with a street line ending at `end`: the unit, city,
    /// region, country and postcode parts that follow (up to seven), kept up to the last part
    /// that is a unit, a country or holds a postcode. Also says whether a unit or a postcode was
    /// among them (what pins a street line without a street type).
    pub(super) fn extend(&self, text: &str, end: usize) -> (usize, bool) {
        let mut at = end;
        let mut kept = end;
        let mut pinned = false;
        // "Király u. 15." - a dot after the house number when more parts follow.
        if text.get(at..).is_some_and(|r| r.starts_with('.'))
            && text
                .get(..at)
                .is_some_and(|b| b.ends_with(|c: char| c.is_ascii_digit()))
        {
            at += 1;
        }
        for _ in 0..7 {
            let Some(m) = text.get(at..).and_then(|rest| self.segment.captures(rest)) else {
                break;
            };
            let Some(all) = m.get(0) else { break };
            let separator = m.get(1).map_or("", |s| s.as_str());
            // A bare lower-case region code only after a comma or a line break ("Boston, ma").
            if m.get(5)
                .is_some_and(|r| !r.as_str().chars().all(char::is_uppercase))
                && !separator.contains([',', '\n'])
            {
                break;
            }
            at += all.end();
            let country = m.get(4).is_some_and(|c| {
                let lower = c.as_str().to_lowercase();
                COUNTRIES
                    .iter()
                    .any(|k| lower == *k || lower.ends_with(&format!(" {k}")))
            });
            let unit_or_code = m.get(2).is_some() || m.get(3).is_some();
            if unit_or_code || country {
                kept = at;
            }
            pinned |= unit_or_code;
        }
        (kept, pinned)
    }

    /// "Name 12" street lines without a street type, taken only when a unit or a postcode follows
    /// ("Allika 46\n Suite 501", "Aasa 43\nHumilimont, 78618"), as (start, end of street line).
    pub(super) fn pinned_lines(&self, text: &str, out: &mut Vec<(usize, usize, &'static str)>) {
        for caps in self.pinned.captures_iter(text) {
            let (Some(all), Some(name)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let words: Vec<String> = name.as_str().split(' ').map(str::to_lowercase).collect();
            // The street name may not start with an everyday word nor hold a function word
            // ("I live at 5", "Windows 10").
            let everyday = words.first().is_some_and(|w| super::names::is_common(w))
                || words
                    .iter()
                    .any(|w| FUNCTION_WORDS.contains(&w.as_str()) || UNITS.contains(&w.as_str()));
            let unit_word = words.iter().any(|w| {
                ["apt", "apartment", "suite", "unit", "flat", "box", "room", "po"].contains(&w.as_str())
            });
            if everyday || unit_word || unit_follows(text, all.end()) {
                continue;
            }
            if self.extend(text, all.end()).1 {
                out.push((
                    self.unit_start(text, all.start()),
                    all.end(),
                    "street name and house number followed by a unit or a postcode",
                ));
            }
        }
    }
}
