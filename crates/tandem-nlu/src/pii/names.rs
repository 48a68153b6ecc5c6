//! Personal names: runs of capitalised words judged by a gazetteer of given names and surnames
//! and by the words around them.
//!
//! The gazetteer (`data/names.txt`) holds about 38,000 given names and surnames: the 1990 US
//! Census name files (public domain), the first names registered in Berlin 2012-2023 (CC BY 3.0
//! DE, LABO / BerlinOnline) and hand-written additions; names that are also everyday words
//! ("May", "Will", "Mark", "Rose", "Koch") carry a flag and need more evidence. `data/words.txt`
//! holds common lower-case words (SCOWL size 35, Kevin Atkinson's permissive licence, and a
//! hand-written German list): a capitalised common word is never read as a name by itself.
//! `data/build.py` rebuilds both files; docs/pii.md has the sources and licences.
//!
//! A run of capitalised words (initials and particles such as "van", "von", "de" inside) is a
//! name when
//! - a strong cue comes before it: a title (Mr, Mrs, Ms, Dr, Prof, Herr, Frau), "my name is",
//!   "Name:", "ich heiße", "mein Name ist", "call me", "says"/"said"; then unknown words count too;
//! - or a greeting, sign-off or self-introduction comes before it ("Hi", "Dear", "Hallo", "Thanks,",
//!   "Regards,", "Viele Grüße", "this is", "I'm", "ich bin") and it holds a known name or a word
//!   that is not a common word;
//! - or, without a cue, it holds a given name or surname that is not a common word (a single
//!   surname only inside a sentence), or a given name followed by a surname, or two or more words
//!   that are neither names nor common words nor at the start of a sentence.
//!
//! Not names: a capitalised common word ("Will you help?", "Grant access"), a run followed by a
//! company or place word ("Smith Ltd", "Grant Street", "Müller GmbH"), all-capital words that are
//! not known names, lower-case words unless a strong cue comes before them ("my name is anna").

use std::collections::HashMap;
use std::sync::LazyLock;

use super::name_lists::{
    AFTER_NOT_NAME, DEMONYMS, DETERMINERS, PARTICLES, STRONG, SURNAME_ENDINGS, TITLES, WEAK,
};
use super::{Hit, PiiKind};

const NAMES: &str = include_str!("data/names.txt");
const WORDS: &str = include_str!("data/words.txt");

const GIVEN: u8 = 1;
const SURNAME: u8 = 2;
const AMBIGUOUS: u8 = 4;
const COMMON: u8 = 8;

static LEXICON: LazyLock<HashMap<&'static str, u8>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, u8> = HashMap::with_capacity(70_000);
    for line in WORDS.lines().filter(|l| !l.starts_with('#')) {
        map.insert(line.trim(), COMMON);
    }
    for line in NAMES.lines().filter(|l| !l.starts_with('#')) {
        let (name, flags) = line.split_once('\t').unwrap_or((line, ""));
        let mut f = 0;
        for c in flags.chars() {
            f |= match c {
                'g' => GIVEN,
                's' => SURNAME,
                'a' => AMBIGUOUS,
                _ => 0,
            };
        }
        map.insert(name, f);
    }
    map
});

/// `lower` is a common word or a name that is also one ("total", "bond").
pub(super) fn is_common(lower: &str) -> bool {
    LEXICON.get(lower).is_some_and(|&f| f & (COMMON | AMBIGUOUS) != 0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// A known name that is not a common word.
    Name,
    /// A known name that is also a common word.
    Ambiguous,
    /// Capitalised, neither a known name nor a common word.
    Unknown,
    /// A single capital with a dot.
    Initial,
    /// A lower-case particle ("van", "de").
    Particle,
    /// Anything else: ends a run.
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    start: usize,
    end: usize,
    class: Class,
    flags: u8,
    upper: bool,
    lower: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic()
}

/// The words of `text`: letters with inner apostrophes or hyphens; a possessive "'s" is left out.
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !is_word_char(c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if is_word_char(d) {
                end = j + d.len_utf8();
                chars.next();
            } else if matches!(d, '\'' | '’' | '-') {
                let next = text.get(j + d.len_utf8()..).and_then(|r| r.chars().next());
                if next.is_some_and(is_word_char) {
                    chars.next();
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        let word = text.get(i..end).unwrap_or("");
        let end = if word.ends_with("'s") || word.ends_with("’s") {
            end - word.chars().rev().take(2).map(char::len_utf8).sum::<usize>()
        } else {
            end
        };
        out.push((i, end));
    }
    out
}

fn classify(text: &str, (start, end): (usize, usize)) -> Tok {
    let word = text.get(start..end).unwrap_or("");
    let mut chars = word.chars();
    let first_upper = chars.next().is_some_and(char::is_uppercase);
    let upper = word.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
    let lower = word.chars().filter(|c| c.is_alphabetic()).all(char::is_lowercase);
    let single = word.chars().count() == 1;
    let next = text.get(end..).and_then(|r| r.chars().next());
    let key = word.to_lowercase();
    let flags = LEXICON.get(key.as_str()).copied().unwrap_or(0);
    let named = flags & (GIVEN | SURNAME) != 0;
    let after_space_cap = text
        .get(end..)
        .and_then(|r| r.strip_prefix(' '))
        .and_then(|r| r.chars().next())
        .is_some_and(char::is_uppercase);
    let contraction = word.contains(['\'', '’'])
        && word
            .rsplit(['\'', '’'])
            .next()
            .is_some_and(|tail| tail.chars().count() <= 2 && tail.chars().all(char::is_lowercase));
    let class = if contraction
        || TITLES.contains(&key.as_str())
        || DEMONYMS.contains(&key.as_str())
        || (first_upper && DETERMINERS.contains(&key.as_str()))
    {
        Class::Other
    } else if single && first_upper && (next == Some('.') || (after_space_cap && word != "I" && word != "A"))
    {
        Class::Initial
    } else if single {
        Class::Other
    } else if lower && PARTICLES.contains(&key.as_str()) {
        Class::Particle
    } else if !first_upper && !lower {
        Class::Other // "iPhone", "eBay"
    } else if named && flags & AMBIGUOUS != 0 {
        Class::Ambiguous
    } else if named {
        Class::Name
    } else if flags & COMMON != 0 || upper || (lower && word.chars().count() < 3) {
        Class::Other
    } else {
        Class::Unknown
    };
    Tok {
        start,
        end: if class == Class::Initial && next == Some('.') {
            end + 1
        } else {
            end
        },
        class,
        flags,
        upper,
        lower,
    }
}

/// Which cue stands right before `at` (same line, or the line before when nothing else is on
/// this one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    None,
    Weak,
    Strong,
}

fn cue_before(text: &str, at: usize) -> (Cue, bool) {
    let mut from = at.saturating_sub(48);
    while from > 0 && !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = text.get(from..at).unwrap_or("");
    // A sentence starts here: start of text, line, or after . ! ? or an opening quote.
    let trimmed = before.trim_end_matches([' ', '\t']);
    let sentence_start = (from == 0 && trimmed.is_empty())
        || trimmed.ends_with(['.', '!', '?', '\n', '"', '“', '„', '>', '*', '-', '(', ':'])
        || (trimmed.is_empty() && from == 0);
    let lower = before.to_lowercase();
    let cleaned = lower.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | '-' | '–'));
    let line_break = lower.get(cleaned.len()..).is_some_and(|gap| gap.contains('\n'));
    let ends = |cue: &str| {
        cleaned.ends_with(cue)
            && cleaned
                .get(..cleaned.len() - cue.len())
                .and_then(|r| r.chars().next_back())
                .is_none_or(|c| !c.is_alphanumeric())
    };
    // "Name:" on a line of its own also names the next line; other cues stay on their line,
    // except sign-offs ("Regards,\nJohn").
    let label = cleaned.ends_with("name") && lower.get(cleaned.len()..).is_some_and(|g| g.contains(':'));
    if STRONG.iter().any(|c| ends(c)) && (!line_break || label) {
        return (Cue::Strong, sentence_start);
    }
    if WEAK.iter().any(|c| ends(c)) {
        return (Cue::Weak, sentence_start);
    }
    (Cue::None, sentence_start)
}

/// Personal names in `text`.
pub(super) fn names(text: &str, out: &mut Vec<Hit>) {
    let toks: Vec<Tok> = words(text).into_iter().map(|w| classify(text, w)).collect();
    let dialogue = is_dialogue(text);
    let from = out.len();
    let mut i = 0;
    while i < toks.len() {
        let Some(first) = toks.get(i) else { break };
        if matches!(first.class, Class::Other | Class::Particle) {
            i += 1;
            continue;
        }
        // The run: tokens joined by one space (or nothing after an initial's dot).
        let mut j = i + 1;
        while let (Some(prev), Some(next)) = (toks.get(j - 1), toks.get(j)) {
            let gap = text.get(prev.end..next.start).unwrap_or("x");
            let joined = gap == " " || (gap.is_empty() && prev.class == Class::Initial);
            // Lower-case words join only lower-case words ("Ivan so impulsive" is "Ivan").
            let cased = |t: &Tok| !matches!(t.class, Class::Initial | Class::Particle);
            let mixed = cased(prev) && cased(next) && prev.lower != next.lower;
            // "von", "de", "van der" join only after a known name or an initial ("Ursula von der
            // Leyen", not "Versuch von Toyota").
            let named = |t: &Tok| t.flags & GIVEN != 0 || t.class == Class::Initial;
            let particle_ok =
                next.class != Class::Particle || toks.get(i..j).is_some_and(|r| r.iter().any(named));
            if !joined || mixed || !particle_ok || next.class == Class::Other || j - i >= 5 {
                break;
            }
            j += 1;
        }
        let run = toks.get(i..j).unwrap_or_default();
        let next_word = toks
            .get(j)
            .filter(|t| text.get(run.last().map_or(0, |l| l.end)..t.start) == Some(" "));
        judge(text, run, next_word, dialogue, out);
        i = j;
    }
    mentions_again(text, &toks, out, from);
}

fn judge(text: &str, run: &[Tok], next: Option<&Tok>, dialogue: bool, out: &mut Vec<Hit>) {
    // Trim particles and initials that do not sit between names.
    let mut run = run;
    while let Some((last, rest)) = run.split_last() {
        if matches!(last.class, Class::Particle | Class::Initial) {
            run = rest;
        } else {
            break;
        }
    }
    while let Some((first, rest)) = run.split_first() {
        // A particle, or a word that is not a name before a given name ("Bildungsminister Henry
        // Tesch", "FDP-Chef Guido Westerwelle"), is not part of the name.
        let before_given = first.flags & GIVEN == 0
            && matches!(first.class, Class::Unknown | Class::Ambiguous)
            && rest
                .iter()
                .any(|t| t.class == Class::Name && t.flags & GIVEN != 0);
        if first.class == Class::Particle || before_given {
            run = rest;
        } else {
            break;
        }
    }
    let (Some(first), Some(last)) = (run.first(), run.last()) else {
        return;
    };
    if first.class == Class::Initial && run.len() == 1 {
        return;
    }
    if let Some(n) = next {
        let w = text.get(n.start..n.end).unwrap_or("").to_lowercase();
        if AFTER_NOT_NAME.contains(&w.as_str()) {
            return;
        }
    }
    let (cue, sentence_start) = cue_before(text, first.start);
    let words = run
        .iter()
        .filter(|t| !matches!(t.class, Class::Initial | Class::Particle));
    let (mut known, mut ambiguous, mut unknown, mut upper, mut lower) = (0, 0, 0, 0, 0);
    for t in words.clone() {
        match t.class {
            Class::Name => known += 1,
            Class::Ambiguous => ambiguous += 1,
            _ => unknown += 1,
        }
        upper += usize::from(t.upper);
        lower += usize::from(t.lower);
    }
    let count = known + ambiguous + unknown;
    let given = run.iter().any(|t| t.flags & GIVEN != 0 && t.class == Class::Name);
    if cue != Cue::Strong && !given && (after_determiner(text, first.start) || business_after(text, last.end))
    {
        return;
    }
    let given_then_surname =
        count >= 2 && first.flags & GIVEN != 0 && last.flags & SURNAME != 0 && first.class != Class::Unknown;
    // A known given name first or a known surname last, the other words not everyday words.
    let known_with_others = known > 0
        && count >= 2
        && (ambiguous == 0
            || (first.class == Class::Name && first.flags & GIVEN != 0)
            || (last.class == Class::Name && last.flags & SURNAME != 0));
    // Unknown words with the shape of a name: an initial between them ("Faina D. Yefremova") or a
    // surname ending ("Wacława Adamska", "Joakim Westgård").
    let initial_inside = run.iter().any(|t| t.class == Class::Initial);
    let last_word = text.get(last.start..last.end).unwrap_or("").to_lowercase();
    // Letters with diacritics other than the German umlauts ("Calquín Cazares", "Hafþór Smárason")
    // are rare in English and German brand names and nouns.
    let foreign = run.iter().any(|t| {
        text.get(t.start..t.end).is_some_and(|w| {
            w.chars()
                .any(|c| c.is_alphabetic() && !c.is_ascii() && !"äöüÄÖÜß".contains(c))
        })
    });
    let surname_shape =
        foreign || (last_word.chars().count() >= 5 && SURNAME_ENDINGS.iter().any(|e| last_word.ends_with(e)));
    let label = line_start(text, first.start) && text.get(last.end..).is_some_and(|r| r.starts_with(':'));
    let why: Option<&'static str> = if lower > 0 {
        if cue == Cue::Strong && known + ambiguous > 0 {
            Some("a known name in lower case after \"my name is\", a title or \"Name:\"")
        } else {
            None
        }
    } else if upper > 0 {
        (known >= 1 && count >= 2 && unknown == 0).then_some("known given name and surname in capitals")
    } else if cue == Cue::Strong {
        Some("capitalised words after a title, \"my name is\", \"Name:\" or \"said\"")
    } else if cue == Cue::Weak && count > 0 {
        Some("capitalised words after a greeting, sign-off or introduction")
    } else if given_then_surname && known > 0 {
        Some("given name and surname from the gazetteer")
    } else if known_with_others {
        Some("a known name with other capitalised words")
    } else if count == 1 && known == 1 && (first.flags & GIVEN != 0 || !sentence_start) {
        Some("a given name or surname from the gazetteer")
    } else if count >= 2 && unknown == count && (initial_inside || surname_shape) {
        Some("capitalised words with the shape of a name (a middle initial or a surname ending)")
    } else if label && count == 1 && (known == 1 || (dialogue && unknown == 1)) {
        Some("a speaker label at the start of a line (\"Anna: ...\")")
    } else if given_then_surname {
        Some("given name and surname from the gazetteer")
    } else {
        None
    };
    if let Some(why) = why {
        out.push((PiiKind::Name, first.start, last.end, why));
    }
}

/// The word before `at` is a determiner ("the Will", "der Leiter", "a Mark").
fn after_determiner(text: &str, at: usize) -> bool {
    let before = text.get(..at).unwrap_or("");
    let Some(head) = before.strip_suffix(' ') else {
        return false;
    };
    let word: String = head
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<Vec<char>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_lowercase();
    DETERMINERS.contains(&word.as_str())
}

/// A company or service word follows (directly, or after a possessive within two words):
/// "Northwind Outfitters' virtual assistant", "Contoso's support team".
fn business_after(text: &str, end: usize) -> bool {
    let rest = text.get(end..).unwrap_or("");
    let possessive = ["'s ", "’s ", "' ", "’ "].iter().any(|p| rest.starts_with(p));
    let take = if possessive { 3 } else { 1 };
    rest.split_whitespace()
        .take(take)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .trim_end_matches("'s")
                .to_lowercase()
        })
        .any(|w| AFTER_NOT_NAME.contains(&w.as_str()))
}

/// Texts with two or more speaker labels ("Anna: ...") of which one is a known given name.
fn is_dialogue(text: &str) -> bool {
    let (mut labels, mut known) = (0, 0);
    for line in text.lines() {
        let Some((head, _)) = line.trim_start().split_once(':') else {
            continue;
        };
        let single = head.chars().count() >= 2
            && head.chars().all(char::is_alphabetic)
            && head.starts_with(char::is_uppercase);
        if single {
            labels += 1;
            let flags = LEXICON.get(head.to_lowercase().as_str()).copied().unwrap_or(0);
            known += usize::from(flags & GIVEN != 0 && flags & AMBIGUOUS == 0);
        }
    }
    labels >= 2 && known >= 1
}

/// Later mentions of a name found in the text ("... directed by Joakim Westgård and starring
/// Westgård"): capitalised words equal to a word of a name of two or more words.
fn mentions_again(text: &str, toks: &[Tok], out: &mut Vec<Hit>, from: usize) {
    let found: Vec<(usize, usize)> = out
        .get(from..)
        .unwrap_or_default()
        .iter()
        .filter(|h| h.0 == PiiKind::Name)
        .map(|h| (h.1, h.2))
        .collect();
    let parts: Vec<String> = found
        .iter()
        .filter_map(|&(s, e)| text.get(s..e))
        .filter(|n| n.contains(' '))
        .flat_map(|n| n.split(' ').map(str::to_lowercase).collect::<Vec<_>>())
        .filter(|w| w.chars().count() >= 3)
        .collect();
    if parts.is_empty() {
        return;
    }
    for t in toks {
        let inside = found.iter().any(|&(s, e)| t.start < e && t.end > s);
        let word = text.get(t.start..t.end).unwrap_or("");
        if inside || !matches!(t.class, Class::Name | Class::Unknown) || t.upper || t.lower {
            continue;
        }
        if parts.iter().any(|p| *p == word.to_lowercase()) {
            out.push((
                PiiKind::Name,
                t.start,
                t.end,
                "a later mention of a name found in the text",
            ));
        }
    }
}

/// Only blanks (or quote marks) stand between the start of the line and `at`.
fn line_start(text: &str, at: usize) -> bool {
    let before = text.get(..at).unwrap_or("");
    before.rsplit('\n').next().is_none_or(|l| {
        l.chars()
            .all(|c| c.is_whitespace() || matches!(c, '>' | '-' | '*'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        names(text, &mut out);
        out.iter().filter_map(|&(_, s, e, _)| text.get(s..e)).collect()
    }

    #[test]
    fn the_lexicon_loads_and_flags_everyday_words() {
        assert_eq!(LEXICON.get("anna").map(|f| f & GIVEN), Some(GIVEN));
        assert!(LEXICON.get("will").is_some_and(|f| f & AMBIGUOUS != 0));
        assert!(LEXICON.get("table").is_some_and(|f| f & COMMON != 0));
    }

    #[test]
    fn words_keep_inner_apostrophes_and_drop_possessives() {
        let text = "O'Brien's Jean-Luc";
        let w: Vec<&str> = words(text)
            .into_iter()
            .filter_map(|(a, b)| text.get(a..b))
            .collect();
        assert_eq!(w, ["O'Brien", "Jean-Luc"]);
        assert_eq!(found("Ask Mr. O'Brien"), ["O'Brien"]);
    }
}
