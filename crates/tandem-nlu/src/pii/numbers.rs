//! Number runs (digits with phone and card separators), classified as payment cards or phone
//! numbers.

use super::card::card_window;
use super::phone::{extension_end, is_phone};
use super::{boundary_after, boundary_before, Hit, PiiKind};

/// Number runs: cards and phone numbers.
pub(super) fn numbers(text: &str, out: &mut Vec<Hit>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let starts = b.is_ascii_digit()
            || (b == b'+' && bytes.get(i + 1).is_some_and(|&c| c.is_ascii_digit() || c == b'('))
            || (b == b'(' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
        if !starts {
            i += 1;
            continue;
        }
        let run = scan_run(bytes, i);
        let next = run.end.max(i + 1);
        let ends = boundary_after(text, run.end) || extension_end(text, run.end) > run.end;
        if run.end > i && boundary_before(text, i) && ends {
            classify(text, &run, out);
        }
        // Skip the rest of a word or number so that "A1001" or "1,200.00" is never re-entered midway.
        i = next;
        let rest = text.get(i..).unwrap_or("");
        i += rest
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .map(char::len_utf8)
            .sum::<usize>();
    }
}

/// A run of digits with phone/card separators.
#[derive(Debug, Default)]
pub(super) struct Run {
    pub start: usize,
    pub end: usize,
    pub plus: bool,
    /// Byte ranges of the digit groups.
    pub groups: Vec<(usize, usize)>,
    /// Separator bytes seen (ASCII; any non-breaking space counts as b' ').
    pub seps: Vec<u8>,
    /// Separators between group k and k+1 (`between[k]`), as a bit set: 1 space, 2 dash, 4 dot,
    /// 8 slash, 16 paren.
    pub between: Vec<u8>,
}

const MAX_GROUPS: usize = 12;

fn sep_bit(b: u8) -> u8 {
    match b {
        b' ' => 1,
        b'-' => 2,
        b'.' => 4,
        b'/' => 8,
        _ => 16,
    }
}

/// Length of a space-like separator at `i` (ASCII space, NBSP, narrow NBSP, thin space).
fn space_len(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i..) {
        Some([b' ', ..]) => 1,
        Some([0xC2, 0xA0, ..]) => 2,
        Some([0xE2, 0x80, 0xAF, ..]) | Some([0xE2, 0x80, 0x89, ..]) => 3,
        _ => 0,
    }
}

fn scan_run(bytes: &[u8], start: usize) -> Run {
    let mut run = Run {
        start,
        end: start,
        ..Run::default()
    };
    let mut i = start;
    if bytes.get(i) == Some(&b'+') {
        run.plus = true;
        i += 1;
    }
    let mut pending: u8 = 0;
    let mut open_paren = false;
    loop {
        // Separators (and parentheses) before the next group: at most three characters.
        let mut seps = 0;
        loop {
            let s = space_len(bytes, i);
            let b = bytes.get(i).copied();
            if s > 0 {
                pending |= 1;
                i += s;
            } else if matches!(b, Some(b'-' | b'.' | b'/')) {
                pending |= sep_bit(b.unwrap_or(b'-'));
                i += 1;
            } else if b == Some(b'(') && !open_paren {
                open_paren = true;
                pending |= 16;
                i += 1;
            } else if b == Some(b')') && open_paren {
                open_paren = false;
                pending |= 16;
                i += 1;
                run.end = if run.groups.is_empty() { run.end } else { i };
            } else {
                break;
            }
            seps += 1;
            if seps > 3 {
                break;
            }
        }
        let digits_start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == digits_start || seps > 3 || run.groups.len() >= MAX_GROUPS * 2 {
            break;
        }
        if !run.groups.is_empty() {
            if pending == 0 {
                break;
            }
            run.between.push(pending);
        } else if pending & !16 != 0 {
            // Only a parenthesis may come before the first group.
            break;
        }
        for bit in [1u8, 2, 4, 8, 16] {
            if pending & bit != 0 {
                run.seps.push(match bit {
                    1 => b' ',
                    2 => b'-',
                    4 => b'.',
                    8 => b'/',
                    _ => b'(',
                });
            }
        }
        pending = 0;
        run.groups.push((digits_start, i));
        run.end = i;
        if open_paren && bytes.get(i) == Some(&b')') {
            i += 1;
            open_paren = false;
            run.end = i;
            pending |= 16;
        }
    }
    // An unmatched "(" at the start is not part of the number.
    if bytes.get(run.start) == Some(&b'(')
        && !bytes.get(run.start..run.end).is_some_and(|r| r.contains(&b')'))
    {
        run.start += 1;
    }
    run
}

pub(super) fn digit_count(groups: &[(usize, usize)]) -> usize {
    groups.iter().map(|(a, b)| b - a).sum()
}

pub(super) fn digits_of(bytes: &[u8], groups: &[(usize, usize)]) -> String {
    groups
        .iter()
        .filter_map(|&(a, b)| bytes.get(a..b))
        .flatten()
        .map(|&c| char::from(c))
        .collect()
}

fn classify(text: &str, run: &Run, out: &mut Vec<Hit>) {
    if run.groups.is_empty() {
        return;
    }
    // Cards: the longest Luhn-valid window of whole groups, spaces or dashes only between them
    // (a leading "+" or a parenthesis makes it a phone number). A card stays a card next to a
    // currency or a reference word ("4111 1111 1111 1111 kr"): no amount or reference has 13 to
    // 19 digits that pass Luhn, and missing a card costs more than hiding a number.
    let phone_marks = run.plus || run.seps.contains(&b'(');
    if let Some((start, end)) = if phone_marks {
        None
    } else {
        card_window(text.as_bytes(), run)
    } {
        out.push((PiiKind::Card, start, end, "13-19 digits, issuer 2-6, Luhn valid"));
        return;
    }
    if let Some((end, why)) = is_phone(text, run) {
        out.push((PiiKind::Phone, run.start, end, why));
    }
}
