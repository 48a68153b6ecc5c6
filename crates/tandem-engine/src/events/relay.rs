//! The outbox relay: publishes committed events on the bus, in `seq` order, each exactly once per
//! process. The engine flushes it after each of its own writes (so live clients see a change at
//! once), and a background job flushes it every second (so events that another instance committed
//! to a shared database reach this instance's clients too).

use std::collections::HashMap;
use std::sync::Arc;

use tandem_core::event::{Event, EventKind};
use tandem_core::ids::ConversationId;
use tandem_core::model::Conversation;
use tandem_store::prelude::*;
use tokio::sync::Mutex;

use super::{Bus, Committed, LiveEvent};
use crate::Result;

/// How many events one read of the outbox takes.
const BATCH: i64 = 500;

pub struct Relay {
    store: Arc<dyn Store>,
    bus: Arc<dyn Bus>,
    /// The `seq` of the last event published; held while publishing, so batches never interleave.
    position: Mutex<i64>,
}

impl Relay {
    /// A relay that publishes the events committed from now on.
    pub async fn start(store: Arc<dyn Store>, bus: Arc<dyn Bus>) -> Result<Self> {
        let position = store.last_seq().await?;
        Ok(Self {
            store,
            bus,
            position: Mutex::new(position),
        })
    }

    /// Publishes every event committed since the last flush; returns how many.
    pub async fn flush(&self) -> Result<usize> {
        let mut position = self.position.lock().await;
        let mut published = 0;
        loop {
            let events = self.store.events_after(*position, BATCH).await?;
            let Some(last) = events.last().map(|e| e.seq) else {
                return Ok(published);
            };
            for committed in join(self.store.as_ref(), events).await? {
                self.bus.publish(LiveEvent::Committed(Arc::new(committed)));
                published += 1;
            }
            *position = last;
        }
    }

    /// Flushes, logging a failure instead of returning it: the change is committed already, and the
    /// next flush publishes what this one could not.
    pub async fn flush_quietly(&self) {
        if let Err(e) = self.flush().await {
            tracing::warn!(error = %e, "committed events could not be published yet");
        }
    }
}

/// Joins each event with the records live clients show for it: the message (as it is now, so a
/// deleted text never comes back) of `message_created` and `message_updated`,
/// the conversation (as it is now, read once per batch) of events that change one.
pub async fn join(store: &dyn Store, events: Vec<Event>) -> Result<Vec<Committed>> {
    let mut conversations: HashMap<ConversationId, Option<Conversation>> = HashMap::new();
    let mut joined = Vec::with_capacity(events.len());
    for event in events {
        let message = match (event.kind, event.data.get("message_id").and_then(|v| v.as_str())) {
            (EventKind::MessageCreated | EventKind::MessageUpdated, Some(id)) => match id.parse() {
                Ok(id) => store.get_message(id).await?,
                Err(_) => None,
            },
            _ => None,
        };
        let conversation = match event.conversation_id {
            Some(id) if event.kind.changes_conversation() => match conversations.get(&id) {
                Some(known) => known.clone(),
                None => {
                    let read = store.get_conversation(id).await?;
                    conversations.insert(id, read.clone());
                    read
                }
            },
            _ => None,
        };
        joined.push(Committed {
            event,
            message,
            conversation,
        });
    }
    Ok(joined)
}
