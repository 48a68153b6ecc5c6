//! `tandem migrate`: create or update the database schema, then exit.

use crate::open::{load_config, open_engine, StoreArgs};

pub async fn run(args: StoreArgs) -> anyhow::Result<()> {
    let config = load_config(&args, None)?;
    open_engine(&config).await?;
    println!(
        "The database is migrated ({}).",
        if config.uses_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    Ok(())
}
