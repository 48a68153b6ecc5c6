//! The way of one customer message through the real engine with the demo pack: triage, policy,
//! action, reply or handoff, and the decision record written with the reply.

use tandem_core::decision::{Decision, DecisionKind, HandoffReason};
use tandem_core::event::{Actor, EventKind};
use tandem_core::model::{Author, ConversationStatus, Message, Priority};
use tandem_engine::pack::model::DatabaseDef;

use crate::support::{demo_engine, swap_pack_keeping_model, team, Customer, TestEngine};

const MARIA: (&str, &str) = ("Maria Rossi", "maria.rossi@example.com");
/// What only Maria may learn about her order A1001 (from packs/demo/business/seed.sql).
const A1001_SECRETS: [&str; 4] = ["shipped", "1Z8V42E10391846220", "Trailhead", "Boston"];

fn is_bot_disclosure(text: &str) -> bool {
    let disclosure =
        regex::Regex::new(r"(?i)\b(bot|virtual assistant|automated assistant|ai assistant)\b").unwrap();
    disclosure.is_match(text)
}

fn handed_over(status: ConversationStatus) -> bool {
    matches!(status, ConversationStatus::Queued | ConversationStatus::Assigned)
}

fn only_reply(replies: &[Message]) -> &Message {
    assert_eq!(replies.len(), 1, "one bot reply: {replies:#?}");
    &replies[0]
}

fn track_order_prompt(t: &TestEngine) -> String {
    let pack = t.engine.runtime().active_pack().unwrap();
    pack.intents
        .iter()
        .find(|i| i.name == "track_order")
        .unwrap()
        .slots[0]
        .prompt
        .clone()
}

/// The decision record keeps the inputs of the decision: the top intents with their scores, every
/// signal with its score, the reasons and the entities.
fn assert_record_is_complete(d: &Decision) {
    assert!(!d.top_intents.is_empty(), "top intents: {d:#?}");
    assert!(
        d.top_intents.windows(2).all(|w| w[0].score >= w[1].score),
        "top intents best first: {:?}",
        d.top_intents
    );
    assert!(
        d.top_intents.iter().all(|i| (0.0..=1.0).contains(&i.score)),
        "{:?}",
        d.top_intents
    );
    let s = &d.signals;
    for (signal, score) in [
        ("frustration", &s.frustration),
        ("human_request", &s.human_request),
        ("urgency", &s.urgency),
        ("abuse", &s.abuse),
    ] {
        assert!((0.0..=1.0).contains(&score.score), "signal {signal}: {score:?}");
    }
    assert!(
        !d.reasons.is_empty() && d.reasons.iter().all(|r| !r.trim().is_empty()),
        "reasons: {d:#?}"
    );
    assert!(
        d.entities.get("found").is_some_and(serde_json::Value::is_array),
        "entities: {}",
        d.entities
    );
}

#[tokio::test]
async fn maria_tracks_her_order_and_the_decision_records_why() {
    let t = demo_engine().await;
    let pack = t.engine.runtime().active_pack().unwrap();
    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;

    // A routine question is resolved from the shop's data, and the first message says it is a bot.
    let (asked, replies) = maria.say("Hi! Where is my order A1001?").await;
    let reply = only_reply(&replies);
    assert!(reply.text.contains("A1001"), "{}", reply.text);
    for secret in A1001_SECRETS {
        assert!(reply.text.contains(secret), "{secret} in {}", reply.text);
    }
    assert!(
        reply.text.starts_with(&pack.manifest.texts.disclosure),
        "{}",
        reply.text
    );
    assert!(is_bot_disclosure(&reply.text), "{}", reply.text);
    assert_eq!(maria.conversation().await.status, ConversationStatus::Bot);

    let decisions = maria.decisions().await;
    assert_eq!(decisions.len(), 1);
    let d = &decisions[0];
    assert_eq!(
        (d.kind, d.intent.as_deref()),
        (DecisionKind::Resolve, Some("track_order")),
        "{d:#?}"
    );
    assert_eq!(d.message_id, asked.id);
    assert_eq!(d.handoff_reason, None);
    assert!(d.confidence > 0.0 && d.confidence <= 1.0, "{}", d.confidence);
    assert_eq!(d.top_intents[0].intent, "track_order");
    assert_record_is_complete(d);
    assert!(
        d.reasons
            .iter()
            .any(|r| r.contains("track_order") && r.contains("threshold")),
        "{:?}",
        d.reasons
    );
    assert!(
        d.reasons.iter().any(|r| r.contains("order_status")),
        "the connector: {:?}",
        d.reasons
    );
    assert_eq!(
        d.entities.pointer("/slots/order_id").and_then(|v| v.as_str()),
        Some("A1001"),
        "{}",
        d.entities
    );
    let found = d.entities["found"].as_array().unwrap();
    assert!(found.iter().any(|e| e["value"] == "A1001"), "{}", d.entities);

    // Only the first bot message carries the disclosure.
    let text = maria.ask("Thanks! And where is my order A1001 exactly?").await;
    assert!(!text.contains(&pack.manifest.texts.disclosure), "{text}");
}

#[tokio::test]
async fn each_decision_is_written_in_the_same_transaction_as_its_reply() {
    let t = demo_engine().await;
    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;
    // A clarification, a resolution, an answer and a handoff.
    for text in [
        "Where is my order?",
        "A1001",
        "What is your return policy?",
        "a person, please",
    ] {
        maria.say(text).await;
    }
    let decisions = maria.decisions().await;
    let kinds: Vec<DecisionKind> = decisions.iter().map(|d| d.kind).collect();
    assert_eq!(
        kinds,
        [
            DecisionKind::Clarify,
            DecisionKind::Resolve,
            DecisionKind::Answer,
            DecisionKind::Handoff
        ]
    );
    let messages = maria.messages().await;
    let events = t.store.list_events(maria.id()).await.unwrap();
    for d in &decisions {
        // The bot's reply right after the customer's message.
        let asked = messages
            .iter()
            .position(|m| m.id == d.message_id)
            .expect("the customer message");
        let reply = &messages[asked + 1];
        assert_eq!(reply.author, Author::Bot, "{messages:#?}");
        let made = events
            .iter()
            .find(|e| {
                e.kind == EventKind::DecisionMade && e.data["message_id"] == serde_json::json!(d.message_id)
            })
            .unwrap_or_else(|| panic!("no decision_made event for {d:#?}: {events:#?}"));
        let added = events
            .iter()
            .find(|e| {
                e.kind == EventKind::MessageCreated && e.data["message_id"] == serde_json::json!(reply.id)
            })
            .unwrap_or_else(|| panic!("no message_added event for the reply: {events:#?}"));
        assert_eq!((&made.actor, &added.actor), (&Actor::Bot, &Actor::Bot));
        assert_eq!(made.data["kind"], d.kind.as_str());
        // One transaction: one time for the reply, its event, the decision and its event, and no
        // other event between the reply and the decision.
        assert_eq!(made.created_at, added.created_at, "{d:#?}");
        assert_eq!(made.created_at, d.created_at);
        assert_eq!(reply.created_at, d.created_at);
        assert_eq!(made.seq, added.seq + 1, "{events:#?}");
    }
    // The handoff's changes (status, handed_off) belong to the same transaction too.
    let handoff = decisions.last().unwrap();
    let handed = events
        .iter()
        .find(|e| e.kind == EventKind::HandedOff)
        .expect("a handed_off event");
    assert_eq!(handed.created_at, handoff.created_at);
}

#[tokio::test]
async fn an_faq_is_answered_from_the_knowledge_base_with_its_sources() {
    let t = demo_engine().await;
    let pack = t.engine.runtime().active_pack().unwrap();
    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;
    // A greeting is acknowledged from its template.
    let text = maria.ask("Hello").await;
    assert!(text.contains("Hi Maria"), "{text}");
    let d = maria.last_decision().await;
    assert_eq!(
        (d.kind, d.intent.as_deref()),
        (DecisionKind::Acknowledge, Some("greeting")),
        "{d:#?}"
    );

    let (_, replies) = maria.say("What is your return policy?").await;
    let reply = only_reply(&replies);
    assert!(!reply.sources.is_empty(), "sources: {reply:#?}");
    let source = &reply.sources[0];
    let article = pack
        .articles
        .iter()
        .find(|a| a.title == source.title && a.url == source.url)
        .unwrap_or_else(|| panic!("the source is one of the pack's articles: {source:?}"));
    assert!(
        article.tags.iter().any(|t| t == "returns" || t == "refunds"),
        "{article:?}"
    );
    // The article is named once, as the source, not again in the text.
    assert!(!reply.text.contains(&source.title), "{}", reply.text);
    assert!(reply.text.contains("30"), "the 30-day window: {}", reply.text);
    let d = maria.last_decision().await;
    assert_eq!(
        (d.kind, d.intent.as_deref()),
        (DecisionKind::Answer, Some("return_policy")),
        "{d:#?}"
    );
    assert!(
        d.reasons.iter().any(|r| r.contains(&source.title)),
        "{:?}",
        d.reasons
    );
    assert_record_is_complete(&d);
    assert_eq!(maria.conversation().await.status, ConversationStatus::Bot);
}

#[tokio::test]
async fn asking_for_a_person_hands_over_at_any_point_with_a_summary() {
    let t = demo_engine().await;
    let pack = t.engine.runtime().active_pack().unwrap();
    let handoff_text = &pack.manifest.texts.handoff;

    // After the bot resolved something.
    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;
    maria.say("Hi! Where is my order A1001?").await;
    let (_, replies) = maria.say("a person, please").await;
    assert_eq!(&only_reply(&replies).text, handoff_text);
    let d = maria.last_decision().await;
    assert_eq!(
        (d.kind, d.handoff_reason),
        (DecisionKind::Handoff, Some(HandoffReason::CustomerRequest))
    );
    assert!(
        d.reasons
            .iter()
            .any(|r| r.contains("asked for a person") && r.contains("0.50")),
        "{:?}",
        d.reasons
    );
    assert_record_is_complete(&d);
    let conversation = maria.conversation().await;
    assert!(handed_over(conversation.status), "{:?}", conversation.status);
    assert_eq!(conversation.handoff_reason, Some(HandoffReason::CustomerRequest));
    let summary = conversation.summary.unwrap_or_default();
    assert!(summary.len() >= 20, "summary: {summary:?}");
    assert!(
        summary.contains(MARIA.1) && summary.contains("customer request"),
        "{summary}"
    );
    assert!(
        summary.contains("resolved \"Where is my order?\""),
        "what the bot tried, in the pack's words: {summary}"
    );
    // The last message only asked for a person: what they want comes from the earlier request,
    // and nothing reads like code.
    assert!(
        summary.starts_with("Wants: Where is my order? (understood from an earlier message"),
        "{summary}"
    );
    assert!(!summary.contains('`'), "{summary}");
    assert!(
        summary.contains("a person, please"),
        "the last message: {summary}"
    );

    // While the bot waits for an order number.
    let waiting = Customer::start(&t, MARIA.0, MARIA.1).await;
    assert!(waiting
        .ask("where is my order")
        .await
        .contains(&track_order_prompt(&t)));
    assert_eq!(
        &waiting.ask("I'd like to talk to a human please").await,
        handoff_text
    );
    let d = waiting.last_decision().await;
    assert_eq!(
        (d.kind, d.handoff_reason),
        (DecisionKind::Handoff, Some(HandoffReason::CustomerRequest))
    );
    let conversation = waiting.conversation().await;
    assert!(handed_over(conversation.status), "{:?}", conversation.status);
    let summary = conversation.summary.unwrap_or_default();
    assert!(
        summary.contains("asked for the order id for \"Where is my order?\""),
        "the bot asked for the order number: {summary}"
    );
    assert!(
        summary.contains("1 earlier conversation"),
        "Maria wrote before: {summary}"
    );

    // As the very first message (the reply still says it is a bot).
    let first = Customer::start(&t, "Sam Lee", "sam@example.net").await;
    let text = first.ask("a person, please").await;
    assert!(
        text.starts_with(&pack.manifest.texts.disclosure) && text.ends_with(handoff_text.as_str()),
        "{text}"
    );
    let d = first.last_decision().await;
    assert_eq!(
        (d.kind, d.handoff_reason),
        (DecisionKind::Handoff, Some(HandoffReason::CustomerRequest))
    );
    let conversation = first.conversation().await;
    assert!(handed_over(conversation.status), "{:?}", conversation.status);
    assert_eq!(conversation.handoff_reason, Some(HandoffReason::CustomerRequest));
    assert!(conversation
        .summary
        .is_some_and(|s| s.contains("sam@example.net") && s.contains("nothing yet")));

    // An angry double-charge complaint goes to a person too.
    let angry = Customer::start(&t, MARIA.0, MARIA.1).await;
    angry
        .say("This is the THIRD time I'm writing!!! You charged me twice for my order and nobody helps. I'm furious.")
        .await;
    let conversation = angry.conversation().await;
    assert!(handed_over(conversation.status), "{:?}", conversation.status);
    assert!(
        matches!(
            conversation.handoff_reason,
            Some(HandoffReason::Frustration | HandoffReason::SensitiveTopic)
        ),
        "{:?}",
        conversation.handoff_reason
    );
    assert!(
        matches!(conversation.priority, Priority::High | Priority::Urgent),
        "{:?}",
        conversation.priority
    );
    assert!(conversation
        .summary
        .is_some_and(|s| s.len() >= 20 && s.contains("frustrat")));

    // The widget's button: the words that ask for a person pick no team of their own (they read
    // like the start of a complaint to the model); the pack's default team takes the case.
    let button = Customer::start(&t, MARIA.0, MARIA.1).await;
    button.say("Hi! Where is my order A1001?").await;
    button.say("I would like to talk to a person, please.").await;
    let d = button.last_decision().await;
    assert_eq!(d.handoff_reason, Some(HandoffReason::CustomerRequest));
    assert_eq!(d.intent, None, "{:?}", d.reasons);
    let support = team(&*t.store, "support").await;
    assert_eq!(button.conversation().await.team_id, Some(support.id));
}

#[tokio::test]
async fn after_a_handoff_the_bot_stays_quiet() {
    let t = demo_engine().await;
    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;
    maria.say("I'd like to talk to a human please").await;
    assert!(handed_over(maria.conversation().await.status));
    let bot_before = maria.bot_messages().await.len();
    let decisions_before = maria.decisions().await.len();
    assert_eq!((bot_before, decisions_before), (1, 1));

    for text in [
        "Also, where is my order A1001?",
        "What is your return policy?",
        "hello?",
    ] {
        let (sent, replies) = maria.say(text).await;
        assert_eq!(sent.author, Author::Customer);
        assert!(replies.is_empty(), "the bot answered {text:?}: {replies:#?}");
    }
    assert_eq!(maria.bot_messages().await.len(), bot_before);
    assert_eq!(maria.decisions().await.len(), decisions_before);
    assert!(handed_over(maria.conversation().await.status));
    let events = t.store.list_events(maria.id()).await.unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.kind == EventKind::DecisionMade)
            .count(),
        1
    );

    // An agent's reply reaches the customer, and the bot still stays out of it.
    t.engine
        .conversations()
        .staff_message(&t.admin, maria.id(), "Hi Maria, I'm looking at it now.", false)
        .await
        .unwrap();
    let (_, replies) = maria.say("Thank you!").await;
    assert!(replies.is_empty(), "{replies:#?}");
    let authors: Vec<Author> = maria.messages().await.iter().map(|m| m.author).collect();
    assert_eq!(
        authors.iter().filter(|a| **a == Author::Agent).count(),
        1,
        "{authors:?}"
    );
    assert_eq!(maria.decisions().await.len(), decisions_before);
}

#[tokio::test]
async fn another_customer_learns_nothing_about_an_order() {
    let t = demo_engine().await;
    let pack = t.engine.runtime().active_pack().unwrap();
    let eve = Customer::start(&t, "Eve Example", "eve@example.org").await;
    let text = eve.ask("Where is my order A1001?").await;
    for secret in A1001_SECRETS {
        assert!(
            !text.contains(secret),
            "{secret} leaked to another customer: {text}"
        );
    }
    assert!(text.contains(&pack.manifest.texts.not_found), "{text}");
    let d = eve.last_decision().await;
    assert_eq!(
        (d.kind, d.intent.as_deref()),
        (DecisionKind::Clarify, Some("track_order")),
        "{d:#?}"
    );
    assert!(
        d.reasons.iter().any(|r| r.contains("another customer")),
        "{:?}",
        d.reasons
    );
    assert_eq!(eve.conversation().await.status, ConversationStatus::Bot);

    // The same words for an order that does not exist: nothing tells the two apart.
    let text = eve.ask("Where is my order A9999?").await;
    assert_eq!(text, pack.manifest.texts.not_found);
    // The invoice of Maria's order is not hers either.
    let text = eve
        .ask("Could you send me the invoice for order A1001 again please?")
        .await;
    assert!(
        !text.contains("INV-2026-1001") && !text.contains("p3Tz8wLc"),
        "{text}"
    );
}

#[tokio::test]
async fn a_missing_order_number_is_asked_for_then_the_number_alone_resolves() {
    let t = demo_engine().await;
    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;
    let text = maria.ask("Hi, where is my order?").await;
    assert!(text.contains(&track_order_prompt(&t)), "{text}");
    assert!(is_bot_disclosure(&text), "{text}");
    let d = maria.last_decision().await;
    assert_eq!(d.kind, DecisionKind::Clarify, "{d:#?}");
    assert_eq!(
        (d.intent.as_deref(), d.slot.as_deref()),
        (Some("track_order"), Some("order_id")),
        "{d:#?}"
    );
    assert_record_is_complete(&d);

    let text = maria.ask("A1001").await;
    assert!(text.contains("A1001") && text.contains("shipped"), "{text}");
    let d = maria.last_decision().await;
    assert_eq!(
        (d.kind, d.intent.as_deref()),
        (DecisionKind::Resolve, Some("track_order")),
        "{d:#?}"
    );
    assert_eq!(
        d.entities.pointer("/slots/order_id").and_then(|v| v.as_str()),
        Some("A1001"),
        "{}",
        d.entities
    );
    assert_eq!(maria.conversation().await.status, ConversationStatus::Bot);
}

#[tokio::test]
async fn out_of_scope_is_not_answered_and_goes_to_a_person_after_the_limit() {
    let t = demo_engine().await;
    let pack = t.engine.runtime().active_pack().unwrap();
    let eve = Customer::start(&t, "Eve Example", "eve@example.org").await;
    let text = eve.ask("Can you recommend a good recipe for pizza dough?").await;
    // Not understood: the bot asks, offering its likeliest intents and a person.
    assert!(text.ends_with(&pack.manifest.texts.choose), "{text}");
    let d = eve.last_decision().await;
    assert_eq!(
        (d.kind, d.intent.as_deref()),
        (DecisionKind::Clarify, None),
        "{d:#?}"
    );
    // Out of the model's scope, or in it but below the pack's confidence threshold: the model's
    // out-of-scope threshold rejects at most a small share of in-scope messages, so the pack's
    // own threshold catches what is merely unsure.
    assert!(
        d.reasons
            .iter()
            .any(|r| r.contains("out of scope") || r.contains("below its threshold")),
        "{:?}",
        d.reasons
    );

    eve.say("What's the capital of Mongolia?").await;
    eve.say("Tell me a joke about penguins").await;
    let decisions = eve.decisions().await;
    assert!(decisions
        .iter()
        .all(|d| !matches!(d.kind, DecisionKind::Resolve | DecisionKind::Answer)));
    let last = decisions.last().unwrap();
    assert_eq!(last.kind, DecisionKind::Handoff, "{last:#?}");
    assert!(
        matches!(
            last.handoff_reason,
            Some(HandoffReason::OutOfScope | HandoffReason::LowConfidence)
        ),
        "{last:#?}"
    );
    assert!(handed_over(eve.conversation().await.status));
}

/// The demo pack with its business database replaced by a path SQLite cannot open (a directory):
/// the pack loads, the connector fails when it runs.
async fn break_the_business_database(t: &TestEngine) {
    let mut pack = t.engine.runtime().active_pack().unwrap();
    let broken = t.dir.path().join("not-a-database");
    std::fs::create_dir_all(&broken).unwrap();
    let url = format!("sqlite:{}", broken.display());
    pack.manifest.databases.insert(
        "business".into(),
        DatabaseDef {
            url: Some(url),
            seed: None,
        },
    );
    swap_pack_keeping_model(t, &pack).await;
}

#[tokio::test]
async fn a_failing_connector_hands_the_case_over_as_action_failed() {
    let t = demo_engine().await;
    break_the_business_database(&t).await;
    let pack = t.engine.runtime().active_pack().unwrap();
    assert!(pack.manifest.databases["business"]
        .url
        .as_deref()
        .is_some_and(|u| u.contains("not-a-database")));

    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;
    let (_, replies) = maria.say("Where is my order A1001?").await;
    let text = &only_reply(&replies).text;
    assert!(text.ends_with(&pack.manifest.texts.handoff), "{text}");
    assert!(!text.contains("shipped"), "{text}");
    let d = maria.last_decision().await;
    assert_eq!(d.kind, DecisionKind::Handoff, "{d:#?}");
    assert_eq!(d.handoff_reason, Some(HandoffReason::ActionFailed), "{d:#?}");
    assert_eq!(d.intent.as_deref(), Some("track_order"));
    assert!(
        d.reasons
            .iter()
            .any(|r| r.contains("connector `order_status` failed")),
        "{:?}",
        d.reasons
    );
    assert_record_is_complete(&d);
    let conversation = maria.conversation().await;
    assert!(handed_over(conversation.status), "{:?}", conversation.status);
    assert_eq!(conversation.handoff_reason, Some(HandoffReason::ActionFailed));
    assert!(conversation.summary.is_some_and(|s| s.contains("action failed")));
    // The customer's message is kept, and the handoff reply was written with the decision.
    let authors: Vec<Author> = maria.messages().await.iter().map(|m| m.author).collect();
    assert_eq!(authors, vec![Author::Customer, Author::Bot]);
}

/// A bot turn that cannot be written (here the database refuses every decision) is retried, and
/// when it still fails the case goes to people: the customer's message is never left unanswered.
#[tokio::test]
async fn a_bot_turn_that_keeps_failing_hands_the_case_to_people() {
    use sqlx::Connection;
    let t = demo_engine().await;
    let url = format!("sqlite://{}", t.dir.path().join("tandem.db").display());
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query(
        "CREATE TRIGGER refuse_decisions BEFORE INSERT ON decisions \
         BEGIN SELECT RAISE(ABORT, 'database is locked'); END",
    )
    .execute(&mut db)
    .await
    .unwrap();
    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;
    let (_, replies) = maria.say("Where is my order A1001?").await;
    assert!(replies.is_empty(), "{replies:?}");
    let conversation = maria.conversation().await;
    assert_eq!(conversation.status, ConversationStatus::Queued, "people take it");

    sqlx::query("DROP TRIGGER refuse_decisions")
        .execute(&mut db)
        .await
        .unwrap();
    let again = Customer::start(&t, MARIA.0, MARIA.1).await;
    let (_, replies) = again.say("Where is my order A1001?").await;
    assert_eq!(replies.len(), 1, "the bot answers again once the database does");
}
