//! What replay and the automation figures read: the latest customer messages across
//! conversations, and the trails of the conversations of customers the bot finished something for.

use chrono::{Duration, Utc};
use tandem_core::decision::{DecisionKind, HandoffReason, Verdict};
use tandem_core::event::Actor;
use tandem_core::ids::{ConversationId, MessageId};
use tandem_core::model::{Author, ConversationStatus};
use tandem_store::*;

use crate::contract::{customer_says, new_conversation};
use crate::service::decision;

fn bot_says(conversation: ConversationId, text: &str) -> NewMessage {
    NewMessage {
        author: Author::Bot,
        actor: Actor::Bot,
        ..customer_says(conversation, text)
    }
}

/// The bot decides about `message` with `verdict` (intent `intent`), replying unless it hands over.
pub async fn bot_turn(
    store: &dyn Store,
    conversation: ConversationId,
    message: MessageId,
    verdict: Verdict,
    intent: &str,
    frustration: f32,
) -> Option<MessageId> {
    let handoff = verdict.handoff_reason();
    let mut d = decision(message, verdict);
    d.intent = Some(intent.to_owned());
    d.signals.frustration.score = frustration;
    let turn = BotTurn {
        conversation_id: conversation,
        decision: d,
        reply: handoff.is_none().then(|| bot_says(conversation, "Here you are.")),
        change: ConversationChange {
            status: handoff.map(|_| ConversationStatus::Queued),
            handoff,
            ..Default::default()
        },
    };
    let outcome = store.record_bot_turn(turn).await.unwrap().unwrap();
    outcome.reply.map(|m| m.id)
}

pub async fn the_latest_customer_messages_come_newest_first_across_conversations(store: &dyn Store) {
    assert!(store.latest_customer_messages(10).await.unwrap().is_empty());
    let (one, _) = store
        .create_conversation(new_conversation("l1@x.org"))
        .await
        .unwrap();
    let (two, _) = store
        .create_conversation(new_conversation("l2@x.org"))
        .await
        .unwrap();
    store
        .append_message(customer_says(one.id, "first"))
        .await
        .unwrap();
    store
        .append_message(customer_says(two.id, "second"))
        .await
        .unwrap();
    store.append_message(bot_says(one.id, "the bot")).await.unwrap();
    let picked = NewMessage {
        choice: Some("track_order".to_owned()),
        ..customer_says(two.id, "Track my order")
    };
    store.append_message(picked).await.unwrap();
    store
        .append_message(customer_says(one.id, "third"))
        .await
        .unwrap();
    let texts = |messages: Vec<tandem_core::model::Message>| -> Vec<(String, ConversationId)> {
        messages
            .into_iter()
            .map(|m| (m.text, m.conversation_id))
            .collect()
    };
    assert_eq!(
        texts(store.latest_customer_messages(10).await.unwrap()),
        vec![
            ("third".to_owned(), one.id),
            ("second".to_owned(), two.id),
            ("first".to_owned(), one.id)
        ],
        "customers' written messages only: no bot message, no pick from the bot's choices"
    );
    assert_eq!(
        texts(store.latest_customer_messages(2).await.unwrap()),
        vec![("third".to_owned(), one.id), ("second".to_owned(), two.id)]
    );
    assert!(store.latest_customer_messages(0).await.unwrap().is_empty());
    assert!(store.latest_customer_messages(-5).await.unwrap().is_empty());
}

pub async fn automation_trails_follow_the_customers_the_bot_finished_for(store: &dyn Store) {
    // Ann: resolved, then frustrated and handed over; later a second conversation.
    let (ann, _) = store
        .create_conversation(new_conversation("ann@x.org"))
        .await
        .unwrap();
    let (m, _) = store
        .append_message(customer_says(ann.id, "Where is A1001?"))
        .await
        .unwrap();
    let resolved = bot_turn(store, ann.id, m.id, Verdict::Resolve, "track_order", 0.0).await;
    let (m2, _) = store
        .append_message(customer_says(ann.id, "That is wrong!!"))
        .await
        .unwrap();
    let frustrated = Verdict::Handoff {
        reason: HandoffReason::Frustration,
    };
    assert_eq!(
        bot_turn(store, ann.id, m2.id, frustrated, "track_order", 0.9).await,
        None
    );
    let (ann_again, _) = store
        .create_conversation(new_conversation("ann@x.org"))
        .await
        .unwrap();
    store
        .append_message(customer_says(ann_again.id, "Hello again"))
        .await
        .unwrap();
    // Bea: answered; the case is resolved and she reopens it.
    let (bea, _) = store
        .create_conversation(new_conversation("bea@x.org"))
        .await
        .unwrap();
    let (b, _) = store
        .append_message(customer_says(bea.id, "Return policy?"))
        .await
        .unwrap();
    bot_turn(store, bea.id, b.id, Verdict::Answer, "return_policy", 0.1).await;
    let status = |s| ConversationChange {
        status: Some(s),
        ..Default::default()
    };
    store
        .update_conversation(bea.id, status(ConversationStatus::Resolved), Actor::System)
        .await
        .unwrap();
    store
        .append_message(customer_says(bea.id, "Still unclear"))
        .await
        .unwrap();
    store
        .update_conversation(bea.id, status(ConversationStatus::Queued), Actor::Customer)
        .await
        .unwrap();
    // Cal: only asked to rephrase; not followed.
    let (cal, _) = store
        .create_conversation(new_conversation("cal@x.org"))
        .await
        .unwrap();
    let (c, _) = store.append_message(customer_says(cal.id, "hm")).await.unwrap();
    bot_turn(
        store,
        cal.id,
        c.id,
        Verdict::Clarify { slot: None },
        "greeting",
        0.0,
    )
    .await;
    // Dan: answered, then an agent wrote in the case.
    let (dan, _) = store
        .create_conversation(new_conversation("dan@x.org"))
        .await
        .unwrap();
    let (d, _) = store
        .append_message(customer_says(dan.id, "Opening hours?"))
        .await
        .unwrap();
    bot_turn(store, dan.id, d.id, Verdict::Answer, "contact_hours", 0.0).await;
    let agent = NewMessage {
        author: Author::Agent,
        actor: Actor::System,
        ..customer_says(dan.id, "We open at nine.")
    };
    store.append_message(agent).await.unwrap();

    let now = Utc::now();
    let trails = store
        .automation_trails(now - Duration::hours(1), now + Duration::hours(1))
        .await
        .unwrap();
    let ids: Vec<ConversationId> = trails.iter().map(|t| t.conversation_id).collect();
    assert_eq!(
        ids,
        vec![ann.id, ann_again.id, bea.id, dan.id],
        "Cal's is not followed"
    );

    let first = &trails[0];
    assert_eq!(first.customer_id, trails[1].customer_id);
    assert!(first.with_people && first.reopened.is_empty());
    assert_eq!(first.steps.len(), 2);
    assert_eq!(first.steps[0].kind, DecisionKind::Resolve);
    assert_eq!(first.steps[0].message_id, m.id);
    assert_eq!(first.steps[0].reply_id, resolved);
    assert!(resolved.is_some());
    assert_eq!(first.steps[0].intent.as_deref(), Some("track_order"));
    assert_eq!(first.steps[1].kind, DecisionKind::Handoff);
    assert_eq!(first.steps[1].handoff_reason, Some(HandoffReason::Frustration));
    assert_eq!(first.steps[1].reply_id, None);
    assert!((first.steps[1].frustration - 0.9).abs() < 1e-6);
    assert!(first.steps[0].at <= first.steps[1].at);

    let second = &trails[1];
    assert!(second.steps.is_empty() && !second.with_people);
    let third = &trails[2];
    assert_eq!(third.reopened.len(), 1, "the customer reopened it once");
    assert!(!third.with_people);
    assert!((third.steps[0].frustration - 0.1).abs() < 1e-6);
    assert!(trails[3].with_people, "an agent wrote in Dan's case");

    // Outside the window nothing is followed.
    for (from, to) in [
        (now + Duration::hours(1), now + Duration::hours(2)),
        (now - Duration::days(2), now - Duration::days(1)),
    ] {
        assert!(store.automation_trails(from, to).await.unwrap().is_empty());
    }
}
