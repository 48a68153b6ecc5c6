//! Background work, in one place: the service-level check, retention, the outbox relay's catch-up (events
//! that another instance committed to a shared database, or that a flush after a write could not
//! publish), following content changes (another instance's edit makes this one load the new
//! revision), article drafts from the conversations people resolved (at once when this
//! instance publishes a resolution, and every [`DRAFTS_EVERY`] for the rest), and the soft-skill
//! scores of agents' replies (at once, and every [`SCORING_EVERY`] for the rest), and the root-cause
//! owners' daily digests.

use std::sync::Arc;
use std::time::Duration;

use tandem_core::event::EventKind;
use tokio::sync::broadcast::error::RecvError;

use crate::coaching::scoring::concerns_a_reply;
use crate::supervision::drafts::resolves;
use crate::{Engine, LiveEvent};

/// Loads the revision a `content_changed` event names, unless this instance serves it already.
async fn follow(engine: &Engine, data: &serde_json::Value) {
    let Some(revision) = data.get("revision").and_then(|r| r.as_str()) else {
        return;
    };
    let model = data.get("model").and_then(|m| m.as_str());
    match engine.runtime().follow(revision, model).await {
        Ok(true) => tracing::info!(revision, "loaded content changed by another instance"),
        Ok(false) => {}
        Err(e) => tracing::error!(error = %e, revision, "the changed content could not be loaded"),
    }
}

/// How often the relay looks for events it has not published yet.
pub const RELAY_EVERY: Duration = Duration::from_secs(1);
/// How often missed service-level targets are recorded.
pub const SLA_EVERY: Duration = Duration::from_secs(30);
/// How often resolved conversations past the retention period are erased (also at start).
pub const RETENTION_EVERY: Duration = Duration::from_secs(3600);
/// How often the drafts worker looks for resolved conversations it has not considered (also at
/// start): those another instance resolved, or whose event this one missed.
pub const DRAFTS_EVERY: Duration = Duration::from_secs(5);

/// How often the scoring worker looks for agent replies it has not scored (also at start): those
/// another instance stored, or whose event this one missed.
pub const SCORING_EVERY: Duration = Duration::from_secs(5);

/// How often the root-cause digests of the day before are looked for (each day's are produced
/// once, by whichever instance is first).
pub const DIGESTS_EVERY: Duration = Duration::from_secs(3600);

/// Produces yesterday's root-cause digests, once.
async fn digests(engine: &Engine) {
    match engine.root_cause_digests().await {
        Ok(0) => {}
        Ok(owners) => tracing::info!(owners, "root-cause digests produced"),
        Err(e) => tracing::error!(error = %e, "root-cause digests could not be produced"),
    }
}

/// Scores the agent replies written since the scoring worker's cursor.
async fn score_replies(engine: &Engine) {
    match engine.coaching().catch_up().await {
        Ok(0) => {}
        Ok(scored) => tracing::debug!(scored, "agent replies scored"),
        Err(e) => tracing::error!(error = %e, "agent replies could not be scored"),
    }
}

/// Considers the conversations resolved since the drafts worker's cursor.
async fn drafts(engine: &Engine) {
    match engine.drafts().catch_up().await {
        Ok(0) => {}
        Ok(added) => tracing::info!(added, "conversations added to article drafts"),
        Err(e) => tracing::error!(error = %e, "article drafts could not be updated"),
    }
}

/// Runs the background jobs until the task is dropped or aborted.
pub async fn run(engine: Arc<Engine>) {
    let mut events = engine.bus().subscribe();
    let mut relay = tokio::time::interval(RELAY_EVERY);
    let mut sla = tokio::time::interval(SLA_EVERY);
    let mut retention = tokio::time::interval(RETENTION_EVERY);
    let mut draft_timer = tokio::time::interval(DRAFTS_EVERY);
    let mut scoring = tokio::time::interval(SCORING_EVERY);
    let mut digest_timer = tokio::time::interval(DIGESTS_EVERY);
    for timer in [
        &mut relay,
        &mut sla,
        &mut retention,
        &mut draft_timer,
        &mut scoring,
        &mut digest_timer,
    ] {
        timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    }
    loop {
        tokio::select! {
            _ = relay.tick() => engine.events().publish_committed().await,
            _ = sla.tick() => {
                if let Err(e) = engine.routing().check_sla().await {
                    tracing::error!(error = %e, "the service-level check failed");
                }
            }
            _ = retention.tick() => {
                if let Err(e) = engine.privacy().apply_retention(engine.now(), false).await {
                    tracing::error!(error = %e, "retention could not be applied");
                }
            }
            _ = draft_timer.tick() => drafts(&engine).await,
            _ = scoring.tick() => score_replies(&engine).await,
            _ = digest_timer.tick() => digests(&engine).await,
            received = events.recv() => match received {
                Ok(LiveEvent::Committed(committed)) if committed.event.kind == EventKind::ContentChanged => {
                    follow(&engine, &committed.event.data).await;
                }
                Ok(LiveEvent::Committed(committed)) if resolves(&committed.event) => drafts(&engine).await,
                Ok(LiveEvent::Committed(committed)) if concerns_a_reply(&committed.event) => {
                    score_replies(&engine).await;
                }
                Ok(_) => {}
                // Fell behind: whatever changed, the stored active revision is the truth.
                Err(RecvError::Lagged(_)) => match engine.runtime().follow_stored().await {
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "the active content could not be loaded"),
                },
                Err(RecvError::Closed) => return,
            },
        }
    }
}
