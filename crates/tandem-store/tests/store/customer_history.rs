//! What a customer's health is computed from: each customer's conversations with the bot's
//! decisions in them and the times they reopened a resolved case, for one customer or for every
//! customer active since a moment.

use chrono::{Duration, Utc};
use tandem_core::decision::{DecisionKind, HandoffReason, Verdict};
use tandem_core::event::Actor;
use tandem_core::model::ConversationStatus;
use tandem_store::*;

use crate::automation::bot_turn;
use crate::contract::{customer_says, new_conversation};

pub async fn customer_histories_hold_each_customers_cases_with_decisions_and_reopenings(store: &dyn Store) {
    let now = Utc::now();
    let since = now - Duration::days(90);
    // Olga: a furious message handed over, then a second conversation asking to cancel.
    let (first, _) = store
        .create_conversation(new_conversation("olga@x.org"))
        .await
        .unwrap();
    let (m, _) = store
        .append_message(customer_says(first.id, "Charged twice!!!"))
        .await
        .unwrap();
    let frustrated = Verdict::Handoff {
        reason: HandoffReason::Frustration,
    };
    bot_turn(store, first.id, m.id, frustrated, "billing_dispute", 0.92).await;
    let (second, _) = store
        .create_conversation(new_conversation("olga@x.org"))
        .await
        .unwrap();
    let (m, _) = store
        .append_message(customer_says(second.id, "Cancel my order"))
        .await
        .unwrap();
    let which = Verdict::Clarify {
        slot: Some("order_id".to_owned()),
    };
    bot_turn(store, second.id, m.id, which, "cancel_order", 0.1).await;
    // Pia: answered, resolved, and she wrote again (reopened it).
    let (pia, _) = store
        .create_conversation(new_conversation("pia@x.org"))
        .await
        .unwrap();
    let (m, _) = store
        .append_message(customer_says(pia.id, "Return policy?"))
        .await
        .unwrap();
    bot_turn(store, pia.id, m.id, Verdict::Answer, "return_policy", 0.0).await;
    let status = |s| ConversationChange {
        status: Some(s),
        ..Default::default()
    };
    store
        .update_conversation(pia.id, status(ConversationStatus::Resolved), Actor::System)
        .await
        .unwrap();
    store
        .update_conversation(pia.id, status(ConversationStatus::Queued), Actor::Customer)
        .await
        .unwrap();

    let olga = first.customer.id;
    let histories = store
        .customer_histories(CustomerScope::One(olga), since)
        .await
        .unwrap();
    assert_eq!(histories.len(), 1);
    let h = &histories[0];
    assert_eq!(h.customer.email, "olga@x.org");
    assert_eq!(h.conversations, 2);
    let ids: Vec<_> = h.cases.iter().map(|c| c.conversation_id).collect();
    assert_eq!(ids, [first.id, second.id], "oldest first");
    let furious = &h.cases[0];
    assert_eq!(furious.status, ConversationStatus::Queued);
    assert_eq!(furious.handoff_reason, Some(HandoffReason::Frustration));
    assert_eq!(furious.steps.len(), 1);
    let step = &furious.steps[0];
    assert_eq!(step.kind, DecisionKind::Handoff);
    assert_eq!(step.intent.as_deref(), Some("billing_dispute"));
    assert_eq!(step.handoff_reason, Some(HandoffReason::Frustration));
    assert!(
        (step.frustration - 0.92).abs() < 1e-6,
        "the signal's score is read from the record"
    );
    let cancel = &h.cases[1].steps[0];
    assert_eq!(
        (cancel.kind, cancel.slot.as_deref(), cancel.intent.as_deref()),
        (DecisionKind::Clarify, Some("order_id"), Some("cancel_order"))
    );
    assert!(h.cases.iter().all(|c| c.reopened.is_empty()));

    // Everyone active in the last day, by name: both customers, Pia with her reopening.
    let all = store
        .customer_histories(CustomerScope::ActiveSince(now - Duration::days(1)), since)
        .await
        .unwrap();
    let emails: Vec<&str> = all.iter().map(|h| h.customer.email.as_str()).collect();
    assert_eq!(emails, ["olga@x.org", "pia@x.org"]);
    let pia_history = &all[1];
    assert_eq!(pia_history.conversations, 1);
    assert_eq!(
        pia_history.cases[0].reopened.len(),
        1,
        "the customer reopened it once"
    );
    assert_eq!(pia_history.cases[0].steps[0].kind, DecisionKind::Answer);

    // Only conversations active since `since` are detailed; all are counted.
    let later = store
        .customer_histories(CustomerScope::One(olga), now + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(later[0].conversations, 2);
    assert!(later[0].cases.is_empty());
    // Nobody active in the future; an unknown customer has no history.
    assert!(store
        .customer_histories(CustomerScope::ActiveSince(now + Duration::days(1)), since)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .customer_histories(CustomerScope::One(tandem_core::ids::CustomerId::new()), since)
        .await
        .unwrap()
        .is_empty());
}
