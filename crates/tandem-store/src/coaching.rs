//! Coaching: the soft-skill scores of agents' replies, practice sessions with simulated customers,
//! and the certifications supervisors sign off.
//!
//! - A reply's score is kept with its message id; scoring again (an edited reply) replaces it, and
//!   it is erased with its conversation. The scoring worker follows the event log from a cursor
//!   stored here, so a restart goes on where it stopped.
//! - A practice session belongs to one staff member. Its turns are one JSON document the engine
//!   owns; a reply is appended only to the turns the caller read (`expected_turns`), so two tabs
//!   never interleave replies.
//! - A certification is granted once per user and skill; revoking keeps the row with who revoked it,
//!   when and why.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_core::ids::{ConversationId, MessageId, UserId};

use crate::Result;

/// The scorer's answer for one agent reply.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplyScore {
    pub message_id: MessageId,
    pub conversation_id: ConversationId,
    pub author_id: UserId,
    /// `{skill: {level, score, reason, evidence}}`, as the scorer wrote it.
    pub skills: serde_json::Value,
    /// When the reply was written.
    pub written_at: DateTime<Utc>,
}

/// A practice session with a simulated customer.
#[derive(Clone, Debug, PartialEq)]
pub struct PracticeSession {
    pub id: String,
    pub user_id: UserId,
    pub scenario: String,
    /// The engine's record of the turns (a JSON array).
    pub turns: serde_json::Value,
    /// Set when the session is finished: 0 to 100.
    pub score: Option<i64>,
    pub passed: bool,
    /// Whether its agent shares it with supervisors.
    pub shared: bool,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl PracticeSession {
    pub fn finished(&self) -> bool {
        self.finished_at.is_some()
    }
}

/// A certification someone holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Certification {
    pub user_id: UserId,
    pub skill: String,
    pub granted_by: Option<UserId>,
    pub granted_at: DateTime<Utc>,
    pub reason: String,
}

#[async_trait]
pub trait CoachingStore: Send + Sync {
    /// Keeps a reply's score, replacing an earlier one. `false` when the message or its
    /// conversation no longer exists (nothing is stored).
    async fn put_reply_score(&self, score: ReplyScore) -> Result<bool>;
    /// Forgets a reply's score (the reply was deleted).
    async fn delete_reply_score(&self, message: MessageId) -> Result<()>;
    /// The scores of a conversation's replies, oldest first.
    async fn conversation_reply_scores(&self, conversation: ConversationId) -> Result<Vec<ReplyScore>>;
    /// At most `limit` scores of one author's replies, newest first.
    async fn author_reply_scores(&self, author: UserId, limit: i64) -> Result<Vec<ReplyScore>>;
    /// The last event `seq` the scoring worker handled (0 at first).
    async fn quality_cursor(&self) -> Result<i64>;
    /// Moves the cursor forward to `seq` (never back).
    async fn advance_quality_cursor(&self, seq: i64) -> Result<()>;

    async fn create_practice_session(
        &self,
        user: UserId,
        scenario: &str,
        turns: serde_json::Value,
    ) -> Result<PracticeSession>;
    async fn practice_session(&self, id: &str) -> Result<Option<PracticeSession>>;
    /// Replaces the turns when the session still has `expected_turns` of them and is not
    /// finished; `None` otherwise (someone else replied first, or it was finished).
    async fn update_practice_turns(
        &self,
        id: &str,
        expected_turns: usize,
        turns: serde_json::Value,
    ) -> Result<Option<PracticeSession>>;
    /// Finishes the session with its score; `None` when it was finished already.
    async fn finish_practice_session(
        &self,
        id: &str,
        score: i64,
        passed: bool,
    ) -> Result<Option<PracticeSession>>;
    async fn share_practice_session(&self, id: &str, shared: bool) -> Result<Option<PracticeSession>>;
    /// At most `limit` of a user's sessions, newest first.
    async fn practice_sessions(&self, user: UserId, limit: i64) -> Result<Vec<PracticeSession>>;
    /// The scenarios of which the user passed at least one session.
    async fn passed_scenarios(&self, user: UserId) -> Result<Vec<String>>;

    /// Grants a certification. `already_certified` (conflict) when the user holds it.
    async fn grant_certification(
        &self,
        user: UserId,
        skill: &str,
        by: UserId,
        reason: &str,
    ) -> Result<Certification>;
    /// Revokes a certification; `false` when the user does not hold it.
    async fn revoke_certification(&self, user: UserId, skill: &str, by: UserId, reason: &str)
        -> Result<bool>;
    /// The active certifications of one user, or everyone's.
    async fn certifications(&self, user: Option<UserId>) -> Result<Vec<Certification>>;
}
