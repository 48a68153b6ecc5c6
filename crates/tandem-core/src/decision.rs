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

/// What the bot did about a message, as it is recorded: the kind of decision with what belongs to
/// it, so a handoff always carries its reason and only a clarification names the value asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Ran the intent's action and replied with its result.
    Resolve,
    /// Answered from the knowledge base.
    Answer,
    /// Asked for a missing value (`slot`), or to rephrase.
    Clarify { slot: Option<String> },
    /// Gave the case to people.
    Handoff { reason: HandoffReason },
    /// Acknowledged (a greeting, thanks).
    Acknowledge,
}

impl Verdict {
    pub fn kind(&self) -> DecisionKind {
        match self {
            Self::Resolve => DecisionKind::Resolve,
            Self::Answer => DecisionKind::Answer,
            Self::Clarify { .. } => DecisionKind::Clarify,
            Self::Handoff { .. } => DecisionKind::Handoff,
            Self::Acknowledge => DecisionKind::Acknowledge,
        }
    }

    pub fn handoff_reason(&self) -> Option<HandoffReason> {
        match self {
            Self::Handoff { reason } => Some(*reason),
            _ => None,
        }
    }

    pub fn slot(&self) -> Option<&str> {
        match self {
            Self::Clarify { slot } => slot.as_deref(),
            _ => None,
        }
    }
}

/// An intent and its probability, with the words of the message that carried it most (personal
/// data redacted): what a trainer reads to see why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IntentScore {
    pub intent: String,
    pub score: f32,
    #[serde(default)]
    pub words: Vec<String>,
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

impl Decision {
    /// What the bot did, as one value (a stored handoff without a reason reads as `policy`).
    pub fn verdict(&self) -> Verdict {
        match self.kind {
            DecisionKind::Resolve => Verdict::Resolve,
            DecisionKind::Answer => Verdict::Answer,
            DecisionKind::Clarify => Verdict::Clarify {
                slot: self.slot.clone(),
            },
            DecisionKind::Handoff => Verdict::Handoff {
                reason: self.handoff_reason.unwrap_or(HandoffReason::Policy),
            },
            DecisionKind::Acknowledge => Verdict::Acknowledge,
        }
    }
}
