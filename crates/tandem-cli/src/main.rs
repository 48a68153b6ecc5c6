//! The `tandem` binary: the command line and its dispatch. Each subcommand lives in its own module
//! under `commands/`; what they share for opening the store and the engine is in `open`.

mod commands;
mod config;
mod demo;
mod logging;
mod open;

use clap::{Parser, Subcommand};

use commands::{
    causes, eval, export, import, migrate, models, quality, redact, retention, serve, signals, topics, train,
    user,
};

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
    Migrate(open::StoreArgs),
    /// Check a content pack and import it: trains the intent model and makes the pack active.
    Import(import::ImportArgs),
    /// Write the active content pack to a directory.
    Export(export::ExportArgs),
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        command: user::UserCommand,
    },
    /// The model registry: list, train a candidate, promote it through the gate, roll back,
    /// replay recent messages with a model.
    Models {
        #[command(subcommand)]
        command: models::ModelsCommand,
    },
    /// Train an intent model from labelled examples.
    Train(train::TrainArgs),
    /// Evaluate an intent model on labelled examples.
    Eval(eval::EvalArgs),
    /// Conversation signals (frustration, wish for a person, urgency, abuse).
    Signals {
        #[command(subcommand)]
        command: signals::SignalsCommand,
    },
    /// Soft-skill scores of agent replies (empathy, understanding, exploration, ...).
    Quality {
        #[command(subcommand)]
        command: quality::QualityCommand,
    },
    /// Emerging topics: cluster the messages of a CSV's `text` column into labelled topics;
    /// `tandem topics eval` measures the clustering on labelled messages.
    Topics(topics::TopicsArgs),
    /// Root-cause suggestions (documentation, product promise, sales advice, technical defect,
    /// process, other) with the customer's words as evidence.
    Causes {
        #[command(subcommand)]
        command: causes::CausesCommand,
    },
    /// Replace personal data in text read on stdin by type tags such as [EMAIL].
    Redact(redact::RedactArgs),
    /// Erase what is older than the retention period.
    Retention {
        #[command(subcommand)]
        command: retention::RetentionCommand,
    },
}

/// See the `jemalloc` feature in Cargo.toml.
#[cfg(feature = "jemalloc")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => runtime().and_then(|rt| rt.block_on(serve::run(args))),
        Command::Migrate(args) => runtime().and_then(|rt| rt.block_on(migrate::run(args))),
        Command::Import(args) => runtime().and_then(|rt| rt.block_on(import::run(args))),
        Command::Export(args) => runtime().and_then(|rt| rt.block_on(export::run(args))),
        Command::User { command } => runtime().and_then(|rt| rt.block_on(user::run(command))),
        Command::Models { command } => runtime().and_then(|rt| rt.block_on(models::run(command))),
        Command::Train(args) => train::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Signals { command } => signals::run(command),
        Command::Quality { command } => quality::run(command),
        Command::Topics(args) => topics::run(args),
        Command::Causes { command } => causes::run(command),
        Command::Redact(args) => redact::run(args),
        Command::Retention { command } => runtime().and_then(|rt| rt.block_on(retention::run(command))),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
