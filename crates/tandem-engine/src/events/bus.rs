//! The live bus. The relay publishes committed events on it in `seq` order; WebSocket connections
//! subscribe. [`LocalBus`] serves one process; instances that share PostgreSQL each relay the
//! shared outbox (a NATS bus can later forward between them instead).

use tokio::sync::broadcast;

use super::LiveEvent;

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
