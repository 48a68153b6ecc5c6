//! The embedded default: one SQLite file in WAL mode. Writes go through a single connection (SQLite
//! has one writer at a time anyway, and this avoids busy retries), which also makes the outbox
//! ordered: events commit in `seq` order. Reads use a small pool.

use futures::future::BoxFuture;
use futures::FutureExt;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteQueryResult, SqliteSynchronous,
};
use sqlx::Sqlite;
use std::path::Path;
use std::time::Duration;

use super::{Dialect, SqlStore};
use crate::{Backend, Result};

/// How hard SQLite works to keep a committed write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SqliteDurability {
    /// fsync at every commit: a committed write survives a crash of the process and of the machine.
    #[default]
    Full,
    /// fsync at checkpoints only: survives a crash of the process; the last commits may be lost if
    /// the machine loses power. Faster.
    Normal,
}

/// Creates the database file readable and writable by its owner only, or tightens an existing one
/// (SQLite gives its WAL and shared-memory files the same permissions).
fn owner_only(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let io = |e: std::io::Error| {
            tandem_core::Error::internal(format!(
                "cannot secure the SQLite database {}: {e}",
                path.display()
            ))
        };
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .map_err(io)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

impl Dialect for Sqlite {
    const BACKEND: Backend = Backend::Sqlite;
    const FOR_UPDATE: &'static str = "";
    const SKIP_LOCKED: &'static str = "";

    fn lock_outbox(_conn: &mut SqliteConnection) -> BoxFuture<'_, Result<()>> {
        // The single writer connection already serialises every transaction.
        futures::future::ready(Ok(())).boxed()
    }

    fn rows_affected(result: &SqliteQueryResult) -> u64 {
        result.rows_affected()
    }

    fn scrub(pool: &SqlitePool) -> BoxFuture<'_, Result<()>> {
        // Deleted rows are zeroed in the database file (secure_delete), but the write-ahead log
        // still holds the frames that wrote them: copy it back and truncate it to nothing. It
        // waits for readers (busy timeout) so that it can truncate.
        async move {
            // One row: (busy, frames in the log, frames copied back).
            let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(pool)
                .await
                .map_err(crate::codec::db_error)?;
            if busy != 0 {
                // Readers held the log the whole busy timeout: the frames stay until the next
                // checkpoint overwrites them (at the latest when the server stops).
                tracing::warn!("the write-ahead log could not be truncated after an erasure (readers busy)");
            }
            Ok(())
        }
        .boxed()
    }

    fn migrate(pool: &SqlitePool) -> BoxFuture<'_, Result<()>> {
        async move {
            sqlx::migrate!("./migrations/sqlite")
                .run(pool)
                .await
                .map_err(|e| tandem_core::Error::internal(format!("cannot migrate the SQLite database: {e}")))
        }
        .boxed()
    }
}

impl SqlStore<Sqlite> {
    /// Opens (creating if needed) the database file.
    pub async fn open(path: &Path, durability: SqliteDurability) -> Result<Self> {
        owner_only(path)?;
        let synchronous = match durability {
            SqliteDurability::Full => SqliteSynchronous::Full,
            SqliteDurability::Normal => SqliteSynchronous::Normal,
        };
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .foreign_keys(true)
            // Deleted rows are overwritten, not left in free pages (erasure must really erase).
            .pragma("secure_delete", "on")
            .busy_timeout(Duration::from_secs(10));
        let open_error = |e: sqlx::Error| {
            tandem_core::Error::internal(format!("cannot open the SQLite database {}: {e}", path.display()))
        };
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(open_error)?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(false))
            .await
            .map_err(open_error)?;
        Ok(Self {
            writer,
            reader,
            clock: std::sync::Arc::new(tandem_core::clock::SystemClock),
        })
    }
}
