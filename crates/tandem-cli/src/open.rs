//! Opening things, shared by the commands: the `--data-dir` / `--config` flags, the configuration
//! they lead to, and the store and engine it describes.

use std::sync::Arc;

use clap::Args;
use tandem_engine::{Engine, EngineConfig, Secret, StoreConfig};

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

pub fn engine_config(config: &Config) -> EngineConfig {
    config.engine.clone()
}

/// Opens (and migrates) the database and builds the engine.
pub async fn open_engine(config: &Config) -> anyhow::Result<Arc<Engine>> {
    Ok(Arc::new(
        Engine::connect(&store_config(config), engine_config(config)).await?,
    ))
}
