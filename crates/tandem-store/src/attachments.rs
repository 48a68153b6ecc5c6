//! Files sent in conversations (images and PDFs), kept in the database with their conversation:
//! erasing or expiring a conversation deletes its attachments in the same transaction. A file is
//! uploaded first (no message yet) and then sent with a message ([`crate::NewMessage::attachments`]),
//! which links it in the message's own transaction.

use async_trait::async_trait;
use tandem_core::ids::{AttachmentId, ConversationId, UserId};
use tandem_core::model::Attachment;

use crate::Result;

/// Who uploads a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uploader {
    /// The conversation's customer.
    Customer,
    /// A staff member.
    Staff(UserId),
}

/// A file to store, already checked by the engine (type told by its content, size, name).
#[derive(Clone, Debug)]
pub struct NewAttachment {
    pub conversation_id: ConversationId,
    pub filename: String,
    pub content_type: String,
    pub sha256: String,
    pub data: Vec<u8>,
    /// A downscaled, re-encoded copy of an image.
    pub thumbnail: Option<Vec<u8>>,
    pub uploader: Uploader,
}

/// Which bytes of an attachment to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachmentPart {
    Original,
    Thumbnail,
}

/// An attachment with what deciding who may read it needs, and the bytes asked for.
#[derive(Clone, Debug)]
pub struct StoredAttachment {
    pub attachment: Attachment,
    /// Sent with an internal note (never shown to the customer).
    pub internal: bool,
    /// `None` when the part does not exist (a PDF has no thumbnail).
    pub bytes: Option<Vec<u8>>,
}

/// How many attachments a conversation holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AttachmentCounts {
    pub total: i64,
    /// Uploaded by this uploader and not sent yet.
    pub unsent: i64,
}

#[async_trait]
pub trait AttachmentStore: Send + Sync {
    /// Stores an uploaded file (not sent yet); `not_found` when the conversation does not exist.
    async fn put_attachment(&self, new: NewAttachment) -> Result<Attachment>;
    /// One attachment with its metadata and, if it exists, the part asked for.
    async fn get_attachment(
        &self,
        id: AttachmentId,
        part: AttachmentPart,
    ) -> Result<Option<StoredAttachment>>;
    /// The conversation's attachments (metadata), oldest first.
    async fn list_attachments(&self, conversation: ConversationId) -> Result<Vec<Attachment>>;
    /// How many attachments the conversation holds, and how many of them this uploader has not sent.
    async fn count_attachments(
        &self,
        conversation: ConversationId,
        uploader: Uploader,
    ) -> Result<AttachmentCounts>;
}
