//! Text normalisation shared by the intent classifier and the signal detectors.

use unicode_normalization::UnicodeNormalization;

/// Lower-cases, strips accents (NFKD without combining marks) and maps every character that is not
/// alphanumeric to a single space. The result has no leading, trailing or repeated spaces.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for ch in text.nfkd() {
        if unicode_normalization::char::is_combining_mark(ch) {
            continue;
        }
        if ch.is_alphanumeric() || ch == '\'' {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            for lower in ch.to_lowercase() {
                out.push(lower);
            }
        } else {
            pending_space = true;
        }
    }
    out
}

/// The words of an already normalised text.
pub fn words(normalized: &str) -> impl Iterator<Item = &str> {
    normalized.split(' ').filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_accents_and_punctuation() {
        assert_eq!(normalize("  Où est   MA commande?!"), "ou est ma commande");
        assert_eq!(normalize(""), "");
        assert_eq!(words("a b  c").collect::<Vec<_>>(), vec!["a", "b", "c"]);
    }
}
