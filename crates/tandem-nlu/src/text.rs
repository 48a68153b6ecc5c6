//! Text normalisation shared by the intent classifier and the signal detectors.

use unicode_normalization::UnicodeNormalization;

/// Lower-cases, strips accents (NFKD without combining marks) and maps every character that is not
/// alphanumeric (or an apostrophe) to a single space. The result has no leading, trailing or
/// repeated spaces.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, usize::MAX, &mut out);
    out
}

/// [`normalize`] into a reused buffer (cleared first), reading at most `max_chars` characters of
/// `text`. ASCII text takes a fast path that gives the same result without Unicode decomposition.
pub fn normalize_into(text: &str, max_chars: usize, out: &mut String) {
    out.clear();
    let mut pending_space = false;
    let mut push = |ch: char, out: &mut String| {
        if ch.is_alphanumeric() || ch == '\'' {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            if ch.is_ascii() {
                out.push(ch.to_ascii_lowercase());
            } else {
                for lower in ch.to_lowercase() {
                    out.push(lower);
                }
            }
        } else {
            pending_space = true;
        }
    };
    if text.is_ascii() {
        for &b in text.as_bytes().iter().take(max_chars) {
            push(char::from(b), out);
        }
        return;
    }
    for ch in text.chars().take(max_chars).nfkd() {
        if unicode_normalization::char::is_combining_mark(ch) {
            continue;
        }
        push(ch, out);
    }
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

    #[test]
    fn ascii_fast_path_matches_the_unicode_path() {
        let text = "I'm STILL waiting -- on my card?? 2 weeks\t\nnow";
        let mut fast = String::new();
        normalize_into(text, usize::MAX, &mut fast);
        // Force the Unicode path by appending a non-ASCII letter that survives normalisation.
        let slow = normalize(&format!("{text} é"));
        assert_eq!(format!("{fast} e"), slow);
        assert_eq!(fast, "i'm still waiting on my card 2 weeks now");
    }

    #[test]
    fn reads_at_most_max_chars() {
        let mut out = String::new();
        normalize_into("abc def", 5, &mut out);
        assert_eq!(out, "abc d");
        normalize_into("àbc déf", 5, &mut out);
        assert_eq!(out, "abc d");
    }
}
