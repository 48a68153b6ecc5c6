//! The append-only conversation event log. Every change to a conversation is one event, written
//! in the same transaction as the change; the log is the audit trail and what live clients see.

use crate::ids::{ConversationId, EventId, UserId};
use crate::model::string_enum;
use crate::Error;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

string_enum!(
    /// What happened.
    EventKind, "event_kind" {
        ConversationCreated => "conversation_created",
        MessageAdded => "message_added",
        StatusChanged => "status_changed",
        Assigned => "assigned",
        PriorityChanged => "priority_changed",
        TeamChanged => "team_changed",
        Tagged => "tagged",
        Untagged => "untagged",
        DecisionMade => "decision_made",
        HandedOff => "handed_off",
        SlaBreached => "sla_breached",
    }
);

/// Who did it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Actor {
    Customer,
    Bot,
    User { id: UserId },
    System,
}

/// One entry of the log. `seq` orders all events of a store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Event {
    pub seq: i64,
    pub id: EventId,
    pub conversation_id: ConversationId,
    pub kind: EventKind,
    pub actor: Actor,
    /// Kind-specific details (for example the message id, the old and new status).
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    pub created_at: DateTime<Utc>,
}
