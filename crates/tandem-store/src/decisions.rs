//! The bot's decisions: each written with its reply and the change to the conversation in one
//! transaction.

use async_trait::async_trait;
use tandem_core::decision::{Decision, IntentScore, Verdict};
use tandem_core::ids::ConversationId;
use tandem_core::model::Conversation;

use crate::conversations::{ConversationChange, NewMessage};
use crate::Result;

/// A decision to record; the customer message it is about must exist.
#[derive(Clone, Debug)]
pub struct NewDecision {
    pub message_id: tandem_core::ids::MessageId,
    /// What the bot did (kind, handoff reason, slot).
    pub verdict: Verdict,
    pub intent: Option<String>,
    pub confidence: f32,
    pub top_intents: Vec<IntentScore>,
    pub signals: tandem_core::triage::SignalScores,
    pub reasons: Vec<String>,
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

#[async_trait]
pub trait DecisionStore: Send + Sync {
    /// Writes a decision, its reply and the conversation change in one transaction, with a
    /// `decision_made` event — only while the conversation is still with the bot (checked under a
    /// row lock); otherwise writes nothing and returns `None`.
    async fn record_bot_turn(&self, turn: BotTurn) -> Result<Option<BotTurnOutcome>>;
    /// The conversation's decisions, oldest first.
    async fn list_decisions(&self, conversation: ConversationId) -> Result<Vec<Decision>>;
    /// The conversation's last `limit` decisions (at most), oldest first.
    async fn recent_decisions(&self, conversation: ConversationId, limit: i64) -> Result<Vec<Decision>>;
    /// The newest `limit` customer messages since `since` that the bot did not understand: it asked
    /// again without recognising an intent, or handed the case over for low confidence or as out
    /// of scope. Newest first.
    async fn unrecognised_messages(
        &self,
        since: chrono::DateTime<chrono::Utc>,
        limit: i64,
    ) -> Result<Vec<UnrecognisedMessage>>;
}

/// A customer message the bot did not understand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnrecognisedMessage {
    pub message_id: tandem_core::ids::MessageId,
    pub conversation_id: ConversationId,
    pub text: String,
    pub at: chrono::DateTime<chrono::Utc>,
}
