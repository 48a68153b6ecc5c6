//! Contract cases for customers' data: erasure reaches every record of the person and nobody
//! else's, retention erases only what is resolved and old, and the audit log only grows.

use chrono::{Duration, Utc};
use tandem_core::audit::{AuditAction, NewAuditEntry};
use tandem_core::decision::Verdict;
use tandem_core::event::{Actor, EventKind};
use tandem_core::ids::{ConversationId, CustomerId, UserId};
use tandem_core::model::ConversationStatus;
use tandem_store::*;

use crate::contract::{customer_says, decision, new_conversation};

/// Everything a store returns about its conversations, events and audit log, as one text.
async fn everything(store: &dyn Store) -> String {
    let all = ConversationFilter {
        limit: 1000,
        ..ConversationFilter::default()
    };
    let page = store.list_conversations(&all).await.unwrap();
    let mut text = serde_json::to_string(&page.conversations).unwrap();
    for c in &page.conversations {
        text += &serde_json::to_string(&store.list_messages(c.id, true).await.unwrap()).unwrap();
        text += &serde_json::to_string(&store.list_decisions(c.id).await.unwrap()).unwrap();
    }
    text += &serde_json::to_string(&store.events_after(0, 10_000).await.unwrap()).unwrap();
    text += &serde_json::to_string(&store.list_audit(500, None).await.unwrap()).unwrap();
    text.to_lowercase()
}

/// A conversation of `email` with a customer message, a bot decision, a tag and a note.
async fn conversation_with_history(store: &dyn Store, email: &str, words: &str) -> ConversationId {
    let (conversation, _) = store.create_conversation(new_conversation(email)).await.unwrap();
    let (message, _) = store
        .append_message(customer_says(conversation.id, words))
        .await
        .unwrap();
    let turn = BotTurn {
        conversation_id: conversation.id,
        decision: decision(message.id, Verdict::Answer),
        reply: None,
        change: ConversationChange {
            add_tags: vec!["vip".to_owned()],
            summary: Some(format!("Last message: {words}")),
            ..ConversationChange::default()
        },
    };
    assert!(store.record_bot_turn(turn).await.unwrap().is_some());
    conversation.id
}

fn erasure_entry(reason: &str) -> NewAuditEntry {
    NewAuditEntry::new(
        Actor::User { id: UserId::new() },
        AuditAction::CustomerErased,
        "customer:someone",
        serde_json::json!({ "reason": reason }),
    )
}

pub async fn erasure_removes_the_customer_and_everything_in_their_conversations(store: &dyn Store) {
    let first = conversation_with_history(store, "zed@x.org", "my pineapple lamp broke").await;
    let second = conversation_with_history(store, "zed@x.org", "and the quokka vase too").await;
    let other = conversation_with_history(store, "olga@x.org", "walnut gloves please").await;
    let others_before = (
        store.list_messages(other, true).await.unwrap(),
        store.list_events(other).await.unwrap(),
        store.list_decisions(other).await.unwrap(),
    );
    let found = store.find_customers("ZED@x.org").await.unwrap();
    assert_eq!(found.len(), 1, "the lookup ignores case");
    let zed = found[0].clone();
    assert_eq!(store.get_customer(zed.id).await.unwrap(), Some(zed.clone()));
    assert!(everything(store).await.contains("pineapple"));

    let erased = store
        .erase_customer(zed.id, erasure_entry("customer request"))
        .await
        .unwrap()
        .expect("the customer exists");
    assert_eq!(erased.conversations, vec![first, second]);
    assert_eq!(erased.messages, 2);
    assert_eq!(erased.customers, 1);
    let audit = erased.audit.expect("the erasure is audited");
    assert_eq!(audit.action, AuditAction::CustomerErased);

    // Nothing of the person is left anywhere the store can show.
    assert!(store.find_customers("zed@x.org").await.unwrap().is_empty());
    assert_eq!(store.get_customer(zed.id).await.unwrap(), None);
    for id in [first, second] {
        assert_eq!(store.get_conversation(id).await.unwrap(), None);
        assert_eq!(store.customer_access(id).await.unwrap(), None);
        assert!(store.list_messages(id, true).await.unwrap().is_empty());
        assert!(store.list_events(id).await.unwrap().is_empty());
        assert!(store.list_decisions(id).await.unwrap().is_empty());
    }
    let left = everything(store).await;
    for trace in ["zed@x.org", "customer zed", "pineapple", "quokka"] {
        assert!(!left.contains(trace), "{trace:?} is still stored");
    }
    // A tombstone per conversation, and the audit entry, in the feed.
    let feed = store.events_after(0, 10_000).await.unwrap();
    let tombstones: Vec<_> = feed
        .iter()
        .filter(|e| e.kind == EventKind::ConversationErased)
        .map(|e| {
            (
                e.conversation_id,
                e.data["conversation_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        tombstones,
        vec![(None, first.to_string()), (None, second.to_string())]
    );
    assert!(feed
        .iter()
        .any(|e| e.kind == EventKind::AuditRecorded && e.data["id"] == audit.id.to_string()));
    assert_eq!(
        store.list_audit(10, None).await.unwrap()[0].details["reason"],
        "customer request"
    );

    // Everybody else is untouched; erasing again finds nobody.
    let others_after = (
        store.list_messages(other, true).await.unwrap(),
        store.list_events(other).await.unwrap(),
        store.list_decisions(other).await.unwrap(),
    );
    assert_eq!(others_after, others_before);
    assert!(left.contains("walnut gloves") && left.contains("olga@x.org"));
    assert!(store
        .erase_customer(zed.id, erasure_entry("again"))
        .await
        .unwrap()
        .is_none());
    assert!(store
        .erase_customer(CustomerId::new(), erasure_entry("nobody"))
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store.list_audit(10, None).await.unwrap().len(),
        1,
        "a refused erasure records nothing"
    );
    store.scrub().await.unwrap();
}

async fn resolve(store: &dyn Store, id: ConversationId) {
    let change = ConversationChange {
        status: Some(ConversationStatus::Resolved),
        ..ConversationChange::default()
    };
    store
        .update_conversation(id, change, Actor::System)
        .await
        .unwrap();
}

pub async fn retention_erases_resolved_conversations_past_the_cutoff_only(store: &dyn Store) {
    let gone = conversation_with_history(store, "cleo@x.org", "marzipan order").await;
    let dan_resolved = conversation_with_history(store, "dan@x.org", "kumquat order").await;
    let dan_open = conversation_with_history(store, "dan@x.org", "toboggan order").await;
    let open = conversation_with_history(store, "eve@x.org", "sleigh order").await;
    for id in [gone, dan_resolved] {
        resolve(store, id).await;
    }
    let past = Utc::now() - Duration::days(1);
    assert!(store.expired_conversations(past, 100).await.unwrap().is_empty());
    let future = Utc::now() + Duration::days(1);
    let expired = store.expired_conversations(future, 100).await.unwrap();
    assert_eq!(
        expired,
        vec![gone, dan_resolved],
        "resolved ones only, oldest first"
    );
    assert_eq!(store.expired_conversations(future, 1).await.unwrap(), vec![gone]);

    let erased = store
        .erase_conversations(&expired, Actor::System, "retention")
        .await
        .unwrap();
    assert_eq!(erased.conversations, expired);
    assert_eq!(
        erased.customers, 1,
        "cleo has no conversation left; dan still has one"
    );
    assert!(store.find_customers("cleo@x.org").await.unwrap().is_empty());
    assert_eq!(store.find_customers("dan@x.org").await.unwrap().len(), 1);
    for id in [dan_open, open] {
        assert!(store.get_conversation(id).await.unwrap().is_some());
    }
    let left = everything(store).await;
    assert!(!left.contains("marzipan") && !left.contains("kumquat") && !left.contains("cleo@x.org"));
    assert!(left.contains("toboggan") && left.contains("sleigh"));
    assert!(store.expired_conversations(future, 100).await.unwrap().is_empty());
    // Erasing what is already gone changes nothing.
    let again = store
        .erase_conversations(&expired, Actor::System, "retention")
        .await
        .unwrap();
    assert!(again.conversations.is_empty() && again.events.is_empty());
}

pub async fn the_audit_log_only_grows_and_reads_newest_first(store: &dyn Store) {
    let mut ids = Vec::new();
    for (i, action) in [
        AuditAction::UserCreated,
        AuditAction::ContentUpdated,
        AuditAction::CustomerExported,
    ]
    .into_iter()
    .enumerate()
    {
        let (entry, event) = store
            .append_audit(NewAuditEntry::new(
                Actor::System,
                action,
                format!("target:{i}"),
                serde_json::json!({ "n": i }),
            ))
            .await
            .unwrap();
        assert_eq!(event.kind, EventKind::AuditRecorded);
        assert_eq!(event.conversation_id, None);
        assert_eq!(event.data["action"], action.as_str());
        ids.push(entry.id);
    }
    let newest = store.list_audit(2, None).await.unwrap();
    assert_eq!(
        newest.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![ids[2], ids[1]]
    );
    assert_eq!(newest[0].target, "target:2");
    assert_eq!(newest[0].details["n"], 2);
    let older = store.list_audit(10, Some(ids[1])).await.unwrap();
    assert_eq!(older.iter().map(|e| e.id).collect::<Vec<_>>(), vec![ids[0]]);
    let all = store.list_audit(10, None).await.unwrap();
    assert_eq!(all.len(), 3);
    // Erasing customers never touches the audit log.
    let c = conversation_with_history(store, "fay@x.org", "words").await;
    resolve(store, c).await;
    store
        .erase_conversations(&[c], Actor::System, "retention")
        .await
        .unwrap();
    assert_eq!(store.list_audit(10, None).await.unwrap(), all);
}

/// Keeps only the last revisions of the content (and their models).
pub async fn old_content_revisions_are_not_kept_forever(store: &dyn Store) {
    let mut first = None;
    for i in 0..KEEP_REVISIONS + 3 {
        let pack = store
            .save_pack("p", "1", &format!("{{\"rev\":{i}}}"), None)
            .await
            .unwrap();
        store
            .save_model(&pack.id, b"m", "{}", &format!("h{i}"), None)
            .await
            .unwrap();
        first.get_or_insert(pack.id);
    }
    let first = first.unwrap();
    assert_eq!(
        store.active_pack().await.unwrap().unwrap().content,
        format!("{{\"rev\":{}}}", KEEP_REVISIONS + 2)
    );
    assert!(
        store.active_model(&first).await.unwrap().is_none(),
        "the oldest revision's model is gone"
    );
}
