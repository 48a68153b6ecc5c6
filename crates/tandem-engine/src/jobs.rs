//! Background work, in one place: the service-level check and the outbox relay's catch-up (events
//! that another instance committed to a shared database, or that a flush after a write could not
//! publish).

use std::sync::Arc;
use std::time::Duration;

use crate::Engine;

/// How often the relay looks for events it has not published yet.
pub const RELAY_EVERY: Duration = Duration::from_secs(1);
/// How often missed service-level targets are recorded.
pub const SLA_EVERY: Duration = Duration::from_secs(30);

/// Runs the background jobs until the task is dropped or aborted.
pub async fn run(engine: Arc<Engine>) {
    let mut relay = tokio::time::interval(RELAY_EVERY);
    let mut sla = tokio::time::interval(SLA_EVERY);
    relay.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    sla.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = relay.tick() => engine.events().publish_committed().await,
            _ = sla.tick() => {
                if let Err(e) = engine.routing().check_sla().await {
                    tracing::error!(error = %e, "the service-level check failed");
                }
            }
        }
    }
}
