//! Running the statement on SQLite: values bound as text, rows as JSON objects.

use base64::Engine as _;
use serde_json::Value;
use sqlx::sqlite::{SqlitePool, SqliteRow, SqliteValueRef};
use sqlx::{Column, Decode, Row as _, Sqlite, TypeInfo, ValueRef};

use super::{decode_err, fetch_limited, QueryError};
use crate::connectors::Row;

pub(super) async fn sqlite_query(
    pool: &SqlitePool,
    query: &str,
    values: &[String],
) -> Result<Vec<Row>, QueryError> {
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

fn sqlite_row(row: &SqliteRow) -> Result<Row, QueryError> {
    let mut out = Row::new();
    for (i, col) in row.columns().iter().enumerate() {
        let raw = row.try_get_raw(i)?;
        let declared = col.type_info().name().to_ascii_uppercase();
        out.insert(col.name().to_owned(), sqlite_value(raw, &declared)?);
    }
    Ok(out)
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
