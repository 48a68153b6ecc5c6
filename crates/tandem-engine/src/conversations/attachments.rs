//! Files in conversations, from both sides: the customer (their own conversation only) and staff
//! upload a file first, then send it with a message (`attachment_ids`). Staff see every file of a
//! conversation; a customer sees the files of the messages they are shown (never those of an
//! internal note) and their own uploads. What is accepted is decided in [`crate::attachments`].

use tandem_core::ids::{AttachmentId, ConversationId};
use tandem_core::model::{Attachment, Author};
use tandem_core::permission::Permission;
use tandem_core::{Error, ErrorCode};
pub use tandem_store::AttachmentPart;
use tandem_store::{NewAttachment, StoredAttachment, Uploader};

use super::{rate_limited, Conversations};
use crate::attachments::{self, AttachmentLimits};
use crate::auth::Staff;
use crate::ingest::Ingested;
use crate::Result;

/// A file to send, as it arrives.
#[derive(Clone, Copy, Debug)]
pub struct Upload<'a> {
    pub bytes: &'a [u8],
    /// The name the client gave it (made safe before it is stored).
    pub filename: &'a str,
    /// The `Content-Type` the client sent, if any: it must agree with the content.
    pub declared_type: Option<&'a str>,
}

/// The bytes of an attachment (or of its thumbnail), with the type its content has.
#[derive(Clone, Debug)]
pub struct Download {
    pub attachment: Attachment,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// What the conversation list shows of a message that is only files.
const FILES_PREVIEW: &str = "[attachment]";

impl Conversations<'_> {
    /// The limits on attachments (size, count).
    pub fn attachment_limits(&self) -> AttachmentLimits {
        self.engine.config.attachment_limits
    }

    /// A customer uploads a file to their conversation; it is sent with their next message that
    /// names it. Counts against the widget's message limits and the client's hourly upload budget.
    pub async fn customer_upload(
        &self,
        id: ConversationId,
        token: &str,
        upload: Upload<'_>,
    ) -> Result<Attachment> {
        self.engine.auth().customer(id, token).await?;
        if let Some(client) = self.client {
            let guards = &self.engine.widget_guards;
            guards
                .conversation_messages
                .admit(&[&id.to_string()])
                .map_err(rate_limited)?;
            guards.client_messages.admit(&[client]).map_err(rate_limited)?;
            // What a file costs: its size, in whole MiB, out of the client's hourly budget.
            let mib = upload.bytes.len().div_ceil(1 << 20).max(1);
            guards
                .client_uploads
                .admit_n(&[client], mib)
                .map_err(rate_limited)?;
        }
        self.upload(id, upload, Uploader::Customer).await
    }

    /// A staff member uploads a file, to send with their next reply or note.
    pub async fn staff_upload(
        &self,
        staff: &Staff,
        id: ConversationId,
        upload: Upload<'_>,
    ) -> Result<Attachment> {
        staff.require(Permission::ReplyToConversations)?;
        self.upload(id, upload, Uploader::Staff(staff.user().id)).await
    }

    async fn upload(&self, id: ConversationId, upload: Upload<'_>, uploader: Uploader) -> Result<Attachment> {
        let limits = self.attachment_limits();
        if upload.bytes.len() > limits.max_bytes {
            return Err(attachments::too_large(limits.max_bytes));
        }
        let counts = self.engine.store.count_attachments(id, uploader).await?;
        let most = i64::try_from(limits.per_conversation).unwrap_or(i64::MAX);
        if counts.total >= most {
            return Err(Error::invalid(
                ErrorCode::TooManyAttachments,
                format!("this conversation holds {most} files already, the most it may hold"),
            ));
        }
        // Unsent uploads: enough for the next message, not a store for files.
        let unsent = i64::try_from(limits.per_message.saturating_mul(2)).unwrap_or(i64::MAX);
        if counts.unsent >= unsent {
            return Err(Error::invalid(
                ErrorCode::TooManyAttachments,
                format!("{unsent} files are waiting to be sent already: send them with a message first"),
            ));
        }
        let bytes = upload.bytes.to_vec();
        let filename = upload.filename.to_owned();
        let declared = upload.declared_type.map(ToOwned::to_owned);
        // Decoding an image is CPU work: off the runtime's threads.
        let (checked, bytes) = tokio::task::spawn_blocking(move || {
            attachments::check(&bytes, &filename, declared.as_deref(), &limits).map(|c| (c, bytes))
        })
        .await
        .map_err(|e| Error::internal(format!("the file check stopped: {e}")))??;
        self.engine
            .store
            .put_attachment(NewAttachment {
                conversation_id: id,
                filename: checked.filename,
                content_type: checked.file_type.mime().to_owned(),
                sha256: checked.sha256,
                data: bytes,
                thumbnail: checked.thumbnail,
                uploader,
            })
            .await
    }

    /// The attachment ids a message names, checked for count and made unique.
    pub(super) fn message_files(&self, ids: &[AttachmentId]) -> Result<Vec<AttachmentId>> {
        let mut unique: Vec<AttachmentId> = Vec::with_capacity(ids.len());
        for id in ids {
            if !unique.contains(id) {
                unique.push(*id);
            }
        }
        let most = self.attachment_limits().per_message;
        if unique.len() > most {
            return Err(Error::invalid(
                ErrorCode::TooManyAttachments,
                format!("a message may carry at most {most} files"),
            ));
        }
        Ok(unique)
    }

    /// A customer reads a file of their conversation (or its thumbnail).
    pub async fn customer_attachment(
        &self,
        id: ConversationId,
        token: &str,
        attachment: AttachmentId,
        part: AttachmentPart,
    ) -> Result<Download> {
        self.engine.auth().customer(id, token).await?;
        let stored = self.read(id, attachment, part).await?;
        // Told apart from a file that does not exist by nothing: the customer may not know of it.
        let unsent_by_staff =
            stored.attachment.message_id.is_none() && stored.attachment.uploaded_by != Author::Customer;
        if stored.internal || unsent_by_staff {
            return Err(Error::not_found("attachment"));
        }
        download(stored, part)
    }

    /// Staff read a file of a conversation (or its thumbnail).
    pub async fn staff_attachment(
        &self,
        staff: &Staff,
        id: ConversationId,
        attachment: AttachmentId,
        part: AttachmentPart,
    ) -> Result<Download> {
        staff.require(Permission::ViewConversations)?;
        download(self.read(id, attachment, part).await?, part)
    }

    async fn read(
        &self,
        id: ConversationId,
        attachment: AttachmentId,
        part: AttachmentPart,
    ) -> Result<StoredAttachment> {
        self.engine
            .store
            .get_attachment(attachment, part)
            .await?
            .filter(|s| s.attachment.conversation_id == id)
            .ok_or_else(|| Error::not_found("attachment"))
    }
}

fn download(stored: StoredAttachment, part: AttachmentPart) -> Result<Download> {
    let bytes = stored.bytes.ok_or_else(|| match part {
        AttachmentPart::Thumbnail => Error::not_found("thumbnail"),
        AttachmentPart::Original => Error::not_found("attachment"),
    })?;
    let content_type = attachments::FileType::sniff(&bytes)
        .map(attachments::FileType::mime)
        .ok_or_else(|| Error::internal("a stored file is not of an accepted type"))?;
    Ok(Download {
        attachment: stored.attachment,
        content_type,
        bytes,
    })
}

/// A message's text: as [`crate::ingest::message`], but a message that carries files may have
/// none.
pub(super) fn message_text(text: &str, files: &[AttachmentId]) -> Result<Ingested> {
    if text.trim().is_empty() && !files.is_empty() {
        return Ok(Ingested {
            text: String::new(),
            masked: Vec::new(),
            preview: FILES_PREVIEW.to_owned(),
        });
    }
    crate::ingest::message(text)
}
