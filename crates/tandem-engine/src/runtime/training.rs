//! Training the intent model of a pack's examples.

use sha2::{Digest, Sha256};
use tandem_core::{Error, ErrorCode};
use tandem_nlu::intent::{IntentModel, TrainOptions};

use std::sync::Arc;

use crate::pack::Pack;
use crate::{Result, SemanticEncoder};

pub(super) fn training_examples(pack: &Pack) -> Vec<tandem_nlu::intent::Example> {
    pack.intents
        .iter()
        .flat_map(|i| {
            i.examples
                .iter()
                .map(move |e| tandem_nlu::intent::Example::new(e.clone(), i.name.clone()))
        })
        .collect()
}

/// The hash of what a model is trained from: the examples, the pack's training setting and its
/// out-of-scope intent (a model is reused only for the same of all three).
pub(super) fn training_set_hash(
    examples: &[tandem_nlu::intent::Example],
    rejection: f32,
    out_of_scope: Option<&str>,
) -> String {
    let mut hasher = Sha256::new();
    hasher.update(rejection.to_le_bytes());
    hasher.update(out_of_scope.unwrap_or_default().as_bytes());
    hasher.update([0]);
    for e in examples {
        hasher.update(e.label.as_bytes());
        hasher.update([0]);
        hasher.update(e.text.as_bytes());
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}

/// Trains the intent model of a pack's examples (off the async threads), with the semantic tier
/// when the process has an encoder.
pub(super) async fn train_model(
    examples: Vec<tandem_nlu::intent::Example>,
    semantic: Option<&SemanticEncoder>,
    rejection: f32,
    out_of_scope: Option<String>,
) -> Result<IntentModel> {
    let options = TrainOptions {
        oos_label: out_of_scope,
        dense_model_dir: semantic.map(|s| s.source.clone()),
        max_in_scope_rejection: f64::from(rejection),
        ..TrainOptions::default()
    };
    let encoder = semantic.map(|s| Arc::clone(&s.encoder));
    tokio::task::spawn_blocking(move || tandem_nlu::intent::train(&examples, &options, encoder, &mut |_| {}))
        .await
        .map_err(|e| Error::internal(format!("training stopped: {e}")))?
        .map_err(|e| {
            Error::invalid(
                ErrorCode::InvalidPack,
                format!("cannot train the intent model: {e}"),
            )
        })
}

/// A stored model made ready to run in this process: with the process's encoder attached when it
/// was trained with one. `None` when it was trained for the other tier (or another encoder) and
/// must be trained again.
pub(super) fn ready(mut model: IntentModel, semantic: Option<&SemanticEncoder>) -> Option<IntentModel> {
    match (model.dense_spec().is_some(), semantic) {
        (false, None) => Some(model),
        (true, Some(s)) => model.attach_encoder(Arc::clone(&s.encoder)).ok().map(|()| model),
        _ => None,
    }
}

/// The name of the pack's out-of-scope intent, whose examples the model learns to refuse.
pub(super) fn out_of_scope_label(pack: &Pack) -> Option<String> {
    pack.intents
        .iter()
        .find(|i| i.kind == crate::pack::model::IntentKind::OutOfScope)
        .map(|i| i.name.clone())
}

pub(super) fn model_bytes(model: &IntentModel) -> Result<Vec<u8>> {
    model
        .to_bytes()
        .map_err(|e| Error::internal(format!("cannot encode the model: {e}")))
}

pub(super) fn model_metrics(pack: &Pack, examples: &[tandem_nlu::intent::Example]) -> String {
    serde_json::json!({ "examples": examples.len(), "intents": pack.intents.len() }).to_string()
}
