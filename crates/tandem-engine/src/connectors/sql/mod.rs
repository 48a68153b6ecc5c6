//! `sql` connectors: one read-only statement against a business database (SQLite or PostgreSQL).
//!
//! Read-only three times over: the statement must be a single `SELECT` or `WITH` (checked when the
//! connectors open); it runs in a transaction that is always rolled back; and that transaction is
//! `READ ONLY` on PostgreSQL, while SQLite connections are opened with `query_only`.
//!
//! Parameters are bound as text on SQLite (column affinity converts them) and as the type
//! PostgreSQL infers for each `$n` on PostgreSQL (text, integers, floats, numeric, booleans, uuid,
//! dates and timestamps); a value that cannot have that type (an order "number" with letters for
//! an integer column) finds nothing. Columns of any common type become JSON values.
//!
//! - `check`: the statement check (one read-only statement, placeholders `$1..$n`).
//! - `open`: opening a database, and creating a seeded SQLite file.
//! - `sqlite`, `postgres`: running the statement and turning rows into JSON objects.
//! - `numeric`: PostgreSQL's binary NUMERIC as a float.

mod check;
mod numeric;
mod open;
mod postgres;
mod sqlite;

use std::time::Duration;

use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;

use super::{connector_subject, ConnectorError, Row};

pub(super) use check::check_query;
use postgres::postgres_query;
use sqlite::sqlite_query;

/// How long a statement may run, and how long to wait for a connection.
const QUERY_TIMEOUT: Duration = Duration::from_secs(10);
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_CONNECTIONS: u32 = 4;
/// Most rows a connector returns; more are not read.
pub(super) const MAX_ROWS: usize = 1000;

pub(super) enum Database {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Database {
    pub(super) async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }

    /// Runs the statement with the values, read-only, and returns the rows as JSON objects.
    pub(super) async fn query(
        &self,
        connector: &str,
        query: &str,
        values: &[String],
    ) -> Result<Vec<Row>, ConnectorError> {
        let subject = connector_subject(connector);
        let run = async {
            match self {
                Self::Sqlite(pool) => sqlite_query(pool, query, values).await,
                Self::Postgres(pool) => postgres_query(pool, query, values).await,
            }
        };
        match tokio::time::timeout(QUERY_TIMEOUT, run).await {
            Ok(Ok(rows)) => Ok(rows),
            Ok(Err(QueryError::Sql(sqlx::Error::PoolTimedOut))) => Err(ConnectorError::Timeout {
                subject,
                millis: millis(ACQUIRE_TIMEOUT),
            }),
            Ok(Err(QueryError::Sql(e))) => Err(ConnectorError::failed(subject, describe(&e))),
            Ok(Err(QueryError::Config(m))) => Err(ConnectorError::config(subject, m)),
            Err(_) => Err(ConnectorError::Timeout {
                subject,
                millis: millis(QUERY_TIMEOUT),
            }),
        }
    }
}

impl Database {
    /// The names of the statement's result columns, from preparing it (it does not run).
    pub(super) async fn columns(&self, connector: &str, query: &str) -> Result<Vec<String>, ConnectorError> {
        use sqlx::{Column as _, Executor as _, Statement as _};
        let subject = connector_subject(connector);
        let prepared = async {
            match self {
                Self::Sqlite(pool) => pool
                    .prepare(query)
                    .await
                    .map(|s| s.columns().iter().map(|c| c.name().to_owned()).collect()),
                Self::Postgres(pool) => pool
                    .prepare(query)
                    .await
                    .map(|s| s.columns().iter().map(|c| c.name().to_owned()).collect()),
            }
        };
        match tokio::time::timeout(QUERY_TIMEOUT, prepared).await {
            Ok(Ok(columns)) => Ok(columns),
            Ok(Err(e)) => Err(ConnectorError::failed(subject, describe(&e))),
            Err(_) => Err(ConnectorError::Timeout {
                subject,
                millis: millis(QUERY_TIMEOUT),
            }),
        }
    }
}

/// `d` in whole milliseconds (saturating).
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

enum QueryError {
    Sql(sqlx::Error),
    Config(String),
}

impl From<sqlx::Error> for QueryError {
    fn from(e: sqlx::Error) -> Self {
        Self::Sql(e)
    }
}

/// A database error, without connection details.
fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => format!("the database refused the query: {}", db.message()),
        sqlx::Error::Io(io) => format!("cannot reach the database: {io}"),
        sqlx::Error::Tls(_) => "cannot reach the database (TLS)".to_owned(),
        sqlx::Error::PoolTimedOut => "no database connection was free in time".to_owned(),
        sqlx::Error::PoolClosed => "the database pool is closed".to_owned(),
        sqlx::Error::ColumnDecode { index, .. } => format!("column {index} could not be read"),
        other => format!("database error: {other}"),
    }
}

async fn fetch_limited<R, S>(mut stream: S) -> Result<Vec<R>, sqlx::Error>
where
    S: futures::Stream<Item = Result<R, sqlx::Error>> + Unpin,
{
    use futures::StreamExt as _;
    let mut rows = Vec::new();
    while let Some(row) = stream.next().await {
        rows.push(row?);
        if rows.len() >= MAX_ROWS {
            break;
        }
    }
    Ok(rows)
}

fn decode_err(e: sqlx::error::BoxDynError) -> QueryError {
    QueryError::Sql(sqlx::Error::Decode(e))
}
