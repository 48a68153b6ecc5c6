//! A staff member takes back or corrects their own reply or internal note, for a short while after
//! sending it (a remark that reached the customer by mistake, a typo): `message_edit_window` of
//! [`crate::EngineConfig`], ten minutes by default.
//!
//! - Only the author may, and only their own agent replies and notes: a customer's, the bot's,
//!   the system's or another staff member's message is `forbidden` (403). After the window, or
//!   once deleted, it is a conflict (409 `edit_window_passed`, `message_deleted`).
//! - An edit replaces the text (checked and masked like any message) and sets `edited_at`; the
//!   earlier text is not kept, for staff either.
//! - A delete empties the text and sets `deleted_at`: the row stays so the conversation shows
//!   where the message was ("This message was deleted"), but its words are gone from the store
//!   (and, on SQLite, from the write-ahead log, see [`tandem_store::Store::scrub`]).
//! - Each writes one `message_updated` event (`data.change`: `edited` or `deleted`, never the
//!   text) and an audit entry (`message.edited` / `message.deleted`, who and which message, never
//!   the text), in the change's transaction. The customer's live socket gets the change of a reply
//!   of their own conversation (never of a note, see [`crate::Committed::for_customer`]).

use std::time::Duration;

use serde::Deserialize;
use tandem_core::audit::{AuditAction, NewAuditEntry};
use tandem_core::ids::{ConversationId, MessageId};
use tandem_core::model::{Author, Message};
use tandem_core::permission::Permission;
use tandem_core::{Error, ErrorCode};
use tandem_store::MessageRevision;

use super::Conversations;
use crate::auth::Staff;
use crate::{ingest, Result};

/// How long after sending a reply or note its author may edit or delete it, by default.
pub const DEFAULT_EDIT_WINDOW: Duration = Duration::from_secs(10 * 60);

/// A new text for one's own reply or note.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct MessageEdit {
    /// The whole new text (the earlier one is not kept).
    pub text: String,
}

/// "10 minutes", "1 minute", "30 seconds": the window in words.
fn in_words(window: Duration) -> String {
    let secs = window.as_secs();
    let (n, unit) = if secs >= 60 && secs.is_multiple_of(60) {
        (secs / 60, "minute")
    } else {
        (secs, "second")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

impl Conversations<'_> {
    /// How long after sending a staff member may edit or delete their own reply or note.
    pub fn edit_window(&self) -> Duration {
        self.engine.config.message_edit_window
    }

    /// Replaces the text of one's own reply or note, within the edit window. The same text again
    /// changes nothing (no event).
    pub async fn edit_message(
        &self,
        staff: &Staff,
        conversation: ConversationId,
        message: MessageId,
        text: &str,
    ) -> Result<Message> {
        let current = self.revisable(staff, conversation, message).await?;
        let ingested = ingest::message(text)?;
        if ingested.text == current.text {
            return Ok(current);
        }
        self.revise(staff, &current, MessageRevision::Edit(ingested.text))
            .await
    }

    /// Deletes one's own reply or note, within the edit window: its text is gone for good, for
    /// the customer and for staff.
    pub async fn delete_message(
        &self,
        staff: &Staff,
        conversation: ConversationId,
        message: MessageId,
    ) -> Result<Message> {
        let current = self.revisable(staff, conversation, message).await?;
        let deleted = self.revise(staff, &current, MessageRevision::Delete).await?;
        // The words must not survive in a file of the database either.
        if let Err(e) = self.engine.store.scrub().await {
            tracing::error!(error = %e, "the database could not be scrubbed after a message was deleted");
        }
        Ok(deleted)
    }

    /// The message, when this staff member may still change it.
    async fn revisable(&self, staff: &Staff, conversation: ConversationId, id: MessageId) -> Result<Message> {
        staff.require(Permission::ReplyToConversations)?;
        let message = self
            .engine
            .store
            .get_message(id)
            .await?
            .filter(|m| m.conversation_id == conversation)
            .ok_or_else(|| Error::not_found("message"))?;
        if message.author != Author::Agent {
            return Err(Error::Forbidden(
                "Only replies and notes written by staff can be edited or deleted; customers' and \
                 the bot's messages stay as they were sent."
                    .to_owned(),
            ));
        }
        if message.author_user_id != Some(staff.user().id) {
            return Err(Error::Forbidden(
                "You can edit or delete only your own replies and notes.".to_owned(),
            ));
        }
        if message.deleted_at.is_some() {
            return Err(Error::conflict(
                ErrorCode::MessageDeleted,
                "This message was deleted; there is nothing left to change.",
            ));
        }
        let window = self.edit_window();
        let age = self.engine.now().signed_duration_since(message.created_at);
        // A window too long for a time span never passes.
        let passed = chrono::Duration::from_std(window).is_ok_and(|w| age >= w);
        if passed {
            let message = if window.is_zero() {
                "Replies and notes cannot be edited or deleted once they are sent.".to_owned()
            } else {
                format!(
                    "A reply or note can be edited or deleted only within {} of sending it; this one is older.",
                    in_words(window)
                )
            };
            return Err(Error::conflict(ErrorCode::EditWindowPassed, message));
        }
        Ok(message)
    }

    async fn revise(&self, staff: &Staff, message: &Message, revision: MessageRevision) -> Result<Message> {
        let action = match revision {
            MessageRevision::Edit(_) => AuditAction::MessageEdited,
            MessageRevision::Delete => AuditAction::MessageDeleted,
        };
        let audit = NewAuditEntry::new(
            staff.actor(),
            action,
            format!("message:{}", message.id),
            serde_json::json!({
                "conversation_id": message.conversation_id,
                "internal": message.internal,
            }),
        );
        let (revised, _) = self
            .engine
            .store
            .revise_message(message.id, revision, staff.actor(), audit)
            .await?;
        self.engine.events().publish_committed().await;
        Ok(revised)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_said_in_words() {
        assert_eq!(in_words(DEFAULT_EDIT_WINDOW), "10 minutes");
        assert_eq!(in_words(Duration::from_secs(60)), "1 minute");
        assert_eq!(in_words(Duration::from_secs(90)), "90 seconds");
        assert_eq!(in_words(Duration::ZERO), "0 seconds");
    }
}
