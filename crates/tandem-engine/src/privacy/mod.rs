//! Customers' personal data: what they are told (the notice), finding a customer, exporting
//! everything stored about them, erasing them, and retention. Also the one redaction entry point
//! ([`redact`]) for every text that leaves the conversation: logs, training examples, drafts,
//! topics, summaries and previews, analysis exports, anything sent to an external model.
//!
//! Erasure reaches every copy: the store deletes the customer's conversations with their
//! messages, decisions, tags, triage, summary, events and article-draft cases in one transaction
//! and appends a tombstone per conversation (`conversation_erased`) and the audit entry; SQLite
//! zeroes what it deletes (`secure_delete`) and the write-ahead log is then truncated ([`tandem_store::Store::scrub`]);
//! live clients are told through the tombstones. Nothing else holds a customer's words: training
//! examples and pack revisions only ever receive redacted text, logs never carry message text, and
//! audit entries carry ids and reasons (redacted) only.

mod notice;
mod retention;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tandem_core::audit::{AuditAction, NewAuditEntry};
use tandem_core::decision::Decision;
use tandem_core::event::Event;
use tandem_core::ids::{ConversationId, CustomerId};
use tandem_core::model::{Conversation, Customer, Message};
use tandem_core::permission::Permission;
use tandem_core::validate::Email;
use tandem_core::{Error, ErrorCode};
use tandem_store::ConversationFilter;
use utoipa::ToSchema;

use crate::auth::Staff;
use crate::{Engine, Result};
pub use notice::PrivacyNotice;
pub use retention::RetentionRun;

/// Customers' personal data.
#[derive(Clone, Copy)]
pub struct Privacy<'e> {
    pub(crate) engine: &'e Engine,
}

/// `text` with personal data (names, e-mail addresses, phone numbers, postal addresses, card
/// numbers, IBANs) replaced by type tags such as `[EMAIL]`. The one entry point for redaction:
/// whatever leaves the conversation goes through it. Fails closed: if the detector cannot run,
/// nothing of the text is kept.
pub fn redact(text: &str) -> String {
    match tandem_nlu::pii::redact(text) {
        Ok(redaction) => redaction.text,
        Err(e) => {
            tracing::error!(error = %e, "the personal-data detector is unavailable; text withheld");
            "[REDACTED]".to_owned()
        }
    }
}

/// The words that show a signal, as they are kept with a decision: redacted and at most
/// [`MAX_EVIDENCE_CHARS`] characters (a cue never keeps a whole message).
pub fn evidence(text: &str) -> String {
    let redacted = redact(text);
    if redacted.chars().count() <= MAX_EVIDENCE_CHARS {
        return redacted;
    }
    let mut cut: String = redacted.chars().take(MAX_EVIDENCE_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// The longest evidence kept with a decision.
pub const MAX_EVIDENCE_CHARS: usize = 80;

/// Every string in a JSON value redacted (see [`redact`]), for records kept beyond the
/// conversation (a decision's slots, for example).
pub fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) => *text = redact(text),
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(redact_json),
        _ => {}
    }
}

/// Everything stored about one customer.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CustomerExport {
    pub customer: Customer,
    pub exported_at: DateTime<Utc>,
    pub conversations: Vec<ExportedConversation>,
}

/// One of the customer's conversations, whole.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ExportedConversation {
    #[serde(flatten)]
    pub conversation: Conversation,
    /// Every message, internal notes about the customer included.
    pub messages: Vec<Message>,
    /// The bot's decisions, with what it recognised.
    pub decisions: Vec<Decision>,
    /// The conversation's event log.
    pub events: Vec<Event>,
    /// Its root cause: the customer's words quoted as evidence, and the cause chosen.
    pub root_cause: Option<crate::insights::root_causes::RootCauseView>,
    /// The customer's rating of it (the comment redacted).
    pub rating: Option<crate::insights::csat::RatingView>,
}

/// Why a customer is erased.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ErasureInput {
    /// Recorded in the audit log (personal data in it is redacted). Required.
    pub reason: Option<String>,
}

/// What an erasure removed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ErasureReport {
    pub customer_id: CustomerId,
    pub conversations: Vec<ConversationId>,
    pub messages: u64,
    /// The audit entry that records it.
    pub audit_id: tandem_core::ids::AuditId,
}

/// The longest erasure reason kept.
const MAX_REASON_CHARS: usize = 500;

fn customer_id(text: &str) -> Result<CustomerId> {
    text.trim().parse()
}

impl Privacy<'_> {
    /// Customers with this e-mail address (exact, regardless of case); empty when none.
    pub async fn find(&self, staff: &Staff, email: Option<&str>) -> Result<Vec<Customer>> {
        staff.require(Permission::LookUpCustomers)?;
        let email = email.filter(|e| !e.trim().is_empty()).ok_or_else(|| {
            Error::invalid(
                ErrorCode::InvalidQuery,
                "give the customer's e-mail address as ?email=",
            )
        })?;
        let email = Email::parse(email)?;
        self.engine.store.find_customers(email.as_str()).await
    }

    /// Everything stored about the customer (admins only), recorded in the audit log.
    pub async fn export(&self, staff: &Staff, id: &str) -> Result<CustomerExport> {
        staff.require(Permission::ManageCustomerData)?;
        let id = customer_id(id)?;
        let store = &self.engine.store;
        let customer = store
            .get_customer(id)
            .await?
            .ok_or_else(|| Error::not_found("customer"))?;
        let mut conversations = Vec::new();
        for conversation in self.conversations_of(id).await? {
            conversations.push(ExportedConversation {
                messages: store.list_messages(conversation.id, true).await?,
                decisions: store.list_decisions(conversation.id).await?,
                events: store.list_events(conversation.id).await?,
                root_cause: (store.root_cause(conversation.id).await?).map(Into::into),
                rating: (store.rating(conversation.id).await?).map(Into::into),
                conversation,
            });
        }
        self.engine
            .audit()
            .record(
                staff.actor(),
                AuditAction::CustomerExported,
                format!("customer:{id}"),
                serde_json::json!({ "conversations": conversations.len() }),
            )
            .await?;
        Ok(CustomerExport {
            customer,
            exported_at: self.engine.now(),
            conversations,
        })
    }

    /// Erases the customer and all their conversations (admins only), with a reason, and records
    /// who did it and why in the audit log, in the same transaction.
    pub async fn erase(&self, staff: &Staff, id: &str, input: ErasureInput) -> Result<ErasureReport> {
        staff.require(Permission::ManageCustomerData)?;
        let reason = input
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .ok_or_else(|| Error::invalid(ErrorCode::ReasonRequired, "give a reason for the erasure"))?;
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(Error::invalid(
                ErrorCode::ReasonRequired,
                format!("the reason is longer than {MAX_REASON_CHARS} characters"),
            ));
        }
        let id = customer_id(id)?;
        let count = self.engine.store.count_customer_conversations(id).await?;
        let audit = NewAuditEntry::new(
            staff.actor(),
            AuditAction::CustomerErased,
            format!("customer:{id}"),
            serde_json::json!({ "reason": redact(reason), "conversations": count }),
        );
        let erased = self
            .engine
            .store
            .erase_customer(id, audit)
            .await?
            .ok_or_else(|| Error::not_found("customer"))?;
        self.after_erasure().await;
        tracing::info!(by = %staff.user().id, customer = %id, conversations = erased.conversations.len(), "customer erased");
        Ok(ErasureReport {
            customer_id: id,
            messages: erased.messages,
            audit_id: erased
                .audit
                .map(|a| a.id)
                .ok_or_else(|| Error::internal("the erasure was not audited"))?,
            conversations: erased.conversations,
        })
    }

    /// All of a customer's conversations, newest first.
    async fn conversations_of(&self, id: CustomerId) -> Result<Vec<Conversation>> {
        let mut filter = ConversationFilter {
            customer: Some(id),
            limit: 100,
            ..ConversationFilter::default()
        };
        let mut all = Vec::new();
        loop {
            let page = self.engine.store.list_conversations(&filter).await?;
            let got = page.conversations.len();
            all.extend(page.conversations);
            if got == 0 || i64::try_from(all.len()).unwrap_or(i64::MAX) >= page.total {
                return Ok(all);
            }
            filter.offset += filter.limit;
        }
    }

    /// After an erasure: the tombstones reach live clients, and no file keeps a copy.
    async fn after_erasure(&self) {
        self.engine.events().publish_committed().await;
        if let Err(e) = self.engine.store.scrub().await {
            tracing::error!(error = %e, "the database could not be scrubbed after an erasure");
        }
    }
}
