//! Customer satisfaction: each conversation's latest rating by its customer.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_core::ids::{ConversationId, TeamId, UserId};

use crate::Result;

/// A conversation's rating with what the CSAT figures group it by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatedConversation {
    pub conversation_id: ConversationId,
    /// 1 to 5.
    pub score: i64,
    pub rated_at: DateTime<Utc>,
    /// A person took part: the case was handed over, assigned, or an agent wrote in it.
    pub handed_over: bool,
    pub team_id: Option<TeamId>,
    pub assignee_id: Option<UserId>,
    /// The first intent the bot recognised in it.
    pub intent: Option<String>,
}

/// A conversation's rating as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rating {
    pub score: i64,
    /// Redacted.
    pub comment: String,
    pub rated_at: DateTime<Utc>,
}

#[async_trait]
pub trait RatingStore: Send + Sync {
    /// Stores the conversation's rating (1 to 5, checked by the engine) with a redacted comment,
    /// replacing an earlier one. `Ok(true)` when it replaced one.
    async fn put_rating(
        &self,
        conversation: ConversationId,
        score: i64,
        comment: &str,
        at: DateTime<Utc>,
    ) -> Result<bool>;
    async fn rating(&self, conversation: ConversationId) -> Result<Option<Rating>>;
    /// The ratings given since `since`, newest first.
    async fn ratings_since(&self, since: DateTime<Utc>) -> Result<Vec<RatedConversation>>;
}
