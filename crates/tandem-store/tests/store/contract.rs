//! The cases every [`Store`] must pass.

use chrono::{Duration, Utc};
use tandem_core::event::{Actor, EventKind};
use tandem_core::ids::{ConversationId, TeamId, UserId};
use tandem_core::model::{Author, ConversationStatus, Priority, Role};
use tandem_store::*;

pub use crate::outbox::*;
pub use crate::privacy::*;

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
        actor: Actor::Customer,
    }
}

pub fn new_user(email: &str, role: Role) -> NewUser {
    NewUser {
        email: email.to_owned(),
        name: format!("User {email}"),
        role,
        password_hash: "hash".to_owned(),
    }
}

pub async fn users_are_created_found_and_unique(store: &dyn Store) {
    assert_eq!(store.count_users().await.unwrap(), 0);
    let ada = store
        .create_user(new_user("ada@x.org", Role::Admin))
        .await
        .unwrap();
    let bob = store
        .create_user(new_user("bob@x.org", Role::Agent))
        .await
        .unwrap();
    assert!(ada.active && ada.team_ids.is_empty());
    assert_eq!(store.get_user(bob.id).await.unwrap().unwrap(), bob);
    assert_eq!(store.get_user(UserId::new()).await.unwrap(), None);
    let (found, hash) = store.user_credentials("ada@x.org").await.unwrap().unwrap();
    assert_eq!((found.id, hash.as_str()), (ada.id, "hash"));
    assert!(store.user_credentials("nobody@x.org").await.unwrap().is_none());
    let err = store
        .create_user(new_user("ada@x.org", Role::Agent))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "email_taken");
    let emails: Vec<_> = store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.email)
        .collect();
    assert_eq!(emails, vec!["ada@x.org", "bob@x.org"]);
    assert_eq!(store.count_users().await.unwrap(), 2);
}

pub async fn user_changes_and_deactivation_end_sessions(store: &dyn Store) {
    let user = store.create_user(new_user("c@x.org", Role::Agent)).await.unwrap();
    store
        .create_session("s1", user.id, Utc::now() + Duration::hours(1))
        .await
        .unwrap();
    assert!(store.session_user("s1", Utc::now()).await.unwrap().is_some());
    let change = UserChange {
        name: Some("Cleo".into()),
        role: Some(Role::Supervisor),
        ..Default::default()
    };
    let changed = store.update_user(user.id, change).await.unwrap();
    assert_eq!((changed.name.as_str(), changed.role), ("Cleo", Role::Supervisor));
    assert!(
        store.session_user("s1", Utc::now()).await.unwrap().is_some(),
        "a rename keeps the session"
    );
    let off = store
        .update_user(
            user.id,
            UserChange {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!off.active);
    assert!(store.session_user("s1", Utc::now()).await.unwrap().is_none());
    let err = store
        .update_user(UserId::new(), UserChange::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "not_found");
}

pub async fn password_change_ends_sessions(store: &dyn Store) {
    let user = store.create_user(new_user("d@x.org", Role::Agent)).await.unwrap();
    store
        .create_session("s2", user.id, Utc::now() + Duration::hours(1))
        .await
        .unwrap();
    store.set_password_hash(user.id, "new-hash").await.unwrap();
    assert!(store.session_user("s2", Utc::now()).await.unwrap().is_none());
    assert_eq!(
        store.user_credentials("d@x.org").await.unwrap().unwrap().1,
        "new-hash"
    );
    assert_eq!(
        store
            .set_password_hash(UserId::new(), "x")
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
}

pub async fn teams_and_membership(store: &dyn Store) {
    let billing = store
        .create_team(NewTeam {
            name: "Billing".into(),
            skills: vec!["refunds".into()],
        })
        .await
        .unwrap();
    let returns = store
        .create_team(NewTeam {
            name: "Returns".into(),
            skills: vec![],
        })
        .await
        .unwrap();
    assert_eq!(
        store
            .create_team(NewTeam {
                name: "Billing".into(),
                skills: vec![]
            })
            .await
            .unwrap_err()
            .code(),
        "team_exists"
    );
    let teams = store.list_teams().await.unwrap();
    assert_eq!(
        teams.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        vec!["Billing", "Returns"]
    );
    assert_eq!(teams[0].skills, vec!["refunds"]);
    let user = store.create_user(new_user("e@x.org", Role::Agent)).await.unwrap();
    let change = UserChange {
        team_ids: Some(vec![billing.id, returns.id]),
        ..Default::default()
    };
    let mut teams = store.update_user(user.id, change).await.unwrap().team_ids;
    teams.sort();
    let mut expected = vec![billing.id, returns.id];
    expected.sort();
    assert_eq!(teams, expected);
    let change = UserChange {
        team_ids: Some(vec![returns.id]),
        ..Default::default()
    };
    assert_eq!(
        store.update_user(user.id, change).await.unwrap().team_ids,
        vec![returns.id]
    );
    let change = UserChange {
        team_ids: Some(vec![TeamId::new()]),
        ..Default::default()
    };
    assert_eq!(
        store.update_user(user.id, change).await.unwrap_err().code(),
        "unknown_reference"
    );
    assert_eq!(
        store.get_user(user.id).await.unwrap().unwrap().team_ids,
        vec![returns.id],
        "a failed change is rolled back"
    );
}

pub async fn sessions_expire_and_end(store: &dyn Store) {
    let user = store.create_user(new_user("f@x.org", Role::Agent)).await.unwrap();
    store
        .create_session("old", user.id, Utc::now() - Duration::seconds(1))
        .await
        .unwrap();
    store
        .create_session("new", user.id, Utc::now() + Duration::hours(1))
        .await
        .unwrap();
    assert!(store.session_user("old", Utc::now()).await.unwrap().is_none());
    assert_eq!(
        store.session_user("new", Utc::now()).await.unwrap().unwrap().id,
        user.id
    );
    store.delete_session("new").await.unwrap();
    assert!(store.session_user("new", Utc::now()).await.unwrap().is_none());
    assert!(store.session_user("unknown", Utc::now()).await.unwrap().is_none());
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
    assert_eq!(
        store.conversation_token_hash(second.id).await.unwrap().as_deref(),
        Some("other")
    );
    assert_eq!(
        store
            .conversation_token_hash(ConversationId::new())
            .await
            .unwrap(),
        None
    );
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
        actor: Actor::User { id: agent.id },
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

pub async fn service_levels_are_breached_once_and_filtered(store: &dyn Store) {
    let (late, _) = store
        .create_conversation(new_conversation("p@x.org"))
        .await
        .unwrap();
    let (fine, _) = store
        .create_conversation(new_conversation("q@x.org"))
        .await
        .unwrap();
    let now = Utc::now();
    let handoff = |first: Duration, resolution: Duration| ConversationChange {
        status: Some(ConversationStatus::Queued),
        sla_due: Some((now + first, now + resolution)),
        ..Default::default()
    };
    store
        .update_conversation(
            late.id,
            handoff(Duration::minutes(-5), Duration::minutes(60)),
            Actor::Bot,
        )
        .await
        .unwrap();
    store
        .update_conversation(
            fine.id,
            handoff(Duration::minutes(30), Duration::minutes(60)),
            Actor::Bot,
        )
        .await
        .unwrap();

    let events = store.record_sla_breaches(now).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].conversation_id, events[0].kind),
        (Some(late.id), EventKind::SlaBreached)
    );
    assert_eq!(events[0].data["target"], "first_response");
    assert!(
        store.record_sla_breaches(now).await.unwrap().is_empty(),
        "a breach is recorded once"
    );
    let sla = store
        .get_conversation(late.id)
        .await
        .unwrap()
        .unwrap()
        .sla
        .unwrap();
    assert!(sla.first_response_breached && !sla.resolution_breached && sla.first_response_at.is_none());
    let breaching = ConversationFilter {
        sla_breached: true,
        ..Default::default()
    };
    let ids: Vec<_> = store
        .list_conversations(&breaching)
        .await
        .unwrap()
        .conversations
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, vec![late.id]);

    // An agent's reply is the first response; notes are not.
    let agent = store.create_user(new_user("r@x.org", Role::Agent)).await.unwrap();
    let reply = |internal| NewMessage {
        conversation_id: fine.id,
        author: Author::Agent,
        author_user_id: Some(agent.id),
        text: "on it".into(),
        preview: "on it".into(),
        internal,
        sources: vec![],
        actor: Actor::User { id: agent.id },
    };
    store.append_message(reply(true)).await.unwrap();
    assert!(store
        .get_conversation(fine.id)
        .await
        .unwrap()
        .unwrap()
        .sla
        .unwrap()
        .first_response_at
        .is_none());
    store.append_message(reply(false)).await.unwrap();
    let answered = store
        .get_conversation(fine.id)
        .await
        .unwrap()
        .unwrap()
        .sla
        .unwrap();
    assert!(answered.first_response_at.is_some());
    assert!(
        store
            .record_sla_breaches(now + Duration::minutes(45))
            .await
            .unwrap()
            .is_empty(),
        "answered in time"
    );
    let late_resolution = store
        .record_sla_breaches(now + Duration::minutes(61))
        .await
        .unwrap();
    assert_eq!(
        late_resolution.len(),
        2,
        "both cases are still open after their resolution target"
    );
    assert!(late_resolution.iter().all(|e| e.data["target"] == "resolution"));
}

pub fn decision(
    message: tandem_core::ids::MessageId,
    verdict: tandem_core::decision::Verdict,
) -> NewDecision {
    NewDecision {
        message_id: message,
        verdict,
        intent: Some("some_intent".to_owned()),
        confidence: 0.9,
        top_intents: Vec::new(),
        signals: Default::default(),
        reasons: Vec::new(),
        entities: serde_json::json!({}),
    }
}

pub async fn insight_counts_cover_decisions_statuses_and_teams(store: &dyn Store) {
    use tandem_core::decision::{DecisionKind, HandoffReason, Verdict};
    let team = store
        .create_team(NewTeam {
            name: "support".to_owned(),
            skills: Vec::new(),
        })
        .await
        .unwrap();
    let mut ids = Vec::new();
    for email in ["a@x.org", "b@x.org", "c@x.org"] {
        let (c, _) = store.create_conversation(new_conversation(email)).await.unwrap();
        let (m, _) = store.append_message(customer_says(c.id, "hello")).await.unwrap();
        ids.push((c.id, m.id));
    }
    // a: answered; b: handed to the support team; c: handed over without a team.
    let (a, am) = ids[0];
    let answered = BotTurn {
        conversation_id: a,
        decision: decision(am, Verdict::Answer),
        reply: None,
        change: ConversationChange::default(),
    };
    assert!(store.record_bot_turn(answered).await.unwrap().is_some());
    for (i, (team_id, reason)) in [
        (Some(team.id), HandoffReason::CustomerRequest),
        (None, HandoffReason::Frustration),
    ]
    .into_iter()
    .enumerate()
    {
        let (c, m) = ids[i + 1];
        let d = decision(m, Verdict::Handoff { reason });
        let turn = BotTurn {
            conversation_id: c,
            decision: d,
            reply: None,
            change: ConversationChange {
                status: Some(ConversationStatus::Queued),
                team: team_id.map(Some),
                handoff: Some(reason),
                ..Default::default()
            },
        };
        assert!(store.record_bot_turn(turn).await.unwrap().is_some());
    }

    let counts = store
        .insight_counts(Utc::now() - Duration::days(1))
        .await
        .unwrap();
    assert_eq!(counts.conversations, 3);
    let today = Utc::now().date_naive();
    let mut decisions = counts.decisions.clone();
    decisions.sort_by_key(|t| (t.kind.as_str(), t.handoff_reason.map(|r| r.as_str())));
    assert_eq!(
        decisions,
        vec![
            DecisionTally {
                day: today,
                kind: DecisionKind::Answer,
                handoff_reason: None,
                count: 1
            },
            DecisionTally {
                day: today,
                kind: DecisionKind::Handoff,
                handoff_reason: Some(HandoffReason::CustomerRequest),
                count: 1
            },
            DecisionTally {
                day: today,
                kind: DecisionKind::Handoff,
                handoff_reason: Some(HandoffReason::Frustration),
                count: 1
            },
        ]
    );
    let mut by_status = counts.by_status.clone();
    by_status.sort_by_key(|(s, _)| s.as_str());
    assert_eq!(
        by_status,
        vec![(ConversationStatus::Bot, 1), (ConversationStatus::Queued, 2)]
    );
    let mut by_team = counts.open_by_team.clone();
    by_team.sort_by_key(|(t, _)| t.map(|t| t.to_string()));
    assert_eq!(by_team, vec![(None, 1), (Some(team.id), 1)]);

    // Nothing started or decided after now; the queues are what they are.
    let later = store
        .insight_counts(Utc::now() + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(later.conversations, 0);
    assert!(later.decisions.is_empty());
    assert_eq!(later.open_by_team.len(), 2);
}
