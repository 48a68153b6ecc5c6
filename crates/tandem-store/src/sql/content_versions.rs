//! Content history (see [`crate::content_versions`]).

use async_trait::async_trait;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};

use super::{Dialect, SqlStore};
use crate::codec::{db_error, id, micros, time};
use crate::content_versions::{ContentVersion, ContentVersionStore, NewContentVersion};
use crate::Result;

/// How often a batch is tried again when a concurrent writer took the same version number
/// (PostgreSQL; SQLite's single writer never collides). Each round lets at least one writer through.
const TRIES: usize = 32;

type Row = (String, String, i64, String, Option<String>, Option<String>, i64);

const SELECT: &str = "SELECT v.kind, v.key, v.version, v.content, v.author_id, u.email, v.created_at \
     FROM content_versions v LEFT JOIN users u ON u.id = v.author_id \
     WHERE v.kind = $1 AND v.key = $2";

fn version((kind, key, version, content, author, email, created_at): Row) -> Result<ContentVersion> {
    Ok(ContentVersion {
        kind,
        key,
        version,
        content,
        author: author.as_deref().map(id).transpose()?,
        author_email: email,
        created_at: time(created_at)?,
    })
}

#[async_trait]
impl<DB> ContentVersionStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    async fn add_content_versions(&self, versions: &[NewContentVersion]) -> Result<Vec<Option<i64>>> {
        let mut tries = 0;
        loop {
            tries += 1;
            match self.try_add_versions(versions).await {
                Err(e) if tries < TRIES && e.as_database_error().is_some_and(|d| d.is_unique_violation()) => {
                    continue
                }
                other => return other.map_err(db_error),
            }
        }
    }

    async fn content_versions(&self, kind: &str, key: &str) -> Result<Vec<ContentVersion>> {
        let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} ORDER BY v.version"))
            .bind(kind.to_owned())
            .bind(key.to_owned())
            .fetch_all(self.reader())
            .await
            .map_err(db_error)?;
        rows.into_iter().map(version).collect()
    }

    async fn content_version(&self, kind: &str, key: &str, number: i64) -> Result<Option<ContentVersion>> {
        let row: Option<Row> = sqlx::query_as(&format!("{SELECT} AND v.version = $3"))
            .bind(kind.to_owned())
            .bind(key.to_owned())
            .bind(number)
            .fetch_optional(self.reader())
            .await
            .map_err(db_error)?;
        row.map(version).transpose()
    }
}

impl<DB> SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    /// One attempt: numbers each version one past its item's last, in one transaction.
    async fn try_add_versions(
        &self,
        versions: &[NewContentVersion],
    ) -> std::result::Result<Vec<Option<i64>>, sqlx::Error> {
        let now = micros(self.now());
        let mut tx = self.writer().begin().await?;
        let mut out = Vec::with_capacity(versions.len());
        for v in versions {
            let (last,): (Option<i64>,) =
                sqlx::query_as("SELECT MAX(version) FROM content_versions WHERE kind = $1 AND key = $2")
                    .bind(v.kind.clone())
                    .bind(v.key.clone())
                    .fetch_one(&mut *tx)
                    .await?;
            if v.only_if_first && last.is_some() {
                out.push(None);
                continue;
            }
            let number = last.unwrap_or(0).saturating_add(1);
            sqlx::query(
                "INSERT INTO content_versions (kind, key, version, content, author_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(v.kind.clone())
            .bind(v.key.clone())
            .bind(number)
            .bind(v.content.clone())
            .bind(v.author.map(|a| a.to_string()))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            out.push(Some(number));
        }
        tx.commit().await?;
        Ok(out)
    }
}
