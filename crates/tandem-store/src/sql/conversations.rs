//! Conversations, customers and messages. Every change appends its events in its transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Transaction, Type};
use tandem_core::audit::NewAuditEntry;
use tandem_core::event::{Actor, Change, Event, EventKind};
use tandem_core::ids::{ConversationId, CustomerId, MessageId};
use tandem_core::model::{Author, Conversation, Message};
use tandem_core::Error;

use super::{Dialect, Dynamic, SqlStore, Value};
use crate::attachments::Uploader;
use crate::codec::{
    db_error, micros, preview, time, to_json, ConversationRow, MessageRow, CONVERSATION_COLUMNS,
    MESSAGE_COLUMNS,
};
use crate::conversations::{
    AssigneeFilter, ConversationChange, ConversationFilter, ConversationPage, ConversationStore,
    CustomerAccess, MessageRevision, NewConversation, NewMessage, SnoozeFilter,
};
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
    /// Conversations with their tags.
    pub(super) async fn hydrate(&self, rows: Vec<ConversationRow>) -> Result<Vec<Conversation>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut q =
            Dynamic::new("SELECT conversation_id, tag FROM conversation_tags WHERE conversation_id IN ");
        q.bind_list(rows.iter().map(|r| r.id.clone()));
        let tags: Vec<(String, String)> = q
            .bind_to(sqlx::query_as(q.sql()))
            .fetch_all(self.reader())
            .await
            .map_err(db_error)?;
        rows.into_iter().map(|r| r.into_conversation(&tags)).collect()
    }

    pub(super) async fn read_conversation(&self, conversation: ConversationId) -> Result<Conversation> {
        self.get_conversation(conversation)
            .await?
            .ok_or_else(|| Error::not_found("conversation"))
    }

    /// Sets one column of a conversation (the name is one of this file's constants).
    async fn set_column<T>(tx: &mut Transaction<'_, DB>, key: &str, column: &str, value: T) -> Result<()>
    where
        T: for<'q> Encode<'q, DB> + Type<DB> + Send + 'static,
    {
        // `column` is always a literal of this file, never input.
        sqlx::query(&format!("UPDATE conversations SET {column} = $1 WHERE id = $2"))
            .bind(value)
            .bind(key.to_owned())
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    /// Applies a change inside the caller's transaction; one event per field that really changed.
    pub(super) async fn update_conversation_tx(
        tx: &mut Transaction<'_, DB>,
        conversation: ConversationId,
        change: ConversationChange,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>> {
        let key = conversation.to_string();
        let current: Option<(String, String, Option<String>, Option<String>)> = sqlx::query_as(&format!(
            "SELECT status, priority, assignee_id, team_id FROM conversations WHERE id = $1{}",
            DB::FOR_UPDATE
        ))
        .bind(key.clone())
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)?;
        let Some((status, priority, assignee, team)) = current else {
            return Err(Error::not_found("conversation"));
        };
        let updated = |data: serde_json::Value| (EventKind::ConversationUpdated, data);
        // The fields an update may set: (column, what changed, now, asked for).
        let fields = [
            (
                "status",
                Change::Status,
                Some(status),
                change.status.map(|s| Some(s.as_str().to_owned())),
            ),
            (
                "priority",
                Change::Priority,
                Some(priority),
                change.priority.map(|p| Some(p.as_str().to_owned())),
            ),
            (
                "assignee_id",
                Change::Assignee,
                assignee,
                change.assignee.map(|a| a.map(|u| u.to_string())),
            ),
            (
                "team_id",
                Change::Team,
                team,
                change.team.map(|t| t.map(|t| t.to_string())),
            ),
        ];
        let mut happened = Vec::new();
        for (column, what, from, to) in fields {
            let Some(to) = to.filter(|to| *to != from) else {
                continue;
            };
            Self::set_column(tx, &key, column, to.clone()).await?;
            happened.push(updated(
                serde_json::json!({ "change": what, "from": from, "to": to }),
            ));
        }
        for tag in change.add_tags {
            let added = sqlx::query(
                "INSERT INTO conversation_tags (conversation_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(key.clone())
            .bind(tag.clone())
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
            if DB::rows_affected(&added) > 0 {
                happened.push(updated(
                    serde_json::json!({ "change": Change::TagAdded, "tag": tag }),
                ));
            }
        }
        for tag in change.remove_tags {
            let removed =
                sqlx::query("DELETE FROM conversation_tags WHERE conversation_id = $1 AND tag = $2")
                    .bind(key.clone())
                    .bind(tag.clone())
                    .execute(&mut **tx)
                    .await
                    .map_err(db_error)?;
            if DB::rows_affected(&removed) > 0 {
                happened.push(updated(
                    serde_json::json!({ "change": Change::TagRemoved, "tag": tag }),
                ));
            }
        }
        if let Some(reason) = change.handoff {
            Self::set_column(tx, &key, "handoff_reason", reason.as_str().to_owned()).await?;
            happened.push((EventKind::HandedOff, serde_json::json!({ "reason": reason })));
        }
        if let Some(until) = change.snooze {
            let before: Option<(Option<i64>,)> =
                sqlx::query_as("SELECT snoozed_until FROM conversations WHERE id = $1")
                    .bind(key.clone())
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(db_error)?;
            let from = before.and_then(|(b,)| b);
            let to = until.map(micros);
            if from != to {
                match to {
                    Some(to) => Self::set_column(tx, &key, "snoozed_until", to).await?,
                    None => {
                        sqlx::query("UPDATE conversations SET snoozed_until = NULL WHERE id = $1")
                            .bind(key.clone())
                            .execute(&mut **tx)
                            .await
                            .map_err(db_error)?;
                    }
                }
                let rfc = |t: Option<i64>| t.map(time).transpose().map(|t| t.map(|t| t.to_rfc3339()));
                happened.push(updated(
                    serde_json::json!({ "change": Change::Snooze, "from": rfc(from)?, "to": rfc(to)? }),
                ));
            }
        }
        if let Some(hash) = change.customer_token_hash {
            Self::set_column(tx, &key, "token_hash", hash).await?;
            happened.push(updated(
                serde_json::json!({ "change": Change::CustomerToken, "to": "revoked" }),
            ));
        }
        // The events last: the outbox lock is held from the first one until the commit.
        let mut events = Vec::with_capacity(happened.len());
        for (kind, data) in happened {
            events.push(Self::insert_event(tx, Some(conversation), kind, actor, data, now).await?);
        }
        if let Some(summary) = change.summary {
            Self::set_column(tx, &key, "summary", summary).await?;
        }
        if let Some((first, resolution)) = change.sla_due {
            sqlx::query(
                "UPDATE conversations SET first_response_due_at = $1, resolution_due_at = $2, \
                 first_response_breached = $3, resolution_breached = $3 WHERE id = $4",
            )
            .bind(micros(first))
            .bind(micros(resolution))
            .bind(false)
            .bind(key.clone())
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
        }
        if let Some(triage) = &change.triage {
            Self::set_column(tx, &key, "triage", to_json(triage)?).await?;
        }
        if let Some(verified) = change.customer_verified {
            sqlx::query("UPDATE conversations SET customer_verified = $1 WHERE id = $2")
                .bind(verified)
                .bind(key.clone())
                .execute(&mut **tx)
                .await
                .map_err(db_error)?;
        }
        if !events.is_empty() {
            Self::set_column(tx, &key, "updated_at", micros(now)).await?;
        }
        Ok(events)
    }

    /// Stores a message inside the caller's transaction, with its read-model update and event.
    pub(super) async fn append_message_tx(
        tx: &mut Transaction<'_, DB>,
        message: NewMessage,
        now: DateTime<Utc>,
    ) -> Result<(Message, Event)> {
        let message_id = MessageId::new();
        let key = message.conversation_id.to_string();
        let update = if message.internal {
            sqlx::query(
                "UPDATE conversations SET message_count = message_count + 1, updated_at = $1 WHERE id = $2",
            )
            .bind(micros(now))
            .bind(key.clone())
        } else if message.author == Author::Customer {
            // Lists show what the customer last said, not the bot's or an agent's answer to it.
            sqlx::query(
                "UPDATE conversations SET message_count = message_count + 1, updated_at = $1, \
                 last_message_at = $1, preview = $2 WHERE id = $3",
            )
            .bind(micros(now))
            .bind(preview(&message.preview))
            .bind(key.clone())
        } else {
            sqlx::query(
                "UPDATE conversations SET message_count = message_count + 1, updated_at = $1, \
                 last_message_at = $1 WHERE id = $2",
            )
            .bind(micros(now))
            .bind(key.clone())
        };
        if DB::rows_affected(&update.execute(&mut **tx).await.map_err(db_error)?) == 0 {
            return Err(Error::not_found("conversation"));
        }
        if message.author == Author::Agent && !message.internal {
            sqlx::query(
                "UPDATE conversations SET first_response_at = COALESCE(first_response_at, $1) WHERE id = $2",
            )
            .bind(micros(now))
            .bind(key.clone())
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
        }
        sqlx::query(
            "INSERT INTO messages (id, conversation_id, author, author_user_id, text, internal, sources, \
             choices, choice, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(message_id.to_string())
        .bind(key)
        .bind(message.author.as_str().to_owned())
        .bind(message.author_user_id.map(|u| u.to_string()))
        .bind(message.text.clone())
        .bind(message.internal)
        .bind(to_json(&message.sources)?)
        .bind(to_json(&message.choices)?)
        .bind(message.choice.clone())
        .bind(micros(now))
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
        // Files are sent by whoever uploaded them: the customer, or the staff member who writes.
        let uploader = match (message.author, message.author_user_id) {
            (Author::Customer, _) => Some(Uploader::Customer),
            (_, Some(user)) => Some(Uploader::Staff(user)),
            _ => None,
        };
        let attachments = Self::link_attachments_tx(
            tx,
            message_id,
            message.conversation_id,
            &message.attachments,
            uploader,
        )
        .await?;
        let data = serde_json::json!({
            "message_id": message_id,
            "author": message.author,
            "internal": message.internal,
        });
        let event = Self::insert_event(
            tx,
            Some(message.conversation_id),
            EventKind::MessageCreated,
            &message.actor,
            data,
            now,
        )
        .await?;
        let stored = Message {
            id: message_id,
            conversation_id: message.conversation_id,
            author: message.author,
            author_user_id: message.author_user_id,
            text: message.text,
            internal: message.internal,
            sources: message.sources,
            choices: message.choices,
            choice: message.choice,
            created_at: time(micros(now))?,
            attachments,
            edited_at: None,
            deleted_at: None,
        };
        Ok((stored, event))
    }
}

/// Adds the filter's conditions to a query over `conversations c JOIN customers cu`; `now` tells
/// snoozed cases from those whose time has come.
fn push_where(q: &mut Dynamic, filter: &ConversationFilter, now: DateTime<Utc>) {
    q.push(" WHERE 1 = 1");
    match filter.snoozed {
        SnoozeFilter::Include => {}
        SnoozeFilter::Hide => {
            q.push(" AND (c.snoozed_until IS NULL OR c.snoozed_until <= ")
                .bind(Value::Int(micros(now)))
                .push(")");
        }
        SnoozeFilter::Only => {
            q.push(" AND c.snoozed_until > ").bind(Value::Int(micros(now)));
        }
    }
    if let Some(status) = filter.status {
        q.push(" AND c.status = ")
            .bind(Value::Text(status.as_str().to_owned()));
    }
    match filter.assignee {
        Some(AssigneeFilter::Unassigned) => {
            q.push(" AND c.assignee_id IS NULL");
        }
        Some(AssigneeFilter::User(user)) => {
            q.push(" AND c.assignee_id = ")
                .bind(Value::Text(user.to_string()));
        }
        None => {}
    }
    if filter.open_only {
        q.push(" AND c.status IN ('queued', 'assigned')");
    }
    if let Some(customer) = filter.customer {
        q.push(" AND c.customer_id = ")
            .bind(Value::Text(customer.to_string()));
    }
    if let Some(team) = filter.team {
        q.push(" AND c.team_id = ").bind(Value::Text(team.to_string()));
    }
    if let Some(tag) = &filter.tag {
        q.push(" AND EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = c.id AND t.tag = ")
            .bind(Value::Text(tag.clone()))
            .push(")");
    }
    if filter.sla_breached {
        q.push(" AND c.status IN ('queued', 'assigned') AND (c.first_response_breached = ")
            .bind(Value::Bool(true))
            .push(" OR c.resolution_breached = ")
            .bind(Value::Bool(true))
            .push(")");
    }
    if let Some(text) = &filter.text {
        let escaped = text
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        q.push(" AND (lower(cu.name) LIKE ")
            .bind(Value::Text(pattern.clone()))
            .push(" ESCAPE '\\'");
        q.push(" OR lower(cu.email) LIKE ")
            .bind(Value::Text(pattern.clone()))
            .push(" ESCAPE '\\'");
        q.push(" OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND lower(m.text) LIKE ")
            .bind(Value::Text(pattern))
            .push(" ESCAPE '\\'))");
    }
}

#[async_trait]
impl<DB> ConversationStore for SqlStore<DB>
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
    async fn create_conversation(&self, new: NewConversation) -> Result<(Conversation, Vec<Event>)> {
        let now = self.now();
        let conversation_id = ConversationId::new();
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        // The first conversation creates the customer; later ones find it by e-mail.
        let (customer_id,): (String,) = sqlx::query_as(
            "INSERT INTO customers (id, name, email, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (email) DO UPDATE SET email = excluded.email RETURNING id",
        )
        .bind(CustomerId::new().to_string())
        .bind(new.customer_name)
        .bind(new.customer_email)
        .bind(micros(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        sqlx::query(
            "INSERT INTO conversations (id, customer_id, token_hash, status, priority, created_at, \
             updated_at, last_message_at, customer_verified) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(conversation_id.to_string())
        .bind(customer_id.clone())
        .bind(new.token_hash)
        .bind(new.status.as_str().to_owned())
        .bind(new.priority.as_str().to_owned())
        .bind(micros(now))
        .bind(micros(now))
        .bind(micros(now))
        .bind(new.customer_verified)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let event = Self::insert_event(
            &mut tx,
            Some(conversation_id),
            EventKind::ConversationCreated,
            &Actor::Customer,
            serde_json::json!({ "customer_id": customer_id, "status": new.status }),
            now,
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        let conversation = self
            .get_conversation(conversation_id)
            .await?
            .ok_or_else(|| Error::internal("the new conversation cannot be read back"))?;
        Ok((conversation, vec![event]))
    }

    async fn get_conversation(&self, conversation: ConversationId) -> Result<Option<Conversation>> {
        let row: Option<ConversationRow> =
            sqlx::query_as(&format!("SELECT {CONVERSATION_COLUMNS} WHERE c.id = $1"))
                .bind(conversation.to_string())
                .fetch_optional(self.reader())
                .await
                .map_err(db_error)?;
        Ok(self.hydrate(row.into_iter().collect()).await?.pop())
    }

    async fn customer_access(&self, conversation: ConversationId) -> Result<Option<CustomerAccess>> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT token_hash, last_message_at FROM conversations WHERE id = $1")
                .bind(conversation.to_string())
                .fetch_optional(self.reader())
                .await
                .map_err(db_error)?;
        row.map(|(token_hash, last)| {
            Ok(CustomerAccess {
                token_hash,
                last_message_at: time(last)?,
            })
        })
        .transpose()
    }

    async fn conversation_of_token(&self, token_hash: &str) -> Result<Option<ConversationId>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT id FROM conversations WHERE token_hash = $1")
            .bind(token_hash.to_owned())
            .fetch_optional(self.reader())
            .await
            .map_err(db_error)?;
        row.map(|(c,)| crate::codec::id(&c)).transpose()
    }

    async fn list_conversations(&self, filter: &ConversationFilter) -> Result<ConversationPage> {
        let mut count =
            Dynamic::new("SELECT COUNT(*) FROM conversations c JOIN customers cu ON cu.id = c.customer_id");
        push_where(&mut count, filter, self.now());
        let (total,): (i64,) = count
            .bind_to(sqlx::query_as(count.sql()))
            .fetch_one(self.reader())
            .await
            .map_err(db_error)?;
        let mut q = Dynamic::new(format!("SELECT {CONVERSATION_COLUMNS}"));
        push_where(&mut q, filter, self.now());
        q.push(" ORDER BY c.last_message_at DESC, c.id DESC LIMIT ")
            .bind(Value::Int(filter.limit))
            .push(" OFFSET ")
            .bind(Value::Int(filter.offset));
        let rows: Vec<ConversationRow> = q
            .bind_to(sqlx::query_as(q.sql()))
            .fetch_all(self.reader())
            .await
            .map_err(db_error)?;
        Ok(ConversationPage {
            conversations: self.hydrate(rows).await?,
            total,
        })
    }

    async fn count_customer_conversations(&self, customer: CustomerId) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM conversations WHERE customer_id = $1")
            .bind(customer.to_string())
            .fetch_one(self.reader())
            .await
            .map_err(db_error)?;
        Ok(n)
    }

    async fn update_conversation(
        &self,
        conversation: ConversationId,
        change: ConversationChange,
        actor: Actor,
    ) -> Result<(Conversation, Vec<Event>)> {
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let events = Self::update_conversation_tx(&mut tx, conversation, change, &actor, self.now()).await?;
        tx.commit().await.map_err(db_error)?;
        Ok((self.read_conversation(conversation).await?, events))
    }

    async fn append_message(&self, message: NewMessage) -> Result<(Message, Event)> {
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let stored = Self::append_message_tx(&mut tx, message, self.now()).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(stored)
    }

    async fn get_message(&self, message: MessageId) -> Result<Option<Message>> {
        let row: Option<MessageRow> = sqlx::query_as(&format!("SELECT {MESSAGE_COLUMNS} WHERE id = $1"))
            .bind(message.to_string())
            .fetch_optional(self.reader())
            .await
            .map_err(db_error)?;
        let message = row.map(Message::try_from).transpose()?;
        Ok(self.with_attachments(message.into_iter().collect()).await?.pop())
    }

    async fn revise_message(
        &self,
        message: MessageId,
        revision: MessageRevision,
        actor: Actor,
        audit: NewAuditEntry,
    ) -> Result<(Message, Vec<Event>)> {
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let events = Self::revise_message_tx(&mut tx, message, revision, &actor, audit, self.now()).await?;
        tx.commit().await.map_err(db_error)?;
        let revised = self
            .get_message(message)
            .await?
            .ok_or_else(|| Error::not_found("message"))?;
        Ok((revised, events))
    }

    async fn list_messages(
        &self,
        conversation: ConversationId,
        include_internal: bool,
    ) -> Result<Vec<Message>> {
        self.recent_messages(conversation, include_internal, i64::MAX)
            .await
    }

    async fn recent_messages(
        &self,
        conversation: ConversationId,
        include_internal: bool,
        limit: i64,
    ) -> Result<Vec<Message>> {
        let mut rows: Vec<MessageRow> = sqlx::query_as(&format!(
            "SELECT {MESSAGE_COLUMNS} WHERE conversation_id = $1 AND (internal = $2 OR $3) ORDER BY seq DESC LIMIT $4"
        ))
        .bind(conversation.to_string())
        .bind(false)
        .bind(include_internal)
        .bind(limit)
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        rows.reverse();
        let messages = rows
            .into_iter()
            .map(Message::try_from)
            .collect::<Result<Vec<_>>>()?;
        self.with_attachments(messages).await
    }

    async fn latest_customer_messages(&self, limit: i64) -> Result<Vec<Message>> {
        let rows: Vec<MessageRow> = sqlx::query_as(&format!(
            "SELECT {MESSAGE_COLUMNS} WHERE author = 'customer' AND choice IS NULL AND text <> '' \
             ORDER BY seq DESC LIMIT $1"
        ))
        .bind(limit.max(0))
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        let messages = rows
            .into_iter()
            .map(Message::try_from)
            .collect::<Result<Vec<_>>>()?;
        self.with_attachments(messages).await
    }
}
