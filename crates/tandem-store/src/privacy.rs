//! What is stored about a customer, and its erasure. Erasing deletes the customer's conversations
//! with everything in them (messages, attachments, decisions, tags, triage, summary, their events,
//! their cases in article drafts and a draft left without one) and the customer, and leaves a
//! tombstone: a `conversation_erased` event per conversation and an audit entry, written in the
//! same transaction, which say who erased and why but hold nothing of the person. SQLite
//! overwrites what it deletes (`secure_delete`) and its write-ahead log is truncated after an
//! erasure, so no file keeps a copy.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_core::audit::{AuditEntry, NewAuditEntry};
use tandem_core::event::{Actor, Event};
use tandem_core::ids::{ConversationId, CustomerId};
use tandem_core::model::Customer;

use crate::Result;

/// What an erasure removed.
#[derive(Clone, Debug)]
pub struct Erased {
    pub conversations: Vec<ConversationId>,
    /// Customers removed with them (the erased one, or those left without conversations).
    pub customers: u64,
    pub messages: u64,
    /// The tombstones and the audit entry's event, for the relay.
    pub events: Vec<Event>,
    pub audit: Option<AuditEntry>,
}

#[async_trait]
pub trait PrivacyStore: Send + Sync {
    /// Customers with this e-mail address (compared without regard to case).
    async fn find_customers(&self, email: &str) -> Result<Vec<Customer>>;
    async fn get_customer(&self, id: CustomerId) -> Result<Option<Customer>>;
    /// Erases the customer and all their conversations, with the audit entry, in one transaction;
    /// `None` when there is no such customer.
    async fn erase_customer(&self, id: CustomerId, audit: NewAuditEntry) -> Result<Option<Erased>>;
    /// Resolved conversations whose last activity is before `before`, oldest first (at most `limit`).
    async fn expired_conversations(&self, before: DateTime<Utc>, limit: i64) -> Result<Vec<ConversationId>>;
    /// Erases these conversations (those that still exist) and the customers left without one, in
    /// one transaction; `reason` goes into each tombstone.
    async fn erase_conversations(&self, ids: &[ConversationId], actor: Actor, reason: &str)
        -> Result<Erased>;
}
