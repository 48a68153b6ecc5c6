//! The event log, which is also the outbox: every change's events are written in the change's own
//! transaction with a global, strictly increasing `seq`. A reader that asks for the events after the
//! last `seq` it saw never misses one: an event becomes readable only when no event with a smaller
//! `seq` can still appear (SQLite has one writer; PostgreSQL writers of events take the outbox lock
//! until they commit).

use async_trait::async_trait;
use tandem_core::event::{Actor, Event, EventKind};
use tandem_core::ids::ConversationId;

use crate::Result;

/// An event that is not part of another aggregate's change (content, for example).
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub conversation_id: Option<ConversationId>,
    pub kind: EventKind,
    pub actor: Actor,
    pub data: serde_json::Value,
}

#[async_trait]
pub trait EventStore: Send + Sync {
    /// Appends one event in its own transaction.
    async fn append_event(&self, event: NewEvent) -> Result<Event>;
    /// One conversation's events, oldest first.
    async fn list_events(&self, conversation: ConversationId) -> Result<Vec<Event>>;
    /// At most `limit` events with `seq` above `after`, ascending.
    async fn events_after(&self, after: i64, limit: i64) -> Result<Vec<Event>>;
    /// The largest `seq` so far (0 when there is none).
    async fn last_seq(&self) -> Result<i64>;
}
