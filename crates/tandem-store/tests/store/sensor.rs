//! Service as a sensor: a case's root cause (the bot's suggestion, a person's confirmation, what
//! confirmations teach, the day's digest claimed once), customers' ratings (the latest replaces,
//! bot-only and human-handled told apart) and the messages the bot did not understand. All of it
//! goes with its conversation.

use chrono::{Duration, Utc};
use tandem_core::audit::{AuditAction, NewAuditEntry};
use tandem_core::decision::{HandoffReason, Verdict};
use tandem_core::event::Actor;
use tandem_core::ids::ConversationId;
use tandem_core::model::{Author, ConversationStatus, Role};
use tandem_core::root_cause::RootCause;
use tandem_store::*;

use crate::contract::{customer_says, new_conversation};
use crate::service::decision;
use crate::staff::new_user;

fn suggestion(conversation: ConversationId, cause: Option<RootCause>) -> NewRootCauseSuggestion {
    NewRootCauseSuggestion {
        conversation_id: conversation,
        suggested: cause,
        confidence: 0.75,
        evidence: serde_json::json!([{ "text": "the manual is wrong" }]),
        text: "the manual is wrong".into(),
        handed_over_at: Utc::now() - Duration::hours(1),
    }
}

async fn erase(store: &dyn Store, conversation: &tandem_core::model::Conversation) {
    let customer = conversation.customer.id;
    let entry = NewAuditEntry::new(
        Actor::System,
        AuditAction::CustomerErased,
        format!("customer:{customer}"),
        serde_json::json!({ "reason": "test" }),
    );
    store.erase_customer(customer, entry).await.unwrap().unwrap();
}

pub async fn a_root_cause_is_suggested_confirmed_learned_from_and_erased(store: &dyn Store) {
    let agent = store
        .create_user(new_user("ana@x.org", Role::Agent))
        .await
        .unwrap();
    let (a, _) = store
        .create_conversation(new_conversation("a@x.org"))
        .await
        .unwrap();
    let (b, _) = store
        .create_conversation(new_conversation("b@x.org"))
        .await
        .unwrap();
    assert_eq!(store.root_cause(a.id).await.unwrap(), None);
    let stamp0 = store.root_cause_stamp().await.unwrap();
    assert_eq!(stamp0.0, 0);

    store
        .suggest_root_cause(suggestion(a.id, Some(RootCause::Documentation)))
        .await
        .unwrap();
    let first = store.root_cause(a.id).await.unwrap().unwrap();
    assert_eq!(first.suggested, Some(RootCause::Documentation));
    assert!((first.confidence - 0.75).abs() < 1e-6);
    assert_eq!(first.evidence[0]["text"], "the manual is wrong");
    assert_eq!(
        (first.confirmed, first.effective()),
        (None, Some(RootCause::Documentation))
    );

    let at = Utc::now();
    assert!(store
        .confirm_root_cause(a.id, Some(RootCause::Process), Some(agent.id), at)
        .await
        .unwrap());
    let confirmed = store.root_cause(a.id).await.unwrap().unwrap();
    assert_eq!(
        confirmed.suggested,
        Some(RootCause::Documentation),
        "the suggestion stays"
    );
    assert_eq!(confirmed.confirmed, Some(RootCause::Process));
    assert_eq!(confirmed.confirmed_by, Some(agent.id));
    assert_eq!(confirmed.effective(), Some(RootCause::Process));
    assert_ne!(store.root_cause_stamp().await.unwrap(), stamp0);

    // Handed over again: a new suggestion, the confirmation and the first day stay.
    let mut again = suggestion(a.id, Some(RootCause::TechnicalDefect));
    again.handed_over_at = Utc::now();
    store.suggest_root_cause(again).await.unwrap();
    let after = store.root_cause(a.id).await.unwrap().unwrap();
    assert_eq!(after.suggested, Some(RootCause::TechnicalDefect));
    assert_eq!(after.confirmed, Some(RootCause::Process));
    assert_eq!(after.handed_over_at, first.handed_over_at);

    // Confirmed without a suggestion: a row that counts from the confirmation.
    assert!(store
        .confirm_root_cause(b.id, Some(RootCause::Other), None, at)
        .await
        .unwrap());
    let b_row = store.root_cause(b.id).await.unwrap().unwrap();
    assert_eq!((b_row.suggested, b_row.confirmed), (None, Some(RootCause::Other)));
    let unknown: ConversationId = "00000000-0000-7000-8000-000000000001".parse().unwrap();
    assert!(!store
        .confirm_root_cause(unknown, Some(RootCause::Other), None, at)
        .await
        .unwrap());

    let taught = store.confirmed_root_causes(10).await.unwrap();
    assert_eq!(taught.len(), 2);
    assert!(taught.contains(&ConfirmedRootCause {
        text: "the manual is wrong".into(),
        cause: RootCause::Process
    }));
    let recent = store
        .root_causes_since(Utc::now() - Duration::minutes(30))
        .await
        .unwrap();
    assert_eq!(
        recent.len(),
        1,
        "only b was handed over (confirmed) in the last 30 minutes"
    );
    assert_eq!(recent[0].conversation_id, b.id);
    let all = store
        .root_causes_since(Utc::now() - Duration::days(1))
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|r| r.conversation_id).collect::<Vec<_>>(),
        vec![b.id, a.id],
        "newest first"
    );

    let before_clear = store.root_cause_stamp().await.unwrap();
    store.confirm_root_cause(b.id, None, None, at).await.unwrap();
    assert_eq!(store.root_cause(b.id).await.unwrap().unwrap().confirmed, None);
    assert_ne!(store.root_cause_stamp().await.unwrap(), before_clear);

    erase(store, &a).await;
    assert_eq!(
        store.root_cause(a.id).await.unwrap(),
        None,
        "erased with its conversation"
    );
    assert!(store.confirmed_root_causes(10).await.unwrap().is_empty());

    assert!(store.claim_digest_day("2026-12-05").await.unwrap());
    assert!(
        !store.claim_digest_day("2026-12-05").await.unwrap(),
        "a day's digest once"
    );
    assert!(store.claim_digest_day("2026-12-06").await.unwrap());
}

pub async fn the_latest_rating_counts_and_says_whether_a_person_took_part(store: &dyn Store) {
    let agent = store
        .create_user(new_user("ben@x.org", Role::Agent))
        .await
        .unwrap();
    let (bot_only, _) = store
        .create_conversation(new_conversation("c@x.org"))
        .await
        .unwrap();
    let (human, _) = store
        .create_conversation(new_conversation("d@x.org"))
        .await
        .unwrap();
    let (m, _) = store
        .append_message(customer_says(bot_only.id, "What is your return policy?"))
        .await
        .unwrap();
    let mut d = decision(m.id, Verdict::Answer);
    d.intent = Some("return_policy".into());
    store
        .record_bot_turn(BotTurn {
            conversation_id: bot_only.id,
            decision: d,
            reply: None,
            change: ConversationChange::default(),
        })
        .await
        .unwrap()
        .unwrap();
    store
        .append_message(NewMessage {
            author: Author::Agent,
            author_user_id: Some(agent.id),
            actor: Actor::User { id: agent.id },
            ..customer_says(human.id, "A new jacket is on its way.")
        })
        .await
        .unwrap();

    let now = Utc::now();
    assert!(!store.put_rating(bot_only.id, 5, "great", now).await.unwrap());
    assert!(!store.put_rating(human.id, 1, "", now).await.unwrap());
    assert!(
        store.put_rating(human.id, 2, "better", now).await.unwrap(),
        "a second rating replaces the first"
    );
    let kept = store.rating(human.id).await.unwrap().unwrap();
    assert_eq!((kept.score, kept.comment.as_str()), (2, "better"));
    let ratings = store.ratings_since(now - Duration::minutes(1)).await.unwrap();
    assert_eq!(ratings.len(), 2, "one per conversation");
    let of = |id| ratings.iter().find(|r| r.conversation_id == id).unwrap();
    assert_eq!((of(bot_only.id).score, of(bot_only.id).handed_over), (5, false));
    assert_eq!(of(bot_only.id).intent.as_deref(), Some("return_policy"));
    assert_eq!((of(human.id).score, of(human.id).handed_over), (2, true));
    assert!(store
        .ratings_since(now + Duration::minutes(1))
        .await
        .unwrap()
        .is_empty());

    erase(store, &human).await;
    assert_eq!(
        store
            .ratings_since(now - Duration::minutes(1))
            .await
            .unwrap()
            .len(),
        1
    );
}

pub async fn the_messages_the_bot_did_not_understand_are_listed_newest_first(store: &dyn Store) {
    let (c, _) = store
        .create_conversation(new_conversation("e@x.org"))
        .await
        .unwrap();
    let decide = |text: &'static str, verdict: Verdict, intent: Option<&'static str>| {
        let conversation = c.id;
        async move {
            let (m, _) = store
                .append_message(customer_says(conversation, text))
                .await
                .unwrap();
            let handoff = verdict.handoff_reason();
            let mut d = decision(m.id, verdict);
            d.intent = intent.map(str::to_owned);
            store
                .record_bot_turn(BotTurn {
                    conversation_id: conversation,
                    decision: d,
                    reply: None,
                    change: ConversationChange {
                        status: handoff.map(|_| ConversationStatus::Queued),
                        handoff,
                        ..Default::default()
                    },
                })
                .await
                .unwrap();
            m.id
        }
    };
    let unclear = decide("Do you sell dog coats?", Verdict::Clarify { slot: None }, None).await;
    decide(
        "Where is my order?",
        Verdict::Clarify {
            slot: Some("order_id".into()),
        },
        Some("track_order"),
    )
    .await;
    decide("Thanks!", Verdict::Acknowledge, Some("thanks")).await;
    let out = decide(
        "Is there a shop in Rome?",
        Verdict::Handoff {
            reason: HandoffReason::OutOfScope,
        },
        None,
    )
    .await;
    let found = store
        .unrecognised_messages(Utc::now() - Duration::hours(1), 10)
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|m| m.message_id).collect::<Vec<_>>(),
        vec![out, unclear],
        "clarify without an intent and out-of-scope handoffs, newest first"
    );
    assert_eq!(found[1].text, "Do you sell dog coats?");
    assert_eq!(
        store
            .unrecognised_messages(Utc::now() - Duration::hours(1), 1)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(store
        .unrecognised_messages(Utc::now() + Duration::hours(1), 10)
        .await
        .unwrap()
        .is_empty());
}
