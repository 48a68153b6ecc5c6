//! `tandem export`: write the active content pack to a directory.

use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;

use crate::open::{load_config, open_engine, StoreArgs};

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Directory to write the active pack to (created; must be empty or absent).
    #[arg(long)]
    out: PathBuf,
}

pub async fn run(args: ExportArgs) -> anyhow::Result<()> {
    if args.out.exists()
        && std::fs::read_dir(&args.out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        bail!("{} is not empty; export into a new directory", args.out.display());
    }
    let config = load_config(&args.store, None)?;
    let engine = open_engine(&config).await?;
    if !engine.runtime().load_active().await? {
        bail!("no content pack is imported yet");
    }
    let pack = engine
        .runtime()
        .active_pack()
        .context("no content pack is active")?;
    tandem_engine::pack::write_dir(&pack, &args.out)
        .with_context(|| format!("cannot write the pack to {}", args.out.display()))?;
    println!(
        "Exported the pack `{}` to {}.",
        pack.manifest.name,
        args.out.display()
    );
    Ok(())
}
