//! Live events. The engine publishes an event only after the change is committed; WebSocket
//! connections subscribe. [`LocalBus`] serves one process; a multi-instance deployment plugs a
//! bus that also forwards between instances.

use serde::Serialize;
use tandem_core::ids::{ConversationId, UserId};
use tandem_core::model::{Conversation, Message};
use tokio::sync::broadcast;

/// What live clients are told.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    /// A message was added (internal notes reach staff only).
    MessageCreated {
        conversation_id: ConversationId,
        message: Message,
    },
    /// A conversation was created or changed (status, assignee, tags...).
    ConversationUpdated { conversation: Conversation },
    /// A staff member's sessions may have ended (logout, deactivation, new password): their open
    /// sockets check their session again. Never sent to clients.
    StaffSessionsChanged { user_id: UserId },
}

impl LiveEvent {
    /// The conversation the event is about, if any.
    pub fn conversation_id(&self) -> Option<ConversationId> {
        match self {
            Self::MessageCreated { conversation_id, .. } => Some(*conversation_id),
            Self::ConversationUpdated { conversation } => Some(conversation.id),
            Self::StaffSessionsChanged { .. } => None,
        }
    }
}

pub trait Bus: Send + Sync + 'static {
    /// Sends a committed event to every subscriber (none is fine).
    fn publish(&self, event: LiveEvent);
    /// A receiver of every event published from now on. A slow receiver that falls more than the
    /// bus's capacity behind gets `Lagged` and should reload what it shows.
    fn subscribe(&self) -> broadcast::Receiver<LiveEvent>;
}

/// An in-process bus.
pub struct LocalBus {
    sender: broadcast::Sender<LiveEvent>,
}

impl LocalBus {
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity.max(1));
        Self { sender }
    }
}

impl Default for LocalBus {
    fn default() -> Self {
        Self::new(1024)
    }
}

impl Bus for LocalBus {
    fn publish(&self, event: LiveEvent) {
        // No subscriber is not an error.
        let _ = self.sender.send(event);
    }

    fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.sender.subscribe()
    }
}
