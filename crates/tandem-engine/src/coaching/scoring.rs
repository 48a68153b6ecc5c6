//! Live scoring: every reply an agent writes to a customer (not an internal note) is scored on the
//! rubric off the request path, by a worker that follows the event log from a stored cursor. An
//! edited reply is scored again; a deleted one loses its score.

use tandem_core::event::{Event, EventKind};
use tandem_core::ids::MessageId;
use tandem_core::model::{Author, Message};
use tandem_store::ReplyScore;

use super::Coaching;
use crate::events::LogWorker;
use crate::Result;

/// Customer messages read as the context of a reply, at most.
const CONTEXT_MESSAGES: usize = 3;

/// Whether an event may concern an agent's reply to a customer (the worker reads the message to
/// be sure).
pub fn concerns_a_reply(event: &Event) -> bool {
    let data = &event.data;
    let by_staff = data.get("author").and_then(|a| a.as_str()) == Some(Author::Agent.as_str());
    match event.kind {
        EventKind::MessageCreated => by_staff && data.get("internal").and_then(|i| i.as_bool()) != Some(true),
        EventKind::MessageUpdated => true,
        _ => false,
    }
}

/// What the customer said before `reply`: their messages since the agent's previous reply (at
/// least the last one), oldest first.
pub fn context_of(messages: &[Message], reply: MessageId) -> String {
    let before = messages.iter().take_while(|m| m.id != reply);
    let mut said: Vec<&str> = Vec::new();
    for m in before.collect::<Vec<_>>().into_iter().rev() {
        match m.author {
            Author::Customer if !m.text.trim().is_empty() => said.push(&m.text),
            Author::Agent if !said.is_empty() => break,
            _ => {}
        }
        if said.len() == CONTEXT_MESSAGES {
            break;
        }
    }
    said.reverse();
    said.join("\n")
}

impl Coaching<'_> {
    /// Scores the replies of the events committed since the worker's cursor. Returns how many
    /// replies were scored. A message that cannot be read is logged and skipped.
    pub async fn catch_up(&self) -> Result<usize> {
        let mut log = self.engine.events().follow(LogWorker::Scoring).await?;
        let mut scored = 0;
        while let Some(events) = log.next().await? {
            for event in events.iter().filter(|e| concerns_a_reply(e)) {
                let Some(message) = event
                    .data
                    .get("message_id")
                    .and_then(|m| m.as_str())
                    .and_then(|m| m.parse::<MessageId>().ok())
                else {
                    continue;
                };
                match self.score_reply(message).await {
                    Ok(true) => scored += 1,
                    Ok(false) => {}
                    Err(e) => tracing::error!(error = %e, %message, "a reply could not be scored"),
                }
            }
            log.handled(&events).await?;
        }
        Ok(scored)
    }

    /// Scores one message when it is a staff member's reply to the customer (forgets its score when
    /// it was deleted). `false` when there was nothing to score.
    pub(crate) async fn score_reply(&self, id: MessageId) -> Result<bool> {
        let store = &self.engine.store;
        let Some(message) = store.get_message(id).await? else {
            return Ok(false);
        };
        let Some(author) = message.author_user_id else {
            return Ok(false);
        };
        if message.author != Author::Agent || message.internal {
            return Ok(false);
        }
        if message.deleted_at.is_some() || message.text.trim().is_empty() {
            store.delete_reply_score(id).await?;
            return Ok(false);
        }
        let messages = store.list_messages(message.conversation_id, false).await?;
        let context = context_of(&messages, id);
        let scores = self.score(&context, &message.text);
        let skills = serde_json::to_value(&scores).map_err(|e| {
            tandem_core::Error::internal(format!("a reply's scores could not be encoded: {e}"))
        })?;
        store
            .put_reply_score(ReplyScore {
                message_id: id,
                conversation_id: message.conversation_id,
                author_id: author,
                skills,
                written_at: message.created_at,
            })
            .await
    }
}
