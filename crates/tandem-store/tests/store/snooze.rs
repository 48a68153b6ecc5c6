//! Snoozed cases: stored on the conversation with an event, hidden from or alone in lists while
//! their time is ahead, listed again once it has passed, and woken by clearing.

use chrono::{Duration, Utc};
use tandem_core::event::{Actor, EventKind};
use tandem_core::model::{ConversationStatus, Role};
use tandem_store::*;

use crate::contract::new_conversation;

pub async fn snoozed_cases_hide_until_their_time(store: &dyn Store) {
    let mut ids = Vec::new();
    for email in ["s1@x.org", "s2@x.org", "s3@x.org"] {
        let (c, _) = store.create_conversation(new_conversation(email)).await.unwrap();
        let queued = ConversationChange {
            status: Some(ConversationStatus::Queued),
            ..Default::default()
        };
        store
            .update_conversation(c.id, queued, Actor::System)
            .await
            .unwrap();
        ids.push(c.id);
    }
    let later = Utc::now() + Duration::hours(1);
    let snooze = |until| ConversationChange {
        snooze: Some(until),
        ..Default::default()
    };
    let (snoozed, events) = store
        .update_conversation(ids[0], snooze(Some(later)), Actor::System)
        .await
        .unwrap();
    let kept = snoozed.snoozed_until.unwrap();
    assert!((kept - later).num_milliseconds().abs() < 1, "{kept} {later}");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::ConversationUpdated);
    assert_eq!(events[0].data["change"], "snooze");
    assert!(events[0].data["from"].is_null());
    // The same time again changes nothing.
    let (_, again) = store
        .update_conversation(ids[0], snooze(Some(kept)), Actor::System)
        .await
        .unwrap();
    assert!(again.is_empty());
    // A time that has passed: listed again.
    store
        .update_conversation(
            ids[1],
            snooze(Some(Utc::now() - Duration::minutes(1))),
            Actor::System,
        )
        .await
        .unwrap();

    let list = |snoozed| ConversationFilter {
        open_only: true,
        snoozed,
        ..Default::default()
    };
    let listed = |page: ConversationPage| {
        let mut found: Vec<_> = page.conversations.iter().map(|c| c.id).collect();
        found.sort();
        found
    };
    let mut awake = vec![ids[1], ids[2]];
    awake.sort();
    let hidden = store.list_conversations(&list(SnoozeFilter::Hide)).await.unwrap();
    assert_eq!((listed(hidden.clone()), hidden.total), (awake, 2));
    let only = store.list_conversations(&list(SnoozeFilter::Only)).await.unwrap();
    assert_eq!((listed(only.clone()), only.total), (vec![ids[0]], 1));
    let all = store
        .list_conversations(&list(SnoozeFilter::Include))
        .await
        .unwrap();
    assert_eq!(all.total, 3);

    // Taking the next case passes over the snoozed one (ids[0]).
    let user = store
        .create_user(crate::contract::new_user("snooze@x.org", Role::Agent))
        .await
        .unwrap();
    let mut taken = Vec::new();
    while let Some((c, _)) = store.claim_next(user.id, &[], &[]).await.unwrap() {
        taken.push(c.id);
    }
    taken.sort();
    let mut expected = vec![ids[1], ids[2]];
    expected.sort();
    assert_eq!(taken, expected);

    // Woken: listed again, with an event.
    let (woken, events) = store
        .update_conversation(ids[0], snooze(None), Actor::Customer)
        .await
        .unwrap();
    assert_eq!(woken.snoozed_until, None);
    assert_eq!(events.len(), 1);
    assert!(events[0].data["to"].is_null());
    assert!(events[0].data["from"].is_string());
    let hidden = store.list_conversations(&list(SnoozeFilter::Hide)).await.unwrap();
    assert_eq!(hidden.total, 3);
    assert_eq!(
        store
            .get_conversation(ids[2])
            .await
            .unwrap()
            .unwrap()
            .snoozed_until,
        None
    );
}
