//! Inputs and outputs of the [`crate::Store`] methods.

use tandem_core::decision::{DecisionKind, HandoffReason, IntentScore};
use tandem_core::event::Actor;
use tandem_core::ids::{ConversationId, TeamId, UserId};
use tandem_core::model::{Author, Conversation, ConversationStatus, Priority, Role, Source};

#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
}

/// Fields to change on a user; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct UserChange {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub team_ids: Option<Vec<TeamId>>,
}

#[derive(Clone, Debug)]
pub struct NewTeam {
    pub name: String,
    pub skills: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct NewConversation {
    pub customer_name: String,
    pub customer_email: String,
    pub token_hash: String,
    /// The e-mail address was signed by the business's site.
    pub customer_verified: bool,
    pub status: ConversationStatus,
    pub priority: Priority,
}

#[derive(Clone, Debug)]
pub struct NewMessage {
    pub conversation_id: ConversationId,
    pub author: Author,
    pub author_user_id: Option<UserId>,
    pub text: String,
    pub internal: bool,
    pub sources: Vec<Source>,
    pub actor: Actor,
}

/// Fields to change on a conversation; `None` leaves a field as it is. For `assignee` and `team`,
/// `Some(None)` clears the field.
#[derive(Clone, Debug, Default)]
pub struct ConversationChange {
    pub status: Option<ConversationStatus>,
    pub priority: Option<Priority>,
    pub assignee: Option<Option<UserId>>,
    pub team: Option<Option<TeamId>>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
    /// Hands the case to people for this reason (records a `handed_off` event).
    pub handoff: Option<HandoffReason>,
    /// Replaces the summary for agents.
    pub summary: Option<String>,
    /// Replaces the latest triage.
    pub triage: Option<serde_json::Value>,
    /// Sets the service-level targets (first response, resolution).
    pub sla_due: Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>,
}

/// Whose conversations to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssigneeFilter {
    Unassigned,
    User(UserId),
}

/// A query over conversations; all given criteria must hold. Newest activity first.
#[derive(Clone, Debug)]
pub struct ConversationFilter {
    pub status: Option<ConversationStatus>,
    pub assignee: Option<AssigneeFilter>,
    pub team: Option<TeamId>,
    pub tag: Option<String>,
    /// Case-insensitive substring of the customer's name or e-mail, or of any message.
    pub text: Option<String>,
    /// Only open cases that missed a service-level target.
    pub sla_breached: bool,
    /// Only cases waiting for or with a person (queued or assigned).
    pub open_only: bool,
    /// Only this customer's conversations.
    pub customer: Option<tandem_core::ids::CustomerId>,
    pub limit: i64,
    pub offset: i64,
}

impl Default for ConversationFilter {
    fn default() -> Self {
        Self {
            status: None,
            assignee: None,
            team: None,
            tag: None,
            text: None,
            sla_breached: false,
            open_only: false,
            customer: None,
            limit: 50,
            offset: 0,
        }
    }
}

#[derive(Clone, Debug)]
pub struct ConversationPage {
    pub conversations: Vec<Conversation>,
    /// How many conversations match the filter in all.
    pub total: i64,
}

/// A decision to record; the customer message it is about must exist.
#[derive(Clone, Debug)]
pub struct NewDecision {
    pub message_id: tandem_core::ids::MessageId,
    pub kind: DecisionKind,
    pub intent: Option<String>,
    pub confidence: f32,
    pub top_intents: Vec<IntentScore>,
    pub signals: serde_json::Value,
    pub reasons: Vec<String>,
    pub handoff_reason: Option<HandoffReason>,
    pub slot: Option<String>,
    pub entities: serde_json::Value,
}

/// Everything the bot does about one customer message, written in one transaction: the decision,
/// the reply (if any) and the change to the conversation (handoff, priority, summary, triage).
#[derive(Clone, Debug)]
pub struct BotTurn {
    pub conversation_id: ConversationId,
    pub decision: NewDecision,
    pub reply: Option<NewMessage>,
    pub change: ConversationChange,
}

/// What a bot turn wrote.
#[derive(Clone, Debug)]
pub struct BotTurnOutcome {
    pub reply: Option<tandem_core::model::Message>,
    pub conversation: Conversation,
    pub events: Vec<tandem_core::event::Event>,
}

/// A content pack as stored (the JSON of the engine's pack type).
#[derive(Clone, Debug)]
pub struct StoredPack {
    pub id: String,
    pub name: String,
    pub version: String,
    pub content: String,
    pub imported_at: chrono::DateTime<chrono::Utc>,
}

/// A trained model as stored.
#[derive(Clone, Debug)]
pub struct StoredModel {
    pub id: String,
    pub pack_id: String,
    pub bytes: Vec<u8>,
    pub metrics: String,
    pub training_set_hash: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// How many open (assigned, not resolved) cases an agent holds.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentLoad {
    pub user: tandem_core::model::User,
    pub available: bool,
    pub open_cases: i64,
}

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
