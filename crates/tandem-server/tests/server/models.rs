//! The model registry over HTTP: listing, training a candidate, promotion through the regression
//! gate (refusals name the intents that got worse), forcing by an admin with a reason, rollback.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{body, error, spawn_demo_app, DemoApp};

async fn models(app: &DemoApp, token: &str) -> Vec<Value> {
    let listed = body(
        app.get("/api/v1/models").bearer_auth(token).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    listed["models"].as_array().unwrap().clone()
}

fn active(models: &[Value]) -> Vec<String> {
    models
        .iter()
        .filter(|m| m["status"] == "active")
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

fn status_of(models: &[Value], id: &str) -> String {
    models
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("no model {id}"))["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn in_unit(value: &Value) {
    let x = value.as_f64().unwrap_or_else(|| panic!("not a number: {value}"));
    assert!((0.0..=1.0).contains(&x), "{x} is not in [0, 1]");
}

async fn train(app: &DemoApp, token: &str) -> Value {
    body(
        app.post("/api/v1/models")
            .bearer_auth(token)
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
        StatusCode::CREATED,
    )
    .await
}

async fn promote(app: &DemoApp, token: &str, id: &str, request: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/models/{id}/promote"))
        .bearer_auth(token)
        .json(&request)
        .send()
        .await
        .unwrap()
}

async fn rollback(app: &DemoApp, token: &str) -> reqwest::Response {
    app.post("/api/v1/models/rollback")
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_candidate_with_good_examples_is_promoted_and_rolled_back() {
    let app = spawn_demo_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let trainer = app.create_staff("trainer@example.org", "trainer").await;
    let response = app
        .get("/api/v1/models")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::FORBIDDEN, "forbidden").await;
    let response = app
        .post("/api/v1/models")
        .bearer_auth(&agent.token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::FORBIDDEN, "forbidden").await;

    // The pack's import trained the first model.
    let first = models(&app, &trainer.token).await;
    assert_eq!(first.len(), 1);
    assert_eq!(active(&first).len(), 1);
    assert!(first[0]["examples"].as_i64().unwrap() > 100);
    in_unit(&first[0]["metrics"]["accuracy"]);
    in_unit(&first[0]["metrics"]["macro_f1"]);
    // Scored on the pack's evaluation messages at import.
    assert!(
        first[0]["metrics"]["accuracy"].as_f64().unwrap() > 0.5,
        "{}",
        first[0]
    );

    for text in [
        "what size should I order in your chinos",
        "do your shirts run small or large",
    ] {
        let response = app
            .post("/api/v1/content/intents/size_guide/examples")
            .bearer_auth(&trainer.token)
            .json(&json!({ "text": text }))
            .send()
            .await
            .unwrap();
        body(response, StatusCode::CREATED).await;
    }
    let before = active(&models(&app, &trainer.token).await);

    let trained = train(&app, &trainer.token).await;
    let candidate = trained["model"]["id"].as_str().unwrap().to_owned();
    assert_eq!(trained["model"]["status"], "candidate");
    for side in ["active", "candidate"] {
        in_unit(&trained["comparison"][side]["accuracy"]);
        in_unit(&trained["comparison"][side]["macro_f1"]);
    }
    assert!(trained["comparison"]["active"]["accuracy"].as_f64().unwrap() > 0.5);
    assert_eq!(trained["comparison"]["regressions"], json!([]));
    // Training does not change the active model.
    assert_eq!(active(&models(&app, &trainer.token).await), before);

    let promoted = body(
        promote(&app, &trainer.token, &candidate, json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(promoted["model"]["status"], "active");
    let listed = models(&app, &trainer.token).await;
    assert_eq!(active(&listed), vec![candidate.clone()]);
    assert_eq!(status_of(&listed, &before[0]), "retired");
    assert_eq!(app.engine.runtime().bot().unwrap().model_id, candidate);
    // Newest first.
    assert_eq!(listed[0]["id"], candidate);

    // Promoting the active model again is a conflict.
    error(
        promote(&app, &trainer.token, &candidate, json!({})).await,
        StatusCode::CONFLICT,
        "model_state",
    )
    .await;

    let back = body(rollback(&app, &trainer.token).await, StatusCode::OK).await;
    assert_eq!(back["model"]["id"], before[0].as_str());
    let listed = models(&app, &trainer.token).await;
    assert_eq!(active(&listed), before);
    assert_eq!(status_of(&listed, &candidate), "retired");
    assert_eq!(app.engine.runtime().bot().unwrap().model_id, before[0]);
}

#[tokio::test]
async fn a_candidate_worse_on_tracking_is_refused_and_only_an_admin_forces_it() {
    let app = spawn_demo_app().await;
    let trainer = app.create_staff("trainer@example.org", "trainer").await;
    let imported = active(&models(&app, &trainer.token).await).remove(0);

    // Relabel most tracking questions as return-policy ones through the content API (each edit
    // trains a candidate; the gate makes it active only while tracking does not suffer).
    let content = app.content().await;
    let track = content["intents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "track_order")
        .unwrap()["examples"]
        .as_array()
        .unwrap()
        .clone();
    // Twenty moves (forty revisions): fewer than the revisions kept, so the imported model stays.
    for example in track.iter().skip(20) {
        let text = example.as_str().unwrap();
        let response = app
            .delete("/api/v1/content/intents/track_order/examples")
            .bearer_auth(&trainer.token)
            .json(&json!({ "text": text }))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        let response = app
            .post("/api/v1/content/intents/return_policy/examples")
            .bearer_auth(&trainer.token)
            .json(&json!({ "text": text }))
            .send()
            .await
            .unwrap();
        body(response, StatusCode::CREATED).await;
    }
    // The gate kept the edits that hurt tracking away from customers.
    let serving = active(&models(&app, &trainer.token).await).remove(0);
    let edits = models(&app, &trainer.token).await;
    assert!(
        edits.iter().any(|m| m["status"] == "candidate"),
        "an edit that hurts tracking stays a candidate: {edits:?}"
    );

    let trained = train(&app, &trainer.token).await;
    let candidate = trained["model"]["id"].as_str().unwrap().to_owned();
    let regressions = trained["comparison"]["regressions"].as_array().unwrap();
    assert!(
        regressions.iter().any(|r| r["intent"] == "track_order"),
        "{trained}"
    );
    for r in regressions {
        in_unit(&r["before"]);
        in_unit(&r["after"]);
        assert!(r["after"].as_f64().unwrap() < r["before"].as_f64().unwrap());
    }

    let refused = error(
        promote(&app, &trainer.token, &candidate, json!({})).await,
        StatusCode::CONFLICT,
        "promotion_refused",
    )
    .await;
    let reasons = refused["error"]["reasons"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .any(|r| r.as_str().unwrap().contains("track_order")),
        "{refused}"
    );
    let listed = models(&app, &trainer.token).await;
    assert_eq!(status_of(&listed, &candidate), "refused");
    assert_eq!(active(&listed), vec![serving.clone()]);

    // Forcing: not a trainer; an admin needs a reason.
    let force =
        json!({ "force": true, "reason": "the new labels are right; the evaluation set is out of date" });
    error(
        promote(&app, &trainer.token, &candidate, force.clone()).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    error(
        promote(
            &app,
            &app.admin_token,
            &candidate,
            json!({ "force": true, "reason": "  " }),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "reason_required",
    )
    .await;
    let forced = body(
        promote(&app, &app.admin_token, &candidate, force).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(forced["model"]["status"], "active");
    assert_eq!(forced["model"]["forced"], true);
    assert_eq!(app.engine.runtime().bot().unwrap().model_id, candidate);
    let audit = body(
        app.get("/api/v1/audit")
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert!(
        audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "model.promoted" && e["details"]["forced"] == true),
        "{audit}"
    );

    // One action undoes it.
    let back = body(rollback(&app, &trainer.token).await, StatusCode::OK).await;
    assert_eq!(back["model"]["id"], serving);
    assert_eq!(active(&models(&app, &trainer.token).await), vec![serving]);
    assert!(!imported.is_empty());
}
