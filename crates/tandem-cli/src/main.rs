//! The `tandem` binary.

mod config;
mod packs;
mod serve;
mod signals;
mod triage;
mod users;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "tandem",
    version,
    about = "Tandem: customer service where software and people work in tandem"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server: the API, live events and the web UI.
    ///
    /// On an empty data directory it creates the database and the first admin (from
    /// TANDEM_ADMIN_EMAIL / TANDEM_ADMIN_PASSWORD, or with a generated password it prints once).
    /// Set TANDEM_DATABASE_URL=postgres://... to use PostgreSQL. Stops cleanly on SIGTERM / Ctrl-C.
    Serve(serve::ServeArgs),
    /// Create or update the database schema, then exit.
    Migrate(serve::StoreArgs),
    /// Check a content pack and import it: trains the intent model and makes the pack active.
    Import(packs::ImportArgs),
    /// Write the active content pack to a directory.
    Export(packs::ExportArgs),
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        command: users::UserCommand,
    },
    /// Train an intent model from labelled examples.
    Train(triage::TrainArgs),
    /// Evaluate an intent model on labelled examples.
    Eval(triage::EvalArgs),
    /// Conversation signals (frustration, wish for a person, urgency, abuse).
    Signals {
        #[command(subcommand)]
        command: signals::SignalsCommand,
    },
    /// Replace personal data in text read on stdin by type tags such as [EMAIL].
    Redact(signals::RedactArgs),
}

/// Logs go to stderr; `RUST_LOG` picks the level (default `info`).
pub(crate) fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => runtime().and_then(|rt| rt.block_on(serve::serve(args))),
        Command::Migrate(args) => runtime().and_then(|rt| rt.block_on(serve::migrate(args))),
        Command::Import(args) => runtime().and_then(|rt| rt.block_on(packs::import(args))),
        Command::Export(args) => runtime().and_then(|rt| rt.block_on(packs::export(args))),
        Command::User { command } => runtime().and_then(|rt| rt.block_on(users::run(command))),
        Command::Train(args) => triage::train(args),
        Command::Eval(args) => triage::eval(args),
        Command::Signals { command } => signals::run(command),
        Command::Redact(args) => signals::redact(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
