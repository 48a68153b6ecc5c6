//! PostgreSQL's binary NUMERIC.

/// PostgreSQL's binary NUMERIC: `ndigits, weight, sign, dscale` (16 bits each) then `ndigits`
/// base-10000 digits. `None` for NaN and infinities.
pub(super) fn numeric(bytes: &[u8]) -> Option<f64> {
    let word = |i: usize| -> Option<i32> {
        let b: [u8; 2] = bytes.get(i * 2..i * 2 + 2)?.try_into().ok()?;
        Some(i32::from(i16::from_be_bytes(b)))
    };
    let ndigits = usize::try_from(word(0)?).ok()?;
    let weight = word(1)?;
    let sign = u16::from_be_bytes([*bytes.get(4)?, *bytes.get(5)?]);
    let negative = match sign {
        0x0000 => false,
        0x4000 => true,
        _ => return None,
    };
    let digits: Vec<i32> = (0..ndigits).map(|i| word(4 + i)).collect::<Option<_>>()?;
    if digits.is_empty() {
        return Some(0.0);
    }
    // Write the decimal out and let the float parser round once.
    // At most i16::MAX digits (the count is a 16-bit word).
    let ndigits = i32::try_from(digits.len()).ok()?;
    let max_e = weight.max(0);
    let min_e = (weight - ndigits + 1).min(0);
    let mut int_part = String::new();
    let mut frac_part = String::new();
    for e in (min_e..=max_e).rev() {
        let idx = weight - e;
        // Digits outside `0..ndigits` are zeros.
        let d = usize::try_from(idx)
            .ok()
            .and_then(|idx| digits.get(idx))
            .copied()
            .unwrap_or(0);
        if e >= 0 {
            if int_part.is_empty() {
                if d != 0 {
                    int_part.push_str(&d.to_string());
                }
            } else {
                int_part.push_str(&format!("{d:04}"));
            }
        } else {
            frac_part.push_str(&format!("{d:04}"));
        }
    }
    if int_part.is_empty() {
        int_part.push('0');
    }
    let text = format!(
        "{}{}.{}",
        if negative { "-" } else { "" },
        int_part,
        if frac_part.is_empty() { "0" } else { &frac_part }
    );
    text.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_binary_decodes() {
        fn enc(weight: i16, negative: bool, digits: &[i16]) -> Vec<u8> {
            let mut b = Vec::new();
            b.extend(i16::try_from(digits.len()).unwrap().to_be_bytes());
            b.extend(weight.to_be_bytes());
            b.extend((if negative { 0x4000u16 } else { 0 }).to_be_bytes());
            b.extend(2u16.to_be_bytes());
            for d in digits {
                b.extend(d.to_be_bytes());
            }
            b
        }
        assert_eq!(numeric(&enc(0, false, &[19, 9900])), Some(19.99));
        assert_eq!(numeric(&enc(1, true, &[12, 3456, 5000])), Some(-123456.5));
        assert_eq!(numeric(&enc(-1, false, &[50])), Some(0.005));
        assert_eq!(numeric(&enc(2, false, &[1])), Some(100_000_000.0));
        assert_eq!(numeric(&enc(0, false, &[])), Some(0.0));
        assert_eq!(numeric(&[0, 1]), None);
    }
}
