//! Root causes (see [`crate::root_causes`]) and ratings (see [`crate::ratings`]).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};
use tandem_core::event::{Actor, Change, EventKind};
use tandem_core::ids::{ConversationId, UserId};
use tandem_core::root_cause::RootCause;

use super::{Dialect, SqlStore};
use crate::codec::{db_error, id, json, micros, probability, time, to_json};
use crate::ratings::{RatedConversation, Rating, RatingStore};
use crate::root_causes::{ConfirmedRootCause, NewRootCauseSuggestion, RootCauseRecord, RootCauseStore};
use crate::Result;

const COLUMNS: &str = "conversation_id, suggested, confidence, evidence, confirmed, confirmed_by, \
     confirmed_at, handed_over_at FROM root_causes";

type Row = (
    String,
    Option<String>,
    f64,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    i64,
);

fn cause(stored: Option<String>) -> Result<Option<RootCause>> {
    stored.map(|c| RootCause::parse(&c)).transpose()
}

fn record(row: Row) -> Result<RootCauseRecord> {
    let (conversation, suggested, confidence, evidence, confirmed, by, confirmed_at, handed_over_at) = row;
    Ok(RootCauseRecord {
        conversation_id: id(&conversation)?,
        suggested: cause(suggested)?,
        confidence: probability(confidence),
        evidence: json(&evidence)?,
        confirmed: cause(confirmed)?,
        confirmed_by: by.as_deref().map(id::<UserId>).transpose()?,
        confirmed_at: confirmed_at.map(time).transpose()?,
        handed_over_at: time(handed_over_at)?,
    })
}

#[async_trait]
impl<DB> RootCauseStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> f64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    async fn suggest_root_cause(&self, s: NewRootCauseSuggestion) -> Result<()> {
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let done = sqlx::query(
            "INSERT INTO root_causes (conversation_id, suggested, confidence, evidence, text, handed_over_at) \
             SELECT c.id, $2, $3, $4, $5, $6 FROM conversations c WHERE c.id = $1 \
             ON CONFLICT (conversation_id) DO UPDATE SET suggested = excluded.suggested, \
             confidence = excluded.confidence, evidence = excluded.evidence, text = excluded.text",
        )
        .bind(s.conversation_id.to_string())
        .bind(s.suggested.map(|c| c.as_str().to_owned()))
        .bind(f64::from(s.confidence))
        .bind(to_json(&s.evidence)?)
        .bind(s.text)
        .bind(micros(s.handed_over_at))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if DB::rows_affected(&done) > 0 {
            let data = serde_json::json!({ "change": Change::RootCause, "suggested": s.suggested });
            Self::insert_event(
                &mut tx,
                Some(s.conversation_id),
                EventKind::ConversationUpdated,
                &Actor::Bot,
                data,
                self.now(),
            )
            .await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(())
    }

    async fn confirm_root_cause(
        &self,
        conversation: ConversationId,
        cause: Option<RootCause>,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let done = match cause {
            Some(cause) => sqlx::query(
                "INSERT INTO root_causes (conversation_id, confirmed, confirmed_by, confirmed_at, handed_over_at) \
                 SELECT c.id, $2, $3, $4, $4 FROM conversations c WHERE c.id = $1 \
                 ON CONFLICT (conversation_id) DO UPDATE SET confirmed = excluded.confirmed, \
                 confirmed_by = excluded.confirmed_by, confirmed_at = excluded.confirmed_at",
            )
            .bind(conversation.to_string())
            .bind(cause.as_str().to_owned())
            .bind(by.map(|u| u.to_string()))
            .bind(micros(at))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?,
            None => sqlx::query(
                "UPDATE root_causes SET confirmed = NULL, confirmed_by = NULL, confirmed_at = NULL \
                 WHERE conversation_id = $1",
            )
            .bind(conversation.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?,
        };
        let changed = DB::rows_affected(&done) > 0;
        if changed {
            let actor = by.map_or(Actor::System, |id| Actor::User { id });
            let data = serde_json::json!({ "change": Change::RootCause, "to": cause });
            Self::insert_event(
                &mut tx,
                Some(conversation),
                EventKind::ConversationUpdated,
                &actor,
                data,
                at,
            )
            .await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(changed)
    }

    async fn root_cause(&self, conversation: ConversationId) -> Result<Option<RootCauseRecord>> {
        let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} WHERE conversation_id = $1"))
            .bind(conversation.to_string())
            .fetch_optional(self.reader())
            .await
            .map_err(db_error)?;
        row.map(record).transpose()
    }

    async fn root_causes_since(&self, since: DateTime<Utc>) -> Result<Vec<RootCauseRecord>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} WHERE handed_over_at >= $1 ORDER BY handed_over_at DESC, conversation_id DESC"
        ))
        .bind(micros(since))
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        rows.into_iter().map(record).collect()
    }

    async fn confirmed_root_causes(&self, limit: i64) -> Result<Vec<ConfirmedRootCause>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT text, confirmed FROM root_causes WHERE confirmed IS NOT NULL \
             ORDER BY confirmed_at DESC, conversation_id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        rows.into_iter()
            .map(|(text, cause)| {
                Ok(ConfirmedRootCause {
                    text,
                    cause: RootCause::parse(&cause)?,
                })
            })
            .collect()
    }

    async fn root_cause_stamp(&self) -> Result<(i64, i64)> {
        sqlx::query_as(
            "SELECT COUNT(*), COALESCE(MAX(confirmed_at), 0) FROM root_causes WHERE confirmed IS NOT NULL",
        )
        .fetch_one(self.reader())
        .await
        .map_err(db_error)
    }

    async fn claim_digest_day(&self, day: &str) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO root_cause_digests (day, created_at) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING",
        )
        .bind(day.to_owned())
        .bind(micros(self.now()))
        .execute(self.writer())
        .await
        .map_err(db_error)?;
        Ok(DB::rows_affected(&done) > 0)
    }
}

/// Whether a person took part in a conversation (`c`): it was handed over or assigned, or an
/// agent wrote in it.
const WITH_PEOPLE: &str = "(c.handoff_reason IS NOT NULL OR c.assignee_id IS NOT NULL OR EXISTS \
     (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.author = 'agent'))";

type RatingRow = (
    String,
    i64,
    i64,
    bool,
    Option<String>,
    Option<String>,
    Option<String>,
);

#[async_trait]
impl<DB> RatingStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    async fn put_rating(
        &self,
        conversation: ConversationId,
        score: i64,
        comment: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let before: Option<(i64,)> = sqlx::query_as("SELECT score FROM ratings WHERE conversation_id = $1")
            .bind(conversation.to_string())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query(
            "INSERT INTO ratings (conversation_id, score, comment, rated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (conversation_id) DO UPDATE SET score = excluded.score, \
             comment = excluded.comment, rated_at = excluded.rated_at",
        )
        .bind(conversation.to_string())
        .bind(score)
        .bind(comment.to_owned())
        .bind(micros(at))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(before.is_some())
    }

    async fn rating(&self, conversation: ConversationId) -> Result<Option<Rating>> {
        let row: Option<(i64, String, i64)> =
            sqlx::query_as("SELECT score, comment, rated_at FROM ratings WHERE conversation_id = $1")
                .bind(conversation.to_string())
                .fetch_optional(self.reader())
                .await
                .map_err(db_error)?;
        row.map(|(score, comment, at)| {
            Ok(Rating {
                score,
                comment,
                rated_at: time(at)?,
            })
        })
        .transpose()
    }

    async fn ratings_since(&self, since: DateTime<Utc>) -> Result<Vec<RatedConversation>> {
        let rows: Vec<RatingRow> = sqlx::query_as(&format!(
            "SELECT r.conversation_id, r.score, r.rated_at, {WITH_PEOPLE}, c.team_id, c.assignee_id, \
             (SELECT d.intent FROM decisions d WHERE d.conversation_id = c.id AND d.intent IS NOT NULL \
              ORDER BY d.seq LIMIT 1) \
             FROM ratings r JOIN conversations c ON c.id = r.conversation_id \
             WHERE r.rated_at >= $1 ORDER BY r.rated_at DESC, r.conversation_id DESC"
        ))
        .bind(micros(since))
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        rows.into_iter()
            .map(|(conversation, score, at, handed_over, team, assignee, intent)| {
                Ok(RatedConversation {
                    conversation_id: id(&conversation)?,
                    score,
                    rated_at: time(at)?,
                    handed_over,
                    team_id: team.as_deref().map(id).transpose()?,
                    assignee_id: assignee.as_deref().map(id).transpose()?,
                    intent,
                })
            })
            .collect()
    }
}
