//! `tandem serve` and `tandem migrate`, and opening the engine for the other commands.

use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use tandem_engine::staff::Bootstrap;
use tandem_engine::{Engine, EngineConfig, LocalBus};

use crate::config::{Config, Overrides};

/// Where the data lives; shared by the commands that open the database.
#[derive(Debug, Args, Clone)]
pub struct StoreArgs {
    /// Data directory holding the embedded SQLite database [env: TANDEM_DATA_DIR] [default: ./tandem-data].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<std::path::PathBuf>,
    /// Configuration file [env: TANDEM_CONFIG] [default: ./tandem.toml when it exists].
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Address to listen on, HOST:PORT [env: TANDEM_ADDR] [default: 127.0.0.1:8080].
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: Option<String>,
}

pub fn load_config(store: &StoreArgs, addr: Option<String>) -> anyhow::Result<Config> {
    let overrides = Overrides {
        config_file: store.config.clone(),
        data_dir: store.data_dir.clone(),
        addr,
    };
    Config::load(&overrides, &|key| std::env::var(key).ok())
}

/// Opens (and migrates) the database and builds the engine.
pub async fn open_engine(config: &Config) -> anyhow::Result<Arc<Engine>> {
    if !config.uses_postgres() {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("cannot create the data directory {}", config.data_dir.display()))?;
    }
    let store = tandem_store::open(&config.store_url(), config.sqlite_durability).await?;
    store.migrate().await?;
    let engine_config = EngineConfig {
        session_ttl: config.session_ttl,
        data_dir: config.data_dir.clone(),
        identity_secret: config.identity_secret.as_ref().map(|s| s.expose().to_owned()),
        ..EngineConfig::default()
    };
    Ok(Arc::new(
        Engine::open(store, Arc::new(LocalBus::default()), engine_config).await?,
    ))
}

pub async fn migrate(args: StoreArgs) -> anyhow::Result<()> {
    let config = load_config(&args, None)?;
    open_engine(&config).await?;
    println!(
        "The database is migrated ({}).",
        if config.uses_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    Ok(())
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let config = load_config(&args.store, args.addr)?;
    crate::init_logging(&config.log_format);
    let engine = open_engine(&config).await?;
    let password = config.admin_password.as_ref().map(|p| p.expose());
    match engine.bootstrap_admin(&config.admin_email, password).await? {
        Bootstrap::AlreadyDone => {}
        Bootstrap::Created {
            email,
            generated_password: Some(password),
        } => {
            println!("Created the first admin {email} with the password {password}");
            println!("Write it down now: it is not shown again (change it with `tandem user set-password`).");
        }
        Bootstrap::Created {
            email,
            generated_password: None,
        } => {
            println!("Created the first admin {email} with the password from TANDEM_ADMIN_PASSWORD.");
        }
    }
    crate::packs::ensure_pack(&engine, &config.data_dir).await?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    let addr = listener
        .local_addr()
        .context("cannot read the listening address")?;
    println!("Tandem is running at http://{addr}/");
    println!("  agent inbox and admin: http://{addr}/app/inbox");
    println!("  demo shop with the chat widget: http://{addr}/demo");
    println!("  API explorer: http://{addr}/api/v1/docs/");
    let jobs = tokio::spawn(tandem_engine::jobs::run(engine.clone()));
    let server_config = tandem_server::ServerConfig {
        body_limit: config.body_limit_bytes,
        widget_key: config.widget_key.clone(),
        widget_origins: config.widget_origins.clone(),
    };
    tandem_server::serve(listener, engine, server_config, shutdown_signal())
        .await
        .context("the server stopped")?;
    jobs.abort();
    println!("Tandem stopped.");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
