//! `tandem import`: check a content pack, train its intent model and make it active.

use std::path::PathBuf;

use clap::Args;

use crate::demo::load;
use crate::open::{load_config, open_engine, StoreArgs};

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// The pack directory (pack.toml, intents/, articles/, templates/, connectors/, business/).
    pack_dir: PathBuf,
    /// Only check the pack and report its problems; change nothing.
    #[arg(long)]
    check: bool,
}

pub async fn run(args: ImportArgs) -> anyhow::Result<()> {
    let pack = load(&args.pack_dir)?;
    let examples: usize = pack.intents.iter().map(|i| i.examples.len()).sum();
    if args.check {
        println!(
            "The pack `{}` is valid: {} intents ({examples} examples), {} articles, {} templates, {} connectors.",
            pack.manifest.name,
            pack.intents.len(),
            pack.articles.len(),
            pack.templates.len(),
            pack.connectors.len()
        );
        return Ok(());
    }
    let config = load_config(&args.store, None)?;
    let engine = open_engine(&config).await?;
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_message(format!("training the intent model on {examples} examples"));
    spinner.enable_steady_tick(std::time::Duration::from_millis(100));
    let imported = engine.runtime().import_pack(pack).await;
    spinner.finish_and_clear();
    let imported = imported?;
    println!(
        "Imported: {} intents ({} examples), {} articles. Training set {}.",
        imported.intents,
        imported.examples,
        imported.articles,
        &imported.training_set_hash[..12]
    );
    Ok(())
}
