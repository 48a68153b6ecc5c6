//! Article drafts from people's answers: when an agent resolves a case the bot could not answer
//! and the agent's reply answered it, the question and the reply (both redacted) become a *case*
//! of a draft; similar questions join one draft, so a draft counts the conversations an article
//! would have covered. A trainer accepts a pending draft (it becomes an article) or rejects it.
//!
//! A conversation is a case of at most one draft, ever: adding it twice (the case resolved again,
//! or reopened and resolved) keeps the first. Erasing a conversation removes its case, and a draft
//! left without cases is deleted with it (the texts came from those conversations).
//!
//! The drafts worker follows the event log; its cursor (the last `seq` it handled) is stored
//! here, so a restart goes on where it stopped.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_core::ids::{ConversationId, MessageId, UserId};

use crate::Result;

/// Where a draft stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DraftStatus {
    /// Waiting for a trainer.
    Pending,
    /// Became an article.
    Accepted,
    /// A trainer decided it should not become an article.
    Rejected,
}

impl DraftStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(Self::Pending),
            "accepted" => Some(Self::Accepted),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

/// One conversation of a draft: the customer's question the bot could not answer and the agent's
/// reply, both redacted.
#[derive(Clone, Debug, PartialEq)]
pub struct DraftCase {
    pub conversation_id: ConversationId,
    pub question: String,
    pub answer: String,
    pub question_message_id: MessageId,
    pub answer_message_id: MessageId,
    /// The bot's best guess of the question's intent, when it had one.
    pub intent: Option<String>,
    pub added_at: DateTime<Utc>,
}

/// A draft with its cases, oldest first (the first case's question and answer are the draft's).
#[derive(Clone, Debug)]
pub struct Draft {
    pub id: String,
    pub status: DraftStatus,
    pub created_at: DateTime<Utc>,
    /// When a case last joined it.
    pub updated_at: DateTime<Utc>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The slug of the article an accepted draft became.
    pub article: Option<String>,
    /// The intent an accepted draft's article was tagged like and taught to, if any.
    pub intent: Option<String>,
    pub cases: Vec<DraftCase>,
}

/// A case to add.
#[derive(Clone, Debug)]
pub struct NewDraftCase {
    pub conversation_id: ConversationId,
    pub question: String,
    pub answer: String,
    pub question_message_id: MessageId,
    pub answer_message_id: MessageId,
    pub intent: Option<String>,
}

/// Where a new case goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DraftTarget {
    /// A draft of its own.
    New,
    /// This pending draft; when it is no longer pending (or gone), a draft of its own.
    Join(String),
}

/// What a trainer decided about a pending draft.
#[derive(Clone, Debug)]
pub enum DraftDecision {
    Accepted {
        by: UserId,
        article: String,
        intent: Option<String>,
    },
    Rejected {
        by: UserId,
    },
}

#[async_trait]
pub trait DraftStore: Send + Sync {
    /// Adds a conversation's case to a draft, in one transaction. `None` when the conversation is
    /// already a case of a draft (nothing changes) or no longer exists.
    async fn add_draft_case(&self, case: NewDraftCase, target: DraftTarget) -> Result<Option<Draft>>;
    async fn draft(&self, id: &str) -> Result<Option<Draft>>;
    /// The draft a conversation is a case of.
    async fn draft_of_conversation(&self, conversation: ConversationId) -> Result<Option<String>>;
    /// At most `limit` drafts with this status, with their cases: those with most cases first,
    /// then the most recently joined.
    async fn drafts(&self, status: DraftStatus, limit: i64) -> Result<Vec<Draft>>;
    /// Records the decision about a pending draft. `not_found` when there is no such draft,
    /// `draft_decided` (conflict) when it is not pending any more.
    async fn decide_draft(&self, id: &str, decision: DraftDecision) -> Result<Draft>;
    /// The last event `seq` the drafts worker handled (0 at first).
    async fn draft_cursor(&self) -> Result<i64>;
    /// Moves the cursor forward to `seq` (never back).
    async fn advance_draft_cursor(&self, seq: i64) -> Result<()>;
}
