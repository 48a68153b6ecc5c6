//! The OpenAPI document against what the server really answers (what `scripts/schema-check`, a
//! schemathesis run, checks over the live document): every status an operation can give is
//! listed for it, and values are documented as they are sent.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{body, error, spawn_app, spawn_demo_app};

/// Every content edit: each reads `If-Match` and can be refused with 409 `stale_content`.
const CONTENT_EDITS: [(&str, &str); 9] = [
    ("post", "/api/v1/content/intents"),
    ("patch", "/api/v1/content/intents/{name}"),
    ("post", "/api/v1/content/intents/{name}/examples"),
    ("delete", "/api/v1/content/intents/{name}/examples"),
    ("put", "/api/v1/content/articles/{slug}"),
    ("delete", "/api/v1/content/articles/{slug}"),
    ("put", "/api/v1/content/templates/{name}"),
    ("put", "/api/v1/content/texts"),
    ("put", "/api/v1/content/canned-replies"),
];

async fn document(app: &crate::support::TestApp) -> Value {
    body(
        app.get("/api/v1/openapi.json").send().await.unwrap(),
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn every_content_edit_documents_if_match_and_its_409() {
    let app = spawn_demo_app().await;
    let doc = document(&app).await;
    for (method, path) in CONTENT_EDITS {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert!(
            op["responses"].get("409").is_some(),
            "{method} {path} does not list 409"
        );
        let if_match = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["name"] == "If-Match" && p["in"] == "header");
        assert!(if_match, "{method} {path} does not list the If-Match header");
    }

    // What schemathesis sent: the bot texts as they are, on a revision that is not the current one.
    let content = app.content().await;
    let stale = app
        .put("/api/v1/content/texts")
        .bearer_auth(&app.admin_token)
        .header("If-Match", "null")
        .json(&content["texts"])
        .send()
        .await
        .unwrap();
    error(stale, StatusCode::CONFLICT, "stale_content").await;
}

#[tokio::test]
async fn audit_actions_are_documented_by_the_names_they_are_sent_as() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let listed: BTreeSet<&str> = doc["components"]["schemas"]["AuditAction"]["enum"]
        .as_array()
        .expect("the audit actions")
        .iter()
        .map(|a| a.as_str().expect("an action"))
        .collect();
    let all: BTreeSet<&str> = tandem_core::audit::AuditAction::ALL
        .iter()
        .map(|a| a.as_str())
        .collect();
    assert_eq!(listed, all);

    // An entry the server wrote (creating a user is audited) carries a documented action.
    app.create_staff("audited@example.org", "agent").await;
    let page = body(
        app.get("/api/v1/audit")
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let actions: Vec<&str> = page["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().expect("an action"))
        .collect();
    assert!(actions.contains(&"user.created"), "{page}");
    for action in actions {
        assert!(listed.contains(action), "{action} is not documented: {listed:?}");
    }
}
