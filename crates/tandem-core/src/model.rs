//! The domain records: customers, conversations, messages, staff users and teams.

use crate::ids::{AttachmentId, ConversationId, CustomerId, MessageId, TeamId, UserId};
use crate::string_enum::string_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

string_enum!(
    /// Who is handling a conversation: the bot, a queue waiting for a person, a person, or nobody
    /// because it is resolved.
    ConversationStatus, "status", InvalidStatus {
        Bot => "bot",
        Queued => "queued",
        Assigned => "assigned",
        Resolved => "resolved",
    }
);

string_enum!(
    /// How urgent a conversation is.
    Priority, "priority", InvalidPriority {
        Low => "low",
        Normal => "normal",
        High => "high",
        Urgent => "urgent",
    }
);

string_enum!(
    /// Who wrote a message.
    Author, "author", InvalidAuthor {
        Customer => "customer",
        Bot => "bot",
        Agent => "agent",
        System => "system",
    }
);

string_enum!(
    /// A staff member's role. Permissions follow from it (see [`crate::permission`]).
    Role, "role", InvalidRole {
        Agent => "agent",
        Trainer => "trainer",
        Supervisor => "supervisor",
        Admin => "admin",
    }
);

/// A person who writes to the business.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Customer {
    pub id: CustomerId,
    pub name: String,
    pub email: String,
    pub created_at: DateTime<Utc>,
}

/// A conversation as agents see it in lists and in detail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Conversation {
    pub id: ConversationId,
    pub customer: Customer,
    /// Whether the customer's e-mail address was signed by the business's site (see README).
    pub customer_verified: bool,
    pub status: ConversationStatus,
    pub priority: Priority,
    pub assignee_id: Option<UserId>,
    pub team_id: Option<TeamId>,
    pub tags: Vec<String>,
    /// The first words of the customer's latest message (what they last said, not the bot's or an
    /// agent's answer to it), redacted of personal data.
    pub preview: String,
    /// Why the bot handed the case to a person, when it did.
    pub handoff_reason: Option<crate::decision::HandoffReason>,
    /// For the agent who takes over: what the customer wants, mood, what the bot tried, facts.
    pub summary: Option<String>,
    /// The latest triage of a customer message (intent, confidence, signals, entities).
    pub triage: Option<crate::triage::TriageRecord>,
    /// Service-level targets, set when the case goes to people.
    pub sla: Option<Sla>,
    /// Hidden from the open lists until this time, or until the customer writes again.
    pub snoozed_until: Option<DateTime<Utc>>,
    pub message_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_message_at: DateTime<Utc>,
}

/// The service-level targets of a case handled by people, and whether they were missed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Sla {
    pub first_response_due_at: DateTime<Utc>,
    pub resolution_due_at: DateTime<Utc>,
    /// When an agent first replied to the customer.
    pub first_response_at: Option<DateTime<Utc>>,
    pub first_response_breached: bool,
    pub resolution_breached: bool,
}

/// A link to where an answer came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Source {
    pub title: String,
    pub url: String,
}

/// The choice that asks for a person, offered under every question with choices.
pub const HUMAN_CHOICE: &str = "human";

/// One button under a bot question: what the customer may mean, in words they understand. Picking
/// it continues the conversation with `intent` as if the bot had recognised it (`human`: a person).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Choice {
    pub intent: String,
    pub label: String,
}

/// One message. Internal notes are visible to staff only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub author: Author,
    /// The staff member who wrote it, for agent messages and notes.
    pub author_user_id: Option<UserId>,
    pub text: String,
    pub internal: bool,
    #[serde(default)]
    pub sources: Vec<Source>,
    /// For a bot question: the choices offered as buttons.
    #[serde(default)]
    pub choices: Vec<Choice>,
    /// For a customer message sent by picking a choice: the choice's intent.
    #[serde(default)]
    pub choice: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The files sent with it (what they are; the bytes are fetched by id).
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// When its author last edited it (staff replies and notes, within the edit window); the
    /// earlier text is not kept.
    #[serde(default)]
    pub edited_at: Option<DateTime<Utc>>,
    /// When its author deleted it: its text is empty from then on, everywhere.
    #[serde(default)]
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A file sent in a conversation: an image (PNG, JPEG, GIF, WebP) or a PDF, its type told by its
/// content. The bytes are served by their own route, with safe headers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Attachment {
    pub id: AttachmentId,
    pub conversation_id: ConversationId,
    /// The message it was sent with; `None` while it is uploaded but not sent yet.
    pub message_id: Option<MessageId>,
    /// The file's name, made safe (no folders, no control characters, at most 120 characters).
    pub filename: String,
    /// The type its content shows: `image/png`, `image/jpeg`, `image/gif`, `image/webp` or
    /// `application/pdf`.
    pub content_type: String,
    /// In bytes.
    pub size: i64,
    /// The SHA-256 of its content, hex.
    pub sha256: String,
    /// Whether a thumbnail can be fetched (images).
    pub thumbnail: bool,
    /// Who uploaded it: `customer` or `agent` (staff).
    pub uploaded_by: Author,
    pub created_at: DateTime<Utc>,
}

/// A message as its customer sees it: the author by role, and an agent's reply with the name it is
/// signed with (never which staff member wrote it: no id, full name or e-mail address). Internal
/// notes are never shown to customers at all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomerMessage {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub author: Author,
    pub text: String,
    /// Always `false`: customers are never shown internal notes.
    pub internal: bool,
    #[serde(default)]
    pub sources: Vec<Source>,
    /// For a bot question: the choices offered as buttons.
    #[serde(default)]
    pub choices: Vec<Choice>,
    /// For a message sent by picking a choice: the choice's intent.
    #[serde(default)]
    pub choice: Option<String>,
    pub created_at: DateTime<Utc>,
    /// For an agent's reply: the name it is signed with (the pack's `agent_name`, or the agent's
    /// first name; never their full name or e-mail address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    /// The files sent with it.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// When the agent last edited the reply (the widget marks it "edited").
    #[serde(default)]
    pub edited_at: Option<DateTime<Utc>>,
    /// When the agent deleted the reply: its text is empty (the widget says it was deleted).
    #[serde(default)]
    pub deleted_at: Option<DateTime<Utc>>,
}

impl From<&Message> for CustomerMessage {
    fn from(m: &Message) -> Self {
        Self {
            id: m.id,
            conversation_id: m.conversation_id,
            author: m.author,
            text: m.text.clone(),
            internal: m.internal,
            sources: m.sources.clone(),
            choices: m.choices.clone(),
            choice: m.choice.clone(),
            created_at: m.created_at,
            author_name: None,
            attachments: m.attachments.clone(),
            edited_at: m.edited_at,
            deleted_at: m.deleted_at,
        }
    }
}

/// A staff member.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub team_ids: Vec<TeamId>,
    pub created_at: DateTime<Utc>,
}

/// A team of staff members, with the skills it covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub skills: Vec<String>,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_enums_parse_their_own_text_and_explain_bad_values() {
        for status in ConversationStatus::ALL {
            assert_eq!(ConversationStatus::parse(status.as_str()).unwrap(), *status);
        }
        let err = Role::parse("root").unwrap_err();
        assert_eq!(err.code(), "invalid_role");
        assert!(
            err.to_string().contains("agent, trainer, supervisor, admin"),
            "{err}"
        );
    }
}
