//! Names in a question that no article mentions: what the articles cannot answer for sure.

use super::{KnowledgeBase, MAX_QUESTION_CHARS};

impl KnowledgeBase {
    /// Whether the question names something no article mentions: a word in title case that does
    /// not begin a sentence, whose stem no article uses.
    pub(super) fn names_a_stranger(&self, question: &str) -> bool {
        let question: String = question.chars().take(MAX_QUESTION_CHARS).collect();
        let mut starts_sentence = true;
        for raw in question.split_whitespace() {
            let first_of_sentence = starts_sentence;
            starts_sentence = raw.ends_with(['.', '!', '?', ':', ';']);
            if first_of_sentence {
                continue;
            }
            let word = raw.trim_matches(|c: char| !c.is_alphanumeric());
            let mut letters = word.chars();
            let title_case = letters.next().is_some_and(char::is_uppercase)
                && word.chars().count() >= 2
                && letters.all(|c| c.is_lowercase() || c == '\'' || c == '-');
            if !title_case {
                continue;
            }
            let terms = self.analyzers.clone().terms(word);
            if !terms.is_empty() && terms.iter().all(|t| !self.doc_freq.contains_key(&t.stem)) {
                return true;
            }
        }
        false
    }
}
