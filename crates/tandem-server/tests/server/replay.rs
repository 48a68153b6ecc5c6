//! Replay over HTTP: which of the latest customer messages a model would decide differently from
//! the active one.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{body, error, spawn_demo_app, DemoApp};

async fn replay(app: &DemoApp, token: &str, id: &str, query: &str) -> reqwest::Response {
    app.get(&format!("/api/v1/models/{id}/replay{query}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

fn active_model(app: &DemoApp) -> String {
    app.engine.runtime().bot().unwrap().model_id.clone()
}

#[tokio::test]
async fn replay_shows_the_messages_another_model_decides_differently() {
    let app = spawn_demo_app().await;
    let trainer = app.create_staff("trainer@example.org", "trainer").await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let imported = active_model(&app);

    let loyalty = "loyalty points question number 3 from ada@example.org";
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    app.customer_says(&ada, "What is your return policy?").await;
    let bob = app.start_conversation("Bob", "bob@example.org").await;
    let asked = app.customer_says(&bob, loyalty).await;

    // A new intent (people handle it): the content change trains a candidate (made active here,
    // by an admin when the gate keeps it out).
    let examples: Vec<String> = (0..10)
        .map(|i| format!("loyalty points question number {i}"))
        .collect();
    let new = json!({
        "name": "loyalty_points",
        "description": "Questions about the loyalty programme",
        "kind": "human",
        "examples": examples,
        "team": "support",
    });
    let response = app
        .post("/api/v1/content/intents")
        .bearer_auth(&trainer.token)
        .json(&new)
        .send()
        .await
        .unwrap();
    let created = body(response, StatusCode::CREATED).await;
    if created["model"]["promoted"] != true {
        let id = created["model"]["trained"].as_str().unwrap();
        let forced = app
            .post(&format!("/api/v1/models/{id}/promote"))
            .bearer_auth(&app.admin_token)
            .json(&json!({ "force": true, "reason": "the new intent is wanted" }))
            .send()
            .await
            .unwrap();
        body(forced, StatusCode::OK).await;
    }
    let retrained = active_model(&app);
    assert_ne!(retrained, imported);

    // The model before the change does not know the intent: Bob's message is decided otherwise.
    let replayed = body(
        replay(&app, &trainer.token, &imported, "?limit=200").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(replayed["total"], 2, "{replayed}");
    let changed = replayed["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{replayed}");
    let c = &changed[0];
    assert_eq!(c["message_id"], asked["id"]);
    assert_eq!(c["conversation_id"], bob.conversation_id.as_str());
    assert_eq!(
        c["active"],
        json!({ "kind": "handoff", "intent": "loyalty_points", "handoff_reason": "sensitive_topic" })
    );
    assert_ne!(c["candidate"]["intent"], "loyalty_points", "{c}");
    let text = c["text"].as_str().unwrap();
    assert!(
        text.contains("[EMAIL]") && !text.contains("ada@example.org"),
        "{text}"
    );
    assert_eq!(replayed["model_id"], imported.as_str());
    assert_eq!(replayed["active_model_id"], retrained.as_str());

    // The latest message only; the active model against itself changes nothing.
    let latest = body(
        replay(&app, &trainer.token, &imported, "?limit=1").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(latest["total"], 1);
    assert_eq!(latest["changed"].as_array().unwrap().len(), 1);
    let same = body(replay(&app, &trainer.token, &retrained, "").await, StatusCode::OK).await;
    assert_eq!(same["total"], 2);
    assert_eq!(same["changed"], json!([]));

    // Supervisors and admins too; not agents.
    let supervisor = app.create_staff("lead@example.org", "supervisor").await;
    body(
        replay(&app, &supervisor.token, &imported, "").await,
        StatusCode::OK,
    )
    .await;
    body(
        replay(&app, &app.admin_token, &imported, "").await,
        StatusCode::OK,
    )
    .await;
    error(
        replay(&app, &agent.token, &imported, "").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let response = app
        .get(&format!("/api/v1/models/{imported}/replay"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn replay_refuses_bad_limits_and_unknown_models() {
    let app = spawn_demo_app().await;
    let trainer = app.create_staff("trainer@example.org", "trainer").await;
    let id = active_model(&app);
    for query in [
        "?limit=0",
        "?limit=-3",
        "?limit=1001",
        "?limit=99999999999999999999",
    ] {
        let code = if query.len() > 15 {
            "invalid_query"
        } else {
            "invalid_limit"
        };
        error(
            replay(&app, &trainer.token, &id, query).await,
            StatusCode::BAD_REQUEST,
            code,
        )
        .await;
    }
    error(
        replay(&app, &trainer.token, &id, "?limit=abc").await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;
    for unknown in [
        "no-such-model",
        "00000000-0000-0000-0000-000000000000",
        "%E2%9C%93",
    ] {
        error(
            replay(&app, &trainer.token, unknown, "").await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    // Nothing said yet: nothing to replay.
    let empty: Value = body(
        replay(&app, &trainer.token, &id, "?limit=1000").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(empty["total"], 0);
    assert_eq!(empty["changed"], json!([]));
}
