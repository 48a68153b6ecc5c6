//! Tandem's work. Handlers and the CLI call the engine's services; a service checks permissions,
//! validates input, writes through the store (whose transactions also write the change's events)
//! and has the relay publish what was committed.
#![warn(clippy::print_stdout)]

pub mod attachments;
pub mod audit;
pub mod auth;
pub mod coaching;
pub mod connectors;
pub mod content;
pub mod conversations;
pub mod events;
pub mod ingest;
mod input;
pub mod insights;
pub mod jobs;
pub mod knowledge;
mod limits;
pub mod pack;
pub mod pipeline;
pub mod privacy;
pub mod routing;
pub mod runtime;
pub mod staff;
pub mod supervision;

use std::sync::Arc;
use std::time::Duration;

pub use events::{Bus, Committed, LiveEvent, LocalBus};
pub use tandem_core::secret::Secret;
pub use tandem_core::{Error, Result};
pub use tandem_nlu::num;
use tandem_store::prelude::*;
pub use tandem_store::{ServingClaim, SqliteDurability, StoreConfig};

/// Settings the engine needs.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// How long a staff session lasts after login.
    pub session_ttl: Duration,
    /// Failed logins allowed per e-mail address or client address within `login_window`.
    pub login_max_failures: usize,
    pub login_window: Duration,
    /// Where business databases created from pack seeds live.
    pub data_dir: std::path::PathBuf,
    /// The secret the business's site signs customer e-mail addresses with (HMAC-SHA256).
    pub identity_secret: Option<Secret>,
    /// How many days a resolved conversation is kept (the privacy notice tells customers).
    pub retention_days: u32,
    /// What the widget may do per client and per conversation.
    pub widget_limits: conversations::WidgetLimits,
    /// How large and how many files customers and staff may send.
    pub attachment_limits: attachments::AttachmentLimits,
    /// How long after a conversation's latest message its customer token stops opening it.
    pub customer_token_ttl: Duration,
    /// How long after sending a staff member may still edit or delete their own reply or note
    /// (zero: never).
    pub message_edit_window: Duration,
    /// The sentence-embedding encoder of triage's semantic tier (DESIGN §5): its features join
    /// the fast tier's. `None`: the fast tier alone.
    pub semantic: Option<SemanticEncoder>,
    /// A learned layer over the soft-skill scorer's lexicon (optional; `tandem quality train`).
    pub quality_model: Option<Arc<tandem_nlu::quality::LearnedModel>>,
    /// An OpenAI-compatible model that words the practice customer's lines (optional).
    pub practice_voice: Option<coaching::practice::voice::VoiceConfig>,
}

/// A sentence-embedding encoder, loaded once by the process and shared by every training and
/// prediction.
#[derive(Clone)]
pub struct SemanticEncoder {
    pub encoder: Arc<dyn tandem_nlu::dense::DenseEncoder>,
    /// Where it was loaded from (recorded with models trained with it).
    pub source: String,
}

impl std::fmt::Debug for SemanticEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SemanticEncoder")
            .field("id", &self.encoder.id())
            .field("source", &self.source)
            .finish()
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            session_ttl: Duration::from_secs(12 * 3600),
            login_max_failures: 10,
            login_window: Duration::from_secs(10 * 60),
            data_dir: std::path::PathBuf::from("./tandem-data"),
            identity_secret: None,
            retention_days: 365,
            widget_limits: conversations::WidgetLimits::default(),
            attachment_limits: attachments::AttachmentLimits::default(),
            customer_token_ttl: Duration::from_secs(30 * 24 * 3600),
            message_edit_window: conversations::DEFAULT_EDIT_WINDOW,
            semantic: None,
            quality_model: None,
            practice_voice: None,
        }
    }
}

/// The engine: one per process, shared by all requests. A small handle: each area of work is a
/// service reached through it (`engine.conversations().start(..)`), in its own folder. Services
/// check permissions themselves, so the HTTP API and the CLI share every rule.
pub struct Engine {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) bus: Arc<dyn Bus>,
    pub(crate) config: EngineConfig,
    pub(crate) relay: events::Relay,
    pub(crate) guards: auth::LoginGuards,
    pub(crate) widget_guards: conversations::WidgetGuards,
    pub(crate) active: runtime::Active,
    /// Held while content is edited, so two edits of the pack never lose one another.
    pub(crate) content_lock: tokio::sync::Mutex<()>,
    /// The root-cause classifier with what people confirmed, rebuilt when that changes.
    pub(crate) root_cause_learned: insights::root_causes::Learned,
}

impl Engine {
    /// The engine over a migrated store. Live clients are sent the events committed from now on.
    pub async fn open(store: Arc<dyn Store>, bus: Arc<dyn Bus>, config: EngineConfig) -> Result<Self> {
        let relay = events::Relay::start(store.clone(), bus.clone()).await?;
        let guards = auth::LoginGuards::new(&config);
        let widget_guards = conversations::WidgetGuards::new(config.widget_limits);
        Ok(Self {
            store,
            bus,
            config,
            relay,
            guards,
            widget_guards,
            active: runtime::Active::default(),
            content_lock: tokio::sync::Mutex::new(()),
            root_cause_learned: insights::root_causes::Learned::default(),
        })
    }

    /// Opens (and migrates) the store the configuration names and the engine over it, with an
    /// in-process bus.
    pub async fn connect(store: &StoreConfig, config: EngineConfig) -> Result<Self> {
        let store = store.open().await?;
        Self::open(store, Arc::new(LocalBus::default()), config).await
    }

    /// Sessions, tokens and identity.
    pub fn auth(&self) -> auth::Auth<'_> {
        auth::Auth { engine: self }
    }

    /// Staff accounts and teams.
    pub fn staff(&self) -> staff::StaffAdmin<'_> {
        staff::StaffAdmin { engine: self }
    }

    /// Conversations from both sides: the widget and the inbox.
    pub fn conversations(&self) -> conversations::Conversations<'_> {
        conversations::Conversations {
            engine: self,
            client: None,
        }
    }

    /// One bot turn about a customer message.
    pub(crate) fn pipeline(&self) -> pipeline::Pipeline<'_> {
        pipeline::Pipeline { engine: self }
    }

    /// Assignment, take-next, availability and service levels.
    pub fn routing(&self) -> routing::Routing<'_> {
        routing::Routing { engine: self }
    }

    /// The active pack, model and knowledge index.
    pub fn runtime(&self) -> runtime::Runtime<'_> {
        runtime::Runtime { engine: self }
    }

    /// The model registry: candidates, the promotion gate, rollback.
    pub fn models(&self) -> supervision::models::Models<'_> {
        supervision::models::Models { engine: self }
    }

    pub fn reviews(&self) -> supervision::reviews::Reviews<'_> {
        supervision::reviews::Reviews { engine: self }
    }

    /// Article drafts from people's answers to questions the bot could not answer.
    pub fn drafts(&self) -> supervision::drafts::Drafts<'_> {
        supervision::drafts::Drafts { engine: self }
    }

    /// Editing the bot's content.
    pub fn coaching(&self) -> coaching::Coaching<'_> {
        coaching::Coaching { engine: self }
    }

    pub fn practice(&self) -> coaching::practice::Practice<'_> {
        coaching::practice::Practice { engine: self }
    }

    pub fn certifications(&self) -> coaching::certifications::Certifications<'_> {
        coaching::certifications::Certifications { engine: self }
    }

    pub fn content(&self) -> content::Content<'_> {
        content::Content {
            engine: self,
            expected: None,
        }
    }

    /// Numbers about automation, handoffs and queues.
    pub fn insights(&self) -> insights::Insights<'_> {
        insights::Insights { engine: self }
    }

    /// Customer profiles (health, value, offers) and the customers at risk.
    pub fn customers(&self) -> insights::profile::Customers<'_> {
        insights::profile::Customers { engine: self }
    }

    /// Customers' personal data: the privacy notice, lookup, export, erasure and retention.
    pub fn privacy(&self) -> privacy::Privacy<'_> {
        privacy::Privacy { engine: self }
    }

    /// The audit log.
    pub fn audit(&self) -> audit::Audit<'_> {
        audit::Audit { engine: self }
    }

    /// Committed events: the feed, replay and the relay to live clients.
    pub fn events(&self) -> events::Events<'_> {
        events::Events { engine: self }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn bus(&self) -> &Arc<dyn Bus> {
        &self.bus
    }

    /// The time now, from the one clock (the store's).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.store.clock().now()
    }

    /// Whether the database answers.
    pub async fn ready(&self) -> Result<()> {
        self.store.ping().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configuration_never_prints_the_identity_secret() {
        let config = EngineConfig {
            identity_secret: Some(Secret::new("s3cret-signing-key")),
            practice_voice: Some(coaching::practice::voice::VoiceConfig {
                url: "http://127.0.0.1:9/v1".into(),
                model: "m".into(),
                api_key: Some(Secret::new("voice-k3y")),
            }),
            ..EngineConfig::default()
        };
        let printed = format!("{config:?}");
        assert!(
            !printed.contains("s3cret") && !printed.contains("voice-k3y"),
            "{printed}"
        );
        assert!(printed.contains("<redacted>"), "{printed}");
    }
}
