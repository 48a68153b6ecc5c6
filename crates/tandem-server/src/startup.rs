//! The composition root of a running Tandem: [`Application::build`] opens the store, builds the
//! engine, makes sure there is a first admin and an active content pack, and binds the listener;
//! [`Application::run_until`] serves the API, live events and UI with the background jobs until
//! shutdown. `tandem serve` and the tests' `spawn_app` run this same application.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tandem_core::secret::Secret;
use tandem_engine::pack::Pack;
use tandem_engine::runtime::Imported;
use tandem_engine::staff::Bootstrap;
use tandem_engine::{Engine, EngineConfig, StoreConfig};
use tokio::net::TcpListener;

use crate::ServerConfig;

/// Everything a running Tandem is built from.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// Where to listen (port 0: any free port).
    pub addr: SocketAddr,
    pub store: StoreConfig,
    pub engine: EngineConfig,
    pub server: ServerConfig,
    /// The first admin, created on an empty database (with a generated password when none).
    pub admin_email: String,
    pub admin_password: Option<Secret>,
    /// The pack installed when the database has none yet (the demo pack for `tandem serve`).
    pub initial_pack: Option<InitialPack>,
}

/// Where the initial pack comes from; read only when the database has no pack yet.
#[derive(Clone)]
pub struct InitialPack(Arc<dyn Fn() -> Result<Pack, String> + Send + Sync>);

impl InitialPack {
    pub fn new(load: impl Fn() -> Result<Pack, String> + Send + Sync + 'static) -> Self {
        Self(Arc::new(load))
    }

    /// A pack already in memory.
    pub fn ready(pack: Pack) -> Self {
        Self::new(move || Ok(pack.clone()))
    }
}

impl std::fmt::Debug for InitialPack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InitialPack")
    }
}

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Engine(#[from] tandem_core::Error),
    #[error("cannot read the initial content pack: {0}")]
    InitialPack(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A built application, ready to serve.
pub struct Application {
    engine: Arc<Engine>,
    /// Held while the application lives: no second server on the same SQLite file.
    _claim: tandem_engine::ServingClaim,
    listener: TcpListener,
    server: ServerConfig,
    /// What the first-start check did (the CLI prints a generated password once).
    pub bootstrap: Bootstrap,
    /// The initial pack, when it was installed by this start.
    pub imported: Option<Imported>,
}

impl Application {
    pub async fn build(config: AppConfig) -> Result<Self, StartupError> {
        let claim = config.store.claim_for_serving()?;
        let engine = Arc::new(Engine::connect(&config.store, config.engine).await?);
        let password = config.admin_password.as_ref().map(Secret::expose);
        let bootstrap = engine
            .staff()
            .bootstrap_admin(&config.admin_email, password)
            .await?;
        let imported = if engine.runtime().load_active().await? {
            // A database from before content history: the pack's text becomes version 1.
            engine.content().record_pack_history().await?;
            None
        } else {
            match config.initial_pack {
                Some(initial) => {
                    let pack = (initial.0)().map_err(StartupError::InitialPack)?;
                    Some(engine.runtime().import_pack(pack).await?)
                }
                None => None,
            }
        };
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|source| StartupError::Listen {
                addr: config.addr,
                source,
            })?;
        Ok(Self {
            engine,
            _claim: claim,
            listener,
            server: config.server,
            bootstrap,
            imported,
        })
    }

    /// The address it listens on (the real port when port 0 was asked for).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Serves with the background jobs until `shutdown` resolves, then lets requests in flight
    /// finish and stops the jobs.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let jobs = tokio::spawn(tandem_engine::jobs::run(self.engine.clone()));
        let served = crate::serve(self.listener, self.engine, self.server, shutdown).await;
        jobs.abort();
        served
    }
}
