//! Read marks: per staff member and conversation, only customer messages count as unread, a mark
//! never moves back, and marks go with an erased conversation.

use tandem_core::event::Actor;
use tandem_core::ids::ConversationId;
use tandem_core::model::{Author, ConversationStatus, Role};
use tandem_store::*;

use crate::contract::{customer_says, new_conversation};
use crate::staff::new_user;

fn agent_says(conversation: ConversationId, user: tandem_core::ids::UserId, internal: bool) -> NewMessage {
    NewMessage {
        conversation_id: conversation,
        author: Author::Agent,
        author_user_id: Some(user),
        text: "On it.".into(),
        preview: "On it.".into(),
        internal,
        sources: vec![],
        choices: vec![],
        choice: None,
        attachments: Vec::new(),
        actor: Actor::User { id: user },
    }
}

pub async fn read_marks_count_unread_customer_messages_per_user(store: &dyn Store) {
    let ada = store
        .create_user(new_user("ada@x.org", Role::Agent))
        .await
        .unwrap();
    let bob = store
        .create_user(new_user("bob@x.org", Role::Agent))
        .await
        .unwrap();
    let (first, _) = store
        .create_conversation(new_conversation("r1@x.org"))
        .await
        .unwrap();
    let (second, _) = store
        .create_conversation(new_conversation("r2@x.org"))
        .await
        .unwrap();
    let ids = [first.id, second.id];
    assert!(store.unread_counts(ada.id, &ids).await.unwrap().is_empty());
    assert!(store.unread_counts(ada.id, &[]).await.unwrap().is_empty());

    store
        .append_message(customer_says(first.id, "one"))
        .await
        .unwrap();
    store
        .append_message(customer_says(first.id, "two"))
        .await
        .unwrap();
    store
        .append_message(customer_says(second.id, "three"))
        .await
        .unwrap();
    let unread = store.unread_counts(ada.id, &ids).await.unwrap();
    assert_eq!(unread.get(&first.id), Some(&2));
    assert_eq!(unread.get(&second.id), Some(&1));

    // Ada reads the first conversation; Bob has still read nothing.
    assert!(store.mark_read(ada.id, first.id).await.unwrap());
    let unread = store.unread_counts(ada.id, &ids).await.unwrap();
    assert_eq!(unread.get(&first.id), None);
    assert_eq!(unread.get(&second.id), Some(&1));
    assert_eq!(
        store.unread_counts(bob.id, &ids).await.unwrap().get(&first.id),
        Some(&2)
    );

    // Agents' replies and notes are never unread; the customer's next message is.
    store
        .append_message(agent_says(first.id, bob.id, false))
        .await
        .unwrap();
    store
        .append_message(agent_says(first.id, bob.id, true))
        .await
        .unwrap();
    assert_eq!(
        store.unread_counts(ada.id, &ids).await.unwrap().get(&first.id),
        None
    );
    store
        .append_message(customer_says(first.id, "four"))
        .await
        .unwrap();
    assert_eq!(
        store.unread_counts(ada.id, &ids).await.unwrap().get(&first.id),
        Some(&1)
    );
    assert_eq!(
        store.unread_counts(bob.id, &ids).await.unwrap().get(&first.id),
        Some(&3)
    );

    // Marking again is fine, and an unknown conversation is no mark at all.
    assert!(store.mark_read(ada.id, first.id).await.unwrap());
    assert!(store.mark_read(ada.id, first.id).await.unwrap());
    assert!(!store.mark_read(ada.id, ConversationId::new()).await.unwrap());
    assert!(!store
        .unread_counts(ada.id, &ids)
        .await
        .unwrap()
        .contains_key(&first.id));

    // The inbox count: open cases for Ada (hers or nobody's) with something unread.
    assert_eq!(
        store.unread_cases(ada.id).await.unwrap(),
        0,
        "cases with the bot do not count"
    );
    for (id, assignee) in [(first.id, None), (second.id, Some(bob.id))] {
        let change = ConversationChange {
            status: Some(if assignee.is_some() {
                ConversationStatus::Assigned
            } else {
                ConversationStatus::Queued
            }),
            assignee: Some(assignee),
            ..Default::default()
        };
        store
            .update_conversation(id, change, Actor::System)
            .await
            .unwrap();
    }
    assert_eq!(
        store.unread_cases(ada.id).await.unwrap(),
        0,
        "read, or someone else's"
    );
    assert_eq!(store.unread_cases(bob.id).await.unwrap(), 2);
    store
        .append_message(customer_says(first.id, "five"))
        .await
        .unwrap();
    assert_eq!(store.unread_cases(ada.id).await.unwrap(), 1);

    // Erasing a conversation removes its marks with it.
    let erased = store
        .erase_conversations(&[first.id], Actor::System, "test")
        .await
        .unwrap();
    assert_eq!(erased.conversations, vec![first.id]);
    assert!(!store.mark_read(ada.id, first.id).await.unwrap());
    assert!(!store
        .unread_counts(ada.id, &ids)
        .await
        .unwrap()
        .contains_key(&first.id));
    assert_eq!(store.unread_cases(ada.id).await.unwrap(), 0);
    assert_eq!(store.unread_cases(bob.id).await.unwrap(), 1);
}
