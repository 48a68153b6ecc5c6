//! `tandem import` and `tandem export`, and the demo pack that ships inside the binary.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use include_dir::{include_dir, Dir};

use crate::serve::{load_config, open_engine, StoreArgs};

/// The demo pack ("Acme Outfitters"), embedded at build time.
static DEMO_PACK: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../packs/demo");

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

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Directory to write the active pack to (created; must be empty or absent).
    #[arg(long)]
    out: PathBuf,
}

fn load(dir: &Path) -> anyhow::Result<tandem_engine::pack::Pack> {
    tandem_engine::pack::load_dir(dir).map_err(|errors| {
        for problem in &errors.0 {
            eprintln!("  {problem}");
        }
        anyhow::anyhow!(
            "the pack in {} has {} problem(s); nothing was imported",
            dir.display(),
            errors.0.len()
        )
    })
}

pub async fn import(args: ImportArgs) -> anyhow::Result<()> {
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

pub async fn export(args: ExportArgs) -> anyhow::Result<()> {
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

/// The embedded demo pack, as written to DATA_DIR/packs/demo on the first start (so it can be read
/// and changed there); `tandem serve` installs it when the database has no pack yet.
pub fn demo_pack(data_dir: &Path) -> anyhow::Result<tandem_engine::pack::Pack> {
    let dir = data_dir.join("packs").join("demo");
    if !dir.join("pack.toml").exists() {
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        DEMO_PACK
            .extract(&dir)
            .with_context(|| format!("cannot write the demo pack to {}", dir.display()))?;
    }
    load(&dir)
}
