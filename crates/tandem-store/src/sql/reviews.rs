//! The review queue (see [`crate::reviews`]).

use async_trait::async_trait;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};
use tandem_core::ids::{MessageId, ReviewId, UserId};
use tandem_core::{Error, ErrorCode};

use super::{Dialect, SqlStore};
use crate::codec::{db_error, id, micros, time};
use crate::reviews::{
    Flag, NewReview, Resolution, Review, ReviewFilter, ReviewReason, ReviewStatus, ReviewStore,
};
use crate::Result;

const COLUMNS: &str = "id, conversation_id, message_id, reason, status, text, intent, confidence, \
     flag_reason, flag_comment, flagged_by, label, held_out, resolved_by, resolved_at, created_at";

/// The 16 columns of [`COLUMNS`] (sqlx decodes tuples of up to 16).
type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    f64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    bool,
    Option<String>,
    Option<i64>,
    i64,
);

fn review(row: Row) -> Result<Review> {
    let (id_, conversation, message, reason, status, text, intent, confidence) =
        (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7);
    let (flag_reason, flag_comment, flagged_by, label, held_out, resolved_by, resolved_at, created_at) =
        (row.8, row.9, row.10, row.11, row.12, row.13, row.14, row.15);
    let flagged_by = flagged_by.as_deref().map(id::<UserId>).transpose()?;
    Ok(Review {
        id: id(&id_)?,
        conversation_id: id(&conversation)?,
        message_id: id(&message)?,
        reason: ReviewReason::parse(&reason)?,
        status: ReviewStatus::parse(&status)?,
        text,
        intent,
        confidence,
        flag: flag_reason.map(|reason| Flag {
            reason,
            comment: flag_comment.unwrap_or_default(),
            by: flagged_by,
        }),
        label,
        held_out,
        resolved_by: resolved_by.as_deref().map(id::<UserId>).transpose()?,
        resolved_at: resolved_at.map(time).transpose()?,
        created_at: time(created_at)?,
    })
}

#[async_trait]
impl<DB> ReviewStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> f64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    async fn add_review(&self, new: NewReview) -> Result<Option<Review>> {
        let review_id = ReviewId::new();
        let (flag_reason, flag_comment, flagged_by) = match new.flag {
            Some(f) => (Some(f.reason), Some(f.comment), f.by.map(|u| u.to_string())),
            None => (None, None, None),
        };
        let inserted = sqlx::query(
            "INSERT INTO reviews (id, conversation_id, message_id, reason, status, text, intent, confidence, \
             flag_reason, flag_comment, flagged_by, created_at) \
             VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (message_id, reason) WHERE status = 'open' DO NOTHING",
        )
        .bind(review_id.to_string())
        .bind(new.conversation_id.to_string())
        .bind(new.message_id.to_string())
        .bind(new.reason.as_str().to_owned())
        .bind(new.text)
        .bind(new.intent)
        .bind(new.confidence)
        .bind(flag_reason)
        .bind(flag_comment)
        .bind(flagged_by)
        .bind(micros(self.now()))
        .execute(self.writer())
        .await
        .map_err(db_error)?;
        if DB::rows_affected(&inserted) == 0 {
            return Ok(None);
        }
        self.review(review_id).await
    }

    async fn reviews(&self, filter: &ReviewFilter) -> Result<Vec<Review>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM reviews \
             WHERE ($1 IS NULL OR status = $1) AND ($2 IS NULL OR reason = $2) \
               AND ($3 IS NULL OR intent = $3 OR label = $3) \
               AND created_at >= $4 AND created_at < $5 \
             ORDER BY created_at DESC, id DESC LIMIT $6"
        ))
        .bind(filter.status.map(|s| s.as_str().to_owned()))
        .bind(filter.reason.map(|r| r.as_str().to_owned()))
        .bind(filter.intent.clone())
        .bind(filter.since.map_or(i64::MIN, micros))
        .bind(filter.until.map_or(i64::MAX, micros))
        .bind(filter.limit.max(0))
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        rows.into_iter().map(review).collect()
    }

    async fn review(&self, review_id: ReviewId) -> Result<Option<Review>> {
        let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM reviews WHERE id = $1"))
            .bind(review_id.to_string())
            .fetch_optional(self.reader())
            .await
            .map_err(db_error)?;
        row.map(review).transpose()
    }

    async fn open_review(&self, message: MessageId, reason: ReviewReason) -> Result<Option<Review>> {
        let row: Option<Row> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM reviews WHERE message_id = $1 AND reason = $2 AND status = 'open'"
        ))
        .bind(message.to_string())
        .bind(reason.as_str().to_owned())
        .fetch_optional(self.reader())
        .await
        .map_err(db_error)?;
        row.map(review).transpose()
    }

    async fn resolve_review(&self, review_id: ReviewId, resolution: Resolution) -> Result<Review> {
        let status = if resolution.label.is_some() {
            ReviewStatus::Resolved
        } else {
            ReviewStatus::Dismissed
        };
        let changed = sqlx::query(
            "UPDATE reviews SET status = $1, label = $2, held_out = $3, resolved_by = $4, resolved_at = $5 \
             WHERE id = $6 AND status = 'open'",
        )
        .bind(status.as_str().to_owned())
        .bind(resolution.label)
        .bind(resolution.held_out)
        .bind(resolution.by.map(|u| u.to_string()))
        .bind(micros(self.now()))
        .bind(review_id.to_string())
        .execute(self.writer())
        .await
        .map_err(db_error)?;
        let found = self
            .review(review_id)
            .await?
            .ok_or_else(|| Error::not_found("review item"))?;
        if DB::rows_affected(&changed) == 0 {
            return Err(Error::conflict(
                ErrorCode::ReviewClosed,
                format!("this review item is already {}", found.status.as_str()),
            ));
        }
        Ok(found)
    }

    async fn labelled_reviews(&self, label: &str) -> Result<i64> {
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM reviews WHERE status = 'resolved' AND label = $1")
                .bind(label.to_owned())
                .fetch_one(self.reader())
                .await
                .map_err(db_error)?;
        Ok(count)
    }
}
