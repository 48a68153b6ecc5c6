//! Content packs and trained models.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};
use tandem_core::ids::UserId;
use tandem_core::{Error, ErrorCode};

use super::{Dialect, SqlStore};
use crate::codec::{db_error, micros, time};
use crate::content::{ContentStore, StoredModel, StoredPack, KEEP_REVISIONS};
use crate::Result;

#[async_trait]
impl<DB> ContentStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    async fn save_pack(
        &self,
        name: &str,
        version: &str,
        content: &str,
        expected_active: Option<&str>,
    ) -> Result<StoredPack> {
        let now = self.now();
        let pack_id = uuid::Uuid::now_v7().to_string();
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        if let Some(expected) = expected_active {
            let active: Option<(String,)> = sqlx::query_as(&format!(
                "SELECT id FROM content_packs WHERE active = $1{}",
                DB::FOR_UPDATE
            ))
            .bind(true)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
            if active.as_ref().map(|(id,)| id.as_str()) != Some(expected) {
                return Err(Error::conflict(
                    ErrorCode::StaleContent,
                    "the content changed since it was read; reload it and make the change again",
                ));
            }
        }
        sqlx::query("UPDATE content_packs SET active = $1")
            .bind(false)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query(
            "INSERT INTO content_packs (id, name, version, content, imported_at, active) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(pack_id.clone())
        .bind(name.to_owned())
        .bind(version.to_owned())
        .bind(content.to_owned())
        .bind(micros(now))
        .bind(true)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        // Older revisions beyond the history kept go, with their models: a copy of the pack is
        // not kept forever (see `KEEP_REVISIONS`). The revisions of the active model and of the
        // one a rollback would restore stay, so a rollback never finds its model gone.
        let beyond = "SELECT id FROM content_packs WHERE active = $1 AND id NOT IN \
             (SELECT id FROM content_packs ORDER BY imported_at DESC, id DESC LIMIT $2) \
             AND id NOT IN (SELECT pack_id FROM models WHERE status = 'active' \
               OR replaced_by IN (SELECT id FROM models WHERE status = 'active'))";
        for table_key in ["models WHERE pack_id", "content_packs WHERE id"] {
            // `table_key` is one of the literals above, never input.
            sqlx::query(&format!("DELETE FROM {table_key} IN ({beyond})"))
                .bind(false)
                .bind(KEEP_REVISIONS)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(StoredPack {
            id: pack_id,
            name: name.to_owned(),
            version: version.to_owned(),
            content: content.to_owned(),
            imported_at: time(micros(now))?,
        })
    }

    async fn active_pack(&self) -> Result<Option<StoredPack>> {
        let row: Option<(String, String, String, String, i64)> = sqlx::query_as(
            "SELECT id, name, version, content, imported_at FROM content_packs WHERE active = $1 \
             ORDER BY imported_at DESC LIMIT 1",
        )
        .bind(true)
        .fetch_optional(self.reader())
        .await
        .map_err(db_error)?;
        row.map(|(id, name, version, content, at)| {
            Ok(StoredPack {
                id,
                name,
                version,
                content,
                imported_at: time(at)?,
            })
        })
        .transpose()
    }

    async fn save_model(
        &self,
        pack_id: &str,
        bytes: &[u8],
        metrics: &str,
        training_set_hash: &str,
        promoted_by: Option<UserId>,
    ) -> Result<StoredModel> {
        let now = self.now();
        let model_id = uuid::Uuid::now_v7().to_string();
        // The example count the registry lists is the metrics' `examples`, when they have one.
        let examples = serde_json::from_str::<serde_json::Value>(metrics)
            .ok()
            .and_then(|m| m.get("examples").and_then(serde_json::Value::as_i64))
            .unwrap_or(0);
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        // One active model at a time, across every revision: the one it replaces is retired and
        // remembered for a rollback.
        super::models::retire_active(&mut tx, micros(now), Some(&model_id)).await?;
        sqlx::query(
            "INSERT INTO models (id, pack_id, bytes, metrics, training_set_hash, created_at, promoted_by, \
             active, status, examples, promoted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10)",
        )
        .bind(model_id.clone())
        .bind(pack_id.to_owned())
        .bind(bytes.to_vec())
        .bind(metrics.to_owned())
        .bind(training_set_hash.to_owned())
        .bind(micros(now))
        .bind(promoted_by.map(|u| u.to_string()))
        .bind(true)
        .bind(examples)
        .bind(micros(now))
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            crate::codec::unique_error(
                e,
                ErrorCode::ModelState,
                "another model was made active at the same time; try again",
            )
        })?;
        tx.commit().await.map_err(db_error)?;
        Ok(StoredModel {
            id: model_id,
            pack_id: pack_id.to_owned(),
            bytes: bytes.to_vec(),
            metrics: metrics.to_owned(),
            training_set_hash: training_set_hash.to_owned(),
            created_at: time(micros(now))?,
        })
    }

    async fn active_model(&self, pack_id: &str) -> Result<Option<StoredModel>> {
        let row: Option<(String, Vec<u8>, String, String, i64)> = sqlx::query_as(
            "SELECT id, bytes, metrics, training_set_hash, created_at FROM models \
             WHERE pack_id = $1 AND status = 'active'",
        )
        .bind(pack_id.to_owned())
        .fetch_optional(self.reader())
        .await
        .map_err(db_error)?;
        row.map(|(id, bytes, metrics, training_set_hash, at)| {
            Ok(StoredModel {
                id,
                pack_id: pack_id.to_owned(),
                bytes,
                metrics,
                training_set_hash,
                created_at: time(at)?,
            })
        })
        .transpose()
    }
}
