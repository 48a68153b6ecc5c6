//! The agent side: login, inbox, detail, replies and notes, changes, and the event log.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{body, error, ids, list, spawn_app, ADMIN_EMAIL, ADMIN_PASSWORD};

#[tokio::test]
async fn login_me_and_logout() {
    let app = spawn_app().await;
    let login = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let token = login["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("tdm_"));
    assert_ne!(token, app.admin_token, "each login opens its own session");
    assert_eq!(login["user"]["email"], ADMIN_EMAIL);
    assert_eq!(login["user"]["role"], "admin");
    let expires = chrono::DateTime::parse_from_rfc3339(login["expires_at"].as_str().unwrap()).unwrap();
    assert!(expires > chrono::Utc::now());
    assert!(
        !login.to_string().contains("argon2"),
        "no password hash in the response"
    );

    let me = app
        .get("/api/v1/auth/me")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let me = body(me, StatusCode::OK).await;
    assert_eq!(me["id"], app.admin_id.as_str());
    assert_eq!(me["email"], ADMIN_EMAIL);

    let logout = app
        .post("/api/v1/auth/logout")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    for _ in 0..2 {
        let me = app
            .get("/api/v1/auth/me")
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        error(me, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
    let again = app
        .post("/api/v1/auth/logout")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    error(again, StatusCode::UNAUTHORIZED, "unauthenticated").await;

    // Only that session ended.
    let other = app
        .get("/api/v1/auth/me")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_wrong_password_or_unknown_email_does_not_log_in() {
    let app = spawn_app().await;
    for (email, password) in [
        (ADMIN_EMAIL, "wrong password"),
        ("nobody@example.org", ADMIN_PASSWORD),
        ("not an email", "x"),
    ] {
        let response = app.login(email, password).await;
        let value = error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
        assert!(value.get("token").is_none());
    }
    let response = app.get("/api/v1/conversations").send().await.unwrap();
    error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let response = app
        .get("/api/v1/conversations")
        .bearer_auth("tdm_forged")
        .send()
        .await
        .unwrap();
    error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

#[tokio::test]
async fn the_inbox_filters_by_status_assignee_tag_and_text() {
    let app = spawn_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let mine = app
        .start_conversation("Mina Admin-Case", "mina@example.org")
        .await;
    let theirs = app.start_conversation("Theo Tagged", "theo@example.org").await;
    let open = app.start_conversation("Olga Open", "olga@example.org").await;
    let (mine_id, theirs_id, open_id) = (
        mine.conversation_id.clone(),
        theirs.conversation_id.clone(),
        open.conversation_id.clone(),
    );

    app.staff_says(&app.admin_token, &mine_id, "On it.", false).await; // -> assigned to the admin
    let tagged = app
        .update(
            &app.admin_token,
            &theirs_id,
            json!({ "assignee_id": agent.id, "add_tags": ["billing"] }),
        )
        .await;
    body(tagged, StatusCode::OK).await;
    app.customer_says(&open, "My zebra-striped umbrella broke").await;

    let all = list(&app, &app.admin_token, "").await;
    assert_eq!(all["total"], 3);
    assert_eq!(
        sorted(ids(&all)),
        sorted(vec![mine_id.clone(), theirs_id.clone(), open_id.clone()])
    );
    // Most recent activity first.
    let times: Vec<_> = all["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| chrono::DateTime::parse_from_rfc3339(c["last_message_at"].as_str().unwrap()).unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "not newest first: {times:?}"
    );

    let by_agent_id = format!("?assignee={}", agent.id);
    let cases: Vec<(&str, &str, Vec<String>)> = vec![
        (
            "admin",
            "?status=assigned",
            vec![mine_id.clone(), theirs_id.clone()],
        ),
        ("admin", "?status=bot", vec![open_id.clone()]),
        ("admin", "?status=resolved", vec![]),
        ("admin", "?assignee=me", vec![mine_id.clone()]),
        ("agent", "?assignee=me", vec![theirs_id.clone()]),
        ("admin", "?assignee=none", vec![open_id.clone()]),
        ("admin", &by_agent_id, vec![theirs_id.clone()]),
        ("admin", "?tag=billing", vec![theirs_id.clone()]),
        ("admin", "?tag=Billing", vec![theirs_id.clone()]),
        ("admin", "?tag=shipping", vec![]),
        ("admin", "?q=ZEBRA", vec![open_id.clone()]),
        ("admin", "?q=theo%40example", vec![theirs_id.clone()]),
        ("admin", "?q=Mina", vec![mine_id.clone()]),
        ("admin", "?q=100%25", vec![]),
        ("admin", "?status=assigned&assignee=me", vec![mine_id.clone()]),
        ("admin", "?status=bot&tag=billing", vec![]),
    ];
    for (who, query, expected) in cases {
        let token = if who == "admin" {
            &app.admin_token
        } else {
            &agent.token
        };
        let page = list(&app, token, query).await;
        assert_eq!(sorted(ids(&page)), sorted(expected.clone()), "{who} {query}");
        assert_eq!(page["total"], expected.len(), "{who} {query}: total");
    }
}

#[tokio::test]
async fn the_inbox_pages_with_a_total() {
    let app = spawn_app().await;
    let mut created = Vec::new();
    for i in 0..5 {
        created.push(
            app.start_conversation(&format!("Customer {i}"), &format!("c{i}@example.org"))
                .await
                .conversation_id,
        );
    }
    let mut seen = Vec::new();
    for (page, expected_len) in [(1, 2), (2, 2), (3, 1), (4, 0)] {
        let listed = list(&app, &app.admin_token, &format!("?per_page=2&page={page}")).await;
        assert_eq!(listed["total"], 5, "page {page}");
        assert_eq!(listed["page"], page);
        assert_eq!(listed["per_page"], 2);
        assert_eq!(ids(&listed).len(), expected_len, "page {page}");
        seen.extend(ids(&listed));
    }
    assert_eq!(
        sorted(seen),
        sorted(created),
        "the pages together hold every conversation exactly once"
    );

    let defaults = list(&app, &app.admin_token, "").await;
    assert_eq!(
        (defaults["page"].clone(), defaults["per_page"].clone()),
        (json!(1), json!(50))
    );

    for query in [
        "?per_page=0",
        "?per_page=101",
        "?page=0",
        "?status=sleeping",
        "?assignee=someone",
        "?tag=two%20words",
    ] {
        let response = app
            .get(&format!("/api/v1/conversations{query}"))
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap();
        let value = body(response, StatusCode::BAD_REQUEST).await;
        crate::support::assert_error_shape(&value);
    }
}

#[tokio::test]
async fn the_detail_shows_the_conversation_and_all_messages() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let asked = app.customer_says(&ada, "Question?").await;
    let note = app
        .staff_says(&app.admin_token, &ada.conversation_id, "checking", true)
        .await;
    let reply = app
        .staff_says(&app.admin_token, &ada.conversation_id, "Answer.", false)
        .await;

    let detail = app.detail(&ada.conversation_id).await;
    assert_eq!(detail["id"], ada.conversation_id.as_str());
    assert_eq!(detail["customer"]["email"], "ada@example.org");
    assert_eq!(detail["message_count"], 3);
    assert_eq!(detail["priority"], "normal");
    let messages = detail["messages"].as_array().unwrap();
    assert_eq!(crate::support::as_customer_sees(&messages[0]), asked);
    assert_eq!(messages[1..], [note.clone(), reply.clone()]);
    assert_eq!(note["author"], "agent");
    assert_eq!(note["author_user_id"], app.admin_id.as_str());
    assert_eq!(reply["internal"], false);

    let unknown = uuid::Uuid::now_v7();
    for path in [
        format!("/api/v1/conversations/{unknown}"),
        format!("/api/v1/conversations/{unknown}/events"),
    ] {
        let response = app.get(&path).bearer_auth(&app.admin_token).send().await.unwrap();
        error(response, StatusCode::NOT_FOUND, "not_found").await;
    }
    let response = app
        .post(&format!("/api/v1/conversations/{unknown}/messages"))
        .bearer_auth(&app.admin_token)
        .json(&json!({ "text": "hello?" }))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn a_reply_assigns_an_unheld_conversation_to_the_replier_but_a_note_does_not() {
    let app = spawn_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let id = &ada.conversation_id;

    app.staff_says(&agent.token, id, "internal thoughts", true).await;
    let after_note = app.detail(id).await;
    assert_eq!(after_note["status"], "bot");
    assert!(after_note["assignee_id"].is_null());

    let reply = app
        .staff_says(&agent.token, id, "Hello Ada, I'm here.", false)
        .await;
    assert_eq!(reply["author"], "agent");
    assert_eq!(reply["author_user_id"], agent.id.as_str());
    let after_reply = app.detail(id).await;
    assert_eq!(after_reply["status"], "assigned");
    assert_eq!(after_reply["assignee_id"], agent.id.as_str());

    // Someone else's reply does not take a held conversation away.
    app.staff_says(&app.admin_token, id, "Adding a detail.", false)
        .await;
    assert_eq!(app.detail(id).await["assignee_id"], agent.id.as_str());

    // A queued conversation nobody holds is taken by the replier too.
    let bob = app.start_conversation("Bob", "bob@example.org").await;
    body(
        app.update(
            &app.admin_token,
            &bob.conversation_id,
            json!({ "status": "queued" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    app.staff_says(&agent.token, &bob.conversation_id, "Hi Bob", false)
        .await;
    let bob_now = app.detail(&bob.conversation_id).await;
    assert_eq!(
        (bob_now["status"].clone(), bob_now["assignee_id"].clone()),
        (json!("assigned"), json!(agent.id))
    );
}

#[tokio::test]
async fn patch_keeps_status_and_assignee_consistent() {
    let app = spawn_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let bob = app.start_conversation("Bob", "bob@example.org").await;
    let id = &ada.conversation_id;
    let patch = |change: Value| app.update(&app.admin_token, id, change);

    // Naming an assignee makes it assigned.
    let c = body(patch(json!({ "assignee_id": agent.id })).await, StatusCode::OK).await;
    assert_eq!(
        (c["status"].clone(), c["assignee_id"].clone()),
        (json!("assigned"), json!(agent.id))
    );
    // `assigned` without anyone named: the caller takes it.
    let c = body(
        app.update(
            &app.admin_token,
            &bob.conversation_id,
            json!({ "status": "assigned" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (c["status"].clone(), c["assignee_id"].clone()),
        (json!("assigned"), json!(app.admin_id))
    );
    // `assigned` with the assignee explicitly cleared is refused, and changes nothing.
    let refused = patch(json!({ "status": "assigned", "assignee_id": null, "priority": "urgent" })).await;
    error(refused, StatusCode::BAD_REQUEST, "invalid_update").await;
    let unchanged = app.detail(id).await;
    assert_eq!(unchanged["assignee_id"], agent.id.as_str());
    assert_eq!(unchanged["priority"], "normal");
    // Resolving keeps who held it; naming an assignee on a resolved case does not reopen it.
    let c = body(patch(json!({ "status": "resolved" })).await, StatusCode::OK).await;
    assert_eq!(
        (c["status"].clone(), c["assignee_id"].clone()),
        (json!("resolved"), json!(agent.id))
    );
    let c = body(
        patch(json!({ "assignee_id": app.admin_id })).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (c["status"].clone(), c["assignee_id"].clone()),
        (json!("resolved"), json!(app.admin_id))
    );
    // Reopening to the queue while clearing the assignee in one step.
    let c = body(
        patch(json!({ "status": "queued", "assignee_id": null })).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (c["status"].clone(), c["assignee_id"].clone()),
        (json!("queued"), Value::Null)
    );

    // The assignee must be an active staff member.
    for bad in [json!(uuid::Uuid::now_v7()), json!("not-a-uuid")] {
        let response = patch(json!({ "assignee_id": bad })).await;
        let status = response.status();
        let value: Value = response.json().await.unwrap();
        crate::support::assert_error_shape(&value);
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{status} {value}"
        );
    }
    // Unknown team.
    let response = patch(json!({ "team_id": uuid::Uuid::now_v7() })).await;
    error(response, StatusCode::BAD_REQUEST, "invalid_team").await;
    // An unknown conversation.
    let response = app
        .update(
            &app.admin_token,
            &uuid::Uuid::now_v7().to_string(),
            json!({ "priority": "low" }),
        )
        .await;
    error(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn removing_the_assignee_puts_an_assigned_conversation_back_in_the_queue() {
    // update_conversation: "removing the assignee of an assigned case puts it back in the queue".
    // `status_after` is computed before that rule sets the status to queued, so the final check
    // still sees `assigned` without an assignee and refuses the update.
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    app.staff_says(&app.admin_token, &ada.conversation_id, "Hi", false)
        .await;
    let response = app
        .update(
            &app.admin_token,
            &ada.conversation_id,
            json!({ "assignee_id": null }),
        )
        .await;
    let c = body(response, StatusCode::OK).await;
    assert_eq!(
        (c["status"].clone(), c["assignee_id"].clone()),
        (json!("queued"), Value::Null)
    );
    let queue = list(&app, &app.admin_token, "?status=queued&assignee=none").await;
    assert_eq!(ids(&queue), vec![ada.conversation_id.clone()]);
    let changes: Vec<_> = app
        .events(&ada.conversation_id)
        .await
        .iter()
        .map(|e| (e["kind"].clone(), e["data"]["change"].clone()))
        .collect();
    assert_eq!(
        changes.last(),
        Some(&(json!("conversation_updated"), json!("assignee"))),
        "status, then assignee: {changes:?}"
    );
}

#[tokio::test]
async fn moving_an_assigned_conversation_back_to_the_queue_releases_it() {
    // update_conversation documents "an assignee means `assigned`" and "removing the assignee of
    // an assigned case puts it back in the queue"; the converse, putting it back in the queue,
    // should not leave it held by someone (it then shows in nobody's queue: not in
    // `assignee=none`, and a reply by another agent does not take it).
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    app.staff_says(&app.admin_token, &ada.conversation_id, "Hi", false)
        .await;
    let response = app
        .update(
            &app.admin_token,
            &ada.conversation_id,
            json!({ "status": "queued" }),
        )
        .await;
    if response.status() == StatusCode::OK {
        let c = body(response, StatusCode::OK).await;
        assert_eq!(c["status"], "queued");
        assert!(
            c["assignee_id"].is_null(),
            "a queued conversation is still held by {}",
            c["assignee_id"]
        );
        let queue = list(&app, &app.admin_token, "?status=queued&assignee=none").await;
        assert_eq!(ids(&queue), vec![ada.conversation_id.clone()]);
    } else {
        // Refusing the inconsistent state is fine too.
        error(response, StatusCode::BAD_REQUEST, "invalid_update").await;
    }
}

#[tokio::test]
async fn patch_adds_and_removes_tags_and_sets_priority() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let id = &ada.conversation_id;

    let c = body(
        app.update(
            &app.admin_token,
            id,
            json!({ "add_tags": ["Billing", "vip", "vip"] }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mut tags: Vec<_> = c["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    tags.sort();
    assert_eq!(tags, ["billing", "vip"], "tags are normalised and not duplicated");

    let c = body(
        app.update(
            &app.admin_token,
            id,
            json!({ "remove_tags": ["VIP", "absent"], "priority": "high" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c["tags"], json!(["billing"]));
    assert_eq!(c["priority"], "high");
    assert_eq!(c["status"], "bot", "tags and priority do not touch the status");
    let detail = app.detail(id).await;
    assert_eq!(
        (detail["tags"].clone(), detail["priority"].clone()),
        (json!(["billing"]), json!("high"))
    );

    let response = app
        .update(&app.admin_token, id, json!({ "add_tags": ["two words"] }))
        .await;
    error(response, StatusCode::BAD_REQUEST, "invalid_tag").await;
    let response = app
        .update(&app.admin_token, id, json!({ "priority": "apocalyptic" }))
        .await;
    error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    let detail = app.detail(id).await;
    assert_eq!(
        (detail["tags"].clone(), detail["priority"].clone()),
        (json!(["billing"]), json!("high"))
    );
}

#[tokio::test]
async fn the_event_log_records_each_change_in_order() {
    let app = spawn_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let id = &ada.conversation_id;
    let admin = json!({ "type": "user", "id": app.admin_id });
    let by_agent = json!({ "type": "user", "id": agent.id });
    let customer = json!({ "type": "customer" });

    let asked = app.customer_says(&ada, "Help").await;
    let note = app.staff_says(&app.admin_token, id, "a note", true).await;
    let reply = app.staff_says(&app.admin_token, id, "Hello", false).await;
    body(
        app.update(
            &agent.token,
            id,
            json!({ "priority": "urgent", "add_tags": ["refund"] }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // A change to nothing records nothing.
    body(
        app.update(
            &agent.token,
            id,
            json!({ "priority": "urgent", "add_tags": ["refund"] }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    body(
        app.update(&app.admin_token, id, json!({ "assignee_id": agent.id }))
            .await,
        StatusCode::OK,
    )
    .await;
    body(
        app.update(
            &agent.token,
            id,
            json!({ "remove_tags": ["refund"], "status": "resolved" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    let events = app.events(id).await;
    let summary: Vec<(String, Value, Value)> = events
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["actor"].clone(),
                e["data"].clone(),
            )
        })
        .collect();
    let expected = vec![
        ("conversation_created", customer.clone(), None),
        (
            "message_created",
            customer.clone(),
            Some(json!({ "message_id": asked["id"], "author": "customer", "internal": false })),
        ),
        (
            "message_created",
            admin.clone(),
            Some(json!({ "message_id": note["id"], "author": "agent", "internal": true })),
        ),
        (
            "message_created",
            admin.clone(),
            Some(json!({ "message_id": reply["id"], "author": "agent", "internal": false })),
        ),
        (
            "conversation_updated",
            admin.clone(),
            Some(json!({ "change": "status", "from": "bot", "to": "assigned" })),
        ),
        (
            "conversation_updated",
            admin.clone(),
            Some(json!({ "change": "assignee", "from": null, "to": app.admin_id })),
        ),
        (
            "conversation_updated",
            by_agent.clone(),
            Some(json!({ "change": "priority", "from": "normal", "to": "urgent" })),
        ),
        (
            "conversation_updated",
            by_agent.clone(),
            Some(json!({ "change": "tag_added", "tag": "refund" })),
        ),
        (
            "conversation_updated",
            admin.clone(),
            Some(json!({ "change": "assignee", "from": app.admin_id, "to": agent.id })),
        ),
        (
            "conversation_updated",
            by_agent.clone(),
            Some(json!({ "change": "status", "from": "assigned", "to": "resolved" })),
        ),
        (
            "conversation_updated",
            by_agent.clone(),
            Some(json!({ "change": "tag_removed", "tag": "refund" })),
        ),
    ];
    let kinds: Vec<_> = summary.iter().map(|(k, _, _)| k.as_str()).collect();
    let expected_kinds: Vec<_> = expected.iter().map(|(k, _, _)| *k).collect();
    assert_eq!(kinds, expected_kinds);
    for ((kind, actor, data), (_, expected_actor, expected_data)) in summary.iter().zip(&expected) {
        assert_eq!(actor, expected_actor, "actor of {kind}");
        if let Some(expected_data) = expected_data {
            assert_eq!(data, expected_data, "data of {kind}");
        }
    }
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "seq increases: {seqs:?}");
    assert!(events.iter().all(|e| e["conversation_id"] == id.as_str()));
}
