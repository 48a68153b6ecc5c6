//! Retention: resolved conversations whose last activity is older than `retention_days` are erased
//! the same way a customer's erasure erases them (with their tombstones), and so are customers left
//! without a conversation. Run by the background job and by `tandem retention apply`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tandem_core::audit::AuditAction;
use tandem_core::event::Actor;

use super::Privacy;
use crate::Result;

/// How many conversations one transaction erases.
const BATCH: i64 = 200;

/// What a retention run did (or, dry, would do).
#[derive(Clone, Debug, Serialize)]
pub struct RetentionRun {
    /// Resolved conversations last active before this moment are (or would be) erased.
    pub cutoff: DateTime<Utc>,
    pub conversations: u64,
    pub customers: u64,
    pub dry_run: bool,
}

impl Privacy<'_> {
    /// Erases the resolved conversations last active more than `retention_days` before `as_of`
    /// (with `dry_run`, only counts them). Recorded in the audit log when anything was erased.
    pub async fn apply_retention(&self, as_of: DateTime<Utc>, dry_run: bool) -> Result<RetentionRun> {
        let days = self.engine.config.retention_days;
        let cutoff = as_of - chrono::Duration::days(i64::from(days));
        let store = &self.engine.store;
        let mut run = RetentionRun {
            cutoff,
            conversations: 0,
            customers: 0,
            dry_run,
        };
        if dry_run {
            let expired = store.expired_conversations(cutoff, i64::MAX).await?;
            run.conversations = u64::try_from(expired.len()).unwrap_or(u64::MAX);
            return Ok(run);
        }
        loop {
            let expired = store.expired_conversations(cutoff, BATCH).await?;
            if expired.is_empty() {
                break;
            }
            let erased = store
                .erase_conversations(&expired, Actor::System, "retention")
                .await?;
            if erased.conversations.is_empty() {
                break; // erased meanwhile by someone else: nothing left to do here
            }
            run.conversations += u64::try_from(erased.conversations.len()).unwrap_or(u64::MAX);
            run.customers += erased.customers;
        }
        if run.conversations > 0 {
            self.engine
                .audit()
                .record(
                    Actor::System,
                    AuditAction::RetentionApplied,
                    "conversations",
                    serde_json::json!({
                        "conversations": run.conversations,
                        "customers": run.customers,
                        "retention_days": days,
                        "last_active_before": cutoff,
                    }),
                )
                .await?;
            self.after_erasure().await;
            tracing::info!(
                conversations = run.conversations,
                retention_days = days,
                "retention applied"
            );
        }
        Ok(run)
    }
}
