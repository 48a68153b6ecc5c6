//! `tandem train` and `tandem eval`: the intent classifier from the command line.

use clap::Args;

/// Train an intent model from a CSV of examples.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// CSV file with the header `text,label` (RFC 4180 quoting).
    #[arg(long)]
    pub data: std::path::PathBuf,
    /// Where to write the model file.
    #[arg(long)]
    pub out: std::path::PathBuf,
}

/// Evaluate an intent model on a labelled CSV.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The model file written by `tandem train`.
    #[arg(long)]
    pub model: std::path::PathBuf,
    /// CSV file with the header `text,label`.
    #[arg(long)]
    pub data: std::path::PathBuf,
}

pub fn train(_args: TrainArgs) -> anyhow::Result<()> {
    anyhow::bail!("training is not built yet")
}

pub fn eval(_args: EvalArgs) -> anyhow::Result<()> {
    anyhow::bail!("evaluation is not built yet")
}
