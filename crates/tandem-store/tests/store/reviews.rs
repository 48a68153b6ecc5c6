//! The review queue: one open item per message and reason, filters, resolving and dismissing
//! once, label counts, and items that go with their conversation when it is erased.

use tandem_core::event::Actor;
use tandem_core::ids::{ConversationId, MessageId, ReviewId};
use tandem_core::model::Role;
use tandem_store::*;

use crate::contract::{customer_says, new_conversation};
use crate::staff::new_user;

async fn asked(store: &dyn Store, email: &str, text: &str) -> (ConversationId, MessageId) {
    let (conversation, _) = store.create_conversation(new_conversation(email)).await.unwrap();
    let (message, _) = store
        .append_message(customer_says(conversation.id, text))
        .await
        .unwrap();
    (conversation.id, message.id)
}

fn item(conversation: ConversationId, message: MessageId, reason: ReviewReason, text: &str) -> NewReview {
    NewReview {
        conversation_id: conversation,
        message_id: message,
        reason,
        text: text.to_owned(),
        intent: Some("track_order".into()),
        confidence: 0.42,
        flag: None,
    }
}

fn open() -> ReviewFilter {
    ReviewFilter {
        status: Some(ReviewStatus::Open),
        limit: 100,
        ..ReviewFilter::default()
    }
}

pub async fn review_items_are_queued_once_filtered_and_closed_once(store: &dyn Store) {
    let trainer = store
        .create_user(new_user("t@x.org", Role::Trainer))
        .await
        .unwrap();
    let (c1, m1) = asked(store, "a@x.org", "dov'è il mio ordine?").await;
    let (c2, m2) = asked(store, "b@x.org", "un altro messaggio").await;
    let first = store
        .add_review(item(c1, m1, ReviewReason::OutOfScope, "dov'è il mio ordine?"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.status, ReviewStatus::Open);
    assert_eq!(first.text, "dov'è il mio ordine?");
    assert_eq!(first.intent.as_deref(), Some("track_order"));
    assert!((first.confidence - 0.42).abs() < 1e-9);
    assert!(first.flag.is_none() && first.label.is_none() && !first.held_out);
    // The same message and reason again: nothing new while the first is open.
    assert!(store
        .add_review(item(c1, m1, ReviewReason::OutOfScope, "again"))
        .await
        .unwrap()
        .is_none());
    // The open item is found by its message and reason.
    let found = store
        .open_review(m1, ReviewReason::OutOfScope)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.id, found.text.as_str()),
        (first.id, "dov'è il mio ordine?")
    );
    assert!(store
        .open_review(m1, ReviewReason::Flagged)
        .await
        .unwrap()
        .is_none());
    // Another reason for the same message is its own item.
    let flagged = store
        .add_review(NewReview {
            flag: Some(Flag {
                reason: "incomplete".into(),
                comment: "misses final sale".into(),
                by: Some(trainer.id),
            }),
            ..item(c1, m1, ReviewReason::Flagged, "dov'è il mio ordine?")
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(flagged.flag.as_ref().unwrap().comment, "misses final sale");
    assert_eq!(flagged.flag.as_ref().unwrap().by, Some(trainer.id));
    let second = store.add_review(low_confidence(c2, m2)).await.unwrap().unwrap();
    let listed: Vec<ReviewId> = store
        .reviews(&open())
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(listed, vec![second.id, flagged.id, first.id], "newest first");
    let by_reason = ReviewFilter {
        reason: Some(ReviewReason::Flagged),
        ..open()
    };
    assert_eq!(store.reviews(&by_reason).await.unwrap().len(), 1);
    let by_intent = ReviewFilter {
        intent: Some("cancel_order".into()),
        ..open()
    };
    assert_eq!(
        store
            .reviews(&by_intent)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        vec![second.id]
    );
    let future = ReviewFilter {
        since: Some(chrono::Utc::now() + chrono::Duration::days(1)),
        ..open()
    };
    assert!(store.reviews(&future).await.unwrap().is_empty());
    let limited = ReviewFilter { limit: 1, ..open() };
    assert_eq!(store.reviews(&limited).await.unwrap().len(), 1);

    // Relabel the first, dismiss the flag.
    let resolved = store
        .resolve_review(
            first.id,
            Resolution {
                by: Some(trainer.id),
                label: Some("track_order".into()),
                held_out: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(resolved.status, ReviewStatus::Resolved);
    assert_eq!(resolved.label.as_deref(), Some("track_order"));
    assert!(resolved.held_out && resolved.resolved_at.is_some());
    assert_eq!(resolved.resolved_by, Some(trainer.id));
    let dismissed = store
        .resolve_review(
            flagged.id,
            Resolution {
                by: Some(trainer.id),
                label: None,
                held_out: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(dismissed.status, ReviewStatus::Dismissed);
    assert!(store
        .open_review(m1, ReviewReason::OutOfScope)
        .await
        .unwrap()
        .is_none());
    // Closing twice is refused and changes nothing.
    let again = store
        .resolve_review(
            first.id,
            Resolution {
                by: None,
                label: Some("cancel_order".into()),
                held_out: false,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(again.code(), tandem_core::ErrorCode::ReviewClosed);
    let kept = store.review(first.id).await.unwrap().unwrap();
    assert_eq!(kept.label.as_deref(), Some("track_order"));
    assert!(store
        .resolve_review(
            ReviewId::new(),
            Resolution {
                by: None,
                label: None,
                held_out: false
            }
        )
        .await
        .is_err());
    assert_eq!(store.labelled_reviews("track_order").await.unwrap(), 1);
    assert_eq!(store.labelled_reviews("cancel_order").await.unwrap(), 0);
    let resolved_list = ReviewFilter {
        status: Some(ReviewStatus::Resolved),
        limit: 100,
        ..ReviewFilter::default()
    };
    assert_eq!(store.reviews(&resolved_list).await.unwrap().len(), 1);
    // Once the first is closed, the same message may be queued again for the same reason.
    assert!(store
        .add_review(item(c1, m1, ReviewReason::OutOfScope, "later"))
        .await
        .unwrap()
        .is_some());
}

fn low_confidence(conversation: ConversationId, message: MessageId) -> NewReview {
    NewReview {
        intent: Some("cancel_order".into()),
        ..item(
            conversation,
            message,
            ReviewReason::LowConfidence,
            "un altro messaggio",
        )
    }
}

pub async fn review_items_go_with_their_conversation(store: &dyn Store) {
    let (gone, m1) = asked(store, "gone@x.org", "erase me").await;
    let (kept, m2) = asked(store, "kept@x.org", "keep me").await;
    store
        .add_review(item(gone, m1, ReviewReason::OutOfScope, "erase me"))
        .await
        .unwrap();
    store
        .add_review(item(kept, m2, ReviewReason::OutOfScope, "keep me"))
        .await
        .unwrap();
    store
        .erase_conversations(&[gone], Actor::System, "retention")
        .await
        .unwrap();
    let left: Vec<String> = store
        .reviews(&open())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.text)
        .collect();
    assert_eq!(left, vec!["keep me"]);
}
