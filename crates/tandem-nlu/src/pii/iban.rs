//! IBANs: country code, check digits and the country's registered length, compact or grouped by
//! single spaces or dashes, mod-97 valid.

use regex::Regex;

use super::{
    boundary_after, boundary_before, compile, iban_length, iban_valid, Hit, PiiDetector, PiiError, PiiKind,
};

/// Where an IBAN may start: a country code, check digits and the first character.
pub(super) fn start_pattern() -> Result<Regex, PiiError> {
    compile("iban", r"[A-Za-z]{2}[0-9]{2}[ \-]?[A-Za-z0-9]")
}

impl PiiDetector {
    /// Each IBAN in `text`: the characters after a possible start, one space or dash allowed
    /// between them, up to the country's length, mod-97 valid.
    pub(super) fn ibans(&self, text: &str, out: &mut Vec<Hit>) {
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
            while compact.len() < len {
                let Some(&b) = bytes.get(i) else {
                    break;
                };
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
                out.push((
                    PiiKind::Iban,
                    start,
                    end,
                    "country code, check digits and length, mod-97 valid",
                ));
                from = end;
            }
        }
    }
}
