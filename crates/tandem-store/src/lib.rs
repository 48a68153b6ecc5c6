//! Storage. One [`Store`] trait; [`SqliteStore`] is the embedded default and [`PgStore`] the
//! scale-out backend. Each backend has its own migrations (`migrations/sqlite`,
//! `migrations/postgres`); the query code is shared where the SQL is portable.
//!
//! Every write that changes a conversation appends to the event log in the same transaction, and a
//! write returns only after its transaction is committed.

mod codec;
mod postgres;
mod queries;
mod sqlite;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
mod types;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_core::decision::Decision;
use tandem_core::event::{Actor, Event};
use tandem_core::ids::{ConversationId, TeamId, UserId};
use tandem_core::model::{Conversation, Message, Team, User};
use tandem_core::Error;

pub use postgres::PgStore;
pub use sqlite::{SqliteDurability, SqliteStore};
pub use types::*;

pub type Result<T> = std::result::Result<T, Error>;

/// Which database a store talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Everything Tandem keeps. Implementations must be safe to share between tasks.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;
    /// Applies pending migrations.
    async fn migrate(&self) -> Result<()>;
    /// Succeeds when the database answers.
    async fn ping(&self) -> Result<()>;

    // --- staff ---------------------------------------------------------------------------
    async fn create_user(&self, user: NewUser) -> Result<User>;
    async fn get_user(&self, id: UserId) -> Result<Option<User>>;
    /// The user with this (normalised) e-mail address and their password hash.
    async fn user_credentials(&self, email: &str) -> Result<Option<(User, String)>>;
    async fn list_users(&self) -> Result<Vec<User>>;
    /// Applies the change; deactivating a user also ends their sessions.
    async fn update_user(&self, id: UserId, change: UserChange) -> Result<User>;
    /// Sets a new password hash and ends the user's sessions.
    async fn set_password_hash(&self, id: UserId, password_hash: &str) -> Result<()>;
    async fn count_users(&self) -> Result<i64>;
    async fn create_team(&self, team: NewTeam) -> Result<Team>;
    async fn list_teams(&self) -> Result<Vec<Team>>;

    // --- sessions ------------------------------------------------------------------------
    async fn create_session(&self, token_hash: &str, user: UserId, expires_at: DateTime<Utc>) -> Result<()>;
    /// The active user behind an unexpired session.
    async fn session_user(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<User>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;

    // --- conversations -------------------------------------------------------------------
    /// Creates (or finds, by e-mail) the customer and opens a conversation for them.
    async fn create_conversation(&self, new: NewConversation) -> Result<(Conversation, Vec<Event>)>;
    async fn get_conversation(&self, id: ConversationId) -> Result<Option<Conversation>>;
    /// The hash of the customer token that opens this conversation.
    async fn conversation_token_hash(&self, id: ConversationId) -> Result<Option<String>>;
    async fn list_conversations(&self, filter: &ConversationFilter) -> Result<ConversationPage>;
    /// Applies the change and records one event per field that really changed.
    async fn update_conversation(
        &self,
        id: ConversationId,
        change: ConversationChange,
        actor: Actor,
    ) -> Result<(Conversation, Vec<Event>)>;

    // --- messages and events -------------------------------------------------------------
    /// Stores the message, updates the conversation's read model and appends the event, in one
    /// transaction.
    async fn append_message(&self, message: NewMessage) -> Result<(Message, Event)>;
    async fn list_messages(
        &self,
        conversation: ConversationId,
        include_internal: bool,
    ) -> Result<Vec<Message>>;
    async fn list_events(&self, conversation: ConversationId) -> Result<Vec<Event>>;

    // --- the bot ---------------------------------------------------------------------------
    /// Writes a decision, its reply and the conversation change in one transaction, with a
    /// `decision_made` event — only while the conversation is still with the bot (checked under a
    /// row lock); otherwise writes nothing and returns `None`.
    async fn record_bot_turn(&self, turn: BotTurn) -> Result<Option<BotTurnOutcome>>;
    /// The conversation's decisions, oldest first.
    async fn list_decisions(&self, conversation: ConversationId) -> Result<Vec<Decision>>;
    /// Stores a content pack (JSON) and makes it the active one.
    async fn save_pack(&self, name: &str, version: &str, content: &str) -> Result<StoredPack>;
    async fn active_pack(&self) -> Result<Option<StoredPack>>;
    /// Stores a trained model for a pack and makes it the pack's active model.
    async fn save_model(
        &self,
        pack_id: &str,
        bytes: &[u8],
        metrics: &str,
        training_set_hash: &str,
        promoted_by: Option<UserId>,
    ) -> Result<StoredModel>;
    async fn active_model(&self, pack_id: &str) -> Result<Option<StoredModel>>;

    /// Marks open cases whose first-response or resolution target has passed and records one
    /// `sla_breached` event per missed target (each target is recorded once).
    async fn record_sla_breaches(&self, now: DateTime<Utc>) -> Result<Vec<Event>>;

    // --- routing ---------------------------------------------------------------------------
    /// Every active staff member with availability and the number of assigned, unresolved cases.
    async fn agent_loads(&self) -> Result<Vec<AgentLoad>>;
    async fn set_available(&self, user: UserId, available: bool) -> Result<()>;
    /// Assigns a queued, unassigned conversation to the user; `None` when someone else already
    /// holds it (the row is locked while checking, so a case is never assigned twice).
    async fn assign_if_unassigned(
        &self,
        conversation: ConversationId,
        user: UserId,
        actor: Actor,
    ) -> Result<Option<(Conversation, Vec<Event>)>>;
    /// Takes the most urgent, oldest queued case (of one of the teams, or any when `teams` is empty)
    /// for the user. Concurrent callers never get the same case.
    async fn claim_next(&self, user: UserId, teams: &[TeamId]) -> Result<Option<(Conversation, Vec<Event>)>>;

    // --- insights --------------------------------------------------------------------------
    /// Conversations started and bot decisions made since `since` (decisions per UTC day), and
    /// the conversations now per status and the open ones per team.
    async fn insight_counts(&self, since: DateTime<Utc>) -> Result<InsightCounts>;
}

/// Opens the store a URL names: `sqlite://PATH` (or a plain path) or `postgres://...`.
pub async fn open(url: &str, durability: SqliteDurability) -> Result<std::sync::Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(PgStore::connect(url).await?))
    } else {
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        Ok(std::sync::Arc::new(
            SqliteStore::open(std::path::Path::new(path), durability).await?,
        ))
    }
}
