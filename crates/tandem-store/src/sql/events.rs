//! The event log and outbox.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Transaction, Type};
use tandem_core::event::{Actor, Event, EventKind};
use tandem_core::ids::{ConversationId, EventId};

use super::{Dialect, SqlStore};
use crate::codec::{db_error, micros, time, to_json, EventRow};
use crate::events::{EventStore, NewEvent};
use crate::Result;

const EVENT_COLUMNS: &str = "seq, id, conversation_id, kind, actor, data, created_at FROM events";

impl<DB> SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    /// The last event `seq` a worker that follows the log handled, kept in its one-row `table`
    /// (`draft_cursor`, `quality_cursor`); 0 at first.
    pub(super) async fn worker_cursor(&self, table: &'static str) -> Result<i64> {
        let row: Option<(i64,)> = sqlx::query_as(&format!("SELECT seq FROM {table} WHERE id = 1"))
            .fetch_optional(self.reader())
            .await
            .map_err(db_error)?;
        Ok(row.map_or(0, |(seq,)| seq))
    }

    /// Moves a worker's cursor forward to `seq` (never back).
    pub(super) async fn advance_worker_cursor(&self, table: &'static str, seq: i64) -> Result<()> {
        sqlx::query(&format!("UPDATE {table} SET seq = $1 WHERE id = 1 AND seq < $1"))
            .bind(seq)
            .execute(self.writer())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    /// Appends one event inside the caller's transaction, under the outbox lock.
    pub(super) async fn insert_event(
        tx: &mut Transaction<'_, DB>,
        conversation: Option<ConversationId>,
        kind: EventKind,
        actor: &Actor,
        data: serde_json::Value,
        at: DateTime<Utc>,
    ) -> Result<Event> {
        DB::lock_outbox(&mut **tx).await?;
        let event_id = EventId::new();
        let (seq,): (i64,) = sqlx::query_as(
            "INSERT INTO events (id, conversation_id, kind, actor, data, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq",
        )
        .bind(event_id.to_string())
        .bind(conversation.map(|c| c.to_string()))
        .bind(kind.as_str().to_owned())
        .bind(to_json(actor)?)
        .bind(to_json(&data)?)
        .bind(micros(at))
        .fetch_one(&mut **tx)
        .await
        .map_err(db_error)?;
        Ok(Event {
            seq,
            id: event_id,
            conversation_id: conversation,
            kind,
            actor: actor.clone(),
            data,
            created_at: time(micros(at))?,
        })
    }
}

#[async_trait]
impl<DB> EventStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
{
    async fn append_event(&self, event: NewEvent) -> Result<Event> {
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let stored = Self::insert_event(
            &mut tx,
            event.conversation_id,
            event.kind,
            &event.actor,
            event.data,
            self.now(),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(stored)
    }

    async fn list_events(&self, conversation: ConversationId) -> Result<Vec<Event>> {
        let rows: Vec<EventRow> = sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS} WHERE conversation_id = $1 ORDER BY seq"
        ))
        .bind(conversation.to_string())
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        rows.into_iter().map(Event::try_from).collect()
    }

    async fn events_after(&self, after: i64, limit: i64) -> Result<Vec<Event>> {
        let rows: Vec<EventRow> = sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS} WHERE seq > $1 ORDER BY seq LIMIT $2"
        ))
        .bind(after)
        .bind(limit)
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        rows.into_iter().map(Event::try_from).collect()
    }

    async fn last_seq(&self) -> Result<i64> {
        let (seq,): (Option<i64>,) = sqlx::query_as("SELECT MAX(seq) FROM events")
            .fetch_one(self.reader())
            .await
            .map_err(db_error)?;
        Ok(seq.unwrap_or(0))
    }
}
