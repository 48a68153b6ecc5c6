//! The running bot: the active pack, its trained intent model, the knowledge index, the
//! connectors and templates, built once and swapped as a whole. Installing a pack validates it,
//! trains (or reuses) its model, stores both and swaps the running bot; loading reads what is stored.

mod install;
mod registry;
pub(crate) mod training;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

use tandem_core::event::Actor;
use tandem_core::{Error, ErrorCode};
use tandem_nlu::intent::IntentModel;

use crate::connectors::Connectors;
use crate::knowledge::KnowledgeBase;
use crate::pack::model::IntentDef;
use crate::pack::Pack;
use crate::{Engine, Result};
pub(crate) use install::ModelChange;
pub use install::ModelOutcome;
use training::{model_bytes, ready, TrainingSet};

/// The running bot of this process, if a pack is installed.
#[derive(Default)]
pub(crate) struct Active(RwLock<Option<Arc<BotRuntime>>>);

/// The active pack, model and knowledge index.
#[derive(Clone, Copy)]
pub struct Runtime<'e> {
    pub(crate) engine: &'e Engine,
}

/// Everything the bot needs, built once from the active pack and model.
pub struct BotRuntime {
    pub pack_id: String,
    /// The registry's id of the model it runs (empty until stored).
    pub model_id: String,
    pub pack: Pack,
    pub intents: BTreeMap<String, IntentDef>,
    pub model: IntentModel,
    pub knowledge: KnowledgeBase,
    pub connectors: Connectors,
    pub templates: minijinja::Environment<'static>,
}

/// The outcome of importing a pack.
#[derive(Clone, Debug)]
pub struct Imported {
    pub pack_id: String,
    pub intents: usize,
    pub examples: usize,
    pub articles: usize,
    pub training_set_hash: String,
    /// What happened to the intent model.
    pub model: ModelOutcome,
}

async fn build_runtime(
    pack_id: String,
    pack: Pack,
    model: IntentModel,
    data_dir: &Path,
) -> Result<BotRuntime> {
    let knowledge = KnowledgeBase::build(&pack.articles)
        .map_err(|e| Error::internal(format!("cannot index the articles: {e}")))?
        .with_threshold(pack.manifest.policy.answer_threshold);
    let connectors = Connectors::open(
        pack.connectors.clone(),
        &pack.manifest.databases,
        &pack.seeds,
        data_dir,
    )
    .await
    .map_err(|e| {
        Error::invalid(
            ErrorCode::InvalidPack,
            format!("the pack's connectors cannot start: {e}"),
        )
    })?;
    let mut templates = crate::pack::rules::template_environment();
    for (name, source) in &pack.templates {
        templates
            .add_template_owned(name.clone(), source.clone())
            .map_err(|e| {
                Error::invalid(
                    ErrorCode::InvalidPack,
                    format!("template `{name}` does not compile: {e}"),
                )
            })?;
    }
    let intents = pack.intents.iter().map(|i| (i.name.clone(), i.clone())).collect();
    Ok(BotRuntime {
        pack_id,
        model_id: String::new(),
        pack,
        intents,
        model,
        knowledge,
        connectors,
        templates,
    })
}

/// The answer when no content pack is installed.
pub(crate) fn no_pack() -> Error {
    Error::missing(
        ErrorCode::NoActivePack,
        "no content pack is installed; import one with `tandem import`",
    )
}

impl Runtime<'_> {
    /// The bot's current runtime; `no_active_pack` before a pack is installed.
    pub(crate) fn running(&self) -> Result<Arc<BotRuntime>> {
        self.bot().ok_or_else(no_pack)
    }

    /// The bot's current runtime, if a pack is installed.
    pub fn bot(&self) -> Option<Arc<BotRuntime>> {
        self.engine
            .active
            .0
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn set_bot(&self, runtime: BotRuntime) {
        if runtime.pack.manifest.verification() == crate::pack::model::Verification::Email {
            tracing::warn!(
                pack = %runtime.pack.manifest.name,
                "the pack trusts the e-mail address customers type ([identity] verification = \"email\"): \
                 anyone who types another customer's address sees their account data; use \"challenge\" \
                 or \"signed\" for real customers"
            );
        }
        *self.engine.active.0.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(runtime));
    }

    /// Validates a pack, trains its intent model, stores both (pack and model become the active
    /// ones) and starts using them.
    pub async fn import_pack(&self, pack: Pack) -> Result<Imported> {
        let (name, version) = (pack.manifest.name.clone(), pack.manifest.version.clone());
        let first_versions = crate::content::history::pack_versions(&pack);
        let imported = self
            .install(pack, ModelChange::Train, None, Actor::System)
            .await?;
        crate::content::history::record_pack(self.engine, first_versions).await?;
        self.engine
            .audit()
            .record(
                Actor::System,
                tandem_core::audit::AuditAction::ContentInstalled,
                format!("pack:{name}"),
                serde_json::json!({
                    "version": version,
                    "revision": imported.pack_id,
                    "intents": imported.intents,
                    "examples": imported.examples,
                    "articles": imported.articles,
                }),
            )
            .await?;
        Ok(imported)
    }

    /// The revision this instance serves, if a pack is installed.
    pub fn revision(&self) -> Option<String> {
        self.bot().map(|b| b.pack_id.clone())
    }

    /// Loads the stored active revision and model when they are not the ones this instance
    /// serves (another instance changed the content or promoted a model). Returns whether it
    /// loaded them.
    pub async fn follow(&self, revision: &str, model: Option<&str>) -> Result<bool> {
        let bot = self.bot();
        let same_revision = bot.as_ref().map(|b| b.pack_id.as_str()) == Some(revision);
        let same_model = model.is_none_or(|m| bot.as_ref().map(|b| b.model_id.as_str()) == Some(m));
        if same_revision && same_model {
            return Ok(false);
        }
        self.load_active().await
    }

    /// Loads the stored active revision when this instance serves another one (after missing
    /// events, the store is the truth). Returns whether it loaded one.
    pub async fn follow_stored(&self) -> Result<bool> {
        let model = self.engine.store.current_model().await?.map(|m| m.id);
        match self.engine.store.active_pack().await? {
            Some(stored) => self.follow(&stored.id, model.as_deref()).await,
            None => Ok(false),
        }
    }

    /// Loads the active pack and model from the database. `false` when there is none.
    pub async fn load_active(&self) -> Result<bool> {
        let Some(stored) = self.engine.store.active_pack().await? else {
            return Ok(false);
        };
        let pack: Pack = serde_json::from_str(&stored.content)
            .map_err(|e| Error::internal(format!("the stored pack cannot be read: {e}")))?;
        let (model_id, model) = match registry::serving_model(self.engine).await? {
            Some((model_id, bytes)) => {
                match IntentModel::from_bytes(&bytes) {
                    Ok(model) => match ready(model, self.engine.config.semantic.as_ref()) {
                        Some(model) => (model_id, model),
                        None => {
                            // Trained for the other tier (the sentence model was configured or
                            // removed since): train it for the tier this process runs.
                            tracing::warn!("the stored intent model was trained for another triage tier; training it again");
                            self.retrain_stored(&stored.id, &pack).await?
                        }
                    },
                    Err(e) if e.needs_retraining() => {
                        // An upgrade changed the model format or the built-in static table: the
                        // pack's examples are still good, so train again rather than stay offline.
                        tracing::warn!(error = %e, "the stored intent model is from another version of tandem; training it again from the active pack");
                        self.retrain_stored(&stored.id, &pack).await?
                    }
                    Err(e) => return Err(Error::internal(format!("the stored model cannot be read: {e}"))),
                }
            }
            None => {
                // A pack stored without its model (the process stopped between the two steps of
                // an install): its examples are there, so train it.
                tracing::warn!("the active pack has no trained model; training it");
                self.retrain_stored(&stored.id, &pack).await?
            }
        };
        let runtime = build_runtime(stored.id, pack, model, &self.engine.config.data_dir).await?;
        self.set_bot(BotRuntime { model_id, ..runtime });
        Ok(true)
    }

    /// Trains the model of a stored pack again from its examples and makes it the pack's active
    /// model.
    async fn retrain_stored(&self, pack_id: &str, pack: &Pack) -> Result<(String, IntentModel)> {
        let training = TrainingSet::of(pack);
        let model = training.train(self.engine.config.semantic.as_ref()).await?;
        let stored = self
            .engine
            .store
            .save_model(
                pack_id,
                &model_bytes(&model)?,
                &training.metrics(pack, &model),
                &training.hash,
                None,
            )
            .await?;
        Ok((stored.id, model))
    }

    /// The active pack, for export.
    pub fn active_pack(&self) -> Option<Pack> {
        self.engine.runtime().bot().map(|b| b.pack.clone())
    }

    /// What the widget says, in the first of the `wanted` languages (most preferred first) the
    /// active pack has; Tandem's English before any pack is imported.
    pub fn widget_texts(&self, wanted: &[String]) -> crate::pack::widget::WidgetTexts {
        match self.bot() {
            Some(bot) => crate::pack::widget::choose(&bot.pack.widget, &bot.pack.manifest.language, wanted),
            None => crate::pack::widget::choose(
                &std::collections::BTreeMap::new(),
                crate::pack::widget::BASE_LANGUAGE,
                wanted,
            ),
        }
    }
}
