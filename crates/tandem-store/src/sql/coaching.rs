//! Coaching (see [`crate::coaching`]): reply scores, practice sessions, certifications.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};
use tandem_core::ids::{ConversationId, MessageId, UserId};
use tandem_core::ErrorCode;

use super::{Dialect, SqlStore};
use crate::coaching::{Certification, CoachingStore, PracticeSession, ReplyScore};
use crate::codec::{db_error, id, json, micros, time, to_json, unique_error};
use crate::Result;

const SCORE_COLUMNS: &str = "message_id, conversation_id, author_id, skills, written_at";
const SESSION_COLUMNS: &str = "id, user_id, scenario, turns, score, passed, shared, created_at, finished_at";
const CERTIFICATION_COLUMNS: &str = "user_id, skill, granted_by, granted_at, reason";

type ScoreRow = (String, String, String, String, i64);
type SessionRow = (
    String,
    String,
    String,
    String,
    Option<i64>,
    bool,
    bool,
    i64,
    Option<i64>,
);
type CertificationRow = (String, String, Option<String>, i64, String);

fn reply_score(row: ScoreRow) -> Result<ReplyScore> {
    let (message, conversation, author, skills, written_at) = row;
    Ok(ReplyScore {
        message_id: id(&message)?,
        conversation_id: id(&conversation)?,
        author_id: id(&author)?,
        skills: json(&skills)?,
        written_at: time(written_at)?,
    })
}

fn session(row: SessionRow) -> Result<PracticeSession> {
    let (id_, user, scenario, turns, score, passed, shared, created_at, finished_at) = row;
    Ok(PracticeSession {
        id: id_,
        user_id: id(&user)?,
        scenario,
        turns: json(&turns)?,
        score,
        passed,
        shared,
        created_at: time(created_at)?,
        finished_at: finished_at.map(time).transpose()?,
    })
}

fn certification(row: CertificationRow) -> Result<Certification> {
    let (user, skill, granted_by, granted_at, reason) = row;
    Ok(Certification {
        user_id: id(&user)?,
        skill,
        granted_by: granted_by.as_deref().map(id::<UserId>).transpose()?,
        granted_at: time(granted_at)?,
        reason,
    })
}

/// How many turns a stored session has (its JSON array's length).
fn turn_count(turns: &serde_json::Value) -> usize {
    turns.as_array().map_or(0, Vec::len)
}

#[async_trait]
impl<DB> CoachingStore for SqlStore<DB>
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
    async fn put_reply_score(&self, score: ReplyScore) -> Result<bool> {
        let skills = to_json(&score.skills)?;
        // The message must still be there: a score never outlives its reply.
        let done = sqlx::query(
            "INSERT INTO reply_scores (message_id, conversation_id, author_id, skills, written_at, scored_at) \
             SELECT m.id, m.conversation_id, $2, $3, $4, $5 FROM messages m WHERE m.id = $1 \
             ON CONFLICT (message_id) DO UPDATE SET skills = excluded.skills, scored_at = excluded.scored_at",
        )
        .bind(score.message_id.to_string())
        .bind(score.author_id.to_string())
        .bind(skills)
        .bind(micros(score.written_at))
        .bind(micros(self.now()))
        .execute(self.writer())
        .await
        .map_err(db_error)?;
        Ok(DB::rows_affected(&done) > 0)
    }

    async fn delete_reply_score(&self, message: MessageId) -> Result<()> {
        sqlx::query("DELETE FROM reply_scores WHERE message_id = $1")
            .bind(message.to_string())
            .execute(self.writer())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn conversation_reply_scores(&self, conversation: ConversationId) -> Result<Vec<ReplyScore>> {
        let rows: Vec<ScoreRow> = sqlx::query_as(&format!(
            "SELECT {SCORE_COLUMNS} FROM reply_scores WHERE conversation_id = $1 ORDER BY written_at, message_id"
        ))
        .bind(conversation.to_string())
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        rows.into_iter().map(reply_score).collect()
    }

    async fn author_reply_scores(&self, author: UserId, limit: i64) -> Result<Vec<ReplyScore>> {
        let rows: Vec<ScoreRow> = sqlx::query_as(&format!(
            "SELECT {SCORE_COLUMNS} FROM reply_scores WHERE author_id = $1 \
             ORDER BY written_at DESC, message_id DESC LIMIT $2"
        ))
        .bind(author.to_string())
        .bind(limit)
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        rows.into_iter().map(reply_score).collect()
    }

    async fn quality_cursor(&self) -> Result<i64> {
        self.worker_cursor("quality_cursor").await
    }

    async fn advance_quality_cursor(&self, seq: i64) -> Result<()> {
        self.advance_worker_cursor("quality_cursor", seq).await
    }

    async fn create_practice_session(
        &self,
        user: UserId,
        scenario: &str,
        turns: serde_json::Value,
    ) -> Result<PracticeSession> {
        let id_ = uuid::Uuid::now_v7().to_string();
        let now = micros(self.now());
        sqlx::query(
            "INSERT INTO practice_sessions (id, user_id, scenario, turns, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(id_.clone())
        .bind(user.to_string())
        .bind(scenario.to_owned())
        .bind(to_json(&turns)?)
        .bind(now)
        .execute(self.writer())
        .await
        .map_err(db_error)?;
        self.practice_session(&id_)
            .await?
            .ok_or_else(|| tandem_core::Error::internal("a practice session vanished as it was created"))
    }

    async fn practice_session(&self, id_: &str) -> Result<Option<PracticeSession>> {
        let row: Option<SessionRow> = sqlx::query_as(&format!(
            "SELECT {SESSION_COLUMNS} FROM practice_sessions WHERE id = $1"
        ))
        .bind(id_.to_owned())
        .fetch_optional(self.reader())
        .await
        .map_err(db_error)?;
        row.map(session).transpose()
    }

    async fn update_practice_turns(
        &self,
        id_: &str,
        expected_turns: usize,
        turns: serde_json::Value,
    ) -> Result<Option<PracticeSession>> {
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let current: Option<(String, Option<i64>)> = sqlx::query_as(&format!(
            "SELECT turns, finished_at FROM practice_sessions WHERE id = $1{}",
            DB::FOR_UPDATE
        ))
        .bind(id_.to_owned())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some((stored, finished)) = current else {
            return Ok(None);
        };
        if finished.is_some() || turn_count(&json(&stored)?) != expected_turns {
            return Ok(None);
        }
        sqlx::query("UPDATE practice_sessions SET turns = $1, updated_at = $2 WHERE id = $3")
            .bind(to_json(&turns)?)
            .bind(micros(self.now()))
            .bind(id_.to_owned())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        self.practice_session(id_).await
    }

    async fn finish_practice_session(
        &self,
        id_: &str,
        score: i64,
        passed: bool,
    ) -> Result<Option<PracticeSession>> {
        let now = micros(self.now());
        let done = sqlx::query(
            "UPDATE practice_sessions SET score = $1, passed = $2, finished_at = $3, updated_at = $3 \
             WHERE id = $4 AND finished_at IS NULL",
        )
        .bind(score)
        .bind(passed)
        .bind(now)
        .bind(id_.to_owned())
        .execute(self.writer())
        .await
        .map_err(db_error)?;
        if DB::rows_affected(&done) == 0 {
            return Ok(None);
        }
        self.practice_session(id_).await
    }

    async fn share_practice_session(&self, id_: &str, shared: bool) -> Result<Option<PracticeSession>> {
        sqlx::query("UPDATE practice_sessions SET shared = $1 WHERE id = $2")
            .bind(shared)
            .bind(id_.to_owned())
            .execute(self.writer())
            .await
            .map_err(db_error)?;
        self.practice_session(id_).await
    }

    async fn practice_sessions(&self, user: UserId, limit: i64) -> Result<Vec<PracticeSession>> {
        let rows: Vec<SessionRow> = sqlx::query_as(&format!(
            "SELECT {SESSION_COLUMNS} FROM practice_sessions WHERE user_id = $1 \
             ORDER BY created_at DESC, id DESC LIMIT $2"
        ))
        .bind(user.to_string())
        .bind(limit)
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        rows.into_iter().map(session).collect()
    }

    async fn passed_scenarios(&self, user: UserId) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT scenario FROM practice_sessions WHERE user_id = $1 AND passed = $2 ORDER BY scenario",
        )
        .bind(user.to_string())
        .bind(true)
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        Ok(rows.into_iter().map(|(s,)| s).collect())
    }

    async fn grant_certification(
        &self,
        user: UserId,
        skill: &str,
        by: UserId,
        reason: &str,
    ) -> Result<Certification> {
        let now = self.now();
        sqlx::query(
            "INSERT INTO certifications (id, user_id, skill, granted_by, granted_at, reason) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(user.to_string())
        .bind(skill.to_owned())
        .bind(Some(by.to_string()))
        .bind(micros(now))
        .bind(reason.to_owned())
        .execute(self.writer())
        .await
        .map_err(|e| {
            unique_error(
                e,
                ErrorCode::AlreadyCertified,
                "the agent already holds this certification",
            )
        })?;
        Ok(Certification {
            user_id: user,
            skill: skill.to_owned(),
            granted_by: Some(by),
            granted_at: time(micros(now))?,
            reason: reason.to_owned(),
        })
    }

    async fn revoke_certification(
        &self,
        user: UserId,
        skill: &str,
        by: UserId,
        reason: &str,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE certifications SET revoked_by = $1, revoked_at = $2, revoke_reason = $3 \
             WHERE user_id = $4 AND skill = $5 AND revoked_at IS NULL",
        )
        .bind(Some(by.to_string()))
        .bind(micros(self.now()))
        .bind(reason.to_owned())
        .bind(user.to_string())
        .bind(skill.to_owned())
        .execute(self.writer())
        .await
        .map_err(db_error)?;
        Ok(DB::rows_affected(&done) > 0)
    }

    async fn certifications(&self, user: Option<UserId>) -> Result<Vec<Certification>> {
        let rows: Vec<CertificationRow> = match user {
            Some(user) => sqlx::query_as(&format!(
                "SELECT {CERTIFICATION_COLUMNS} FROM certifications WHERE revoked_at IS NULL AND user_id = $1 \
                 ORDER BY skill"
            ))
            .bind(user.to_string())
            .fetch_all(self.reader())
            .await,
            None => sqlx::query_as(&format!(
                "SELECT {CERTIFICATION_COLUMNS} FROM certifications WHERE revoked_at IS NULL \
                 ORDER BY user_id, skill"
            ))
            .fetch_all(self.reader())
            .await,
        }
        .map_err(db_error)?;
        rows.into_iter().map(certification).collect()
    }
}
