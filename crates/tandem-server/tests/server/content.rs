//! The content API the admin and trainer pages use: reading the pack, editing intents, examples,
//! articles, templates, texts and canned replies, testing connectors, and suggestions for agents.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{body, error, spawn_app, spawn_demo_app, Customer, DemoApp};

fn intent<'a>(content: &'a Value, name: &str) -> &'a Value {
    content["intents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no intent {name} in {content}"))
}

/// The top intent of the bot's decision about a customer's message.
async fn top_intent(app: &DemoApp, customer: &Customer, text: &str) -> String {
    app.customer_says(customer, text).await;
    let decisions = app.decisions(&customer.conversation_id).await;
    let last = decisions.last().unwrap().clone();
    last["top_intents"][0]["intent"].as_str().unwrap().to_owned()
}

/// The bot's last message to the customer.
pub(crate) async fn last_bot_text(app: &DemoApp, customer: &Customer) -> String {
    let messages = app.customer_messages(customer).await;
    messages
        .iter()
        .rev()
        .find(|m| m["author"] == "bot")
        .and_then(|m| m["text"].as_str())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn content_shows_the_active_pack_to_all_staff_and_404s_without_one() {
    let empty = spawn_app().await;
    let response = empty
        .get("/api/v1/content")
        .bearer_auth(&empty.admin_token)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::NOT_FOUND, "no_active_pack").await;
    let unauthenticated = empty.get("/api/v1/content").send().await.unwrap();
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);

    let app = spawn_demo_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let response = app
        .get("/api/v1/content")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    let c = body(response, StatusCode::OK).await;
    assert_eq!(c["name"], "acme-outfitters");
    assert!(c["texts"]["disclosure"].as_str().unwrap().contains("bot"));
    assert_eq!(c["policy"]["max_failed_tries"], 2);
    let track = intent(&c, "track_order");
    assert_eq!(track["kind"], "automated");
    assert!(track["examples"].as_array().unwrap().len() >= 10);
    assert!(track["threshold"].is_null() || track["threshold"].is_number());
    let order_status = c["connectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "order_status")
        .unwrap();
    assert_eq!(order_status["type"], "sql");
    assert_eq!(order_status["target"], "business");
    assert_eq!(order_status["params"], json!(["order_id"]));
    assert_eq!(order_status["owner_field"], "owner_email");
    assert!(c["articles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["slug"] == "returns"
            && a["url"].as_str().unwrap().starts_with("https://")
            && !a["body"].as_str().unwrap().is_empty()));
    assert!(c["templates"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["name"].is_string() && t["body"].is_string()));
    let canned = c["canned_replies"].as_array().unwrap();
    assert!((5..=6).contains(&canned.len()), "{canned:?}");

    let listed = app
        .get("/api/v1/canned-replies")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        body(listed, StatusCode::OK).await["canned_replies"],
        c["canned_replies"]
    );
}

#[tokio::test]
async fn an_added_example_changes_the_top_intent_and_bad_examples_change_nothing() {
    let app = spawn_demo_app().await;
    let phrase = "zorblax quintuple frobnicate wibble";
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let before = top_intent(&app, &ada, phrase).await;
    assert_ne!(before, "size_guide");

    let agent = app.create_staff("agent@example.org", "agent").await;
    let path = "/api/v1/content/intents/size_guide/examples";
    let response = app
        .post(path)
        .bearer_auth(&agent.token)
        .json(&json!({ "text": phrase }))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::FORBIDDEN, "forbidden").await;

    let trainer = app.create_staff("trainer@example.org", "trainer").await;
    let response = app
        .post(path)
        .bearer_auth(&trainer.token)
        .json(&json!({ "text": format!("  {phrase} ") }))
        .send()
        .await
        .unwrap();
    let updated = body(response, StatusCode::CREATED).await;
    assert_eq!(updated["name"], "size_guide");
    assert!(updated["examples"].as_array().unwrap().contains(&json!(phrase)));
    // A nonsense example makes the model worse on the pack's evaluation messages: the candidate
    // trained on it stays a candidate, the answer says why, and customers meet the model as it was.
    let model = &updated["model"];
    assert_eq!(model["promoted"], false, "{model}");
    assert_ne!(model["trained"], model["active"]);
    assert!(
        model["reasons"][0].as_str().unwrap().contains("accuracy"),
        "{model}"
    );
    let bob = app.start_conversation("Bob", "bob@example.org").await;
    assert_eq!(top_intent(&app, &bob, phrase).await, before);

    // An admin who wants it anyway promotes the candidate with a reason: it learnt the example.
    let forced = app
        .post(&format!(
            "/api/v1/models/{}/promote",
            model["trained"].as_str().unwrap()
        ))
        .bearer_auth(&app.admin_token)
        .json(&json!({ "force": true, "reason": "the wibble line sells sizes" }))
        .send()
        .await
        .unwrap();
    body(forced, StatusCode::OK).await;
    let cy = app.start_conversation("Cy", "cy@example.org").await;
    assert_eq!(top_intent(&app, &cy, phrase).await, "size_guide");

    let stored = app.content().await;
    // Refusals leave the pack as it is.
    for (text, status, code) in [
        (phrase.to_uppercase(), StatusCode::CONFLICT, "duplicate_example"),
        ("   ".to_owned(), StatusCode::BAD_REQUEST, "empty_example"),
        ("x".repeat(600), StatusCode::BAD_REQUEST, "invalid_example"),
    ] {
        let response = app
            .post(path)
            .bearer_auth(&app.admin_token)
            .json(&json!({ "text": text }))
            .send()
            .await
            .unwrap();
        error(response, status, code).await;
    }
    let response = app
        .post("/api/v1/content/intents/no_such_intent/examples")
        .bearer_auth(&app.admin_token)
        .json(&json!({ "text": "hello there" }))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::NOT_FOUND, "not_found").await;
    let response = app
        .post(path)
        .bearer_auth(&app.admin_token)
        .json(&json!({ "words": "hello" }))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    assert_eq!(app.content().await, stored);

    // Removing it again works; removing below the minimum is refused.
    let response = app
        .delete(path)
        .bearer_auth(&trainer.token)
        .json(&json!({ "text": phrase }))
        .send()
        .await
        .unwrap();
    let after = body(response, StatusCode::OK).await;
    assert!(!after["examples"].as_array().unwrap().contains(&json!(phrase)));
    let response = app
        .delete(path)
        .bearer_auth(&trainer.token)
        .json(&json!({ "text": phrase }))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::NOT_FOUND, "not_found").await;
    let response = app
        .delete(path)
        .bearer_auth(&agent.token)
        .json(&json!({ "text": "anything" }))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn intents_are_created_and_changed_under_the_pack_rules() {
    let app = spawn_demo_app().await;
    let examples: Vec<String> = (0..10)
        .map(|i| format!("loyalty points question number {i}"))
        .collect();
    let new = json!({
        "name": "loyalty_points",
        "description": "Questions about the loyalty programme",
        "kind": "human",
        "examples": examples,
        "team": "support",
        "priority": "low",
    });
    let agent = app.create_staff("agent@example.org", "agent").await;
    let response = app
        .post("/api/v1/content/intents")
        .bearer_auth(&agent.token)
        .json(&new)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::FORBIDDEN, "forbidden").await;

    let before = app.content().await;
    // An automated intent without its connector and template breaks the pack's rules.
    let mut automated = new.clone();
    automated["kind"] = json!("automated");
    let response = app
        .post("/api/v1/content/intents")
        .bearer_auth(&app.admin_token)
        .json(&automated)
        .send()
        .await
        .unwrap();
    let refused = error(response, StatusCode::BAD_REQUEST, "invalid_pack").await;
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("connector"),
        "{refused}"
    );
    let mut few = new.clone();
    few["examples"] = json!(["just one"]);
    let response = app
        .post("/api/v1/content/intents")
        .bearer_auth(&app.admin_token)
        .json(&few)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::BAD_REQUEST, "invalid_pack").await;
    let mut bad_name = new.clone();
    bad_name["name"] = json!("Loyalty Points");
    let response = app
        .post("/api/v1/content/intents")
        .bearer_auth(&app.admin_token)
        .json(&bad_name)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::BAD_REQUEST, "invalid_intent_name").await;
    let mut bad_kind = new.clone();
    bad_kind["kind"] = json!("magic");
    let response = app
        .post("/api/v1/content/intents")
        .bearer_auth(&app.admin_token)
        .json(&bad_kind)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    assert_eq!(app.content().await, before);

    let response = app
        .post("/api/v1/content/intents")
        .bearer_auth(&app.admin_token)
        .json(&new)
        .send()
        .await
        .unwrap();
    let created = body(response, StatusCode::CREATED).await;
    assert_eq!(created["kind"], "human");
    assert_eq!(created["team"], "support");
    assert!(created["threshold"].is_null());
    let response = app
        .post("/api/v1/content/intents")
        .bearer_auth(&app.admin_token)
        .json(&new)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::CONFLICT, "intent_exists").await;
    // An intent keeps at least ten distinct examples.
    let response = app
        .delete("/api/v1/content/intents/loyalty_points/examples")
        .bearer_auth(&app.admin_token)
        .json(&json!({ "text": "loyalty points question number 3" }))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::CONFLICT, "too_few_examples").await;

    let path = "/api/v1/content/intents/loyalty_points";
    let response = app
        .patch(path)
        .bearer_auth(&app.admin_token)
        .json(&json!({ "threshold": 0.8, "description": "Loyalty points", "priority": null }))
        .send()
        .await
        .unwrap();
    let changed = body(response, StatusCode::OK).await;
    assert_eq!(changed["description"], "Loyalty points");
    assert!((changed["threshold"].as_f64().unwrap() - 0.8).abs() < 1e-6);
    assert!(changed["priority"].is_null());
    assert_eq!(changed["team"], "support");
    let response = app
        .patch(path)
        .bearer_auth(&app.admin_token)
        .json(&json!({ "threshold": null }))
        .send()
        .await
        .unwrap();
    assert!(body(response, StatusCode::OK).await["threshold"].is_null());
    // The label the bot offers the intent with when it is unsure; null spells the name out.
    for (label, shown) in [
        (json!("Points and rewards"), json!("Points and rewards")),
        (json!(null), json!(null)),
    ] {
        let response = app
            .patch(path)
            .bearer_auth(&app.admin_token)
            .json(&json!({ "label": label }))
            .send()
            .await
            .unwrap();
        assert_eq!(body(response, StatusCode::OK).await["label"], shown);
    }

    let stored = app.content().await;
    for (change, status, code) in [
        (
            json!({ "label": "two\nlines" }),
            StatusCode::BAD_REQUEST,
            "invalid_label",
        ),
        (
            json!({ "threshold": 1.5 }),
            StatusCode::BAD_REQUEST,
            "invalid_threshold",
        ),
        (
            json!({ "team": "nobody" }),
            StatusCode::BAD_REQUEST,
            "invalid_pack",
        ),
        (
            json!({ "kind": "automated" }),
            StatusCode::BAD_REQUEST,
            "invalid_pack",
        ),
        (
            json!({ "colour": "red" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
    ] {
        let response = app
            .patch(path)
            .bearer_auth(&app.admin_token)
            .json(&change)
            .send()
            .await
            .unwrap();
        error(response, status, code).await;
    }
    let response = app
        .patch("/api/v1/content/intents/nope")
        .bearer_auth(&app.admin_token)
        .json(&json!({ "threshold": 0.5 }))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(app.content().await, stored);
}

#[tokio::test]
async fn a_new_article_is_answered_and_a_deleted_one_no_longer() {
    let app = spawn_demo_app().await;
    let question = "Do your gift cards come in a zebra envelope?";
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    app.customer_says(&ada, question).await;
    assert!(!last_bot_text(&app, &ada).await.contains("zebra"));

    let article = json!({
        "title": "Gift card envelopes",
        "tags": ["gift-cards"],
        "url": "https://acme-outfitters.example/help/gift-card-envelopes",
        "body": "Every Acme gift card ships in a recycled kraft envelope stamped with our zebra logo, free of charge.",
    });
    let path = "/api/v1/content/articles/gift-card-envelopes";
    let agent = app.create_staff("agent@example.org", "agent").await;
    let response = app
        .put(path)
        .bearer_auth(&agent.token)
        .json(&article)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::FORBIDDEN, "forbidden").await;

    let response = app
        .put(path)
        .bearer_auth(&app.admin_token)
        .json(&article)
        .send()
        .await
        .unwrap();
    let created = body(response, StatusCode::CREATED).await;
    assert_eq!(created["slug"], "gift-card-envelopes");
    let bob = app.start_conversation("Bob", "bob@example.org").await;
    app.customer_says(&bob, question).await;
    let answer = last_bot_text(&app, &bob).await;
    assert!(answer.contains("zebra logo"), "{answer}");

    // Replacing keeps the url when none is given; a new article without one gets the help centre's.
    let response = app
        .put(path)
        .bearer_auth(&app.admin_token)
        .json(&json!({ "title": "Gift card envelopes", "body": "Gift cards ship in a plain envelope." }))
        .send()
        .await
        .unwrap();
    let replaced = body(response, StatusCode::OK).await;
    assert_eq!(replaced["url"], article["url"]);
    assert_eq!(replaced["tags"], json!(["gift-cards"]));

    let stored = app.content().await;
    for (slug, input, status, code) in [
        (
            "Bad Slug",
            article.clone(),
            StatusCode::BAD_REQUEST,
            "invalid_slug",
        ),
        (
            "ok",
            json!({ "title": "", "body": "x" }),
            StatusCode::BAD_REQUEST,
            "invalid_title",
        ),
        (
            "ok",
            json!({ "title": "T", "body": "  " }),
            StatusCode::BAD_REQUEST,
            "invalid_article_body",
        ),
        (
            "ok",
            json!({ "title": "T\nU", "body": "x" }),
            StatusCode::BAD_REQUEST,
            "invalid_title",
        ),
        (
            "ok",
            json!({ "title": "T", "body": "x", "url": "javascript:alert(1)" }),
            StatusCode::BAD_REQUEST,
            "invalid_url",
        ),
        (
            "ok",
            json!({ "title": "T", "body": "x", "tags": ["a, b"] }),
            StatusCode::BAD_REQUEST,
            "invalid_tag",
        ),
        (
            "ok",
            json!({ "title": "T" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
    ] {
        let response = app
            .put(&format!("/api/v1/content/articles/{}", slug.replace(' ', "%20")))
            .bearer_auth(&app.admin_token)
            .json(&input)
            .send()
            .await
            .unwrap();
        error(response, status, code).await;
    }
    assert_eq!(app.content().await, stored);

    let response = app.delete(path).bearer_auth(&agent.token).send().await.unwrap();
    error(response, StatusCode::FORBIDDEN, "forbidden").await;
    let response = app
        .delete(path)
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = app
        .delete(path)
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::NOT_FOUND, "not_found").await;
    let c = app.content().await;
    assert!(!c["articles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["slug"] == "gift-card-envelopes"));
    let carl = app.start_conversation("Carl", "carl@example.org").await;
    app.customer_says(&carl, question).await;
    assert!(!last_bot_text(&app, &carl).await.contains("zebra"));
}

#[tokio::test]
async fn concurrent_edits_never_lose_one_another() {
    let app = spawn_demo_app().await;
    let add = |intent: &'static str, text: &'static str| {
        app.post(&format!("/api/v1/content/intents/{intent}/examples"))
            .bearer_auth(&app.admin_token)
            .json(&json!({ "text": text }))
            .send()
    };
    let article = app
        .put("/api/v1/content/articles/parking")
        .bearer_auth(&app.admin_token)
        .json(&json!({ "title": "Parking at the store", "body": "Free parking behind the Portland store." }))
        .send();
    let (a, b, c) = tokio::join!(
        add("size_guide", "which size is a medium in centimetres"),
        add("gift_cards", "can I pay for a gift card with another gift card"),
        article
    );
    assert_eq!(a.unwrap().status(), StatusCode::CREATED);
    assert_eq!(b.unwrap().status(), StatusCode::CREATED);
    assert_eq!(c.unwrap().status(), StatusCode::CREATED);
    let c = app.content().await;
    assert!(intent(&c, "size_guide")["examples"]
        .as_array()
        .unwrap()
        .contains(&json!("which size is a medium in centimetres")));
    assert!(intent(&c, "gift_cards")["examples"]
        .as_array()
        .unwrap()
        .contains(&json!("can I pay for a gift card with another gift card")));
    let parking = c["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["slug"] == "parking")
        .unwrap();
    // A new article without a url gets the help centre's address.
    assert_eq!(parking["url"], "https://acme-outfitters.example/help/parking");
}

#[tokio::test]
async fn an_edit_made_on_an_older_revision_is_refused_with_409() {
    let app = spawn_demo_app().await;
    let read = app
        .get("/api/v1/content")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    let etag = read.headers()["etag"].to_str().unwrap().to_owned();
    let first = body(read, StatusCode::OK).await;
    assert_eq!(etag, format!("\"{}\"", first["revision"].as_str().unwrap()));
    let put = |title: &str, if_match: &str| {
        app.put("/api/v1/content/articles/opening-hours")
            .bearer_auth(&app.admin_token)
            .header("If-Match", if_match)
            .json(&json!({ "title": title, "body": "We answer every day from 8 to 20." }))
            .send()
    };

    // An edit on the revision just read works and answers with the new revision.
    let saved = put("Opening hours", &etag).await.unwrap();
    let new_etag = saved.headers()["etag"].to_str().unwrap().to_owned();
    assert!(saved.status().is_success(), "{}", saved.status());
    assert_ne!(new_etag, etag);
    // Another edit still made on the first revision has not seen that change: refused.
    error(
        put("Hours (stale)", &etag).await.unwrap(),
        StatusCode::CONFLICT,
        "stale_content",
    )
    .await;
    let now = app.content().await;
    let article = now["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["slug"] == "opening-hours")
        .unwrap()
        .clone();
    assert_eq!(
        article["title"], "Opening hours",
        "the stale edit changed nothing"
    );
    // Without If-Match (or with `*`) there is no check, as before.
    assert!(put("Opening times", "*").await.unwrap().status().is_success());
}
