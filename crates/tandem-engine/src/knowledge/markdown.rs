//! Markdown bodies into plain-text passages: paragraph-sized pieces, each with the headings above it.
//!
//! This is not a full CommonMark parser; it understands what knowledge articles use (ATX and setext
//! headings, paragraphs, lists, block quotes, fenced code, tables, links, images, emphasis, inline
//! code, HTML tags) and strips the markup, keeping the words.

/// A passage shorter than this (in characters) is merged with the next one under the same heading.
const MIN_PASSAGE_CHARS: usize = 120;
/// Passages are not merged beyond this size, and longer paragraphs are split at sentence ends.
const MAX_PASSAGE_CHARS: usize = 900;

/// One passage of an article body, as plain text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawPassage {
    /// The headings above the passage, outermost first (plain text).
    pub headings: Vec<String>,
    /// Plain text: list items and table rows on lines of their own, prose lines joined.
    pub text: String,
}

/// One block before merging.
struct Block {
    headings: Vec<String>,
    text: String,
}

#[derive(Default)]
struct Paragraph {
    text: String,
    /// Line count, for setext headings.
    lines: usize,
    /// Whether the last line added was a list item or table row (joined with a line break).
    last_was_item: bool,
}

impl Paragraph {
    fn push(&mut self, line: &str, item: bool) {
        if line.is_empty() {
            return;
        }
        if !self.text.is_empty() {
            self.text
                .push(if item || self.last_was_item { '\n' } else { ' ' });
        }
        self.text.push_str(line);
        self.lines += 1;
        self.last_was_item = item;
    }
}

/// Splits a Markdown body into plain-text passages.
pub(crate) fn passages(body: &str) -> Vec<RawPassage> {
    let blocks = blocks(body);
    merge(blocks)
}

fn blocks(body: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    // (level, text)
    let mut headings: Vec<(usize, String)> = Vec::new();
    let mut para = Paragraph::default();
    let mut fence: Option<(char, usize)> = None;

    let flush = |para: &mut Paragraph, headings: &[(usize, String)], out: &mut Vec<Block>| {
        let text = std::mem::take(para).text;
        let text = text.trim();
        if !text.is_empty() {
            out.push(Block {
                headings: headings.iter().map(|(_, h)| h.clone()).collect(),
                text: text.to_owned(),
            });
        }
    };

    for raw_line in body.lines() {
        let line = raw_line.trim_end();
        let trimmed = line.trim_start();

        if let Some((ch, len)) = fence {
            if is_fence_close(trimmed, ch, len) {
                fence = None;
                flush(&mut para, &headings, &mut out);
            } else {
                // Code keeps its lines, without markup handling.
                para.push(collapse_spaces(trimmed).as_str(), true);
            }
            continue;
        }
        if let Some(f) = fence_open(trimmed) {
            flush(&mut para, &headings, &mut out);
            fence = Some(f);
            continue;
        }
        if trimmed.is_empty() {
            flush(&mut para, &headings, &mut out);
            continue;
        }
        if let Some((level, text)) = atx_heading(trimmed) {
            flush(&mut para, &headings, &mut out);
            set_heading(&mut headings, level, strip_inline(text));
            continue;
        }
        if let Some(level) = setext_underline(trimmed) {
            if para.lines == 1 {
                let text = std::mem::take(&mut para).text;
                set_heading(&mut headings, level, text);
                continue;
            }
        }
        if is_thematic_break(trimmed) {
            flush(&mut para, &headings, &mut out);
            continue;
        }
        if is_reference_definition(trimmed) || is_table_separator(trimmed) {
            continue;
        }
        let (content, item) = strip_block_markers(trimmed);
        let text = if item == LineKind::TableRow {
            table_row(content)
        } else {
            strip_inline(content)
        };
        para.push(text.as_str(), item != LineKind::Prose);
    }
    flush(&mut para, &headings, &mut out);
    out
}

fn set_heading(headings: &mut Vec<(usize, String)>, level: usize, text: String) {
    while headings.last().is_some_and(|(l, _)| *l >= level) {
        headings.pop();
    }
    if !text.is_empty() {
        headings.push((level, text));
    }
}

/// Merges short blocks into the next one under the same headings, and splits very long ones.
fn merge(blocks: Vec<Block>) -> Vec<RawPassage> {
    let mut out: Vec<RawPassage> = Vec::new();
    let mut pending: Option<Block> = None;
    for block in blocks {
        pending = match pending.take() {
            Some(mut p)
                if p.headings == block.headings
                    && (p.text.ends_with(':') || p.text.chars().count() < MIN_PASSAGE_CHARS)
                    && p.text.chars().count() + block.text.chars().count() < MAX_PASSAGE_CHARS =>
            {
                p.text.push('\n');
                p.text.push_str(&block.text);
                Some(p)
            }
            Some(p) => {
                emit(p, &mut out);
                Some(block)
            }
            None => Some(block),
        };
    }
    if let Some(p) = pending {
        emit(p, &mut out);
    }
    out
}

fn emit(block: Block, out: &mut Vec<RawPassage>) {
    for text in split_long(&block.text) {
        out.push(RawPassage {
            headings: block.headings.clone(),
            text,
        });
    }
}

/// Splits text longer than `MAX_PASSAGE_CHARS` at sentence ends (or line breaks).
fn split_long(text: &str) -> Vec<String> {
    if text.chars().count() <= MAX_PASSAGE_CHARS {
        return vec![text.to_owned()];
    }
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_chars = 0usize;
    for sentence in sentences(text) {
        let n = sentence.chars().count();
        if current_chars > 0 && current_chars + n > MAX_PASSAGE_CHARS {
            pieces.push(std::mem::take(&mut current).trim().to_owned());
            current_chars = 0;
        }
        current.push_str(sentence);
        current_chars += n;
    }
    if !current.trim().is_empty() {
        pieces.push(current.trim().to_owned());
    }
    pieces.retain(|p| !p.is_empty());
    pieces
}

/// Sentences with their trailing whitespace; a sentence ends after `.`, `!`, `?` followed by
/// whitespace, or at a line break.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut prev_end = false;
    for (i, c) in text.char_indices() {
        if prev_end && c.is_whitespace() {
            let end = i + c.len_utf8();
            out.push(&text[start..end]);
            start = end;
            prev_end = false;
            continue;
        }
        prev_end = matches!(c, '.' | '!' | '?' | '\n');
        if c == '\n' {
            let end = i + c.len_utf8();
            out.push(&text[start..end]);
            start = end;
            prev_end = false;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

fn fence_open(line: &str) -> Option<(char, usize)> {
    let ch = line.chars().next()?;
    if ch != '`' && ch != '~' {
        return None;
    }
    let len = line.chars().take_while(|&c| c == ch).count();
    (len >= 3).then_some((ch, len))
}

fn is_fence_close(line: &str, ch: char, len: usize) -> bool {
    let n = line.chars().take_while(|&c| c == ch).count();
    n >= len && line.chars().skip(n).all(char::is_whitespace)
}

fn atx_heading(line: &str) -> Option<(usize, &str)> {
    let level = line.chars().take_while(|&c| c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &line[level..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    // Closing hashes are decoration.
    let text = rest.trim().trim_end_matches('#').trim_end();
    Some((level, text))
}

fn setext_underline(line: &str) -> Option<usize> {
    if line.len() >= 2 && line.chars().all(|c| c == '=') {
        Some(1)
    } else if line.len() >= 2 && line.chars().all(|c| c == '-') {
        Some(2)
    } else {
        None
    }
}

fn is_thematic_break(line: &str) -> bool {
    let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() >= 3
        && (compact.chars().all(|c| c == '-')
            || compact.chars().all(|c| c == '*')
            || compact.chars().all(|c| c == '_'))
}

fn is_reference_definition(line: &str) -> bool {
    // `[label]: destination`
    line.starts_with('[')
        && line
            .find("]:")
            .is_some_and(|i| i > 1 && !line[1..i].contains(']'))
        && !line.starts_with("[ ]")
}

fn is_table_separator(line: &str) -> bool {
    line.contains('-')
        && line.contains('|')
        && line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Prose,
    Item,
    TableRow,
}

/// Removes block quote markers, list markers and task boxes.
fn strip_block_markers(line: &str) -> (&str, LineKind) {
    let mut s = line;
    loop {
        let t = s.trim_start();
        if let Some(rest) = t.strip_prefix('>') {
            s = rest;
        } else {
            s = t;
            break;
        }
    }
    if s.starts_with('|') {
        return (s, LineKind::TableRow);
    }
    let mut kind = LineKind::Prose;
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = s.strip_prefix(marker) {
            s = rest.trim_start();
            kind = LineKind::Item;
            break;
        }
    }
    if kind == LineKind::Prose {
        let digits = s.chars().take_while(char::is_ascii_digit).count();
        if (1..=9).contains(&digits) {
            let rest = &s[digits..];
            if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
                s = rest.trim_start();
                kind = LineKind::Item;
            }
        }
    }
    if kind == LineKind::Item {
        for task in ["[ ] ", "[x] ", "[X] "] {
            if let Some(rest) = s.strip_prefix(task) {
                s = rest;
                break;
            }
        }
    }
    (s, kind)
}

fn table_row(line: &str) -> String {
    line.split('|')
        .map(|cell| strip_inline(cell.trim()))
        .filter(|cell| !cell.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Strips inline Markdown markup from one line of text.
pub(crate) fn strip_inline(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    strip_chars(&chars, &mut out, 0);
    collapse_spaces(&out)
}

/// The characters from `start` to `end`; empty when the range does not fit.
fn span(c: &[char], start: usize, end: usize) -> &[char] {
    c.get(start..end).unwrap_or_default()
}

/// Nesting guard: link texts inside link texts are handled this many levels deep.
const MAX_DEPTH: usize = 4;

fn strip_chars(c: &[char], out: &mut String, depth: usize) {
    let mut i = 0usize;
    while let Some(&ch) = c.get(i) {
        match ch {
            '\\' if c.get(i + 1).is_some_and(char::is_ascii_punctuation) => {
                if let Some(&next) = c.get(i + 1) {
                    out.push(next);
                }
                i += 2;
            }
            '`' => {
                let run = run_len(c, i, '`');
                if let Some(close) = find_run(c, i + run, '`', run) {
                    let inner: String = span(c, i + run, close).iter().collect();
                    out.push_str(inner.trim());
                    i = close + run;
                } else {
                    for _ in 0..run {
                        out.push('`');
                    }
                    i += run;
                }
            }
            '!' if c.get(i + 1) == Some(&'[') => match link(c, i + 1) {
                Some((text_start, text_end, next)) => {
                    push_nested(span(c, text_start, text_end), out, depth);
                    i = next;
                }
                None => {
                    out.push('!');
                    i += 1;
                }
            },
            '[' => match link(c, i) {
                Some((text_start, text_end, next)) => {
                    push_nested(span(c, text_start, text_end), out, depth);
                    i = next;
                }
                None => {
                    out.push('[');
                    i += 1;
                }
            },
            '<' => match angle(c, i) {
                Some((Some((s, e)), next)) => {
                    out.extend(span(c, s, e));
                    i = next;
                }
                Some((None, next)) => {
                    out.push(' ');
                    i = next;
                }
                None => {
                    out.push('<');
                    i += 1;
                }
            },
            '*' => {
                let run = run_len(c, i, '*');
                let before = i.checked_sub(1).and_then(|j| c.get(j)).copied();
                let after = c.get(i + run).copied();
                let spaced = before.is_none_or(char::is_whitespace) && after.is_none_or(char::is_whitespace);
                if spaced {
                    // A lone `*` between spaces is not emphasis ("5 * 3").
                    for _ in 0..run {
                        out.push('*');
                    }
                }
                i += run;
            }
            '_' => {
                let run = run_len(c, i, '_');
                let before = i.checked_sub(1).and_then(|j| c.get(j)).copied();
                let after = c.get(i + run).copied();
                let intraword =
                    before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric);
                if intraword {
                    for _ in 0..run {
                        out.push('_');
                    }
                }
                i += run;
            }
            '~' => {
                let run = run_len(c, i, '~');
                if run == 1 {
                    out.push('~');
                }
                i += run;
            }
            _ => {
                out.push(ch);
                i += 1;
            }
        }
    }
}

fn push_nested(text: &[char], out: &mut String, depth: usize) {
    if depth < MAX_DEPTH {
        strip_chars(text, out, depth + 1);
    } else {
        out.extend(text);
    }
}

fn run_len(c: &[char], start: usize, ch: char) -> usize {
    c.get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&x| x == ch)
        .count()
}

/// The start of the next run of exactly `len` `ch` characters at or after `from`.
fn find_run(c: &[char], from: usize, ch: char, len: usize) -> Option<usize> {
    let mut i = from;
    while i < c.len() {
        if c.get(i) == Some(&ch) {
            let run = run_len(c, i, ch);
            if run == len {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

/// A link or image at `open` (the `[`): `[text](destination)`, `[text][label]` or `[text][]`.
/// Returns the text range and the index after the link.
fn link(c: &[char], open: usize) -> Option<(usize, usize, usize)> {
    let mut depth = 0usize;
    let mut close = None;
    let mut i = open;
    while let Some(&x) = c.get(i) {
        match x {
            '\\' => i += 1,
            '[' => depth += 1,
            ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let close = close?;
    match c.get(close + 1) {
        Some('(') => {
            let mut depth = 0usize;
            let mut j = close + 1;
            while let Some(&x) = c.get(j) {
                match x {
                    '(' => depth += 1,
                    ')' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return Some((open + 1, close, j + 1));
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        Some('[') => {
            let end = c.get(close + 2..)?.iter().position(|&x| x == ']')? + close + 2;
            Some((open + 1, close, end + 1))
        }
        _ => None,
    }
}

/// `<...>` at `open`: an autolink (`Some(range)` of its target) or an HTML tag (`None`, dropped).
/// `None` overall when it is neither (a lone `<`).
#[allow(clippy::type_complexity)]
fn angle(c: &[char], open: usize) -> Option<(Option<(usize, usize)>, usize)> {
    let close = c.get(open + 1..)?.iter().position(|&x| x == '>')? + open + 1;
    let inner = c.get(open + 1..close)?;
    let first = *inner.first()?;
    if inner.iter().any(|x| x.is_whitespace()) {
        // `<a href="...">` is a tag; `< 5 >` is not.
        let is_tag = first.is_ascii_alphabetic() || first == '/' || first == '!';
        return is_tag.then_some((None, close + 1));
    }
    let text: String = inner.iter().collect();
    if text.contains("://") || text.starts_with("mailto:") || (text.contains('@') && !text.starts_with('/')) {
        let start = if text.starts_with("mailto:") {
            open + 1 + "mailto:".len()
        } else {
            open + 1
        };
        return Some((Some((start, close)), close + 1));
    }
    let is_tag = first.is_ascii_alphabetic() || first == '/' || first == '!';
    is_tag.then_some((None, close + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markup_is_stripped() {
        assert_eq!(
            strip_inline("**Bold** and *italic* and __strong__ and _em_"),
            "Bold and italic and strong and em"
        );
        assert_eq!(
            strip_inline("See [our policy](https://x.test/a_(b)) now"),
            "See our policy now"
        );
        assert_eq!(strip_inline("![a logo](logo.png) text"), "a logo text");
        assert_eq!(strip_inline("Use `order_id` here"), "Use order_id here");
        assert_eq!(strip_inline("snake_case_name stays"), "snake_case_name stays");
        assert_eq!(strip_inline("5 * 3 = 15"), "5 * 3 = 15");
        assert_eq!(strip_inline("~~old~~ new"), "old new");
        assert_eq!(strip_inline("a <b>bold</b> tag"), "a bold tag");
        assert_eq!(
            strip_inline("mail <mailto:help@shop.test> or <https://shop.test>"),
            "mail help@shop.test or https://shop.test"
        );
        assert_eq!(strip_inline(r"literal \*star\*"), "literal *star*");
        assert_eq!(strip_inline("[ref link][1] and [x]"), "ref link and [x]");
        assert_eq!(strip_inline("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2");
        assert_eq!(
            strip_inline("unclosed `tick and [bracket"),
            "unclosed `tick and [bracket"
        );
    }

    #[test]
    fn bodies_split_into_paragraphs_with_headings() {
        let body = "Intro paragraph that is long enough to stand on its own as a passage of the article text.\n\n\
                    # Returns\n\n\
                    You can return any item within **30 days** of delivery for a full refund, as long as it is unused.\n\n\
                    ## How to return\n\n\
                    Follow these steps:\n\n\
                    1. Open [your orders](https://shop.test/orders).\n\
                    2. Choose *Return*.\n\n\
                    ---\n\n\
                    Setext heading\n\
                    ==============\n\n\
                    > Quoted text.\n\n\
                    | Country | Days |\n\
                    |---|---|\n\
                    | France | 3 |\n\n\
                    ```\n\
                    code  line\n\
                    ```\n";
        let p = passages(body);
        let simple: Vec<(Vec<&str>, &str)> = p
            .iter()
            .map(|p| (p.headings.iter().map(String::as_str).collect(), p.text.as_str()))
            .collect();
        assert_eq!(
            simple,
            vec![
                (
                    vec![],
                    "Intro paragraph that is long enough to stand on its own as a passage of the article text."
                ),
                (
                    vec!["Returns"],
                    "You can return any item within 30 days of delivery for a full refund, as long as it is unused."
                ),
                (vec!["Returns", "How to return"], "Follow these steps:\nOpen your orders.\nChoose Return."),
                (vec!["Setext heading"], "Quoted text.\nCountry; Days\nFrance; 3\ncode line"),
            ]
        );
    }

    #[test]
    fn long_paragraphs_are_split_at_sentences() {
        let sentence = "This sentence is about forty characters. ";
        let body = sentence.repeat(60);
        let p = passages(&body);
        assert!(p.len() >= 3, "{p:?}");
        for piece in &p {
            assert!(
                piece.text.chars().count() <= MAX_PASSAGE_CHARS,
                "{}",
                piece.text.len()
            );
            assert!(piece.text.ends_with('.'));
        }
    }

    #[test]
    fn odd_input_does_not_panic() {
        for body in [
            "",
            "#",
            "######## x",
            "[",
            "![",
            "`",
            "<",
            "<>",
            "**",
            "_",
            "\\",
            "```",
            "[a](",
            "[a][",
            "é*ü_ß",
            "| |",
            ">>>",
            "1.",
            "- ",
            "[x]: y",
            "Ünïcødé heading\n---",
            "a\n===\nb",
        ] {
            let _ = passages(body);
            let _ = strip_inline(body);
        }
    }
}
