//! Masking payment data: card numbers and IBANs are replaced by a mask that keeps at most their
//! last four characters (`[CARD ••••1111]`, `[IBAN ••••3000]`), so the full number is never stored.

use serde::{Deserialize, Serialize};

use super::{Finding, PiiDetector, PiiKind};

/// A text with its payment data masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Masked {
    pub text: String,
    /// What was masked, in order (`text` of each is the mask, never the number).
    pub masked: Vec<PiiKind>,
}

impl Masked {
    pub fn changed(&self) -> bool {
        !self.masked.is_empty()
    }
}

/// The mask of a card number or IBAN: its kind and at most its last four letters or digits.
pub fn mask(kind: PiiKind, number: &str) -> String {
    let mut last: Vec<char> = number
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .rev()
        .take(4)
        .collect();
    last.reverse();
    let last: String = last.into_iter().collect();
    let name = match kind {
        PiiKind::Iban => "IBAN",
        _ => "CARD",
    };
    format!("[{name} ••••{last}]")
}

impl PiiDetector {
    /// `text` with every card number and IBAN masked; other personal data stays.
    pub fn mask_payment(&self, text: &str) -> Masked {
        let payment: Vec<Finding> = self
            .detect(text)
            .into_iter()
            .filter(|f| matches!(f.kind, PiiKind::Card | PiiKind::Iban))
            .collect();
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for f in &payment {
            out.push_str(text.get(at..f.start).unwrap_or(""));
            out.push_str(&mask(f.kind, &f.text));
            at = f.end;
        }
        out.push_str(text.get(at..).unwrap_or(""));
        Masked {
            text: out,
            masked: payment.iter().map(|f| f.kind).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_and_ibans_keep_only_their_last_four() {
        let d = PiiDetector::new().unwrap();
        for (text, expected) in [
            (
                "my card is 4111 1111 1111 1111 thanks",
                "my card is [CARD ••••1111] thanks",
            ),
            ("4111-1111-1111-1111", "[CARD ••••1111]"),
            ("IBAN DE89 3704 0044 0532 0130 00.", "IBAN [IBAN ••••3000]."),
            ("DE89370400440532013000", "[IBAN ••••3000]"),
        ] {
            let masked = d.mask_payment(text);
            assert_eq!(masked.text, expected);
            assert!(masked.changed());
        }
        let kept = d.mask_payment("order A1001, write to ada@example.org, 4111 1111 1111 1112");
        assert_eq!(
            kept.text,
            "order A1001, write to ada@example.org, 4111 1111 1111 1112"
        );
        assert!(
            !kept.changed(),
            "e-mails stay and a Luhn-invalid number is not a card"
        );
    }
}
