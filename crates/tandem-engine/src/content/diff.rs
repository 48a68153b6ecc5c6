//! A line diff of two texts (longest common subsequence), for comparing content versions.

use serde::Serialize;
use utoipa::ToSchema;

/// Beyond this many lines on either side, the diff is the whole old text removed and the new
/// one added (the table below grows with the product of both lengths).
const MAX_LINES: usize = 2000;

/// One line of a diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct DiffLine {
    /// `same`, `added` (only in the newer version) or `removed` (only in the older one).
    pub op: &'static str,
    pub text: String,
}

fn line(op: &'static str, text: &str) -> DiffLine {
    DiffLine {
        op,
        text: text.to_owned(),
    }
}

/// The lines of `new` against `old`: unchanged ones `same`, the rest `removed` then `added`, in
/// order.
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    if a.len() > MAX_LINES || b.len() > MAX_LINES {
        let mut out: Vec<DiffLine> = a.iter().map(|l| line("removed", l)).collect();
        out.extend(b.iter().map(|l| line("added", l)));
        return out;
    }
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..], row-major in one vector.
    let width = b.len() + 1;
    let mut lcs = vec![0_usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            let value = if a.get(i) == b.get(j) {
                lcs.get(at(i + 1, j + 1)).copied().unwrap_or(0) + 1
            } else {
                let down = lcs.get(at(i + 1, j)).copied().unwrap_or(0);
                let right = lcs.get(at(i, j + 1)).copied().unwrap_or(0);
                down.max(right)
            };
            if let Some(cell) = lcs.get_mut(at(i, j)) {
                *cell = value;
            }
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        if x == y {
            out.push(line("same", x));
            i += 1;
            j += 1;
        } else if lcs.get(at(i + 1, j)).copied().unwrap_or(0) >= lcs.get(at(i, j + 1)).copied().unwrap_or(0) {
            out.push(line("removed", x));
            i += 1;
        } else {
            out.push(line("added", y));
            j += 1;
        }
    }
    out.extend(a.iter().skip(i).map(|l| line("removed", l)));
    out.extend(b.iter().skip(j).map(|l| line("added", l)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(diff: &[DiffLine]) -> Vec<(&str, &str)> {
        diff.iter().map(|l| (l.op, l.text.as_str())).collect()
    }

    #[test]
    fn an_added_line_is_the_only_change() {
        let diff = line_diff("a\nb\nc", "a\nb\nnew\nc");
        assert_eq!(
            ops(&diff),
            vec![("same", "a"), ("same", "b"), ("added", "new"), ("same", "c")]
        );
    }

    #[test]
    fn a_changed_line_is_removed_then_added() {
        let diff = line_diff("a\nold\nc", "a\nnew\nc");
        assert_eq!(
            ops(&diff),
            vec![("same", "a"), ("removed", "old"), ("added", "new"), ("same", "c")]
        );
    }

    #[test]
    fn empty_sides_and_equal_texts() {
        assert_eq!(ops(&line_diff("", "x\ny")), vec![("added", "x"), ("added", "y")]);
        assert_eq!(ops(&line_diff("x", "")), vec![("removed", "x")]);
        assert_eq!(
            ops(&line_diff("p\nq", "p\nq")),
            vec![("same", "p"), ("same", "q")]
        );
        assert!(line_diff("", "").is_empty());
    }

    #[test]
    fn the_longest_common_lines_are_kept() {
        // Moving a line keeps the longer run unchanged.
        let diff = line_diff("1\n2\n3\n4", "2\n3\n4\n1");
        assert_eq!(
            ops(&diff),
            vec![
                ("removed", "1"),
                ("same", "2"),
                ("same", "3"),
                ("same", "4"),
                ("added", "1")
            ]
        );
    }
}
