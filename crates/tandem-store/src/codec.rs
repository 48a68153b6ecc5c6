//! Rows as the databases return them, and their conversion into domain records.

use chrono::{DateTime, Utc};
use std::str::FromStr;
use tandem_core::decision::{Decision, DecisionKind, HandoffReason, IntentScore};
use tandem_core::event::{Actor, Event, EventKind};
use tandem_core::model::{
    Author, Choice, Conversation, ConversationStatus, Customer, Message, Priority, Role, Sla, Source, Team,
    User,
};
use tandem_core::{Error, ErrorCode};

use crate::Result;

/// A probability read back from a `REAL` column: it was an `f32` when stored, so nothing is lost.
#[allow(
    clippy::cast_possible_truncation,
    clippy::as_conversions,
    reason = "the value was an f32 probability when it was stored"
)]
pub(crate) fn probability(stored: f64) -> f32 {
    stored.clamp(0.0, 1.0) as f32
}

pub(crate) fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

pub(crate) fn time(micros: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_micros(micros).ok_or_else(|| corrupt("timestamp", "out of range"))
}

pub(crate) fn id<T: FromStr>(text: &str) -> Result<T> {
    text.parse().map_err(|_| corrupt("id", "not an id"))
}

pub(crate) fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    // serde's message may quote the value; the position may not.
    serde_json::from_str(text).map_err(|e| {
        corrupt(
            "JSON value",
            format!("unreadable at line {} column {}", e.line(), e.column()),
        )
    })
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::internal(format!("cannot encode a value: {e}")))
}

fn corrupt(what: &str, error: impl std::fmt::Display) -> Error {
    // The stored value itself is not logged: it may hold personal data.
    tracing::error!(%error, "corrupt {what} in the database");
    Error::internal(format!("the database holds a corrupt {what}"))
}

/// Maps a database error; unique violations become the given conflict.
pub(crate) fn db_error(err: sqlx::Error) -> Error {
    if let Some(db) = err.as_database_error() {
        if db.is_foreign_key_violation() {
            return Error::invalid(ErrorCode::UnknownReference, "a referenced record does not exist");
        }
    }
    tracing::error!(error = %err, "storage error");
    Error::internal("the database could not complete the operation")
}

/// Like [`db_error`], but a unique violation becomes `conflict`.
pub(crate) fn unique_error(err: sqlx::Error, code: ErrorCode, message: &str) -> Error {
    match err.as_database_error() {
        Some(db) if db.is_unique_violation() => Error::conflict(code, message),
        _ => db_error(err),
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub active: bool,
    pub created_at: i64,
}

impl UserRow {
    pub(crate) fn into_user(self, team_ids: &[(String, String)]) -> Result<User> {
        let teams = team_ids
            .iter()
            .filter(|(u, _)| *u == self.id)
            .map(|(_, t)| id(t))
            .collect::<Result<_>>()?;
        Ok(User {
            id: id(&self.id)?,
            email: self.email,
            name: self.name,
            role: Role::parse(&self.role)?,
            active: self.active,
            team_ids: teams,
            created_at: time(self.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TeamRow {
    pub id: String,
    pub name: String,
    pub skills: String,
    pub created_at: i64,
}

impl TryFrom<TeamRow> for Team {
    type Error = Error;
    fn try_from(row: TeamRow) -> Result<Team> {
        Ok(Team {
            id: id(&row.id)?,
            name: row.name,
            skills: json(&row.skills)?,
            created_at: time(row.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ConversationRow {
    pub id: String,
    pub status: String,
    pub priority: String,
    pub assignee_id: Option<String>,
    pub team_id: Option<String>,
    pub preview: String,
    pub message_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_message_at: i64,
    pub customer_id: String,
    pub customer_name: String,
    pub customer_email: String,
    pub customer_created_at: i64,
    pub handoff_reason: Option<String>,
    pub summary: Option<String>,
    pub triage: Option<String>,
    pub first_response_due_at: Option<i64>,
    pub resolution_due_at: Option<i64>,
    pub first_response_at: Option<i64>,
    pub first_response_breached: bool,
    pub resolution_breached: bool,
    pub customer_verified: bool,
    pub snoozed_until: Option<i64>,
}

/// The columns a [`ConversationRow`] is read from (`c` is conversations, `cu` customers).
pub(crate) const CONVERSATION_COLUMNS: &str = "c.id, c.status, c.priority, c.assignee_id, c.team_id, \
     c.preview, c.message_count, c.created_at, c.updated_at, c.last_message_at, c.customer_id, \
     cu.name AS customer_name, cu.email AS customer_email, cu.created_at AS customer_created_at, \
     c.handoff_reason, c.summary, c.triage, c.first_response_due_at, c.resolution_due_at, c.first_response_at, \
     c.first_response_breached, c.resolution_breached, c.customer_verified, c.snoozed_until FROM conversations c JOIN customers cu ON cu.id = c.customer_id";

impl ConversationRow {
    pub(crate) fn into_conversation(self, tags: &[(String, String)]) -> Result<Conversation> {
        let mut own: Vec<String> = tags
            .iter()
            .filter(|(c, _)| *c == self.id)
            .map(|(_, t)| t.clone())
            .collect();
        own.sort();
        Ok(Conversation {
            id: id(&self.id)?,
            customer: Customer {
                id: id(&self.customer_id)?,
                name: self.customer_name,
                email: self.customer_email,
                created_at: time(self.customer_created_at)?,
            },
            customer_verified: self.customer_verified,
            status: ConversationStatus::parse(&self.status)?,
            priority: Priority::parse(&self.priority)?,
            assignee_id: self.assignee_id.as_deref().map(id).transpose()?,
            team_id: self.team_id.as_deref().map(id).transpose()?,
            tags: own,
            preview: self.preview,
            handoff_reason: self
                .handoff_reason
                .as_deref()
                .map(HandoffReason::parse)
                .transpose()?,
            summary: self.summary,
            triage: self.triage.as_deref().map(json).transpose()?,
            sla: match (self.first_response_due_at, self.resolution_due_at) {
                (Some(first), Some(resolution)) => Some(Sla {
                    first_response_due_at: time(first)?,
                    resolution_due_at: time(resolution)?,
                    first_response_at: self.first_response_at.map(time).transpose()?,
                    first_response_breached: self.first_response_breached,
                    resolution_breached: self.resolution_breached,
                }),
                _ => None,
            },
            snoozed_until: self.snoozed_until.map(time).transpose()?,
            message_count: self.message_count,
            created_at: time(self.created_at)?,
            updated_at: time(self.updated_at)?,
            last_message_at: time(self.last_message_at)?,
        })
    }
}

/// The columns a [`MessageRow`] is read from.
pub(crate) const MESSAGE_COLUMNS: &str =
    "id, conversation_id, author, author_user_id, text, internal, sources, choices, choice, created_at, \
     edited_at, deleted_at FROM messages";

#[derive(sqlx::FromRow)]
pub(crate) struct MessageRow {
    pub id: String,
    pub conversation_id: String,
    pub author: String,
    pub author_user_id: Option<String>,
    pub text: String,
    pub internal: bool,
    pub sources: String,
    pub choices: String,
    pub choice: Option<String>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted_at: Option<i64>,
}

impl TryFrom<MessageRow> for Message {
    type Error = Error;
    fn try_from(row: MessageRow) -> Result<Message> {
        let sources: Vec<Source> = json(&row.sources)?;
        let choices: Vec<Choice> = json(&row.choices)?;
        Ok(Message {
            id: id(&row.id)?,
            conversation_id: id(&row.conversation_id)?,
            author: Author::parse(&row.author)?,
            author_user_id: row.author_user_id.as_deref().map(id).transpose()?,
            text: row.text,
            internal: row.internal,
            sources,
            choices,
            choice: row.choice,
            created_at: time(row.created_at)?,
            attachments: Vec::new(),
            edited_at: row.edited_at.map(time).transpose()?,
            deleted_at: row.deleted_at.map(time).transpose()?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    pub seq: i64,
    pub id: String,
    pub conversation_id: Option<String>,
    pub kind: String,
    pub actor: String,
    pub data: String,
    pub created_at: i64,
}

impl TryFrom<EventRow> for Event {
    type Error = Error;
    fn try_from(row: EventRow) -> Result<Event> {
        let actor: Actor = json(&row.actor)?;
        Ok(Event {
            seq: row.seq,
            id: id(&row.id)?,
            conversation_id: row.conversation_id.as_deref().map(id).transpose()?,
            kind: EventKind::parse(&row.kind)?,
            actor,
            data: json(&row.data)?,
            created_at: time(row.created_at)?,
        })
    }
}

/// The first characters of a message, for conversation lists.
pub(crate) fn preview(text: &str) -> String {
    const MAX: usize = 140;
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= MAX {
        flat
    } else {
        let mut cut: String = flat.chars().take(MAX - 1).collect();
        cut.push('…');
        cut
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DecisionRow {
    pub conversation_id: String,
    pub message_id: String,
    pub kind: String,
    pub intent: Option<String>,
    pub confidence: f64,
    pub handoff_reason: Option<String>,
    pub slot: Option<String>,
    pub detail: String,
    pub created_at: i64,
}

/// The parts of a decision kept as one JSON document.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct DecisionDetail {
    pub top_intents: Vec<IntentScore>,
    pub signals: tandem_core::triage::SignalScores,
    pub reasons: Vec<String>,
    pub entities: serde_json::Value,
}

impl TryFrom<DecisionRow> for Decision {
    type Error = Error;
    fn try_from(row: DecisionRow) -> Result<Decision> {
        let detail: DecisionDetail = json(&row.detail)?;
        Ok(Decision {
            conversation_id: id(&row.conversation_id)?,
            message_id: id(&row.message_id)?,
            kind: DecisionKind::parse(&row.kind)?,
            intent: row.intent,
            confidence: probability(row.confidence),
            top_intents: detail.top_intents,
            signals: detail.signals,
            reasons: detail.reasons,
            handoff_reason: row
                .handoff_reason
                .as_deref()
                .map(HandoffReason::parse)
                .transpose()?,
            slot: row.slot,
            entities: detail.entities,
            created_at: time(row.created_at)?,
        })
    }
}
