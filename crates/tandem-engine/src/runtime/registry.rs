//! Which stored model the bot of the active revision runs: the registry's active model (one at a
//! time, see `tandem_store::ModelStore`).

use tandem_store::StoredPack;

use crate::{Engine, Result};

/// The active model's id and bytes when it is meant for this revision: trained for it, or
/// promoted (or rolled back to) after the revision was saved. `None` otherwise (the process
/// stopped between storing a revision and its model): the caller trains one.
pub(super) async fn serving_model(engine: &Engine, pack: &StoredPack) -> Result<Option<(String, Vec<u8>)>> {
    let Some(current) = engine.store.current_model().await? else {
        return Ok(None);
    };
    let chosen_later = current.promoted_at.is_some_and(|at| at > pack.imported_at);
    if current.pack_id != pack.id && !chosen_later {
        return Ok(None);
    }
    Ok(engine
        .store
        .model_bytes(&current.id)
        .await?
        .map(|bytes| (current.id, bytes)))
}
