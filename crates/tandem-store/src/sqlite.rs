//! The embedded default: one SQLite file in WAL mode. Writes go through a single connection (SQLite
//! has one writer at a time anyway, and this avoids busy retries); reads use a small pool.

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::time::Duration;

use crate::queries::store_impl;

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

pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file.
    pub async fn open(path: &Path, durability: SqliteDurability) -> crate::Result<Self> {
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
        Ok(Self { writer, reader })
    }

    fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    async fn run_migrations(&self) -> crate::Result<()> {
        sqlx::migrate!("./migrations/sqlite")
            .run(&self.writer)
            .await
            .map_err(|e| tandem_core::Error::internal(format!("cannot migrate the SQLite database: {e}")))
    }
}

store_impl!(
    SqliteStore,
    sqlx::Sqlite,
    backend = Backend::Sqlite,
    for_update = "",
    skip_locked = ""
);
