//! The web UI over plain HTTP: pages and assets are served from the binary with the right types,
//! policies and caching; the widget's frame opens only with the inbox key and may be framed.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::*;

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn every_page_is_an_html_shell_with_a_strict_policy() {
    let app = spawn_app().await;
    for path in [
        "/app/login",
        "/app/inbox",
        "/app/insights",
        "/app/training",
        "/app/admin/intents",
        "/app/admin/articles",
        "/app/admin/templates",
        "/app/admin/connectors",
        "/app/admin/texts",
        "/app/admin/users",
        "/app/admin/teams",
        "/app/admin/widget",
    ] {
        let response = app.get(path).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            header(&response, "content-type").starts_with("text/html"),
            "{path}"
        );
        let csp = header(&response, "content-security-policy");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(header(&response, "x-frame-options"), "DENY", "{path}");
        let html = response.text().await.unwrap();
        assert!(html.starts_with("<!doctype html>"), "{path}");
        assert!(html.contains("<html lang=\"en\">"), "{path}");
        // Pages hold no data of their own: everything comes from the API with a token.
        assert!(!html.contains(ADMIN_EMAIL), "{path}");
    }
}

/// Issue 16, defect 9: an address under /app that is no page is an HTML "page not found" with the
/// app's navigation (not the API's JSON); under /api it stays JSON.
#[tokio::test]
async fn an_unknown_page_under_app_is_an_html_404_with_the_navigation() {
    let app = spawn_app().await;
    for path in [
        "/app/admin/nonsense",
        "/app/nonsense",
        "/app/inbox/extra",
        "/app/admin/users/7",
    ] {
        let response = app.get(path).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(
            header(&response, "content-type").starts_with("text/html"),
            "{path}: {}",
            header(&response, "content-type")
        );
        let csp = header(&response, "content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        let html = response.text().await.unwrap();
        assert!(html.starts_with("<!doctype html>"), "{path}");
        assert!(html.contains("Page not found"), "{path}");
        assert!(html.contains("href=\"/app/inbox\""), "the navigation: {path}");
        assert!(
            html.contains("href=\"/app/admin/intents\""),
            "the navigation: {path}"
        );
        assert!(!html.contains("\"error\""), "{path}");
    }
    // The pages themselves are still there, and the API's unknown routes stay JSON.
    let response = app.get("/app/admin/intents").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = app.get("/app").send().await.unwrap();
    assert!(response.status().is_success() || response.status().is_redirection());
    let response = app
        .get("/api/v1/nonsense")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn assets_are_embedded_typed_and_revalidated_by_etag() {
    let app = spawn_app().await;
    for (path, kind) in [
        ("/assets/js/inbox.js", "text/javascript"),
        ("/assets/css/app.css", "text/css"),
        ("/assets/icon.svg", "image/svg+xml"),
        ("/widget.js", "text/javascript"),
    ] {
        let response = app.get(path).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(header(&response, "content-type").starts_with(kind), "{path}");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        let etag = header(&response, "etag");
        assert!(etag.starts_with('"') && etag.len() > 4, "{path}: {etag:?}");
        let again = app.get(path).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
    }
    let missing = app.get("/assets/js/nope.js").send().await.unwrap();
    error(missing, StatusCode::NOT_FOUND, "not_found").await;
    let escape = app.get("/assets/../Cargo.toml").send().await.unwrap();
    assert_ne!(escape.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_widget_frame_opens_with_the_inbox_key_and_may_be_framed() {
    let app = spawn_app().await;
    let wrong = app.get("/widget/frame?key=other").send().await.unwrap();
    error(wrong, StatusCode::NOT_FOUND, "unknown_inbox").await;
    let missing = app.get("/widget/frame").send().await.unwrap();
    error(missing, StatusCode::NOT_FOUND, "unknown_inbox").await;

    let frame = app.get("/widget/frame?key=default").send().await.unwrap();
    assert_eq!(frame.status(), StatusCode::OK);
    let csp = header(&frame, "content-security-policy");
    assert!(csp.contains("frame-ancestors *"), "{csp}");
    // The frame's own policy decides who frames it; X-Frame-Options would forbid every site.
    assert_eq!(header(&frame, "x-frame-options"), "");
    let html = frame.text().await.unwrap();
    assert!(html.contains("Talk to a person"));

    // The loader may be fetched from any site.
    let loader = app.get("/widget.js").send().await.unwrap();
    assert_eq!(header(&loader, "access-control-allow-origin"), "*");
    // The demo shop page carries the one script tag with the key.
    let demo = app.get("/demo").send().await.unwrap().text().await.unwrap();
    assert!(demo.contains(r#"<script src="/widget.js" data-inbox="default" async></script>"#));
}

#[tokio::test]
async fn a_conversation_with_another_inbox_key_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let response = app
        .post("/api/v1/widget/conversations")
        .json(&json!({"name": "Ann", "email": "ann@example.org", "inbox_key": "someone-else"}))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::NOT_FOUND, "unknown_inbox").await;
    assert_eq!(list(&app, &app.admin_token, "").await["total"], 0);

    let response = app
        .post("/api/v1/widget/conversations")
        .json(&json!({"name": "Ann", "email": "ann@example.org", "inbox_key": "default"}))
        .send()
        .await
        .unwrap();
    body(response, StatusCode::CREATED).await;
}

#[tokio::test]
async fn the_inbox_can_list_open_cases_and_one_customers_conversations() {
    let app = spawn_app().await;
    let ann = app.start_conversation("Ann", "ann@example.org").await;
    let bob = app.start_conversation("Bob", "bob@example.org").await;
    app.customer_says(&ann, "hello").await;
    app.customer_says(&bob, "hello").await;
    let response = app
        .update(
            &app.admin_token,
            &ann.conversation_id,
            json!({"status": "queued"}),
        )
        .await;
    let ann_detail = body(response, StatusCode::OK).await;

    let open = list(&app, &app.admin_token, "?status=open").await;
    assert_eq!(ids(&open), vec![ann.conversation_id.clone()]);

    let customer = ann_detail["customer"]["id"].as_str().unwrap();
    let mine = list(&app, &app.admin_token, &format!("?customer={customer}")).await;
    assert_eq!(ids(&mine), vec![ann.conversation_id.clone()]);

    let bad = app
        .get("/api/v1/conversations?customer=not-an-id")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    error(bad, StatusCode::BAD_REQUEST, "invalid_customer").await;
}

#[tokio::test]
async fn me_says_whether_new_cases_are_routed_to_me() {
    let app = spawn_app().await;
    let agent = app.create_staff("avail@example.org", "agent").await;
    let me = |token: String| {
        let app = &app;
        async move {
            let response = app
                .get("/api/v1/auth/me")
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            body(response, StatusCode::OK).await
        }
    };
    let before = me(agent.token.clone()).await;
    assert_eq!(before["available"], true);
    assert_eq!(before["email"], "avail@example.org");
    let response = app
        .client
        .put(app.url("/api/v1/auth/me/availability"))
        .bearer_auth(&agent.token)
        .json(&json!({"available": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(me(agent.token.clone()).await["available"], false);
}
