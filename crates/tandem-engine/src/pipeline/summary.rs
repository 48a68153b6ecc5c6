//! The handoff summary: what an agent needs to take over without asking the customer to repeat
//! themselves.

use tandem_core::decision::{Decision, DecisionKind, HandoffReason};
use tandem_core::model::{Author, Conversation, Message};

use std::collections::BTreeMap;

use super::choices;
use super::triage::Triage;
use crate::pack::model::IntentDef;

pub struct SummaryInput<'a> {
    pub conversation: &'a Conversation,
    pub messages: &'a [Message],
    pub history: &'a [Decision],
    pub triage: &'a Triage,
    pub reason: HandoffReason,
    pub intent: Option<&'a IntentDef>,
    /// The pack's intents, for their names in the pack's words.
    pub intents: &'a BTreeMap<String, IntentDef>,
    /// Conversations this customer had before this one.
    pub earlier_conversations: usize,
}

fn clip(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        format!("{}…", flat.chars().take(max - 1).collect::<String>())
    }
}

fn mood(score: f32) -> &'static str {
    match score {
        s if s >= 0.7 => "very frustrated",
        s if s >= 0.4 => "frustrated",
        s if s >= 0.2 => "a little impatient",
        _ => "calm",
    }
}

/// The latest request the bot understood earlier in the conversation (what the customer wanted
/// last, not the first or the likeliest thing they asked).
fn earlier_intent(history: &[Decision]) -> Option<(&str, f32)> {
    history
        .iter()
        .rev()
        .filter(|d| d.kind != DecisionKind::Acknowledge)
        .find_map(|d| d.intent.as_deref().map(|i| (i, d.confidence)))
}

/// An intent in the pack's words ("Track my order"), the name spelled out when the pack no
/// longer has it.
fn named(input: &SummaryInput<'_>, intent: &str) -> String {
    match input.intents.get(intent) {
        Some(def) => choices::label(intent, def),
        None => intent.replace('_', " "),
    }
}

/// What the customer wants, in one sentence that never contradicts itself: the request of this
/// message when the bot understood it, else the latest one it understood before (the last
/// message only asked for a person), else a guess that says it is one.
fn wants(input: &SummaryInput<'_>) -> String {
    let t = input.triage;
    if let Some(def) = input.intent {
        return format!(
            "Wants: {} ({:.0}% sure). {}",
            named(input, &def.name),
            t.confidence * 100.0,
            def.description
        );
    }
    if let Some((name, confidence)) = earlier_intent(input.history) {
        return format!(
            "Wants: {} (understood from an earlier message, {:.0}% sure).",
            named(input, name),
            confidence * 100.0
        );
    }
    match t.top_intents.first() {
        Some(best) => format!(
            "Wants: not clear from the messages; perhaps {} (a guess, {:.0}%).",
            named(input, &best.intent),
            best.score * 100.0
        ),
        None => "Wants: not clear from the messages.".to_owned(),
    }
}

/// One thing the bot did, in words.
fn tried(input: &SummaryInput<'_>, d: &Decision) -> String {
    let what = |i: &str| named(input, i);
    match (&d.kind, d.intent.as_deref()) {
        (DecisionKind::Resolve, Some(i)) => format!("resolved \"{}\"", what(i)),
        (DecisionKind::Answer, Some(i)) => format!("answered \"{}\" from the help centre", what(i)),
        (DecisionKind::Clarify, Some(i)) => format!(
            "asked for the {} for \"{}\"",
            d.slot.as_deref().unwrap_or("details").replace('_', " "),
            what(i)
        ),
        (DecisionKind::Clarify, None) => "asked what the customer meant".to_owned(),
        (DecisionKind::Acknowledge, _) => "greeted or acknowledged".to_owned(),
        (kind, _) => kind.to_string(),
    }
}

/// Why the case came to a person, in words.
fn because(reason: HandoffReason) -> &'static str {
    match reason {
        HandoffReason::CustomerRequest => "the customer asked for a person",
        HandoffReason::LowConfidence => "the bot was not sure what the customer meant",
        HandoffReason::OutOfScope => "the question is outside what the bot covers",
        HandoffReason::SensitiveTopic => "the topic is one for people",
        HandoffReason::Frustration => "the customer is frustrated",
        HandoffReason::RepeatedFailure => "the bot did not understand twice in a row",
        HandoffReason::ActionFailed => "the bot could not get the answer from the business's systems",
        HandoffReason::Policy => "a rule of the pack sends it to a person",
    }
}

/// A few lines of plain text.
pub fn summarize(input: &SummaryInput<'_>) -> String {
    let t = input.triage;
    let mut lines = vec![wants(input)];
    if let Some(last) = input.messages.iter().rev().find(|m| m.author == Author::Customer) {
        // The summary is read beyond the conversation (lists, hand-over notes): no personal data.
        let said = crate::privacy::redact(&last.text);
        lines.push(format!("Last message: \"{}\"", clip(&said, 240)));
    }
    let now = t.signals.frustration.score;
    let first = input.history.first().map(|d| d.signals.frustration.score);
    let trend = match first {
        Some(f) if now > f + 0.15 => format!(", rising from {f:.2}"),
        Some(f) if now + 0.15 < f => format!(", easing from {f:.2}"),
        Some(_) => ", steady".to_owned(),
        None => String::new(),
    };
    let cues: Vec<String> = t
        .signals
        .frustration
        .evidence
        .iter()
        .take(4)
        .map(|e| format!("\"{}\"", crate::privacy::redact(&e.text)))
        .collect();
    let cues = if cues.is_empty() {
        String::new()
    } else {
        format!("; cues: {}", cues.join(", "))
    };
    lines.push(format!(
        "Mood: {} (frustration {now:.2}{trend}{cues}).",
        mood(now)
    ));
    let tried: Vec<String> = input
        .history
        .iter()
        .filter(|d| d.kind != DecisionKind::Handoff)
        .map(|d| tried(input, d))
        .collect();
    lines.push(if tried.is_empty() {
        "Bot tried: nothing yet.".to_owned()
    } else {
        format!("Bot tried: {}.", tried.join("; "))
    });
    let facts: Vec<String> = t
        .entities
        .iter()
        .map(|e| {
            let value = crate::privacy::redact(&e.value);
            format!("{} {value}", e.kind.as_str().replace('_', " "))
        })
        .collect();
    if !facts.is_empty() {
        lines.push(format!("Facts: {}.", facts.join(", ")));
    }
    let c = &input.conversation.customer;
    let history = match input.earlier_conversations {
        0 => "first conversation".to_owned(),
        1 => "1 earlier conversation".to_owned(),
        n => format!("{n} earlier conversations"),
    };
    lines.push(format!("Customer: {} <{}>, {history}.", c.name, c.email));
    lines.push(format!(
        "Handed over because: {} ({}).",
        because(input.reason),
        input.reason.as_str().replace('_', " ")
    ));
    lines.join("\n")
}
