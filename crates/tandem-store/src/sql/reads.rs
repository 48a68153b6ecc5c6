//! Read marks (see [`crate::reads`]).

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};
use tandem_core::ids::{ConversationId, UserId};

use super::{Dialect, Dynamic, SqlStore, Value};
use crate::codec::{db_error, id, micros};
use crate::reads::ReadStore;
use crate::Result;

/// The customer messages a user has not read (after their mark, or all without one): this, the
/// user's id, then [`UNREAD_WHERE`].
const UNREAD_FROM: &str =
    "FROM messages m LEFT JOIN conversation_reads r ON r.conversation_id = m.conversation_id AND r.user_id = ";
const UNREAD_WHERE: &str = " WHERE m.author = 'customer' AND m.seq > COALESCE(r.last_read_seq, 0)";

#[async_trait]
impl<DB> ReadStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
{
    async fn mark_read(&self, user: UserId, conversation: ConversationId) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO conversation_reads (user_id, conversation_id, last_read_seq, read_at) \
             SELECT $1, c.id, COALESCE((SELECT MAX(seq) FROM messages WHERE conversation_id = c.id), 0), $3 \
             FROM conversations c WHERE c.id = $2 \
             ON CONFLICT (user_id, conversation_id) DO UPDATE \
             SET last_read_seq = excluded.last_read_seq, read_at = excluded.read_at \
             WHERE conversation_reads.last_read_seq <= excluded.last_read_seq",
        )
        .bind(user.to_string())
        .bind(conversation.to_string())
        .bind(micros(self.now()))
        .execute(self.writer())
        .await
        .map_err(db_error)?;
        if DB::rows_affected(&done) > 0 {
            return Ok(true);
        }
        // Nothing changed: an unknown conversation, or a newer mark already there.
        let known: Option<(String,)> = sqlx::query_as("SELECT id FROM conversations WHERE id = $1")
            .bind(conversation.to_string())
            .fetch_optional(self.reader())
            .await
            .map_err(db_error)?;
        Ok(known.is_some())
    }

    async fn unread_counts(
        &self,
        user: UserId,
        conversations: &[ConversationId],
    ) -> Result<HashMap<ConversationId, i64>> {
        if conversations.is_empty() {
            return Ok(HashMap::new());
        }
        let mut q = Dynamic::new("SELECT m.conversation_id, COUNT(*) ");
        q.push(UNREAD_FROM)
            .bind(Value::Text(user.to_string()))
            .push(UNREAD_WHERE)
            .push(" AND m.conversation_id IN ")
            .bind_list(conversations.iter().map(ToString::to_string))
            .push(" GROUP BY m.conversation_id");
        let rows: Vec<(String, i64)> = q
            .bind_to(sqlx::query_as(q.sql()))
            .fetch_all(self.reader())
            .await
            .map_err(db_error)?;
        rows.into_iter()
            .map(|(conversation, n)| Ok((id(&conversation)?, n)))
            .collect()
    }

    async fn unread_cases(&self, user: UserId) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as(&format!(
            "SELECT COUNT(DISTINCT m.conversation_id) {UNREAD_FROM}$1{UNREAD_WHERE} AND EXISTS (SELECT 1 FROM conversations c \
             WHERE c.id = m.conversation_id AND c.status IN ('queued', 'assigned') \
             AND (c.assignee_id IS NULL OR c.assignee_id = $1))"
        ))
        .bind(user.to_string())
        .fetch_one(self.reader())
        .await
        .map_err(db_error)?;
        Ok(n)
    }
}
