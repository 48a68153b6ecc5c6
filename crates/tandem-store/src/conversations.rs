//! Conversations and their messages, with the customers who start them. Every change appends its
//! events (see [`crate::EventStore`]) in the same transaction.

use async_trait::async_trait;
use tandem_core::decision::HandoffReason;
use tandem_core::event::{Actor, Event};
use tandem_core::ids::{AttachmentId, ConversationId, CustomerId, MessageId, TeamId, UserId};
use tandem_core::model::{Author, Choice, Conversation, ConversationStatus, Message, Priority, Source};

use crate::Result;

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
    /// What conversation lists show of it when it is the customer's (the engine redacts personal
    /// data from it); cut to the first characters by the store.
    pub preview: String,
    pub internal: bool,
    pub sources: Vec<Source>,
    /// For a bot question: the choices it offers.
    pub choices: Vec<Choice>,
    /// For a customer message sent by picking a choice: the picked intent.
    pub choice: Option<String>,
    pub actor: Actor,
    /// Files uploaded before, sent with this message: each must be an unsent upload of the
    /// message's author (the customer, or the staff member `author_user_id`) to this conversation,
    /// or nothing is stored (`invalid_attachment`). Linked in the message's transaction.
    pub attachments: Vec<AttachmentId>,
}

/// What a staff member does to their own message (the engine checks who and when).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessageRevision {
    /// Replaces the text (checked and masked by the engine); sets `edited_at`.
    Edit(String),
    /// Empties the text for good; sets `deleted_at`.
    Delete,
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
    pub triage: Option<tandem_core::triage::TriageRecord>,
    /// Sets the service-level targets (first response, resolution).
    pub sla_due: Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>,
    /// Marks the customer's identity as verified (they answered the identity question).
    pub customer_verified: Option<bool>,
    /// Replaces the hash of the customer's token: the old token opens nothing from now on
    /// (records `conversation_updated` with `change: customer_token`).
    pub customer_token_hash: Option<String>,
    /// Snoozes the case until a time, or (`Some(None)`) wakes it (records `change: snooze`).
    pub snooze: Option<Option<chrono::DateTime<chrono::Utc>>>,
}

/// What a customer token is checked against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerAccess {
    pub token_hash: String,
    /// The conversation's latest message: a token expires some time after it.
    pub last_message_at: chrono::DateTime<chrono::Utc>,
}

/// Whose conversations to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssigneeFilter {
    Unassigned,
    User(UserId),
}

/// Which cases a list shows by their snooze (a case is snoozed while its time is still ahead).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SnoozeFilter {
    /// Snoozed or not.
    #[default]
    Include,
    /// Only cases not snoozed (or whose time has come).
    Hide,
    /// Only snoozed cases.
    Only,
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
    pub customer: Option<CustomerId>,
    /// Snoozed cases: shown, hidden or alone (against the store's clock).
    pub snoozed: SnoozeFilter,
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
            snoozed: SnoozeFilter::Include,
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

#[async_trait]
pub trait ConversationStore: Send + Sync {
    /// Creates (or finds, by e-mail) the customer and opens a conversation for them.
    async fn create_conversation(&self, new: NewConversation) -> Result<(Conversation, Vec<Event>)>;
    async fn get_conversation(&self, id: ConversationId) -> Result<Option<Conversation>>;
    /// The hash of the customer token that opens this conversation, and when its latest message was.
    async fn customer_access(&self, id: ConversationId) -> Result<Option<CustomerAccess>>;
    /// The conversation a customer token (by its hash) opens, if any still does.
    async fn conversation_of_token(&self, token_hash: &str) -> Result<Option<ConversationId>>;
    async fn list_conversations(&self, filter: &ConversationFilter) -> Result<ConversationPage>;
    /// How many conversations the customer has had in all.
    async fn count_customer_conversations(&self, customer: CustomerId) -> Result<i64>;
    /// Applies the change and records one event per field that really changed.
    async fn update_conversation(
        &self,
        id: ConversationId,
        change: ConversationChange,
        actor: Actor,
    ) -> Result<(Conversation, Vec<Event>)>;
    /// Stores the message, updates the conversation's read model and appends the event, in one
    /// transaction.
    async fn append_message(&self, message: NewMessage) -> Result<(Message, Event)>;
    async fn get_message(&self, id: MessageId) -> Result<Option<Message>>;
    /// Edits or deletes a message: its new text (or none) with `edited_at` or `deleted_at`, one
    /// `message_updated` event and the audit entry (with its `audit_recorded` event), in one
    /// transaction. A deleted message is `message_deleted` (409); an unknown one `not_found`.
    async fn revise_message(
        &self,
        id: MessageId,
        revision: MessageRevision,
        actor: Actor,
        audit: tandem_core::audit::NewAuditEntry,
    ) -> Result<(Message, Vec<Event>)>;
    /// The conversation's messages, oldest first.
    async fn list_messages(
        &self,
        conversation: ConversationId,
        include_internal: bool,
    ) -> Result<Vec<Message>>;
    /// The conversation's last `limit` messages (at most), oldest first: what one bot turn reads,
    /// so its cost does not grow with the conversation.
    async fn recent_messages(
        &self,
        conversation: ConversationId,
        include_internal: bool,
        limit: i64,
    ) -> Result<Vec<Message>>;
    /// The latest `limit` messages (at most) customers wrote, across all conversations, newest
    /// first: only written words (not a pick from the bot's choices, not files alone). What a
    /// replay of the bot's decisions reads.
    async fn latest_customer_messages(&self, limit: i64) -> Result<Vec<Message>>;
}
