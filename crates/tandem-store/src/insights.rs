//! The counts insights are computed from.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_core::decision::{DecisionKind, HandoffReason};
use tandem_core::ids::{ConversationId, CustomerId, MessageId, TeamId};
use tandem_core::model::{ConversationStatus, Customer};

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
/// One decision of the bot, as the automation figures read it.
#[derive(Clone, Debug, PartialEq)]
pub struct AutomationStep {
    pub conversation_id: ConversationId,
    /// The customer message decided about.
    pub message_id: MessageId,
    /// The bot's reply to it: the bot's first message after it, when it wrote one.
    pub reply_id: Option<MessageId>,
    pub kind: DecisionKind,
    pub intent: Option<String>,
    pub handoff_reason: Option<HandoffReason>,
    /// The frustration signal's score on the message (0 when the record has none).
    pub frustration: f32,
    pub at: DateTime<Utc>,
}

/// One conversation of a customer the bot resolved or answered something for: what is needed to
/// tell whether the bot finished it and whether the customer came back unhappy.
#[derive(Clone, Debug, PartialEq)]
pub struct AutomationTrail {
    pub conversation_id: ConversationId,
    pub customer_id: CustomerId,
    pub started_at: DateTime<Utc>,
    /// A person took part: the case was handed over, or an agent wrote in it.
    pub with_people: bool,
    /// When the customer reopened it (wrote after it was resolved), oldest first.
    pub reopened: Vec<DateTime<Utc>>,
    /// The bot's decisions in it, oldest first.
    pub steps: Vec<AutomationStep>,
}

/// Whose history [`InsightStore::customer_histories`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomerScope {
    /// One customer.
    One(CustomerId),
    /// Every customer with a conversation active (a message) since then.
    ActiveSince(DateTime<Utc>),
}

/// One decision of the bot in a customer's conversation, as the health rules read it.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerStep {
    pub kind: DecisionKind,
    pub intent: Option<String>,
    pub handoff_reason: Option<HandoffReason>,
    /// For `clarify`: the value asked for (none when the bot asked to rephrase or to choose).
    pub slot: Option<String>,
    /// The frustration signal's score on the message (0 when the record has none).
    pub frustration: f32,
    pub at: DateTime<Utc>,
}

/// One conversation of a customer, with the bot's decisions in it.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerCase {
    pub conversation_id: ConversationId,
    pub status: ConversationStatus,
    pub started_at: DateTime<Utc>,
    pub last_message_at: DateTime<Utc>,
    /// Why it went to a person, when it did.
    pub handoff_reason: Option<HandoffReason>,
    /// When the customer reopened it (wrote after it was resolved), oldest first.
    pub reopened: Vec<DateTime<Utc>>,
    /// The bot's decisions in it, oldest first.
    pub steps: Vec<CustomerStep>,
}

/// What Tandem knows of one customer's contacts: what their health is computed from.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerHistory {
    pub customer: Customer,
    /// All their conversations in Tandem, however old.
    pub conversations: i64,
    /// Their conversations active since the moment asked for, oldest first.
    pub cases: Vec<CustomerCase>,
}

#[async_trait]
pub trait InsightStore: Send + Sync {
    /// Every conversation active since `from` of each customer for whom the bot resolved or
    /// answered a message in [`from`, `to`), with all its decisions (oldest first; conversations
    /// by their start, oldest first).
    async fn automation_trails(&self, from: DateTime<Utc>, to: DateTime<Utc>)
        -> Result<Vec<AutomationTrail>>;
    /// Conversations started and bot decisions made since `since` (decisions per UTC day), and
    /// the conversations now per status and the open ones per team.
    async fn insight_counts(&self, since: DateTime<Utc>) -> Result<InsightCounts>;
    /// The histories of the customers in `scope` (by name, then id): each with the count of all
    /// their conversations and, in detail, those active since `since`. In a constant number of
    /// queries, however many customers there are.
    async fn customer_histories(
        &self,
        scope: CustomerScope,
        since: DateTime<Utc>,
    ) -> Result<Vec<CustomerHistory>>;
}
