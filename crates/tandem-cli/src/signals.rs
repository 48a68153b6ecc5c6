//! `tandem signals eval` and `tandem redact`.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum SignalsCommand {
    /// Measure the frustration score on labelled turns (CSV `context,text,label`).
    Eval(SignalsEvalArgs),
}

#[derive(Debug, Args)]
pub struct SignalsEvalArgs {
    /// CSV with the header `context,text,label`, labels `dissatisfied` / `ok`.
    #[arg(long)]
    pub data: std::path::PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Read text on stdin and write it with personal data replaced by type tags.
#[derive(Debug, Args)]
pub struct RedactArgs {}

pub fn run(_cmd: SignalsCommand) -> anyhow::Result<()> {
    anyhow::bail!("signal evaluation is not built yet")
}

pub fn redact(_args: RedactArgs) -> anyhow::Result<()> {
    anyhow::bail!("redaction is not built yet")
}
