//! Tandem's work. Handlers and the CLI call the engine; the engine checks permissions, validates
//! input, writes through the store and publishes committed events on the bus.

pub mod auth;
pub mod bot;
pub mod connectors;
pub mod content;
pub mod conversations;
pub mod events;
pub mod insights;
pub mod jobs;
pub mod knowledge;
pub mod pack;
mod routing;
pub mod staff;
mod throttle;

use std::sync::Arc;
use std::time::Duration;

pub use events::{Bus, Committed, LiveEvent, LocalBus};
pub use tandem_core::{Error, Result};
use tandem_store::prelude::*;

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
    pub identity_secret: Option<String>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            session_ttl: Duration::from_secs(12 * 3600),
            login_max_failures: 10,
            login_window: Duration::from_secs(10 * 60),
            data_dir: std::path::PathBuf::from("./tandem-data"),
            identity_secret: None,
        }
    }
}

/// The engine: one per process, shared by all requests.
pub struct Engine {
    store: Arc<dyn Store>,
    bus: Arc<dyn Bus>,
    config: EngineConfig,
    login_throttle: throttle::Throttle,
    client_throttle: throttle::Throttle,
    relay: events::Relay,
    bot: std::sync::RwLock<Option<Arc<bot::BotRuntime>>>,
    /// Held while content is edited, so two edits of the pack never lose one another.
    content_lock: tokio::sync::Mutex<()>,
}

impl Engine {
    /// The engine over a migrated store. Live clients are sent the events committed from now on.
    pub async fn open(store: Arc<dyn Store>, bus: Arc<dyn Bus>, config: EngineConfig) -> Result<Self> {
        let relay = events::Relay::start(store.clone(), bus.clone()).await?;
        let login_throttle = throttle::Throttle::new(config.login_max_failures, config.login_window);
        // Many people may share one address (an office): it gets more room than one account.
        let client_throttle = throttle::Throttle::new(config.login_max_failures * 5, config.login_window);
        Ok(Self {
            store,
            bus,
            config,
            login_throttle,
            client_throttle,
            relay,
            bot: std::sync::RwLock::new(None),
            content_lock: tokio::sync::Mutex::new(()),
        })
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn bus(&self) -> &Arc<dyn Bus> {
        &self.bus
    }

    /// Whether the database answers.
    pub async fn ready(&self) -> Result<()> {
        self.store.ping().await
    }
}
