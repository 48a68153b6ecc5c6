//! Entities for slot values: order numbers, invoice numbers, e-mail addresses, amounts, dates.
//! Each comes with its byte span in the original text and a normalised value.

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// What kind of value an entity is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A letter and 4 to 8 digits, e.g. `A1001` (normalised to upper case).
    OrderNumber,
    /// `INV-` and digits, e.g. `INV-2024-0042`.
    InvoiceNumber,
    Email,
    /// A money amount with its currency when given, e.g. `€120`, `49.99 EUR`, `$1,200.00`.
    Amount,
    /// A calendar date: ISO `2024-03-15`, `15/03/2024`, or `15 March 2024` / `March 15`.
    Date,
}

impl EntityKind {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "order_number" => Self::OrderNumber,
            "invoice_number" => Self::InvoiceNumber,
            "email" => Self::Email,
            "amount" => Self::Amount,
            "date" => Self::Date,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrderNumber => "order_number",
            Self::InvoiceNumber => "invoice_number",
            Self::Email => "email",
            Self::Amount => "amount",
            Self::Date => "date",
        }
    }
}

/// One value found in a text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub kind: EntityKind,
    /// The normalised value (upper-case order number, lower-case e-mail, `49.99 EUR`, `2024-03-15`).
    pub value: String,
    pub start: usize,
    pub end: usize,
}

struct Patterns {
    order: Regex,
    invoice: Regex,
    email: Regex,
    amount: Regex,
    iso_date: Regex,
    dmy_date: Regex,
    named_date: Regex,
}

static PATTERNS: LazyLock<Option<Patterns>> = LazyLock::new(|| {
    Some(Patterns {
        order: Regex::new(r"(?i)\b(?:#\s*)?([a-z]\d{4,8})\b").ok()?,
        invoice: Regex::new(r"(?i)\b(inv-?\d{2,}(?:-\d+)*)\b").ok()?,
        email: Regex::new(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b").ok()?,
        amount: Regex::new(
            r"(?i)(?:([€$£])\s?(\d{1,3}(?:[,.]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?))|(?:\b(\d{1,3}(?:[,.]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)\s?(eur|euros?|usd|dollars?|gbp|pounds?)\b)",
        )
        .ok()?,
        iso_date: Regex::new(r"\b(\d{4})-(\d{2})-(\d{2})\b").ok()?,
        dmy_date: Regex::new(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b").ok()?,
        named_date: Regex::new(
            r"(?i)\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s+(\d{4}))?|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?)\b",
        )
        .ok()?,
    })
});

fn month_number(name: &str) -> u32 {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.to_lowercase();
    MONTHS
        .iter()
        .position(|m| lower.starts_with(m))
        .map_or(0, |i| crate::num::usize_to_u32(i) + 1)
}

fn valid_date(year: u32, month: u32, day: u32) -> bool {
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        _ => 0,
    };
    (1..=days).contains(&day)
}

fn overlaps(found: &[Entity], start: usize, end: usize) -> bool {
    found.iter().any(|e| start < e.end && e.start < end)
}

/// Every entity in the text, in order of position. Never panics; spans are on char boundaries.
pub fn extract(text: &str) -> Vec<Entity> {
    let Some(p) = PATTERNS.as_ref() else {
        return Vec::new();
    };
    let mut found: Vec<Entity> = Vec::new();
    let push = |found: &mut Vec<Entity>, kind, value: String, start, end| {
        if !overlaps(found, start, end) {
            found.push(Entity {
                kind,
                value,
                start,
                end,
            });
        }
    };
    for m in p.email.find_iter(text) {
        push(
            &mut found,
            EntityKind::Email,
            m.as_str().to_lowercase(),
            m.start(),
            m.end(),
        );
    }
    for c in p.invoice.captures_iter(text) {
        if let Some(m) = c.get(1) {
            push(
                &mut found,
                EntityKind::InvoiceNumber,
                m.as_str().to_uppercase(),
                m.start(),
                m.end(),
            );
        }
    }
    for c in p.order.captures_iter(text) {
        if let Some(m) = c.get(1) {
            push(
                &mut found,
                EntityKind::OrderNumber,
                m.as_str().to_uppercase(),
                m.start(),
                m.end(),
            );
        }
    }
    for c in p.iso_date.captures_iter(text) {
        let num = |i| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok()).unwrap_or(0);
        if let Some(m) = c.get(0) {
            if valid_date(num(1), num(2), num(3)) {
                let value = format!("{:04}-{:02}-{:02}", num(1), num(2), num(3));
                push(&mut found, EntityKind::Date, value, m.start(), m.end());
            }
        }
    }
    for c in p.dmy_date.captures_iter(text) {
        let num = |i| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok()).unwrap_or(0);
        if let Some(m) = c.get(0) {
            if valid_date(num(3), num(2), num(1)) {
                let value = format!("{:04}-{:02}-{:02}", num(3), num(2), num(1));
                push(&mut found, EntityKind::Date, value, m.start(), m.end());
            }
        }
    }
    for c in p.named_date.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let (day, month, year) = match (c.get(1), c.get(2)) {
            (Some(d), Some(mo)) => (d.as_str(), mo.as_str(), c.get(3).map(|y| y.as_str())),
            _ => match (c.get(5), c.get(4)) {
                (Some(d), Some(mo)) => (d.as_str(), mo.as_str(), c.get(6).map(|y| y.as_str())),
                _ => continue,
            },
        };
        let day: u32 = day.parse().unwrap_or(0);
        let month = month_number(month);
        let value = match year.and_then(|y| y.parse::<u32>().ok()) {
            Some(year) if valid_date(year, month, day) => format!("{year:04}-{month:02}-{day:02}"),
            None if valid_date(2000, month, day) => format!("--{month:02}-{day:02}"),
            _ => continue,
        };
        push(&mut found, EntityKind::Date, value, m.start(), m.end());
    }
    for c in p.amount.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let (number, currency) = match (c.get(1), c.get(2)) {
            (Some(symbol), Some(n)) => (n.as_str(), symbol.as_str()),
            _ => match (c.get(3), c.get(4)) {
                (Some(n), Some(word)) => (n.as_str(), word.as_str()),
                _ => continue,
            },
        };
        let code = match currency.to_lowercase().as_str() {
            "€" | "eur" | "euro" | "euros" => "EUR",
            "$" | "usd" | "dollar" | "dollars" => "USD",
            _ => "GBP",
        };
        push(
            &mut found,
            EntityKind::Amount,
            format!("{} {code}", normalise_number(number)),
            m.start(),
            m.end(),
        );
    }
    found.sort_by_key(|e| e.start);
    found
}

/// `1,200.50` -> `1200.50`, `1.200,50` -> `1200.50`, `49,99` -> `49.99`.
fn normalise_number(raw: &str) -> String {
    let last_sep = raw.rfind([',', '.']);
    match last_sep {
        Some(i) if raw.len() - i - 1 <= 2 => {
            let (int, frac) = raw.split_at(i);
            let int: String = int.chars().filter(char::is_ascii_digit).collect();
            format!("{int}.{}", &frac[1..])
        }
        _ => raw.chars().filter(char::is_ascii_digit).collect(),
    }
}

/// The first entity of a kind.
pub fn first(entities: &[Entity], kind: EntityKind) -> Option<&Entity> {
    entities.iter().find(|e| e.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(EntityKind, String)> {
        extract(text).into_iter().map(|e| (e.kind, e.value)).collect()
    }

    #[test]
    fn finds_order_and_invoice_numbers_and_emails() {
        assert_eq!(
            values("Where is my order a1001?"),
            vec![(EntityKind::OrderNumber, "A1001".into())]
        );
        assert_eq!(
            values("order #B20931 please"),
            vec![(EntityKind::OrderNumber, "B20931".into())]
        );
        assert_eq!(
            values("invoice INV-2024-0042"),
            vec![(EntityKind::InvoiceNumber, "INV-2024-0042".into())]
        );
        assert_eq!(
            values("mail Maria.Rossi@Example.com"),
            vec![(EntityKind::Email, "maria.rossi@example.com".into())]
        );
        assert!(values("I have 2 items and 3 questions").is_empty());
    }

    #[test]
    fn finds_amounts_and_dates() {
        assert_eq!(
            values("charged €49,99 twice"),
            vec![(EntityKind::Amount, "49.99 EUR".into())]
        );
        assert_eq!(
            values("it cost $1,200.00"),
            vec![(EntityKind::Amount, "1200.00 USD".into())]
        );
        assert_eq!(values("120 euros"), vec![(EntityKind::Amount, "120 EUR".into())]);
        assert_eq!(
            values("on 2024-03-15"),
            vec![(EntityKind::Date, "2024-03-15".into())]
        );
        assert_eq!(
            values("on 15/03/2024"),
            vec![(EntityKind::Date, "2024-03-15".into())]
        );
        assert_eq!(
            values("since March 3rd"),
            vec![(EntityKind::Date, "--03-03".into())]
        );
        assert_eq!(
            values("ordered 3 May 2024"),
            vec![(EntityKind::Date, "2024-05-03".into())]
        );
        assert!(values("on 2024-02-30").is_empty());
    }

    #[test]
    fn spans_point_into_the_text() {
        let text = "Ünïcödé 🎉 order A1001 on 2024-03-15";
        for e in extract(text) {
            assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
        }
        assert_eq!(extract(text)[0].start, text.find("A1001").unwrap());
    }
}
