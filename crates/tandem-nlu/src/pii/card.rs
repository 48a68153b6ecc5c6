//! Payment cards: 13–19 digits in groups of three or more, Luhn valid, issuer ranges 2–6.

use super::luhn_valid;
use super::numbers::{digits_of, Run};

/// The card in a number run: the window of whole groups with the most digits (13 to 19) that is
/// Luhn valid and starts with an issuer digit, as a byte span.
pub(super) fn card_window(bytes: &[u8], run: &Run) -> Option<(usize, usize)> {
    let groups = &run.groups;
    // (start byte, end byte, digits)
    let mut best: Option<(usize, usize, usize)> = None;
    for (a, &(window_start, _)) in groups.iter().enumerate() {
        let mut count = 0;
        for (b, &(group_start, group_end)) in groups.iter().enumerate().skip(a) {
            if b > a && run.between.get(b - 1).is_none_or(|&s| s & !(1 | 2) != 0) {
                break;
            }
            count += group_end - group_start;
            if count > 19 {
                break;
            }
            if count < 13 {
                continue;
            }
            let Some(window) = groups.get(a..=b) else {
                continue;
            };
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
                best = Some((window_start, group_end, count));
            }
        }
    }
    best.map(|(start, end, _)| (start, end))
}
