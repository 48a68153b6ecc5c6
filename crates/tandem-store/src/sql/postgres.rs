//! The scale-out backend: PostgreSQL, shared by several `tandem serve` instances. Updates lock the
//! rows they change (`FOR UPDATE`), so two instances never interleave changes to one conversation;
//! writers of events hold a transaction-level advisory lock until they commit, so events become
//! visible in `seq` order (a `BIGSERIAL` alone hands out numbers in one order and commits in
//! another, and a reader following `seq` would skip the late ones).

use futures::future::BoxFuture;
use futures::FutureExt;
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions, PgQueryResult};
use sqlx::Postgres;
use std::time::Duration;

use super::{Dialect, SqlStore};
use crate::codec::db_error;
use crate::{Backend, Result};

/// The advisory lock key of the outbox ("tandem" in ASCII).
const OUTBOX_LOCK: i64 = 0x7461_6e64_656d;

impl Dialect for Postgres {
    const BACKEND: Backend = Backend::Postgres;
    const FOR_UPDATE: &'static str = " FOR UPDATE";
    const SKIP_LOCKED: &'static str = " FOR UPDATE SKIP LOCKED";

    fn lock_outbox(conn: &mut PgConnection) -> BoxFuture<'_, Result<()>> {
        async move {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(OUTBOX_LOCK)
                .execute(conn)
                .await
                .map_err(db_error)?;
            Ok(())
        }
        .boxed()
    }

    fn rows_affected(result: &PgQueryResult) -> u64 {
        result.rows_affected()
    }

    fn scrub(_pool: &PgPool) -> BoxFuture<'_, Result<()>> {
        // PostgreSQL keeps deleted rows as dead tuples until (auto)vacuum reclaims their space;
        // they are unreachable by any query. Rewriting the tables (VACUUM FULL) would lock them
        // for every instance, so it is left to the operator's maintenance (see README).
        futures::future::ready(Ok(())).boxed()
    }

    fn migrate(pool: &PgPool) -> BoxFuture<'_, Result<()>> {
        async move {
            sqlx::migrate!("./migrations/postgres")
                .run(pool)
                .await
                .map_err(|e| {
                    tandem_core::Error::internal(format!("cannot migrate the PostgreSQL database: {e}"))
                })
        }
        .boxed()
    }
}

impl SqlStore<Postgres> {
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(|e| tandem_core::Error::internal(format!("cannot connect to PostgreSQL: {e}")))?;
        Ok(Self {
            writer: pool.clone(),
            reader: pool,
            clock: std::sync::Arc::new(tandem_core::clock::SystemClock),
        })
    }
}
