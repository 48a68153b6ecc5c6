//! Running the statement on PostgreSQL: a read-only transaction, each value bound as the type
//! PostgreSQL infers for its parameter, columns of any common type as JSON values.

use base64::Engine as _;
use serde_json::Value;
use sqlx::postgres::{PgPool, PgRow, PgTypeInfo, PgValueFormat, PgValueRef};
use sqlx::{Column, Decode, Executor, Postgres, Row as _, Statement, TypeInfo, ValueRef};

use super::numeric::numeric;
use super::{decode_err, fetch_limited, QueryError};
use crate::connectors::Row;

pub(super) async fn postgres_query(
    pool: &PgPool,
    query: &str,
    values: &[String],
) -> Result<Vec<Row>, QueryError> {
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
