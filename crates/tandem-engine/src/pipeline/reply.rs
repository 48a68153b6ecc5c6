//! Recording a turn: the decision, its reply (with the bot's disclosure on its first message) and
//! the change to the conversation, in one transaction; then routing a case handed to people (to
//! the agent chosen before, so the decision says why) and suggesting its root cause.

use std::collections::BTreeMap;
use std::sync::Arc;

use tandem_core::decision::DecisionKind;
use tandem_core::event::Actor;
use tandem_core::model::{Author, Conversation};
use tandem_store::{BotTurn, ConversationChange, NewDecision, NewMessage};

use super::act::Action;
use super::{Pipeline, Turn};
use crate::runtime::BotRuntime;
use crate::Result;

impl Pipeline<'_> {
    /// Writes the decision, its reply and the change to the conversation in one transaction, has
    /// the relay publish them, and routes a case handed to people.
    pub(crate) async fn record(&self, turn: &Turn<'_>, action: Action) -> Result<()> {
        let texts = &turn.bot.pack.manifest.texts;
        let triage = &turn.triage;
        let (mut change, mut text) = match action.handoff_reason() {
            Some(reason) => (self.handoff(turn, &action, reason).await?, texts.handoff.clone()),
            None => (ConversationChange::default(), action.text.clone()),
        };
        let record = triage.record();
        change.triage = Some(record.clone());
        if action.verified {
            change.customer_verified = Some(true);
        }
        if turn.first_bot_message() {
            text = format!("{}\n\n{}", texts.disclosure, text);
        }
        // Who the case goes to is chosen now, so the decision record says why (a case a person
        // holds already stays theirs).
        let plan = match action.handoff_reason() {
            Some(reason) if turn.conversation.assignee_id.is_none() => {
                let team = change.team.unwrap_or(turn.conversation.team_id);
                Some(
                    self.engine
                        .routing()
                        .plan(team, reason, &turn.bot.pack.manifest.routing)
                        .await?,
                )
            }
            _ => None,
        };
        let mut decision = NewDecision {
            message_id: turn.message.id,
            verdict: action.verdict.clone(),
            intent: action.intent.clone(),
            confidence: triage.confidence,
            top_intents: triage.top_intents.clone(),
            signals: record.signals,
            // What is kept with the decision holds no personal data (the message itself does).
            reasons: action.reasons.iter().map(|r| crate::privacy::redact(r)).collect(),
            entities: {
                let mut slots = serde_json::json!(action.slots);
                crate::privacy::redact_json(&mut slots);
                serde_json::json!({ "found": record.entities, "slots": slots })
            },
        };
        // Staff names, not the customer's data: kept as they are.
        decision
            .reasons
            .extend(plan.iter().flat_map(|p| p.reasons.iter().cloned()));
        let reply = NewMessage {
            conversation_id: turn.conversation.id,
            author: Author::Bot,
            author_user_id: None,
            preview: crate::privacy::redact(&text),
            text,
            internal: false,
            sources: action.sources.clone(),
            choices: action.choices.clone(),
            choice: None,
            actor: Actor::Bot,
            attachments: Vec::new(),
        };
        let recorded = self
            .engine
            .store
            .record_bot_turn(BotTurn {
                conversation_id: turn.conversation.id,
                decision,
                reply: Some(reply),
                change,
            })
            .await?;
        let Some(outcome) = recorded else {
            tracing::debug!(conversation = %turn.conversation.id, "another bot turn handed the case over first");
            return Ok(());
        };
        self.engine.events().publish_committed().await;
        let guess = crate::supervision::reviews::Unsure {
            kind: action.verdict.kind(),
            handoff_reason: action.handoff_reason(),
            acted_on: action.intent.as_deref(),
            guess: triage
                .intent
                .as_deref()
                .or(triage.top_intents.first().map(|i| i.intent.as_str())),
            confidence: triage.confidence,
            out_of_scope: triage.out_of_scope || triage.intent.is_none(),
        };
        self.engine.reviews().unsure(turn.message, &guess).await;
        let answered = turn
            .history
            .last()
            .is_some_and(|d| matches!(d.kind, DecisionKind::Resolve | DecisionKind::Answer));
        let earlier = turn.messages.iter().rev().find(|m| m.author == Author::Bot);
        self.engine
            .reviews()
            .after_answer(earlier, answered, action.handoff_reason())
            .await;
        if let Some(plan) = plan {
            self.engine
                .routing()
                .assign(&outcome.conversation, plan.agent)
                .await?;
        }
        if action.handoff_reason().is_some() {
            let mut said = turn.messages.clone();
            if !said.iter().any(|m| m.id == turn.message.id) {
                said.push(turn.message.clone());
            }
            self.engine.suggest_root_cause(&outcome.conversation, &said).await;
        }
        Ok(())
    }
}

pub(crate) fn template_context(
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

/// Renders a reply template on a blocking thread: a render may do up to
/// [`crate::pack::rules::TEMPLATE_FUEL`] units of work, which must not hold up the async
/// workers that answer every other request.
pub(crate) async fn render(
    bot: &Arc<BotRuntime>,
    template: &str,
    context: serde_json::Value,
) -> std::result::Result<String, String> {
    let bot = Arc::clone(bot);
    let name = template.to_owned();
    tokio::task::spawn_blocking(move || render_now(&bot, &name, &context))
        .await
        .map_err(|e| format!("template `{template}` failed: {e}"))?
}

fn render_now(
    bot: &BotRuntime,
    template: &str,
    context: &serde_json::Value,
) -> std::result::Result<String, String> {
    let t = bot
        .templates
        .get_template(template)
        .map_err(|e| format!("template `{template}` is missing: {e}"))?;
    let text = crate::pack::rules::render_bounded(&t, context)
        .map_err(|e| format!("template `{template}` failed: {e}"))?;
    let text = text.trim().to_owned();
    if text.is_empty() {
        return Err(format!("template `{template}` rendered nothing"));
    }
    Ok(text)
}
