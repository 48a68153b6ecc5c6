//! The audit log: append-only (the database refuses to change or delete an entry). Each entry is
//! also an `audit_recorded` event, written in the same transaction, so the event feed carries it.

use async_trait::async_trait;
use tandem_core::audit::{AuditEntry, NewAuditEntry};
use tandem_core::event::Event;

use crate::Result;

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends an entry and its `audit_recorded` event, in one transaction.
    async fn append_audit(&self, entry: NewAuditEntry) -> Result<(AuditEntry, Event)>;
    /// At most `limit` entries, newest first; with `before`, only entries older than that one.
    async fn list_audit(
        &self,
        limit: i64,
        before: Option<tandem_core::ids::AuditId>,
    ) -> Result<Vec<AuditEntry>>;
}
