//! Frustration over whole conversations, read the way the engine reads them: each customer message
//! with the bot's turns and the customer's earlier messages before it.
//!
//! `tests/data/calm_conversations.jsonl`: calm customers asking one question after another (related
//! questions about the same order or product, bot replies that say "there is no …", "sorry", "I
//! couldn't find …"). None of their messages may reach the frustration handoff threshold.
//! `tests/data/frustrated_conversations.jsonl`: customers who repeat themselves after failures
//! and say so; their last message must reach it.

use std::path::PathBuf;

use serde::Deserialize;
use tandem_nlu::signals::{self, Context, Signal, Source};

#[derive(Debug, Deserialize)]
struct Turn {
    from: String,
    text: String,
}

#[derive(Debug, Deserialize)]
struct Conversation {
    id: String,
    turns: Vec<Turn>,
}

fn load(name: &str) -> Vec<Conversation> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let data = std::fs::read_to_string(&path).unwrap();
    data.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `frustration_handoff` of the demo pack (`packs/demo/pack.toml`), which is also the default of
/// `PolicySettings`; read from the pack so the test follows it.
fn frustration_handoff() -> f32 {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../packs/demo/pack.toml");
    let pack = std::fs::read_to_string(path).unwrap_or_default();
    pack.lines()
        .filter_map(|l| l.trim().strip_prefix("frustration_handoff"))
        .filter_map(|rest| rest.trim().strip_prefix('=')?.trim().parse().ok())
        .next()
        .unwrap_or(0.7)
}

/// The frustration of every customer message, in its context (all earlier turns).
fn scores(conversation: &Conversation) -> Vec<(String, Signal)> {
    let mut out = Vec::new();
    for (i, turn) in conversation.turns.iter().enumerate() {
        if turn.from != "customer" {
            continue;
        }
        let mut ctx = Context::new();
        for earlier in &conversation.turns[..i] {
            if earlier.from == "customer" {
                ctx = ctx.with_earlier_message(&earlier.text);
            } else {
                ctx = ctx.with_bot_turn(&earlier.text);
            }
        }
        let s = signals::analyze(&turn.text, &ctx);
        // Evidence quotes the customer only, and exactly.
        for e in s.frustration.evidence.iter().chain(&s.human_request.evidence) {
            let quoted = match e.source {
                Source::Message => turn.text.as_str(),
                Source::EarlierMessage(k) => ctx.earlier_messages[k],
                Source::BotTurn(_) => panic!("{}: evidence from the bot's words: {e:?}", conversation.id),
            };
            assert_eq!(&quoted[e.start..e.end], e.text, "{}", conversation.id);
        }
        out.push((turn.text.clone(), s.frustration));
    }
    out
}

#[test]
fn calm_multi_question_conversations_never_reach_the_handoff_threshold() {
    let threshold = frustration_handoff();
    let conversations = load("calm_conversations.jsonl");
    assert!(conversations.len() >= 15);
    let mut all = Vec::new();
    for c in &conversations {
        let customer_turns = c.turns.iter().filter(|t| t.from == "customer").count();
        assert!((5..=10).contains(&customer_turns), "{}: {customer_turns}", c.id);
        for (text, s) in scores(c) {
            let cues: Vec<String> = s
                .evidence
                .iter()
                .map(|e| format!("{}:{:?}", e.cue, e.text))
                .collect();
            all.push((s.score, format!("{} {text:?} {:.3} {cues:?}", c.id, s.score)));
        }
    }
    all.sort_by(|a, b| b.0.total_cmp(&a.0));
    eprintln!(
        "calm conversations: {} customer messages; the highest frustration:",
        all.len()
    );
    for (_, line) in all.iter().take(5) {
        eprintln!("  {line}");
    }
    let over: Vec<&String> = all
        .iter()
        .filter(|(s, _)| *s >= threshold)
        .map(|(_, l)| l)
        .collect();
    assert!(over.is_empty(), "calm messages at or over {threshold}: {over:#?}");
}

#[test]
fn frustrated_conversations_still_reach_the_handoff_threshold() {
    let threshold = frustration_handoff();
    let conversations = load("frustrated_conversations.jsonl");
    assert!(conversations.len() >= 5);
    for c in &conversations {
        let all = scores(c);
        let (text, last) = all.last().unwrap();
        eprintln!("{}: last message {:.3}", c.id, last.score);
        assert!(
            last.score >= threshold,
            "{}: {text:?} {:.2} {:?}",
            c.id,
            last.score,
            last.evidence
        );
    }
}

#[test]
fn related_but_different_questions_are_not_repetition() {
    let earlier = [
        "Where is my order A1001? It has a scarf in it.",
        "Can I return the scarf from order A1001?",
        "How long does shipping take to Germany?",
        "Do you ship a jacket internationally?",
        "What is the return policy for a coat?",
    ];
    let mut ctx = Context::new();
    for e in earlier {
        ctx = ctx
            .with_earlier_message(e)
            .with_bot_turn("There is no fee for that.");
    }
    for text in [
        "When will order A1001 arrive?",
        "Can I exchange the scarf from order A1001?",
        "How long does shipping take to France?",
        "Do you ship a coat internationally?",
        "What is the return policy for a jacket?",
    ] {
        let s = signals::analyze(text, &ctx);
        assert!(
            !s.frustration.evidence.iter().any(|e| e.cue == "repeated_request"),
            "{text:?}: {:?}",
            s.frustration.evidence
        );
    }
    // The same request again is repetition.
    let s = signals::analyze("where is my order A1001???", &ctx);
    assert!(
        s.frustration.evidence.iter().any(|e| e.cue == "repeated_request"),
        "{:?}",
        s.frustration.evidence
    );
}
