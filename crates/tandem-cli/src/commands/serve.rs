//! `tandem serve`: the API, live events and the web UI, until SIGTERM or Ctrl-C.

use anyhow::Context;
use clap::Args;
use tandem_engine::staff::Bootstrap;
use tandem_server::{AppConfig, Application, InitialPack};

use crate::demo::demo_pack;
use crate::logging::init_logging;
use crate::open::{engine_config, load_config, store_config, triage_tier, StoreArgs};

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Address to listen on, HOST:PORT [env: TANDEM_ADDR] [default: 127.0.0.1:8080].
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: Option<String>,
}

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let config = load_config(&args.store, args.addr)?;
    init_logging(&config.log_format);
    // Every connection and socket is a file: take the hard limit the system allows, so the
    // connection limits, not the default 1,024 files, decide how many clients are served.
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(files) => tracing::debug!(files, "open-file limit"),
        Err(e) => tracing::warn!(error = %e, "the open-file limit could not be raised"),
    }
    // Memory freed after a burst (a socket flood closing) is purged back to the system by
    // jemalloc's background thread instead of waiting for the next allocations.
    #[cfg(feature = "jemalloc")]
    if let Err(e) = tikv_jemalloc_ctl::background_thread::write(true) {
        tracing::warn!(error = %e, "jemalloc's background purging could not be started");
    }
    let engine = engine_config(&config)?;
    let tier = triage_tier(&engine);
    tracing::info!(target: "tandem::serve", "triage: {tier}");
    let data_dir = config.engine.data_dir.clone();
    let initial_pack = InitialPack::new(move || demo_pack(&data_dir).map_err(|e| format!("{e:#}")));
    let application = Application::build(AppConfig {
        addr: config.addr,
        store: store_config(&config),
        engine,
        server: config.server.clone(),
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
    println!("  triage: {tier}");
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
    // The log target of this line was `tandem::serve` before the commands moved; kept for log filters.
    tracing::info!(target: "tandem::serve", "shutting down");
}
