//! The policy: one plan per customer message, with its reasons in words. Pure: it sees the triage,
//! the conversation's earlier decisions, the pack's settings and intents, whether the customer's
//! identity is signed, and nothing else. Every rule of the bot lives here: the signals that hand a
//! case over, confidence thresholds, slots, pending questions, failed tries (asking again or
//! handing over), the signed-identity rule for account data, and a handed-over case's priority. The
//! rules are the pack's data (thresholds, intent kinds, slots), not code paths per intent.

use std::collections::BTreeMap;

use tandem_core::decision::{Decision, DecisionKind, HandoffReason, IntentScore};
use tandem_core::model::{Priority, HUMAN_CHOICE};
use tandem_nlu::entities::EntityKind;
use tandem_nlu::signals::Signals;

use super::triage::Triage;
use crate::pack::model::{IntentDef, IntentKind, PolicySettings, Verification};

/// The slot name under which the bot asks the identity challenge (a pack's slots may not use it).
pub const IDENTITY_SLOT: &str = "identity";

/// What the bot will do.
#[derive(Clone, Debug, PartialEq)]
pub enum Plan {
    Handoff {
        reason: HandoffReason,
        intent: Option<String>,
    },
    Acknowledge {
        intent: String,
    },
    Answer {
        intent: String,
    },
    /// Ask for a missing value (`slot`) or, without a slot, ask the customer to rephrase.
    Clarify {
        intent: Option<String>,
        slot: Option<String>,
    },
    /// Run the intent's connector with these slot values.
    Act {
        intent: String,
        slots: BTreeMap<String, String>,
    },
    /// The customer called off the request the bot was asking about: say so, ask nothing.
    Drop {
        intent: String,
    },
    /// Ask the identity challenge before running the intent's connector with these values.
    Verify {
        intent: String,
        slots: BTreeMap<String, String>,
    },
    /// The message answers the identity challenge: check it, then run the intent's connector.
    CheckIdentity {
        intent: String,
        slots: BTreeMap<String, String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub plan: Plan,
    pub reasons: Vec<String>,
}

pub struct PolicyInput<'a> {
    pub triage: &'a Triage,
    /// The conversation's earlier decisions, oldest first.
    pub history: &'a [Decision],
    pub settings: &'a PolicySettings,
    pub intents: &'a BTreeMap<String, IntentDef>,
    pub identity: Identity,
    /// The intent the customer picked from the bot's choices (`human`: a person), when the
    /// message is such a click.
    pub choice: Option<&'a str>,
    /// The message is only a value ("A1001", "it's A1001"): see [`only_values`].
    pub value_only: bool,
    /// The message calls off what the bot asked about ("never mind"): see [`calls_off`].
    pub calls_off: bool,
}

/// Whole messages that call off the request the bot is asking about.
const CALL_OFF: &[&str] = &[
    "never mind",
    "nevermind",
    "nvm",
    "forget it",
    "forget about it",
    "forget that",
    "cancel",
    "cancel that",
    "cancel it",
    "stop",
    "no thanks",
    "no thank you",
    "not anymore",
    "not any more",
    "doesn't matter",
    "it doesn't matter",
    "don't bother",
    "skip it",
    "leave it",
    "i changed my mind",
    "changed my mind",
    "no need",
    "not needed",
    "doesnt matter",
    "dont bother",
];

/// Whether the message only calls off the pending request ("never mind", "oh forget it",
/// "cancel that please"): filler words around one of [`CALL_OFF`].
pub fn calls_off(text: &str) -> bool {
    let normalized = tandem_nlu::text::normalize(text);
    let words: Vec<&str> = normalized
        .split_whitespace()
        .filter(|w| {
            !matches!(
                *w,
                "oh" | "ok"
                    | "okay"
                    | "actually"
                    | "please"
                    | "pls"
                    | "sorry"
                    | "well"
                    | "then"
                    | "just"
                    | "um"
                    | "uh"
            )
        })
        .collect();
    CALL_OFF.contains(&words.join(" ").as_str())
}

/// Words that may surround a value given on its own ("it's A1001", "order number A1001 please").
const FILLER: &[&str] = &[
    "a", "an", "the", "my", "our", "it", "its", "it's", "is", "was", "that", "this", "one", "here", "order",
    "orders", "number", "no", "nr", "num", "invoice", "email", "e", "mail", "address", "please", "pls",
    "plz", "thanks", "thank", "you", "ok", "okay", "sure", "yes", "yeah", "yep", "of", "for", "i", "think",
    "sorry", "oh", "um", "uh", "hi", "hello", "and", "or", "on",
];

/// Whether the message is only values (an order number, an e-mail address, ...) with at most a
/// few filler words around them: the answer to the bot's question, not a new request, whatever
/// the intent model makes of it ("A1001" alone reads like order tracking).
pub fn only_values(text: &str, entities: &[tandem_nlu::entities::Entity]) -> bool {
    if entities.is_empty() {
        return false;
    }
    let rest = tandem_nlu::text::without_spans(text, entities.iter().map(|e| (e.start, e.end)));
    let normalized = tandem_nlu::text::normalize(&rest);
    let words: Vec<&str> = normalized.split_whitespace().collect();
    words.len() <= 6 && words.iter().all(|w| FILLER.contains(w))
}

/// What the policy knows about who the customer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identity {
    /// What the pack asks of customers before account data.
    pub verification: Verification,
    /// Signed by the business's site, or proven by the challenge earlier in the conversation.
    pub verified: bool,
    /// Whether the customer may answer the pack's challenge (it has one, and this address has not
    /// used up its tries for the day).
    pub challenge: bool,
    /// Whether the message holds something shaped like an answer to the challenge (a number of
    /// the length asked for): then it is read as the answer, whatever the intent model makes of it.
    pub answer_given: bool,
}

/// How many decisions in a row, ending with the latest, were failures (the bot had to ask again).
pub fn failures_in_a_row(history: &[Decision]) -> u32 {
    in_a_row(history, |d| d.kind == DecisionKind::Clarify)
}

/// How many decisions in a row, ending with the latest, are like `like`.
fn in_a_row(history: &[Decision], like: impl Fn(&Decision) -> bool) -> u32 {
    history
        .iter()
        .rev()
        .take_while(|d| like(d))
        .count()
        .try_into()
        .unwrap_or(u32::MAX)
}

/// Decides what to do about the message.
pub fn decide(input: &PolicyInput<'_>) -> Outcome {
    let s = input.settings;
    let mut reasons = Vec::new();
    // A click on one of the bot's choices: the customer said what they mean. The text is the
    // choice's label (the bot's own words), so it carries no signal either.
    let picked;
    let t = match input.choice {
        Some(HUMAN_CHOICE) => {
            reasons.push("the customer picked talking to a person from the bot's choices".into());
            return handoff(HandoffReason::CustomerRequest, None, reasons);
        }
        Some(choice) => {
            reasons.push(format!("the customer picked `{choice}` from the bot's choices"));
            picked = Triage {
                intent: Some(choice.to_owned()),
                confidence: 1.0,
                out_of_scope: false,
                signals: Signals::default(),
                ..input.triage.clone()
            };
            &picked
        }
        None => input.triage,
    };
    let sig = &t.signals;

    let evidence = |signal: &tandem_nlu::signals::Signal| {
        let words: Vec<String> = signal
            .evidence
            .iter()
            .take(3)
            .map(|e| format!("\"{}\"", e.text))
            .collect();
        if words.is_empty() {
            String::new()
        } else {
            format!(" (evidence: {})", words.join(", "))
        }
    };
    // Signals first: a person asked for, abuse, frustration. Each hands the case over.
    let signal_rules = [
        (
            &sig.human_request,
            s.person_request_handoff,
            HandoffReason::CustomerRequest,
            "the customer asked for a person",
        ),
        (
            &sig.abuse,
            s.abuse_handoff,
            HandoffReason::Policy,
            "abuse or threat",
        ),
        (
            &sig.frustration,
            s.frustration_handoff,
            HandoffReason::Frustration,
            "the customer is frustrated",
        ),
    ];
    // The intent goes with the handoff (it picks the team) only when the model is sure of it.
    let confident_intent = t.intent.clone().filter(|i| {
        input
            .intents
            .get(i)
            .is_some_and(|def| t.confidence >= threshold(def, s))
    });
    for (signal, threshold, reason, what) in signal_rules {
        if signal.score >= threshold {
            reasons.push(format!(
                "{what}: score {:.2} >= {threshold:.2}{}",
                signal.score,
                evidence(signal)
            ));
            return handoff(reason, confident_intent, reasons);
        }
    }

    let failures = failures_in_a_row(input.history);
    // The answer to the identity challenge, unless the customer clearly moved on to another intent.
    // "Never mind" to the bot's question: the pending request is dropped, nothing is asked again.
    let identity_pending = pending_identity(input);
    let slot_pending = pending_slot(input);
    let pending = identity_pending
        .as_ref()
        .map(|(intent, _)| intent)
        .or(slot_pending.as_ref().map(|(intent, _)| intent))
        .cloned();
    if let Some(intent) = pending.filter(|_| input.calls_off) {
        reasons.push(format!("the customer called off `{intent}`"));
        return Outcome {
            plan: Plan::Drop { intent },
            reasons,
        };
    }
    if let Some((intent, slots)) = identity_pending {
        let moved_on = !input.identity.answer_given
            && !t.out_of_scope
            && t.intent.as_deref().is_some_and(|other| {
                other != intent
                    && input
                        .intents
                        .get(other)
                        .is_some_and(|def| t.confidence >= threshold(def, s))
            });
        if !moved_on {
            if !input.identity.challenge {
                reasons.push(
                    "the identity question cannot be answered now (this address used up its answers for today, or the pack no longer has the question)".into(),
                );
                return handoff(HandoffReason::Policy, Some(intent), reasons);
            }
            reasons.push(format!(
                "the message answers the identity question asked for `{intent}`"
            ));
            return Outcome {
                plan: Plan::CheckIdentity { intent, slots },
                reasons,
            };
        }
    }
    // A value the bot asked for may arrive on its own ("A1001"): continue the pending intent.
    if let Some(pending) = slot_pending {
        let (intent, def) = pending;
        let other = t.intent.as_deref().filter(|i| *i != intent.as_str());
        // A value on its own answers the question, whatever intent the model reads into it.
        let confident_other = !input.value_only && other.is_some() && t.confidence >= threshold(def, s);
        if !confident_other {
            if let Some(slots) = fill_slots(def, t) {
                reasons.push(format!(
                    "the customer gave the value the bot asked for; continuing `{intent}`"
                ));
                return act(input, intent, slots, reasons);
            }
            if t.intent.is_none() || t.intent.as_deref() == Some(intent.as_str()) {
                let slot = input.history.last().and_then(|d| d.slot.clone());
                reasons.push(format!(
                    "the value `{}` for `{intent}` is still missing",
                    slot.as_deref().unwrap_or("?")
                ));
                return failure(
                    HandoffReason::RepeatedFailure,
                    Some(intent),
                    slot,
                    failures,
                    s,
                    reasons,
                );
            }
        }
    }

    let Some(intent) = t.intent.clone() else {
        let best = t
            .top_intents
            .first()
            .map(|i| format!(" (best guess `{}` at {:.2})", i.intent, i.score))
            .unwrap_or_default();
        reasons.push(format!("the message is out of scope{best}"));
        return failure(HandoffReason::OutOfScope, None, None, failures, s, reasons);
    };
    let Some(def) = input.intents.get(&intent) else {
        reasons.push(format!("the model knows `{intent}` but the pack does not"));
        return failure(HandoffReason::LowConfidence, None, None, failures, s, reasons);
    };
    let needed = threshold(def, s);
    // The model's out-of-scope verdict stands unless the message also carries a value the intent
    // needs (an order number for order tracking): that is evidence the model's threshold, tuned
    // on held-out intents, is too strict for this message.
    let slot_evidence = def.slots.iter().any(|slot| slot_value(&slot.entity, t).is_some());
    if t.out_of_scope && !(slot_evidence && t.confidence >= needed) {
        reasons.push(format!(
            "the message is out of scope (best guess `{intent}` at {:.2}, threshold {needed:.2})",
            t.confidence
        ));
        return failure(HandoffReason::OutOfScope, None, None, failures, s, reasons);
    }
    if t.confidence < needed {
        reasons.push(format!(
            "intent `{intent}` at {:.2} is below its threshold {needed:.2}",
            t.confidence
        ));
        return failure(HandoffReason::LowConfidence, None, None, failures, s, reasons);
    }
    reasons.push(format!(
        "intent `{intent}` at {:.2} >= threshold {needed:.2}",
        t.confidence
    ));
    // Unsure between two intents: ask, with both (and a person) as choices.
    if let Some(second) = t.top_intents.iter().find(|s| s.intent != intent) {
        let margin = t.confidence - second.score;
        if input.choice.is_none() && margin < s.min_margin {
            reasons.push(format!(
                "`{intent}` is not clearly ahead of `{}` at {:.2} (margin {margin:.2} < {:.2})",
                second.intent, second.score, s.min_margin
            ));
            return failure(HandoffReason::LowConfidence, None, None, failures, s, reasons);
        }
    }
    if let Some(alternative) = runner_up(input, &intent) {
        reasons.push(format!(
            "`{}` at {:.2} is a real alternative to `{intent}` (>= {:.2})",
            alternative.intent, alternative.score, s.min_runner_up
        ));
        return failure(HandoffReason::LowConfidence, None, None, failures, s, reasons);
    }
    match def.kind {
        IntentKind::Human => {
            let reason = def
                .handoff_reason
                .as_deref()
                .and_then(|r| HandoffReason::parse(r).ok())
                .unwrap_or(HandoffReason::SensitiveTopic);
            reasons.push(format!("`{intent}` is handled by people ({reason})"));
            handoff(reason, Some(intent), reasons)
        }
        IntentKind::OutOfScope => {
            reasons.push(format!("`{intent}` is what the pack does not cover"));
            failure(HandoffReason::OutOfScope, None, None, failures, s, reasons)
        }
        IntentKind::Acknowledge => Outcome {
            plan: Plan::Acknowledge { intent },
            reasons,
        },
        IntentKind::Faq => {
            reasons.push("an FAQ: answer from the knowledge base".into());
            Outcome {
                plan: Plan::Answer { intent },
                reasons,
            }
        }
        IntentKind::Automated => match fill_slots(def, t) {
            Some(slots) => {
                reasons.push(format!(
                    "all values present; run connector `{}`",
                    def.connector.as_deref().unwrap_or("?")
                ));
                act(input, intent, slots, reasons)
            }
            None => {
                let missing = def
                    .slots
                    .iter()
                    .find(|slot| slot_value(slot.entity.as_str(), t).is_none());
                let slot = missing.map(|m| m.name.clone());
                reasons.push(format!("value `{}` is missing", slot.as_deref().unwrap_or("?")));
                failure(
                    HandoffReason::RepeatedFailure,
                    Some(intent),
                    slot,
                    failures,
                    s,
                    reasons,
                )
            }
        },
    }
}

/// Running an intent's connector reveals account data: unless the pack trusts the typed e-mail
/// address, only to a customer whose identity is signed or who answered the challenge; a customer
/// who can do neither is handed to a person.
fn act(
    input: &PolicyInput<'_>,
    intent: String,
    slots: BTreeMap<String, String>,
    mut reasons: Vec<String>,
) -> Outcome {
    let id = input.identity;
    let plan = match id.verification {
        Verification::Email => Plan::Act { intent, slots },
        _ if id.verified => Plan::Act { intent, slots },
        Verification::Challenge if id.challenge => {
            reasons.push(
                "account data: the customer's identity is not verified yet, ask the identity question".into(),
            );
            Plan::Verify { intent, slots }
        }
        Verification::Challenge | Verification::Signed => {
            let why = if id.verification == Verification::Signed {
                "account data needs a signed identity and this customer's is not signed"
            } else {
                "account data needs a verified identity and this customer cannot answer the identity question now"
            };
            reasons.push(why.into());
            return handoff(HandoffReason::Policy, Some(intent), reasons);
        }
    };
    Outcome { plan, reasons }
}

/// How many times in a row, ending with the latest decision, the bot asked the identity question.
pub fn identity_tries(history: &[Decision]) -> u32 {
    in_a_row(history, |d| {
        d.kind == DecisionKind::Clarify && d.slot.as_deref() == Some(IDENTITY_SLOT)
    })
}

/// The intent (and the values it will run with) when the bot's latest decision asked the identity
/// question.
fn pending_identity(input: &PolicyInput<'_>) -> Option<(String, BTreeMap<String, String>)> {
    let last = input.history.last()?;
    if last.kind != DecisionKind::Clarify || last.slot.as_deref() != Some(IDENTITY_SLOT) {
        return None;
    }
    let intent = last.intent.clone()?;
    let slots = last
        .entities
        .get("slots")
        .and_then(|v| v.as_object())
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    Some((intent, slots))
}

/// The urgency score from which a handed-over case gets a higher priority.
const URGENT: f32 = 0.7;

/// The priority of a case handed to people: the intent's (normal when it names none), one step
/// higher when the customer is frustrated or in a hurry.
pub fn handoff_priority(def: Option<&IntentDef>, signals: &Signals, s: &PolicySettings) -> Priority {
    let priority = def
        .and_then(|d| d.priority.as_deref())
        .and_then(|p| Priority::parse(p).ok())
        .unwrap_or(Priority::Normal);
    if signals.frustration.score >= s.frustration_handoff || signals.urgency.score >= URGENT {
        match priority {
            Priority::Low | Priority::Normal => Priority::High,
            _ => Priority::Urgent,
        }
    } else {
        priority
    }
}

/// The second intent, when it is likely enough to be what the customer means although the best
/// one leads by the margin ([`PolicySettings::min_runner_up`]). Only for intents the bot would
/// finish itself (answers, actions, acknowledgements): a case for people reaches a person anyway.
/// Greetings and thanks around a request, and out-of-scope, are not alternatives to it. On
/// Banking77 (fast tier) the messages with such a runner-up are 8% of those the bot would act
/// on and hold half of its mistakes (29% of them wrong, against 4.7% overall): see
/// docs/understanding.md.
fn runner_up<'t>(input: &'t PolicyInput<'_>, intent: &str) -> Option<&'t IntentScore> {
    let s = input.settings;
    let finished_by_bot = input.intents.get(intent).is_some_and(|def| {
        matches!(
            def.kind,
            IntentKind::Faq | IntentKind::Automated | IntentKind::Acknowledge
        )
    });
    if input.choice.is_some() || s.min_runner_up <= 0.0 || !finished_by_bot {
        return None;
    }
    input
        .triage
        .top_intents
        .iter()
        .filter(|i| i.intent != intent)
        .find(|i| {
            input
                .intents
                .get(&i.intent)
                .is_some_and(|def| !matches!(def.kind, IntentKind::Acknowledge | IntentKind::OutOfScope))
        })
        .filter(|i| i.score >= s.min_runner_up)
}

fn threshold(def: &IntentDef, s: &PolicySettings) -> f32 {
    def.threshold.unwrap_or(s.min_confidence)
}

fn handoff(reason: HandoffReason, intent: Option<String>, reasons: Vec<String>) -> Outcome {
    Outcome {
        plan: Plan::Handoff { reason, intent },
        reasons,
    }
}

/// The bot could not act: ask again, or after `max_failed_tries` failures in a row give the case to
/// a person. Out of scope and low confidence keep their reason; failed slots are `repeated_failure`.
pub fn failure(
    reason: HandoffReason,
    intent: Option<String>,
    slot: Option<String>,
    failures: u32,
    s: &PolicySettings,
    mut reasons: Vec<String>,
) -> Outcome {
    if failures >= s.max_failed_tries {
        reasons.push(format!(
            "{failures} failed tries in a row (limit {}): a person takes over",
            s.max_failed_tries
        ));
        return handoff(reason, intent, reasons);
    }
    reasons.push(format!(
        "ask again (failed tries so far: {failures} of {})",
        s.max_failed_tries
    ));
    Outcome {
        plan: Plan::Clarify { intent, slot },
        reasons,
    }
}

/// The intent and its definition when the bot's latest decision asked for a value.
fn pending_slot<'a>(input: &'a PolicyInput<'_>) -> Option<(String, &'a IntentDef)> {
    let last = input.history.last()?;
    if last.kind != DecisionKind::Clarify || last.slot.as_deref() == Some(IDENTITY_SLOT) {
        return None;
    }
    let intent = last.intent.clone()?;
    let def = input.intents.get(&intent)?;
    Some((intent, def))
}

fn slot_value(entity: &str, t: &Triage) -> Option<String> {
    let kind = EntityKind::parse(entity)?;
    tandem_nlu::entities::first(&t.entities, kind).map(|e| e.value.clone())
}

/// The slot values of an intent found in the message; `None` when one is missing.
fn fill_slots(def: &IntentDef, t: &Triage) -> Option<BTreeMap<String, String>> {
    def.slots
        .iter()
        .map(|slot| slot_value(&slot.entity, t).map(|v| (slot.name.clone(), v)))
        .collect()
}
