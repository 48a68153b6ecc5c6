//! Availability, loads, guarded assignment and service levels.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};
use tandem_core::event::{Actor, Event, EventKind};
use tandem_core::ids::{ConversationId, TeamId, UserId};
use tandem_core::model::{Conversation, ConversationStatus};
use tandem_core::Error;

use super::{Dialect, Dynamic, SqlStore, Value};
use crate::codec::{db_error, id, micros};
use crate::conversations::ConversationChange;
use crate::routing::{AgentLoad, RoutingStore};
use crate::staff::StaffStore;
use crate::Result;

/// The change that gives a queued case to a user.
fn assign_to(user: UserId) -> ConversationChange {
    ConversationChange {
        status: Some(ConversationStatus::Assigned),
        assignee: Some(Some(user)),
        ..Default::default()
    }
}

#[async_trait]
impl<DB> RoutingStore for SqlStore<DB>
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
    async fn agent_loads(&self) -> Result<Vec<AgentLoad>> {
        let rows: Vec<(String, bool, i64)> = sqlx::query_as(
            "SELECT u.id, u.available, (SELECT COUNT(*) FROM conversations c \
             WHERE c.assignee_id = u.id AND c.status = 'assigned') FROM users u WHERE u.active = $1",
        )
        .bind(true)
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        let mut users: HashMap<String, _> = self
            .list_users()
            .await?
            .into_iter()
            .map(|u| (u.id.to_string(), u))
            .collect();
        Ok(rows
            .into_iter()
            .filter_map(|(key, available, open_cases)| {
                users.remove(&key).map(|user| AgentLoad {
                    user,
                    available,
                    open_cases,
                })
            })
            .collect())
    }

    async fn available(&self, user: UserId) -> Result<Option<bool>> {
        let row: Option<(bool,)> = sqlx::query_as("SELECT available FROM users WHERE id = $1")
            .bind(user.to_string())
            .fetch_optional(self.reader())
            .await
            .map_err(db_error)?;
        Ok(row.map(|(a,)| a))
    }

    async fn set_available(&self, user: UserId, available: bool) -> Result<()> {
        let done = sqlx::query("UPDATE users SET available = $1 WHERE id = $2")
            .bind(available)
            .bind(user.to_string())
            .execute(self.writer())
            .await
            .map_err(db_error)?;
        if DB::rows_affected(&done) == 0 {
            return Err(Error::not_found("user"));
        }
        Ok(())
    }

    async fn assign_if_unassigned(
        &self,
        conversation: ConversationId,
        user: UserId,
        actor: Actor,
    ) -> Result<Option<(Conversation, Vec<Event>)>> {
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let row: Option<(Option<String>, String)> = sqlx::query_as(&format!(
            "SELECT assignee_id, status FROM conversations WHERE id = $1{}",
            DB::FOR_UPDATE
        ))
        .bind(conversation.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        match row {
            None => return Err(Error::not_found("conversation")),
            Some((None, status)) if status == ConversationStatus::Queued.as_str() => {}
            Some(_) => return Ok(None),
        }
        let events =
            Self::update_conversation_tx(&mut tx, conversation, assign_to(user), &actor, self.now()).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Some((self.read_conversation(conversation).await?, events)))
    }

    async fn claim_next(
        &self,
        user: UserId,
        teams: &[TeamId],
        withheld: &[String],
    ) -> Result<Option<(Conversation, Vec<Event>)>> {
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let mut q =
            Dynamic::new("SELECT id FROM conversations WHERE status = 'queued' AND assignee_id IS NULL");
        // A snoozed case waits for its time.
        q.push(" AND (snoozed_until IS NULL OR snoozed_until <= ")
            .bind(Value::Int(micros(self.now())))
            .push(")");
        if !teams.is_empty() {
            q.push(" AND team_id IN ")
                .bind_list(teams.iter().map(|t| t.to_string()));
        }
        if !withheld.is_empty() {
            q.push(" AND (handoff_reason IS NULL OR handoff_reason NOT IN ")
                .bind_list(withheld.iter().cloned())
                .push(")");
        }
        q.push(
            " ORDER BY CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END, \
             created_at LIMIT 1",
        );
        q.push(DB::SKIP_LOCKED);
        let row: Option<(String,)> = q
            .bind_to(sqlx::query_as(q.sql()))
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        let Some((key,)) = row else { return Ok(None) };
        let conversation: ConversationId = id(&key)?;
        let actor = Actor::User { id: user };
        let events =
            Self::update_conversation_tx(&mut tx, conversation, assign_to(user), &actor, self.now()).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(Some((self.read_conversation(conversation).await?, events)))
    }

    async fn record_sla_breaches(&self, now: DateTime<Utc>) -> Result<Vec<Event>> {
        let due: Vec<(String, bool)> = sqlx::query_as(
            "SELECT id, (first_response_at IS NULL AND first_response_due_at < $1 \
             AND first_response_breached = $2) FROM conversations \
             WHERE status IN ('queued', 'assigned') AND ((first_response_at IS NULL \
             AND first_response_due_at < $1 AND first_response_breached = $2) \
             OR (resolution_due_at < $1 AND resolution_breached = $2))",
        )
        .bind(micros(now))
        .bind(false)
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        let mut events = Vec::new();
        for (key, first_response) in due {
            let mut tx = self.writer().begin().await.map_err(db_error)?;
            let (column, target) = if first_response {
                ("first_response_breached", "first_response")
            } else {
                ("resolution_breached", "resolution")
            };
            let changed = sqlx::query(&format!(
                "UPDATE conversations SET {column} = $1 WHERE id = $2 AND {column} = $3"
            ))
            .bind(true)
            .bind(key.clone())
            .bind(false)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            if DB::rows_affected(&changed) == 1 {
                let data = serde_json::json!({ "target": target });
                let conversation = Some(id(&key)?);
                events.push(
                    Self::insert_event(
                        &mut tx,
                        conversation,
                        EventKind::SlaBreached,
                        &Actor::System,
                        data,
                        now,
                    )
                    .await?,
                );
            }
            tx.commit().await.map_err(db_error)?;
        }
        Ok(events)
    }
}
