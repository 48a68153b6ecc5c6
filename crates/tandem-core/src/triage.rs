//! The triage of a customer message as Tandem records it: with each decision and as the
//! conversation's latest reading, for agents and trainers to see why. Typed, so nothing reads it
//! through JSON paths; its JSON shape is the one the inbox shows.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::decision::IntentScore;

/// Intent, confidence, signals and entities of one customer message.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TriageRecord {
    /// The best in-scope intent, `None` when the model knows none.
    pub intent: Option<String>,
    pub confidence: f32,
    pub out_of_scope: bool,
    pub top_intents: Vec<IntentScore>,
    pub signals: SignalScores,
    pub entities: Vec<EntityRecord>,
}

/// The conversation signals of one message, each with its evidence.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct SignalScores {
    /// Frustration / dissatisfaction with the conversation so far.
    pub frustration: SignalScore,
    /// The customer wants a person.
    pub human_request: SignalScore,
    /// The customer needs it fast.
    pub urgency: SignalScore,
    /// Insults, profanity, threats of violence or legal action.
    pub abuse: SignalScore,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct SignalScore {
    /// From 0 to 1.
    pub score: f32,
    pub evidence: Vec<Evidence>,
}

/// One reason a score moved: the words and the cue they matched.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct Evidence {
    /// Stable snake_case name of the cue, e.g. `insult`.
    pub cue: String,
    /// Which text the span points into.
    pub source: EvidenceSource,
    /// Byte offsets of the span in that text.
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// Positive raises the score, negative lowers it.
    pub weight: f32,
}

/// The message itself, one of the bot's turns before it, or one of the customer's earlier messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "in", content = "index", rename_all = "snake_case")]
pub enum EvidenceSource {
    #[default]
    Message,
    BotTurn(usize),
    EarlierMessage(usize),
}

/// A value found in a message (order number, e-mail, amount, date...).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct EntityRecord {
    /// `order_number`, `invoice_number`, `email`, `amount`, `date`.
    pub kind: String,
    /// The normalised value.
    pub value: String,
    pub start: usize,
    pub end: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_shape_is_the_one_stored_before() {
        let stored = serde_json::json!({
            "intent": "track_order", "confidence": 0.5, "out_of_scope": false,
            "top_intents": [{"intent": "track_order", "score": 0.5}],
            "signals": {"frustration": {"score": 0.25, "evidence": [
                {"cue": "insult", "source": {"in": "bot_turn", "index": 1}, "start": 0, "end": 4,
                 "text": "dumb", "weight": 0.5}]},
                "human_request": {"score": 0.0, "evidence": []}},
            "entities": [{"kind": "order_number", "value": "A1001", "start": 3, "end": 8}]
        });
        let record: TriageRecord = serde_json::from_value(stored).unwrap();
        assert_eq!(
            record.signals.frustration.evidence[0].source,
            EvidenceSource::BotTurn(1)
        );
        assert_eq!(
            record.signals.urgency,
            SignalScore::default(),
            "missing parts default"
        );
        let again = serde_json::to_value(&record).unwrap();
        assert_eq!(
            again["signals"]["frustration"]["evidence"][0]["source"]["in"],
            "bot_turn"
        );
        assert_eq!(again["entities"][0]["kind"], "order_number");
    }
}
