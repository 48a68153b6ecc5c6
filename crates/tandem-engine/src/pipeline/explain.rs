//! Which words carried the intents the model ranked first, for the decision record: for each
//! word of the message, the model reads the message without it, and the words whose absence
//! lowers an intent's probability most are that intent's evidence (occlusion). Read on the
//! message with its personal data redacted, so the record keeps none.

use tandem_core::decision::IntentScore;
use tandem_nlu::intent::IntentModel;

/// Words kept per intent.
pub const MAX_WORDS: usize = 3;
/// Intents explained (the first of the top intents).
const EXPLAINED: usize = 3;
/// Words of a longer message are not all tried: the first this many.
const MAX_TRIED: usize = 24;
/// A word counts when removing it lowers the intent's probability by at least this much.
const MIN_DROP: f32 = 0.01;

/// Fills `words` of the first [`EXPLAINED`] intents of `top`. The fast tier reads a message in
/// microseconds, so trying each word costs well under a millisecond; with the semantic tier (a
/// sentence model per reading) the words are left empty.
pub fn carried_by(model: &IntentModel, redacted: &str, top: &mut [IntentScore]) {
    if model.dense_spec().is_some() || top.is_empty() {
        return;
    }
    let words: Vec<&str> = redacted.split_whitespace().take(MAX_TRIED).collect();
    let labels = model.labels().len();
    let explained: Vec<String> = top.iter().take(EXPLAINED).map(|s| s.intent.clone()).collect();
    // The explained intents' probabilities in one reading of `text`.
    let read = |text: &str| -> Option<Vec<f32>> {
        let p = model.predict_top(text, labels).ok()?;
        Some(
            explained
                .iter()
                .map(|i| {
                    p.top
                        .iter()
                        .find(|s| s.intent == i)
                        .map_or(0.0, |s| s.probability)
                })
                .collect(),
        )
    };
    let Some(full) = read(redacted) else {
        return;
    };
    // drops[i][w]: how much intent i loses without word w.
    let mut drops: Vec<Vec<(f32, usize)>> = vec![Vec::new(); explained.len()];
    for (w, word) in words.iter().enumerate() {
        if is_tag(word) {
            continue;
        }
        let without: Vec<&str> = words
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != w)
            .map(|(_, x)| *x)
            .collect();
        let Some(after) = read(&without.join(" ")) else {
            continue;
        };
        for ((before, after), d) in full.iter().zip(&after).zip(drops.iter_mut()) {
            if before - after >= MIN_DROP {
                d.push((before - after, w));
            }
        }
    }
    for (score, mut d) in top.iter_mut().zip(drops) {
        d.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        score.words = d
            .into_iter()
            .take(MAX_WORDS)
            .filter_map(|(_, w)| words.get(w).map(|x| clean(x)))
            .filter(|x| !x.is_empty())
            .collect();
    }
}

/// A redaction tag (`[EMAIL]`): not a word of the customer's.
fn is_tag(word: &str) -> bool {
    let w = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '[' && c != ']');
    w.starts_with('[') && w.ends_with(']')
}

/// The word without the punctuation around it.
fn clean(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
        .to_owned()
}
