//! Committed events, from the outbox to live clients. Every change's events are written by the
//! store in the change's own transaction (with a global `seq`); the [`Relay`] reads them after
//! commit, joins what live clients show (the message, the conversation) and publishes them on the
//! [`Bus`]. What a staff member or a customer is sent is a projection of these events for their
//! audience (see [`Committed::for_customer`]). Integrations read the same events from the store
//! (`GET /api/v1/events`), and a reconnecting client replays what it missed the same way.

mod bus;
mod ephemeral;
mod feed;
mod relay;
mod workers;

use std::sync::Arc;

use serde::Serialize;
use tandem_core::event::{Change, Event, EventKind};
use tandem_core::ids::{ConversationId, UserId};
use tandem_core::model::{Conversation, Message};

pub use bus::{Bus, LocalBus};
pub use ephemeral::{Activity, Ephemeral};
pub use feed::{feed_position, Events, FeedPage, Replay, DEFAULT_FEED_PAGE, MAX_FEED_PAGE, MAX_REPLAY};
pub use relay::Relay;
pub(crate) use workers::LogWorker;

/// One committed event with the records live clients show for it.
#[derive(Clone, Debug, Serialize)]
pub struct Committed {
    pub event: Event,
    /// For `message_created` and `message_updated`: the message as it is now (edited, or deleted
    /// with an empty text).
    pub message: Option<Message>,
    /// For events that change a conversation: the conversation as it is now.
    pub conversation: Option<Conversation>,
}

impl Committed {
    pub fn seq(&self) -> i64 {
        self.event.seq
    }

    pub fn conversation_id(&self) -> Option<ConversationId> {
        self.event.conversation_id
    }

    /// Whether this is a `conversation_updated` event that changed `what`.
    fn changed(&self, what: Change) -> bool {
        self.event.kind == EventKind::ConversationUpdated
            && self.event.data.get("change").and_then(|c| c.as_str()) == Some(what.as_str())
    }

    /// The conversation this event's tombstone says was erased.
    pub fn erased_conversation(&self) -> Option<ConversationId> {
        if self.event.kind != EventKind::ConversationErased {
            return None;
        }
        self.event.data.get("conversation_id")?.as_str()?.parse().ok()
    }

    /// The conversation whose customer token stops opening it with this event: it was erased, or
    /// its token was revoked. A customer's live socket on it closes.
    pub fn ends_customer_access(&self) -> Option<ConversationId> {
        if self.changed(Change::CustomerToken) {
            return self.conversation_id();
        }
        self.erased_conversation()
    }

    /// Whether a customer of the event's conversation may see it: their conversation's messages,
    /// new, edited or deleted (never internal notes, nor anything about them), and changes of its
    /// status. The one place this rule lives.
    pub fn for_customer(&self, own: ConversationId) -> Option<CustomerView<'_>> {
        if self.conversation_id() != Some(own) {
            return None;
        }
        match self.event.kind {
            EventKind::MessageCreated | EventKind::MessageUpdated => self
                .message
                .as_ref()
                .filter(|m| !m.internal)
                .map(CustomerView::Message),
            EventKind::ConversationCreated => self.conversation.as_ref().map(CustomerView::Status),
            EventKind::ConversationUpdated if self.changed(Change::Status) => {
                self.conversation.as_ref().map(CustomerView::Status)
            }
            _ => None,
        }
    }
}

/// What a customer is shown of an event.
pub enum CustomerView<'a> {
    /// A message of theirs, new (`message_created`) or changed (`message_updated`): the frame's
    /// type is the event's kind.
    Message(&'a Message),
    /// The conversation's status (the rest of the conversation is for staff).
    Status(&'a Conversation),
}

/// What travels on the bus.
#[derive(Clone, Debug)]
pub enum LiveEvent {
    /// A committed event, in `seq` order.
    Committed(Arc<Committed>),
    /// A staff member's sessions may have ended (logout, deactivation, new password): their open
    /// sockets check their session again. Not an event of the log; never sent to clients.
    StaffSessionsChanged { user_id: UserId },
    /// Presence, typing and reads: not stored, not in the log, not replayed, and local to this
    /// instance (see [`Ephemeral`]).
    Ephemeral(Arc<Ephemeral>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_core::event::Actor;
    use tandem_core::ids::{EventId, MessageId};
    use tandem_core::model::Author;

    fn updated(conversation: ConversationId, internal: bool) -> Committed {
        let now = chrono::Utc::now();
        let message = Message {
            id: MessageId::new(),
            conversation_id: conversation,
            author: Author::Agent,
            author_user_id: Some(UserId::new()),
            text: String::new(),
            internal,
            sources: Vec::new(),
            choices: Vec::new(),
            choice: None,
            created_at: now,
            attachments: Vec::new(),
            edited_at: None,
            deleted_at: Some(now),
        };
        Committed {
            event: Event {
                seq: 7,
                id: EventId::new(),
                conversation_id: Some(conversation),
                kind: EventKind::MessageUpdated,
                actor: Actor::User { id: UserId::new() },
                data: serde_json::json!({ "message_id": message.id, "change": "deleted", "internal": internal }),
                created_at: now,
            },
            message: Some(message),
            conversation: None,
        }
    }

    #[test]
    fn a_customer_sees_changes_of_their_replies_but_nothing_about_notes() {
        let own = ConversationId::new();
        let reply = updated(own, false);
        assert!(matches!(reply.for_customer(own), Some(CustomerView::Message(m)) if m.deleted_at.is_some()));
        assert!(
            reply.for_customer(ConversationId::new()).is_none(),
            "another conversation's"
        );
        assert!(updated(own, true).for_customer(own).is_none(), "a note's");
    }
}
