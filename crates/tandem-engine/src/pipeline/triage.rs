//! Triage of one customer message: intent and confidence (or out of scope), signals with their
//! evidence, entities. Pure computation on the loaded model.

use serde::Serialize;
use tandem_core::decision::IntentScore;
use tandem_core::triage::{EntityRecord, Evidence, EvidenceSource, SignalScore, SignalScores, TriageRecord};
use tandem_nlu::entities::Entity;
use tandem_nlu::intent::IntentModel;
use tandem_nlu::signals::{Context, Signals, Source};

/// How many intents a decision record keeps.
const TOP_K: usize = 5;

#[derive(Clone, Debug, Serialize)]
pub struct Triage {
    /// The best in-scope intent, `None` when the model knows none.
    pub intent: Option<String>,
    pub confidence: f32,
    pub out_of_scope: bool,
    pub top_intents: Vec<IntentScore>,
    pub signals: Signals,
    pub entities: Vec<Entity>,
}

/// Reads one message in the context of the conversation so far. A wish for a person scoring
/// `person_threshold` or more (the pack's handoff threshold) does not count towards the intent.
pub fn triage(model: &IntentModel, text: &str, context: &Context<'_>, person_threshold: f32) -> Triage {
    let signals = tandem_nlu::signals::analyze(text, context);
    let entities = tandem_nlu::entities::extract(text);
    let topic = if signals.human_request.score >= person_threshold {
        topic_text(text, &signals)
    } else {
        None
    };
    match model.predict_top(topic.as_deref().unwrap_or(text), TOP_K) {
        Ok(p) => Triage {
            // The best in-scope intent even when the model's own out-of-scope threshold (tuned on
            // held-out intents, strict for small packs) was not met: the pack's confidence
            // thresholds decide, and `out_of_scope` keeps the model's view for the record. Once
            // a request for a person is taken out, though, what remains ("I would like to,
            // please") names a topic only when it has a word of substance and the model does
            // not call it out of scope.
            intent: if topic
                .as_deref()
                .is_some_and(|t| p.out_of_scope || !names_a_topic(t))
            {
                None
            } else {
                p.best_in_scope(model.oos_label()).map(str::to_owned)
            },
            confidence: p.confidence,
            out_of_scope: p.out_of_scope,
            top_intents: p
                .top
                .iter()
                .map(|s| IntentScore {
                    intent: s.intent.to_owned(),
                    score: s.probability,
                    words: Vec::new(),
                })
                .collect(),
            signals,
            entities,
        },
        Err(e) => {
            tracing::warn!(error = %e, "the intent model could not read a message; treating it as out of scope");
            Triage {
                intent: None,
                confidence: 0.0,
                out_of_scope: true,
                top_intents: Vec::new(),
                signals,
                entities,
            }
        }
    }
}

/// The message without the words that ask for a person ("I'd like to talk to a person about my
/// invoice" reads "I'd like to … about my invoice"): they say who should answer, not what about, so
/// they must not pick the intent, nor with it the team. `None` when nothing asks for a person.
fn topic_text(text: &str, signals: &Signals) -> Option<String> {
    let spans: Vec<(usize, usize)> = signals
        .human_request
        .evidence
        .iter()
        .filter(|e| e.source == Source::Message && e.start < e.end)
        .map(|e| (e.start, e.end))
        .collect();
    if spans.is_empty() {
        return None;
    }
    Some(tandem_nlu::text::without_spans(text, spans))
}

/// Words that ask politely and name no topic ("I would like to … please", "can you … now").
const NO_TOPIC: &[&str] = &[
    "i", "i'd", "id", "i'm", "im", "me", "my", "we", "you", "your", "a", "an", "the", "to", "with", "for",
    "about", "please", "pls", "plz", "would", "could", "can", "may", "might", "will", "want", "wanna",
    "like", "need", "just", "now", "right", "away", "asap", "here", "there", "is", "are", "be", "do", "it",
    "this", "that", "let", "get", "hi", "hello", "hey", "thanks", "thank", "ok", "okay", "so", "and", "or",
    "but", "not", "no", "yes", "rather", "instead", "really", "actually", "again", "someone", "somebody",
    "anyone", "anybody", "else", "real", "actual", "live", "talk", "speak", "chat", "connect", "transfer",
    "put", "through", "thru", "on", "of", "in", "at", "if", "possible",
];

/// Whether what is left of a message once its request for a person is taken out names a topic: at
/// least one word that is not a polite or grammatical filler ("about my invoice" does, "I would
/// like to, please" does not).
fn names_a_topic(rest: &str) -> bool {
    tandem_nlu::text::normalize(rest)
        .split_whitespace()
        .any(|w| w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()) && !NO_TOPIC.contains(&w))
}

impl Triage {
    /// The triage as Tandem records it (with the decision, and as the conversation's latest).
    pub fn record(&self) -> TriageRecord {
        TriageRecord {
            intent: self.intent.clone(),
            confidence: self.confidence,
            out_of_scope: self.out_of_scope,
            top_intents: self.top_intents.clone(),
            signals: signal_scores(&self.signals),
            entities: self
                .entities
                .iter()
                .map(|e| EntityRecord {
                    kind: e.kind.as_str().to_owned(),
                    // Kept with the decision: an e-mail address or a phone number is not.
                    value: crate::privacy::redact(&e.value),
                    start: e.start,
                    end: e.end,
                })
                .collect(),
        }
    }
}

/// The signals of a message as Tandem records them. The evidence shown to agents quotes only the
/// customer (the message, or an earlier message of theirs): the detectors read the bot's turns
/// only to interpret the customer's words, and a span into a bot turn is never kept.
fn signal_scores(signals: &Signals) -> SignalScores {
    let score = |signal: &tandem_nlu::signals::Signal| SignalScore {
        score: signal.score,
        evidence: signal
            .evidence
            .iter()
            .filter(|e| !matches!(e.source, Source::BotTurn(_)))
            .map(|e| Evidence {
                cue: e.cue.to_string(),
                source: match e.source {
                    Source::Message => EvidenceSource::Message,
                    Source::BotTurn(i) => EvidenceSource::BotTurn(i),
                    Source::EarlierMessage(i) => EvidenceSource::EarlierMessage(i),
                },
                start: e.start,
                end: e.end,
                text: crate::privacy::evidence(&e.text),
                weight: e.weight,
            })
            .collect(),
    };
    SignalScores {
        frustration: score(&signals.frustration),
        human_request: score(&signals.human_request),
        urgency: score(&signals.urgency),
        abuse: score(&signals.abuse),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(text: &str) -> Option<String> {
        let signals = tandem_nlu::signals::analyze(text, &Context::default());
        topic_text(text, &signals).map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    #[test]
    fn what_is_left_of_a_request_for_a_person_names_a_topic_only_with_substance() {
        for rest in ["I would like to … please", "can you … now", "i'd rather … thanks"] {
            assert!(!names_a_topic(rest), "{rest}");
        }
        for rest in ["I'd like to … about my invoice", "… my order A1001 never came"] {
            assert!(names_a_topic(rest), "{rest}");
        }
    }

    #[test]
    fn recorded_evidence_quotes_only_the_customer() {
        let bot = "Sorry, there is no order A1001. I couldn't find it.";
        let earlier = "Where is my order A1001?";
        let context = Context::new().with_earlier_message(earlier).with_bot_turn(bot);
        let signals = tandem_nlu::signals::analyze("No, that's wrong. Where is my order A1001?!", &context);
        let record = signal_scores(&signals);
        assert!(record.frustration.score > 0.5, "{:?}", record.frustration);
        for e in record
            .frustration
            .evidence
            .iter()
            .chain(&record.human_request.evidence)
        {
            assert!(
                matches!(
                    e.source,
                    EvidenceSource::Message | EvidenceSource::EarlierMessage(_)
                ),
                "{e:?}"
            );
        }
    }

    #[test]
    fn the_words_asking_for_a_person_are_left_out_of_the_topic() {
        let t = topic("I would like to talk to a person about my invoice, please.").unwrap();
        assert!(t.contains("invoice"), "{t}");
        assert!(!t.contains("person"), "{t}");
        assert_eq!(topic("Where is my order A1001?"), None);
        // Any text: the spans stay on character boundaries.
        assert!(topic("😀 talk to a human 😀 ünïcode").is_some_and(|t| !t.contains("human")));
    }
}
