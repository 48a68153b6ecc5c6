//! Article drafts from people's answers (see [`crate::drafts`]).

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Transaction, Type};
use tandem_core::ids::{ConversationId, UserId};
use tandem_core::{Error, ErrorCode};

use super::{Dialect, Dynamic, SqlStore, Value};
use crate::codec::{db_error, id, micros, time};
use crate::drafts::{Draft, DraftCase, DraftDecision, DraftStatus, DraftStore, DraftTarget, NewDraftCase};
use crate::Result;

const DRAFT_COLUMNS: &str = "id, status, created_at, updated_at, decided_by, decided_at, article, intent";
/// [`DRAFT_COLUMNS`] of the drafts table named `d`.
const DRAFT_COLUMNS_D: &str =
    "d.id, d.status, d.created_at, d.updated_at, d.decided_by, d.decided_at, d.article, d.intent";
const CASE_COLUMNS: &str = "draft_id, conversation_id, question, answer, question_message_id, \
     answer_message_id, intent, added_at";

type DraftRow = (
    String,
    String,
    i64,
    i64,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
);
type CaseRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
);

fn draft(row: DraftRow, cases: Vec<DraftCase>) -> Result<Draft> {
    let (id_, status, created_at, updated_at, decided_by, decided_at, article, intent) = row;
    Ok(Draft {
        status: DraftStatus::parse(&status)
            .ok_or_else(|| Error::internal(format!("a stored draft has an unknown status `{status}`")))?,
        id: id_,
        created_at: time(created_at)?,
        updated_at: time(updated_at)?,
        decided_by: decided_by.as_deref().map(id::<UserId>).transpose()?,
        decided_at: decided_at.map(time).transpose()?,
        article,
        intent,
        cases,
    })
}

/// The draft id and the case.
fn case(row: CaseRow) -> Result<(String, DraftCase)> {
    let (draft_id, conversation, question, answer, question_message, answer_message, intent, added_at) = row;
    Ok((
        draft_id,
        DraftCase {
            conversation_id: id(&conversation)?,
            question,
            answer,
            question_message_id: id(&question_message)?,
            answer_message_id: id(&answer_message)?,
            intent,
            added_at: time(added_at)?,
        },
    ))
}

fn decided() -> Error {
    Error::conflict(
        ErrorCode::DraftDecided,
        "the draft was already accepted or rejected",
    )
}

impl<DB> SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    /// The drafts of these rows with their cases, oldest case first, in the rows' order.
    async fn with_cases(&self, rows: Vec<DraftRow>) -> Result<Vec<Draft>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = Dynamic::new(format!(
            "SELECT {CASE_COLUMNS} FROM draft_cases WHERE draft_id IN "
        ));
        query
            .bind_list(rows.iter().map(|r| r.0.clone()))
            .push(" ORDER BY added_at, conversation_id");
        let cases: Vec<CaseRow> = query
            .bind_to(sqlx::query_as(query.sql()))
            .fetch_all(self.reader())
            .await
            .map_err(db_error)?;
        let mut by_draft: HashMap<String, Vec<DraftCase>> = HashMap::new();
        for row in cases {
            let (draft_id, case) = case(row)?;
            by_draft.entry(draft_id).or_default().push(case);
        }
        rows.into_iter()
            .map(|row| {
                let cases = by_draft.remove(&row.0).unwrap_or_default();
                draft(row, cases)
            })
            .collect()
    }
}

impl<DB> SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    /// Deletes a conversation's case inside an erasure's transaction, and its draft when no case
    /// is left.
    pub(super) async fn erase_draft_case_tx(tx: &mut Transaction<'_, DB>, conversation: &str) -> Result<()> {
        let draft: Option<(String,)> =
            sqlx::query_as("SELECT draft_id FROM draft_cases WHERE conversation_id = $1")
                .bind(conversation.to_owned())
                .fetch_optional(&mut **tx)
                .await
                .map_err(db_error)?;
        let Some((draft,)) = draft else {
            return Ok(());
        };
        sqlx::query("DELETE FROM draft_cases WHERE conversation_id = $1")
            .bind(conversation.to_owned())
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
        sqlx::query(
            "DELETE FROM drafts WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM draft_cases WHERE draft_id = $1)",
        )
        .bind(draft)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
        Ok(())
    }
}

#[async_trait]
impl<DB> DraftStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    async fn add_draft_case(&self, new: NewDraftCase, target: DraftTarget) -> Result<Option<Draft>> {
        let now = micros(self.now());
        let conversation = new.conversation_id.to_string();
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        // The conversation's row is locked, so two workers never add it twice.
        let exists: Option<(String,)> = sqlx::query_as(&format!(
            "SELECT id FROM conversations WHERE id = $1{}",
            DB::FOR_UPDATE
        ))
        .bind(conversation.clone())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        if exists.is_none() {
            return Ok(None);
        }
        let already: Option<(String,)> =
            sqlx::query_as("SELECT draft_id FROM draft_cases WHERE conversation_id = $1")
                .bind(conversation.clone())
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
        if already.is_some() {
            return Ok(None);
        }
        let joined = match target {
            DraftTarget::New => None,
            DraftTarget::Join(draft) => {
                let pending = sqlx::query("UPDATE drafts SET updated_at = $1 WHERE id = $2 AND status = $3")
                    .bind(now)
                    .bind(draft.clone())
                    .bind(DraftStatus::Pending.as_str().to_owned())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                (DB::rows_affected(&pending) > 0).then_some(draft)
            }
        };
        let draft_id = match joined {
            Some(draft) => draft,
            None => {
                let draft = uuid::Uuid::now_v7().to_string();
                sqlx::query(
                    "INSERT INTO drafts (id, status, created_at, updated_at) VALUES ($1, $2, $3, $3)",
                )
                .bind(draft.clone())
                .bind(DraftStatus::Pending.as_str().to_owned())
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
                draft
            }
        };
        sqlx::query(
            "INSERT INTO draft_cases (conversation_id, draft_id, question, answer, question_message_id, \
             answer_message_id, intent, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(conversation)
        .bind(draft_id.clone())
        .bind(new.question)
        .bind(new.answer)
        .bind(new.question_message_id.to_string())
        .bind(new.answer_message_id.to_string())
        .bind(new.intent)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        self.draft(&draft_id).await
    }

    async fn draft(&self, draft_id: &str) -> Result<Option<Draft>> {
        let row: Option<DraftRow> =
            sqlx::query_as(&format!("SELECT {DRAFT_COLUMNS} FROM drafts WHERE id = $1"))
                .bind(draft_id.to_owned())
                .fetch_optional(self.reader())
                .await
                .map_err(db_error)?;
        Ok(self.with_cases(row.into_iter().collect()).await?.pop())
    }

    async fn draft_of_conversation(&self, conversation: ConversationId) -> Result<Option<String>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT draft_id FROM draft_cases WHERE conversation_id = $1")
                .bind(conversation.to_string())
                .fetch_optional(self.reader())
                .await
                .map_err(db_error)?;
        Ok(row.map(|(d,)| d))
    }

    async fn drafts(&self, status: DraftStatus, limit: i64) -> Result<Vec<Draft>> {
        let mut query = Dynamic::new(format!(
            "SELECT {DRAFT_COLUMNS_D} FROM drafts d WHERE d.status = "
        ));
        query
            .bind(Value::Text(status.as_str().to_owned()))
            .push(
                " ORDER BY (SELECT COUNT(*) FROM draft_cases c WHERE c.draft_id = d.id) DESC, \
                 d.updated_at DESC, d.id DESC LIMIT ",
            )
            .bind(Value::Int(limit.max(0)));
        let rows: Vec<DraftRow> = query
            .bind_to(sqlx::query_as(query.sql()))
            .fetch_all(self.reader())
            .await
            .map_err(db_error)?;
        self.with_cases(rows).await
    }

    async fn decide_draft(&self, draft_id: &str, decision: DraftDecision) -> Result<Draft> {
        let now = micros(self.now());
        let (status, by, article, intent) = match decision {
            DraftDecision::Accepted { by, article, intent } => {
                (DraftStatus::Accepted, by, Some(article), intent)
            }
            DraftDecision::Rejected { by } => (DraftStatus::Rejected, by, None, None),
        };
        let done = sqlx::query(
            "UPDATE drafts SET status = $1, decided_by = $2, decided_at = $3, article = $4, intent = $5 \
             WHERE id = $6 AND status = $7",
        )
        .bind(status.as_str().to_owned())
        .bind(Some(by.to_string()))
        .bind(now)
        .bind(article)
        .bind(intent)
        .bind(draft_id.to_owned())
        .bind(DraftStatus::Pending.as_str().to_owned())
        .execute(self.writer())
        .await
        .map_err(db_error)?;
        let found = self
            .draft(draft_id)
            .await?
            .ok_or_else(|| Error::not_found("draft"))?;
        if DB::rows_affected(&done) == 0 {
            return Err(decided());
        }
        Ok(found)
    }

    async fn draft_cursor(&self) -> Result<i64> {
        self.worker_cursor("draft_cursor").await
    }

    async fn advance_draft_cursor(&self, seq: i64) -> Result<()> {
        self.advance_worker_cursor("draft_cursor", seq).await
    }
}
