//! The thread of a conversation on the demo pack: questions answered with one click (choices), a
//! value that fills the pending request, a request called off.

use tandem_core::decision::{DecisionKind, HandoffReason};
use tandem_core::model::{ConversationStatus, HUMAN_CHOICE};
use tandem_core::ErrorCode;
use tandem_engine::pipeline::policy::{calls_off, only_values};

use crate::support::{demo_engine, Customer};

const MARIA: (&str, &str) = ("Maria Rossi", "maria.rossi@example.com");

#[tokio::test]
async fn an_unsure_bot_offers_choices_and_a_click_goes_on_with_that_intent() {
    let t = demo_engine().await;
    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;
    let (_, replies) = maria.say("I have a problem with my order").await;
    let d = maria.last_decision().await;
    assert_eq!(d.kind, DecisionKind::Clarify, "{d:#?}");
    let question = replies.last().expect("a reply");
    let choices = &question.choices;
    assert!((2..=5).contains(&choices.len()), "{choices:?}");
    assert_eq!(choices.last().map(|c| c.intent.as_str()), Some(HUMAN_CHOICE));
    assert!(choices.iter().all(|c| !c.label.trim().is_empty()), "{choices:?}");
    let pack = t.engine.runtime().active_pack().unwrap();
    assert!(
        question.text.ends_with(&pack.manifest.texts.choose),
        "{}",
        question.text
    );

    // A choice the bot does not know is refused, and nothing is stored.
    let before = maria.messages().await.len();
    let refused = t
        .engine
        .conversations()
        .customer_message(
            maria.id(),
            &maria.started.customer_token,
            "x",
            Some("no_such_intent"),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::UnknownChoice);
    assert_eq!(maria.messages().await.len(), before);

    // Picking "Where is my order?" goes on as if the bot had recognised it: it asks which order.
    let (sent, _) = maria.pick("Where is my order?", "track_order").await;
    assert_eq!(sent.choice.as_deref(), Some("track_order"));
    let d = maria.last_decision().await;
    assert_eq!(
        (d.kind, d.intent.as_deref(), d.slot.as_deref()),
        (DecisionKind::Clarify, Some("track_order"), Some("order_id")),
        "{d:#?}"
    );
    assert!(
        d.reasons.iter().any(|r| r.contains("picked `track_order`")),
        "{:?}",
        d.reasons
    );
    let text = maria.ask("A1001").await;
    assert!(text.contains("A1001"), "{text}");
    assert_eq!(maria.last_decision().await.kind, DecisionKind::Resolve);
}

#[tokio::test]
async fn the_person_choice_hands_over_as_the_customers_request() {
    let t = demo_engine().await;
    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;
    maria.pick("Talk to a person", HUMAN_CHOICE).await;
    let d = maria.last_decision().await;
    assert_eq!(d.handoff_reason, Some(HandoffReason::CustomerRequest), "{d:#?}");
    assert_ne!(maria.conversation().await.status, ConversationStatus::Bot);
}

/// The widget's "Talk to a person" button sends its own words with the `human` choice: they are
/// the bot's words, so the agent never sees them read as the customer's mood (they scored as
/// frustration when they were read as text).
#[tokio::test]
async fn a_click_carries_no_signal_of_the_customers_mood() {
    let t = demo_engine().await;
    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;
    maria.ask("Where is my order A1001?").await;
    maria
        .pick("I would like to talk to a person, please.", HUMAN_CHOICE)
        .await;
    let d = maria.last_decision().await;
    assert_eq!(d.handoff_reason, Some(HandoffReason::CustomerRequest), "{d:#?}");
    assert_eq!(d.signals.frustration.score, 0.0, "{:#?}", d.signals);
    assert!(d.signals.frustration.evidence.is_empty(), "{:#?}", d.signals);
    let summary = maria.conversation().await.summary.unwrap_or_default();
    assert!(summary.contains("Mood: calm"), "{summary}");
}

#[tokio::test]
async fn an_order_number_alone_answers_the_pending_question_and_never_mind_calls_it_off() {
    let t = demo_engine().await;
    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;
    maria.ask("Can you send me my invoice again?").await;
    let d = maria.last_decision().await;
    assert_eq!(
        (d.kind, d.intent.as_deref()),
        (DecisionKind::Clarify, Some("resend_invoice")),
        "{d:#?}"
    );
    // "A1001" on its own reads like order tracking to the model; it answers "which order?".
    maria.ask("A1001").await;
    let d = maria.last_decision().await;
    assert_eq!(
        (d.kind, d.intent.as_deref()),
        (DecisionKind::Resolve, Some("resend_invoice")),
        "{d:#?}"
    );

    // Asked again, then called off: nothing more is asked, and the next question starts afresh.
    maria.ask("Can you send me my invoice again?").await;
    let text = maria.ask("oh never mind").await;
    let pack = t.engine.runtime().active_pack().unwrap();
    assert_eq!(text, pack.manifest.texts.dropped);
    let d = maria.last_decision().await;
    assert_eq!(d.kind, DecisionKind::Acknowledge, "{d:#?}");
    assert!(
        d.reasons
            .iter()
            .any(|r| r.contains("called off `resend_invoice`")),
        "{:?}",
        d.reasons
    );
    maria.ask("Where is my order A1001?").await;
    assert_eq!(maria.last_decision().await.kind, DecisionKind::Resolve);
}

#[test]
fn values_alone_and_calling_off_are_told_from_requests() {
    let values = |text: &str| only_values(text, &tandem_nlu::entities::extract(text));
    for text in [
        "A1001",
        "it's A1001",
        "order number A1001 please",
        "A1001, thanks",
        "maria@example.com",
    ] {
        assert!(values(text), "{text:?}");
    }
    for text in [
        "Where is my order A1001?",
        "cancel A1001",
        "I want to return A1001",
        "the invoice for A1001 is wrong",
        "hello",
    ] {
        assert!(!values(text), "{text:?}");
    }
    for text in ["never mind", "Oh, forget it.", "cancel that please", "No thanks"] {
        assert!(calls_off(text), "{text:?}");
    }
    for text in ["cancel my order", "I never got it", "forget my password", "no"] {
        assert!(!calls_off(text), "{text:?}");
    }
}

/// The decision keeps the words that carried the top intents (never personal data).
#[tokio::test]
async fn the_record_names_the_words_that_carried_each_intent() {
    let t = demo_engine().await;
    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;
    maria
        .ask("Please send my invoice to maria.rossi@example.com again")
        .await;
    let d = maria.last_decision().await;
    let top = d.top_intents.first().expect("top intents");
    assert_eq!(top.intent, "resend_invoice", "{d:#?}");
    assert!(
        top.words.iter().any(|w| w.to_lowercase() == "invoice"),
        "{:?}",
        top.words
    );
    for score in &d.top_intents {
        assert!(score.words.len() <= 3, "{score:?}");
        assert!(
            score
                .words
                .iter()
                .all(|w| !w.contains('@') && !w.contains("maria")),
            "{score:?}"
        );
    }
}

/// The demo pack's out-of-scope examples teach the model what the shop does not cover: such a
/// message is asked about, never acted on, and the out-of-scope intent is never a choice.
#[tokio::test]
async fn what_the_pack_does_not_cover_is_not_acted_on_nor_offered() {
    let t = demo_engine().await;
    let eve = Customer::start(&t, "Eve Example", "eve@example.org").await;
    let (_, replies) = eve.say("Can you help me with my physics homework?").await;
    let d = eve.last_decision().await;
    assert_eq!(d.kind, DecisionKind::Clarify, "{d:#?}");
    let question = replies.last().expect("a reply");
    assert!(
        question.choices.iter().all(|c| c.intent != "out_of_scope"),
        "{:?}",
        question.choices
    );
    let refused = t
        .engine
        .conversations()
        .customer_message(eve.id(), &eve.started.customer_token, "x", Some("out_of_scope"))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::UnknownChoice);
}
