//! Attachments: files sent in conversations (see [`crate::attachments`]).

use async_trait::async_trait;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Transaction, Type};
use tandem_core::ids::{AttachmentId, ConversationId, MessageId};
use tandem_core::model::{Attachment, Author, Message};
use tandem_core::{Error, ErrorCode};

use super::{Dialect, Dynamic, SqlStore};
use crate::attachments::{
    AttachmentCounts, AttachmentPart, AttachmentStore, NewAttachment, StoredAttachment, Uploader,
};
use crate::codec::{db_error, id, micros, time};
use crate::Result;

/// The metadata columns of an attachment `a` (never its bytes).
const COLUMNS: &str = "a.id, a.conversation_id, a.message_id, a.filename, a.content_type, a.size, a.sha256, \
     CAST(CASE WHEN a.thumbnail IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_thumbnail, a.uploaded_by, \
     a.created_at";

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    id: String,
    conversation_id: String,
    message_id: Option<String>,
    filename: String,
    content_type: String,
    size: i64,
    sha256: String,
    has_thumbnail: i64,
    uploaded_by: String,
    created_at: i64,
}

impl TryFrom<AttachmentRow> for Attachment {
    type Error = Error;
    fn try_from(row: AttachmentRow) -> Result<Attachment> {
        Ok(Attachment {
            id: id(&row.id)?,
            conversation_id: id(&row.conversation_id)?,
            message_id: row.message_id.as_deref().map(id).transpose()?,
            filename: row.filename,
            content_type: row.content_type,
            size: row.size,
            sha256: row.sha256,
            thumbnail: row.has_thumbnail != 0,
            uploaded_by: Author::parse(&row.uploaded_by)?,
            created_at: time(row.created_at)?,
        })
    }
}

/// The condition that an attachment `a` (or the bare table) was uploaded by `uploader`, with
/// the value to bind for it as `$N`.
fn uploaded_by(uploader: Uploader, n: usize) -> (String, String) {
    match uploader {
        Uploader::Customer => (format!("uploaded_by = ${n}"), "customer".to_owned()),
        Uploader::Staff(user) => (format!("uploader_user_id = ${n}"), user.to_string()),
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
    for<'q> bool: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
{
    /// Fills in the attachments of these messages (what every read of messages returns).
    pub(super) async fn with_attachments(&self, mut messages: Vec<Message>) -> Result<Vec<Message>> {
        if messages.is_empty() {
            return Ok(messages);
        }
        let mut q = Dynamic::new(format!(
            "SELECT {COLUMNS} FROM attachments a WHERE a.message_id IN "
        ));
        q.bind_list(messages.iter().map(|m| m.id.to_string()));
        q.push(" ORDER BY a.created_at, a.id");
        let rows: Vec<AttachmentRow> = q
            .bind_to(sqlx::query_as(q.sql()))
            .fetch_all(self.reader())
            .await
            .map_err(db_error)?;
        for row in rows {
            let attachment = Attachment::try_from(row)?;
            if let Some(message) = messages.iter_mut().find(|m| Some(m.id) == attachment.message_id) {
                message.attachments.push(attachment);
            }
        }
        Ok(messages)
    }

    /// Links uploads to a message inside its transaction and returns them; each must be an unsent
    /// upload of `uploader` to the message's conversation, or the whole transaction must be
    /// dropped (`invalid_attachment`).
    pub(super) async fn link_attachments_tx(
        tx: &mut Transaction<'_, DB>,
        message: MessageId,
        conversation: ConversationId,
        attachments: &[AttachmentId],
        uploader: Option<Uploader>,
    ) -> Result<Vec<Attachment>> {
        if attachments.is_empty() {
            return Ok(Vec::new());
        }
        let Some(uploader) = uploader else {
            return Err(Error::invalid(
                ErrorCode::InvalidAttachment,
                "only the customer or a staff member can send files",
            ));
        };
        let (who, value) = uploaded_by(uploader, 4);
        for attachment in attachments {
            // `who` is one of `uploaded_by`'s literals, never input.
            let linked = sqlx::query(&format!(
                "UPDATE attachments SET message_id = $1 WHERE id = $2 AND conversation_id = $3 \
                 AND message_id IS NULL AND {who}"
            ))
            .bind(message.to_string())
            .bind(attachment.to_string())
            .bind(conversation.to_string())
            .bind(value.clone())
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
            if DB::rows_affected(&linked) == 0 {
                return Err(Error::invalid(
                    ErrorCode::InvalidAttachment,
                    format!(
                        "attachment {attachment} is not a file you uploaded to this conversation, or it \
                         was sent already"
                    ),
                ));
            }
        }
        let rows: Vec<AttachmentRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM attachments a WHERE a.message_id = $1 ORDER BY a.created_at, a.id"
        ))
        .bind(message.to_string())
        .fetch_all(&mut **tx)
        .await
        .map_err(db_error)?;
        rows.into_iter().map(Attachment::try_from).collect()
    }

    async fn read_attachment(&self, attachment: AttachmentId) -> Result<Attachment> {
        let row: Option<AttachmentRow> =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM attachments a WHERE a.id = $1"))
                .bind(attachment.to_string())
                .fetch_optional(self.reader())
                .await
                .map_err(db_error)?;
        row.map(Attachment::try_from)
            .transpose()?
            .ok_or_else(|| Error::not_found("attachment"))
    }
}

#[async_trait]
impl<DB> AttachmentStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> f64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Vec<u8>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
{
    async fn put_attachment(&self, new: NewAttachment) -> Result<Attachment> {
        let attachment = AttachmentId::new();
        let size = i64::try_from(new.data.len()).map_err(|_| Error::internal("the file is too large"))?;
        let (uploaded_by, user) = match new.uploader {
            Uploader::Customer => (Author::Customer, None),
            Uploader::Staff(user) => (Author::Agent, Some(user.to_string())),
        };
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let exists: Option<(String,)> = sqlx::query_as(&format!(
            "SELECT id FROM conversations WHERE id = $1{}",
            DB::FOR_UPDATE
        ))
        .bind(new.conversation_id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        if exists.is_none() {
            return Err(Error::not_found("conversation"));
        }
        sqlx::query(
            "INSERT INTO attachments (id, conversation_id, filename, content_type, size, sha256, \
             uploaded_by, uploader_user_id, data, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(attachment.to_string())
        .bind(new.conversation_id.to_string())
        .bind(new.filename)
        .bind(new.content_type)
        .bind(size)
        .bind(new.sha256)
        .bind(uploaded_by.as_str().to_owned())
        .bind(user)
        .bind(new.data)
        .bind(micros(self.now()))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if let Some(thumbnail) = new.thumbnail {
            sqlx::query("UPDATE attachments SET thumbnail = $1 WHERE id = $2")
                .bind(thumbnail)
                .bind(attachment.to_string())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        self.read_attachment(attachment).await
    }

    async fn get_attachment(
        &self,
        attachment: AttachmentId,
        part: AttachmentPart,
    ) -> Result<Option<StoredAttachment>> {
        let column = match part {
            AttachmentPart::Original => "a.data",
            AttachmentPart::Thumbnail => "a.thumbnail",
        };
        // `column` is one of the literals above, never input.
        let row: Option<(Option<bool>, Option<Vec<u8>>)> = sqlx::query_as(&format!(
            "SELECT m.internal, {column} FROM attachments a LEFT JOIN messages m ON m.id = a.message_id \
             WHERE a.id = $1"
        ))
        .bind(attachment.to_string())
        .fetch_optional(self.reader())
        .await
        .map_err(db_error)?;
        let Some((internal, bytes)) = row else {
            return Ok(None);
        };
        Ok(Some(StoredAttachment {
            attachment: self.read_attachment(attachment).await?,
            internal: internal.unwrap_or(false),
            bytes,
        }))
    }

    async fn list_attachments(&self, conversation: ConversationId) -> Result<Vec<Attachment>> {
        let rows: Vec<AttachmentRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM attachments a WHERE a.conversation_id = $1 ORDER BY a.created_at, a.id"
        ))
        .bind(conversation.to_string())
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        rows.into_iter().map(Attachment::try_from).collect()
    }

    async fn count_attachments(
        &self,
        conversation: ConversationId,
        uploader: Uploader,
    ) -> Result<AttachmentCounts> {
        let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM attachments WHERE conversation_id = $1")
            .bind(conversation.to_string())
            .fetch_one(self.reader())
            .await
            .map_err(db_error)?;
        let (who, value) = uploaded_by(uploader, 2);
        let (unsent,): (i64,) = sqlx::query_as(&format!(
            "SELECT COUNT(*) FROM attachments WHERE conversation_id = $1 AND message_id IS NULL AND {who}"
        ))
        .bind(conversation.to_string())
        .bind(value)
        .fetch_one(self.reader())
        .await
        .map_err(db_error)?;
        Ok(AttachmentCounts { total, unsent })
    }
}
