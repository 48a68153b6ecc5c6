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

use std::sync::Arc;

use serde::Serialize;
use tandem_core::event::{Change, Event, EventKind};
use tandem_core::ids::{ConversationId, UserId};
use tandem_core::model::{Conversation, Message};

pub use bus::{Bus, LocalBus};
pub use ephemeral::{Activity, Ephemeral};
pub use feed::{feed_position, Events, FeedPage, Replay, DEFAULT_FEED_PAGE, MAX_FEED_PAGE, MAX_REPLAY};
pub use relay::Relay;

/// One committed event with the records live clients show for it.
#[derive(Clone, Debug, Serialize)]
pub struct Committed {
    pub event: Event,
    /// For `message_created`: the message.
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

    /// Whether a customer of the event's conversation may see it: their conversation's messages
    /// (never internal notes) and changes of its status. The one place this rule lives.
    pub fn for_customer(&self, own: ConversationId) -> Option<CustomerView<'_>> {
        if self.conversation_id() != Some(own) {
            return None;
        }
        match self.event.kind {
            EventKind::MessageCreated => self
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
