//! Which stored model the bot runs: the registry's active model (one at a time, see
//! `tandem_store::ModelStore`), whichever revision it was trained for. A revision may be served by
//! a model trained before it: a relabel keeps the active model until a trainer promotes a
//! candidate, and a content edit whose candidate the gate refused keeps it too.

use crate::{Engine, Result};

/// The active model's id and bytes; `None` when the registry has none (a pack stored without its
/// model): the caller trains one.
pub(super) async fn serving_model(engine: &Engine) -> Result<Option<(String, Vec<u8>)>> {
    let Some(current) = engine.store.current_model().await? else {
        return Ok(None);
    };
    Ok(engine
        .store
        .model_bytes(&current.id)
        .await?
        .map(|bytes| (current.id, bytes)))
}
