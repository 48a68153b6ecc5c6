//! Check digits: Luhn (payment cards) and ISO 7064 mod 97-10 (IBAN).

/// Luhn check over ASCII digits (any other byte makes it fail).
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() {
        return false;
    }
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    matches!(sum % 10, 0)
}

/// IBAN check: moves the first four characters to the end, maps letters to 10..35 and checks that
/// the number is 1 modulo 97. Takes the compact form (no spaces), letters in either case.
pub fn iban_valid(compact: &str) -> bool {
    let bytes = compact.as_bytes();
    if bytes.len() < 5 || !bytes.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let Some((head, tail)) = bytes.split_at_checked(4) else {
        return false;
    };
    let mut rem = 0u32;
    for &b in tail.iter().chain(head) {
        let b = b.to_ascii_uppercase();
        if b.is_ascii_digit() {
            rem = (rem * 10 + u32::from(b - b'0')) % 97;
        } else {
            let v = u32::from(b - b'A') + 10;
            rem = (rem * 100 + v) % 97;
        }
    }
    rem == 1
}

/// The length of an IBAN in the given country (ISO 3166 alpha-2, upper case), from the SWIFT IBAN
/// registry; `None` for countries that do not use IBANs.
pub fn iban_length(country: &str) -> Option<usize> {
    let len = match country {
        "NO" => 15,
        "BE" => 16,
        "DK" | "FI" | "FO" | "GL" | "NL" => 18,
        "MK" | "SI" => 19,
        "AT" | "BA" | "EE" | "KZ" | "LT" | "LU" | "XK" => 20,
        "CH" | "HR" | "LI" | "LV" => 21,
        "BG" | "BH" | "CR" | "DE" | "GB" | "GE" | "IE" | "ME" | "RS" | "VA" => 22,
        "AE" | "GI" | "IL" | "IQ" | "TL" => 23,
        "AD" | "CZ" | "ES" | "MD" | "PK" | "RO" | "SA" | "SE" | "SK" | "TN" | "VG" => 24,
        "LY" | "PT" | "ST" => 25,
        "IS" | "TR" => 26,
        "FR" | "GR" | "IT" | "MC" | "MR" | "SM" => 27,
        "AL" | "AZ" | "BY" | "CY" | "DO" | "GT" | "HU" | "LB" | "PL" | "SV" => 28,
        "BR" | "EG" | "PS" | "QA" | "UA" => 29,
        "JO" | "KW" | "MU" => 30,
        "MT" | "SC" => 31,
        "LC" => 32,
        _ => return None,
    };
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_known_test_numbers_and_rejects_a_changed_digit() {
        assert!(luhn_valid("4111111111111111"));
        assert!(luhn_valid("5555555555554444"));
        assert!(luhn_valid("378282246310005"));
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("4111111111111112"));
        assert!(!luhn_valid("79927398710"));
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("4111-1111"));
    }

    #[test]
    fn iban_mod97_accepts_valid_and_rejects_changed_ones() {
        assert!(iban_valid("DE89370400440532013000"));
        assert!(iban_valid("GB82WEST12345698765432"));
        assert!(iban_valid("gb82west12345698765432"));
        assert!(iban_valid("FR1420041010050500013M02606"));
        assert!(iban_valid("NL91ABNA0417164300"));
        assert!(!iban_valid("DE89370400440532013001"));
        assert!(!iban_valid("GB82WEST12345698765433"));
        assert!(!iban_valid("DE89"));
        assert!(!iban_valid("DE89 3704 0044 0532 0130 00"));
        assert_eq!(iban_length("DE"), Some(22));
        assert_eq!(iban_length("US"), None);
    }
}
