//! Customers' data: lookup and erasure (see [`crate::privacy`]).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Transaction, Type};
use tandem_core::audit::NewAuditEntry;
use tandem_core::event::{Actor, Event, EventKind};
use tandem_core::ids::{ConversationId, CustomerId};
use tandem_core::model::{ConversationStatus, Customer};

use super::{Dialect, SqlStore};
use crate::codec::{db_error, id, micros, time};
use crate::privacy::{Erased, PrivacyStore};
use crate::Result;

pub(super) type CustomerRow = (String, String, String, i64);

pub(super) fn customer((customer_id, name, email, created_at): CustomerRow) -> Result<Customer> {
    Ok(Customer {
        id: id(&customer_id)?,
        name,
        email,
        created_at: time(created_at)?,
    })
}

/// What one transaction of erasure removed so far.
#[derive(Default)]
struct Removed {
    conversations: Vec<ConversationId>,
    messages: u64,
    events: Vec<Event>,
}

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
    /// Deletes one conversation with everything in it and appends its tombstone. `false` when it
    /// did not exist.
    async fn erase_conversation_tx(
        tx: &mut Transaction<'_, DB>,
        conversation: ConversationId,
        actor: &Actor,
        reason: &str,
        at: DateTime<Utc>,
        removed: &mut Removed,
    ) -> Result<bool> {
        let key = conversation.to_string();
        // Children first: nothing relies on cascades, so both backends delete the same rows.
        for table in [
            "decisions",
            "events",
            "conversation_tags",
            "attachments",
            "root_causes",
            "ratings",
        ] {
            // `table` is one of the literals above, never input.
            sqlx::query(&format!("DELETE FROM {table} WHERE conversation_id = $1"))
                .bind(key.clone())
                .execute(&mut **tx)
                .await
                .map_err(db_error)?;
        }
        // Its case in a draft (and the draft, when no case is left).
        Self::erase_draft_case_tx(tx, &key).await?;
        // Staff members' read marks of it.
        sqlx::query("DELETE FROM conversation_reads WHERE conversation_id = $1")
            .bind(key.clone())
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
        let messages = sqlx::query("DELETE FROM messages WHERE conversation_id = $1")
            .bind(key.clone())
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
        let gone = sqlx::query("DELETE FROM conversations WHERE id = $1")
            .bind(key)
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
        if DB::rows_affected(&gone) == 0 {
            return Ok(false);
        }
        removed.messages += DB::rows_affected(&messages);
        removed.conversations.push(conversation);
        let tombstone = serde_json::json!({ "conversation_id": conversation, "reason": reason });
        removed
            .events
            .push(Self::insert_event(tx, None, EventKind::ConversationErased, actor, tombstone, at).await?);
        Ok(true)
    }
}

#[async_trait]
impl<DB> PrivacyStore for SqlStore<DB>
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
    async fn find_customers(&self, email: &str) -> Result<Vec<Customer>> {
        let rows: Vec<CustomerRow> = sqlx::query_as(
            "SELECT id, name, email, created_at FROM customers WHERE LOWER(email) = LOWER($1) ORDER BY created_at",
        )
        .bind(email.to_owned())
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        rows.into_iter().map(customer).collect()
    }

    async fn get_customer(&self, customer_id: CustomerId) -> Result<Option<Customer>> {
        let row: Option<CustomerRow> =
            sqlx::query_as("SELECT id, name, email, created_at FROM customers WHERE id = $1")
                .bind(customer_id.to_string())
                .fetch_optional(self.reader())
                .await
                .map_err(db_error)?;
        row.map(customer).transpose()
    }

    async fn erase_customer(&self, customer_id: CustomerId, audit: NewAuditEntry) -> Result<Option<Erased>> {
        let now = self.now();
        let key = customer_id.to_string();
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let exists: Option<(String,)> = sqlx::query_as(&format!(
            "SELECT id FROM customers WHERE id = $1{}",
            DB::FOR_UPDATE
        ))
        .bind(key.clone())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        if exists.is_none() {
            return Ok(None);
        }
        let conversations: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM conversations WHERE customer_id = $1 ORDER BY created_at")
                .bind(key.clone())
                .fetch_all(&mut *tx)
                .await
                .map_err(db_error)?;
        let reason = audit
            .details
            .get("reason")
            .and_then(|r| r.as_str())
            .unwrap_or("erasure")
            .to_owned();
        let mut removed = Removed::default();
        for (conversation,) in conversations {
            Self::erase_conversation_tx(
                &mut tx,
                id(&conversation)?,
                &audit.actor,
                &reason,
                now,
                &mut removed,
            )
            .await?;
        }
        sqlx::query("DELETE FROM customers WHERE id = $1")
            .bind(key)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let (entry, event) = Self::insert_audit(&mut tx, audit, now).await?;
        tx.commit().await.map_err(db_error)?;
        removed.events.push(event);
        Ok(Some(Erased {
            conversations: removed.conversations,
            customers: 1,
            messages: removed.messages,
            events: removed.events,
            audit: Some(entry),
        }))
    }

    async fn expired_conversations(&self, before: DateTime<Utc>, limit: i64) -> Result<Vec<ConversationId>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT id FROM conversations WHERE status = $1 AND updated_at < $2 ORDER BY updated_at LIMIT $3",
        )
        .bind(ConversationStatus::Resolved.as_str().to_owned())
        .bind(micros(before))
        .bind(limit)
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        rows.iter().map(|(c,)| id(c)).collect()
    }

    async fn erase_conversations(
        &self,
        ids: &[ConversationId],
        actor: Actor,
        reason: &str,
    ) -> Result<Erased> {
        let now = self.now();
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let mut removed = Removed::default();
        let mut owners: Vec<String> = Vec::new();
        for conversation in ids {
            let owner: Option<(String,)> = sqlx::query_as(&format!(
                "SELECT customer_id FROM conversations WHERE id = $1{}",
                DB::FOR_UPDATE
            ))
            .bind(conversation.to_string())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
            if let Some((owner,)) = owner {
                Self::erase_conversation_tx(&mut tx, *conversation, &actor, reason, now, &mut removed)
                    .await?;
                if !owners.contains(&owner) {
                    owners.push(owner);
                }
            }
        }
        // A customer with no conversation left is nobody the business still serves.
        let mut customers = 0;
        for owner in owners {
            let gone = sqlx::query(
                "DELETE FROM customers WHERE id = $1 AND NOT EXISTS \
                 (SELECT 1 FROM conversations WHERE customer_id = $1)",
            )
            .bind(owner)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            customers += DB::rows_affected(&gone);
        }
        tx.commit().await.map_err(db_error)?;
        Ok(Erased {
            conversations: removed.conversations,
            customers,
            messages: removed.messages,
            events: removed.events,
            audit: None,
        })
    }
}
