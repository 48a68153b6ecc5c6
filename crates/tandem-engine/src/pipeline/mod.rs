//! One bot turn (DESIGN §2): the way of one customer message after it is stored. [`turn`] reads
//! the conversation's recent window, [`triage`] reads the message, [`policy`] decides (every rule
//! lives there), [`act`] carries the plan out (knowledge base, connectors, the identity question),
//! [`handoff`] prepares a case for people (team, priority, service levels, summary) and [`reply`]
//! records the decision with its reply in one transaction.

pub mod act;
pub mod choices;
pub mod explain;
pub mod handoff;
pub(crate) mod identity;
pub mod policy;
pub mod reply;
pub mod summary;
pub mod triage;
mod turn;

use tandem_core::model::{Conversation, ConversationStatus, Message};

use crate::{Engine, Result};
pub(crate) use turn::Turn;

/// One bot turn about a customer message.
#[derive(Clone, Copy)]
pub struct Pipeline<'e> {
    pub(crate) engine: &'e Engine,
}

impl Pipeline<'_> {
    /// Lets the bot handle a customer message that was just stored. Quiet unless the conversation
    /// is with the bot. Errors are the caller's to log: the customer's message is already safe.
    pub(crate) async fn run(&self, conversation: &Conversation, message: &Message) -> Result<()> {
        let Some(bot) = self.engine.runtime().bot() else {
            return Ok(());
        };
        if conversation.status != ConversationStatus::Bot {
            return Ok(());
        }
        let mut turn = Turn::read(self.engine.store.as_ref(), bot, conversation, message).await?;
        let redacted = crate::privacy::redact(&message.text);
        explain::carried_by(&turn.bot.model, &redacted, &mut turn.triage.top_intents);
        let manifest = &turn.bot.pack.manifest;
        let outcome = policy::decide(&policy::PolicyInput {
            triage: &turn.triage,
            history: &turn.history,
            settings: &manifest.policy,
            intents: &turn.bot.intents,
            identity: identity::as_policy_sees_it(self.engine, manifest, conversation, message),
            choice: message.choice.as_deref(),
            value_only: policy::only_values(&message.text, &turn.triage.entities),
            calls_off: policy::calls_off(&message.text),
        });
        let action = self.carry_out(&turn, outcome).await;
        self.record(&turn, action).await
    }
}
