//! The append-only event log, which is also the outbox. Every committed change is one event, written
//! in the same transaction as the change, with a global, strictly increasing `seq`; the log is the
//! audit trail of conversations, the feed integrations read (`GET /api/v1/events`) and what live
//! clients are sent (a projection per audience).

use crate::ids::{ConversationId, EventId, UserId};
use crate::string_enum::string_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

string_enum!(
    /// What happened.
    EventKind, "event_kind", InvalidEventKind {
        ConversationCreated => "conversation_created",
        MessageCreated => "message_created",
        /// A staff member edited or deleted their own reply or note: `data.change` says which
        /// (see [`MessageChange`]), with `message_id`, `author` and `internal`. Never the text:
        /// readers join the message as it is now, so a deleted text is nowhere in the log.
        MessageUpdated => "message_updated",
        /// Status, priority, assignee, team or tags changed; `data.change` says which
        /// (see [`Change`]), with `from` and `to` (or `tag`).
        ConversationUpdated => "conversation_updated",
        DecisionMade => "decision_made",
        HandedOff => "handed_off",
        SlaBreached => "sla_breached",
        /// The content (pack, model) changed: every instance reloads what it serves.
        ContentChanged => "content_changed",
        /// An administrative or automated action was recorded in the audit log; `data` is the
        /// entry (see [`crate::audit::AuditEntry`]).
        AuditRecorded => "audit_recorded",
        /// A conversation was erased (its customer's erasure or retention). The tombstone of the
        /// log: `data.conversation_id` names it, `data.reason` says why; nothing of its content
        /// is kept, and its earlier events are gone.
        ConversationErased => "conversation_erased",
        /// A root cause's owner's daily digest: `data` has the owner, the day and, per cause they
        /// own, the cases that day, the week's trend, the spike flag and example conversations.
        /// Delivered by webhook or e-mail where those channels are set up.
        RootCauseDigest => "root_cause_digest",
    }
);

string_enum!(
    /// Which field a `conversation_updated` event changed (its `data.change`).
    Change, "change", InvalidChange {
        Status => "status",
        Priority => "priority",
        Assignee => "assignee",
        Team => "team",
        TagAdded => "tag_added",
        TagRemoved => "tag_removed",
        /// The customer's token was replaced: the old one opens nothing (`to` is `revoked`).
        CustomerToken => "customer_token",
        /// Snoozed until `to` (an RFC 3339 time), or woken (`to` is null).
        Snooze => "snooze",
        /// The root cause was suggested (`suggested`, by the bot) or confirmed (`to`, a cause or
        /// null when cleared, by a person).
        RootCause => "root_cause",
    }
);

string_enum!(
    /// What a `message_updated` event did to the message (its `data.change`).
    MessageChange, "message change", InvalidChange {
        /// The text was replaced; the message has `edited_at`.
        Edited => "edited",
        /// The text is gone (empty); the message has `deleted_at`.
        Deleted => "deleted",
    }
);

impl EventKind {
    /// Whether events of this kind change a conversation as staff see it in a list.
    pub fn changes_conversation(self) -> bool {
        matches!(
            self,
            Self::ConversationCreated | Self::ConversationUpdated | Self::HandedOff | Self::SlaBreached
        )
    }
}

/// Who did it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Actor {
    Customer,
    Bot,
    User { id: UserId },
    System,
}

/// One entry of the log. `seq` orders all events of a store: global, strictly increasing, never
/// reused, and an event is readable only once no event with a smaller `seq` can still appear.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Event {
    pub seq: i64,
    pub id: EventId,
    /// The conversation it is about; `None` for events about other things (content).
    pub conversation_id: Option<ConversationId>,
    pub kind: EventKind,
    pub actor: Actor,
    /// Kind-specific details (for example the message id, the old and new status).
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    pub created_at: DateTime<Utc>,
}
