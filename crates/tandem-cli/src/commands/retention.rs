//! `tandem retention apply`: erase the resolved conversations older than the retention period
//! (`retention_days`), as the server's hourly job does. Run it with the server stopped or running.

use clap::{Args, Subcommand};

use crate::open::{load_config, open_engine, StoreArgs};

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Erase the resolved conversations last active more than `retention_days` (tandem.toml /
    /// TANDEM_RETENTION_DAYS, default 365) before the as-of date, and customers left without one.
    Apply(ApplyArgs),
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Count from the start of this day (YYYY-MM-DD, UTC) instead of now.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<chrono::NaiveDate>,
    /// Only count what would be erased; change nothing.
    #[arg(long)]
    dry_run: bool,
}

fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date; write it as YYYY-MM-DD, e.g. 2027-01-31"))
}

pub async fn run(command: RetentionCommand) -> anyhow::Result<()> {
    let RetentionCommand::Apply(args) = command;
    let config = load_config(&args.store, None)?;
    let engine = open_engine(&config).await?;
    let as_of = match args.as_of {
        Some(day) => day.and_time(chrono::NaiveTime::MIN).and_utc(),
        None => engine.now(),
    };
    let run = engine.privacy().apply_retention(as_of, args.dry_run).await?;
    let n = run.conversations;
    let noun = if n == 1 { "conversation" } else { "conversations" };
    let cutoff = run.cutoff.format("%Y-%m-%d %H:%M UTC");
    if run.dry_run {
        println!("{n} {noun} would be erased (dry run): resolved and last active before {cutoff}.");
    } else {
        println!(
            "{n} {noun} erased (resolved and last active before {cutoff}); {} customers without a conversation left were erased with them.",
            run.customers
        );
    }
    Ok(())
}
