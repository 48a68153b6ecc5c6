//! The query code both backends share. SQLite (through sqlx) accepts PostgreSQL's `$N`
//! parameters, so the SQL here is written once; what differs per backend (DDL, row locks) is passed
//! in or lives in the backend's module.

/// Implements [`crate::Store`] for a backend type that has `writer()`, `reader()` and
/// `run_migrations()`. `for_update` is the row-lock clause of the backend (empty for SQLite, whose
/// single writer connection already serialises writes).
macro_rules! store_impl {
    ($store:ty, $db:ty, backend = $backend:expr, for_update = $for_update:literal, skip_locked = $skip_locked:literal) => {
        use chrono::{DateTime, Utc};
        use sqlx::QueryBuilder;
        use tandem_core::decision::Decision;
        use tandem_core::event::{Actor, Event, EventKind};
        use tandem_core::ids::{ConversationId, EventId, MessageId, TeamId, UserId};
        use tandem_core::model::{Conversation, Message, Team, User};
        use tandem_core::Error;
        use $crate::codec::{
            db_error, id, micros, preview, time, to_json, unique_error, ConversationRow, DecisionDetail,
            DecisionRow, EventRow, MessageRow, TeamRow, UserRow, CONVERSATION_COLUMNS,
        };
        use $crate::types::*;
        use $crate::{Backend, Result, Store};

        const USER_COLUMNS: &str = "id, email, name, role, active, created_at FROM users";

        impl $store {
            async fn user_teams(&self, user: Option<&str>) -> Result<Vec<(String, String)>> {
                let rows: Vec<(String, String)> = match user {
                    Some(u) => sqlx::query_as("SELECT user_id, team_id FROM user_teams WHERE user_id = $1")
                        .bind(u)
                        .fetch_all(self.reader())
                        .await,
                    None => sqlx::query_as("SELECT user_id, team_id FROM user_teams").fetch_all(self.reader()).await,
                }
                .map_err(db_error)?;
                Ok(rows)
            }

            async fn hydrate(&self, rows: Vec<ConversationRow>) -> Result<Vec<Conversation>> {
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                let mut q = QueryBuilder::<$db>::new(
                    "SELECT conversation_id, tag FROM conversation_tags WHERE conversation_id IN (",
                );
                let mut list = q.separated(", ");
                for row in &rows {
                    list.push_bind(row.id.clone());
                }
                q.push(")");
                let tags: Vec<(String, String)> =
                    q.build_query_as().fetch_all(self.reader()).await.map_err(db_error)?;
                rows.into_iter().map(|r| r.into_conversation(&tags)).collect()
            }

            async fn insert_event<'c>(
                tx: &mut sqlx::Transaction<'c, $db>,
                conversation: &str,
                kind: EventKind,
                actor: &Actor,
                data: serde_json::Value,
                at: DateTime<Utc>,
            ) -> Result<Event> {
                let event_id = EventId::new();
                let (seq,): (i64,) = sqlx::query_as(
                    "INSERT INTO events (id, conversation_id, kind, actor, data, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq",
                )
                .bind(event_id.to_string())
                .bind(conversation)
                .bind(kind.as_str())
                .bind(to_json(actor)?)
                .bind(to_json(&data)?)
                .bind(micros(at))
                .fetch_one(&mut **tx)
                .await
                .map_err(db_error)?;
                Ok(Event {
                    seq,
                    id: event_id,
                    conversation_id: id(conversation)?,
                    kind,
                    actor: actor.clone(),
                    data,
                    created_at: time(micros(at))?,
                })
            }

            async fn update_conversation_tx<'c>(
                tx: &mut sqlx::Transaction<'c, $db>,
                key: &str,
                change: ConversationChange,
                actor: &Actor,
                now: DateTime<Utc>,
            ) -> Result<Vec<Event>> {
                let current: Option<(String, String, Option<String>, Option<String>)> = sqlx::query_as(concat!(
                    "SELECT status, priority, assignee_id, team_id FROM conversations WHERE id = $1",
                    $for_update
                ))
                .bind(key)
                .fetch_optional(&mut **tx)
                .await
                .map_err(db_error)?;
                let Some((status, priority, assignee, team)) = current else {
                    return Err(Error::not_found("conversation"));
                };
                let mut events = Vec::new();
                if let Some(new) = change.status.filter(|s| s.as_str() != status) {
                    sqlx::query("UPDATE conversations SET status = $1 WHERE id = $2")
                        .bind(new.as_str())
                        .bind(key)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_error)?;
                    let data = serde_json::json!({ "from": status, "to": new });
                    events.push(Self::insert_event(tx, key, EventKind::StatusChanged, actor, data, now).await?);
                }
                if let Some(new) = change.priority.filter(|p| p.as_str() != priority) {
                    sqlx::query("UPDATE conversations SET priority = $1 WHERE id = $2")
                        .bind(new.as_str())
                        .bind(key)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_error)?;
                    let data = serde_json::json!({ "from": priority, "to": new });
                    events.push(Self::insert_event(tx, key, EventKind::PriorityChanged, actor, data, now).await?);
                }
                if let Some(new) = change.assignee.map(|a| a.map(|u| u.to_string())).filter(|a| *a != assignee) {
                    sqlx::query("UPDATE conversations SET assignee_id = $1 WHERE id = $2")
                        .bind(&new)
                        .bind(key)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_error)?;
                    let data = serde_json::json!({ "from": assignee, "to": new });
                    events.push(Self::insert_event(tx, key, EventKind::Assigned, actor, data, now).await?);
                }
                if let Some(new) = change.team.map(|t| t.map(|t| t.to_string())).filter(|t| *t != team) {
                    sqlx::query("UPDATE conversations SET team_id = $1 WHERE id = $2")
                        .bind(&new)
                        .bind(key)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_error)?;
                    let data = serde_json::json!({ "from": team, "to": new });
                    events.push(Self::insert_event(tx, key, EventKind::TeamChanged, actor, data, now).await?);
                }
                for tag in &change.add_tags {
                    let added = sqlx::query(
                        "INSERT INTO conversation_tags (conversation_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    )
                    .bind(key)
                    .bind(tag)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_error)?;
                    if added.rows_affected() > 0 {
                        let data = serde_json::json!({ "tag": tag });
                        events.push(Self::insert_event(tx, key, EventKind::Tagged, actor, data, now).await?);
                    }
                }
                for tag in &change.remove_tags {
                    let removed = sqlx::query("DELETE FROM conversation_tags WHERE conversation_id = $1 AND tag = $2")
                        .bind(key)
                        .bind(tag)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_error)?;
                    if removed.rows_affected() > 0 {
                        let data = serde_json::json!({ "tag": tag });
                        events.push(Self::insert_event(tx, key, EventKind::Untagged, actor, data, now).await?);
                    }
                }
                if let Some(reason) = change.handoff {
                    sqlx::query("UPDATE conversations SET handoff_reason = $1 WHERE id = $2")
                        .bind(reason.as_str())
                        .bind(key)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_error)?;
                    let data = serde_json::json!({ "reason": reason });
                    events.push(Self::insert_event(tx, key, EventKind::HandedOff, actor, data, now).await?);
                }
                if let Some(summary) = &change.summary {
                    sqlx::query("UPDATE conversations SET summary = $1 WHERE id = $2")
                        .bind(summary)
                        .bind(key)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_error)?;
                }
                if let Some((first, resolution)) = change.sla_due {
                    sqlx::query(
                        "UPDATE conversations SET first_response_due_at = $1, resolution_due_at = $2, \
                         first_response_breached = $3, resolution_breached = $3 WHERE id = $4",
                    )
                    .bind(micros(first))
                    .bind(micros(resolution))
                    .bind(false)
                    .bind(key)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_error)?;
                }
                if let Some(triage) = &change.triage {
                    sqlx::query("UPDATE conversations SET triage = $1 WHERE id = $2")
                        .bind(to_json(triage)?)
                        .bind(key)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_error)?;
                }
                if !events.is_empty() {
                    sqlx::query("UPDATE conversations SET updated_at = $1 WHERE id = $2")
                        .bind(micros(now))
                        .bind(key)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_error)?;
                }
                Ok(events)
            }

            async fn append_message_tx<'c>(
                tx: &mut sqlx::Transaction<'c, $db>,
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
                    .bind(&key)
                } else {
                    sqlx::query(
                        "UPDATE conversations SET message_count = message_count + 1, updated_at = $1, \
                         last_message_at = $1, preview = $2 WHERE id = $3",
                    )
                    .bind(micros(now))
                    .bind(preview(&message.text))
                    .bind(&key)
                };
                if update.execute(&mut **tx).await.map_err(db_error)?.rows_affected() == 0 {
                    return Err(Error::not_found("conversation"));
                }
                if message.author == tandem_core::model::Author::Agent && !message.internal {
                    sqlx::query("UPDATE conversations SET first_response_at = COALESCE(first_response_at, $1) WHERE id = $2")
                        .bind(micros(now))
                        .bind(&key)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_error)?;
                }
                sqlx::query(
                    "INSERT INTO messages (id, conversation_id, author, author_user_id, text, internal, sources, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(message_id.to_string())
                .bind(&key)
                .bind(message.author.as_str())
                .bind(message.author_user_id.map(|u| u.to_string()))
                .bind(&message.text)
                .bind(message.internal)
                .bind(to_json(&message.sources)?)
                .bind(micros(now))
                .execute(&mut **tx)
                .await
                .map_err(db_error)?;
                let data = serde_json::json!({
                    "message_id": message_id,
                    "author": message.author,
                    "internal": message.internal,
                });
                let event = Self::insert_event(tx, &key, EventKind::MessageAdded, &message.actor, data, now).await?;
                let stored = Message {
                    id: message_id,
                    conversation_id: message.conversation_id,
                    author: message.author,
                    author_user_id: message.author_user_id,
                    text: message.text,
                    internal: message.internal,
                    sources: message.sources,
                    created_at: time(micros(now))?,
                };
                Ok((stored, event))
            }
        }

        #[async_trait::async_trait]
        impl Store for $store {
            fn backend(&self) -> Backend {
                $backend
            }

            async fn migrate(&self) -> Result<()> {
                self.run_migrations().await
            }

            async fn ping(&self) -> Result<()> {
                sqlx::query("SELECT 1").execute(self.reader()).await.map_err(db_error)?;
                Ok(())
            }

            async fn create_user(&self, user: NewUser) -> Result<User> {
                let user_id = UserId::new();
                sqlx::query(
                    "INSERT INTO users (id, email, name, role, active, password_hash, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(user_id.to_string())
                .bind(&user.email)
                .bind(&user.name)
                .bind(user.role.as_str())
                .bind(true)
                .bind(&user.password_hash)
                .bind(micros(Utc::now()))
                .execute(self.writer())
                .await
                .map_err(|e| unique_error(e, "email_taken", "a user with this e-mail address already exists"))?;
                self.get_user(user_id).await?.ok_or_else(|| Error::internal("the new user cannot be read back"))
            }

            async fn get_user(&self, user: UserId) -> Result<Option<User>> {
                let key = user.to_string();
                let row: Option<UserRow> = sqlx::query_as(&format!("SELECT {USER_COLUMNS} WHERE id = $1"))
                    .bind(&key)
                    .fetch_optional(self.reader())
                    .await
                    .map_err(db_error)?;
                match row {
                    Some(row) => Ok(Some(row.into_user(&self.user_teams(Some(&key)).await?)?)),
                    None => Ok(None),
                }
            }

            async fn user_credentials(&self, email: &str) -> Result<Option<(User, String)>> {
                let row: Option<(String, String)> =
                    sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
                        .bind(email)
                        .fetch_optional(self.reader())
                        .await
                        .map_err(db_error)?;
                let Some((key, hash)) = row else { return Ok(None) };
                Ok(self.get_user(id(&key)?).await?.map(|u| (u, hash)))
            }

            async fn list_users(&self) -> Result<Vec<User>> {
                let rows: Vec<UserRow> = sqlx::query_as(&format!("SELECT {USER_COLUMNS} ORDER BY email"))
                    .fetch_all(self.reader())
                    .await
                    .map_err(db_error)?;
                let teams = self.user_teams(None).await?;
                rows.into_iter().map(|r| r.into_user(&teams)).collect()
            }

            async fn update_user(&self, user: UserId, change: UserChange) -> Result<User> {
                let key = user.to_string();
                let mut tx = self.writer().begin().await.map_err(db_error)?;
                let exists: Option<(String,)> =
                    sqlx::query_as(concat!("SELECT id FROM users WHERE id = $1", $for_update))
                        .bind(&key)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_error)?;
                if exists.is_none() {
                    return Err(Error::not_found("user"));
                }
                if let Some(name) = &change.name {
                    sqlx::query("UPDATE users SET name = $1 WHERE id = $2")
                        .bind(name)
                        .bind(&key)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                }
                if let Some(role) = change.role {
                    sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
                        .bind(role.as_str())
                        .bind(&key)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                }
                if let Some(active) = change.active {
                    sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
                        .bind(active)
                        .bind(&key)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    if !active {
                        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                            .bind(&key)
                            .execute(&mut *tx)
                            .await
                            .map_err(db_error)?;
                    }
                }
                if let Some(teams) = &change.team_ids {
                    sqlx::query("DELETE FROM user_teams WHERE user_id = $1")
                        .bind(&key)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    for team in teams {
                        sqlx::query("INSERT INTO user_teams (user_id, team_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                            .bind(&key)
                            .bind(team.to_string())
                            .execute(&mut *tx)
                            .await
                            .map_err(db_error)?;
                    }
                }
                tx.commit().await.map_err(db_error)?;
                self.get_user(user).await?.ok_or_else(|| Error::not_found("user"))
            }

            async fn set_password_hash(&self, user: UserId, password_hash: &str) -> Result<()> {
                let key = user.to_string();
                let mut tx = self.writer().begin().await.map_err(db_error)?;
                let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(password_hash)
                    .bind(&key)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                if done.rows_affected() == 0 {
                    return Err(Error::not_found("user"));
                }
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(&key)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                tx.commit().await.map_err(db_error)
            }

            async fn count_users(&self) -> Result<i64> {
                let (n,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(self.reader()).await.map_err(db_error)?;
                Ok(n)
            }

            async fn create_team(&self, team: NewTeam) -> Result<Team> {
                let team_id = TeamId::new();
                let row: TeamRow = sqlx::query_as(
                    "INSERT INTO teams (id, name, skills, created_at) VALUES ($1, $2, $3, $4) \
                     RETURNING id, name, skills, created_at",
                )
                .bind(team_id.to_string())
                .bind(&team.name)
                .bind(to_json(&team.skills)?)
                .bind(micros(Utc::now()))
                .fetch_one(self.writer())
                .await
                .map_err(|e| unique_error(e, "team_exists", "a team with this name already exists"))?;
                row.try_into()
            }

            async fn list_teams(&self) -> Result<Vec<Team>> {
                let rows: Vec<TeamRow> = sqlx::query_as("SELECT id, name, skills, created_at FROM teams ORDER BY name")
                    .fetch_all(self.reader())
                    .await
                    .map_err(db_error)?;
                rows.into_iter().map(Team::try_from).collect()
            }

            async fn create_session(&self, token_hash: &str, user: UserId, expires_at: DateTime<Utc>) -> Result<()> {
                sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(token_hash)
                    .bind(user.to_string())
                    .bind(micros(Utc::now()))
                    .bind(micros(expires_at))
                    .execute(self.writer())
                    .await
                    .map_err(db_error)?;
                Ok(())
            }

            async fn session_user(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<User>> {
                let row: Option<(String,)> = sqlx::query_as(
                    "SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = $3",
                )
                .bind(token_hash)
                .bind(micros(now))
                .bind(true)
                .fetch_optional(self.reader())
                .await
                .map_err(db_error)?;
                match row {
                    Some((user,)) => self.get_user(id(&user)?).await,
                    None => Ok(None),
                }
            }

            async fn delete_session(&self, token_hash: &str) -> Result<()> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(self.writer())
                    .await
                    .map_err(db_error)?;
                Ok(())
            }

            async fn create_conversation(&self, new: NewConversation) -> Result<(Conversation, Vec<Event>)> {
                let now = Utc::now();
                let conversation_id = ConversationId::new();
                let key = conversation_id.to_string();
                let mut tx = self.writer().begin().await.map_err(db_error)?;
                // The first conversation creates the customer; later ones find it by e-mail.
                let (customer_id,): (String,) = sqlx::query_as(
                    "INSERT INTO customers (id, name, email, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (email) DO UPDATE SET email = excluded.email RETURNING id",
                )
                .bind(tandem_core::ids::CustomerId::new().to_string())
                .bind(&new.customer_name)
                .bind(&new.customer_email)
                .bind(micros(now))
                .fetch_one(&mut *tx)
                .await
                .map_err(db_error)?;
                sqlx::query(
                    "INSERT INTO conversations (id, customer_id, token_hash, status, priority, created_at, \
                     updated_at, last_message_at, customer_verified) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(&key)
                .bind(&customer_id)
                .bind(&new.token_hash)
                .bind(new.status.as_str())
                .bind(new.priority.as_str())
                .bind(micros(now))
                .bind(micros(now))
                .bind(micros(now))
                .bind(new.customer_verified)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
                let event = Self::insert_event(
                    &mut tx,
                    &key,
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

            async fn conversation_token_hash(&self, conversation: ConversationId) -> Result<Option<String>> {
                let row: Option<(String,)> = sqlx::query_as("SELECT token_hash FROM conversations WHERE id = $1")
                    .bind(conversation.to_string())
                    .fetch_optional(self.reader())
                    .await
                    .map_err(db_error)?;
                Ok(row.map(|(h,)| h))
            }

            async fn list_conversations(&self, filter: &ConversationFilter) -> Result<ConversationPage> {
                fn push_where<'a>(q: &mut QueryBuilder<'a, $db>, filter: &'a ConversationFilter) {
                    q.push(" WHERE 1 = 1");
                    if let Some(status) = filter.status {
                        q.push(" AND c.status = ").push_bind(status.as_str());
                    }
                    match filter.assignee {
                        Some(AssigneeFilter::Unassigned) => {
                            q.push(" AND c.assignee_id IS NULL");
                        }
                        Some(AssigneeFilter::User(user)) => {
                            q.push(" AND c.assignee_id = ").push_bind(user.to_string());
                        }
                        None => {}
                    }
                    if filter.open_only {
                        q.push(" AND c.status IN ('queued', 'assigned')");
                    }
                    if let Some(customer) = filter.customer {
                        q.push(" AND c.customer_id = ").push_bind(customer.to_string());
                    }
                    if let Some(team) = filter.team {
                        q.push(" AND c.team_id = ").push_bind(team.to_string());
                    }
                    if let Some(tag) = &filter.tag {
                        q.push(" AND EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = c.id AND t.tag = ")
                            .push_bind(tag.as_str())
                            .push(")");
                    }
                    if filter.sla_breached {
                        q.push(
                            " AND c.status IN ('queued', 'assigned') AND (c.first_response_breached = ",
                        )
                        .push_bind(true)
                        .push(" OR c.resolution_breached = ")
                        .push_bind(true)
                        .push(")");
                    }
                    if let Some(text) = &filter.text {
                        let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                        let pattern = format!("%{escaped}%");
                        q.push(" AND (lower(cu.name) LIKE ").push_bind(pattern.clone()).push(" ESCAPE '\\'");
                        q.push(" OR lower(cu.email) LIKE ").push_bind(pattern.clone()).push(" ESCAPE '\\'");
                        q.push(" OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND lower(m.text) LIKE ")
                            .push_bind(pattern)
                            .push(" ESCAPE '\\'))");
                    }
                }
                let mut count = QueryBuilder::<$db>::new(
                    "SELECT COUNT(*) FROM conversations c JOIN customers cu ON cu.id = c.customer_id",
                );
                push_where(&mut count, filter);
                let (total,): (i64,) = count.build_query_as().fetch_one(self.reader()).await.map_err(db_error)?;

                let mut q = QueryBuilder::<$db>::new(format!("SELECT {CONVERSATION_COLUMNS}"));
                push_where(&mut q, filter);
                q.push(" ORDER BY c.last_message_at DESC, c.id DESC LIMIT ")
                    .push_bind(filter.limit)
                    .push(" OFFSET ")
                    .push_bind(filter.offset);
                let rows: Vec<ConversationRow> = q.build_query_as().fetch_all(self.reader()).await.map_err(db_error)?;
                Ok(ConversationPage { conversations: self.hydrate(rows).await?, total })
            }

            async fn update_conversation(
                &self,
                conversation: ConversationId,
                change: ConversationChange,
                actor: Actor,
            ) -> Result<(Conversation, Vec<Event>)> {
                let mut tx = self.writer().begin().await.map_err(db_error)?;
                let events =
                    Self::update_conversation_tx(&mut tx, &conversation.to_string(), change, &actor, Utc::now()).await?;
                tx.commit().await.map_err(db_error)?;
                let conversation = self.get_conversation(conversation).await?.ok_or_else(|| Error::not_found("conversation"))?;
                Ok((conversation, events))
            }

            async fn append_message(&self, message: NewMessage) -> Result<(Message, Event)> {
                let mut tx = self.writer().begin().await.map_err(db_error)?;
                let stored = Self::append_message_tx(&mut tx, message, Utc::now()).await?;
                tx.commit().await.map_err(db_error)?;
                Ok(stored)
            }

            async fn list_messages(&self, conversation: ConversationId, include_internal: bool) -> Result<Vec<Message>> {
                let rows: Vec<MessageRow> = sqlx::query_as(
                    "SELECT id, conversation_id, author, author_user_id, text, internal, sources, created_at \
                     FROM messages WHERE conversation_id = $1 AND (internal = $2 OR $3) ORDER BY seq",
                )
                .bind(conversation.to_string())
                .bind(false)
                .bind(include_internal)
                .fetch_all(self.reader())
                .await
                .map_err(db_error)?;
                rows.into_iter().map(Message::try_from).collect()
            }

            async fn list_events(&self, conversation: ConversationId) -> Result<Vec<Event>> {
                let rows: Vec<EventRow> = sqlx::query_as(
                    "SELECT seq, id, conversation_id, kind, actor, data, created_at FROM events \
                     WHERE conversation_id = $1 ORDER BY seq",
                )
                .bind(conversation.to_string())
                .fetch_all(self.reader())
                .await
                .map_err(db_error)?;
                rows.into_iter().map(Event::try_from).collect()
            }
            async fn record_bot_turn(&self, turn: BotTurn) -> Result<Option<BotTurnOutcome>> {
                let now = Utc::now();
                let key = turn.conversation_id.to_string();
                let d = &turn.decision;
                let detail = DecisionDetail {
                    top_intents: d.top_intents.clone(),
                    signals: d.signals.clone(),
                    reasons: d.reasons.clone(),
                    entities: d.entities.clone(),
                };
                let mut tx = self.writer().begin().await.map_err(db_error)?;
                // Only a conversation still with the bot takes a bot turn: a turn that lost the
                // race to another (which handed the case over) writes nothing.
                let status: Option<(String,)> = sqlx::query_as(concat!(
                    "SELECT status FROM conversations WHERE id = $1",
                    $for_update
                ))
                .bind(&key)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
                match status {
                    None => return Err(Error::not_found("conversation")),
                    Some((status,)) if status != "bot" => return Ok(None),
                    Some(_) => {}
                }
                let mut events = Vec::new();
                let reply = match turn.reply {
                    Some(message) => {
                        let (message, event) = Self::append_message_tx(&mut tx, message, now).await?;
                        events.push(event);
                        Some(message)
                    }
                    None => None,
                };
                sqlx::query(
                    "INSERT INTO decisions (conversation_id, message_id, kind, intent, confidence, handoff_reason, \
                     slot, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(&key)
                .bind(d.message_id.to_string())
                .bind(d.kind.as_str())
                .bind(d.intent.as_deref())
                .bind(f64::from(d.confidence))
                .bind(d.handoff_reason.map(|r| r.as_str()))
                .bind(d.slot.as_deref())
                .bind(to_json(&detail)?)
                .bind(micros(now))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
                let data = serde_json::json!({
                    "message_id": d.message_id,
                    "kind": d.kind,
                    "intent": d.intent,
                    "handoff_reason": d.handoff_reason,
                });
                events.push(Self::insert_event(&mut tx, &key, EventKind::DecisionMade, &Actor::Bot, data, now).await?);
                events.extend(Self::update_conversation_tx(&mut tx, &key, turn.change, &Actor::Bot, now).await?);
                tx.commit().await.map_err(db_error)?;
                let conversation =
                    self.get_conversation(turn.conversation_id).await?.ok_or_else(|| Error::not_found("conversation"))?;
                Ok(Some(BotTurnOutcome { reply, conversation, events }))
            }

            async fn list_decisions(&self, conversation: ConversationId) -> Result<Vec<Decision>> {
                let rows: Vec<DecisionRow> = sqlx::query_as(
                    "SELECT conversation_id, message_id, kind, intent, confidence, handoff_reason, slot, detail, \
                     created_at FROM decisions WHERE conversation_id = $1 ORDER BY seq",
                )
                .bind(conversation.to_string())
                .fetch_all(self.reader())
                .await
                .map_err(db_error)?;
                rows.into_iter().map(Decision::try_from).collect()
            }

            async fn save_pack(&self, name: &str, version: &str, content: &str) -> Result<StoredPack> {
                let now = Utc::now();
                let pack_id = uuid::Uuid::now_v7().to_string();
                let mut tx = self.writer().begin().await.map_err(db_error)?;
                sqlx::query("UPDATE content_packs SET active = $1")
                    .bind(false)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                sqlx::query(
                    "INSERT INTO content_packs (id, name, version, content, imported_at, active) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&pack_id)
                .bind(name)
                .bind(version)
                .bind(content)
                .bind(micros(now))
                .bind(true)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
                tx.commit().await.map_err(db_error)?;
                Ok(StoredPack {
                    id: pack_id,
                    name: name.to_owned(),
                    version: version.to_owned(),
                    content: content.to_owned(),
                    imported_at: time(micros(now))?,
                })
            }

            async fn active_pack(&self) -> Result<Option<StoredPack>> {
                let row: Option<(String, String, String, String, i64)> = sqlx::query_as(
                    "SELECT id, name, version, content, imported_at FROM content_packs WHERE active = $1 \
                     ORDER BY imported_at DESC LIMIT 1",
                )
                .bind(true)
                .fetch_optional(self.reader())
                .await
                .map_err(db_error)?;
                row.map(|(id, name, version, content, at)| {
                    Ok(StoredPack { id, name, version, content, imported_at: time(at)? })
                })
                .transpose()
            }

            async fn save_model(
                &self,
                pack_id: &str,
                bytes: &[u8],
                metrics: &str,
                training_set_hash: &str,
                promoted_by: Option<UserId>,
            ) -> Result<StoredModel> {
                let now = Utc::now();
                let model_id = uuid::Uuid::now_v7().to_string();
                let mut tx = self.writer().begin().await.map_err(db_error)?;
                sqlx::query("UPDATE models SET active = $1 WHERE pack_id = $2")
                    .bind(false)
                    .bind(pack_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                sqlx::query(
                    "INSERT INTO models (id, pack_id, bytes, metrics, training_set_hash, created_at, promoted_by, \
                     active) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&model_id)
                .bind(pack_id)
                .bind(bytes)
                .bind(metrics)
                .bind(training_set_hash)
                .bind(micros(now))
                .bind(promoted_by.map(|u| u.to_string()))
                .bind(true)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
                tx.commit().await.map_err(db_error)?;
                Ok(StoredModel {
                    id: model_id,
                    pack_id: pack_id.to_owned(),
                    bytes: bytes.to_vec(),
                    metrics: metrics.to_owned(),
                    training_set_hash: training_set_hash.to_owned(),
                    created_at: time(micros(now))?,
                })
            }

            async fn active_model(&self, pack_id: &str) -> Result<Option<StoredModel>> {
                let row: Option<(String, Vec<u8>, String, String, i64)> = sqlx::query_as(
                    "SELECT id, bytes, metrics, training_set_hash, created_at FROM models \
                     WHERE pack_id = $1 AND active = $2 ORDER BY created_at DESC LIMIT 1",
                )
                .bind(pack_id)
                .bind(true)
                .fetch_optional(self.reader())
                .await
                .map_err(db_error)?;
                row.map(|(id, bytes, metrics, training_set_hash, at)| {
                    Ok(StoredModel {
                        id,
                        pack_id: pack_id.to_owned(),
                        bytes,
                        metrics,
                        training_set_hash,
                        created_at: time(at)?,
                    })
                })
                .transpose()
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
                    .bind(&key)
                    .bind(false)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    if changed.rows_affected() == 1 {
                        let data = serde_json::json!({ "target": target });
                        events.push(Self::insert_event(&mut tx, &key, EventKind::SlaBreached, &Actor::System, data, now).await?);
                    }
                    tx.commit().await.map_err(db_error)?;
                }
                Ok(events)
            }

            async fn agent_loads(&self) -> Result<Vec<AgentLoad>> {
                let rows: Vec<(String, bool, i64)> = sqlx::query_as(
                    "SELECT u.id, u.available, (SELECT COUNT(*) FROM conversations c \
                     WHERE c.assignee_id = u.id AND c.status = 'assigned') FROM users u WHERE u.active = $1",
                )
                .bind(true)
                .fetch_all(self.reader())
                .await
                .map_err(db_error)?;
                let users = self.list_users().await?;
                let mut loads = Vec::new();
                for (user_id, available, open_cases) in rows {
                    if let Some(user) = users.iter().find(|u| u.id.to_string() == user_id) {
                        loads.push(AgentLoad { user: user.clone(), available, open_cases });
                    }
                }
                Ok(loads)
            }

            async fn set_available(&self, user: UserId, available: bool) -> Result<()> {
                let done = sqlx::query("UPDATE users SET available = $1 WHERE id = $2")
                    .bind(available)
                    .bind(user.to_string())
                    .execute(self.writer())
                    .await
                    .map_err(db_error)?;
                if done.rows_affected() == 0 {
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
                let key = conversation.to_string();
                let mut tx = self.writer().begin().await.map_err(db_error)?;
                let row: Option<(Option<String>, String)> = sqlx::query_as(concat!(
                    "SELECT assignee_id, status FROM conversations WHERE id = $1",
                    $for_update
                ))
                .bind(&key)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
                match row {
                    None => return Err(Error::not_found("conversation")),
                    Some((None, status)) if status == "queued" => {}
                    Some(_) => return Ok(None),
                }
                let change = ConversationChange {
                    status: Some(tandem_core::model::ConversationStatus::Assigned),
                    assignee: Some(Some(user)),
                    ..Default::default()
                };
                let events = Self::update_conversation_tx(&mut tx, &key, change, &actor, Utc::now()).await?;
                tx.commit().await.map_err(db_error)?;
                let conversation = self.get_conversation(conversation).await?.ok_or_else(|| Error::not_found("conversation"))?;
                Ok(Some((conversation, events)))
            }

            async fn claim_next(&self, user: UserId, teams: &[TeamId]) -> Result<Option<(Conversation, Vec<Event>)>> {
                let mut tx = self.writer().begin().await.map_err(db_error)?;
                let mut q = QueryBuilder::<$db>::new(
                    "SELECT id FROM conversations WHERE status = 'queued' AND assignee_id IS NULL",
                );
                if !teams.is_empty() {
                    q.push(" AND team_id IN (");
                    let mut list = q.separated(", ");
                    for team in teams {
                        list.push_bind(team.to_string());
                    }
                    q.push(")");
                }
                q.push(
                    " ORDER BY CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END, \
                     created_at LIMIT 1",
                );
                q.push($skip_locked);
                let row: Option<(String,)> = q.build_query_as().fetch_optional(&mut *tx).await.map_err(db_error)?;
                let Some((key,)) = row else { return Ok(None) };
                let change = ConversationChange {
                    status: Some(tandem_core::model::ConversationStatus::Assigned),
                    assignee: Some(Some(user)),
                    ..Default::default()
                };
                let events = Self::update_conversation_tx(&mut tx, &key, change, &Actor::User { id: user }, Utc::now()).await?;
                tx.commit().await.map_err(db_error)?;
                let conversation = self.get_conversation(id(&key)?).await?.ok_or_else(|| Error::not_found("conversation"))?;
                Ok(Some((conversation, events)))
            }

            async fn insight_counts(&self, since: DateTime<Utc>) -> Result<InsightCounts> {
                let (conversations,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM conversations WHERE created_at >= $1")
                        .bind(micros(since))
                        .fetch_one(self.reader())
                        .await
                        .map_err(db_error)?;
                let rows: Vec<(i64, String, Option<String>, i64)> = sqlx::query_as(
                    "SELECT created_at / 86400000000 AS day, kind, handoff_reason, COUNT(*) FROM decisions \
                     WHERE created_at >= $1 GROUP BY created_at / 86400000000, kind, handoff_reason ORDER BY 1, 2, 3",
                )
                .bind(micros(since))
                .fetch_all(self.reader())
                .await
                .map_err(db_error)?;
                let mut decisions = Vec::with_capacity(rows.len());
                for (day, kind, reason, count) in rows {
                    let day = DateTime::<Utc>::from_timestamp(day.saturating_mul(86_400), 0)
                        .ok_or_else(|| Error::internal("a decision has an impossible date"))?
                        .date_naive();
                    decisions.push(DecisionTally {
                        day,
                        kind: tandem_core::decision::DecisionKind::parse(&kind)?,
                        handoff_reason: reason
                            .as_deref()
                            .map(tandem_core::decision::HandoffReason::parse)
                            .transpose()?,
                        count,
                    });
                }
                let statuses: Vec<(String, i64)> =
                    sqlx::query_as("SELECT status, COUNT(*) FROM conversations GROUP BY status ORDER BY status")
                        .fetch_all(self.reader())
                        .await
                        .map_err(db_error)?;
                let by_status = statuses
                    .into_iter()
                    .map(|(s, n)| Ok((tandem_core::model::ConversationStatus::parse(&s)?, n)))
                    .collect::<Result<Vec<_>>>()?;
                let teams: Vec<(Option<String>, i64)> = sqlx::query_as(
                    "SELECT team_id, COUNT(*) FROM conversations WHERE status IN ('queued', 'assigned') \
                     GROUP BY team_id ORDER BY team_id",
                )
                .fetch_all(self.reader())
                .await
                .map_err(db_error)?;
                let open_by_team = teams
                    .into_iter()
                    .map(|(t, n)| Ok((t.as_deref().map(id::<TeamId>).transpose()?, n)))
                    .collect::<Result<Vec<_>>>()?;
                Ok(InsightCounts { conversations, decisions, by_status, open_by_team })
            }
        }
    };
}

pub(crate) use store_impl;
