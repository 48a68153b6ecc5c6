//! Training the intent model of a pack's examples.

use sha2::{Digest, Sha256};
use tandem_core::{Error, ErrorCode};
use tandem_nlu::intent::{IntentModel, TrainOptions};

use std::sync::Arc;

use crate::pack::model::IntentKind;
use crate::pack::Pack;
use crate::{Result, SemanticEncoder};

/// What a pack's intent model is trained from: its examples and the settings of its training
/// (the share of in-scope messages the out-of-scope threshold may refuse, the out-of-scope
/// intent), with the hash that tells whether a stored model was trained from the same.
pub(crate) struct TrainingSet {
    pub examples: Vec<tandem_nlu::intent::Example>,
    rejection: f32,
    out_of_scope: Option<String>,
    pub hash: String,
}

impl TrainingSet {
    /// The pack's examples, without the relabelled messages held out for the regression set.
    pub fn of(pack: &Pack) -> Self {
        Self::without(pack, &std::collections::BTreeSet::new())
    }

    /// [`Self::of`] without the examples whose normalised text is in `left_out` as well.
    pub fn without(pack: &Pack, left_out: &std::collections::BTreeSet<String>) -> Self {
        let mut held_out: std::collections::BTreeSet<String> = pack
            .eval
            .iter()
            .filter(|m| m.is_held_out())
            .map(|m| tandem_nlu::text::normalize(&m.text))
            .collect();
        held_out.extend(left_out.iter().cloned());
        let examples: Vec<tandem_nlu::intent::Example> = pack
            .intents
            .iter()
            .flat_map(|i| {
                i.examples
                    .iter()
                    .filter(|e| held_out.is_empty() || !held_out.contains(&tandem_nlu::text::normalize(e)))
                    .map(move |e| tandem_nlu::intent::Example::new(e.clone(), i.name.clone()))
            })
            .collect();
        let rejection = pack.manifest.policy.max_in_scope_rejection;
        let out_of_scope = pack
            .intents
            .iter()
            .find(|i| i.kind == IntentKind::OutOfScope)
            .map(|i| i.name.clone());
        let mut hasher = Sha256::new();
        hasher.update(rejection.to_le_bytes());
        hasher.update(out_of_scope.as_deref().unwrap_or_default().as_bytes());
        hasher.update([0]);
        for e in &examples {
            hasher.update(e.label.as_bytes());
            hasher.update([0]);
            hasher.update(e.text.as_bytes());
            hasher.update([0]);
        }
        let hash = hex::encode(hasher.finalize());
        Self {
            examples,
            rejection,
            out_of_scope,
            hash,
        }
    }

    /// Trains the model (off the async threads), with the semantic tier when the process has an
    /// encoder.
    pub async fn train(&self, semantic: Option<&SemanticEncoder>) -> Result<IntentModel> {
        let options = TrainOptions {
            oos_label: self.out_of_scope.clone(),
            dense_model_dir: semantic.map(|s| s.source.clone()),
            max_in_scope_rejection: f64::from(self.rejection),
            ..TrainOptions::default()
        };
        let encoder = semantic.map(|s| Arc::clone(&s.encoder));
        let examples = self.examples.clone();
        tokio::task::spawn_blocking(move || {
            tandem_nlu::intent::train(&examples, &options, encoder, &mut |_| {})
        })
        .await
        .map_err(|e| Error::internal(format!("training stopped: {e}")))?
        .map_err(|e| {
            Error::invalid(
                ErrorCode::InvalidPack,
                format!("cannot train the intent model: {e}"),
            )
        })
    }

    /// What is stored with the model about its training, and its scores on the pack's regression
    /// set (the model registry lists them).
    pub fn metrics(&self, pack: &Pack, model: &IntentModel) -> String {
        let evaluation =
            crate::supervision::models::score(model, &crate::supervision::models::regression_set(pack));
        serde_json::json!({
            "examples": self.examples.len(),
            "intents": pack.intents.len(),
            "accuracy": evaluation.accuracy,
            "macro_f1": evaluation.macro_f1,
            "evaluation": evaluation,
        })
        .to_string()
    }
}

/// A stored model made ready to run in this process: with the process's encoder attached when it
/// was trained with one. `None` when it was trained for the other tier (or another encoder) and
/// must be trained again.
pub(crate) fn ready(mut model: IntentModel, semantic: Option<&SemanticEncoder>) -> Option<IntentModel> {
    match (model.dense_spec().is_some(), semantic) {
        (false, None) => Some(model),
        (true, Some(s)) => model.attach_encoder(Arc::clone(&s.encoder)).ok().map(|()| model),
        _ => None,
    }
}

pub(crate) fn model_bytes(model: &IntentModel) -> Result<Vec<u8>> {
    model
        .to_bytes()
        .map_err(|e| Error::internal(format!("cannot encode the model: {e}")))
}
