//! The model registry (see [`crate::models`]).

use async_trait::async_trait;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};
use tandem_core::ids::UserId;
use tandem_core::{Error, ErrorCode};

use super::{Dialect, SqlStore};
use crate::codec::{db_error, id, micros, time, unique_error};
use crate::models::{ModelRecord, ModelStatus, ModelStore, NewCandidate, Promotion};
use crate::Result;

/// The columns of a [`ModelRecord`], in [`Row`]'s order.
pub(super) const COLUMNS: &str = "id, pack_id, status, examples, metrics, training_set_hash, trained_by, \
     created_at, promoted_by, promoted_at, forced, force_reason, comparison";

type Row = (
    String,
    String,
    String,
    i64,
    String,
    String,
    Option<String>,
    i64,
    Option<String>,
    Option<i64>,
    bool,
    Option<String>,
    Option<String>,
);

const ONE_ACTIVE: &str = "another model was made active at the same time; reload and try again";

fn record(row: Row) -> Result<ModelRecord> {
    let (id_, pack_id, status, examples, metrics, training_set_hash, trained_by, created_at, promoted_by) =
        (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8);
    let (promoted_at, forced, force_reason, comparison) = (row.9, row.10, row.11, row.12);
    Ok(ModelRecord {
        id: id_,
        pack_id,
        status: ModelStatus::parse(&status)
            .ok_or_else(|| Error::internal(format!("a stored model has an unknown status `{status}`")))?,
        examples,
        metrics,
        training_set_hash,
        trained_by: trained_by.as_deref().map(id::<UserId>).transpose()?,
        created_at: time(created_at)?,
        promoted_by: promoted_by.as_deref().map(id::<UserId>).transpose()?,
        promoted_at: promoted_at.map(time).transpose()?,
        forced,
        force_reason,
        comparison,
    })
}

fn state(message: &str) -> Error {
    Error::conflict(ErrorCode::ModelState, message)
}

#[async_trait]
impl<DB> ModelStore for SqlStore<DB>
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
    async fn save_candidate(&self, candidate: NewCandidate) -> Result<ModelRecord> {
        let model_id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "INSERT INTO models (id, pack_id, bytes, metrics, training_set_hash, created_at, active, status, \
             examples, trained_by, comparison) VALUES ($1, $2, $3, $4, $5, $6, $7, 'candidate', $8, $9, $10)",
        )
        .bind(model_id.clone())
        .bind(candidate.pack_id)
        .bind(candidate.bytes)
        .bind(candidate.metrics)
        .bind(candidate.training_set_hash)
        .bind(micros(self.now()))
        .bind(false)
        .bind(candidate.examples)
        .bind(candidate.trained_by.map(|u| u.to_string()))
        .bind(candidate.comparison)
        .execute(self.writer())
        .await
        .map_err(db_error)?;
        self.model(&model_id)
            .await?
            .ok_or_else(|| Error::internal("the stored candidate is gone"))
    }

    async fn models(&self, limit: i64) -> Result<Vec<ModelRecord>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM models ORDER BY created_at DESC, id DESC LIMIT $1"
        ))
        .bind(limit.max(0))
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        rows.into_iter().map(record).collect()
    }

    async fn model(&self, model_id: &str) -> Result<Option<ModelRecord>> {
        let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM models WHERE id = $1"))
            .bind(model_id.to_owned())
            .fetch_optional(self.reader())
            .await
            .map_err(db_error)?;
        row.map(record).transpose()
    }

    async fn model_bytes(&self, model_id: &str) -> Result<Option<Vec<u8>>> {
        let row: Option<(Vec<u8>,)> = sqlx::query_as("SELECT bytes FROM models WHERE id = $1")
            .bind(model_id.to_owned())
            .fetch_optional(self.reader())
            .await
            .map_err(db_error)?;
        Ok(row.map(|(bytes,)| bytes))
    }

    async fn current_model(&self) -> Result<Option<ModelRecord>> {
        let row: Option<Row> =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM models WHERE status = 'active'"))
                .fetch_optional(self.reader())
                .await
                .map_err(db_error)?;
        row.map(record).transpose()
    }

    async fn promote_model(&self, model_id: &str, promotion: Promotion) -> Result<ModelRecord> {
        let now = micros(self.now());
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let found: Option<(String,)> = sqlx::query_as(&format!(
            "SELECT status FROM models WHERE id = $1{}",
            DB::FOR_UPDATE
        ))
        .bind(model_id.to_owned())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        match found {
            None => return Err(Error::not_found("model")),
            Some((status,)) if status == ModelStatus::Active.as_str() => {
                return Err(state("the model is already the active one"));
            }
            Some(_) => {}
        }
        retire_active(&mut tx, now, Some(model_id)).await?;
        sqlx::query(
            "UPDATE models SET status = 'active', active = $1, promoted_by = $2, promoted_at = $3, forced = $4, \
             force_reason = $5, replaced_by = NULL WHERE id = $6",
        )
        .bind(true)
        .bind(promotion.by.map(|u| u.to_string()))
        .bind(now)
        .bind(promotion.forced)
        .bind(promotion.reason)
        .bind(model_id.to_owned())
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_error(e, ErrorCode::ModelState, ONE_ACTIVE))?;
        tx.commit().await.map_err(db_error)?;
        self.model(model_id)
            .await?
            .ok_or_else(|| Error::not_found("model"))
    }

    async fn refuse_model(&self, model_id: &str) -> Result<ModelRecord> {
        let done = sqlx::query("UPDATE models SET status = 'refused' WHERE id = $1 AND status = 'candidate'")
            .bind(model_id.to_owned())
            .execute(self.writer())
            .await
            .map_err(db_error)?;
        let found = self
            .model(model_id)
            .await?
            .ok_or_else(|| Error::not_found("model"))?;
        if DB::rows_affected(&done) == 0 {
            return Err(state("only a candidate can be refused"));
        }
        Ok(found)
    }

    async fn rollback_model(&self, by: Option<UserId>) -> Result<ModelRecord> {
        let now = micros(self.now());
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let current: Option<(String,)> = sqlx::query_as(&format!(
            "SELECT id FROM models WHERE status = 'active'{}",
            DB::FOR_UPDATE
        ))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some((current,)) = current else {
            return Err(state("there is no active model to roll back"));
        };
        let previous: Option<(String,)> = sqlx::query_as(&format!(
            "SELECT id FROM models WHERE replaced_by = $1 AND status = 'retired' \
             ORDER BY retired_at DESC, id DESC LIMIT 1{}",
            DB::FOR_UPDATE
        ))
        .bind(current.clone())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some((previous,)) = previous else {
            return Err(state("there is no earlier model to roll back to"));
        };
        // The rolled-back model replaced nothing that comes back to it: it is simply retired.
        retire_active(&mut tx, now, None).await?;
        sqlx::query(
            "UPDATE models SET status = 'active', active = $1, promoted_by = $2, promoted_at = $3, forced = $4, \
             force_reason = NULL, replaced_by = NULL WHERE id = $5",
        )
        .bind(true)
        .bind(by.map(|u| u.to_string()))
        .bind(now)
        .bind(false)
        .bind(previous.clone())
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_error(e, ErrorCode::ModelState, ONE_ACTIVE))?;
        tx.commit().await.map_err(db_error)?;
        self.model(&previous)
            .await?
            .ok_or_else(|| Error::not_found("model"))
    }
}

/// Retires the active model (if any) inside a transaction, remembering which model replaced it.
pub(super) async fn retire_active<DB>(
    tx: &mut sqlx::Transaction<'_, DB>,
    now: i64,
    replaced_by: Option<&str>,
) -> Result<()>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
{
    sqlx::query(
        "UPDATE models SET status = 'retired', active = $1, retired_at = $2, replaced_by = $3 \
         WHERE status = 'active'",
    )
    .bind(false)
    .bind(now)
    .bind(replaced_by.map(str::to_owned))
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}
