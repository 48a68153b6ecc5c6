//! Helpers shared by the fuzz targets in `fuzz_targets/`.
//!
//! Structured inputs: a target that needs several texts (a message and its conversation, or the
//! files of a pack) reads them from one input split at NUL bytes. NUL never occurs in the texts
//! Tandem reads (TOML forbids it, customers do not type it), so splitting loses nothing, and the
//! fuzzer moves a part boundary by mutating a single byte. Seed files follow the same layout.

/// The separator between the parts of a structured input.
pub const SEP: char = '\0';

/// The input as text (invalid UTF-8 replaced by U+FFFD, as a channel that decodes bytes would).
pub fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// The first `n` parts of `text` split at [`SEP`]; missing parts are empty, and whatever follows
/// part `n - 1` stays in it (separators included).
pub fn parts(text: &str, n: usize) -> Vec<&str> {
    let mut out: Vec<&str> = text.splitn(n.max(1), SEP).collect();
    out.resize(n, "");
    out
}

/// Whether `start..end` is a span of `text`: in order, in range and on char boundaries.
pub fn is_span(text: &str, start: usize, end: usize) -> bool {
    start <= end && text.get(start..end).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_pads_and_keeps_the_rest() {
        assert_eq!(parts("a\0b\0c", 2), vec!["a", "b\0c"]);
        assert_eq!(parts("a", 3), vec!["a", "", ""]);
        assert!(is_span("é", 0, 2) && !is_span("é", 0, 1) && !is_span("é", 2, 1));
    }
}
