//! The counts insights are computed from.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_core::decision::{DecisionKind, HandoffReason};
use tandem_core::ids::TeamId;
use tandem_core::model::ConversationStatus;

use crate::Result;

/// How many decisions of one kind (and handoff reason) the bot made on one day (UTC).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionTally {
    pub day: chrono::NaiveDate,
    pub kind: DecisionKind,
    pub handoff_reason: Option<HandoffReason>,
    pub count: i64,
}

/// The counts insights are computed from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InsightCounts {
    /// Conversations started since the given moment.
    pub conversations: i64,
    /// The bot's decisions since the given moment, per day, kind and handoff reason.
    pub decisions: Vec<DecisionTally>,
    /// All conversations now, per status (statuses without any are left out).
    pub by_status: Vec<(ConversationStatus, i64)>,
    /// Open (queued or assigned) conversations now, per team (`None`: no team).
    pub open_by_team: Vec<(Option<TeamId>, i64)>,
}
#[async_trait]
pub trait InsightStore: Send + Sync {
    /// Conversations started and bot decisions made since `since` (decisions per UTC day), and
    /// the conversations now per status and the open ones per team.
    async fn insight_counts(&self, since: DateTime<Utc>) -> Result<InsightCounts>;
}
