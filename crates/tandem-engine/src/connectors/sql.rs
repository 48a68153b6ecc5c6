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

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow, PgTypeInfo, PgValueFormat, PgValueRef};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteValueRef,
};
use sqlx::{Column, Decode, Executor, Postgres, Row as _, Sqlite, Statement, TypeInfo, ValueRef};

use super::{connector_subject, database_subject, ConnectorError, Row};
use crate::pack::model::DatabaseDef;

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

/// Checks that `query` is a single `SELECT`/`WITH` statement whose placeholders are exactly
/// `$1..$n` for `n` parameters.
pub(super) fn check_query(query: &str, params: usize) -> Result<(), String> {
    let scan = scan(query)?;
    match scan.first_word.as_deref() {
        Some("select") | Some("with") => {}
        Some(w) => {
            return Err(format!(
                "only read-only SELECT or WITH statements may run, and this one starts with `{}`",
                w.to_uppercase()
            ))
        }
        None => return Err("the query is empty".to_owned()),
    }
    if scan.statements > 1 {
        return Err("the query has more than one statement".to_owned());
    }
    if scan.max_placeholder != params {
        return Err(format!(
            "the query uses parameters up to ${} but names {} in `params`",
            scan.max_placeholder, params
        ));
    }
    if let Some(n) = (1..=scan.max_placeholder).find(|n| !scan.placeholders.contains(n)) {
        return Err(format!("the query does not use ${n}"));
    }
    Ok(())
}

struct Scan {
    first_word: Option<String>,
    statements: usize,
    max_placeholder: usize,
    placeholders: std::collections::BTreeSet<usize>,
}

/// A small SQL lexer: skips strings, quoted identifiers, comments and dollar-quoted strings.
fn scan(query: &str) -> Result<Scan, String> {
    let c: Vec<char> = query.chars().collect();
    let mut s = Scan {
        first_word: None,
        statements: 0,
        max_placeholder: 0,
        placeholders: Default::default(),
    };
    let mut in_statement = false;
    let mut i = 0usize;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
            continue;
        }
        if ch == '-' && c.get(i + 1) == Some(&'-') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if ch == '/' && c.get(i + 1) == Some(&'*') {
            i += 2;
            while i < c.len() && !(c[i] == '*' && c.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            if i >= c.len() {
                return Err("the query has an unclosed comment".to_owned());
            }
            i += 2;
            continue;
        }
        if ch == ';' {
            in_statement = false;
            i += 1;
            continue;
        }
        if !in_statement {
            in_statement = true;
            s.statements += 1;
        }
        match ch {
            '\'' | '"' | '`' => {
                i += 1;
                loop {
                    match c.get(i) {
                        None => return Err("the query has an unclosed quote".to_owned()),
                        Some(&q) if q == ch => {
                            // A doubled quote is an escaped quote.
                            if c.get(i + 1) == Some(&ch) {
                                i += 2;
                            } else {
                                i += 1;
                                break;
                            }
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            '$' => {
                let digits: String = c[i + 1..].iter().take_while(|d| d.is_ascii_digit()).collect();
                if !digits.is_empty() {
                    let n: usize = digits
                        .parse()
                        .map_err(|_| "a parameter number is too large".to_owned())?;
                    if n == 0 || n > 1000 {
                        return Err(format!("${n} is not a valid parameter"));
                    }
                    s.max_placeholder = s.max_placeholder.max(n);
                    s.placeholders.insert(n);
                    i += 1 + digits.len();
                } else {
                    // $tag$ ... $tag$
                    let tag_len = c[i + 1..]
                        .iter()
                        .take_while(|d| d.is_alphanumeric() || **d == '_')
                        .count();
                    if c.get(i + 1 + tag_len) == Some(&'$') {
                        let tag: Vec<char> = c[i..i + tag_len + 2].to_vec();
                        let mut j = i + tag.len();
                        let mut found = None;
                        while j + tag.len() <= c.len() {
                            if c[j..j + tag.len()] == tag[..] {
                                found = Some(j);
                                break;
                            }
                            j += 1;
                        }
                        let end = found
                            .ok_or_else(|| "the query has an unclosed dollar-quoted string".to_owned())?;
                        i = end + tag.len();
                    } else {
                        i += 1;
                    }
                }
            }
            _ if ch.is_alphabetic() || ch == '_' => {
                let word: String = c[i..]
                    .iter()
                    .take_while(|w| w.is_alphanumeric() || **w == '_')
                    .collect();
                i += word.chars().count();
                if s.first_word.is_none() {
                    s.first_word = Some(word.to_lowercase());
                }
            }
            '(' if s.first_word.is_none() => {
                // `(SELECT ...)`: look inside.
                i += 1;
            }
            _ => {
                if s.first_word.is_none() {
                    s.first_word = Some(ch.to_string());
                }
                i += 1;
            }
        }
    }
    Ok(s)
}

fn sqlite_path(rest: &str, data_dir: &Path) -> PathBuf {
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let rest = rest.split_once('?').map_or(rest, |(p, _)| p);
    let path = Path::new(rest);
    if path.is_absolute() {
        path.to_owned()
    } else {
        data_dir.join(path)
    }
}

fn find_seed<'a>(seeds: &'a BTreeMap<String, String>, seed: &str) -> Option<&'a String> {
    if let Some(sql) = seeds.get(seed) {
        return Some(sql);
    }
    let file = Path::new(seed).file_name()?.to_str()?;
    seeds.get(file).or_else(|| {
        seeds
            .iter()
            .find(|(k, _)| Path::new(k.as_str()).file_name().and_then(|f| f.to_str()) == Some(file))
            .map(|(_, v)| v)
    })
}

fn valid_database_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !name.starts_with('-')
}

/// Creates the SQLite file at `path` from `sql`: built beside it under a temporary name and moved
/// in place only when complete, so a failure never leaves a half-filled database behind.
async fn seed_sqlite(db: &str, path: &Path, sql: &str) -> Result<(), ConnectorError> {
    let subject = database_subject(db);
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| ConnectorError::failed(&subject, format!("cannot create its directory: {e}")))?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".seeding-{}", uuid::Uuid::new_v4().simple()));
    let tmp = PathBuf::from(tmp);
    let options = SqliteConnectOptions::new()
        .filename(&tmp)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Delete);
    let result = async {
        // A one-connection pool rather than a bare connection: `raw_sql` on `&mut
        // SqliteConnection` makes the future `Send` only for one lifetime, and handlers that
        // install a pack need it `Send` (the content editing routes).
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(|e| ConnectorError::failed(&subject, format!("cannot create the SQLite file: {e}")))?;
        let seeded = sqlx::raw_sql(sql).execute(&pool).await;
        pool.close().await;
        seeded.map_err(|e| ConnectorError::config(&subject, format!("its seed SQL failed: {e}")))?;
        tokio::fs::rename(&tmp, path).await.map_err(|e| {
            ConnectorError::failed(&subject, format!("cannot move the seeded file in place: {e}"))
        })
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    result
}

impl Database {
    pub(super) async fn open(
        name: &str,
        def: &DatabaseDef,
        seeds: &BTreeMap<String, String>,
        data_dir: &Path,
    ) -> Result<Self, ConnectorError> {
        let subject = database_subject(name);
        let seed = match &def.seed {
            Some(seed) => Some(find_seed(seeds, seed).ok_or_else(|| {
                ConnectorError::config(&subject, format!("its seed `{seed}` is not in the pack"))
            })?),
            None => None,
        };
        let path = match def.url.as_deref().map(str::trim) {
            None | Some("") => {
                if seed.is_none() {
                    return Err(ConnectorError::config(subject, "it needs a `url` or a `seed`"));
                }
                if !valid_database_name(name) {
                    return Err(ConnectorError::config(
                        subject,
                        "a seeded database's name may only have letters, digits, `_` and `-`",
                    ));
                }
                data_dir.join("business").join(format!("{name}.db"))
            }
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                let options = PgConnectOptions::from_str(url).map_err(|_| {
                    // The parser's message may repeat the URL, password included.
                    ConnectorError::config(&subject, "its PostgreSQL URL is not valid")
                })?;
                let pool = PgPoolOptions::new()
                    .max_connections(MAX_CONNECTIONS)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_lazy_with(options);
                return Ok(Self::Postgres(pool));
            }
            Some(url) => match url.strip_prefix("sqlite:") {
                Some(rest) if !rest.is_empty() && !rest.starts_with(":memory:") => {
                    sqlite_path(rest, data_dir)
                }
                _ => {
                    return Err(ConnectorError::config(
                        subject,
                        "its URL must be `sqlite:PATH` or `postgres://...`",
                    ))
                }
            },
        };
        let exists = tokio::fs::try_exists(&path).await.unwrap_or(false);
        if !exists {
            match seed {
                Some(sql) => seed_sqlite(name, &path, sql).await?,
                None => {
                    return Err(ConnectorError::config(
                        subject,
                        format!("the SQLite file `{}` does not exist", path.display()),
                    ))
                }
            }
        }
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(false)
            .pragma("query_only", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy_with(options);
        Ok(Self::Sqlite(pool))
    }

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
                millis: ACQUIRE_TIMEOUT.as_millis() as u64,
            }),
            Ok(Err(QueryError::Sql(e))) => Err(ConnectorError::failed(subject, describe(&e))),
            Ok(Err(QueryError::Config(m))) => Err(ConnectorError::config(subject, m)),
            Err(_) => Err(ConnectorError::Timeout {
                subject,
                millis: QUERY_TIMEOUT.as_millis() as u64,
            }),
        }
    }
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

async fn sqlite_query(pool: &SqlitePool, query: &str, values: &[String]) -> Result<Vec<Row>, QueryError> {
    let mut tx = pool.begin().await?;
    let mut q = sqlx::query(query);
    for v in values {
        q = q.bind(v.as_str());
    }
    let result = fetch_limited(q.fetch(&mut *tx)).await;
    tx.rollback().await?;
    let rows = result?;
    rows.iter().map(sqlite_row).collect()
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

fn sqlite_row(row: &SqliteRow) -> Result<Row, QueryError> {
    let mut out = Row::new();
    for (i, col) in row.columns().iter().enumerate() {
        let raw = row.try_get_raw(i)?;
        let declared = col.type_info().name().to_ascii_uppercase();
        out.insert(col.name().to_owned(), sqlite_value(raw, &declared)?);
    }
    Ok(out)
}

fn decode_err(e: sqlx::error::BoxDynError) -> QueryError {
    QueryError::Sql(sqlx::Error::Decode(e))
}

fn sqlite_value(raw: SqliteValueRef<'_>, declared: &str) -> Result<Value, QueryError> {
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let storage = raw.type_info().name().to_owned();
    Ok(match storage.as_str() {
        "INTEGER" | "BOOLEAN" => {
            let v = <i64 as Decode<'_, Sqlite>>::decode(raw).map_err(decode_err)?;
            if declared == "BOOLEAN" || declared == "BOOL" {
                Value::Bool(v != 0)
            } else {
                Value::from(v)
            }
        }
        "REAL" => {
            let v = <f64 as Decode<'_, Sqlite>>::decode(raw).map_err(decode_err)?;
            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
        }
        "BLOB" => {
            let v = <Vec<u8> as Decode<'_, Sqlite>>::decode(raw).map_err(decode_err)?;
            Value::String(base64::engine::general_purpose::STANDARD.encode(v))
        }
        _ => Value::String(<String as Decode<'_, Sqlite>>::decode(raw).map_err(decode_err)?),
    })
}

async fn postgres_query(pool: &PgPool, query: &str, values: &[String]) -> Result<Vec<Row>, QueryError> {
    let mut tx = pool.begin().await?;
    (&mut *tx).execute("SET TRANSACTION READ ONLY").await?;
    let result = postgres_in_tx(&mut tx, query, values).await;
    tx.rollback().await?;
    let rows = match result? {
        Some(rows) => rows,
        None => return Ok(Vec::new()),
    };
    rows.iter().map(postgres_row).collect()
}

/// `None` when a value cannot have its parameter's type (nothing can match it).
async fn postgres_in_tx(
    tx: &mut sqlx::Transaction<'_, Postgres>,
    query: &str,
    values: &[String],
) -> Result<Option<Vec<PgRow>>, QueryError> {
    let statement = (&mut **tx).prepare(query).await?;
    let types: Vec<PgTypeInfo> = match statement.parameters() {
        Some(sqlx::Either::Left(types)) => types.to_vec(),
        _ => Vec::new(),
    };
    let mut q = statement.query();
    for (i, v) in values.iter().enumerate() {
        let ty = types
            .get(i)
            .map(|t| t.name().to_ascii_uppercase())
            .unwrap_or_else(|| "TEXT".to_owned());
        let v = v.trim();
        q = match ty.as_str() {
            "INT2" | "INT4" | "INT8" => match v.parse::<i64>() {
                Ok(n) => match ty.as_str() {
                    "INT2" => match i16::try_from(n) {
                        Ok(n) => q.bind(n),
                        Err(_) => return Ok(None),
                    },
                    "INT4" => match i32::try_from(n) {
                        Ok(n) => q.bind(n),
                        Err(_) => return Ok(None),
                    },
                    _ => q.bind(n),
                },
                Err(_) => return Ok(None),
            },
            "FLOAT4" | "FLOAT8" | "NUMERIC" => match v.parse::<f64>() {
                Ok(n) if n.is_finite() => q.bind(n),
                _ => return Ok(None),
            },
            "BOOL" => match v.to_ascii_lowercase().as_str() {
                "true" | "t" | "yes" | "1" => q.bind(true),
                "false" | "f" | "no" | "0" => q.bind(false),
                _ => return Ok(None),
            },
            "UUID" => match uuid::Uuid::parse_str(v) {
                Ok(u) => q.bind(u),
                Err(_) => return Ok(None),
            },
            "DATE" => match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                Ok(d) => q.bind(d),
                Err(_) => return Ok(None),
            },
            "TIMESTAMP" => match parse_naive_datetime(v) {
                Some(d) => q.bind(d),
                None => return Ok(None),
            },
            "TIMESTAMPTZ" => match parse_datetime(v) {
                Some(d) => q.bind(d),
                None => return Ok(None),
            },
            "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" | "CITEXT" | "UNKNOWN" => q.bind(v.to_owned()),
            other => {
                let n = i + 1;
                return Err(QueryError::Config(format!(
                    "parameter ${n} has the type {other}, which cannot be bound; bind it as text and \
                     convert it in the query (for example `${n}::text::{}`)",
                    other.to_lowercase()
                )));
            }
        };
    }
    let rows = fetch_limited(q.fetch(&mut **tx)).await?;
    Ok(Some(rows))
}

fn parse_naive_datetime(v: &str) -> Option<chrono::NaiveDateTime> {
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(v, f).ok())
    .or_else(|| {
        chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    })
}

fn parse_datetime(v: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(v)
        .ok()
        .map(|d| d.with_timezone(&chrono::Utc))
        .or_else(|| parse_naive_datetime(v).map(|n| n.and_utc()))
}

fn postgres_row(row: &PgRow) -> Result<Row, QueryError> {
    let mut out = Row::new();
    for (i, col) in row.columns().iter().enumerate() {
        let raw = row.try_get_raw(i)?;
        out.insert(col.name().to_owned(), postgres_value(raw)?);
    }
    Ok(out)
}

fn pg<'r, T: Decode<'r, Postgres>>(raw: PgValueRef<'r>) -> Result<T, QueryError> {
    T::decode(raw).map_err(decode_err)
}

fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

fn postgres_value(raw: PgValueRef<'_>) -> Result<Value, QueryError> {
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let ty = raw.type_info().name().to_ascii_uppercase();
    if raw.format() == PgValueFormat::Text {
        // Only simple queries answer in text; keep the server's own rendering.
        return Ok(Value::String(pg::<String>(raw)?));
    }
    Ok(match ty.as_str() {
        "BOOL" => Value::Bool(pg::<bool>(raw)?),
        "INT2" => Value::from(pg::<i16>(raw)?),
        "INT4" => Value::from(pg::<i32>(raw)?),
        "INT8" => Value::from(pg::<i64>(raw)?),
        "OID" => Value::from(pg::<sqlx::postgres::types::Oid>(raw)?.0),
        "FLOAT4" => float(f64::from(pg::<f32>(raw)?)),
        "FLOAT8" => float(pg::<f64>(raw)?),
        "NUMERIC" => numeric(raw.as_bytes().map_err(decode_err)?).map_or(Value::Null, float),
        "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" | "CITEXT" | "UNKNOWN" | "XML" => {
            Value::String(pg::<String>(raw)?)
        }
        "UUID" => Value::String(pg::<uuid::Uuid>(raw)?.to_string()),
        "DATE" => Value::String(pg::<chrono::NaiveDate>(raw)?.format("%Y-%m-%d").to_string()),
        "TIME" => Value::String(pg::<chrono::NaiveTime>(raw)?.format("%H:%M:%S%.f").to_string()),
        "TIMESTAMP" => Value::String(
            pg::<chrono::NaiveDateTime>(raw)?
                .format("%Y-%m-%dT%H:%M:%S%.f")
                .to_string(),
        ),
        "TIMESTAMPTZ" => Value::String(
            pg::<chrono::DateTime<chrono::Utc>>(raw)?.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        ),
        "JSON" | "JSONB" => pg::<Value>(raw)?,
        "BYTEA" => Value::String(base64::engine::general_purpose::STANDARD.encode(pg::<Vec<u8>>(raw)?)),
        "TEXT[]" | "VARCHAR[]" | "BPCHAR[]" | "NAME[]" => Value::Array(
            pg::<Vec<Option<String>>>(raw)?
                .into_iter()
                .map(|v| v.map_or(Value::Null, Value::String))
                .collect(),
        ),
        "INT2[]" => Value::Array(
            pg::<Vec<Option<i16>>>(raw)?
                .into_iter()
                .map(|v| v.map_or(Value::Null, Value::from))
                .collect(),
        ),
        "INT4[]" => Value::Array(
            pg::<Vec<Option<i32>>>(raw)?
                .into_iter()
                .map(|v| v.map_or(Value::Null, Value::from))
                .collect(),
        ),
        "INT8[]" => Value::Array(
            pg::<Vec<Option<i64>>>(raw)?
                .into_iter()
                .map(|v| v.map_or(Value::Null, Value::from))
                .collect(),
        ),
        "FLOAT8[]" => Value::Array(
            pg::<Vec<Option<f64>>>(raw)?
                .into_iter()
                .map(|v| v.map_or(Value::Null, float))
                .collect(),
        ),
        "BOOL[]" => Value::Array(
            pg::<Vec<Option<bool>>>(raw)?
                .into_iter()
                .map(|v| v.map_or(Value::Null, Value::Bool))
                .collect(),
        ),
        other => {
            tracing::debug!(
                column_type = other,
                "sql connector: column type not mapped to JSON; returned as null"
            );
            Value::Null
        }
    })
}

/// PostgreSQL's binary NUMERIC: `ndigits, weight, sign, dscale` (16 bits each) then `ndigits`
/// base-10000 digits. `None` for NaN and infinities.
fn numeric(bytes: &[u8]) -> Option<f64> {
    let word = |i: usize| -> Option<i32> {
        let b = bytes.get(i * 2..i * 2 + 2)?;
        Some(i32::from(i16::from_be_bytes([b[0], b[1]])))
    };
    let ndigits = usize::try_from(word(0)?).ok()?;
    let weight = word(1)?;
    let sign = u16::from_be_bytes([*bytes.get(4)?, *bytes.get(5)?]);
    let negative = match sign {
        0x0000 => false,
        0x4000 => true,
        _ => return None,
    };
    let digits: Vec<i32> = (0..ndigits).map(|i| word(4 + i)).collect::<Option<_>>()?;
    if digits.is_empty() {
        return Some(0.0);
    }
    // Write the decimal out and let the float parser round once.
    let ndigits = digits.len() as i32;
    let max_e = weight.max(0);
    let min_e = (weight - ndigits + 1).min(0);
    let mut int_part = String::new();
    let mut frac_part = String::new();
    for e in (min_e..=max_e).rev() {
        let idx = weight - e;
        let d = if (0..ndigits).contains(&idx) {
            digits.get(idx as usize).copied().unwrap_or(0)
        } else {
            0
        };
        if e >= 0 {
            if int_part.is_empty() {
                if d != 0 {
                    int_part.push_str(&d.to_string());
                }
            } else {
                int_part.push_str(&format!("{d:04}"));
            }
        } else {
            frac_part.push_str(&format!("{d:04}"));
        }
    }
    if int_part.is_empty() {
        int_part.push('0');
    }
    let text = format!(
        "{}{}.{}",
        if negative { "-" } else { "" },
        int_part,
        if frac_part.is_empty() { "0" } else { &frac_part }
    );
    text.parse::<f64>().ok()
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn read_only_statements_are_checked() {
        assert!(check_query("SELECT * FROM orders WHERE id = $1", 1).is_ok());
        assert!(check_query("  -- the orders\n  with x as (select 1) select * from x;", 0).is_ok());
        assert!(check_query("/* c */ (SELECT 1)", 0).is_ok());
        assert!(check_query(
            "SELECT ';' AS semi, 'it''s' AS q, $$ $1 ; $$ AS d WHERE a = $1",
            1
        )
        .is_ok());

        let e = check_query("DELETE FROM orders WHERE id = $1", 1).unwrap_err();
        assert!(e.contains("SELECT or WITH") && e.contains("DELETE"), "{e}");
        assert!(check_query("UPDATE orders SET x = 1", 0)
            .unwrap_err()
            .contains("UPDATE"));
        assert!(check_query("SELECT 1; DROP TABLE orders", 0)
            .unwrap_err()
            .contains("more than one"));
        assert!(check_query("", 0).unwrap_err().contains("empty"));
        assert!(check_query("SELECT $2", 2).unwrap_err().contains("$1"));
        assert!(check_query("SELECT $1, $2", 1).unwrap_err().contains("$2"));
        assert!(check_query("SELECT $1", 2).is_err());
        assert!(check_query("SELECT 'unclosed", 0).unwrap_err().contains("quote"));
        assert!(check_query("SELECT $0", 0).is_err());
        assert!(check_query("SELECT $99999999999999999999999", 0).is_err());
    }

    #[test]
    fn numeric_binary_decodes() {
        fn enc(weight: i16, negative: bool, digits: &[i16]) -> Vec<u8> {
            let mut b = Vec::new();
            b.extend((digits.len() as i16).to_be_bytes());
            b.extend(weight.to_be_bytes());
            b.extend((if negative { 0x4000u16 } else { 0 }).to_be_bytes());
            b.extend(2u16.to_be_bytes());
            for d in digits {
                b.extend(d.to_be_bytes());
            }
            b
        }
        assert_eq!(numeric(&enc(0, false, &[19, 9900])), Some(19.99));
        assert_eq!(numeric(&enc(1, true, &[12, 3456, 5000])), Some(-123456.5));
        assert_eq!(numeric(&enc(-1, false, &[50])), Some(0.005));
        assert_eq!(numeric(&enc(2, false, &[1])), Some(100_000_000.0));
        assert_eq!(numeric(&enc(0, false, &[])), Some(0.0));
        assert_eq!(numeric(&[0, 1]), None);
    }
}
