//! The OpenAPI document and explorer, health checks, metrics and security headers.

use std::collections::BTreeSet;

use reqwest::StatusCode;

use crate::support::{body, spawn_app};

const ROUTES_SOURCE: &str = include_str!("../../src/routes/mod.rs");
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every (method, path) of the `/api/v1` router, read from routes/mod.rs so that a route added
/// there without documentation fails this test.
fn api_routes() -> BTreeSet<(String, String)> {
    let start = ROUTES_SOURCE
        .find("Router::new()")
        .expect("the router in routes/mod.rs");
    let end = start
        + ROUTES_SOURCE[start..]
            .find(".fallback(")
            .expect("the end of the api router");
    let mut routes = BTreeSet::new();
    for piece in ROUTES_SOURCE[start..end].split(".route(").skip(1) {
        let path = piece.split('"').nth(1).expect("a quoted path");
        let Some(path) = path.strip_prefix("/api/v1") else {
            continue;
        };
        let handlers = &piece[piece.find(',').expect("handlers after the path")..];
        let mut found = false;
        for method in METHODS {
            let needle = format!("{method}(");
            let mut from = 0;
            while let Some(at) = handlers[from..].find(&needle) {
                let at = from + at;
                let before = handlers[..at].chars().next_back();
                if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    routes.insert((method.to_owned(), format!("/api/v1{path}")));
                    found = true;
                }
                from = at + needle.len();
            }
        }
        assert!(found, "no method found for {path} in: {piece}");
    }
    routes
}

#[tokio::test]
async fn the_openapi_document_is_3x_and_lists_every_api_route() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/openapi.json").send().await.unwrap();
    let doc = body(response, StatusCode::OK).await;
    let version = doc["openapi"].as_str().expect("an openapi version");
    assert!(version.starts_with("3."), "{version}");
    assert_eq!(doc["info"]["title"], "Tandem API");

    let routes = api_routes();
    assert!(routes.len() >= 19, "the route parser found only {routes:?}");
    let paths = doc["paths"].as_object().expect("paths");
    let documented: BTreeSet<(String, String)> = paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(move |m| ((*m).to_owned(), path.clone()))
        })
        .collect();
    let undocumented: Vec<_> = routes.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the OpenAPI document: {undocumented:?}"
    );
    let phantom: Vec<_> = documented.difference(&routes).collect();
    assert!(
        phantom.is_empty(),
        "documented operations the router does not serve: {phantom:?}"
    );

    // The bearer schemes the operations refer to exist, and the error shape is described.
    let schemes = doc["components"]["securitySchemes"]
        .as_object()
        .expect("security schemes");
    for name in ["staff_token", "customer_token"] {
        assert_eq!(
            schemes[name]["scheme"].as_str().map(str::to_lowercase).as_deref(),
            Some("bearer"),
            "{name}"
        );
    }
    assert!(doc["components"]["schemas"].get("ErrorBody").is_some());
    // Every error code, once, as the enum of the error's `code`.
    let listed: BTreeSet<&str> = doc["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .expect("the error codes")
        .iter()
        .map(|c| c.as_str().expect("a code"))
        .collect();
    let all: BTreeSet<&str> = tandem_core::ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(listed, all);
    let login = &doc["paths"]["/api/v1/auth/login"]["post"];
    assert!(login["responses"].get("429").is_some(), "{login}");
}

#[tokio::test]
async fn the_api_explorer_is_served_with_local_assets() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/docs/").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    let html = response.text().await.unwrap();
    assert!(html.to_lowercase().contains("swagger"), "{html}");
    assert!(
        !html.contains("<script>"),
        "an inline script would be blocked by the policy"
    );

    let mut assets = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for piece in html.split(attribute).skip(1) {
            assets.push(piece.split('"').next().unwrap().to_owned());
        }
    }
    assert!(!assets.is_empty(), "the explorer page loads no assets: {html}");
    for asset in &assets {
        assert!(
            !asset.contains("//"),
            "the explorer loads {asset} from elsewhere; it must work offline"
        );
        let path = format!("/api/v1/docs/{}", asset.trim_start_matches("./"));
        let fetched = app.get(&path).send().await.unwrap();
        assert_eq!(fetched.status(), StatusCode::OK, "{path}");
        let text = fetched.text().await.unwrap();
        assert!(!text.is_empty(), "{path} is empty");
    }
    // The explorer is pointed at our own document.
    let init = app
        .get("/api/v1/docs/swagger-initializer.js")
        .send()
        .await
        .unwrap();
    let init = init.text().await.unwrap();
    assert!(init.contains("/api/v1/openapi.json"), "{init}");
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let health = body(app.get("/healthz").send().await.unwrap(), StatusCode::OK).await;
    assert_eq!(health, serde_json::json!({ "status": "ok" }));
    let ready = body(app.get("/readyz").send().await.unwrap(), StatusCode::OK).await;
    assert_eq!(ready, serde_json::json!({ "status": "ready" }));
}

/// The sample value of `tandem_http_requests_total` for this route and status, if any.
fn requests_total(metrics: &str, route: &str, status: u16) -> Option<f64> {
    metrics
        .lines()
        .filter(|l| l.starts_with("tandem_http_requests_total{"))
        .filter(|l| l.contains(&format!("route=\"{route}\"")) && l.contains(&format!("status=\"{status}\"")))
        // One series per method: add them up.
        .filter_map(|l| l.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()))
        .reduce(|a, b| a + b)
}

#[tokio::test]
async fn metrics_are_prometheus_text_and_count_requests() {
    let app = spawn_app().await;
    let first = app.get("/metrics").send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let content_type = first.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let before =
        requests_total(&first.text().await.unwrap(), "/api/v1/conversations/{id}", 404).unwrap_or(0.0);

    let unknown = uuid::Uuid::now_v7();
    for _ in 0..3 {
        let response = app
            .get(&format!("/api/v1/conversations/{unknown}"))
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    let text = app.get("/metrics").send().await.unwrap().text().await.unwrap();
    assert!(
        text.contains("# TYPE tandem_http_requests_total counter"),
        "{text}"
    );
    assert!(text.contains("tandem_http_request_duration_seconds"), "{text}");
    let after =
        requests_total(&text, "/api/v1/conversations/{id}", 404).expect("a sample for the route template");
    // Other tests share the process-wide recorder, so count at least our three.
    assert!(after - before >= 3.0, "before {before}, after {after}");
    assert!(
        !text.contains(&unknown.to_string()),
        "ids must not become metric labels"
    );
}

const FIRST_SCRAPE_PROBE: &str = "TANDEM_TEST_FIRST_SCRAPE_PROBE";

#[tokio::test]
async fn metrics_count_requests_made_before_the_first_scrape() {
    // Needs a process in which nothing has scraped /metrics yet: run this very test again alone.
    if std::env::var_os(FIRST_SCRAPE_PROBE).is_none() {
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "openapi::metrics_count_requests_made_before_the_first_scrape",
                "--nocapture",
            ])
            .env(FIRST_SCRAPE_PROBE, "1")
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
        assert!(
            stdout.contains("1 passed"),
            "the probe in a fresh process failed or did not run:\n{stdout}\n{stderr}"
        );
        return;
    }
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").send().await.unwrap().status(), StatusCode::OK);
    let text = app.get("/metrics").send().await.unwrap().text().await.unwrap();
    assert!(
        requests_total(&text, "/healthz", 200).is_some(),
        "the request before the first scrape is missing:\n{text}"
    );
    assert!(
        requests_total(&text, "/api/v1/auth/login", 200).is_some(),
        "spawn_app's login is missing:\n{text}"
    );
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let requests = [
        app.get("/healthz"),
        app.get("/api/v1/openapi.json"),
        app.get("/api/v1/docs/"),
        app.get("/api/v1/nope"),
        app.get("/api/v1/conversations"),
        app.get(&format!(
            "/api/v1/widget/conversations/{}/messages",
            ada.conversation_id
        ))
        .bearer_auth(&ada.token),
    ];
    for request in requests {
        let response = request.send().await.unwrap();
        let url = response.url().clone();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(
            header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{url}"
        );
        assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{url}");
        assert_eq!(header("referrer-policy").as_deref(), Some("no-referrer"), "{url}");
    }
}

#[tokio::test]
async fn the_root_leads_to_the_agent_inbox() {
    let app = spawn_app().await;
    let response = app.get("/").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.url().path(), "/app/inbox");
    let csp = response
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_default();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
}

#[tokio::test]
async fn api_answers_are_never_cached() {
    let app = spawn_app().await;
    let response = app
        .get("/api/v1/conversations")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["cache-control"], "no-store");
    let missing = app.get("/api/v1/nothing-here").send().await.unwrap();
    assert_eq!(missing.headers()["cache-control"], "no-store");
}

/// `/metrics` is served to whom the `metrics` setting allows: off is 404, a token setting needs
/// the token (the default, loopback, lets this test's own client in).
#[tokio::test]
async fn metrics_access_follows_the_setting() {
    use tandem_server::{MetricsAccess, ServerConfig};
    let off = crate::support::spawn_app_with(
        ServerConfig {
            metrics: MetricsAccess::Off,
            ..ServerConfig::default()
        },
        tandem_engine::EngineConfig::default(),
    )
    .await;
    crate::support::error(
        off.get("/metrics").send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let token = crate::support::spawn_app_with(
        ServerConfig {
            metrics: MetricsAccess::Token(tandem_engine::Secret::new("scrape-token-0123456789")),
            ..ServerConfig::default()
        },
        tandem_engine::EngineConfig::default(),
    )
    .await;
    let missing = token.get("/metrics").send().await.unwrap();
    crate::support::error(missing, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let wrong = token
        .get("/metrics")
        .bearer_auth("scrape-token-0123456788")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let right = token
        .get("/metrics")
        .bearer_auth("scrape-token-0123456789")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::OK);
}

/// Every operation documents the answers it can give besides its own: 401 where a token is
/// needed, 415/422 where a JSON body is read, 404 where the path names a record; and the ranges
/// of `page`, `per_page` and `days` are declared.
#[tokio::test]
async fn every_operation_documents_its_common_answers_and_ranges() {
    let app = spawn_app().await;
    let doc = body(
        app.get("/api/v1/openapi.json").send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    let paths = doc["paths"].as_object().unwrap();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let has = |code: &str| responses.contains_key(code);
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            assert!(!secured || has("401"), "{method} {path} lacks 401");
            if op.get("requestBody").is_some() {
                assert!(
                    has("415") && has("422") && has("400"),
                    "{method} {path} lacks 400/415/422"
                );
            }
            if path.contains('{') {
                assert!(has("404"), "{method} {path} lacks 404");
            }
        }
    }
    let params = |path: &str| {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .clone()
    };
    let list = params("/api/v1/conversations");
    let per_page = list.iter().find(|p| p["name"] == "per_page").unwrap();
    assert_eq!(per_page["schema"]["maximum"], 100, "{per_page}");
    let summary = params("/api/v1/insights/summary");
    let days = summary.iter().find(|p| p["name"] == "days").unwrap();
    assert_eq!(
        (
            days["schema"]["minimum"].clone(),
            days["schema"]["maximum"].clone()
        ),
        (1.into(), 90.into())
    );
}
