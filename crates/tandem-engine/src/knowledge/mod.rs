//! The knowledge base: a search index of the articles, and grounded answers from it.
//!
//! Article bodies are split into paragraph-sized passages ([`markdown`]), each indexed with its
//! article's title and the headings above it, in an in-RAM tantivy index (English stemming,
//! lowercase). A question is turned into its content words (stopwords dropped, stemmed) and the
//! candidates tantivy finds by BM25 are scored again with a relevance in [0, 1] that is comparable
//! across questions:
//!
//! ```text
//! relevance = 0.6 * passage_coverage + 0.2 * article_coverage + 0.2 * min(1, bm25 / W)
//! ```
//!
//! where *coverage* is the share of the question's content words, weighted by their IDF, found in
//! the passage (with its title and headings) or anywhere in the article, and `W` is the summed IDF
//! weight of the question's content words (`bm25 / W` is 1 when every content word occurs once in
//! a passage of average length). A question word covered only as the beginning of a longer word
//! ("pay" in "payment", which the stemmer keeps apart) earns 0.6 of its weight. Words the articles
//! never use weigh like the rarest word they do use, so a question about something else ("a
//! recipe for pizza dough") scores low however its stopwords match. [`KnowledgeBase::answer`] returns the best passage only when its relevance
//! clears [`DEFAULT_ANSWER_THRESHOLD`]; the text returned is always the article's own words.

mod markdown;
mod names;

use std::collections::{BTreeSet, HashMap, HashSet};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING,
};
use tantivy::tokenizer::{
    Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter,
    TextAnalyzer,
};
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::num;
use crate::pack::model::Article;

/// Relevance at or above which [`KnowledgeBase::answer`] answers.
///
/// Chosen on the test corpus of this module's tests (six short shop articles, 13 answerable
/// questions, 15 unanswerable ones of which 6 are near misses sharing words with the articles):
/// answerable questions score 0.61–1.0, unanswerable ones 0.0–0.42 ("Can I return my pizza?" is
/// the highest). 0.5 sits between them and means, roughly, that most of what the customer asked
/// about (by IDF weight) is in the passage and its article. A trainer can change it with
/// [`KnowledgeBase::with_threshold`].
pub const DEFAULT_ANSWER_THRESHOLD: f32 = 0.5;

/// Credit for a question word that is only the beginning of a word of the passage ("pay" in
/// "payment", "deliver" in "delivery": pairs the stemmer keeps apart).
const PREFIX_CREDIT: f32 = 0.6;
/// Shortest question word that earns prefix credit.
const MIN_PREFIX_CHARS: usize = 3;
/// Weights of the relevance score (they add up to 1).
const W_PASSAGE: f32 = 0.6;
const W_ARTICLE: f32 = 0.2;
const W_BM25: f32 = 0.2;

/// BM25 candidates re-scored per search.
const CANDIDATES: usize = 50;
/// Longest question considered, in characters; the rest is ignored.
const MAX_QUESTION_CHARS: usize = 2000;
/// Most distinct content words of a question used.
const MAX_QUESTION_TERMS: usize = 32;
const INDEX_TOKENIZER: &str = "en_stem";
const INDEX_MEMORY: usize = 15_000_000;

/// Words that carry no topic in a customer's question: function words and the customer-service
/// phrasing around the topic ("can you tell me", "I need help with").
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "anyone",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "both",
    "but",
    "by",
    "can",
    "could",
    "d",
    "did",
    "do",
    "does",
    "doing",
    "don",
    "down",
    "during",
    "each",
    "else",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "get",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "hello",
    "help",
    "her",
    "here",
    "hers",
    "hey",
    "hi",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "know",
    "let",
    "ll",
    "m",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "need",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "please",
    "pls",
    "re",
    "s",
    "same",
    "she",
    "should",
    "so",
    "some",
    "someone",
    "something",
    "such",
    "t",
    "tell",
    "than",
    "thank",
    "thanks",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "ve",
    "very",
    "want",
    "was",
    "we",
    "were",
    "what",
    "whats",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
];

/// Errors building the knowledge base.
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error("two articles have the slug `{0}`")]
    DuplicateSlug(String),
    #[error("the search index could not be built: {0}")]
    Index(#[from] tantivy::TantivyError),
}

/// A grounded answer: a passage of an article, in the article's own words.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Passage {
    pub slug: String,
    pub title: String,
    pub url: String,
    /// The innermost heading above the passage, if any.
    pub heading: Option<String>,
    /// Plain text (Markdown markup stripped).
    pub text: String,
    /// Relevance in [0, 1], comparable across questions.
    pub score: f32,
}

#[derive(Clone, Copy)]
struct Fields {
    text: Field,
    tags: Field,
    pid: Field,
}

/// The content words of a text: stems, and the lowercase words before stemming (for prefixes).
#[derive(Default)]
struct Words {
    stems: HashSet<String>,
    words: BTreeSet<String>,
}

impl Words {
    /// Credit in [0, 1] for a question word: 1 when its stem occurs, `PREFIX_CREDIT` when it begins
    /// a longer word, 0 otherwise.
    fn credit(&self, term: &QuestionTerm) -> f32 {
        if self.stems.contains(&term.stem) {
            1.0
        } else if term.word.chars().count() >= MIN_PREFIX_CHARS
            && self
                .words
                .range(term.word.clone()..)
                .next()
                .is_some_and(|w| w.starts_with(&term.word))
        {
            PREFIX_CREDIT
        } else {
            0.0
        }
    }

    fn extend(&mut self, other: &Words) {
        self.stems.extend(other.stems.iter().cloned());
        self.words.extend(other.words.iter().cloned());
    }
}

struct QuestionTerm {
    stem: String,
    word: String,
}

struct ArticleInfo {
    slug: String,
    title: String,
    url: String,
    words: Words,
}

struct StoredPassage {
    article: usize,
    heading: Option<String>,
    text: String,
    words: Words,
}

/// The articles, split into passages and indexed. Immutable: a new one is built when the articles
/// change (the engine swaps its whole bot runtime, this index included, on a pack import).
pub struct KnowledgeBase {
    _reader: IndexReader,
    searcher: Searcher,
    fields: Fields,
    analyzers: Analyzers,
    articles: Vec<ArticleInfo>,
    passages: Vec<StoredPassage>,
    /// In how many passages each content word (stem) occurs.
    doc_freq: HashMap<String, u32>,
    threshold: f32,
}

impl std::fmt::Debug for KnowledgeBase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnowledgeBase")
            .field("articles", &self.articles.len())
            .field("passages", &self.passages.len())
            .field("threshold", &self.threshold)
            .finish()
    }
}

/// Content words: the index's `en_stem` pipeline, with stopwords removed before stemming.
#[derive(Clone)]
struct Analyzers {
    /// Lowercase content words, not stemmed.
    words: TextAnalyzer,
    /// One word to its stem.
    stem: TextAnalyzer,
}

impl Analyzers {
    fn new() -> Self {
        Self {
            words: TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(40))
                .filter(LowerCaser)
                .filter(StopWordFilter::remove(STOPWORDS.iter().map(|w| (*w).to_owned())))
                .build(),
            stem: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }

    fn stem(&mut self, word: &str) -> String {
        let mut stream = self.stem.token_stream(word);
        let mut out = word.to_owned();
        while let Some(token) = stream.next() {
            out.clone_from(&token.text);
        }
        out
    }

    /// The content words of a text, in order, with their stems.
    fn terms(&mut self, text: &str) -> Vec<QuestionTerm> {
        let mut words = Vec::new();
        {
            let mut stream = self.words.token_stream(text);
            while let Some(token) = stream.next() {
                words.push(token.text.clone());
            }
        }
        words
            .into_iter()
            .map(|word| QuestionTerm {
                stem: self.stem(&word),
                word,
            })
            .collect()
    }

    fn add_words(&mut self, text: &str, into: &mut Words) {
        for t in self.terms(text) {
            into.stems.insert(t.stem);
            into.words.insert(t.word);
        }
    }
}

/// The stems of a text's content words (the words the knowledge base searches by: stopwords
/// dropped, lower-cased, English-stemmed), in order.
pub fn content_stems(text: &str) -> Vec<String> {
    let question: String = text.chars().take(MAX_QUESTION_CHARS).collect();
    Analyzers::new()
        .terms(&question)
        .into_iter()
        .map(|t| t.stem)
        .collect()
}

fn normalize_tag(tag: &str) -> String {
    tag.trim().to_lowercase()
}

impl KnowledgeBase {
    /// Splits the articles into passages and indexes them.
    pub fn build(articles: &[Article]) -> Result<Self, KnowledgeError> {
        let mut slugs = HashSet::new();
        for a in articles {
            if !slugs.insert(a.slug.as_str()) {
                return Err(KnowledgeError::DuplicateSlug(a.slug.clone()));
            }
        }

        let mut schema = Schema::builder();
        let text_options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(INDEX_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let fields = Fields {
            text: schema.add_text_field("text", text_options),
            tags: schema.add_text_field("tags", STRING),
            pid: schema.add_u64_field("pid", STORED),
        };
        let index = Index::create_in_ram(schema.build());
        let mut writer = tantivy::SingleSegmentIndexWriter::<TantivyDocument>::new(index, INDEX_MEMORY)?;

        let mut analyzers = Analyzers::new();
        let mut infos = Vec::with_capacity(articles.len());
        let mut passages = Vec::new();
        let mut doc_freq: HashMap<String, u32> = HashMap::new();
        for (ai, article) in articles.iter().enumerate() {
            let title = markdown::strip_inline(&article.title);
            let tags: BTreeSet<String> = article
                .tags
                .iter()
                .map(|t| normalize_tag(t))
                .filter(|t| !t.is_empty())
                .collect();
            let mut article_words = Words::default();
            analyzers.add_words(&title, &mut article_words);
            for raw in markdown::passages(&article.body) {
                // The passage is found by its own words, its headings' and its article's title.
                let mut context = title.clone();
                for h in &raw.headings {
                    context.push('\n');
                    context.push_str(h);
                }
                context.push('\n');
                context.push_str(&raw.text);
                let mut words = Words::default();
                analyzers.add_words(&context, &mut words);
                for t in &words.stems {
                    *doc_freq.entry(t.clone()).or_insert(0) += 1;
                }
                article_words.extend(&words);

                let pid = num::usize_to_u64(passages.len());
                let mut doc = TantivyDocument::default();
                doc.add_text(fields.text, &context);
                for tag in &tags {
                    doc.add_text(fields.tags, tag);
                }
                doc.add_u64(fields.pid, pid);
                writer.add_document(doc)?;
                passages.push(StoredPassage {
                    article: ai,
                    heading: raw.headings.last().cloned(),
                    text: raw.text,
                    words,
                });
            }
            infos.push(ArticleInfo {
                slug: article.slug.clone(),
                title,
                url: article.url.clone(),
                words: article_words,
            });
        }
        let index = writer.finalize()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        Ok(Self {
            _reader: reader,
            searcher,
            fields,
            analyzers,
            articles: infos,
            passages,
            doc_freq,
            threshold: DEFAULT_ANSWER_THRESHOLD,
        })
    }

    /// The same knowledge base with another answer threshold (clamped to [0, 1]).
    pub fn with_threshold(mut self, threshold: f32) -> Self {
        self.threshold = if threshold.is_nan() {
            DEFAULT_ANSWER_THRESHOLD
        } else {
            threshold.clamp(0.0, 1.0)
        };
        self
    }

    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    pub fn article_count(&self) -> usize {
        self.articles.len()
    }

    pub fn passage_count(&self) -> usize {
        self.passages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.passages.is_empty()
    }

    /// The distinct content words of a question (by stem), in order, at most `MAX_QUESTION_TERMS`.
    fn question_terms(&self, question: &str) -> Vec<QuestionTerm> {
        let question: String = question.chars().take(MAX_QUESTION_CHARS).collect();
        let mut seen = HashSet::new();
        let mut terms = self.analyzers.clone().terms(&question);
        terms.retain(|t| seen.insert(t.stem.clone()));
        terms.truncate(MAX_QUESTION_TERMS);
        terms
    }

    /// BM25 IDF of a word over the passages (as tantivy computes it).
    fn idf(&self, doc_freq: u32) -> f32 {
        let n = num::usize_to_f32(self.passages.len());
        let df = num::u32_to_f32(doc_freq);
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// The weight of a question word: its IDF; a word no article uses weighs like the rarest word
    /// they do use.
    fn weight(&self, term: &str) -> f32 {
        let df = self.doc_freq.get(term).copied().unwrap_or(1).max(1);
        self.idf(df)
    }

    /// The passages that best answer the question, best first, at most `limit`. With `tags`, only
    /// passages of articles with one of them (case-insensitive).
    pub fn search(&self, question: &str, tags: &[String], limit: usize) -> Vec<Passage> {
        self.rank(question, tags, limit, false)
    }

    /// [`Self::search`]; with `known_only`, question words that no article uses are left out
    /// (see [`Self::answer`]).
    fn rank(&self, question: &str, tags: &[String], limit: usize, known_only: bool) -> Vec<Passage> {
        if limit == 0 || self.passages.is_empty() {
            return Vec::new();
        }
        let mut terms = self.question_terms(question);
        if known_only {
            terms.retain(|t| self.doc_freq.contains_key(&t.stem));
        }
        if terms.is_empty() {
            return Vec::new();
        }
        let weights: Vec<f32> = terms.iter().map(|t| self.weight(&t.stem)).collect();
        let total: f32 = weights.iter().sum();

        if total <= 0.0 || !total.is_finite() {
            return Vec::new();
        }

        let words: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|t| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.text, &t.stem),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Should, q)
            })
            .collect();
        let mut query: Box<dyn Query> = Box::new(BooleanQuery::new(words));
        let tags: BTreeSet<String> = tags
            .iter()
            .map(|t| normalize_tag(t))
            .filter(|t| !t.is_empty())
            .collect();
        if !tags.is_empty() {
            let tag_query: Vec<(Occur, Box<dyn Query>)> = tags
                .iter()
                .map(|t| {
                    let q: Box<dyn Query> = Box::new(TermQuery::new(
                        Term::from_field_text(self.fields.tags, t),
                        IndexRecordOption::Basic,
                    ));
                    (Occur::Should, q)
                })
                .collect();
            query = Box::new(BooleanQuery::new(vec![
                (Occur::Must, query),
                (
                    Occur::Must,
                    Box::<dyn Query>::from(Box::new(BooleanQuery::new(tag_query))),
                ),
            ]));
        }

        let hits = match self
            .searcher
            .search(&query, &TopDocs::with_limit(CANDIDATES.max(limit)))
        {
            Ok(hits) => hits,
            Err(e) => {
                tracing::warn!(error = %e, "knowledge search failed");
                return Vec::new();
            }
        };

        let mut scored: Vec<(f32, f32, usize)> = Vec::with_capacity(hits.len());
        for (bm25, address) in hits {
            let pid = match self.searcher.doc::<TantivyDocument>(address) {
                Ok(doc) => doc.get_first(self.fields.pid).and_then(|v| v.as_u64()),
                Err(e) => {
                    tracing::warn!(error = %e, "knowledge index document unreadable");
                    None
                }
            };
            let Some(pid) = pid.and_then(|p| usize::try_from(p).ok()) else {
                continue;
            };
            let Some(passage) = self.passages.get(pid) else {
                continue;
            };
            let Some(article) = self.articles.get(passage.article) else {
                continue;
            };
            let mut in_passage = 0.0f32;
            let mut in_article = 0.0f32;
            for (t, w) in terms.iter().zip(&weights) {
                in_passage += w * passage.words.credit(t);
                in_article += w * article.words.credit(t);
            }
            let relevance = W_PASSAGE * (in_passage / total)
                + W_ARTICLE * (in_article / total)
                + W_BM25 * (bm25 / total).min(1.0);
            let relevance = if relevance.is_finite() {
                relevance.clamp(0.0, 1.0)
            } else {
                0.0
            };
            scored.push((relevance, bm25, pid));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
        scored.truncate(limit);
        scored
            .into_iter()
            .filter_map(|(score, _, pid)| {
                let passage = self.passages.get(pid)?;
                let article = self.articles.get(passage.article)?;
                Some(Passage {
                    slug: article.slug.clone(),
                    title: article.title.clone(),
                    url: article.url.clone(),
                    heading: passage.heading.clone(),
                    text: passage.text.clone(),
                    score,
                })
            })
            .collect()
    }

    /// The best passage for the question, if its relevance clears the threshold.
    ///
    /// With `tags` (the articles of a recognised intent), the intent model has already said what
    /// the question is about, so the passage only has to cover the question's words that the
    /// articles know: a product name ("the jacket I bought"), a destination or a misspelling no
    /// article uses cannot be answered by any of them and does not count against the answer. A
    /// question whose known words the intent's articles do not cover still falls short.
    ///
    /// A name no article mentions (a word written with a capital inside a sentence: "a store in
    /// Milan", "pay with Klarna") still stops an answer: the customer asks about exactly that, and
    /// the articles can say nothing about it for sure.
    pub fn answer(&self, question: &str, tags: &[String]) -> Option<Passage> {
        if !tags.is_empty() && self.names_a_stranger(question) {
            return None;
        }
        self.rank(question, tags, 1, !tags.is_empty())
            .into_iter()
            .next()
            .filter(|p| p.score >= self.threshold)
    }
}

#[cfg(test)]
mod tests;
