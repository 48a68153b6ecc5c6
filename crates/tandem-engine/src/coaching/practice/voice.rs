//! An optional voice for the simulated customer: an OpenAI-compatible chat model rewrites the
//! customer's next line in the persona's own words. It never decides anything: the mood, the kind
//! of line (calmer, angrier, a hidden fact, resolved, gave up), the feedback and the score come
//! from the rubric and the scenario as without it, so results stay fair. What it is sent is the
//! scenario (the pack's text) and the session's last turns with personal data redacted; when it is
//! not configured, slow or failing, the scenario's own line is used.

use std::time::Duration;

use serde::Deserialize;
use tandem_core::secret::Secret;

use super::simulate::{LineKind, Turn};
use crate::pack::practice::Scenario;

/// How long the model may take before the scenario's own line is used.
pub const VOICE_TIMEOUT: Duration = Duration::from_secs(10);
/// Turns of the session sent as the conversation so far, at most.
const TURNS_SENT: usize = 6;
/// The longest line kept from the model, in characters.
const MAX_LINE: usize = 600;

/// Where the model is (`practice_voice_url`, e.g. `http://127.0.0.1:11434/v1`), which one, and its
/// key when it needs one.
#[derive(Clone, Debug)]
pub struct VoiceConfig {
    pub url: String,
    pub model: String,
    pub api_key: Option<Secret>,
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: ChoiceMessage,
}

#[derive(Deserialize)]
struct ChoiceMessage {
    content: Option<String>,
}

/// What the line must do, in words the model follows.
fn intent(kind: LineKind) -> &'static str {
    match kind {
        LineKind::Opening => "Open the conversation.",
        LineKind::Calmer => "The agent's reply helped: you are a little calmer, but not done yet.",
        LineKind::Angrier => "The agent's reply did not help: you are more upset than before.",
        LineKind::Fact => "The agent asked you something: answer it with the fact given.",
        LineKind::Resolved => "The agent solved it: thank them and end the conversation.",
        LineKind::GaveUp => "You give up on the agent and end the conversation.",
    }
}

/// The chat request: the persona and what to say, then the conversation (redacted).
pub fn request(
    config: &VoiceConfig,
    scenario: &Scenario,
    turns: &[Turn],
    scripted: &str,
    kind: LineKind,
    mood: f64,
) -> serde_json::Value {
    let system = format!(
        "You play a customer in a practice conversation with a customer-service agent in training. \
         Persona: {}\nSituation: {}\nStay in character, write one or two sentences, plain text, no \
         quotation marks, in the language of the conversation. Your mood is {:.2} on a scale from 0 \
         (calm) to 1 (furious). {} Say in your own words what this line says: {}",
        scenario.persona,
        scenario.situation,
        mood,
        intent(kind),
        scripted
    );
    let mut messages = vec![serde_json::json!({ "role": "system", "content": system })];
    let start = turns.len().saturating_sub(TURNS_SENT);
    for turn in turns.iter().skip(start) {
        let (role, text) = match turn {
            // The model plays the customer: its own earlier lines are the assistant's.
            Turn::Customer { text, .. } => ("assistant", text),
            Turn::Agent { text, .. } => ("user", text),
        };
        messages.push(serde_json::json!({ "role": role, "content": crate::privacy::redact(text) }));
    }
    serde_json::json!({
        "model": config.model,
        "messages": messages,
        "temperature": 0,
        "max_tokens": 160,
    })
}

/// The model's line, or `None` (logged) when it is not to be had in time.
pub async fn say(config: &VoiceConfig, body: &serde_json::Value) -> Option<String> {
    let url = format!("{}/chat/completions", config.url.trim_end_matches('/'));
    let client = reqwest::Client::builder().timeout(VOICE_TIMEOUT).build().ok()?;
    let mut call = client.post(&url).json(body);
    if let Some(key) = &config.api_key {
        call = call.bearer_auth(key.expose());
    }
    let answer = match call.send().await.and_then(reqwest::Response::error_for_status) {
        Ok(answer) => answer,
        Err(e) => {
            tracing::warn!(error = %e, "the practice voice did not answer; the scenario's line is used");
            return None;
        }
    };
    let completion: Completion = match answer.json().await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "the practice voice's answer is unreadable; the scenario's line is used");
            return None;
        }
    };
    let line = completion.choices.into_iter().next()?.message.content?;
    let line: String = line
        .trim()
        .trim_matches('"')
        .trim()
        .chars()
        .take(MAX_LINE)
        .collect();
    (!line.is_empty()).then_some(line)
}
