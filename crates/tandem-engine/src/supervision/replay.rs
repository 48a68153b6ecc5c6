//! Replay: which of the latest customer messages a model would decide differently from the active
//! one. Each message is decided the way the bot decides a first message: triaged by each model
//! without the conversation around it, then the pack's real policy with no earlier decisions and
//! no choice, the customer's identity as the conversation's. The kind of decision is the one the
//! plan leads to without running connectors: an action counts as resolved, and an answer needs an
//! article that answers it well enough (the knowledge base is asked, as the bot asks it), else it
//! is handed over.
//!
//! The active pack's rules, intents and knowledge judge both models: promoting a model changes the
//! model only.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use tandem_core::decision::{DecisionKind, HandoffReason};
use tandem_core::ids::{ConversationId, MessageId};
use tandem_core::permission::Permission;
use tandem_core::Error;
use tandem_nlu::intent::IntentModel;
use utoipa::ToSchema;

use super::models::Models;
use crate::auth::Staff;
use crate::knowledge::KnowledgeBase;
use crate::pack::model::{IntentDef, PolicySettings};
use crate::pipeline::identity::as_policy_sees_it;
use crate::pipeline::policy::{self, Identity, Plan, PolicyInput};
use crate::pipeline::triage;
use crate::Result;

/// How many messages a replay reads when not told.
pub const DEFAULT_LIMIT: i64 = 200;
/// The most messages one replay reads.
pub const MAX_LIMIT: i64 = 1000;

/// What the bot would do about a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Decided {
    pub kind: DecisionKind,
    pub intent: Option<String>,
    /// For a handoff: why.
    pub handoff_reason: Option<HandoffReason>,
}

impl Decided {
    /// Whether the customer would see another decision: another kind or another intent (a
    /// different reason for the same handoff is not).
    fn differs(&self, other: &Decided) -> bool {
        self.kind != other.kind || self.intent != other.intent
    }
}

/// A message the two models would decide differently.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Changed {
    pub message_id: MessageId,
    pub conversation_id: ConversationId,
    /// The customer's message, personal data redacted.
    pub text: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// With the active model.
    pub active: Decided,
    /// With the replayed model.
    pub candidate: Decided,
}

/// The outcome of a replay.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Replay {
    /// The replayed model.
    pub model_id: String,
    /// The model the bot runs.
    pub active_model_id: String,
    /// How many messages were replayed (the latest, at most the limit asked for).
    pub total: usize,
    /// The messages decided differently, newest first.
    pub changed: Vec<Changed>,
}

/// What decides a message in a replay: a pack's policy settings, intents and knowledge, and a model.
#[derive(Clone, Copy)]
pub struct Judge<'a> {
    pub settings: &'a PolicySettings,
    pub intents: &'a BTreeMap<String, IntentDef>,
    pub knowledge: &'a KnowledgeBase,
    pub model: &'a IntentModel,
}

impl Judge<'_> {
    /// What the bot would decide about `text` as the first message of a conversation.
    pub fn decide(&self, text: &str, identity: Identity) -> Decided {
        let context = tandem_nlu::signals::Context::new();
        let triage = triage::triage(self.model, text, &context, self.settings.person_request_handoff);
        let outcome = policy::decide(&PolicyInput {
            triage: &triage,
            history: &[],
            settings: self.settings,
            intents: self.intents,
            identity,
            choice: None,
            value_only: policy::only_values(text, &triage.entities),
            calls_off: policy::calls_off(text),
        });
        self.kind_of(text, outcome.plan)
    }

    /// The decision a plan leads to, connectors not run.
    fn kind_of(&self, text: &str, plan: Plan) -> Decided {
        let decided = |kind, intent| Decided {
            kind,
            intent,
            handoff_reason: None,
        };
        match plan {
            Plan::Handoff { reason, intent } => Decided {
                kind: DecisionKind::Handoff,
                intent,
                handoff_reason: Some(reason),
            },
            Plan::Acknowledge { intent } | Plan::Drop { intent } => {
                decided(DecisionKind::Acknowledge, Some(intent))
            }
            Plan::Answer { intent } => {
                if crate::pipeline::act::answer_within(self.knowledge, self.intents, &intent, text).is_some()
                {
                    decided(DecisionKind::Answer, Some(intent))
                } else {
                    Decided {
                        kind: DecisionKind::Handoff,
                        intent: Some(intent),
                        handoff_reason: Some(HandoffReason::LowConfidence),
                    }
                }
            }
            Plan::Clarify { intent, .. } => decided(DecisionKind::Clarify, intent),
            // The identity question is asked first.
            Plan::Verify { intent, .. } => decided(DecisionKind::Clarify, Some(intent)),
            Plan::Act { intent, .. } | Plan::CheckIdentity { intent, .. } => {
                decided(DecisionKind::Resolve, Some(intent))
            }
        }
    }
}

/// One message to replay, with what the policy knows of the customer.
struct Case {
    message_id: MessageId,
    conversation_id: ConversationId,
    text: String,
    created_at: chrono::DateTime<chrono::Utc>,
    identity: Identity,
}

/// Checks the number of messages asked for.
pub fn check_limit(limit: i64) -> Result<i64> {
    crate::input::limit_within(limit, MAX_LIMIT)
}

impl Models<'_> {
    /// Which of the latest `limit` customer messages (1 to [`MAX_LIMIT`]) the model `id` would
    /// decide differently from the active model.
    pub async fn replay(&self, staff: &Staff, id: &str, limit: i64) -> Result<Replay> {
        staff.require(Permission::ManageModels)?;
        let limit = check_limit(limit)?;
        let engine = self.engine;
        let record = engine
            .store
            .model(id)
            .await?
            .ok_or_else(|| Error::not_found("model"))?;
        let bot = self.engine.runtime().running()?;
        let candidate = if record.id == bot.model_id {
            None
        } else {
            Some(self.stored(id).await?)
        };
        let messages = engine.store.latest_customer_messages(limit).await?;
        let mut conversations = HashMap::new();
        let mut cases = Vec::with_capacity(messages.len());
        for message in &messages {
            if let Entry::Vacant(slot) = conversations.entry(message.conversation_id) {
                slot.insert(engine.store.get_conversation(message.conversation_id).await?);
            }
            // A conversation erased meanwhile is left out.
            let Some(Some(conversation)) = conversations.get(&message.conversation_id) else {
                continue;
            };
            cases.push(Case {
                message_id: message.id,
                conversation_id: message.conversation_id,
                text: message.text.clone(),
                created_at: message.created_at,
                identity: as_policy_sees_it(engine, &bot.pack.manifest, conversation, message),
            });
        }
        let total = cases.len();
        let active_model_id = bot.model_id.clone();
        // Two triages per message (with the semantic tier, two sentence-model readings): off the
        // async threads.
        let changed = tokio::task::spawn_blocking(move || {
            let Some(candidate) = candidate else {
                return Vec::new();
            };
            let active = Judge {
                settings: &bot.pack.manifest.policy,
                intents: &bot.intents,
                knowledge: &bot.knowledge,
                model: &bot.model,
            };
            let replayed = Judge {
                model: &candidate,
                ..active
            };
            cases
                .into_iter()
                .filter_map(|case| {
                    let before = active.decide(&case.text, case.identity);
                    let after = replayed.decide(&case.text, case.identity);
                    before.differs(&after).then(|| Changed {
                        message_id: case.message_id,
                        conversation_id: case.conversation_id,
                        text: crate::privacy::redact(&case.text),
                        created_at: case.created_at,
                        active: before,
                        candidate: after,
                    })
                })
                .collect()
        })
        .await
        .map_err(|e| Error::internal(format!("the replay stopped: {e}")))?;
        Ok(Replay {
            model_id: record.id,
            active_model_id,
            total,
            changed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_between_one_and_the_most() {
        for bad in [0, -1, MAX_LIMIT + 1, i64::MAX, i64::MIN] {
            assert!(check_limit(bad).is_err(), "{bad}");
        }
        assert_eq!(check_limit(1).ok(), Some(1));
        assert_eq!(check_limit(MAX_LIMIT).ok(), Some(MAX_LIMIT));
    }

    #[test]
    fn another_reason_for_the_same_handoff_is_no_change() {
        let handoff = |reason| Decided {
            kind: DecisionKind::Handoff,
            intent: None,
            handoff_reason: Some(reason),
        };
        let low = handoff(HandoffReason::LowConfidence);
        assert!(!low.differs(&handoff(HandoffReason::OutOfScope)));
        let answer = Decided {
            kind: DecisionKind::Answer,
            intent: Some("returns".into()),
            handoff_reason: None,
        };
        assert!(low.differs(&answer));
        let other = Decided {
            intent: Some("hours".into()),
            ..answer.clone()
        };
        assert!(answer.differs(&other));
    }
}
