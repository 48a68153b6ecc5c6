//! The `tandem` binary.

mod signals;
mod triage;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "tandem", version, about = "Tandem: customer service where software and people work in tandem")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
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

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
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
