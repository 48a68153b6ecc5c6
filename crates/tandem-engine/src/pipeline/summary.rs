//! The handoff summary: what an agent needs to take over without asking the customer to repeat
//! themselves.

use tandem_core::decision::{Decision, DecisionKind, HandoffReason};
use tandem_core::model::{Author, Conversation, Message};

use super::triage::Triage;
use crate::pack::model::IntentDef;

pub struct SummaryInput<'a> {
    pub conversation: &'a Conversation,
    pub messages: &'a [Message],
    pub history: &'a [Decision],
    pub triage: &'a Triage,
    pub reason: HandoffReason,
    pub intent: Option<&'a IntentDef>,
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

/// The most confident intent the bot acted on earlier in the conversation.
fn earlier_intent(history: &[Decision]) -> Option<(String, f32)> {
    history
        .iter()
        .filter_map(|d| d.intent.as_ref().map(|i| (i.clone(), d.confidence)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// A few lines of plain text.
pub fn summarize(input: &SummaryInput<'_>) -> String {
    let t = input.triage;
    let mut lines = Vec::new();
    let wants = match (input.intent, earlier_intent(input.history)) {
        (Some(def), _) => format!(
            "Wants: {} (intent `{}`, confidence {:.0}%).",
            def.description,
            def.name,
            t.confidence * 100.0
        ),
        // The last message did not say what they want ("a person, please"): an earlier message
        // the bot understood does.
        (None, Some((name, confidence))) => format!(
            "Wants: intent `{name}` (from an earlier message, confidence {:.0}%).",
            confidence * 100.0
        ),
        (None, _) => match t.top_intents.first() {
            Some(best) => format!(
                "Wants: unclear; closest intent `{}` at {:.0}%.",
                best.intent,
                best.score * 100.0
            ),
            None => "Wants: unclear.".to_owned(),
        },
    };
    lines.push(wants);
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
        .map(|d| match (&d.kind, &d.intent) {
            (DecisionKind::Resolve, Some(i)) => format!("resolved `{i}`"),
            (DecisionKind::Answer, Some(i)) => format!("answered `{i}` from the knowledge base"),
            (DecisionKind::Clarify, Some(i)) => {
                format!("asked for {} for `{i}`", d.slot.as_deref().unwrap_or("details"))
            }
            (DecisionKind::Clarify, None) => "asked what the customer meant".to_owned(),
            (DecisionKind::Acknowledge, _) => "greeted / acknowledged".to_owned(),
            (kind, _) => kind.to_string(),
        })
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
        "Handed over because: {}.",
        input.reason.as_str().replace('_', " ")
    ));
    lines.join("\n")
}
