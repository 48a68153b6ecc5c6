//! The review queue: bot decisions and answers a person should look at, each about one message,
//! with the customer's words (redacted by the caller) and the bot's guess. A trainer resolves an
//! item with the right intent (the text becomes a training example) or dismisses it. At most one
//! item per message and reason is open at a time.

use async_trait::async_trait;
use tandem_core::ids::{ConversationId, MessageId, ReviewId, UserId};
pub use tandem_core::review::{ReviewReason, ReviewStatus};

use crate::Result;

/// An agent's flag on a bot message.
#[derive(Clone, Debug, PartialEq)]
pub struct Flag {
    /// incorrect, incomplete, outdated, inappropriate or other (checked by the engine).
    pub reason: String,
    pub comment: String,
    pub by: Option<UserId>,
}

/// An item to queue.
#[derive(Clone, Debug)]
pub struct NewReview {
    pub conversation_id: ConversationId,
    /// The customer message not understood, or the bot message rated, followed by a return or
    /// flagged.
    pub message_id: MessageId,
    pub reason: ReviewReason,
    /// The customer's words concerned, personal data redacted.
    pub text: String,
    pub intent: Option<String>,
    pub confidence: f64,
    pub flag: Option<Flag>,
}

/// An item of the queue.
#[derive(Clone, Debug)]
pub struct Review {
    pub id: ReviewId,
    pub conversation_id: ConversationId,
    pub message_id: MessageId,
    pub reason: ReviewReason,
    pub status: ReviewStatus,
    pub text: String,
    pub intent: Option<String>,
    pub confidence: f64,
    pub flag: Option<Flag>,
    /// The intent a trainer set (status resolved).
    pub label: Option<String>,
    /// The relabelled text joined the regression set instead of the training data.
    pub held_out: bool,
    pub resolved_by: Option<UserId>,
    pub resolved_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Which items to list, newest first.
#[derive(Clone, Debug, Default)]
pub struct ReviewFilter {
    pub status: Option<ReviewStatus>,
    pub reason: Option<ReviewReason>,
    /// The bot's guess, or the label a trainer set.
    pub intent: Option<String>,
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    pub until: Option<chrono::DateTime<chrono::Utc>>,
    pub limit: i64,
}

/// How a trainer closes an item: with an intent (resolved) or without (dismissed).
#[derive(Clone, Debug)]
pub struct Resolution {
    pub by: Option<UserId>,
    pub label: Option<String>,
    pub held_out: bool,
}

#[async_trait]
pub trait ReviewStore: Send + Sync {
    /// Queues an item; `None` when an open item for the same message and reason is there already.
    async fn add_review(&self, review: NewReview) -> Result<Option<Review>>;
    async fn reviews(&self, filter: &ReviewFilter) -> Result<Vec<Review>>;
    async fn review(&self, id: ReviewId) -> Result<Option<Review>>;
    /// The open item for this message and reason, if there is one.
    async fn open_review(&self, message: MessageId, reason: ReviewReason) -> Result<Option<Review>>;
    /// Closes an open item; `review_closed` (conflict) when it is not open, `not_found` when unknown.
    async fn resolve_review(&self, id: ReviewId, resolution: Resolution) -> Result<Review>;
    /// How many items were resolved with this label (held out or not).
    async fn labelled_reviews(&self, label: &str) -> Result<i64>;
}
