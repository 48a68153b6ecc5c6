//! The turn context: what one bot turn knows, read once and passed to every step.

use std::sync::Arc;

use tandem_core::decision::Decision;
use tandem_core::model::{Author, Conversation, Message};
use tandem_store::prelude::*;

use super::triage::{self, Triage};
use crate::runtime::BotRuntime;
use crate::Result;

/// How many of the latest messages and decisions one turn reads: a bounded window, so the cost
/// of a message does not grow with the conversation.
pub const HISTORY_MESSAGES: i64 = 40;
pub const HISTORY_DECISIONS: i64 = 20;

/// One customer message on its way through the pipeline.
pub(crate) struct Turn<'a> {
    pub bot: Arc<BotRuntime>,
    pub conversation: &'a Conversation,
    /// The customer message decided about.
    pub message: &'a Message,
    /// The conversation's latest messages (internal notes excluded), oldest first.
    pub messages: Vec<Message>,
    /// The conversation's latest decisions, oldest first.
    pub history: Vec<Decision>,
    pub triage: Triage,
}

impl<'a> Turn<'a> {
    /// Reads the window and triages the message in its context.
    pub async fn read(
        store: &dyn Store,
        bot: Arc<BotRuntime>,
        conversation: &'a Conversation,
        message: &'a Message,
    ) -> Result<Turn<'a>> {
        let messages = store
            .recent_messages(conversation.id, false, HISTORY_MESSAGES)
            .await?;
        let history = store.recent_decisions(conversation.id, HISTORY_DECISIONS).await?;
        let bot_texts: Vec<&str> = messages
            .iter()
            .rev()
            .filter(|m| m.author == Author::Bot)
            .take(2)
            .map(|m| m.text.as_str())
            .collect();
        let mut context = tandem_nlu::signals::Context::new();
        for text in bot_texts.iter().rev() {
            context = context.with_bot_turn(text);
        }
        // A click on one of the bot's choices sends the choice's label: the bot's words, not the
        // customer's, so they are no evidence of mood or repetition, now or later.
        for earlier in messages
            .iter()
            .filter(|m| m.author == Author::Customer && m.id != message.id && m.choice.is_none())
        {
            context = context.with_earlier_message(&earlier.text);
        }
        let threshold = bot.pack.manifest.policy.person_request_handoff;
        let mut triage = triage::triage(&bot.model, &message.text, &context, threshold);
        if message.choice.is_some() {
            triage.signals = tandem_nlu::signals::Signals::default();
        }
        Ok(Turn {
            bot,
            conversation,
            message,
            messages,
            history,
            triage,
        })
    }

    /// Every bot turn replies, so the bot has spoken before exactly when it decided before.
    pub fn first_bot_message(&self) -> bool {
        self.history.is_empty()
    }
}
