//! Installing a pack: validate it, decide which intent model serves it (train one, gate a
//! candidate, or keep the active one), store both and swap the running bot.

use tandem_core::event::{Actor, EventKind};
use tandem_core::{Error, ErrorCode};
use tandem_nlu::intent::IntentModel;
use tandem_store::{NewCandidate, NewEvent, Promotion};

use super::training::{model_bytes, TrainingSet};
use super::{build_runtime, BotRuntime, Imported, Runtime};
use crate::pack::Pack;
use crate::supervision::models::{compare, Comparison};
use crate::Result;

/// What an install does with the intent model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ModelChange {
    /// Train a model for the pack and make it the active one (an import).
    Train,
    /// Keep the active model when the training examples are the same; otherwise train a candidate
    /// and promote it only when the regression gate lets it through (a content edit).
    Gate,
    /// Keep the active model whatever changed (a relabel: the trainer trains a candidate when the
    /// relabels are ready).
    Keep,
}

/// What happened to the intent model when content was installed.
#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct ModelOutcome {
    /// The model the bot runs now.
    pub active: String,
    /// A model was trained for the change (a candidate, unless `promoted`).
    pub trained: Option<String>,
    /// The trained model is the active one now.
    pub promoted: bool,
    /// Why the gate kept the trained candidate out (empty when it passed or nothing was trained).
    pub reasons: Vec<String>,
}

/// The model chosen for a pack, before anything is stored.
enum Chosen {
    /// The running bot's model serves on.
    Kept,
    /// A new model, to store active (import) or as a candidate promoted when `passes`.
    Trained {
        model: Box<IntentModel>,
        gate: Option<(Comparison, bool)>,
        /// The examples it learnt, when not all of the pack's (relabels left pending).
        set: Option<TrainingSet>,
    },
}

impl Runtime<'_> {
    /// Installs a pack in two committed steps, then tells every instance: the content is saved
    /// as a new revision (only while `expected` is still the active one, when given), then the
    /// intent model is stored as `change` says, then a `content_changed` event makes every
    /// instance load the new revision. Nothing is stored when validation, training or the
    /// connectors fail. `actor` is who changed the content (the event names them).
    pub(crate) async fn install(
        &self,
        pack: Pack,
        change: ModelChange,
        expected: Option<&str>,
        actor: Actor,
    ) -> Result<Imported> {
        let problems = crate::pack::validate(&pack);
        if !problems.is_empty() {
            let text = problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            return Err(Error::invalid(ErrorCode::InvalidPack, text));
        }
        let training = TrainingSet::of(&pack);
        let running = self.bot().filter(|b| !b.model_id.is_empty());
        let chosen = match (&running, change) {
            (Some(_), ModelChange::Keep) => Chosen::Kept,
            // The edit left the training examples as they were (an article, a text): nothing to
            // train, whatever relabels are waiting for a trainer.
            (Some(bot), ModelChange::Gate)
                if TrainingSet::of(&bot.pack).hash == training.hash
                    || self.trained_on(bot, &training.hash).await? =>
            {
                Chosen::Kept
            }
            (Some(bot), ModelChange::Gate) => {
                // What the active model learnt and this edit: relabels made since it was trained
                // wait for a trainer's candidate, as they would without the edit.
                let pending = self.pending_relabels().await?;
                let edited = TrainingSet::without(&pack, &pending);
                let model = edited.train(self.engine.config.semantic.as_ref()).await?;
                let gate = compare(&pack, &bot.model, &model);
                Chosen::Trained {
                    model: Box::new(model),
                    gate: Some(gate),
                    set: Some(edited),
                }
            }
            _ => Chosen::Trained {
                model: Box::new(training.train(self.engine.config.semantic.as_ref()).await?),
                gate: None,
                set: None,
            },
        };
        let serving = match (&chosen, &running) {
            (
                Chosen::Trained {
                    model,
                    gate: None | Some((_, true)),
                    ..
                },
                _,
            ) => IntentModel::clone(model),
            (_, Some(bot)) => bot.model.clone(),
            (Chosen::Trained { model, .. }, None) => IntentModel::clone(model),
            (Chosen::Kept, None) => return Err(Error::internal("no model to keep")),
        };
        // Build the runtime before storing, so a pack whose connectors cannot start is refused.
        let runtime =
            build_runtime(String::new(), pack.clone(), serving, &self.engine.config.data_dir).await?;
        // A template that uses a field no reply fills is refused at import as in the editor.
        for (name, source) in &runtime.pack.templates {
            crate::content::check_template_fields(&runtime, name, source)
                .await
                .map_err(|e| Error::invalid(ErrorCode::InvalidPack, format!("templates/{name}.j2: {e}")))?;
        }
        let revision = self.save_content(&pack, expected).await?;
        let kept = running.as_ref().map(|b| b.model_id.clone()).unwrap_or_default();
        let outcome = self
            .store_model(&revision, &pack, &training, chosen, kept, &actor)
            .await?;
        self.engine
            .store
            .append_event(NewEvent {
                conversation_id: None,
                kind: EventKind::ContentChanged,
                actor,
                data: serde_json::json!({
                    "revision": revision,
                    "model": outcome.active,
                    "training_set_hash": training.hash,
                }),
            })
            .await?;
        let imported = Imported {
            pack_id: revision.clone(),
            intents: pack.intents.len(),
            examples: training.examples.len(),
            articles: pack.articles.len(),
            training_set_hash: training.hash.clone(),
            model: outcome.clone(),
        };
        self.set_bot(BotRuntime {
            pack_id: revision,
            model_id: outcome.active,
            ..runtime
        });
        self.engine.events().publish_committed().await;
        tracing::info!(pack = %pack.manifest.name, intents = imported.intents, "content pack installed");
        Ok(imported)
    }

    /// The relabelled texts (normalised) the active model has not learnt: resolved from the review
    /// queue after it was trained (the newest 1000 relabels are looked at).
    async fn pending_relabels(&self) -> Result<std::collections::BTreeSet<String>> {
        let Some(active) = self.engine.store.current_model().await? else {
            return Ok(std::collections::BTreeSet::new());
        };
        let resolved = tandem_store::ReviewFilter {
            status: Some(tandem_core::review::ReviewStatus::Resolved),
            limit: crate::supervision::reviews::MAX_REVIEWS,
            ..tandem_store::ReviewFilter::default()
        };
        Ok(self
            .engine
            .store
            .reviews(&resolved)
            .await?
            .into_iter()
            .filter(|r| !r.held_out && r.resolved_at.is_some_and(|at| at > active.created_at))
            .map(|r| tandem_nlu::text::normalize(&r.text))
            .collect())
    }

    /// Whether the running bot's model is the stored active one and was trained on these examples.
    async fn trained_on(&self, bot: &BotRuntime, hash: &str) -> Result<bool> {
        Ok(self
            .engine
            .store
            .current_model()
            .await?
            .is_some_and(|m| m.id == bot.model_id && m.training_set_hash == hash))
    }

    /// Stores the chosen model for the new revision: active (a training without a gate), or a
    /// candidate promoted when the gate passed; nothing when the active model serves on.
    async fn store_model(
        &self,
        revision: &str,
        pack: &Pack,
        training: &TrainingSet,
        chosen: Chosen,
        kept: String,
        actor: &Actor,
    ) -> Result<super::ModelOutcome> {
        let by = match actor {
            Actor::User { id } => Some(*id),
            _ => None,
        };
        let (model, gate, set) = match chosen {
            Chosen::Kept => {
                return Ok(ModelOutcome {
                    active: kept,
                    ..ModelOutcome::default()
                })
            }
            Chosen::Trained { model, gate, set } => (model, gate, set),
        };
        let training = set.as_ref().unwrap_or(training);
        let bytes = model_bytes(&model)?;
        let metrics = training.metrics(pack, &model);
        let Some((comparison, passes)) = gate else {
            let stored = self
                .engine
                .store
                .save_model(revision, &bytes, &metrics, &training.hash, None)
                .await?;
            return Ok(ModelOutcome {
                active: stored.id.clone(),
                trained: Some(stored.id),
                promoted: true,
                reasons: Vec::new(),
            });
        };
        let candidate = self
            .engine
            .store
            .save_candidate(NewCandidate {
                pack_id: revision.to_owned(),
                bytes,
                metrics,
                training_set_hash: training.hash.clone(),
                examples: i64::try_from(training.examples.len()).unwrap_or(i64::MAX),
                trained_by: by,
                comparison: serde_json::to_string(&comparison).ok(),
            })
            .await?;
        if !passes {
            return Ok(ModelOutcome {
                active: kept,
                trained: Some(candidate.id),
                promoted: false,
                reasons: comparison.reasons,
            });
        }
        let promoted = self
            .engine
            .store
            .promote_model(
                &candidate.id,
                Promotion {
                    by,
                    forced: false,
                    reason: None,
                },
            )
            .await?;
        Ok(ModelOutcome {
            active: promoted.id.clone(),
            trained: Some(promoted.id),
            promoted: true,
            reasons: Vec::new(),
        })
    }

    /// Stores the pack as the new active revision (creating the teams it routes to); returns the
    /// revision.
    async fn save_content(&self, pack: &Pack, expected: Option<&str>) -> Result<String> {
        let content = serde_json::to_string(pack)
            .map_err(|e| Error::internal(format!("cannot encode the pack: {e}")))?;
        for team in &pack.manifest.routing.teams {
            if self.engine.store.team_by_name(&team.name).await?.is_none() {
                let new = tandem_store::NewTeam {
                    name: team.name.clone(),
                    skills: team.skills.clone(),
                };
                self.engine.store.create_team(new).await?;
            }
        }
        let stored = self
            .engine
            .store
            .save_pack(&pack.manifest.name, &pack.manifest.version, &content, expected)
            .await?;
        Ok(stored.id)
    }
}
