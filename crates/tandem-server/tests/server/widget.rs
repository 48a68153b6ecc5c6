//! The customer side: start a conversation, write, read, and see only what is theirs.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{body, error, spawn_app};

#[tokio::test]
async fn starting_a_conversation_returns_201_with_its_id_token_and_status() {
    let app = spawn_app().await;
    let response = app
        .post("/api/v1/widget/conversations")
        .json(&json!({ "name": "Ada Example", "email": " Ada@Example.org " }))
        .send()
        .await
        .unwrap();
    let started = body(response, StatusCode::CREATED).await;
    let id = started["conversation_id"].as_str().expect("conversation_id");
    assert!(id.parse::<uuid::Uuid>().is_ok(), "not a UUID: {id}");
    assert!(started["customer_token"]
        .as_str()
        .is_some_and(|t| t.starts_with("tdc_") && t.len() > 40));
    assert_eq!(started["status"], "bot");

    // Staff see it with the normalised customer.
    let detail = app.detail(id).await;
    assert_eq!(detail["customer"]["name"], "Ada Example");
    assert_eq!(detail["customer"]["email"], "ada@example.org");
    assert_eq!(detail["status"], "bot");
    assert_eq!(detail["messages"], json!([]));

    // The customer sees its status.
    let shown = app
        .get(&format!("/api/v1/widget/conversations/{id}"))
        .bearer_auth(started["customer_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        body(shown, StatusCode::OK).await,
        json!({ "id": id, "status": "bot" })
    );
}

#[tokio::test]
async fn starting_a_conversation_with_a_bad_email_or_name_is_400() {
    let app = spawn_app().await;
    for (name, email, code) in [
        ("Ada", "not-an-email", "invalid_email"),
        ("   ", "ada@example.org", "invalid_name"),
    ] {
        let response = app
            .post("/api/v1/widget/conversations")
            .json(&json!({ "name": name, "email": email }))
            .send()
            .await
            .unwrap();
        error(response, StatusCode::BAD_REQUEST, code).await;
    }
}

#[tokio::test]
async fn a_customer_posts_messages_and_reads_them_back_in_order() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let first = app.customer_says(&ada, "  Hello, my parcel is late.  ").await;
    assert_eq!(first["author"], "customer");
    assert_eq!(first["text"], "Hello, my parcel is late.", "the text is trimmed");
    assert_eq!(first["internal"], false);
    assert_eq!(first["conversation_id"], ada.conversation_id.as_str());
    assert!(first["author_user_id"].is_null());
    let second = app.customer_says(&ada, "Order 1234.").await;

    let messages = app.customer_messages(&ada).await;
    let texts: Vec<_> = messages.iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Hello, my parcel is late.", "Order 1234."]);
    assert_eq!(messages[0]["id"], first["id"]);
    assert_eq!(messages[1]["id"], second["id"]);
    assert_eq!(app.detail(&ada.conversation_id).await["message_count"], 2);
}

#[tokio::test]
async fn a_customer_token_opens_only_its_own_conversation() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let eve = app.start_conversation("Eve", "eve@example.org").await;
    app.customer_says(&ada, "private to Ada").await;
    let ada_conv = &ada.conversation_id;

    // Eve's token on Ada's conversation: refused on every customer route.
    for path in [
        format!("/api/v1/widget/conversations/{ada_conv}"),
        format!("/api/v1/widget/conversations/{ada_conv}/messages"),
    ] {
        let response = app.get(&path).bearer_auth(&eve.token).send().await.unwrap();
        let status = response.status();
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
            "{path}: {status}"
        );
        let value: serde_json::Value = response.json().await.unwrap();
        assert!(!value.to_string().contains("private to Ada"), "leaked: {value}");
        crate::support::assert_error_shape(&value);
    }
    let write = app
        .post(&format!("/api/v1/widget/conversations/{ada_conv}/messages"))
        .bearer_auth(&eve.token)
        .json(&json!({ "text": "Eve writes into Ada's conversation" }))
        .send()
        .await
        .unwrap();
    error(write, StatusCode::FORBIDDEN, "forbidden").await;

    // A garbage token, a well-formed customer token that opens nothing and no token at all: 401.
    // Whether a token opens some other conversation is told by the token alone, so nothing leaks
    // about the conversation asked for.
    let messages_path = format!("/api/v1/widget/conversations/{ada_conv}/messages");
    let response = app
        .get(&messages_path)
        .bearer_auth("garbage")
        .send()
        .await
        .unwrap();
    error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let response = app.get(&messages_path).send().await.unwrap();
    error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let response = app
        .get(&messages_path)
        .bearer_auth("tdc_garbage")
        .send()
        .await
        .unwrap();
    error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    // An unknown conversation answers like someone else's.
    let unknown = format!("/api/v1/widget/conversations/{}/messages", uuid::Uuid::now_v7());
    let response = app.get(&unknown).bearer_auth(&ada.token).send().await.unwrap();
    error(response, StatusCode::FORBIDDEN, "forbidden").await;
    // A staff token is not a customer token.
    let response = app
        .get(&format!("/api/v1/widget/conversations/{ada_conv}/messages"))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    // And a customer token does not open the agent side.
    let response = app
        .get("/api/v1/conversations")
        .bearer_auth(&ada.token)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;

    // Nothing was written by the refused request.
    let texts: Vec<_> = app
        .customer_messages(&ada)
        .await
        .iter()
        .map(|m| m["text"].clone())
        .collect();
    assert_eq!(texts, [json!("private to Ada")]);
    assert!(app.customer_messages(&eve).await.is_empty());
}

#[tokio::test]
async fn customers_never_see_internal_notes() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    app.customer_says(&ada, "Where is my refund?").await;
    app.staff_says(
        &app.admin_token,
        &ada.conversation_id,
        "NOTE: customer is on the fraud watchlist",
        true,
    )
    .await;
    app.staff_says(
        &app.admin_token,
        &ada.conversation_id,
        "Your refund is on its way.",
        false,
    )
    .await;

    let seen = app.customer_messages(&ada).await;
    let texts: Vec<_> = seen.iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Where is my refund?", "Your refund is on its way."]);
    assert!(seen.iter().all(|m| m["internal"] == false));

    // Staff see the note, in its place.
    let detail = app.detail(&ada.conversation_id).await;
    let staff_texts: Vec<_> = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        staff_texts,
        [
            "Where is my refund?",
            "NOTE: customer is on the fraud watchlist",
            "Your refund is on its way."
        ]
    );
    assert_eq!(detail["messages"][1]["internal"], true);
    // The inbox preview is what the customer last said (neither the note nor the reply).
    assert_eq!(detail["preview"], "Where is my refund?");

    // The customer's status view does not carry anything else.
    let shown = app
        .get(&format!("/api/v1/widget/conversations/{}", ada.conversation_id))
        .bearer_auth(&ada.token)
        .send()
        .await
        .unwrap();
    let shown = body(shown, StatusCode::OK).await;
    assert!(!shown.to_string().contains("watchlist"));
}

#[tokio::test]
async fn a_customer_message_reopens_a_resolved_conversation() {
    let app = spawn_app().await;
    let held = app.start_conversation("Ada", "ada@example.org").await;
    let unheld = app.start_conversation("Bob", "bob@example.org").await;
    app.staff_says(&app.admin_token, &held.conversation_id, "Hi Ada", false)
        .await;
    for conversation in [&held, &unheld] {
        let response = app
            .update(
                &app.admin_token,
                &conversation.conversation_id,
                json!({ "status": "resolved" }),
            )
            .await;
        assert_eq!(body(response, StatusCode::OK).await["status"], "resolved");
    }

    app.customer_says(&held, "One more thing").await;
    app.customer_says(&unheld, "Hello again").await;

    let held_now = app.detail(&held.conversation_id).await;
    assert_eq!(held_now["status"], "assigned", "back to the agent who held it");
    assert_eq!(held_now["assignee_id"], app.admin_id.as_str());
    assert_eq!(
        app.detail(&unheld.conversation_id).await["status"],
        "queued",
        "nobody held it: back to the queue"
    );
}

#[tokio::test]
async fn card_numbers_and_ibans_are_masked_before_they_are_stored_and_the_customer_is_told_why() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let full = [
        "4111 1111 1111 1111",
        "4111111111111111",
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
    ];
    let posted = app
        .customer_says(
            &ada,
            "my card is 4111 1111 1111 1111 and IBAN DE89 3704 0044 0532 0130 00",
        )
        .await;
    assert_eq!(
        posted["text"], "my card is [CARD ••••1111] and IBAN [IBAN ••••3000]",
        "the answer to the customer's POST is the stored, masked text"
    );
    let seen = app.customer_messages(&ada).await;
    let texts: Vec<&str> = seen.iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(texts[0], posted["text"]);
    assert!(
        seen.iter()
            .any(|m| m["author"] == "system" && m["text"].as_str().unwrap().contains("payment details")),
        "the customer is told why: {texts:?}"
    );
    let staff_view = app.detail(&ada.conversation_id).await;
    let events = app.events(&ada.conversation_id).await;
    for shown in [json!(seen), staff_view, json!(events)] {
        let shown = shown.to_string();
        assert!(
            full.iter().all(|n| !shown.contains(n)),
            "a full number in {shown}"
        );
    }
    // Staff replies are masked the same way.
    let reply = app
        .staff_says(
            &app.admin_token,
            &ada.conversation_id,
            "Is it 4111-1111-1111-1111?",
            false,
        )
        .await;
    assert_eq!(reply["text"], "Is it [CARD ••••1111]?");
}

#[tokio::test]
async fn the_privacy_notice_is_public_and_gives_the_retention_period() {
    let config = tandem_engine::EngineConfig {
        retention_days: 400,
        ..tandem_engine::EngineConfig::default()
    };
    let app = crate::support::spawn_app_with(tandem_server::ServerConfig::default(), config).await;
    let response = app.get("/api/v1/widget/privacy").send().await.unwrap();
    let notice = body(response, StatusCode::OK).await;
    assert_eq!(notice["retention_days"], 400);
    let text = notice["text"].as_str().unwrap();
    assert!(text.contains("400 days") && text.len() >= 40, "{text}");
    assert!(
        notice["bot_disclosure"].as_str().unwrap().contains("bot"),
        "{notice}"
    );
}

/// Customers see that "the support team" replied, never which staff member (no user id).
#[tokio::test]
async fn customers_never_see_which_staff_member_wrote() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    app.customer_says(&ada, "hello").await;
    app.staff_says(&app.admin_token, &ada.conversation_id, "Hi Ada", false)
        .await;
    let messages = app.customer_messages(&ada).await;
    let reply = messages
        .iter()
        .find(|m| m["author"] == "agent")
        .expect("the reply");
    assert!(reply.get("author_user_id").is_none(), "{reply}");
    let staff_view = app.detail(&ada.conversation_id).await;
    assert!(
        staff_view["messages"][1]["author_user_id"].is_string(),
        "staff still see who wrote"
    );
}

/// One client cannot flood the bot: past the limits, starting and posting are 429 with
/// Retry-After, and what was refused is not stored.
#[tokio::test]
async fn the_widget_is_rate_limited_per_client_and_per_conversation() {
    let limits = tandem_engine::conversations::WidgetLimits {
        starts_per_client: 3,
        messages_per_conversation: 4,
        messages_per_client: 6,
        ..tandem_engine::conversations::WidgetLimits::default()
    };
    let app = crate::support::spawn_app_with(
        tandem_server::ServerConfig::default(),
        tandem_engine::EngineConfig {
            widget_limits: limits,
            ..tandem_engine::EngineConfig::default()
        },
    )
    .await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let bob = app.start_conversation("Bob", "bob@example.org").await;
    app.start_conversation("Cy", "cy@example.org").await;
    let refused = app
        .post("/api/v1/widget/conversations")
        .json(&json!({ "name": "Dee", "email": "dee@example.org" }))
        .send()
        .await
        .unwrap();
    assert!(refused.headers().get("retry-after").is_some());
    error(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;

    let post = |who: &crate::support::Customer, text: &str| {
        app.post(&format!(
            "/api/v1/widget/conversations/{}/messages",
            who.conversation_id
        ))
        .bearer_auth(&who.token)
        .json(&json!({ "text": text }))
        .send()
    };
    for i in 0..4 {
        assert_eq!(
            post(&ada, &format!("ada {i}")).await.unwrap().status(),
            StatusCode::CREATED
        );
    }
    let fifth = post(&ada, "ada 4").await.unwrap();
    error(fifth, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert_eq!(
        app.customer_messages(&ada).await.len(),
        4,
        "the refused message is not stored"
    );
    // The client's own limit (6 a minute) covers all its conversations.
    for i in 0..2 {
        assert_eq!(
            post(&bob, &format!("bob {i}")).await.unwrap().status(),
            StatusCode::CREATED
        );
    }
    error(
        post(&bob, "bob 2").await.unwrap(),
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    )
    .await;
}

/// Behind a trusted reverse proxy, each client is counted on its own (from X-Forwarded-For);
/// from anyone else the header is ignored, so a client cannot dodge its limit with it.
#[tokio::test]
async fn a_trusted_proxy_names_the_client_and_nobody_else_can() {
    let limits = tandem_engine::conversations::WidgetLimits {
        starts_per_client: 1,
        ..tandem_engine::conversations::WidgetLimits::default()
    };
    let start = |app: &crate::support::TestApp, forwarded: &'static str| {
        app.post("/api/v1/widget/conversations")
            .header("x-forwarded-for", forwarded)
            .json(&json!({ "name": "Ada", "email": "ada@example.org" }))
            .send()
    };
    let engine = tandem_engine::EngineConfig {
        widget_limits: limits,
        ..tandem_engine::EngineConfig::default()
    };
    let untrusted =
        crate::support::spawn_app_with(tandem_server::ServerConfig::default(), engine.clone()).await;
    assert_eq!(
        start(&untrusted, "198.51.100.1").await.unwrap().status(),
        StatusCode::CREATED
    );
    assert_eq!(
        start(&untrusted, "198.51.100.2").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let proxied = crate::support::spawn_app_with(
        tandem_server::ServerConfig {
            trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
            ..tandem_server::ServerConfig::default()
        },
        engine,
    )
    .await;
    assert_eq!(
        start(&proxied, "198.51.100.1").await.unwrap().status(),
        StatusCode::CREATED
    );
    assert_eq!(
        start(&proxied, "198.51.100.2").await.unwrap().status(),
        StatusCode::CREATED
    );
    assert_eq!(
        start(&proxied, "198.51.100.1").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// A customer token can be ended by the customer ("forget this chat") and revoked by staff; a
/// revoked token opens nothing and its live socket closes.
#[tokio::test]
async fn customer_tokens_are_ended_by_the_customer_and_revoked_by_staff() {
    let app = spawn_app().await;
    let ann = app.start_conversation("Ann", "ann@example.org").await;
    let path = format!("/api/v1/widget/conversations/{}/token", ann.conversation_id);
    let anonymous = app.delete(&path).send().await.unwrap();
    error(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let ended = app.delete(&path).bearer_auth(&ann.token).send().await.unwrap();
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    let messages = format!("/api/v1/widget/conversations/{}/messages", ann.conversation_id);
    let refused = app.get(&messages).bearer_auth(&ann.token).send().await.unwrap();
    error(refused, StatusCode::UNAUTHORIZED, "unauthenticated").await;

    let bo = app.start_conversation("Bo", "bo@example.org").await;
    app.customer_says(&bo, "hello").await;
    let mut socket = crate::support::connect_ws(&app.ws_url(&format!(
        "/api/v1/widget/conversations/{}/live?token={}",
        bo.conversation_id, bo.token
    )))
    .await;
    crate::support::sync_ws(&mut socket).await;
    let revoke = format!("/api/v1/conversations/{}/customer-token", bo.conversation_id);
    let customer_cannot = app.delete(&revoke).bearer_auth(&bo.token).send().await.unwrap();
    error(customer_cannot, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let revoked = app
        .delete(&revoke)
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    assert!(
        crate::support::expect_closed(&mut socket).await,
        "the revoked token's socket is closed"
    );
    let refused = app
        .get(&format!("/api/v1/widget/conversations/{}", bo.conversation_id))
        .bearer_auth(&bo.token)
        .send()
        .await
        .unwrap();
    error(refused, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let detail = app.detail(&bo.conversation_id).await;
    assert_eq!(
        detail["messages"][0]["text"], "hello",
        "the conversation stays for staff"
    );
    let missing = app
        .delete("/api/v1/conversations/00000000-0000-0000-0000-000000000000/customer-token")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
