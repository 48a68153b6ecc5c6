//! The model registry as a service: list the models, train a candidate from the active content
//! (the active model does not change), promote it through the [`gate`](super::gate) (or force it,
//! an admin with a reason), roll back. A promotion or rollback makes this instance run the model
//! at once and tells the others (a `content_changed` event naming the model).
//!
//! The regression set is the active pack's evaluation messages (`eval/messages.csv`) with the
//! relabelled customer messages held out of training (see [`super::reviews`]). Both models
//! are judged on it at the moment of the promotion (the active one may have changed since the
//! candidate was trained); the comparison stored with the candidate is the one made at training.

use serde::Serialize;
use tandem_core::audit::AuditAction;
use tandem_core::event::{Actor, EventKind};
use tandem_core::permission::Permission;
use tandem_core::{Error, ErrorCode};
use tandem_nlu::intent::IntentModel;
use tandem_store::{ModelRecord, NewCandidate, NewEvent, Promotion};

use super::evaluate::{evaluate, Case};
use super::gate::{judge, Evaluation, Regression, Tolerances, Verdict};
use crate::auth::Staff;
use crate::pack::Pack;
use crate::runtime::training::{model_bytes, ready, TrainingSet};
use crate::{Engine, Result};

/// How many models the registry lists, newest first.
pub const LISTED_MODELS: i64 = 100;

/// The model registry.
#[derive(Clone, Copy)]
pub struct Models<'e> {
    pub(crate) engine: &'e Engine,
}

/// Overall scores on the regression set.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Scores {
    pub accuracy: f64,
    pub macro_f1: f64,
}

impl From<&Evaluation> for Scores {
    fn from(e: &Evaluation) -> Self {
        Self {
            accuracy: e.accuracy,
            macro_f1: e.macro_f1,
        }
    }
}

/// A model as the registry lists it.
#[derive(Clone, Debug, Serialize)]
pub struct ModelView {
    pub id: String,
    pub status: &'static str,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub examples: i64,
    pub metrics: Scores,
    pub trained_by: Option<String>,
    pub promoted_by: Option<String>,
    pub promoted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub forced: bool,
    pub force_reason: Option<String>,
}

impl From<&ModelRecord> for ModelView {
    fn from(m: &ModelRecord) -> Self {
        let metrics: serde_json::Value = serde_json::from_str(&m.metrics).unwrap_or_default();
        let score = |key: &str| {
            metrics
                .get(key)
                .and_then(serde_json::Value::as_f64)
                .unwrap_or(0.0)
        };
        Self {
            id: m.id.clone(),
            status: m.status.as_str(),
            created_at: m.created_at,
            examples: m.examples,
            metrics: Scores {
                accuracy: score("accuracy"),
                macro_f1: score("macro_f1"),
            },
            trained_by: m.trained_by.map(|u| u.to_string()),
            promoted_by: m.promoted_by.map(|u| u.to_string()),
            promoted_at: m.promoted_at,
            forced: m.forced,
            force_reason: m.force_reason.clone(),
        }
    }
}

/// The active model and a candidate compared on the regression set.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub active: Scores,
    pub candidate: Scores,
    pub regressions: Vec<Regression>,
    /// The gate's sentences (empty when the candidate passes).
    pub reasons: Vec<String>,
}

impl Comparison {
    fn of(active: &Evaluation, candidate: &Evaluation, verdict: &Verdict) -> Self {
        Self {
            active: active.into(),
            candidate: candidate.into(),
            regressions: verdict.regressions.clone(),
            reasons: verdict.reasons(),
        }
    }
}

/// A trained candidate and how it compares with the active model.
#[derive(Clone, Debug, Serialize)]
pub struct Trained {
    pub model: ModelView,
    pub comparison: Comparison,
}

/// The regression set of a pack: its evaluation messages, with the relabelled messages held out
/// of training.
pub fn regression_set(pack: &Pack) -> Vec<Case> {
    pack.eval
        .iter()
        .filter(|m| !m.text.trim().is_empty())
        .map(|m| Case {
            text: m.text.clone(),
            intent: Some(m.expected_intent.trim().to_owned()).filter(|i| !i.is_empty()),
        })
        .collect()
}

/// The active model and a candidate judged by the gate on the pack's regression set: the
/// comparison, and whether the candidate passes.
pub(crate) fn compare(pack: &Pack, active: &IntentModel, candidate: &IntentModel) -> (Comparison, bool) {
    let cases = regression_set(pack);
    let (before, after) = (score(active, &cases), score(candidate, &cases));
    let verdict = judge(&before, &after, &Tolerances::default());
    (Comparison::of(&before, &after, &verdict), verdict.passes())
}

/// A model's scores on the cases.
pub(crate) fn score(model: &IntentModel, cases: &[Case]) -> Evaluation {
    evaluate(cases, |text| {
        model.predict(text).ok().and_then(|p| p.intent.map(str::to_owned))
    })
}

impl Models<'_> {
    /// The newest models, newest first.
    pub async fn list(&self, staff: &Staff) -> Result<Vec<ModelView>> {
        staff.require(Permission::ManageModels)?;
        let models = self.engine.store.models(LISTED_MODELS).await?;
        Ok(models.iter().map(ModelView::from).collect())
    }

    /// A stored model made ready to run in this process; `model_state` when another version or
    /// triage tier of Tandem trained it.
    pub(super) async fn stored(&self, id: &str) -> Result<IntentModel> {
        let bytes = self
            .engine
            .store
            .model_bytes(id)
            .await?
            .ok_or_else(|| Error::not_found("model"))?;
        IntentModel::from_bytes(&bytes)
            .ok()
            .and_then(|m| ready(m, self.engine.config.semantic.as_ref()))
            .ok_or_else(|| {
                Error::conflict(
                    ErrorCode::ModelState,
                    "the model was trained by another version or triage tier of Tandem; train a new candidate",
                )
            })
    }

    /// Trains a candidate from the active content and compares it with the active model on the
    /// regression set. The active model does not change.
    pub async fn train(&self, staff: &Staff) -> Result<Trained> {
        staff.require(Permission::ManageModels)?;
        let bot = self.engine.runtime().running()?;
        let training = TrainingSet::of(&bot.pack);
        let candidate = training.train(self.engine.config.semantic.as_ref()).await?;
        let (comparison, _) = compare(&bot.pack, &bot.model, &candidate);
        let metrics = training.metrics(&bot.pack, &candidate);
        let stored = self
            .engine
            .store
            .save_candidate(NewCandidate {
                pack_id: bot.pack_id.clone(),
                bytes: model_bytes(&candidate)?,
                metrics,
                training_set_hash: training.hash.clone(),
                examples: i64::try_from(training.examples.len()).unwrap_or(i64::MAX),
                trained_by: Some(staff.user().id),
                comparison: serde_json::to_string(&comparison).ok(),
            })
            .await?;
        self.engine
            .audit()
            .record(
                staff.actor(),
                AuditAction::ModelTrained,
                format!("model:{}", stored.id),
                serde_json::json!({
                    "examples": stored.examples,
                    "accuracy": comparison.candidate.accuracy,
                    "regressions": comparison.regressions.len(),
                }),
            )
            .await?;
        Ok(Trained {
            model: ModelView::from(&stored),
            comparison,
        })
    }

    /// Makes a model the active one when the gate lets it through (or, `force`, an admin with a
    /// reason over the gate). A refusal marks the candidate refused and names the regressions.
    pub async fn promote(
        &self,
        staff: &Staff,
        id: &str,
        force: bool,
        reason: Option<&str>,
    ) -> Result<ModelView> {
        staff.require(Permission::ManageModels)?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if force {
            staff.require(Permission::ForceModels)?;
            if reason.is_none() {
                return Err(Error::invalid(
                    ErrorCode::ReasonRequired,
                    "forcing a promotion needs a reason: say why the model should be used anyway",
                ));
            }
        }
        let _lock = self.engine.content_lock.lock().await;
        let record = self
            .engine
            .store
            .model(id)
            .await?
            .ok_or_else(|| Error::not_found("model"))?;
        let bot = self.engine.runtime().running()?;
        if !force && bot.model_id != record.id {
            let candidate = self.stored(id).await?;
            let (comparison, passes) = compare(&bot.pack, &bot.model, &candidate);
            if !passes {
                let reasons = comparison.reasons;
                if record.status == tandem_store::ModelStatus::Candidate {
                    self.engine.store.refuse_model(id).await?;
                }
                self.engine
                    .audit()
                    .record(
                        staff.actor(),
                        AuditAction::ModelRefused,
                        format!("model:{id}"),
                        serde_json::json!({ "reasons": reasons }),
                    )
                    .await?;
                return Err(Error::refused(
                    ErrorCode::PromotionRefused,
                    "the candidate is worse than the active model on the regression set",
                    reasons,
                ));
            }
        }
        let promoted = self
            .engine
            .store
            .promote_model(
                id,
                Promotion {
                    by: Some(staff.user().id),
                    forced: force,
                    reason: reason.map(str::to_owned),
                },
            )
            .await?;
        self.engine
            .audit()
            .record(
                staff.actor(),
                AuditAction::ModelPromoted,
                format!("model:{id}"),
                serde_json::json!({ "forced": force, "reason": reason }),
            )
            .await?;
        self.switch(staff.actor(), &promoted).await?;
        Ok(ModelView::from(&promoted))
    }

    /// Makes the model the active one replaced active again.
    pub async fn rollback(&self, staff: &Staff) -> Result<ModelView> {
        staff.require(Permission::ManageModels)?;
        let _lock = self.engine.content_lock.lock().await;
        let current = self.engine.store.current_model().await?.map(|m| m.id);
        let restored = self.engine.store.rollback_model(Some(staff.user().id)).await?;
        self.engine
            .audit()
            .record(
                staff.actor(),
                AuditAction::ModelRolledBack,
                format!("model:{}", restored.id),
                serde_json::json!({ "from": current }),
            )
            .await?;
        self.switch(staff.actor(), &restored).await?;
        Ok(ModelView::from(&restored))
    }

    /// Runs the now active model on this instance and tells the others.
    async fn switch(&self, actor: Actor, model: &ModelRecord) -> Result<()> {
        self.engine.runtime().load_active().await?;
        let revision = self.engine.runtime().revision();
        self.engine
            .store
            .append_event(NewEvent {
                conversation_id: None,
                kind: EventKind::ContentChanged,
                actor,
                data: serde_json::json!({
                    "revision": revision,
                    "model": model.id,
                    "training_set_hash": model.training_set_hash,
                }),
            })
            .await?;
        self.engine.events().publish_committed().await;
        Ok(())
    }
}
