//! Content the editor changes besides intents and articles: templates and bot texts, connectors
//! (run against the business data with the owner check) and canned replies.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::content::last_bot_text;
use crate::support::{body, error, spawn_demo_app};

#[tokio::test]
async fn templates_must_compile_and_texts_must_disclose_the_bot() {
    let app = spawn_demo_app().await;
    let path = "/api/v1/content/templates/loyalty_reply";
    let response = app
        .put(path)
        .bearer_auth(&app.admin_token)
        .json(&json!({ "body": "Hello {{ customer.name }}, you have points." }))
        .send()
        .await
        .unwrap();
    assert_eq!(body(response, StatusCode::CREATED).await["name"], "loyalty_reply");
    let response = app
        .put(path)
        .bearer_auth(&app.admin_token)
        .json(&json!({ "body": "Hi {{ customer.name }}." }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        body(response, StatusCode::OK).await["body"],
        "Hi {{ customer.name }}."
    );
    let stored = app.content().await;
    let response = app
        .put(path)
        .bearer_auth(&app.admin_token)
        .json(&json!({ "body": "line one\n{% if x %}never closed" }))
        .send()
        .await
        .unwrap();
    let refused = error(response, StatusCode::BAD_REQUEST, "invalid_template").await;
    assert!(
        refused["error"]["message"].as_str().unwrap().contains("line"),
        "{refused}"
    );
    let trainer = app.create_staff("trainer@example.org", "trainer").await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let response = app
        .put(path)
        .bearer_auth(&agent.token)
        .json(&json!({ "body": "x" }))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::FORBIDDEN, "forbidden").await;

    let texts = stored["texts"].clone();
    let mut no_bot = texts.clone();
    no_bot["disclosure"] = json!("Hello! How can we help you today?");
    let mut empty = texts.clone();
    empty["handoff"] = json!(" ");
    for (token, input, status, code) in [
        (&trainer.token, texts.clone(), StatusCode::FORBIDDEN, "forbidden"),
        (
            &app.admin_token,
            no_bot,
            StatusCode::BAD_REQUEST,
            "disclosure_required",
        ),
        (&app.admin_token, empty, StatusCode::BAD_REQUEST, "empty_text"),
        (
            &app.admin_token,
            json!({ "disclosure": "I am a bot" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
    ] {
        let response = app
            .put("/api/v1/content/texts")
            .bearer_auth(token)
            .json(&input)
            .send()
            .await
            .unwrap();
        error(response, status, code).await;
    }
    assert_eq!(app.content().await, stored);

    let mut new = texts.clone();
    new["disclosure"] = json!("Hi, I'm Acme's AI helper.");
    let response = app
        .put("/api/v1/content/texts")
        .bearer_auth(&app.admin_token)
        .json(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(body(response, StatusCode::OK).await, new);
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    app.customer_says(&ada, "hello").await;
    assert!(last_bot_text(&app, &ada)
        .await
        .starts_with("Hi, I'm Acme's AI helper."));
}

#[tokio::test]
async fn connectors_run_against_the_business_data_with_the_owner_check() {
    let app = spawn_demo_app().await;
    let path = "/api/v1/content/connectors/order_status/test";
    let run = |input: Value| app.post(path).bearer_auth(&app.admin_token).json(&input).send();
    // The owner check is never left out: without a customer the test is refused.
    let response = run(json!({ "params": { "order_id": "A1001" } })).await.unwrap();
    error(response, StatusCode::BAD_REQUEST, "invalid_params").await;
    let owner = "maria.rossi@example.com";
    let found = body(
        run(json!({ "params": { "order_id": "A1001" }, "customer_email": owner }))
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(found["ok"], true, "{found}");
    assert_eq!(found["fields"]["order_id"], "A1001");
    assert!(found["elapsed_ms"].is_u64());

    let mine = body(
        run(json!({ "params": { "order_id": "a1001" }, "customer_email": owner }))
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["ok"], true, "{mine}");
    let someone_else = body(
        run(json!({ "params": { "order_id": "A1001" }, "customer_email": "mallory@example.org" }))
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(someone_else["ok"], false);
    assert!(
        someone_else["error"]
            .as_str()
            .unwrap()
            .contains("another customer"),
        "{someone_else}"
    );
    let missing = body(
        run(json!({ "params": {}, "customer_email": owner }))
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(missing["ok"], false);
    assert!(
        missing["error"].as_str().unwrap().contains("order_id"),
        "{missing}"
    );
    let unknown = body(
        run(json!({ "params": { "order_id": "Z9999" }, "customer_email": owner }))
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(unknown["ok"], false);

    let response = app
        .post("/api/v1/content/connectors/nope/test")
        .bearer_auth(&app.admin_token)
        .json(&json!({ "params": {} }))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::NOT_FOUND, "not_found").await;
    let response = run(json!({ "params": { "order_id": 5 } })).await.unwrap();
    error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let response = app
        .post(path)
        .bearer_auth(&agent.token)
        .json(&json!({ "params": { "order_id": "A1001" } }))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn canned_replies_are_replaced_and_suggested_with_articles() {
    let app = spawn_demo_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    app.customer_says(&ada, "Do gift cards expire, or can I get a refund on one?")
        .await;
    let suggestions_path = format!("/api/v1/conversations/{}/suggestions", ada.conversation_id);
    let agent = app.create_staff("agent@example.org", "agent").await;
    let response = app
        .get(&suggestions_path)
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    let s = body(response, StatusCode::OK).await;
    let articles = s["articles"].as_array().unwrap();
    assert!(!articles.is_empty() && articles.len() <= 3, "{s}");
    assert!(
        articles.iter().any(|a| a["slug"] == "gift-cards-store-credit"),
        "{s}"
    );
    assert!(articles[0]["snippet"].as_str().unwrap().len() > 10);
    assert!(articles[0]["score"].as_f64().unwrap() > 0.0);
    let replies = s["replies"].as_array().unwrap();
    assert!(!replies.is_empty() && replies.len() <= 3, "{s}");
    assert_eq!(replies[0]["title"], "Refund confirmed", "{s}");
    // Deterministic.
    let again = app
        .get(&suggestions_path)
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    assert_eq!(body(again, StatusCode::OK).await, s);

    let bob = app.start_conversation("Bob", "bob@example.org").await;
    app.customer_says(&bob, "qwxz vbnm").await;
    let response = app
        .get(&format!(
            "/api/v1/conversations/{}/suggestions",
            bob.conversation_id
        ))
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    assert_eq!(body(response, StatusCode::OK).await["articles"], json!([]));
    let response = app
        .get(&format!(
            "/api/v1/conversations/{}/suggestions",
            uuid::Uuid::now_v7()
        ))
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::NOT_FOUND, "not_found").await;

    let list = json!({ "canned_replies": [
        { "title": "Hello", "text": "Hello! How can I help?" },
        { "title": "Bye", "text": "Have a good day." },
    ]});
    let response = app
        .put("/api/v1/content/canned-replies")
        .bearer_auth(&agent.token)
        .json(&list)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::FORBIDDEN, "forbidden").await;
    let before = app.content().await;
    for (input, status, code) in [
        (
            json!({ "canned_replies": [{ "title": "A", "text": "x" }, { "title": "a", "text": "y" }] }),
            StatusCode::CONFLICT,
            "duplicate_canned_reply",
        ),
        (
            json!({ "canned_replies": [{ "title": "A", "text": " " }] }),
            StatusCode::BAD_REQUEST,
            "invalid_canned_reply",
        ),
        (
            json!({ "canned_replies": [{ "title": "A", "text": "Hi {{customer." }] }),
            StatusCode::BAD_REQUEST,
            "invalid_canned_reply",
        ),
        (
            json!({ "canned_replies": [{ "title": "A" }] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
    ] {
        let response = app
            .put("/api/v1/content/canned-replies")
            .bearer_auth(&app.admin_token)
            .json(&input)
            .send()
            .await
            .unwrap();
        error(response, status, code).await;
    }
    assert_eq!(app.content().await, before);
    let trainer = app.create_staff("trainer@example.org", "trainer").await;
    let response = app
        .put("/api/v1/content/canned-replies")
        .bearer_auth(&trainer.token)
        .json(&list)
        .send()
        .await
        .unwrap();
    assert_eq!(body(response, StatusCode::OK).await, list);
    let response = app
        .get("/api/v1/canned-replies")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    assert_eq!(body(response, StatusCode::OK).await, list);
}

/// A reply template that would stall the server (nested loops) is refused where it is saved:
/// one that loops without writing runs out of work, one that writes is stopped by its length.
#[tokio::test]
async fn a_template_that_does_too_much_work_is_refused_at_save_time() {
    let app = spawn_demo_app().await;
    for (body, why) in [
        (
            "{% for i in range(100000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}",
            "too much work",
        ),
        (
            "{% for i in range(100000) %}{% for j in range(1000) %}spam{% endfor %}{% endfor %}",
            "renders more than 8000 characters",
        ),
    ] {
        let response = app
            .put("/api/v1/content/templates/order_status")
            .bearer_auth(&app.admin_token)
            .json(&json!({ "body": body }))
            .send()
            .await
            .unwrap();
        let refused = error(response, StatusCode::BAD_REQUEST, "invalid_template").await;
        assert!(refused.to_string().contains(why), "{body}: {refused}");
    }
}

/// Issue 16, defect 9: a template may only use fields a reply has. A field the intent's connector
/// does not return (its SQL result columns), an unknown variable, a customer field or slot that
/// does not exist is refused with the field named; the template editor's hint lists the real
/// variables.
#[tokio::test]
async fn a_template_using_an_unknown_field_is_refused_with_the_field_named() {
    let app = spawn_demo_app().await;
    let before = app.content().await;
    for (name, template, field, names) in [
        (
            // `track_order` runs the connector `order_status`, whose statement has no such column.
            "track_order",
            "Your order {{ row.order_id }} is {{ row.colour_name }}.",
            "row.colour_name",
            "order_status",
        ),
        (
            "track_order",
            "Your order is {{ order.status }}.",
            "order.status",
            "row.COLUMN",
        ),
        (
            "track_order",
            "Hi {{ customer.first_name }}, order {{ row.order_id }}.",
            "customer.first_name",
            "customer.name",
        ),
        (
            "track_order",
            "Order {{ slots.parcel_id }}.",
            "slots.parcel_id",
            "order_id",
        ),
        (
            // `greeting` is rendered by an intent without a connector: there is no `row`.
            "greeting",
            "Hi {{ row.name }}!",
            "row.name",
            "runs no connector",
        ),
    ] {
        let response = app
            .put(&format!("/api/v1/content/templates/{name}"))
            .bearer_auth(&app.admin_token)
            .json(&json!({ "body": template }))
            .send()
            .await
            .unwrap();
        let refused = error(response, StatusCode::BAD_REQUEST, "invalid_template").await;
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(message.contains(&format!("`{field}`")), "{template}: {message}");
        assert!(message.contains(names), "{template}: {message}");
    }
    // Nothing was saved.
    assert_eq!(app.content().await["templates"], before["templates"]);

    // The real columns, slots, loops over `rows` and built-in functions are accepted.
    let fine = "{% for r in rows %}{{ r.item }}{% endfor %}{% for i in range(2) %}.{% endfor %} \
                {{ row.order_id }} {{ row.status }} {{ slots.order_id }} {{ customer.name }}";
    let response = app
        .put("/api/v1/content/templates/track_order")
        .bearer_auth(&app.admin_token)
        .json(&json!({ "body": fine }))
        .send()
        .await
        .unwrap();
    assert_eq!(body(response, StatusCode::OK).await["body"], fine);

    // The editor's hint names what a template can use, not a made-up `order.status`.
    let page = app
        .get("/app/admin/templates")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("order.status"), "{page}");
    for variable in [
        "row.COLUMN",
        "customer.name",
        "customer.email",
        "slots.NAME",
        "rows",
    ] {
        assert!(page.contains(variable), "the hint names {variable}");
    }
}
