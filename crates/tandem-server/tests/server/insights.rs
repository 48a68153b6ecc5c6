//! Insights: the summary numbers and the SVG charts.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{body, error, spawn_app, spawn_demo_app};

#[tokio::test]
async fn the_summary_counts_decisions_handoffs_and_queues() {
    let app = spawn_demo_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    app.customer_says(&ada, "Do gift cards expire?").await;
    let bob = app.start_conversation("Bob", "bob@example.org").await;
    app.customer_says(&bob, "I want to talk to a person please, a real human agent")
        .await;
    assert_eq!(app.detail(&bob.conversation_id).await["status"], "queued");

    let agent = app.create_staff("agent@example.org", "agent").await;
    let response = app
        .get("/api/v1/insights/summary?days=14")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    let s = body(response, StatusCode::OK).await;
    assert_eq!(s["days"], 14);
    assert_eq!(s["conversations"], 2);
    assert_eq!(s["bot_decisions"], 2, "{s}");
    assert_eq!(s["automated"], 1, "{s}");
    assert!((s["automation_rate"].as_f64().unwrap() - 0.5).abs() < 1e-9, "{s}");
    assert_eq!(s["handoffs"]["customer_request"], 1, "{s}");
    assert_eq!(s["handoffs"]["frustration"], 0);
    assert_eq!(
        s["queues"]["by_status"],
        json!({ "bot": 1, "queued": 1, "assigned": 0, "resolved": 0 })
    );
    let teams = s["queues"]["by_team"].as_array().unwrap();
    assert!(
        teams.iter().any(|t| t["team"] == "support"),
        "every team is listed: {s}"
    );
    let open: Vec<_> = teams.iter().filter(|t| t["open"] != 0).collect();
    assert_eq!(open.len(), 1, "{s}");
    assert_eq!(open[0]["open"], 1);
    assert!(open[0]["team_id"].is_string());
    let daily = s["daily"].as_array().unwrap();
    assert_eq!(daily.len(), 14);
    let today = chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string();
    assert_eq!(daily[13]["date"], today);
    assert_eq!(daily[13]["handoffs"], json!({ "customer_request": 1 }));
    assert_eq!(daily[0]["handoffs"], json!({}));

    let default = app
        .get("/api/v1/insights/summary")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    assert_eq!(body(default, StatusCode::OK).await["days"], 14);
    for query in ["days=0", "days=91", "days=-1", "days=abc"] {
        let response = app
            .get(&format!("/api/v1/insights/summary?{query}"))
            .bearer_auth(&agent.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
    }
    let response = app.get("/api/v1/insights/summary").send().await.unwrap();
    error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

async fn svg(app: &crate::support::TestApp, path: &str) -> String {
    let response = app.get(path).bearer_auth(&app.admin_token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("image/svg+xml"), "{content_type}");
    let text = response.text().await.unwrap();
    assert!(
        text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox="),
        "{text}"
    );
    assert!(
        text.contains("role=\"img\"") && text.contains("<title") && text.contains("<desc"),
        "{text}"
    );
    assert!(text.ends_with("</svg>"));
    text
}

#[tokio::test]
async fn the_charts_are_svg_with_escaped_team_names() {
    let app = spawn_app().await;
    let response = app
        .post("/api/v1/teams")
        .bearer_auth(&app.admin_token)
        .json(&json!({ "name": "<b>&", "skills": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let queues = svg(&app, "/api/v1/insights/queues.svg").await;
    assert!(queues.contains("&lt;b&gt;&amp;"), "{queues}");
    assert!(!queues.contains("<b>"), "{queues}");
    let handoffs = svg(&app, "/api/v1/insights/handoffs.svg?days=7").await;
    assert!(handoffs.contains("No handoffs in this period"), "{handoffs}");
    let response = app
        .get("/api/v1/insights/handoffs.svg?days=365")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::BAD_REQUEST, "invalid_days").await;
}

#[tokio::test]
async fn the_handoff_chart_shows_the_reasons_that_happened() {
    let app = spawn_demo_app().await;
    let bob = app.start_conversation("Bob", "bob@example.org").await;
    app.customer_says(&bob, "I want to talk to a person please, a real human agent")
        .await;
    let chart = svg(&app, "/api/v1/insights/handoffs.svg").await;
    assert!(chart.contains(">Customer request</text>"), "{chart}");
    assert!(chart.contains("1 in all"), "{chart}");
    let queues = svg(&app, "/api/v1/insights/queues.svg").await;
    assert!(queues.contains(">support</text>"), "{queues}");
}

#[tokio::test]
async fn automation_counts_containment_and_false_automation_per_intent_and_day() {
    let app = spawn_demo_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    app.customer_says(&ada, "What is your return policy?").await;
    // Bob is answered, then asks for a person: not contained, a false automation.
    let bob = app.start_conversation("Bob", "bob@example.org").await;
    app.customer_says(&bob, "What is your return policy?").await;
    app.customer_says(&bob, "I want to talk to a person please, a real human agent")
        .await;
    // Cyd is only handed over: the bot finished nothing for her.
    let cyd = app.start_conversation("Cyd", "cyd@example.org").await;
    app.customer_says(&cyd, "I want to talk to a person please, a real human agent")
        .await;
    let kinds: Vec<Value> = app
        .decisions(&bob.conversation_id)
        .await
        .iter()
        .map(|d| d["kind"].clone())
        .collect();
    assert_eq!(kinds, vec![json!("answer"), json!("handoff")]);

    let agent = app.create_staff("agent@example.org", "agent").await;
    let response = app
        .get("/api/v1/insights/automation?days=7")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    let a = body(response, StatusCode::OK).await;
    let today = chrono::Utc::now().date_naive();
    assert_eq!(a["window"]["to"], today.format("%Y-%m-%d").to_string());
    assert_eq!(
        a["window"]["from"],
        (today - chrono::Duration::days(6)).format("%Y-%m-%d").to_string()
    );
    let overall = &a["overall"];
    assert_eq!(overall["conversations"], 2, "{a}");
    assert_eq!(overall["contained"], 1, "{a}");
    assert_eq!(overall["false_automation"], 1, "{a}");
    assert!((overall["containment"].as_f64().unwrap() - 0.5).abs() < 1e-9);
    assert!((overall["false_automation_rate"].as_f64().unwrap() - 0.5).abs() < 1e-9);
    let intents = a["intents"].as_array().unwrap();
    assert_eq!(intents.len(), 1, "{a}");
    assert_eq!(intents[0]["intent"], "return_policy");
    assert_eq!(intents[0]["conversations"], 2);
    let days = a["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    assert_eq!(days[6]["conversations"], 2);
    assert_eq!(days[0]["conversations"], 0);

    // The same as a window of dates; the chart draws it.
    let span = format!(
        "from={}&to={}",
        (today - chrono::Duration::days(1)).format("%Y-%m-%d"),
        today.format("%Y-%m-%d")
    );
    let ranged = body(
        app.get(&format!("/api/v1/insights/automation?{span}"))
            .bearer_auth(&agent.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(ranged["overall"], a["overall"]);
    assert_eq!(ranged["days"].as_array().unwrap().len(), 2);
    let svg = app
        .get("/api/v1/insights/automation.svg?days=7")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    assert_eq!(svg.status(), StatusCode::OK);
    assert!(svg.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("image/svg+xml"));
    assert!(svg
        .text()
        .await
        .unwrap()
        .contains("2 in all; contained 1, false automation 1"));

    for (query, code) in [
        ("days=0", "invalid_days"),
        ("days=91", "invalid_days"),
        ("days=abc", "invalid_query"),
        ("from=2026-02-01&to=2026-01-01", "invalid_window"),
        ("from=2026-01-01&to=2026-06-01", "invalid_window"),
        ("from=2026-01-01", "invalid_window"),
        ("from=yesterday&to=today", "invalid_query"),
    ] {
        let response = app
            .get(&format!("/api/v1/insights/automation?{query}"))
            .bearer_auth(&agent.token)
            .send()
            .await
            .unwrap();
        error(response, StatusCode::BAD_REQUEST, code).await;
    }
    let response = app.get("/api/v1/insights/automation").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}
