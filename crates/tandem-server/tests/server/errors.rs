//! Bad requests: the right status, the one error shape, and nothing stored.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use tandem_engine::EngineConfig;
use tandem_server::ServerConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{
    assert_error_shape, body, error, spawn_app, spawn_app_with, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD,
};

fn small_limit() -> ServerConfig {
    ServerConfig {
        body_limit: 1024,
        ..ServerConfig::default()
    }
}

/// A JSON message body of exactly `len` bytes.
fn message_of_len(len: usize) -> String {
    let overhead = r#"{"text":""}"#.len();
    format!(r#"{{"text":"{}"}}"#, "x".repeat(len - overhead))
}

/// Posts a raw body to a customer's messages.
async fn post_raw(
    app: &TestApp,
    path: &str,
    token: &str,
    content_type: Option<&str>,
    raw: &str,
) -> reqwest::Response {
    let mut request = app.post(path).bearer_auth(token).body(raw.to_owned());
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn bad_message_bodies_get_clear_errors_and_store_nothing() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    app.customer_says(&ada, "the only message").await;
    let customer_path = format!("/api/v1/widget/conversations/{}/messages", ada.conversation_id);
    let staff_path = format!("/api/v1/conversations/{}/messages", ada.conversation_id);
    let too_long = json!({ "text": "x".repeat(20_001) }).to_string();

    let json_type = Some("application/json");
    let cases: Vec<(Option<&str>, &str, StatusCode, &str)> = vec![
        (
            json_type,
            r#"{"text": ""}"#,
            StatusCode::BAD_REQUEST,
            "empty_message",
        ),
        (
            json_type,
            r#"{"text": " \n\t "}"#,
            StatusCode::BAD_REQUEST,
            "empty_message",
        ),
        (json_type, &too_long, StatusCode::BAD_REQUEST, "message_too_long"),
        (json_type, "{not json", StatusCode::BAD_REQUEST, "malformed_json"),
        (json_type, "", StatusCode::BAD_REQUEST, "malformed_json"),
        (
            json_type,
            r#"{"text": 42}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            json_type,
            r#"{"text": ["a"]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (json_type, "{}", StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (json_type, "[]", StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
        (
            None,
            r#"{"text": "no content type"}"#,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            Some("text/plain"),
            r#"{"text": "as text"}"#,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
    ];
    for (content_type, raw, status, code) in &cases {
        for (path, token) in [(&customer_path, &ada.token), (&staff_path, &app.admin_token)] {
            let response = post_raw(&app, path, token, *content_type, raw).await;
            let shown: String = raw.chars().take(40).collect();
            assert_eq!(response.status(), *status, "{path} {content_type:?} {shown}");
            error(response, *status, code).await;
        }
    }
    // A staff message with `internal` of the wrong type.
    let response = post_raw(
        &app,
        &staff_path,
        &app.admin_token,
        json_type,
        r#"{"text":"hi","internal":"yes"}"#,
    )
    .await;
    error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;

    // Nothing was stored, nothing changed hands.
    let id: tandem_core::ids::ConversationId = ada.conversation_id.parse().unwrap();
    let stored = app.engine.store().list_messages(id, true).await.unwrap();
    assert_eq!(stored.len(), 1, "{stored:?}");
    let messages = app.customer_messages(&ada).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let detail = app.detail(&ada.conversation_id).await;
    assert_eq!(detail["messages"].as_array().unwrap().len(), 1);
    assert_eq!(detail["message_count"], 1);
    assert_eq!(
        (detail["status"].clone(), detail["assignee_id"].clone()),
        (json!("bot"), Value::Null)
    );
    let kinds: Vec<_> = app
        .events(&ada.conversation_id)
        .await
        .iter()
        .map(|e| e["kind"].clone())
        .collect();
    assert_eq!(kinds, [json!("conversation_created"), json!("message_created")]);
}

#[tokio::test]
async fn a_body_over_the_limit_by_content_length_is_413_and_stores_nothing() {
    let app = spawn_app_with(small_limit(), EngineConfig::default()).await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let path = format!("/api/v1/widget/conversations/{}/messages", ada.conversation_id);

    let response = post_raw(
        &app,
        &path,
        &ada.token,
        Some("application/json"),
        &message_of_len(1024),
    )
    .await;
    body(response, StatusCode::CREATED).await;
    let response = post_raw(
        &app,
        &path,
        &ada.token,
        Some("application/json"),
        &message_of_len(2048),
    )
    .await;
    assert_eq!(
        response
            .headers()
            .get("x-content-type-options")
            .map(|v| v.as_bytes()),
        Some(&b"nosniff"[..])
    );
    error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    // Refused whatever the route, even without a valid token or content type.
    let response = post_raw(&app, &path, "garbage", None, &message_of_len(4096)).await;
    error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    let response = app
        .post("/api/v1/auth/login")
        .json(&json!({ "email": ADMIN_EMAIL, "password": "p".repeat(2000) }))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    assert_eq!(app.customer_messages(&ada).await.len(), 1);
}

/// Sends a chunked request (no Content-Length) over a raw connection and returns the status and
/// the JSON body of the response.
async fn chunked_post(app: &TestApp, path: &str, token: &str, payload: &[u8], chunk: usize) -> (u16, Value) {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        app.addr
    )
    .into_bytes();
    for piece in payload.chunks(chunk) {
        request.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        request.extend_from_slice(piece);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    // The server may answer before it has read everything; a failed write is not the verdict.
    let _ = stream.write_all(&request).await;
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .expect("no response to the chunked request")
        .expect("reading the response");
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text}"));
    let (start, end) = (text.find('{'), text.rfind('}'));
    let json = match (start, end) {
        (Some(s), Some(e)) => {
            serde_json::from_str(&text[s..=e]).unwrap_or_else(|err| panic!("{err}: {text}"))
        }
        _ => panic!("no JSON body in: {text}"),
    };
    (status, json)
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_413_and_stores_nothing() {
    let app = spawn_app_with(small_limit(), EngineConfig::default()).await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let path = format!("/api/v1/widget/conversations/{}/messages", ada.conversation_id);

    // Under the limit, chunked is fine.
    let (status, stored) = chunked_post(&app, &path, &ada.token, message_of_len(600).as_bytes(), 100).await;
    assert_eq!(status, 201, "{stored}");
    let (status, refused) = chunked_post(&app, &path, &ada.token, message_of_len(4000).as_bytes(), 500).await;
    assert_eq!(status, 413, "{refused}");
    assert_error_shape(&refused);
    assert_eq!(refused["error"]["code"], "payload_too_large");

    let messages = app.customer_messages(&ada).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["id"], stored["id"]);
}

#[tokio::test]
async fn unknown_routes_and_malformed_ids_are_404() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    for path in ["/api/v1/nope", "/api/v1/conversations/x/y/z", "/api/v1/users/1/2"] {
        let response = app.get(path).bearer_auth(&app.admin_token).send().await.unwrap();
        error(response, StatusCode::NOT_FOUND, "not_found").await;
    }
    let response = app.post("/api/v1/nope").json(&json!({})).send().await.unwrap();
    error(response, StatusCode::NOT_FOUND, "not_found").await;

    for path in [
        "/api/v1/conversations/not-a-uuid",
        "/api/v1/conversations/123/events",
    ] {
        let response = app.get(path).bearer_auth(&app.admin_token).send().await.unwrap();
        error(response, StatusCode::NOT_FOUND, "not_found").await;
    }
    let response = app
        .patch("/api/v1/conversations/xyz")
        .bearer_auth(&app.admin_token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::NOT_FOUND, "not_found").await;
    let response = app
        .get("/api/v1/widget/conversations/not-a-uuid/messages")
        .bearer_auth(&ada.token)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn repeated_failed_logins_are_429_with_retry_after() {
    let config = EngineConfig {
        login_max_failures: 3,
        ..EngineConfig::default()
    };
    let app = spawn_app_with(ServerConfig::default(), config).await;
    for _ in 0..3 {
        error(
            app.login(ADMIN_EMAIL, "wrong password").await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        )
        .await;
    }
    let response = app.login(ADMIN_EMAIL, "wrong password").await;
    let retry_after = response
        .headers()
        .get("retry-after")
        .expect("a Retry-After header")
        .to_str()
        .unwrap()
        .to_owned();
    let value = error(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let secs: u64 = retry_after
        .parse()
        .unwrap_or_else(|_| panic!("Retry-After is not a number: {retry_after:?}"));
    assert!(
        (1..=600).contains(&secs),
        "Retry-After {secs} is outside the window"
    );
    assert!(
        value["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&secs.to_string()),
        "{value}"
    );

    // Blocked even with the right password; another account from the same address (an office)
    // still gets its own tries, until the address has used up five times the per-account limit.
    error(
        app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    )
    .await;
    for i in 0..12 {
        error(
            app.login(&format!("other{i}@example.org"), "whatever 123").await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        )
        .await;
    }
    error(
        app.login("last@example.org", "whatever 123").await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    )
    .await;
    // Sessions opened before keep working.
    assert_eq!(
        app.get("/api/v1/auth/me")
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_api_root_gets_the_error_shape() {
    let app = spawn_app().await;
    for path in ["/api/v1/", "/api/v1"] {
        let response = app.get(path).send().await.unwrap();
        error(response, StatusCode::NOT_FOUND, "not_found").await;
    }
}

#[tokio::test]
async fn a_wrong_method_gets_the_error_shape() {
    let app = spawn_app().await;
    let response = app
        .client
        .delete(app.url("/api/v1/conversations"))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}

#[tokio::test]
async fn a_malformed_query_string_gets_the_error_shape() {
    let app = spawn_app().await;
    for query in ["?page=abc", "?per_page=-x"] {
        let response = app
            .get(&format!("/api/v1/conversations{query}"))
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        let text = response.text().await.unwrap();
        let value: Value =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("{query}: not JSON: {text}"));
        assert_error_shape(&value);
    }
}

#[tokio::test]
async fn a_live_route_without_websocket_upgrade_gets_the_error_shape() {
    let app = spawn_app().await;
    let response = app
        .get("/api/v1/live")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert!(status.is_client_error(), "{status}");
    let text = response.text().await.unwrap();
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: not JSON: {text:?}"));
    assert_error_shape(&value);
}

/// A control character (a NUL byte included) or an overlong search is refused before any
/// database sees it, so both backends answer the same 400.
#[tokio::test]
async fn a_search_with_control_characters_or_too_long_is_400() {
    let app = crate::support::spawn_app().await;
    let long = "a".repeat(201);
    for q in ["%00abc", "ab%07c", long.as_str()] {
        let response = app
            .get(&format!("/api/v1/conversations?q={q}"))
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap();
        crate::support::error(response, reqwest::StatusCode::BAD_REQUEST, "invalid_query").await;
    }
    let fine = app
        .get("/api/v1/conversations?q=%20%20")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(fine.status(), reqwest::StatusCode::OK);
}

/// One change adds at most 50 tags: 10,000 are refused and nothing is stored.
#[tokio::test]
async fn a_change_with_thousands_of_tags_is_refused() {
    let app = crate::support::spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let tags: Vec<String> = (0..10_000).map(|i| format!("t{i}")).collect();
    let response = app
        .update(
            &app.admin_token,
            &ada.conversation_id,
            json!({ "add_tags": tags }),
        )
        .await;
    error(response, StatusCode::BAD_REQUEST, "invalid_tag").await;
    assert_eq!(app.detail(&ada.conversation_id).await["tags"], json!([]));
    let fifty: Vec<String> = (0..50).map(|i| format!("t{i}")).collect();
    let response = app
        .update(
            &app.admin_token,
            &ada.conversation_id,
            json!({ "add_tags": fifty }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// Every body is a JSON object: an array that serde would read as a struct is 422.
#[tokio::test]
async fn a_json_array_body_is_422() {
    let app = crate::support::spawn_app().await;
    let response = app
        .post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(format!(r#"["{ADMIN_EMAIL}", "{ADMIN_PASSWORD}"]"#))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    let typed = app
        .post("/api/v1/auth/login")
        .header("content-type", "application/json; charset=utf-8")
        .body(format!(
            r#" {{"email": "{ADMIN_EMAIL}", "password": "{ADMIN_PASSWORD}"}}"#
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(typed.status(), StatusCode::OK);
}
