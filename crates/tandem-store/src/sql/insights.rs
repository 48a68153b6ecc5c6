//! The counts insights are computed from.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};
use tandem_core::decision::{DecisionKind, HandoffReason};
use tandem_core::ids::TeamId;
use tandem_core::model::ConversationStatus;
use tandem_core::Error;

use super::{Dialect, SqlStore};
use crate::codec::{db_error, id, micros};
use crate::insights::{DecisionTally, InsightCounts, InsightStore};
use crate::Result;

const MICROS_PER_DAY: i64 = 86_400_000_000;

#[async_trait]
impl<DB> InsightStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    async fn insight_counts(&self, since: DateTime<Utc>) -> Result<InsightCounts> {
        let (conversations,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM conversations WHERE created_at >= $1")
                .bind(micros(since))
                .fetch_one(self.reader())
                .await
                .map_err(db_error)?;
        let rows: Vec<(i64, String, Option<String>, i64)> = sqlx::query_as(&format!(
            "SELECT created_at / {MICROS_PER_DAY} AS day, kind, handoff_reason, COUNT(*) FROM decisions \
             WHERE created_at >= $1 GROUP BY created_at / {MICROS_PER_DAY}, kind, handoff_reason ORDER BY 1, 2, 3"
        ))
        .bind(micros(since))
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        let mut decisions = Vec::with_capacity(rows.len());
        for (day, kind, reason, count) in rows {
            let day = DateTime::<Utc>::from_timestamp(day.saturating_mul(86_400), 0)
                .ok_or_else(|| Error::internal("a decision has an impossible date"))?
                .date_naive();
            decisions.push(DecisionTally {
                day,
                kind: DecisionKind::parse(&kind)?,
                handoff_reason: reason.as_deref().map(HandoffReason::parse).transpose()?,
                count,
            });
        }
        let statuses: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, COUNT(*) FROM conversations GROUP BY status ORDER BY status")
                .fetch_all(self.reader())
                .await
                .map_err(db_error)?;
        let by_status = statuses
            .into_iter()
            .map(|(s, n)| Ok((ConversationStatus::parse(&s)?, n)))
            .collect::<Result<Vec<_>>>()?;
        let teams: Vec<(Option<String>, i64)> = sqlx::query_as(
            "SELECT team_id, COUNT(*) FROM conversations WHERE status IN ('queued', 'assigned') \
             GROUP BY team_id ORDER BY team_id",
        )
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        let open_by_team = teams
            .into_iter()
            .map(|(t, n)| Ok((t.as_deref().map(id::<TeamId>).transpose()?, n)))
            .collect::<Result<Vec<_>>>()?;
        Ok(InsightCounts {
            conversations,
            decisions,
            by_status,
            open_by_team,
        })
    }
}
