//! The SQL both backends run. SQLite (through sqlx) accepts PostgreSQL's `$N` parameters, so each
//! aggregate's queries are written once, as generic code over the backend's [`Dialect`]; what
//! differs (connection set-up, row locks, the outbox lock) lives in `sqlite.rs` and `postgres.rs`.
//!
//! Every aggregate file implements its trait with the same `where` clause: the value types Tandem
//! binds and reads (text, integers, booleans, reals, bytes). Rust does not carry such bounds
//! through a trait alias, so they are spelled out per impl; adding a query needs none of them.

mod attachments;
mod audit;
mod coaching;
mod content;
mod content_versions;
mod conversations;
mod decisions;
mod drafts;
mod events;
mod insights;
mod message_edits;
mod models;
pub(crate) mod postgres;
mod privacy;
mod reads;
mod reviews;
mod root_causes;
mod routing;
mod sessions;
pub(crate) mod sqlite;
mod staff;

use futures::future::BoxFuture;
use sqlx::{Database, Pool};

use std::sync::Arc;

use tandem_core::clock::Clock;

use crate::{Backend, Result};

/// What differs between the backends.
pub trait Dialect: Database {
    const BACKEND: Backend;
    /// The row-lock clause of a `SELECT` that is about to change the row (empty for SQLite, whose
    /// single writer connection already serialises writes).
    const FOR_UPDATE: &'static str;
    /// The row-lock clause that skips rows another transaction holds.
    const SKIP_LOCKED: &'static str;
    /// Taken before a transaction writes its first event and held until it ends, so events become
    /// visible in `seq` order: a reader that has seen `seq` N never later finds one below N.
    fn lock_outbox(conn: &mut Self::Connection) -> BoxFuture<'_, Result<()>>;
    /// How many rows a statement changed.
    fn rows_affected(result: &Self::QueryResult) -> u64;
    /// Applies the backend's migrations.
    fn migrate(pool: &Pool<Self>) -> BoxFuture<'_, Result<()>>;
    /// Makes sure deleted rows survive in no file (see [`crate::Store::scrub`]).
    fn scrub(pool: &Pool<Self>) -> BoxFuture<'_, Result<()>>;
}

/// A store on one backend: a pool for writes and one for reads (the same pool on PostgreSQL), and
/// the clock that stamps what it writes.
pub struct SqlStore<DB: Database> {
    pub(crate) writer: Pool<DB>,
    pub(crate) reader: Pool<DB>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl<DB: Database> SqlStore<DB> {
    /// The same store on another clock (tests move time with a `ManualClock`).
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        Self { clock, ..self }
    }

    pub(crate) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub(crate) fn writer(&self) -> &Pool<DB> {
        &self.writer
    }

    pub(crate) fn reader(&self) -> &Pool<DB> {
        &self.reader
    }
}

use async_trait::async_trait;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};

#[async_trait]
impl<DB> crate::Store for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> f64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
{
    fn backend(&self) -> Backend {
        DB::BACKEND
    }

    fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    async fn migrate(&self) -> Result<()> {
        DB::migrate(&self.writer).await
    }

    async fn scrub(&self) -> Result<()> {
        DB::scrub(&self.writer).await
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .execute(self.reader())
            .await
            .map_err(crate::codec::db_error)?;
        Ok(())
    }
}

/// A value bound to a query built at run time (see [`Dynamic`]).
#[derive(Clone, Debug)]
pub(crate) enum Value {
    Text(String),
    Int(i64),
    Bool(bool),
}

/// A query whose conditions are chosen at run time: text with `$N` placeholders and the values in
/// order. Unlike sqlx's `QueryBuilder`, it binds through plain `query_as`, so it works in code that
/// is generic over the backend.
#[derive(Default)]
pub(crate) struct Dynamic {
    sql: String,
    values: Vec<Value>,
}

impl Dynamic {
    pub(crate) fn new(sql: impl Into<String>) -> Self {
        Self {
            sql: sql.into(),
            values: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a placeholder for the value.
    pub(crate) fn bind(&mut self, value: Value) -> &mut Self {
        self.values.push(value);
        self.sql.push_str(&format!("${}", self.values.len()));
        self
    }

    /// Appends `(` placeholders `)` for a list of text values.
    pub(crate) fn bind_list(&mut self, values: impl IntoIterator<Item = String>) -> &mut Self {
        self.sql.push('(');
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.bind(Value::Text(value));
        }
        self.sql.push(')');
        self
    }

    pub(crate) fn sql(&self) -> &str {
        &self.sql
    }

    /// Binds the values, in order, to a query made from [`Self::sql`].
    pub(crate) fn bind_to<'q, DB, O>(
        &self,
        mut query: sqlx::query::QueryAs<'q, DB, O, DB::Arguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, DB, O, DB::Arguments<'q>>
    where
        DB: Database,
        for<'a> String: Encode<'a, DB> + Type<DB>,
        for<'a> i64: Encode<'a, DB> + Type<DB>,
        for<'a> bool: Encode<'a, DB> + Type<DB>,
    {
        for value in &self.values {
            query = match value {
                Value::Text(text) => query.bind(text.clone()),
                Value::Int(n) => query.bind(*n),
                Value::Bool(b) => query.bind(*b),
            };
        }
        query
    }
}
