//! Root causes of handed-over cases (see `tandem_engine::insights::root_causes`): the bot's
//! suggestion with its evidence, and the cause an agent confirmed.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_core::ids::{ConversationId, UserId};
use tandem_core::root_cause::RootCause;

use crate::Result;

/// The bot's suggestion for a case it handed over.
#[derive(Clone, Debug, PartialEq)]
pub struct NewRootCauseSuggestion {
    pub conversation_id: ConversationId,
    /// `None` when nothing the customer wrote points at a cause.
    pub suggested: Option<RootCause>,
    pub confidence: f32,
    /// The quoted words, as the engine shapes them (a JSON array).
    pub evidence: serde_json::Value,
    /// The customer's messages the suggestion read, redacted.
    pub text: String,
    pub handed_over_at: DateTime<Utc>,
}

/// A conversation's root cause as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct RootCauseRecord {
    pub conversation_id: ConversationId,
    pub suggested: Option<RootCause>,
    pub confidence: f32,
    pub evidence: serde_json::Value,
    pub confirmed: Option<RootCause>,
    pub confirmed_by: Option<UserId>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub handed_over_at: DateTime<Utc>,
}

impl RootCauseRecord {
    /// The cause the case counts under: the confirmed one, else the suggestion.
    pub fn effective(&self) -> Option<RootCause> {
        self.confirmed.or(self.suggested)
    }
}

/// What a confirmation teaches: the redacted words and the cause a person chose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfirmedRootCause {
    pub text: String,
    pub cause: RootCause,
}

#[async_trait]
pub trait RootCauseStore: Send + Sync {
    /// Stores the suggestion for a case just handed over. A case handed over again gets the new
    /// suggestion; a confirmed cause and the day it first went to people stay.
    async fn suggest_root_cause(&self, suggestion: NewRootCauseSuggestion) -> Result<()>;
    /// Sets (or with `None` clears) the confirmed cause, by whom and when. A conversation without a
    /// suggestion gets a row that counts from `at`. `false` when the conversation does not exist.
    async fn confirm_root_cause(
        &self,
        conversation: ConversationId,
        cause: Option<RootCause>,
        by: Option<UserId>,
        at: DateTime<Utc>,
    ) -> Result<bool>;
    async fn root_cause(&self, conversation: ConversationId) -> Result<Option<RootCauseRecord>>;
    /// The root causes of cases handed over since `since`, newest first.
    async fn root_causes_since(&self, since: DateTime<Utc>) -> Result<Vec<RootCauseRecord>>;
    /// The newest `limit` confirmations, newest first: what suggestions learn from.
    async fn confirmed_root_causes(&self, limit: i64) -> Result<Vec<ConfirmedRootCause>>;
    /// Changes whenever a confirmation is made, changed or erased: (how many, the latest time).
    async fn root_cause_stamp(&self) -> Result<(i64, i64)>;
    /// Claims the root-cause digest of `day` (`YYYY-MM-DD`): `true` for the first caller only, so
    /// one instance produces it once.
    async fn claim_digest_day(&self, day: &str) -> Result<bool>;
}
