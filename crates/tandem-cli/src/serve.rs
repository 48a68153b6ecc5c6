//! `tandem serve` and `tandem migrate`, and opening the engine for the other commands.

use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use tandem_engine::staff::Bootstrap;
use tandem_engine::{Engine, EngineConfig, Secret, StoreConfig};
use tandem_server::{AppConfig, Application, InitialPack};

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

fn store_config(config: &Config) -> StoreConfig {
    StoreConfig {
        url: Secret::new(config.store_url()),
        sqlite_durability: config.sqlite_durability,
    }
}

fn engine_config(config: &Config) -> EngineConfig {
    EngineConfig {
        session_ttl: config.session_ttl,
        data_dir: config.data_dir.clone(),
        identity_secret: config.identity_secret.clone(),
        ..EngineConfig::default()
    }
}

/// Opens (and migrates) the database and builds the engine.
pub async fn open_engine(config: &Config) -> anyhow::Result<Arc<Engine>> {
    Ok(Arc::new(
        Engine::connect(&store_config(config), engine_config(config)).await?,
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
    let data_dir = config.data_dir.clone();
    let initial_pack =
        InitialPack::new(move || crate::packs::demo_pack(&data_dir).map_err(|e| format!("{e:#}")));
    let application = Application::build(AppConfig {
        addr: config.addr,
        store: store_config(&config),
        engine: engine_config(&config),
        server: tandem_server::ServerConfig {
            body_limit: config.body_limit_bytes,
            widget_key: config.widget_key.clone(),
            widget_origins: config.widget_origins.clone(),
        },
        admin_email: config.admin_email.clone(),
        admin_password: config.admin_password.clone(),
        initial_pack: Some(initial_pack),
    })
    .await?;
    match &application.bootstrap {
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
    if let Some(imported) = &application.imported {
        println!(
            "Imported the demo pack (Acme Outfitters): {} intents, {} articles.",
            imported.intents, imported.articles
        );
    }
    let addr = application
        .local_addr()
        .context("cannot read the listening address")?;
    println!("Tandem is running at http://{addr}/");
    println!("  agent inbox and admin: http://{addr}/app/inbox");
    println!("  demo shop with the chat widget: http://{addr}/demo");
    println!("  API explorer: http://{addr}/api/v1/docs/");
    application
        .run_until(shutdown_signal())
        .await
        .context("the server stopped")?;
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
