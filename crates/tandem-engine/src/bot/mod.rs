//! The bot: the way of one customer message (DESIGN §2). Triage, policy, action, reply or handoff,
//! all recorded as one decision in the same transaction as its reply.

pub mod policy;
pub mod summary;
pub mod triage;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use tandem_core::decision::{Decision, DecisionKind, HandoffReason};
use tandem_core::event::Actor;
use tandem_core::ids::ConversationId;
use tandem_core::model::{Author, Conversation, ConversationStatus, Message, Priority, Source};
use tandem_core::Error;
use tandem_nlu::intent::{IntentModel, TrainOptions};
use tandem_store::{BotTurn, ConversationChange, NewDecision, NewMessage};

use crate::connectors::{ConnectorInput, Connectors};
use crate::knowledge::KnowledgeBase;
use crate::pack::model::IntentDef;
use crate::pack::Pack;
use crate::{Engine, Result};
use policy::{Outcome, Plan};
use triage::Triage;

/// How many of the latest messages and decisions one bot turn reads.
const HISTORY_MESSAGES: i64 = 40;
const HISTORY_DECISIONS: i64 = 20;

/// Everything the bot needs, built once from the active pack and model.
pub struct BotRuntime {
    pub pack_id: String,
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
}

fn training_examples(pack: &Pack) -> Vec<tandem_nlu::intent::Example> {
    pack.intents
        .iter()
        .flat_map(|i| {
            i.examples
                .iter()
                .map(move |e| tandem_nlu::intent::Example::new(e.clone(), i.name.clone()))
        })
        .collect()
}

fn training_set_hash(examples: &[tandem_nlu::intent::Example]) -> String {
    let mut hasher = Sha256::new();
    for e in examples {
        hasher.update(e.label.as_bytes());
        hasher.update([0]);
        hasher.update(e.text.as_bytes());
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}

/// Trains the intent model of a pack's examples (off the async threads).
async fn train_model(examples: Vec<tandem_nlu::intent::Example>) -> Result<IntentModel> {
    tokio::task::spawn_blocking(move || {
        tandem_nlu::intent::train(&examples, &TrainOptions::default(), None, &mut |_| {})
    })
    .await
    .map_err(|e| Error::internal(format!("training stopped: {e}")))?
    .map_err(|e| Error::invalid("invalid_pack", format!("cannot train the intent model: {e}")))
}

fn model_bytes(model: &IntentModel) -> Result<Vec<u8>> {
    model
        .to_bytes()
        .map_err(|e| Error::internal(format!("cannot encode the model: {e}")))
}

fn model_metrics(pack: &Pack, examples: &[tandem_nlu::intent::Example]) -> String {
    serde_json::json!({ "examples": examples.len(), "intents": pack.intents.len() }).to_string()
}

async fn build_runtime(
    pack_id: String,
    pack: Pack,
    model: IntentModel,
    data_dir: &Path,
) -> Result<BotRuntime> {
    let knowledge = KnowledgeBase::build(&pack.articles)
        .map_err(|e| Error::internal(format!("cannot index the articles: {e}")))?;
    let connectors = Connectors::open(
        pack.connectors.clone(),
        &pack.manifest.databases,
        &pack.seeds,
        data_dir,
    )
    .await
    .map_err(|e| Error::invalid("invalid_pack", format!("the pack's connectors cannot start: {e}")))?;
    let mut templates = minijinja::Environment::new();
    for (name, source) in &pack.templates {
        templates
            .add_template_owned(name.clone(), source.clone())
            .map_err(|e| {
                Error::invalid("invalid_pack", format!("template `{name}` does not compile: {e}"))
            })?;
    }
    let intents = pack.intents.iter().map(|i| (i.name.clone(), i.clone())).collect();
    Ok(BotRuntime {
        pack_id,
        pack,
        intents,
        model,
        knowledge,
        connectors,
        templates,
    })
}

impl Engine {
    /// The bot's current runtime, if a pack is installed.
    pub fn bot(&self) -> Option<Arc<BotRuntime>> {
        self.bot.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set_bot(&self, runtime: BotRuntime) {
        *self.bot.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(runtime));
    }

    /// Validates a pack, trains its intent model, stores both (pack and model become the active
    /// ones) and starts using them.
    pub async fn import_pack(&self, pack: Pack) -> Result<Imported> {
        self.install_pack(pack, false).await
    }

    /// The active model, when it was trained on exactly this training set (same hash).
    async fn reusable_model(&self, hash: &str) -> Result<Option<IntentModel>> {
        let Some(stored) = self.store.active_pack().await? else {
            return Ok(None);
        };
        let Some(model) = self.store.active_model(&stored.id).await? else {
            return Ok(None);
        };
        if model.training_set_hash != hash {
            return Ok(None);
        }
        Ok(IntentModel::from_bytes(&model.bytes).ok())
    }

    /// [`Engine::import_pack`]; with `reuse_model`, an edit that leaves the intents' examples as
    /// they are keeps the active model instead of training the same one again.
    pub(crate) async fn install_pack(&self, pack: Pack, reuse_model: bool) -> Result<Imported> {
        let problems = crate::pack::validate(&pack);
        if !problems.is_empty() {
            let text = problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            return Err(Error::invalid("invalid_pack", text));
        }
        let examples = training_examples(&pack);
        let hash = training_set_hash(&examples);
        let reused = if reuse_model {
            self.reusable_model(&hash).await?
        } else {
            None
        };
        let model = match reused {
            Some(model) => model,
            None => train_model(examples.clone()).await?,
        };
        let bytes = model_bytes(&model)?;
        let content = serde_json::to_string(&pack)
            .map_err(|e| Error::internal(format!("cannot encode the pack: {e}")))?;
        // Build the runtime before storing, so a pack whose connectors cannot start is refused.
        let runtime = build_runtime(String::new(), pack.clone(), model, &self.config.data_dir).await?;
        for team in &pack.manifest.routing.teams {
            if self.store.team_by_name(&team.name).await?.is_none() {
                let new = tandem_store::NewTeam {
                    name: team.name.clone(),
                    skills: team.skills.clone(),
                };
                self.store.create_team(new).await?;
            }
        }
        let stored = self
            .store
            .save_pack(&pack.manifest.name, &pack.manifest.version, &content)
            .await?;
        self.store
            .save_model(&stored.id, &bytes, &model_metrics(&pack, &examples), &hash, None)
            .await?;
        let imported = Imported {
            pack_id: stored.id.clone(),
            intents: pack.intents.len(),
            examples: examples.len(),
            articles: pack.articles.len(),
            training_set_hash: hash,
        };
        self.set_bot(BotRuntime {
            pack_id: stored.id,
            ..runtime
        });
        tracing::info!(pack = %pack.manifest.name, intents = imported.intents, "content pack imported");
        Ok(imported)
    }

    /// Loads the active pack and model from the database. `false` when there is none.
    pub async fn load_active_pack(&self) -> Result<bool> {
        let Some(stored) = self.store.active_pack().await? else {
            return Ok(false);
        };
        let pack: Pack = serde_json::from_str(&stored.content)
            .map_err(|e| Error::internal(format!("the stored pack cannot be read: {e}")))?;
        let model = match self.store.active_model(&stored.id).await? {
            Some(m) => match IntentModel::from_bytes(&m.bytes) {
                Ok(model) => model,
                Err(e) if e.needs_retraining() => {
                    // An upgrade changed the model format or the built-in static table: the
                    // pack's examples are still good, so train again rather than stay offline.
                    tracing::warn!(error = %e, "the stored intent model is from another version of tandem; training it again from the active pack");
                    self.retrain_stored(&stored.id, &pack).await?
                }
                Err(e) => return Err(Error::internal(format!("the stored model cannot be read: {e}"))),
            },
            None => {
                return Err(Error::internal(
                    "the active pack has no trained model; import it again",
                ))
            }
        };
        self.set_bot(build_runtime(stored.id, pack, model, &self.config.data_dir).await?);
        Ok(true)
    }

    /// Trains the model of a stored pack again from its examples and makes it the pack's active
    /// model.
    async fn retrain_stored(&self, pack_id: &str, pack: &Pack) -> Result<IntentModel> {
        let examples = training_examples(pack);
        let hash = training_set_hash(&examples);
        let metrics = model_metrics(pack, &examples);
        let model = train_model(examples).await?;
        self.store
            .save_model(pack_id, &model_bytes(&model)?, &metrics, &hash, None)
            .await?;
        Ok(model)
    }

    /// The active pack, for export.
    pub fn active_pack(&self) -> Option<Pack> {
        self.bot().map(|b| b.pack.clone())
    }

    /// The decisions of a conversation, for staff.
    pub async fn decisions(
        &self,
        staff: &crate::auth::Staff,
        conversation: ConversationId,
    ) -> Result<Vec<Decision>> {
        staff.require(tandem_core::permission::Permission::ViewConversations)?;
        self.store
            .get_conversation(conversation)
            .await?
            .ok_or_else(|| Error::not_found("conversation"))?;
        self.store.list_decisions(conversation).await
    }

    /// Lets the bot handle a customer message that was just stored. Quiet unless the conversation
    /// is with the bot. Errors are the caller's to log: the customer's message is already safe.
    pub(crate) async fn bot_turn(&self, conversation: &Conversation, message: &Message) -> Result<()> {
        let Some(bot) = self.bot() else { return Ok(()) };
        if conversation.status != ConversationStatus::Bot {
            return Ok(());
        }
        // A bounded window: the cost of a message does not grow with the conversation.
        let messages = self
            .store
            .recent_messages(conversation.id, false, HISTORY_MESSAGES)
            .await?;
        let history = self
            .store
            .recent_decisions(conversation.id, HISTORY_DECISIONS)
            .await?;
        let bot_texts: Vec<&str> = messages
            .iter()
            .rev()
            .filter(|m| m.author == Author::Bot)
            .take(2)
            .map(|m| m.text.as_str())
            .collect();
        let earlier: Vec<&str> = messages
            .iter()
            .filter(|m| m.author == Author::Customer && m.id != message.id)
            .map(|m| m.text.as_str())
            .collect();
        let mut context = tandem_nlu::signals::Context::new();
        for t in bot_texts.iter().rev() {
            context = context.with_bot_turn(t);
        }
        for t in &earlier {
            context = context.with_earlier_message(t);
        }
        let policy = &bot.pack.manifest.policy;
        let triage = triage::triage(&bot.model, &message.text, &context, policy.person_request_handoff);
        let outcome = policy::decide(&policy::PolicyInput {
            triage: &triage,
            history: &history,
            settings: policy,
            intents: &bot.intents,
        });
        // Every bot turn replies, so the bot has spoken before exactly when it decided before.
        let first_bot_message = history.is_empty();
        let act = self
            .carry_out(&bot, conversation, &message.text, &history, outcome)
            .await;
        self.record(
            &bot,
            conversation,
            message,
            &messages,
            &history,
            &triage,
            act,
            first_bot_message,
        )
        .await
    }

    /// Runs the plan's action: the knowledge base for answers, the connector for actions. Turns
    /// what cannot be done into a clarification or a handoff.
    async fn carry_out(
        &self,
        bot: &BotRuntime,
        conversation: &Conversation,
        question: &str,
        history: &[Decision],
        outcome: Outcome,
    ) -> Action {
        let Outcome { plan, mut reasons } = outcome;
        let texts = &bot.pack.manifest.texts;
        let settings = &bot.pack.manifest.policy;
        let failures = policy::failures_in_a_row(history);
        match plan {
            Plan::Handoff { reason, intent } => Action::handoff(reason, intent, reasons),
            Plan::Acknowledge { intent } => {
                let context = template_context(conversation, &BTreeMap::new(), &[]);
                let template = bot
                    .intents
                    .get(&intent)
                    .and_then(|d| d.template.clone())
                    .unwrap_or_default();
                match render(bot, &template, &context) {
                    Ok(text) => Action::reply(DecisionKind::Acknowledge, Some(intent), text, reasons),
                    Err(e) => {
                        reasons.push(e);
                        Action::handoff(HandoffReason::ActionFailed, Some(intent), reasons)
                    }
                }
            }
            Plan::Answer { intent } => {
                let tags = bot
                    .intents
                    .get(&intent)
                    .map(|d| d.article_tags.clone())
                    .unwrap_or_default();
                match bot.knowledge.answer(question, &tags) {
                    Some(passage) => {
                        reasons.push(format!(
                            "best passage from \"{}\" (relevance {:.2})",
                            passage.title, passage.score
                        ));
                        let text = format!("{}\n\n(From our help centre: {})", passage.text, passage.title);
                        let mut action = Action::reply(DecisionKind::Answer, Some(intent), text, reasons);
                        action.sources = vec![Source {
                            title: passage.title,
                            url: passage.url,
                        }];
                        action
                    }
                    None => {
                        reasons.push("no article answers it well enough".into());
                        Action::handoff(HandoffReason::LowConfidence, Some(intent), reasons)
                    }
                }
            }
            Plan::Clarify { intent, slot } => {
                let prompt = slot
                    .as_ref()
                    .and_then(|s| {
                        intent
                            .as_ref()
                            .and_then(|i| bot.intents.get(i))
                            .and_then(|d| d.slots.iter().find(|x| &x.name == s))
                    })
                    .map(|s| s.prompt.clone())
                    .unwrap_or_else(|| texts.rephrase.clone());
                let mut action = Action::reply(DecisionKind::Clarify, intent, prompt, reasons);
                action.slot = slot;
                action
            }
            Plan::Act { intent, slots } => {
                let Some(def) = bot.intents.get(&intent) else {
                    return Action::handoff(HandoffReason::ActionFailed, Some(intent), reasons);
                };
                if settings.require_signed_identity && !conversation.customer_verified {
                    reasons.push(
                        "account data needs a signed identity and this customer's is not signed".into(),
                    );
                    return Action::handoff(HandoffReason::Policy, Some(intent), reasons);
                }
                let connector = def.connector.clone().unwrap_or_default();
                let input = ConnectorInput {
                    slots: slots.clone(),
                    customer_email: conversation.customer.email.clone(),
                    customer_name: conversation.customer.name.clone(),
                };
                match bot.connectors.run(&connector, &input).await {
                    Err(e) => {
                        reasons.push(format!("connector `{connector}` failed: {e}"));
                        Action::handoff(HandoffReason::ActionFailed, Some(intent), reasons)
                    }
                    Ok(output) if output.rows.is_empty() => {
                        if output.withheld > 0 {
                            reasons
                                .push("the record belongs to another customer: treated as not found".into());
                        } else {
                            reasons.push("no record found".into());
                        }
                        let slot = def.slots.first().map(|s| s.name.clone());
                        let out = policy::failure(
                            HandoffReason::RepeatedFailure,
                            Some(intent.clone()),
                            slot.clone(),
                            failures,
                            settings,
                            reasons,
                        );
                        match out.plan {
                            Plan::Handoff { reason, intent } => Action::handoff(reason, intent, out.reasons),
                            _ => {
                                let mut action = Action::reply(
                                    DecisionKind::Clarify,
                                    Some(intent),
                                    texts.not_found.clone(),
                                    out.reasons,
                                );
                                action.slot = slot;
                                action
                            }
                        }
                    }
                    Ok(output) => {
                        let context = template_context(conversation, &slots, &output.rows);
                        let template = def.template.clone().unwrap_or_default();
                        match render(bot, &template, &context) {
                            Ok(text) => {
                                reasons.push(format!(
                                    "connector `{connector}` returned {} record(s)",
                                    output.rows.len()
                                ));
                                let mut action =
                                    Action::reply(DecisionKind::Resolve, Some(intent), text, reasons);
                                action.slots = slots;
                                action
                            }
                            Err(e) => {
                                reasons.push(e);
                                Action::handoff(HandoffReason::ActionFailed, Some(intent), reasons)
                            }
                        }
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn record(
        &self,
        bot: &BotRuntime,
        conversation: &Conversation,
        message: &Message,
        messages: &[Message],
        history: &[Decision],
        triage: &Triage,
        action: Action,
        first_bot_message: bool,
    ) -> Result<()> {
        let texts = &bot.pack.manifest.texts;
        let mut change = ConversationChange {
            triage: Some(serde_json::to_value(triage).unwrap_or_default()),
            ..Default::default()
        };
        let mut text = action.text.clone();
        if let Some(reason) = action.handoff {
            let def = action.intent.as_ref().and_then(|i| bot.intents.get(i));
            let team_name = def
                .and_then(|d| d.team.clone())
                .or_else(|| bot.pack.manifest.routing.default_team.clone());
            let team = match team_name {
                Some(name) => self.store.team_by_name(&name).await?.map(|t| t.id),
                None => None,
            };
            let mut priority = def
                .and_then(|d| d.priority.as_deref())
                .and_then(|p| Priority::parse(p).ok())
                .unwrap_or(Priority::Normal);
            // Frustration and urgency raise the priority.
            let s = &triage.signals;
            if s.frustration.score >= bot.pack.manifest.policy.frustration_handoff || s.urgency.score >= 0.7 {
                priority = match priority {
                    Priority::Low | Priority::Normal => Priority::High,
                    _ => Priority::Urgent,
                };
            }
            let earlier = self
                .store
                .count_customer_conversations(conversation.customer.id)
                .await
                .map(|n| usize::try_from(n.saturating_sub(1)).unwrap_or(0))
                .unwrap_or(0);
            let summary = summary::summarize(&summary::SummaryInput {
                conversation,
                messages,
                history,
                triage,
                reason,
                intent: def,
                earlier_conversations: earlier,
            });
            let target = bot.pack.manifest.routing.sla.get(priority.as_str()).copied();
            if let Some(target) = target {
                let now = chrono::Utc::now();
                let minutes = |m: u32| chrono::Duration::minutes(i64::from(m));
                change.sla_due = Some((
                    now + minutes(target.first_response_minutes),
                    now + minutes(target.resolution_minutes),
                ));
            }
            change.status = Some(ConversationStatus::Queued);
            change.priority = Some(priority);
            change.team = team.map(Some);
            change.handoff = Some(reason);
            change.summary = Some(summary);
            text = texts.handoff.clone();
        }
        if first_bot_message {
            text = format!("{}\n\n{}", texts.disclosure, text);
        }
        let decision = NewDecision {
            message_id: message.id,
            kind: if action.handoff.is_some() {
                DecisionKind::Handoff
            } else {
                action.kind
            },
            intent: action.intent.clone(),
            confidence: triage.confidence,
            top_intents: triage.top_intents.clone(),
            signals: serde_json::to_value(&triage.signals).unwrap_or_default(),
            reasons: action.reasons.clone(),
            handoff_reason: action.handoff,
            slot: action.slot.clone(),
            entities: serde_json::json!({ "found": triage.entities, "slots": action.slots }),
        };
        let reply = NewMessage {
            conversation_id: conversation.id,
            author: Author::Bot,
            author_user_id: None,
            text,
            internal: false,
            sources: action.sources.clone(),
            actor: Actor::Bot,
        };
        let Some(outcome) = self
            .store
            .record_bot_turn(BotTurn {
                conversation_id: conversation.id,
                decision,
                reply: Some(reply),
                change,
            })
            .await?
        else {
            tracing::debug!(conversation = %conversation.id, "another bot turn handed the case over first");
            return Ok(());
        };
        self.publish_committed().await;
        if action.handoff.is_some() {
            self.route(&outcome.conversation, bot.pack.manifest.routing.agent_capacity)
                .await?;
        }
        Ok(())
    }
}

fn template_context(
    conversation: &Conversation,
    slots: &BTreeMap<String, String>,
    rows: &[crate::connectors::Row],
) -> serde_json::Value {
    serde_json::json!({
        "customer": { "name": conversation.customer.name, "email": conversation.customer.email },
        "slots": slots,
        "rows": rows,
        "row": rows.first(),
    })
}

fn render(
    bot: &BotRuntime,
    template: &str,
    context: &serde_json::Value,
) -> std::result::Result<String, String> {
    let t = bot
        .templates
        .get_template(template)
        .map_err(|e| format!("template `{template}` is missing: {e}"))?;
    let text = t
        .render(context)
        .map_err(|e| format!("template `{template}` failed: {e}"))?;
    let text = text.trim().to_owned();
    if text.is_empty() {
        return Err(format!("template `{template}` rendered nothing"));
    }
    Ok(text)
}

/// What the bot will say and record.
struct Action {
    kind: DecisionKind,
    intent: Option<String>,
    text: String,
    reasons: Vec<String>,
    handoff: Option<HandoffReason>,
    slot: Option<String>,
    slots: BTreeMap<String, String>,
    sources: Vec<Source>,
}

impl Action {
    fn reply(kind: DecisionKind, intent: Option<String>, text: String, reasons: Vec<String>) -> Self {
        Self {
            kind,
            intent,
            text,
            reasons,
            handoff: None,
            slot: None,
            slots: BTreeMap::new(),
            sources: Vec::new(),
        }
    }

    fn handoff(reason: HandoffReason, intent: Option<String>, reasons: Vec<String>) -> Self {
        Self {
            kind: DecisionKind::Handoff,
            intent,
            text: String::new(),
            reasons,
            handoff: Some(reason),
            slot: None,
            slots: BTreeMap::new(),
            sources: Vec::new(),
        }
    }
}
