//! Storage. One trait per aggregate ([`StaffStore`], [`SessionStore`], [`ConversationStore`],
//! [`DecisionStore`], [`ContentStore`], [`RoutingStore`], [`InsightStore`], [`EventStore`],
//! [`PrivacyStore`], [`AuditStore`], [`ReadStore`], [`AttachmentStore`], [`ModelStore`],
//! [`ReviewStore`], [`DraftStore`], [`CoachingStore`], [`RootCauseStore`], [`RatingStore`]) and
//! [`Store`], their supertrait, which both backends implement: SQLite, the embedded default, and
//! PostgreSQL for scale-out. Each backend has its own migrations (`migrations/sqlite`,
//! `migrations/postgres`); the SQL of each aggregate is one file under `sql/`.
//!
//! Every write that changes something appends its events to the outbox in the same transaction,
//! and a write returns only after its transaction is committed.
#![warn(clippy::print_stdout)]

mod attachments;
mod audit;
mod coaching;
mod codec;
mod content;
mod content_versions;
mod conversations;
mod decisions;
mod drafts;
mod events;
mod insights;
mod models;
mod privacy;
mod ratings;
mod reads;
mod reviews;
mod root_causes;
mod routing;
mod sessions;
mod sql;
mod staff;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;

use async_trait::async_trait;
use tandem_core::secret::Secret;
use tandem_core::Error;

pub use attachments::{
    AttachmentCounts, AttachmentPart, AttachmentStore, NewAttachment, StoredAttachment, Uploader,
};
pub use audit::AuditStore;
pub use coaching::{Certification, CoachingStore, PracticeSession, ReplyScore};
pub use content::{ContentStore, StoredModel, StoredPack, KEEP_REVISIONS};
pub use content_versions::{ContentVersion, ContentVersionStore, NewContentVersion};
pub use conversations::{
    AssigneeFilter, ConversationChange, ConversationFilter, ConversationPage, ConversationStore,
    CustomerAccess, MessageRevision, NewConversation, NewMessage, SnoozeFilter,
};
pub use decisions::{BotTurn, BotTurnOutcome, DecisionStore, NewDecision, UnrecognisedMessage};
pub use drafts::{Draft, DraftCase, DraftDecision, DraftStatus, DraftStore, DraftTarget, NewDraftCase};
pub use events::{EventStore, NewEvent};
pub use insights::{
    AutomationStep, AutomationTrail, CustomerCase, CustomerHistory, CustomerScope, CustomerStep,
    DecisionTally, InsightCounts, InsightStore,
};
pub use models::{ModelRecord, ModelStatus, ModelStore, NewCandidate, Promotion};
pub use privacy::{Erased, PrivacyStore};
pub use ratings::{RatedConversation, Rating, RatingStore};
pub use reads::ReadStore;
pub use reviews::{
    Flag, NewReview, Resolution, Review, ReviewFilter, ReviewReason, ReviewStatus, ReviewStore,
};
pub use root_causes::{ConfirmedRootCause, NewRootCauseSuggestion, RootCauseRecord, RootCauseStore};
pub use routing::{AgentLoad, RoutingStore};
pub use sessions::SessionStore;
pub use sql::sqlite::SqliteDurability;
pub use sql::SqlStore;
pub use staff::{NewTeam, NewUser, StaffStore, UserChange};

/// The embedded default.
pub type SqliteStore = SqlStore<sqlx::Sqlite>;
/// The scale-out backend, shared by several `tandem serve` instances.
pub type PgStore = SqlStore<sqlx::Postgres>;

pub type Result<T> = std::result::Result<T, Error>;

/// Which database a store talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Everything Tandem keeps: every aggregate's store. Implementations must be safe to share
/// between tasks. `use tandem_store::prelude::*` brings the aggregate traits into scope.
#[async_trait]
pub trait Store:
    StaffStore
    + SessionStore
    + ConversationStore
    + DecisionStore
    + ContentStore
    + ContentVersionStore
    + RoutingStore
    + InsightStore
    + EventStore
    + PrivacyStore
    + AuditStore
    + ReadStore
    + AttachmentStore
    + ModelStore
    + ReviewStore
    + DraftStore
    + CoachingStore
    + RootCauseStore
    + RatingStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;
    /// The clock this store stamps records with: the one clock of Tandem.
    fn clock(&self) -> std::sync::Arc<dyn tandem_core::clock::Clock>;
    /// Applies pending migrations.
    async fn migrate(&self) -> Result<()>;
    /// Succeeds when the database answers.
    async fn ping(&self) -> Result<()>;
    /// Makes sure nothing deleted survives in the database's files (SQLite: truncates the
    /// write-ahead log, whose old frames would still hold erased rows). Called after an erasure.
    async fn scrub(&self) -> Result<()>;
}

/// The store traits, for calling their methods on an `Arc<dyn Store>`.
pub mod prelude {
    pub use crate::{
        AttachmentStore, AuditStore, CoachingStore, ContentStore, ContentVersionStore, ConversationStore,
        DecisionStore, DraftStore, EventStore, InsightStore, ModelStore, PrivacyStore, RatingStore,
        ReadStore, ReviewStore, RootCauseStore, RoutingStore, SessionStore, StaffStore, Store,
    };
}

/// Where the data lives and how hard SQLite works to keep it.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// `postgres://...` (or `postgresql://...`), or a SQLite file: `sqlite://PATH` or a plain path.
    pub url: Secret,
    pub sqlite_durability: SqliteDurability,
}

impl StoreConfig {
    /// The embedded default: a SQLite file.
    pub fn sqlite(path: &std::path::Path) -> Self {
        Self {
            url: Secret::new(format!("sqlite://{}", path.display())),
            sqlite_durability: SqliteDurability::default(),
        }
    }

    pub fn uses_postgres(&self) -> bool {
        is_postgres(self.url.expose())
    }

    /// The SQLite file, `None` for PostgreSQL.
    fn sqlite_path(&self) -> Option<&std::path::Path> {
        let url = self.url.expose();
        (!is_postgres(url)).then(|| std::path::Path::new(url.strip_prefix("sqlite://").unwrap_or(url)))
    }

    /// Creates the SQLite file's directory (its owner's alone) when needed.
    fn create_data_dir(&self) -> Result<()> {
        let Some(dir) = self
            .sqlite_path()
            .and_then(|p| p.parent())
            .filter(|d| !d.as_os_str().is_empty())
        else {
            return Ok(());
        };
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .map_err(|e| Error::internal(format!("cannot create the data directory {}: {e}", dir.display())))
    }

    /// Opens the store (creating a SQLite file's directory when needed) and applies migrations.
    pub async fn open(&self) -> Result<std::sync::Arc<dyn Store>> {
        self.create_data_dir()?;
        let store = open(self.url.expose(), self.sqlite_durability).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Claims a SQLite database for one server process until the claim is dropped: a second
    /// server on the same file would make both fail with "database is locked". PostgreSQL is
    /// shared by design (nothing is claimed). Commands that run beside a server (adding a user,
    /// retention) do not claim it.
    pub fn claim_for_serving(&self) -> Result<ServingClaim> {
        let Some(path) = self.sqlite_path() else {
            return Ok(ServingClaim { _file: None });
        };
        self.create_data_dir()?;
        let lock_path = path.with_file_name(format!(
            "{}.serve-lock",
            path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
        ));
        let io = |e: std::io::Error| Error::internal(format!("cannot lock {}: {e}", lock_path.display()));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(ServingClaim { _file: Some(file) }),
            Err(std::fs::TryLockError::WouldBlock) => Err(Error::internal(format!(
                "another tandem server is already running on {}; stop it first (to run several \
                 servers, use PostgreSQL)",
                path.display()
            ))),
            Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

/// A SQLite database claimed by this server process (see [`StoreConfig::claim_for_serving`]);
/// released when dropped or when the process ends, however it ends.
#[derive(Debug)]
pub struct ServingClaim {
    _file: Option<std::fs::File>,
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Opens the store a URL names: `sqlite://PATH` (or a plain path) or `postgres://...`.
pub async fn open(url: &str, durability: SqliteDurability) -> Result<std::sync::Arc<dyn Store>> {
    if is_postgres(url) {
        Ok(std::sync::Arc::new(PgStore::connect(url).await?))
    } else {
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        Ok(std::sync::Arc::new(
            SqliteStore::open(std::path::Path::new(path), durability).await?,
        ))
    }
}
