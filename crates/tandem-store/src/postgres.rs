//! The scale-out backend: PostgreSQL, shared by several `tandem serve` instances. Updates lock the
//! rows they change (`FOR UPDATE`), so two instances never interleave changes to one conversation.

use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

use crate::queries::store_impl;

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn connect(url: &str) -> crate::Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(|e| tandem_core::Error::internal(format!("cannot connect to PostgreSQL: {e}")))?;
        Ok(Self { pool })
    }

    fn writer(&self) -> &PgPool {
        &self.pool
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    async fn run_migrations(&self) -> crate::Result<()> {
        sqlx::migrate!("./migrations/postgres")
            .run(&self.pool)
            .await
            .map_err(|e| tandem_core::Error::internal(format!("cannot migrate the PostgreSQL database: {e}")))
    }
}

store_impl!(
    PgStore,
    sqlx::Postgres,
    backend = Backend::Postgres,
    for_update = " FOR UPDATE",
    skip_locked = " FOR UPDATE SKIP LOCKED"
);
