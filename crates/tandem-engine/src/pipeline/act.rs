//! Carrying out the policy's plan: the knowledge base for answers, the connector for actions,
//! the templates for replies. What cannot be done becomes a clarification or a handoff.

use std::collections::BTreeMap;

use tandem_core::decision::{HandoffReason, Verdict};
use tandem_core::model::{Choice, Source};

use super::policy::{self, Outcome, Plan};
use super::reply::{render, template_context};
use super::{choices, identity};
use super::{Pipeline, Turn};
use crate::connectors::ConnectorInput;

/// The passage that answers an FAQ question from its intent's articles (those with the intent's
/// `article_tags`), if one answers it well enough.
pub(crate) fn answer_within(
    knowledge: &crate::knowledge::KnowledgeBase,
    intents: &BTreeMap<String, crate::pack::model::IntentDef>,
    intent: &str,
    question: &str,
) -> Option<crate::knowledge::Passage> {
    let tags = intents
        .get(intent)
        .map(|d| d.article_tags.clone())
        .unwrap_or_default();
    knowledge.answer(question, &tags)
}

impl Pipeline<'_> {
    /// Runs the plan's action: the knowledge base for answers, the connector for actions. Turns
    /// what cannot be done into a clarification or a handoff.
    pub(crate) async fn carry_out(&self, turn: &Turn<'_>, outcome: Outcome) -> Action {
        let bot = &turn.bot;
        let conversation = turn.conversation;
        let question = turn.message.text.as_str();
        let Outcome { plan, mut reasons } = outcome;
        let texts = &bot.pack.manifest.texts;
        match plan {
            Plan::Handoff { reason, intent } => Action::handoff(reason, intent, reasons),
            Plan::Acknowledge { intent } => {
                let context = template_context(conversation, &BTreeMap::new(), &[]);
                let template = bot
                    .intents
                    .get(&intent)
                    .and_then(|d| d.template.clone())
                    .unwrap_or_default();
                match render(bot, &template, context).await {
                    Ok(text) => Action::reply(Verdict::Acknowledge, Some(intent), text, reasons),
                    Err(e) => {
                        reasons.push(e);
                        Action::handoff(HandoffReason::ActionFailed, Some(intent), reasons)
                    }
                }
            }
            Plan::Answer { intent } => {
                match answer_within(&bot.knowledge, &bot.intents, &intent, question) {
                    Some(passage) => {
                        reasons.push(format!(
                            "best passage from \"{}\" (relevance {:.2})",
                            passage.title, passage.score
                        ));
                        // The article is named once, as the answer's source (not in its text too).
                        let mut action = Action::reply(Verdict::Answer, Some(intent), passage.text, reasons);
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
                let prompt = slot.as_ref().and_then(|s| {
                    intent
                        .as_ref()
                        .and_then(|i| bot.intents.get(i))
                        .and_then(|d| d.slots.iter().find(|x| &x.name == s))
                });
                match prompt {
                    Some(p) => Action::reply(Verdict::Clarify { slot }, intent, p.prompt.clone(), reasons),
                    // Not understood, or unsure between intents: ask with choices.
                    None => {
                        let choices = choices::offer(&turn.triage, &bot.intents, &texts.talk_to_person);
                        if choices.len() < 2 {
                            // The model knows no intent to offer: ask to rephrase.
                            return Action::reply(
                                Verdict::Clarify { slot },
                                intent,
                                texts.rephrase.clone(),
                                reasons,
                            );
                        }
                        let offered: Vec<&str> = choices.iter().map(|c| c.intent.as_str()).collect();
                        reasons.push(format!("offered the choices {}", offered.join(", ")));
                        let mut action =
                            Action::reply(Verdict::Clarify { slot }, intent, texts.choose.clone(), reasons);
                        action.choices = choices;
                        action
                    }
                }
            }
            Plan::Act { intent, slots } => self.run_intent(turn, intent, slots, reasons).await,
            Plan::Drop { intent } => {
                Action::reply(Verdict::Acknowledge, Some(intent), texts.dropped.clone(), reasons)
            }
            Plan::Verify { intent, slots } => {
                let Some(challenge) = &bot.pack.manifest.identity.challenge else {
                    reasons.push("the pack has no identity question".into());
                    return Action::handoff(HandoffReason::Policy, Some(intent), reasons);
                };
                Action::ask_identity(intent, slots, challenge.prompt.clone(), reasons)
            }
            Plan::CheckIdentity { intent, slots } => self.check_identity(turn, intent, slots, reasons).await,
        }
    }

    /// The customer answered the identity question: on a match the intent runs (and the
    /// conversation is verified from now on); a wrong answer is asked again until the tries run
    /// out, then a person takes over.
    async fn check_identity(
        &self,
        turn: &Turn<'_>,
        intent: String,
        slots: BTreeMap<String, String>,
        mut reasons: Vec<String>,
    ) -> Action {
        let bot = &turn.bot;
        let customer = &turn.conversation.customer;
        let Some(challenge) = &bot.pack.manifest.identity.challenge else {
            reasons.push("the pack has no identity question any more".into());
            return Action::handoff(HandoffReason::Policy, Some(intent), reasons);
        };
        let checked = identity::check(
            bot,
            challenge,
            &customer.email,
            &customer.name,
            &turn.message.text,
        )
        .await;
        match checked {
            Err(e) => {
                reasons.push(e);
                Action::handoff(HandoffReason::ActionFailed, Some(intent), reasons)
            }
            Ok(identity::Check::Match) => {
                reasons.push(format!(
                    "identity verified: the answer matches `{}` of the customer's record",
                    challenge.field
                ));
                let mut action = self.run_intent(turn, intent, slots, reasons).await;
                action.verified = true;
                action
            }
            Ok(identity::Check::Mismatch) => {
                identity::count_wrong_answer(self.engine, &customer.email);
                reasons.push(format!(
                    "the answer does not match `{}` of the customer's record",
                    challenge.field
                ));
                let tries = policy::identity_tries(&turn.history);
                let max = bot.pack.manifest.policy.max_failed_tries;
                if tries >= max {
                    reasons.push(format!(
                        "{tries} wrong answers (limit {max}): a person takes over"
                    ));
                    return Action::handoff(HandoffReason::Policy, Some(intent), reasons);
                }
                let text = format!("{}\n\n{}", challenge.mismatch, challenge.prompt);
                Action::ask_identity(intent, slots, text, reasons)
            }
        }
    }

    /// Runs the intent's connector with the slot values and renders its template.
    async fn run_intent(
        &self,
        turn: &Turn<'_>,
        intent: String,
        slots: BTreeMap<String, String>,
        mut reasons: Vec<String>,
    ) -> Action {
        let bot = &turn.bot;
        let conversation = turn.conversation;
        let texts = &bot.pack.manifest.texts;
        let settings = &bot.pack.manifest.policy;
        let failures = policy::failures_in_a_row(&turn.history);
        let Some(def) = bot.intents.get(&intent) else {
            return Action::handoff(HandoffReason::ActionFailed, Some(intent), reasons);
        };
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
                    reasons.push("the record belongs to another customer: treated as not found".into());
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
                    _ => Action::reply(
                        Verdict::Clarify { slot },
                        Some(intent),
                        texts.not_found.clone(),
                        out.reasons,
                    ),
                }
            }
            Ok(output) => {
                let context = template_context(conversation, &slots, &output.rows);
                let template = def.template.clone().unwrap_or_default();
                match render(bot, &template, context).await {
                    Ok(text) => {
                        reasons.push(format!(
                            "connector `{connector}` returned {} record(s)",
                            output.rows.len()
                        ));
                        let mut action = Action::reply(Verdict::Resolve, Some(intent), text, reasons);
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

/// What the bot will say and record.
pub(crate) struct Action {
    /// What it did, as recorded with the decision.
    pub(crate) verdict: Verdict,
    pub(crate) intent: Option<String>,
    pub(crate) text: String,
    pub(crate) reasons: Vec<String>,
    /// The values the action ran with (or, when the bot asks the identity question, will run with).
    pub(crate) slots: BTreeMap<String, String>,
    pub(crate) sources: Vec<Source>,
    /// For a question the customer may answer with a click: the choices offered.
    pub(crate) choices: Vec<Choice>,
    /// The customer proved their identity in this turn: the conversation is verified from now on.
    pub(crate) verified: bool,
}

impl Action {
    pub(crate) fn reply(
        verdict: Verdict,
        intent: Option<String>,
        text: String,
        reasons: Vec<String>,
    ) -> Self {
        Self {
            verdict,
            intent,
            text,
            reasons,
            slots: BTreeMap::new(),
            sources: Vec::new(),
            choices: Vec::new(),
            verified: false,
        }
    }

    /// Asks the identity question, keeping the values the intent runs with once it is answered.
    pub(crate) fn ask_identity(
        intent: String,
        slots: BTreeMap<String, String>,
        text: String,
        reasons: Vec<String>,
    ) -> Self {
        let slot = Some(policy::IDENTITY_SLOT.to_owned());
        let mut action = Self::reply(Verdict::Clarify { slot }, Some(intent), text, reasons);
        action.slots = slots;
        action
    }

    pub(crate) fn handoff(reason: HandoffReason, intent: Option<String>, reasons: Vec<String>) -> Self {
        Self::reply(Verdict::Handoff { reason }, intent, String::new(), reasons)
    }

    /// Why the case goes to people, when it does.
    pub(crate) fn handoff_reason(&self) -> Option<HandoffReason> {
        self.verdict.handoff_reason()
    }
}
