//! Triage of one customer message: intent and confidence (or out of scope), signals with their
//! evidence, entities. Pure computation on the loaded model.

use serde::Serialize;
use tandem_core::decision::IntentScore;
use tandem_nlu::entities::Entity;
use tandem_nlu::intent::IntentModel;
use tandem_nlu::signals::{Context, Signals};

/// How many intents a decision record keeps.
const TOP_K: usize = 5;

#[derive(Clone, Debug, Serialize)]
pub struct Triage {
    /// The best in-scope intent, `None` when the model knows none.
    pub intent: Option<String>,
    pub confidence: f32,
    pub out_of_scope: bool,
    pub top_intents: Vec<IntentScore>,
    pub signals: Signals,
    pub entities: Vec<Entity>,
}

/// Reads one message in the context of the conversation so far.
pub fn triage(model: &IntentModel, text: &str, context: &Context<'_>) -> Triage {
    let signals = tandem_nlu::signals::analyze(text, context);
    let entities = tandem_nlu::entities::extract(text);
    match model.predict_top(text, TOP_K) {
        Ok(p) => Triage {
            // The best in-scope intent even when the model's own out-of-scope threshold (tuned on
            // held-out intents, strict for small packs) was not met: the pack's confidence
            // thresholds decide, and `out_of_scope` keeps the model's view for the record.
            intent: p.best_in_scope(model.oos_label()).map(str::to_owned),
            confidence: p.confidence,
            out_of_scope: p.out_of_scope,
            top_intents: p
                .top
                .iter()
                .map(|s| IntentScore {
                    intent: s.intent.to_owned(),
                    score: s.probability,
                })
                .collect(),
            signals,
            entities,
        },
        Err(e) => {
            tracing::warn!(error = %e, "the intent model could not read a message; treating it as out of scope");
            Triage {
                intent: None,
                confidence: 0.0,
                out_of_scope: true,
                top_intents: Vec::new(),
                signals,
                entities,
            }
        }
    }
}
