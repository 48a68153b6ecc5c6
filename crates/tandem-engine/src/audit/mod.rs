//! The audit log: what staff and Tandem itself did (accounts, content, exports, erasures,
//! retention, refused logins). Append-only; every entry is also an `audit_recorded` event of the
//! feed. Entries never hold a customer's personal data: details are chosen by the service that
//! records them, and free text in them (a reason) goes through [`crate::privacy::redact`].

use tandem_core::audit::{AuditAction, AuditEntry, NewAuditEntry};
use tandem_core::event::Actor;
use tandem_core::ids::AuditId;
use tandem_core::permission::Permission;
use tandem_core::{Error, ErrorCode};

use crate::auth::Staff;
use crate::{Engine, Result};

/// The audit log.
#[derive(Clone, Copy)]
pub struct Audit<'e> {
    pub(crate) engine: &'e Engine,
}

/// How many entries one read returns at most, and by default.
pub const MAX_AUDIT_PAGE: i64 = 500;
pub const DEFAULT_AUDIT_PAGE: i64 = 100;

impl Audit<'_> {
    /// Records an action. An entry that cannot be written is an error of the action: an audited
    /// action must not happen unrecorded (callers record before they answer).
    pub(crate) async fn record(
        &self,
        actor: Actor,
        action: AuditAction,
        target: impl Into<String>,
        details: serde_json::Value,
    ) -> Result<AuditEntry> {
        let (entry, _) = self
            .engine
            .store
            .append_audit(NewAuditEntry::new(actor, action, target, details))
            .await?;
        self.engine.events().publish_committed().await;
        Ok(entry)
    }

    /// The newest entries first, `limit` (text, 1 to 500, default 100) at most; with `before` (an
    /// entry id), the ones older than it.
    pub async fn list(
        &self,
        staff: &Staff,
        limit: Option<&str>,
        before: Option<&str>,
    ) -> Result<Vec<AuditEntry>> {
        staff.require(Permission::ReadAuditLog)?;
        let limit = crate::input::page_limit(limit, DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE)?;
        let before = before
            .map(|b| {
                b.trim().parse::<AuditId>().map_err(|_| {
                    Error::invalid(ErrorCode::InvalidQuery, "before must be the id of an audit entry")
                })
            })
            .transpose()?;
        self.engine.store.list_audit(limit, before).await
    }
}
