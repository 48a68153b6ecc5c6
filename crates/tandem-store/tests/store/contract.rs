//! The cases every [`Store`] must pass.

use tandem_core::event::{Actor, EventKind};
use tandem_core::ids::{ConversationId, UserId};
use tandem_core::model::{Author, ConversationStatus, Priority, Role};
use tandem_store::*;

pub use crate::attachments::*;
pub use crate::automation::*;
pub use crate::coaching::*;
pub use crate::content_versions::*;
pub use crate::customer_history::*;
pub use crate::drafts::*;
pub use crate::message_edits::*;
pub use crate::models::*;
pub use crate::outbox::*;
pub use crate::privacy::*;
pub use crate::reads::*;
pub use crate::reviews::*;
pub use crate::sensor::*;
pub use crate::service::*;
pub use crate::snooze::*;
pub use crate::staff::*;

pub fn new_conversation(email: &str) -> NewConversation {
    NewConversation {
        customer_name: format!("Customer {email}"),
        customer_email: email.to_owned(),
        token_hash: format!("hash-of-{email}"),
        customer_verified: false,
        status: ConversationStatus::Bot,
        priority: Priority::Normal,
    }
}

pub fn customer_says(conversation: ConversationId, text: &str) -> NewMessage {
    NewMessage {
        conversation_id: conversation,
        author: Author::Customer,
        author_user_id: None,
        text: text.to_owned(),
        preview: text.to_owned(),
        internal: false,
        sources: Vec::new(),
        choices: Vec::new(),
        choice: None,
        actor: Actor::Customer,
        attachments: Vec::new(),
    }
}

pub async fn conversations_find_their_customer_by_email(store: &dyn Store) {
    let (first, events) = store
        .create_conversation(new_conversation("g@x.org"))
        .await
        .unwrap();
    assert_eq!(first.status, ConversationStatus::Bot);
    assert_eq!((first.message_count, first.preview.as_str()), (0, ""));
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::ConversationCreated);
    let mut again = new_conversation("g@x.org");
    again.customer_name = "Someone Else".into();
    again.token_hash = "other".into();
    let (second, _) = store.create_conversation(again).await.unwrap();
    assert_ne!(first.id, second.id);
    assert_eq!(first.customer.id, second.customer.id);
    let (other, _) = store
        .create_conversation(new_conversation("g2@x.org"))
        .await
        .unwrap();
    let of = |customer| ConversationFilter {
        customer: Some(customer),
        ..Default::default()
    };
    assert_eq!(
        store
            .list_conversations(&of(first.customer.id))
            .await
            .unwrap()
            .total,
        2
    );
    assert_eq!(
        store
            .list_conversations(&of(other.customer.id))
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        second.customer.name, "Customer g@x.org",
        "a later conversation does not rename the customer"
    );
    let access = store.customer_access(second.id).await.unwrap().unwrap();
    assert_eq!(access.token_hash, "other");
    assert_eq!(access.last_message_at, second.last_message_at);
    assert_eq!(store.customer_access(ConversationId::new()).await.unwrap(), None);
    // Replacing the hash revokes the token, recorded as a change of the conversation.
    let change = ConversationChange {
        customer_token_hash: Some("replaced".into()),
        ..Default::default()
    };
    let (_, events) = store
        .update_conversation(second.id, change, Actor::System)
        .await
        .unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].data["change"], "customer_token");
    assert_eq!(events[0].data["to"], "revoked");
    let access = store.customer_access(second.id).await.unwrap().unwrap();
    assert_eq!(access.token_hash, "replaced");
    assert_eq!(store.conversation_of_token("other").await.unwrap(), None);
    assert_eq!(store.get_conversation(first.id).await.unwrap().unwrap(), first);
}

pub async fn messages_update_the_read_model_in_one_transaction(store: &dyn Store) {
    let (conversation, _) = store
        .create_conversation(new_conversation("h@x.org"))
        .await
        .unwrap();
    let (message, event) = store
        .append_message(customer_says(conversation.id, "  Where   is my\nparcel? "))
        .await
        .unwrap();
    assert_eq!(event.kind, EventKind::MessageCreated);
    assert_eq!(event.data["message_id"], serde_json::json!(message.id));
    let after = store.get_conversation(conversation.id).await.unwrap().unwrap();
    assert_eq!(after.message_count, 1);
    assert_eq!(after.preview, "Where is my parcel?");
    assert_eq!(after.last_message_at, message.created_at);
    let long = "word ".repeat(100);
    store
        .append_message(customer_says(conversation.id, &long))
        .await
        .unwrap();
    let preview = store
        .get_conversation(conversation.id)
        .await
        .unwrap()
        .unwrap()
        .preview;
    assert!(
        preview.chars().count() <= 140 && preview.ends_with('…'),
        "{preview}"
    );
    let listed = store.list_messages(conversation.id, false).await.unwrap();
    assert_eq!(listed[0], message);
}

pub async fn internal_notes_are_hidden_from_customers(store: &dyn Store) {
    let (conversation, _) = store
        .create_conversation(new_conversation("i@x.org"))
        .await
        .unwrap();
    let agent = store
        .create_user(new_user("agent@x.org", Role::Agent))
        .await
        .unwrap();
    store
        .append_message(customer_says(conversation.id, "hello"))
        .await
        .unwrap();
    let note = NewMessage {
        conversation_id: conversation.id,
        author: Author::Agent,
        author_user_id: Some(agent.id),
        text: "VIP, be kind".into(),
        preview: "VIP, be kind".into(),
        internal: true,
        sources: vec![],
        choices: vec![],
        choice: None,
        actor: Actor::User { id: agent.id },
        attachments: Vec::new(),
    };
    store.append_message(note).await.unwrap();
    let customer_view = store.list_messages(conversation.id, false).await.unwrap();
    assert_eq!(customer_view.len(), 1);
    let staff_view = store.list_messages(conversation.id, true).await.unwrap();
    assert_eq!(staff_view.len(), 2);
    assert!(staff_view[1].internal && staff_view[1].author_user_id == Some(agent.id));
    let after = store.get_conversation(conversation.id).await.unwrap().unwrap();
    assert_eq!(after.preview, "hello", "a note does not become the preview");
    assert_eq!(after.message_count, 2);
}

/// Lists show the customer's latest words: the bot's and an agent's answers move the conversation
/// up (`last_message_at`) but do not replace what the customer said.
pub async fn the_preview_is_what_the_customer_last_said(store: &dyn Store) {
    let (conversation, _) = store
        .create_conversation(new_conversation("p@x.org"))
        .await
        .unwrap();
    let agent = store
        .create_user(new_user("agent-p@x.org", Role::Agent))
        .await
        .unwrap();
    store
        .append_message(customer_says(conversation.id, "My jacket arrived torn"))
        .await
        .unwrap();
    let answer = |author: Author, text: &str| NewMessage {
        author,
        author_user_id: (author == Author::Agent).then_some(agent.id),
        text: text.to_owned(),
        preview: text.to_owned(),
        actor: if author == Author::Agent {
            Actor::User { id: agent.id }
        } else {
            Actor::Bot
        },
        ..customer_says(conversation.id, text)
    };
    for (author, text) in [
        (
            Author::Bot,
            "Hi, I am the shop's bot. I am passing you to a person.",
        ),
        (Author::Agent, "Sorry to hear that, we will replace it."),
    ] {
        let (message, _) = store.append_message(answer(author, text)).await.unwrap();
        let after = store.get_conversation(conversation.id).await.unwrap().unwrap();
        assert_eq!(
            after.preview, "My jacket arrived torn",
            "after the {author:?}'s answer"
        );
        assert_eq!(after.last_message_at, message.created_at);
    }
    store
        .append_message(customer_says(conversation.id, "Thank you!"))
        .await
        .unwrap();
    let after = store.get_conversation(conversation.id).await.unwrap().unwrap();
    assert_eq!(after.preview, "Thank you!");
    assert_eq!(after.message_count, 4);
}

pub async fn message_to_unknown_conversation_stores_nothing(store: &dyn Store) {
    let missing = ConversationId::new();
    assert_eq!(
        store
            .append_message(customer_says(missing, "x"))
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert!(store.list_messages(missing, true).await.unwrap().is_empty());
    assert!(store.list_events(missing).await.unwrap().is_empty());
}

pub async fn updates_record_one_event_per_real_change(store: &dyn Store) {
    let (conversation, _) = store
        .create_conversation(new_conversation("j@x.org"))
        .await
        .unwrap();
    let agent = store.create_user(new_user("k@x.org", Role::Agent)).await.unwrap();
    let team = store
        .create_team(NewTeam {
            name: "Tier 1".into(),
            skills: vec![],
        })
        .await
        .unwrap();
    let actor = Actor::User { id: agent.id };
    let change = ConversationChange {
        status: Some(ConversationStatus::Assigned),
        priority: Some(Priority::High),
        assignee: Some(Some(agent.id)),
        team: Some(Some(team.id)),
        add_tags: vec!["billing".into(), "vip".into()],
        remove_tags: vec!["absent".into()],
        ..Default::default()
    };
    let (after, events) = store
        .update_conversation(conversation.id, change.clone(), actor.clone())
        .await
        .unwrap();
    let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, vec![EventKind::ConversationUpdated; 6]);
    let changes: Vec<_> = events
        .iter()
        .map(|e| e.data["change"].as_str().unwrap())
        .collect();
    assert_eq!(
        changes,
        vec!["status", "priority", "assignee", "team", "tag_added", "tag_added"]
    );
    assert_eq!(
        events[0].data,
        serde_json::json!({ "change": "status", "from": "bot", "to": "assigned" })
    );
    assert!(events.iter().all(|e| e.conversation_id == Some(conversation.id)));
    assert!(events.iter().all(|e| e.actor == actor));
    assert_eq!(after.status, ConversationStatus::Assigned);
    assert_eq!(
        (after.assignee_id, after.team_id),
        (Some(agent.id), Some(team.id))
    );
    assert_eq!(after.tags, vec!["billing", "vip"]);
    assert!(after.updated_at >= conversation.updated_at);

    let (_, none) = store
        .update_conversation(conversation.id, change, actor.clone())
        .await
        .unwrap();
    assert!(none.is_empty(), "repeating a change records nothing: {none:?}");

    let clear = ConversationChange {
        assignee: Some(None),
        status: Some(ConversationStatus::Queued),
        remove_tags: vec!["vip".into()],
        ..Default::default()
    };
    let (after, events) = store
        .update_conversation(conversation.id, clear, actor)
        .await
        .unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(
        (after.assignee_id, after.status),
        (None, ConversationStatus::Queued)
    );
    assert_eq!(after.tags, vec!["billing"]);
    let log = store.list_events(conversation.id).await.unwrap();
    assert_eq!(log.len(), 1 + 6 + 3);
}

pub async fn update_with_unknown_references_changes_nothing(store: &dyn Store) {
    let (conversation, _) = store
        .create_conversation(new_conversation("l@x.org"))
        .await
        .unwrap();
    let change = ConversationChange {
        status: Some(ConversationStatus::Assigned),
        assignee: Some(Some(UserId::new())),
        ..Default::default()
    };
    let err = store
        .update_conversation(conversation.id, change, Actor::System)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "unknown_reference");
    let after = store.get_conversation(conversation.id).await.unwrap().unwrap();
    assert_eq!(after, conversation, "the whole change is rolled back");
    assert_eq!(store.list_events(conversation.id).await.unwrap().len(), 1);
    let err = store
        .update_conversation(
            ConversationId::new(),
            ConversationChange::default(),
            Actor::System,
        )
        .await;
    assert_eq!(err.unwrap_err().code(), "not_found");
}

pub async fn list_filters_and_pagination(store: &dyn Store) {
    let agent = store.create_user(new_user("m@x.org", Role::Agent)).await.unwrap();
    let team = store
        .create_team(NewTeam {
            name: "Returns".into(),
            skills: vec![],
        })
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..7 {
        let (c, _) = store
            .create_conversation(new_conversation(&format!("c{i}@x.org")))
            .await
            .unwrap();
        store
            .append_message(customer_says(c.id, &format!("message {i}")))
            .await
            .unwrap();
        ids.push(c.id);
    }
    let assign = ConversationChange {
        status: Some(ConversationStatus::Assigned),
        assignee: Some(Some(agent.id)),
        team: Some(Some(team.id)),
        add_tags: vec!["refund".into()],
        ..Default::default()
    };
    store
        .update_conversation(ids[1], assign.clone(), Actor::System)
        .await
        .unwrap();
    store
        .update_conversation(ids[2], assign, Actor::System)
        .await
        .unwrap();
    let queue = ConversationChange {
        status: Some(ConversationStatus::Queued),
        ..Default::default()
    };
    store
        .update_conversation(ids[3], queue, Actor::System)
        .await
        .unwrap();

    let all = store
        .list_conversations(&ConversationFilter::default())
        .await
        .unwrap();
    assert_eq!(all.total, 7);
    let newest_first: Vec<_> = ids.iter().rev().copied().collect();
    assert_eq!(
        all.conversations.iter().map(|c| c.id).collect::<Vec<_>>(),
        newest_first
    );

    let f = |status, assignee, team, tag: Option<&str>| ConversationFilter {
        status,
        assignee,
        team,
        tag: tag.map(str::to_owned),
        ..Default::default()
    };
    let ids_of = |page: ConversationPage| {
        let mut v: Vec<_> = page.conversations.into_iter().map(|c| c.id).collect();
        v.sort();
        v
    };
    let mut assigned = vec![ids[1], ids[2]];
    assigned.sort();
    assert_eq!(
        ids_of(
            store
                .list_conversations(&f(Some(ConversationStatus::Assigned), None, None, None))
                .await
                .unwrap()
        ),
        assigned
    );
    assert_eq!(
        ids_of(
            store
                .list_conversations(&f(Some(ConversationStatus::Queued), None, None, None))
                .await
                .unwrap()
        ),
        vec![ids[3]]
    );
    let mut open = vec![ids[1], ids[2], ids[3]];
    open.sort();
    let open_only = ConversationFilter {
        open_only: true,
        ..Default::default()
    };
    assert_eq!(ids_of(store.list_conversations(&open_only).await.unwrap()), open);
    let mine = f(None, Some(AssigneeFilter::User(agent.id)), None, None);
    assert_eq!(ids_of(store.list_conversations(&mine).await.unwrap()), assigned);
    let unassigned = store
        .list_conversations(&f(None, Some(AssigneeFilter::Unassigned), None, None))
        .await
        .unwrap();
    assert_eq!(unassigned.total, 5);
    assert_eq!(
        ids_of(
            store
                .list_conversations(&f(None, None, Some(team.id), None))
                .await
                .unwrap()
        ),
        assigned
    );
    assert_eq!(
        ids_of(
            store
                .list_conversations(&f(None, None, None, Some("refund")))
                .await
                .unwrap()
        ),
        assigned
    );
    assert_eq!(
        store
            .list_conversations(&f(None, None, None, Some("nothing")))
            .await
            .unwrap()
            .total,
        0
    );

    let page = |offset| ConversationFilter {
        limit: 3,
        offset,
        ..Default::default()
    };
    let p1 = store.list_conversations(&page(0)).await.unwrap();
    let p3 = store.list_conversations(&page(6)).await.unwrap();
    assert_eq!((p1.conversations.len(), p1.total), (3, 7));
    assert_eq!((p3.conversations.len(), p3.total), (1, 7));
    assert_eq!(p3.conversations[0].id, ids[0]);
    assert_eq!(p1.conversations[0].tags.len(), 0);
    let tagged = store
        .list_conversations(&f(None, None, None, Some("refund")))
        .await
        .unwrap();
    assert!(tagged.conversations.iter().all(|c| c.tags == vec!["refund"]));
}

pub async fn text_search_is_case_insensitive_and_literal(store: &dyn Store) {
    let (a, _) = store
        .create_conversation(new_conversation("anna.berg@x.org"))
        .await
        .unwrap();
    let (b, _) = store
        .create_conversation(new_conversation("carl@x.org"))
        .await
        .unwrap();
    store
        .append_message(customer_says(a.id, "My PARCEL is late"))
        .await
        .unwrap();
    store
        .append_message(customer_says(b.id, "I want 100% of my money back"))
        .await
        .unwrap();
    let find = |text: &str| ConversationFilter {
        text: Some(text.to_owned()),
        ..Default::default()
    };
    let ids = |page: ConversationPage| page.conversations.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.list_conversations(&find("parcel")).await.unwrap()),
        vec![a.id]
    );
    assert_eq!(
        ids(store.list_conversations(&find("ANNA.BERG")).await.unwrap()),
        vec![a.id]
    );
    assert_eq!(
        ids(store.list_conversations(&find("100%")).await.unwrap()),
        vec![b.id]
    );
    assert!(
        ids(store.list_conversations(&find("%")).await.unwrap()) == vec![b.id],
        "% is matched literally"
    );
    assert!(
        ids(store.list_conversations(&find("_")).await.unwrap()).is_empty(),
        "_ is matched literally"
    );
}

pub async fn concurrent_writes_all_land_in_order(store: &dyn Store) {
    let (conversation, _) = store
        .create_conversation(new_conversation("n@x.org"))
        .await
        .unwrap();
    let writes = (0..40).map(|i| store.append_message(customer_says(conversation.id, &format!("m{i}"))));
    let results = futures::future::join_all(writes).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let messages = store.list_messages(conversation.id, false).await.unwrap();
    assert_eq!(messages.len(), 40);
    assert_eq!(
        store
            .get_conversation(conversation.id)
            .await
            .unwrap()
            .unwrap()
            .message_count,
        40
    );
    let events = store.list_events(conversation.id).await.unwrap();
    assert!(events.windows(2).all(|w| w[0].seq < w[1].seq));
    // The log and the messages agree on the order of arrival.
    let logged: Vec<_> = events
        .iter()
        .skip(1)
        .map(|e| e.data["message_id"].as_str().unwrap().to_owned())
        .collect();
    let listed: Vec<_> = messages.iter().map(|m| m.id.to_string()).collect();
    assert_eq!(logged, listed);
}

pub async fn event_log_is_append_only(store: &dyn Store) {
    let (conversation, _) = store
        .create_conversation(new_conversation("o@x.org"))
        .await
        .unwrap();
    store
        .append_message(customer_says(conversation.id, "one"))
        .await
        .unwrap();
    let before = store.list_events(conversation.id).await.unwrap();
    let change = ConversationChange {
        status: Some(ConversationStatus::Resolved),
        ..Default::default()
    };
    store
        .update_conversation(conversation.id, change, Actor::System)
        .await
        .unwrap();
    store
        .append_message(customer_says(conversation.id, "two"))
        .await
        .unwrap();
    let after = store.list_events(conversation.id).await.unwrap();
    assert_eq!(&after[..before.len()], &before[..], "earlier events never change");
    assert_eq!(after.len(), before.len() + 2);
}
