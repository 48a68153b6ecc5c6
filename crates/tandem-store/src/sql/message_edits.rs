//! A staff member's edit or deletion of their own message: the new text (or none), its
//! `message_updated` event and the audit entry, in the caller's transaction. The event and the
//! entry never hold the text: readers join the message as it is now, so a deleted text is gone
//! from the store, the feed and every replay.

use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Transaction, Type};
use tandem_core::audit::NewAuditEntry;
use tandem_core::event::{Actor, Event, EventKind, MessageChange};
use tandem_core::ids::{ConversationId, MessageId};
use tandem_core::{Error, ErrorCode};

use super::{Dialect, SqlStore};
use crate::codec::{db_error, id, micros};
use crate::conversations::MessageRevision;
use crate::Result;

impl<DB> SqlStore<DB>
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
    /// Edits or deletes a message inside the caller's transaction; returns its `message_updated`
    /// and `audit_recorded` events.
    pub(super) async fn revise_message_tx(
        tx: &mut Transaction<'_, DB>,
        message: MessageId,
        revision: MessageRevision,
        actor: &Actor,
        audit: NewAuditEntry,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>> {
        let key = message.to_string();
        let row: Option<(String, String, bool, Option<i64>)> = sqlx::query_as(&format!(
            "SELECT conversation_id, author, internal, deleted_at FROM messages WHERE id = $1{}",
            DB::FOR_UPDATE
        ))
        .bind(key.clone())
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)?;
        let Some((conversation, author, internal, deleted_at)) = row else {
            return Err(Error::not_found("message"));
        };
        if deleted_at.is_some() {
            return Err(Error::conflict(
                ErrorCode::MessageDeleted,
                "This message was deleted; there is nothing left to change.",
            ));
        }
        let (change, update) = match revision {
            MessageRevision::Edit(text) => (
                MessageChange::Edited,
                sqlx::query("UPDATE messages SET text = $1, edited_at = $2 WHERE id = $3").bind(text),
            ),
            // The row stays (the conversation shows where the message was); its text does not.
            MessageRevision::Delete => (
                MessageChange::Deleted,
                sqlx::query("UPDATE messages SET text = $1, deleted_at = $2 WHERE id = $3")
                    .bind(String::new()),
            ),
        };
        let deleted = matches!(change, MessageChange::Deleted);
        update
            .bind(micros(now))
            .bind(key.clone())
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
        if deleted {
            // Its files go with its words.
            sqlx::query("DELETE FROM attachments WHERE message_id = $1")
                .bind(key)
                .execute(&mut **tx)
                .await
                .map_err(db_error)?;
        }
        let conversation: ConversationId = id(&conversation)?;
        let data = serde_json::json!({
            "message_id": message,
            "author": author,
            "internal": internal,
            "change": change,
        });
        let updated = Self::insert_event(
            tx,
            Some(conversation),
            EventKind::MessageUpdated,
            actor,
            data,
            now,
        )
        .await?;
        let (_, audited) = Self::insert_audit(tx, audit, now).await?;
        Ok(vec![updated, audited])
    }
}
