//! Opening things, shared by the commands: the `--data-dir` / `--config` flags, the configuration
//! they lead to, and the store and engine it describes.

use std::path::Path;
use std::sync::Arc;

#[cfg(not(feature = "semantic"))]
use anyhow::bail;
use anyhow::Context as _;
use clap::Args;
use tandem_engine::{Engine, EngineConfig, Secret, SemanticEncoder, StoreConfig};
use tandem_nlu::dense::DenseEncoder;
use tandem_nlu::quality::LearnedModel;

use crate::config::{Config, Overrides};

/// Where the data lives; shared by the commands that open the database.
#[derive(Debug, Args, Clone)]
pub struct StoreArgs {
    /// Data directory holding the embedded SQLite database [env: TANDEM_DATA_DIR] [default: ./tandem-data].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<std::path::PathBuf>,
    /// Configuration file [env: TANDEM_CONFIG] [default: ./tandem.toml when it exists].
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
}

/// The configuration: defaults, `tandem.toml`, `TANDEM_*` variables, then these flags.
pub fn load_config(store: &StoreArgs, addr: Option<String>) -> anyhow::Result<Config> {
    let overrides = Overrides {
        config_file: store.config.clone(),
        data_dir: store.data_dir.clone(),
        addr,
    };
    Config::load(&overrides, &|key| std::env::var(key).ok())
}

pub fn store_config(config: &Config) -> StoreConfig {
    StoreConfig {
        url: Secret::new(config.store_url()),
        sqlite_durability: config.sqlite_durability,
    }
}

/// The engine's settings, with the semantic tier's encoder loaded when `semantic_model` is
/// configured and the learned quality model when `quality_model` is (a model that cannot be loaded
/// is an error, not a silent fall back).
pub fn engine_config(config: &Config) -> anyhow::Result<EngineConfig> {
    let mut engine_config = config.engine.clone();
    if let Some(path) = &config.semantic_model {
        let encoder = load_encoder(path).with_context(|| {
            format!(
                "cannot load the sentence-embedding model {} (semantic_model)",
                path.display()
            )
        })?;
        engine_config.semantic = Some(SemanticEncoder {
            encoder,
            source: path.display().to_string(),
        });
    }
    if let Some(model) = load_quality_model(config.quality_model.as_deref())? {
        engine_config.quality_model = Some(Arc::new(model));
    }
    Ok(engine_config)
}

/// Reads a learned quality model (`tandem quality train`), or says in one sentence why it cannot.
pub fn load_quality_model(path: Option<&std::path::Path>) -> anyhow::Result<Option<LearnedModel>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let bytes =
        std::fs::read(path).with_context(|| format!("cannot read the quality model {}", path.display()))?;
    LearnedModel::from_bytes(&bytes)
        .map(Some)
        .map_err(|e| anyhow::anyhow!("{} is not a usable quality model: {e}", path.display()))
}

/// Opens (and migrates) the database and builds the engine.
pub async fn open_engine(config: &Config) -> anyhow::Result<Arc<Engine>> {
    Ok(Arc::new(
        Engine::connect(&store_config(config), engine_config(config)?).await?,
    ))
}

/// Which triage tier the engine runs, in words for the log.
pub fn triage_tier(config: &EngineConfig) -> String {
    match &config.semantic {
        Some(s) => format!(
            "semantic tier: the sentence model `{}` from {} joins the fast tier",
            s.encoder.id(),
            s.source
        ),
        None => "fast tier (no semantic_model configured)".to_owned(),
    }
}

/// Loads the dense encoder of the semantic tier: a directory holds a sentence-transformers model,
/// a file a distilled static encoder.
#[cfg(feature = "semantic")]
pub fn load_encoder(path: &Path) -> anyhow::Result<Arc<dyn DenseEncoder>> {
    use tandem_nlu::semantic::{SentenceEncoder, StaticEncoder};
    if path.is_file() {
        Ok(Arc::new(StaticEncoder::load(path)?))
    } else {
        Ok(Arc::new(SentenceEncoder::load(path)?))
    }
}

#[cfg(not(feature = "semantic"))]
pub fn load_encoder(path: &Path) -> anyhow::Result<Arc<dyn DenseEncoder>> {
    bail!(
        "cannot use the sentence-embedding model {}: this tandem was built without the semantic tier; \
         rebuild it with `cargo build --release -p tandem-cli --features semantic`",
        path.display()
    )
}
