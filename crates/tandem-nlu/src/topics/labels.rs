//! Readable cluster labels: one to three lower-case words that occur verbatim in the cluster's
//! messages and are the most distinctive of it (class-based TF-IDF: how many of the cluster's
//! messages hold the word, times how rare the word is across the clusters), without stop words.
//! Words are never stemmed or invented; a word whose form overlaps a chosen one ("dog" and
//! "dogs") is not added a second time.

use std::collections::{HashMap, HashSet};

use crate::num::usize_to_f64;

/// At most this many words in a label.
const MAX_WORDS: usize = 3;
/// A further word joins the label only when it scores at least this share of the best word.
const FOLLOW_SHARE: f64 = 0.5;
/// Words shorter than this are left out (they are almost never what a topic is about).
const MIN_LETTERS: usize = 3;

/// Function words and the words every customer question is made of ("can you tell me if I
/// could..."), which say nothing about what a group of messages is about.
const STOPWORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "are",
    "but",
    "not",
    "you",
    "your",
    "yours",
    "all",
    "any",
    "can",
    "had",
    "her",
    "was",
    "one",
    "our",
    "out",
    "has",
    "have",
    "him",
    "his",
    "how",
    "its",
    "may",
    "new",
    "now",
    "old",
    "see",
    "two",
    "who",
    "did",
    "does",
    "doing",
    "done",
    "get",
    "got",
    "getting",
    "let",
    "put",
    "say",
    "she",
    "too",
    "use",
    "used",
    "using",
    "way",
    "what",
    "when",
    "where",
    "which",
    "why",
    "with",
    "would",
    "could",
    "should",
    "will",
    "shall",
    "might",
    "must",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "they",
    "them",
    "their",
    "then",
    "than",
    "from",
    "into",
    "onto",
    "about",
    "above",
    "below",
    "after",
    "before",
    "again",
    "also",
    "just",
    "only",
    "very",
    "really",
    "much",
    "many",
    "more",
    "most",
    "some",
    "such",
    "own",
    "same",
    "other",
    "each",
    "every",
    "both",
    "few",
    "yet",
    "still",
    "even",
    "ever",
    "been",
    "being",
    "were",
    "wasn",
    "weren",
    "isn",
    "aren",
    "don",
    "doesn",
    "didn",
    "won",
    "wouldn",
    "couldn",
    "shouldn",
    "can't",
    "cannot",
    "haven",
    "hasn",
    "hadn",
    "ain",
    "i'm",
    "i've",
    "i'd",
    "i'll",
    "you're",
    "it's",
    "what's",
    "let's",
    "im",
    "ive",
    "youre",
    "whats",
    "lets",
    "cant",
    "dont",
    "want",
    "wanted",
    "wants",
    "need",
    "needed",
    "needs",
    "like",
    "please",
    "thanks",
    "thank",
    "hello",
    "hey",
    "dear",
    "okay",
    "yes",
    "yeah",
    "know",
    "tell",
    "help",
    "make",
    "made",
    "take",
    "took",
    "give",
    "gave",
    "going",
    "goes",
    "went",
    "come",
    "came",
    "look",
    "looking",
    "looked",
    "try",
    "trying",
    "tried",
    "think",
    "thought",
    "able",
    "possible",
    "anyone",
    "someone",
    "something",
    "anything",
    "nothing",
    "everything",
    "thing",
    "things",
    "pls",
    "plz",
    "hi",
    "via",
    "per",
    "etc",
    "because",
    "while",
    "until",
    "since",
    "over",
    "under",
    "through",
    "during",
    "without",
    "within",
    "between",
    "whether",
    "either",
    "neither",
    "nor",
    "off",
    "once",
    "well",
    "back",
    "sure",
    "lot",
    "lots",
    "bit",
    "kind",
    "sort",
    "day",
    "days",
    "time",
    "times",
    "today",
    "yesterday",
    "tomorrow",
    "week",
    "ago",
    "soon",
    "already",
    "maybe",
    "perhaps",
    "actually",
    "anyway",
    "available",
    "currently",
    "ours",
    "myself",
    "yourself",
    "himself",
    "herself",
    "itself",
    "ourselves",
    "themselves",
    "mine",
    "theirs",
    "whom",
    "whose",
    "am",
    "is",
    "be",
    "do",
    "me",
    "my",
    "we",
    "us",
    "it",
    "an",
    "as",
    "at",
    "by",
    "if",
    "in",
    "of",
    "on",
    "or",
    "so",
    "to",
    "up",
    "no",
    "hers",
    "ask",
    "asked",
    "asking",
];

/// Per content word of a cluster: in how many of its messages it occurs, and where it first
/// occurs (rank of the message among the members, position of the word in it).
type WordStats = HashMap<String, (usize, (usize, usize))>;

/// The stop words as a set, built once.
static STOP: std::sync::LazyLock<HashSet<&'static str>> =
    std::sync::LazyLock::new(|| STOPWORDS.iter().copied().collect());

/// A function word or a word every customer question is made of (lower-case, apostrophes kept
/// or dropped alike: `don't` and `dont` are both stop words).
pub(crate) fn is_stopword(word: &str) -> bool {
    STOP.contains(word) || STOP.contains(word.replace('\'', "").as_str())
}

/// The lower-case words of `text`, in order: runs of letters (an apostrophe ends a word, so
/// every word is a plain substring of the lower-cased text).
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn is_content(word: &str) -> bool {
    word.chars().count() >= MIN_LETTERS && !is_stopword(word)
}

/// Two forms of one word ("coat" and "coats", "pick" and "pickup"): one is a prefix of the other.
fn overlaps(a: &str, b: &str) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// A label for each cluster: `members[c]` are the indexes into `texts` of cluster `c`, most
/// typical first (the order breaks ties between equally good words).
pub(crate) fn labels(texts: &[&str], members: &[Vec<usize>]) -> Vec<String> {
    // Per cluster: in how many of its messages each content word occurs, and where it first
    // occurs (rank of the message, position in it) for ties and word order.
    let mut per_cluster: Vec<WordStats> = Vec::with_capacity(members.len());
    let mut across: HashMap<String, usize> = HashMap::new();
    for rows in members {
        let mut df: WordStats = HashMap::new();
        for (rank, &row) in rows.iter().enumerate() {
            let mut seen: HashSet<String> = HashSet::new();
            for (pos, w) in words(texts.get(row).copied().unwrap_or(""))
                .into_iter()
                .enumerate()
            {
                if is_content(&w) && seen.insert(w.clone()) {
                    let entry = df.entry(w).or_insert((0, (rank, pos)));
                    entry.0 += 1;
                }
            }
        }
        for (w, (count, _)) in &df {
            *across.entry(w.clone()).or_insert(0) += count;
        }
        per_cluster.push(df);
    }
    let total: usize = across.values().sum();
    let average = usize_to_f64(total) / usize_to_f64(members.len().max(1));
    per_cluster
        .iter()
        .zip(members)
        .map(|(df, rows)| label_of(df, &across, average, texts, rows))
        .collect()
}

fn label_of(
    df: &WordStats,
    across: &HashMap<String, usize>,
    average: f64,
    texts: &[&str],
    rows: &[usize],
) -> String {
    // Class-based TF-IDF (as BERTopic): frequency in the cluster times log(1 + A / frequency in
    // all clusters), A the average number of words per cluster.
    let mut scored: Vec<(f64, &str, (usize, usize))> = df
        .iter()
        .map(|(w, &(count, first))| {
            let all = across.get(w).copied().unwrap_or(count).max(1);
            let score = usize_to_f64(count) * (1.0 + average / usize_to_f64(all)).ln();
            (score, w.as_str(), first)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)).then(a.1.cmp(b.1)));
    let mut chosen: Vec<(&str, (usize, usize))> = Vec::new();
    let best = scored.first().map_or(0.0, |s| s.0);
    for &(score, w, first) in &scored {
        if chosen.len() == MAX_WORDS || score < best * FOLLOW_SHARE {
            break;
        }
        if chosen.iter().any(|(c, _)| overlaps(c, w)) {
            continue;
        }
        chosen.push((w, first));
    }
    if chosen.is_empty() {
        return fallback(texts, rows);
    }
    // Words in the order they first appear in the cluster's most typical messages.
    chosen.sort_by_key(|&(_, first)| first);
    chosen.iter().map(|(w, _)| *w).collect::<Vec<_>>().join(" ")
}

/// A cluster without any content word (greetings, "???", numbers): its most typical message's
/// longest word, else its first characters.
fn fallback(texts: &[&str], rows: &[usize]) -> String {
    let first = rows.first().and_then(|&r| texts.get(r)).copied().unwrap_or("");
    let longest = words(first)
        .into_iter()
        .max_by(|a, b| a.chars().count().cmp(&b.chars().count()).then(b.cmp(a)));
    match longest {
        Some(w) => w,
        None => {
            let cut: String = first.trim().to_lowercase().chars().take(24).collect();
            if cut.is_empty() {
                "(empty messages)".to_owned()
            } else {
                cut
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every run of letters in the label occurs in the cluster's messages (the contract's check).
    fn verbatim(label: &str, texts: &[&str], rows: &[usize]) -> bool {
        let joined: String = rows
            .iter()
            .map(|&r| texts[r].to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        label
            .split(|c: char| !c.is_ascii_lowercase())
            .filter(|w| !w.is_empty())
            .all(|w| joined.contains(w))
    }

    #[test]
    fn labels_are_distinctive_words_of_the_cluster() {
        let texts = [
            "My parcel never arrived",
            "Where is my parcel? Tracking says delivered",
            "The parcel tracking has not moved for days",
            "How do I change my password",
            "I forgot my password and cannot log in",
            "Password reset email never came",
        ];
        let members = vec![vec![0, 1, 2], vec![3, 4, 5]];
        let l = labels(&texts, &members);
        assert!(l[0].contains("parcel"), "{l:?}");
        assert!(l[1].contains("password"), "{l:?}");
        for (label, rows) in l.iter().zip(&members) {
            let n = label.split(' ').count();
            assert!((1..=3).contains(&n), "{label}");
            assert!(verbatim(label, &texts, rows), "{label}");
            assert!(!label.split(' ').any(|w| STOPWORDS.contains(&w)), "{label}");
        }
    }

    #[test]
    fn no_stemming_no_repeats_and_fallbacks() {
        let texts = ["dogs and a dog", "dog coats", "???", ""];
        let l = labels(&texts, &[vec![0, 1], vec![2], vec![3]]);
        assert!(!l[0].contains("dog dogs") && !l[0].contains("dogs dog"), "{l:?}");
        assert_eq!(l[1], "???");
        assert_eq!(l[2], "(empty messages)");
    }
}
