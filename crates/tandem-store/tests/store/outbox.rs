//! Contract cases for the outbox feed and the targeted look-ups.

use std::sync::Arc;

use tandem_core::decision::Verdict;
use tandem_core::event::{Actor, EventKind};
use tandem_core::model::{ConversationStatus, Role};
use tandem_store::*;

use crate::contract::{customer_says, decision, new_conversation, new_user};

pub async fn the_feed_pages_every_event_once_in_seq_order(store: &dyn Store) {
    assert_eq!(store.last_seq().await.unwrap(), 0);
    assert!(store.events_after(0, 10).await.unwrap().is_empty());
    let (a, _) = store
        .create_conversation(new_conversation("feed-a@x.org"))
        .await
        .unwrap();
    let (b, _) = store
        .create_conversation(new_conversation("feed-b@x.org"))
        .await
        .unwrap();
    for i in 0..3 {
        store
            .append_message(customer_says(a.id, &format!("a{i}")))
            .await
            .unwrap();
        store
            .append_message(customer_says(b.id, &format!("b{i}")))
            .await
            .unwrap();
    }
    let all = store.events_after(0, 1000).await.unwrap();
    assert_eq!(all.len(), 2 + 6);
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(store.last_seq().await.unwrap(), all.last().unwrap().seq);
    let mut paged = Vec::new();
    let mut after = 0;
    loop {
        let page = store.events_after(after, 3).await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 3);
        after = page.last().unwrap().seq;
        paged.extend(page);
    }
    assert_eq!(paged, all, "paging gives exactly the one-call sequence");
    let kinds: Vec<_> = all.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds[..2],
        [EventKind::ConversationCreated, EventKind::ConversationCreated]
    );
    assert!(kinds[2..].iter().all(|k| *k == EventKind::MessageCreated));
    // The per-conversation log is the same events.
    let of_a: Vec<_> = all
        .iter()
        .filter(|e| e.conversation_id == Some(a.id))
        .cloned()
        .collect();
    assert_eq!(store.list_events(a.id).await.unwrap(), of_a);
}

pub async fn events_without_a_conversation_join_the_feed(store: &dyn Store) {
    let (conversation, _) = store
        .create_conversation(new_conversation("content@x.org"))
        .await
        .unwrap();
    let event = store
        .append_event(NewEvent {
            conversation_id: None,
            kind: EventKind::ContentChanged,
            actor: Actor::System,
            data: serde_json::json!({ "version": 2 }),
        })
        .await
        .unwrap();
    assert_eq!(event.conversation_id, None);
    let feed = store.events_after(0, 10).await.unwrap();
    assert_eq!(feed.len(), 2);
    assert_eq!(feed[1], event);
    assert_eq!(store.list_events(conversation.id).await.unwrap().len(), 1);
}

pub async fn concurrent_writers_never_let_a_reader_skip_an_event(store: &dyn Store) {
    // A reader follows the feed while writers commit; whatever it saw, in order, must be a prefix
    // of the final feed: no event appears later below a seq the reader already passed.
    let store: Arc<&dyn Store> = Arc::new(store);
    let (conversations, _): (Vec<_>, Vec<_>) = futures::future::join_all(
        (0..4).map(|i| store.create_conversation(new_conversation(&format!("race{i}@x.org")))),
    )
    .await
    .into_iter()
    .map(|r| r.unwrap())
    .unzip();
    let writers = futures::future::join_all(conversations.iter().map(|c| async {
        for i in 0..15 {
            store
                .append_message(customer_says(c.id, &format!("m{i}")))
                .await
                .unwrap();
        }
    }));
    let reader = async {
        let mut seen = Vec::new();
        let mut after = 0;
        for _ in 0..400 {
            let page = store.events_after(after, 7).await.unwrap();
            if let Some(last) = page.last() {
                after = last.seq;
            }
            seen.extend(page.into_iter().map(|e| e.seq));
            tokio::task::yield_now().await;
        }
        seen
    };
    let (_, seen) = futures::join!(writers, reader);
    let all: Vec<_> = store
        .events_after(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(all.len(), 4 + 60);
    assert_eq!(
        seen[..],
        all[..seen.len()],
        "the reader saw a prefix of the feed, in order"
    );
}

pub async fn targeted_lookups_find_one_record(store: &dyn Store) {
    let team = store
        .create_team(NewTeam {
            name: "Billing".into(),
            skills: vec![],
        })
        .await
        .unwrap();
    assert_eq!(store.get_team(team.id).await.unwrap(), Some(team.clone()));
    assert_eq!(store.team_by_name("Billing").await.unwrap(), Some(team.clone()));
    assert_eq!(
        store.team_by_name("billing").await.unwrap(),
        None,
        "names match exactly"
    );
    assert_eq!(
        store.get_team(tandem_core::ids::TeamId::new()).await.unwrap(),
        None
    );

    let user = store
        .create_user(new_user("avail@x.org", Role::Agent))
        .await
        .unwrap();
    assert_eq!(store.available(user.id).await.unwrap(), Some(true));
    store.set_available(user.id, false).await.unwrap();
    assert_eq!(store.available(user.id).await.unwrap(), Some(false));
    assert_eq!(
        store.available(tandem_core::ids::UserId::new()).await.unwrap(),
        None
    );

    let (first, _) = store
        .create_conversation(new_conversation("count@x.org"))
        .await
        .unwrap();
    assert_eq!(
        store
            .count_customer_conversations(first.customer.id)
            .await
            .unwrap(),
        1
    );
    store
        .create_conversation(new_conversation("count@x.org"))
        .await
        .unwrap();
    store
        .create_conversation(new_conversation("other@x.org"))
        .await
        .unwrap();
    assert_eq!(
        store
            .count_customer_conversations(first.customer.id)
            .await
            .unwrap(),
        2
    );

    let (message, _) = store
        .append_message(customer_says(first.id, "find me"))
        .await
        .unwrap();
    assert_eq!(store.get_message(message.id).await.unwrap(), Some(message));
    assert_eq!(
        store
            .get_message(tandem_core::ids::MessageId::new())
            .await
            .unwrap(),
        None
    );
}

pub async fn recent_windows_keep_the_last_items_in_order(store: &dyn Store) {
    let (conversation, _) = store
        .create_conversation(new_conversation("window@x.org"))
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..6 {
        let (message, _) = store
            .append_message(customer_says(conversation.id, &format!("m{i}")))
            .await
            .unwrap();
        store
            .record_bot_turn(BotTurn {
                conversation_id: conversation.id,
                decision: decision(
                    message.id,
                    Verdict::Clarify {
                        slot: Some("order".into()),
                    },
                ),
                reply: None,
                change: ConversationChange::default(),
            })
            .await
            .unwrap()
            .unwrap();
        ids.push(message.id);
    }
    let recent = store.recent_messages(conversation.id, false, 4).await.unwrap();
    assert_eq!(recent.iter().map(|m| m.id).collect::<Vec<_>>(), ids[2..]);
    let all = store.list_messages(conversation.id, false).await.unwrap();
    assert_eq!(all.len(), 6);
    let decisions = store.recent_decisions(conversation.id, 2).await.unwrap();
    assert!(decisions
        .iter()
        .all(|d| d.slot.as_deref() == Some("order") && d.handoff_reason.is_none()));
    assert_eq!(
        decisions.iter().map(|d| d.message_id).collect::<Vec<_>>(),
        ids[4..]
    );
    assert_eq!(store.list_decisions(conversation.id).await.unwrap().len(), 6);
    let conversation = store.get_conversation(conversation.id).await.unwrap().unwrap();
    assert_eq!(conversation.status, ConversationStatus::Bot);
}
