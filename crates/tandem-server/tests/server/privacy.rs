//! Customers' data over HTTP: lookup, export, erasure with a reason, the audit log, and what the
//! conversation list shows.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{body, connect_ws, error, expect_closed, list, next_event, spawn_app, sync_ws, TestApp};

async fn audit(app: &TestApp, token: &str) -> Vec<Value> {
    let response = app
        .get("/api/v1/audit?limit=100")
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    body(response, StatusCode::OK).await["entries"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn customers_are_found_exported_and_erased_by_the_roles_allowed() {
    let app = spawn_app().await;
    let agent = app.create_staff("agent@example.com", "agent").await;
    let supervisor = app.create_staff("sup@example.com", "supervisor").await;
    let zed = app.start_conversation("Zed Quill", "zed@example.net").await;
    app.customer_says(&zed, "My quokka-shaped vase arrived broken")
        .await;
    let olga = app.start_conversation("Olga Other", "olga@example.org").await;
    app.customer_says(&olga, "Do you sell walnut gloves?").await;
    let zed_id = app.detail(&zed.conversation_id).await["customer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let find = |token: Option<String>| {
        let request = app.get("/api/v1/customers?email=ZED@example.net");
        async move {
            match token {
                Some(t) => request.bearer_auth(t).send().await.unwrap(),
                None => request.send().await.unwrap(),
            }
        }
    };
    for token in [&supervisor.token, &app.admin_token] {
        let found = body(find(Some(token.clone())).await, StatusCode::OK).await;
        assert_eq!(found["customers"].as_array().unwrap().len(), 1, "{found}");
        assert_eq!(found["customers"][0]["id"], zed_id.as_str());
        assert_eq!(found["customers"][0]["email"], "zed@example.net");
    }
    error(
        find(Some(agent.token.clone())).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    error(find(None).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let none = app
        .get("/api/v1/customers?email=nobody@example.net")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(body(none, StatusCode::OK).await, json!({ "customers": [] }));
    let bad = app
        .get("/api/v1/customers?email=not-an-email")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    error(bad, StatusCode::BAD_REQUEST, "invalid_email").await;

    // Export: admins only; everything about them and nobody else.
    let export_url = format!("/api/v1/customers/{zed_id}/export");
    for token in [&agent.token, &supervisor.token] {
        let refused = app.get(&export_url).bearer_auth(token).send().await.unwrap();
        error(refused, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let exported = body(
        app.get(&export_url)
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(exported["customer"]["name"], "Zed Quill");
    let conversations = exported["conversations"].as_array().unwrap();
    assert_eq!(conversations.len(), 1);
    assert_eq!(conversations[0]["id"], zed.conversation_id.as_str());
    let text = exported.to_string();
    assert!(
        text.contains("quokka-shaped vase") && !text.contains("walnut"),
        "{text}"
    );

    // Erasure: admins only, with a reason.
    let url = format!("/api/v1/customers/{zed_id}");
    for token in [&agent.token, &supervisor.token] {
        let refused = app
            .delete(&url)
            .bearer_auth(token)
            .json(&json!({ "reason": "asked" }))
            .send()
            .await
            .unwrap();
        error(refused, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let no_reason = app
        .delete(&url)
        .bearer_auth(&app.admin_token)
        .json(&json!({ "reason": "  " }))
        .send()
        .await
        .unwrap();
    error(no_reason, StatusCode::BAD_REQUEST, "reason_required").await;
    let erased = app
        .delete(&url)
        .bearer_auth(&app.admin_token)
        .json(&json!({ "reason": "customer request, call zed@example.net back" }))
        .send()
        .await
        .unwrap();
    let erased = body(erased, StatusCode::OK).await;
    assert_eq!(erased["conversations"], json!([zed.conversation_id]));
    let again = app
        .delete(&url)
        .bearer_auth(&app.admin_token)
        .json(&json!({ "reason": "again" }))
        .send()
        .await
        .unwrap();
    error(again, StatusCode::NOT_FOUND, "not_found").await;
    let gone = app
        .get(&export_url)
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    error(gone, StatusCode::NOT_FOUND, "not_found").await;
    let detail = app
        .get(&format!("/api/v1/conversations/{}", zed.conversation_id))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    error(detail, StatusCode::NOT_FOUND, "not_found").await;
    let widget = app
        .get(&format!(
            "/api/v1/widget/conversations/{}/messages",
            zed.conversation_id
        ))
        .bearer_auth(&zed.token)
        .send()
        .await
        .unwrap();
    assert!(matches!(
        widget.status(),
        StatusCode::UNAUTHORIZED | StatusCode::NOT_FOUND
    ));
    let listed = list(&app, &app.admin_token, "").await.to_string().to_lowercase();
    // Zed's name and address, not the word "snoozed" of every conversation.
    assert!(
        !listed.contains("zed quill")
            && !listed.contains("zed@")
            && !listed.contains("quokka")
            && listed.contains("olga")
    );

    // The audit log: who did what, newest first, without the erased person's data.
    let entries = audit(&app, &supervisor.token).await;
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions[..2],
        ["customer.erased", "customer.exported"],
        "{actions:?}"
    );
    assert!(actions.contains(&"user.created"));
    let erasure = &entries[0];
    assert_eq!(erasure["actor"], json!({ "type": "user", "id": app.admin_id }));
    assert_eq!(erasure["target"], format!("customer:{zed_id}"));
    assert_eq!(
        erasure["details"]["reason"],
        "customer request, call [EMAIL] back"
    );
    let all = serde_json::to_string(&entries).unwrap().to_lowercase();
    assert!(!all.contains("zed") && !all.contains("quokka"), "{all}");
    let refused = app
        .get("/api/v1/audit")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    error(refused, StatusCode::FORBIDDEN, "forbidden").await;
    for bad in ["0", "501", "ten"] {
        let response = app
            .get(&format!("/api/v1/audit?limit={bad}"))
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap();
        error(response, StatusCode::BAD_REQUEST, "invalid_limit").await;
    }
    let older = app
        .get(&format!(
            "/api/v1/audit?limit=1&before={}",
            erasure["id"].as_str().unwrap()
        ))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        body(older, StatusCode::OK).await["entries"][0]["action"],
        "customer.exported"
    );
}

#[tokio::test]
async fn refused_logins_and_role_changes_are_audited_without_the_address_typed() {
    let app = spawn_app().await;
    let agent = app.create_staff("agent@example.com", "agent").await;
    let changed = app
        .patch(&format!("/api/v1/users/{}", agent.id))
        .bearer_auth(&app.admin_token)
        .json(&json!({ "role": "supervisor" }))
        .send()
        .await
        .unwrap();
    body(changed, StatusCode::OK).await;
    assert_eq!(
        app.login("agent@example.com", "wrong password 123")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("someone.else@example.org", "wrong password 123")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let entries = audit(&app, &app.admin_token).await;
    let summary: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["target"].as_str().unwrap().to_owned(),
                e["details"]["reason"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let agent_target = format!("user:{}", agent.id);
    assert_eq!(
        summary[0],
        (
            "login.failed".to_owned(),
            "user:unknown".to_owned(),
            "unknown account".to_owned()
        )
    );
    assert_eq!(
        summary[1],
        (
            "login.failed".to_owned(),
            agent_target.clone(),
            "wrong password".to_owned()
        )
    );
    assert_eq!(summary[2].0, "user.updated");
    assert_eq!(
        entries[2]["details"]["role"],
        json!({ "from": "agent", "to": "supervisor" })
    );
    assert_eq!(
        summary[3],
        ("user.created".to_owned(), agent_target, String::new())
    );
    assert!(!serde_json::to_string(&entries).unwrap().contains("someone.else"));
    // Each entry is also an event of the feed.
    let feed = app
        .get("/api/v1/events?limit=1000")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    let feed = body(feed, StatusCode::OK).await;
    let recorded = feed["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "audit_recorded")
        .count();
    assert_eq!(recorded, entries.len());
}

#[tokio::test]
async fn the_conversation_list_previews_no_personal_data_but_staff_read_the_message() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let said = "Please write to ada.lovelace@example.org or call +44 20 7946 0958";
    app.customer_says(&ada, said).await;
    let listed = list(&app, &app.admin_token, "").await;
    let preview = listed["conversations"][0]["preview"].as_str().unwrap();
    assert!(
        preview.contains("[EMAIL]") && preview.contains("[PHONE]"),
        "{preview}"
    );
    assert!(
        !preview.contains("lovelace") && !preview.contains("7946"),
        "{preview}"
    );
    let detail = app.detail(&ada.conversation_id).await;
    assert_eq!(detail["messages"][0]["text"], said);
}

#[tokio::test]
async fn erasure_closes_the_customers_live_socket_and_tells_staff() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    app.customer_says(&ada, "hello").await;
    let customer_url = app.ws_url(&format!(
        "/api/v1/widget/conversations/{}/live?token={}",
        ada.conversation_id, ada.token
    ));
    let mut customer = connect_ws(&customer_url).await;
    sync_ws(&mut customer).await;
    let mut staff = connect_ws(&app.ws_url(&format!("/api/v1/live?token={}", app.admin_token))).await;
    sync_ws(&mut staff).await;
    let id = app.detail(&ada.conversation_id).await["customer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let erased = app
        .delete(&format!("/api/v1/customers/{id}"))
        .bearer_auth(&app.admin_token)
        .json(&json!({ "reason": "customer request" }))
        .send()
        .await
        .unwrap();
    body(erased, StatusCode::OK).await;
    assert!(
        expect_closed(&mut customer).await,
        "the erased customer's socket is closed"
    );
    let frame = loop {
        let frame = next_event(&mut staff).await;
        if frame["type"] == "conversation_erased" {
            break frame;
        }
    };
    assert_eq!(frame["conversation_id"], ada.conversation_id.as_str());
    assert!(frame["seq"].is_i64());
}
