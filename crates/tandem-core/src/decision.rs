//! What the bot decided about a customer message, and why. Every decision is stored with its
//! inputs so a person can always see why the bot did what it did.

use crate::ids::{ConversationId, MessageId};
use crate::string_enum::string_enum;
use crate::triage::SignalScores;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

string_enum!(
    /// The kinds of decision.
    DecisionKind, "decision_kind", InvalidDecisionKind {
        Resolve => "resolve",
        Answer => "answer",
        Clarify => "clarify",
        Handoff => "handoff",
        Acknowledge => "acknowledge",
    }
);

string_enum!(
    /// Why a case went to a person: a closed set, so reasons can be counted and improved.
    HandoffReason, "handoff_reason", InvalidHandoffReason {
        CustomerRequest => "customer_request",
        LowConfidence => "low_confidence",
        OutOfScope => "out_of_scope",
        SensitiveTopic => "sensitive_topic",
        Frustration => "frustration",
        RepeatedFailure => "repeated_failure",
        ActionFailed => "action_failed",
        Policy => "policy",
    }
);

/// An intent and its probability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IntentScore {
    pub intent: String,
    pub score: f32,
}

/// One decision of the bot about one customer message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Decision {
    pub conversation_id: ConversationId,
    /// The customer message decided about.
    pub message_id: MessageId,
    pub kind: DecisionKind,
    pub intent: Option<String>,
    pub confidence: f32,
    pub top_intents: Vec<IntentScore>,
    /// Signal scores with their evidence.
    pub signals: SignalScores,
    /// The rules that fired, in words.
    pub reasons: Vec<String>,
    pub handoff_reason: Option<HandoffReason>,
    /// For `clarify`: the value asked for.
    pub slot: Option<String>,
    /// Values found in the message and the slots filled.
    #[schema(value_type = Object)]
    pub entities: serde_json::Value,
    pub created_at: DateTime<Utc>,
}
