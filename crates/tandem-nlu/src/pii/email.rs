//! E-mail addresses.

use super::{Hit, PiiKind};

/// `local@domain.tld` around each `@`: the local part of letters, digits and `._%+-` (not
/// starting with a dot), a domain of at least two dot-separated labels, the last one of two or
/// more letters.
pub(super) fn emails(text: &str, out: &mut Vec<Hit>) {
    let local_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-');
    let domain_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-');
    for (at, _) in text.match_indices('@') {
        let before = &text[..at];
        let local_len: usize = before
            .chars()
            .rev()
            .take_while(|&c| local_char(c))
            .map(char::len_utf8)
            .sum();
        let mut start = at - local_len;
        while start < at && text.as_bytes().get(start) == Some(&b'.') {
            start += 1;
        }
        if start == at {
            continue;
        }
        let after = &text[at + 1..];
        let domain_len: usize = after
            .chars()
            .take_while(|&c| domain_char(c))
            .map(char::len_utf8)
            .sum();
        let domain = after[..domain_len].trim_end_matches(['.', '-']);
        let labels: Vec<&str> = domain.split('.').collect();
        let valid = labels.len() >= 2
            && labels.iter().all(|l| !l.is_empty() && !l.starts_with('-'))
            && labels
                .last()
                .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
        if valid {
            out.push((PiiKind::Email, start, at + 1 + domain.len(), "local@domain.tld"));
        }
    }
}
