//! Content history over the API: every edit of an article, template or the bot texts adds a
//! version (version 1 is the pack's text, without an author); versions are listed, shown and
//! compared, and restoring one installs it at once for the bot.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{body, error, spawn_demo_app, DemoApp};

const ADDED: &str = "Gifts bought in December can be returned until January 31.";
const QUESTION: &str = "What is your return policy?";

async fn get(app: &DemoApp, token: &str, path: &str) -> Value {
    let response = app.get(path).bearer_auth(token).send().await.unwrap();
    body(response, StatusCode::OK).await
}

async fn restore(app: &DemoApp, token: &str, path: &str) -> reqwest::Response {
    app.post(path)
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
}

/// The bot's answer to a new customer's question: its text and its sources.
async fn bot_answer(app: &DemoApp, email: &str) -> (String, Vec<Value>) {
    let customer = app.start_conversation("Ada", email).await;
    app.customer_says(&customer, QUESTION).await;
    let messages = app.customer_messages(&customer).await;
    let bot = messages
        .iter()
        .rev()
        .find(|m| m["author"] == "bot")
        .unwrap_or_else(|| panic!("no bot answer in {messages:?}"))
        .clone();
    let sources = bot["sources"].as_array().cloned().unwrap_or_default();
    (bot["text"].as_str().unwrap_or_default().to_owned(), sources)
}

#[tokio::test]
async fn article_edits_are_versioned_compared_and_restored_at_once() {
    let app = spawn_demo_app().await;
    let tina = app.create_staff("tina.trainer@example.com", "trainer").await;
    let agent = app.create_staff("sam.agent@example.com", "agent").await;
    let returns = app.content().await["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["slug"] == "returns")
        .unwrap()
        .clone();
    let original = returns["body"].as_str().unwrap().to_owned();
    let (before, _) = bot_answer(&app, "before@example.org").await;
    assert!(!before.contains(ADDED), "{before}");

    // Two edits by the trainer: a sentence added to the first paragraph, then the title.
    let paragraph = "There is no restocking fee.";
    assert!(original.contains(paragraph));
    let edited = original.replacen(paragraph, &format!("{paragraph} {ADDED}"), 1);
    for title in ["Returns and refunds", "Returns, refunds and gifts"] {
        let response = app
            .put("/api/v1/content/articles/returns")
            .bearer_auth(&tina.token)
            .json(&json!({ "title": title, "body": edited }))
            .send()
            .await
            .unwrap();
        body(response, StatusCode::OK).await;
    }
    let (after, _) = bot_answer(&app, "after@example.org").await;
    assert!(after.contains(ADDED), "{after}");

    // Versions 1..3: the pack's text (no author), then the trainer's two edits; agents may read.
    let list = get(&app, &agent.token, "/api/v1/content/articles/returns/versions").await;
    let versions = list["versions"].as_array().unwrap();
    let numbers: Vec<i64> = versions.iter().map(|v| v["version"].as_i64().unwrap()).collect();
    assert_eq!(numbers, vec![1, 2, 3]);
    let authors: Vec<&Value> = versions.iter().map(|v| &v["author"]).collect();
    assert_eq!(
        authors,
        vec![
            &Value::Null,
            &json!("tina.trainer@example.com"),
            &json!("tina.trainer@example.com")
        ]
    );
    assert!(versions.iter().all(|v| v["created_at"].is_string()));

    // One version's content, and the diff showing the added line.
    let one = get(&app, &agent.token, "/api/v1/content/articles/returns/versions/1").await;
    assert_eq!(one["version"], 1);
    assert_eq!(one["content"]["body"], original.as_str());
    assert_eq!(one["author"], Value::Null);
    let diff = get(
        &app,
        &agent.token,
        "/api/v1/content/articles/returns/versions/2/diff?against=1",
    )
    .await;
    let changed: Vec<(&str, &str)> = diff["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["op"] != "same")
        .map(|l| (l["op"].as_str().unwrap(), l["text"].as_str().unwrap()))
        .collect();
    // The paragraph's line is replaced: the old one removed, the one with the sentence added.
    assert_eq!(changed.len(), 2, "{diff}");
    assert!(
        changed
            .iter()
            .any(|(op, text)| *op == "added" && text.ends_with(ADDED)),
        "{diff}"
    );
    assert!(
        changed
            .iter()
            .any(|(op, text)| *op == "removed" && text.ends_with(paragraph)),
        "{diff}"
    );
    // Without `against`, a version is compared with the one before it: only the title changed.
    let diff = get(
        &app,
        &agent.token,
        "/api/v1/content/articles/returns/versions/3/diff",
    )
    .await;
    assert_eq!(diff["against"], 2);
    let changed = diff["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["op"] != "same")
        .count();
    assert_eq!(changed, 2, "{diff}");

    // An agent cannot restore; unknown versions and items are 404.
    let refused = restore(
        &app,
        &agent.token,
        "/api/v1/content/articles/returns/versions/1/restore",
    )
    .await;
    error(refused, StatusCode::FORBIDDEN, "forbidden").await;
    for path in [
        "/api/v1/content/articles/returns/versions/9/restore",
        "/api/v1/content/articles/returns/versions/zero/restore",
        "/api/v1/content/articles/no-such-article/versions/1/restore",
    ] {
        let response = restore(&app, &tina.token, path).await;
        error(response, StatusCode::NOT_FOUND, "not_found").await;
    }
    let missing = app
        .get("/api/v1/content/articles/returns/versions/9")
        .bearer_auth(&tina.token)
        .send()
        .await
        .unwrap();
    error(missing, StatusCode::NOT_FOUND, "not_found").await;

    // Restoring version 1: at once the bot answers from the pack's text, with its source, and
    // the restore is the newest version, by the trainer.
    let restored = restore(
        &app,
        &tina.token,
        "/api/v1/content/articles/returns/versions/1/restore",
    )
    .await;
    let restored = body(restored, StatusCode::OK).await;
    assert_eq!(restored["version"], 4);
    assert_eq!(restored["author"], "tina.trainer@example.com");
    let (text, sources) = bot_answer(&app, "restored@example.org").await;
    assert!(!text.contains(ADDED), "{text}");
    assert!(
        sources
            .iter()
            .any(|s| s["url"].as_str().unwrap_or_default().ends_with("/returns")),
        "{sources:?}"
    );
    let four = get(&app, &tina.token, "/api/v1/content/articles/returns/versions/4").await;
    assert_eq!(four["content"]["body"], original.as_str());
    assert_eq!(four["content"]["title"], returns["title"]);

    // The restore is in the audit log, by the trainer, naming the version.
    let audit = get(&app, &app.admin_token, "/api/v1/audit").await;
    let entry = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "content.restored")
        .unwrap_or_else(|| panic!("no restore in {audit}"))
        .clone();
    assert_eq!(entry["target"], "article:returns");
    assert_eq!(entry["details"]["version"], 1);
}

#[tokio::test]
async fn a_deleted_article_is_restored_and_new_articles_start_at_one() {
    let app = spawn_demo_app().await;
    let kim = app.create_staff("kim@example.com", "supervisor").await;
    let created = app
        .put("/api/v1/content/articles/parking")
        .bearer_auth(&kim.token)
        .json(&json!({ "title": "Parking", "body": "Free parking behind the Portland store.", "url": "/help/parking" }))
        .send()
        .await
        .unwrap();
    body(created, StatusCode::CREATED).await;
    let deleted = app
        .delete("/api/v1/content/articles/parking")
        .bearer_auth(&kim.token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let list = get(&app, &kim.token, "/api/v1/content/articles/parking/versions").await;
    assert_eq!(list["versions"].as_array().unwrap().len(), 1);
    assert_eq!(list["versions"][0]["author"], "kim@example.com");
    let response = restore(
        &app,
        &kim.token,
        "/api/v1/content/articles/parking/versions/1/restore",
    )
    .await;
    body(response, StatusCode::OK).await;
    let content = app.content().await;
    assert!(content["articles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["slug"] == "parking" && a["title"] == "Parking"));
}

#[tokio::test]
async fn templates_texts_and_canned_replies_have_versions_too() {
    let app = spawn_demo_app().await;
    let admin = app.admin_token.clone();
    let tina = app.create_staff("tina@example.com", "trainer").await;

    // A template: the pack's source, the trainer's edit, and a restore.
    let pack_body = get(&app, &tina.token, "/api/v1/content/templates/thanks/versions/1").await["content"]
        ["body"]
        .as_str()
        .unwrap()
        .to_owned();
    let saved = app
        .put("/api/v1/content/templates/thanks")
        .bearer_auth(&tina.token)
        .json(&json!({ "body": "Glad to help! Anything else?" }))
        .send()
        .await
        .unwrap();
    body(saved, StatusCode::OK).await;
    let list = get(&app, &tina.token, "/api/v1/content/templates/thanks/versions").await;
    assert_eq!(list["versions"].as_array().unwrap().len(), 2);
    let diff = get(
        &app,
        &tina.token,
        "/api/v1/content/templates/thanks/versions/2/diff?against=1",
    )
    .await;
    assert!(diff["lines"]
        .as_array()
        .unwrap()
        .contains(&json!({ "op": "added", "text": "Glad to help! Anything else?" })));
    body(
        restore(
            &app,
            &tina.token,
            "/api/v1/content/templates/thanks/versions/1/restore",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let templates = app.content().await["templates"].clone();
    let thanks = templates
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "thanks")
        .unwrap()
        .clone();
    assert_eq!(thanks["body"], pack_body.as_str());

    // The bot texts: only admins change (and so restore) them; everyone reads the history.
    let mut texts = app.content().await["texts"].clone();
    let pack_handoff = texts["handoff"].clone();
    texts["handoff"] = json!("One moment, a colleague will be with you shortly.");
    let saved = app
        .put("/api/v1/content/texts")
        .bearer_auth(&admin)
        .json(&texts)
        .send()
        .await
        .unwrap();
    body(saved, StatusCode::OK).await;
    let list = get(&app, &tina.token, "/api/v1/content/texts/versions").await;
    let authors: Vec<Value> = list["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["author"].clone())
        .collect();
    assert_eq!(authors, vec![Value::Null, json!(crate::support::ADMIN_EMAIL)]);
    let refused = restore(&app, &tina.token, "/api/v1/content/texts/versions/1/restore").await;
    error(refused, StatusCode::FORBIDDEN, "forbidden").await;
    body(
        restore(&app, &admin, "/api/v1/content/texts/versions/1/restore").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(app.content().await["texts"]["handoff"], pack_handoff);
    assert_eq!(
        get(&app, &admin, "/api/v1/content/texts/versions").await["versions"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // The canned replies.
    let replies = json!({ "canned_replies": [{ "title": "Hello", "text": "Hello, how can I help?" }] });
    let saved = app
        .put("/api/v1/content/canned-replies")
        .bearer_auth(&tina.token)
        .json(&replies)
        .send()
        .await
        .unwrap();
    assert!(saved.status().is_success(), "{}", saved.status());
    let two = get(&app, &tina.token, "/api/v1/content/canned-replies/versions/2").await;
    assert_eq!(two["content"], replies["canned_replies"]);
    assert_eq!(two["author"], "tina@example.com");
    let missing = app
        .get("/api/v1/content/canned-replies/versions/7")
        .bearer_auth(&tina.token)
        .send()
        .await
        .unwrap();
    error(missing, StatusCode::NOT_FOUND, "not_found").await;
}
