//! Coaching over HTTP on the demo pack: a reply is scored by the background worker and shown on
//! the conversation's quality view with evidence inside the reply; profiles and the team view are
//! guarded; practice sessions and certifications answer bad input with the error body.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{body, error, spawn_demo_app, DemoApp, FAILURE_BOUND};

const SKILLS: [&str; 9] = [
    "empathy",
    "understanding",
    "exploration",
    "de_escalation",
    "clarity",
    "politeness",
    "solution",
    "greeting",
    "closing",
];

/// The conversation's quality view once `message` is in it (fails after a while).
async fn scored(app: &DemoApp, conversation: &str, message: &str) -> Value {
    let deadline = tokio::time::Instant::now() + FAILURE_BOUND;
    loop {
        let answer = body(
            app.get(&format!("/api/v1/conversations/{conversation}/quality"))
                .bearer_auth(&app.admin_token)
                .send()
                .await
                .unwrap(),
            StatusCode::OK,
        )
        .await;
        if let Some(r) = answer["replies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["message_id"] == message)
        {
            return r.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "reply {message} was not scored"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every skill is there, with its evidence inside the reply (offsets in characters).
fn well_formed(skills: &Value, reply: &str) {
    let chars: Vec<char> = reply.chars().collect();
    for name in SKILLS {
        let s = &skills[name];
        assert!(s["level"].as_u64().unwrap() <= 2, "{name}: {s}");
        assert!((0.0..=1.0).contains(&s["score"].as_f64().unwrap()), "{name}: {s}");
        assert!(!s["reason"].as_str().unwrap().is_empty());
        for e in s["evidence"].as_array().unwrap() {
            let (a, b) = (
                usize::try_from(e["start"].as_u64().unwrap()).unwrap(),
                usize::try_from(e["end"].as_u64().unwrap()).unwrap(),
            );
            assert!(a < b && b <= chars.len(), "{e}");
            assert_eq!(
                chars[a..b].iter().collect::<String>(),
                e["text"].as_str().unwrap()
            );
            assert!(!e["why"].as_str().unwrap().trim().is_empty());
        }
    }
}

#[tokio::test]
async fn replies_are_scored_with_evidence_and_profiles_are_guarded() {
    let app = spawn_demo_app().await;
    let ana = app.create_staff("ana@x.org", "agent").await;
    let ben = app.create_staff("ben@x.org", "agent").await;
    let customer = app.start_conversation("Zoë Müller", "zoe@example.org").await;
    app.customer_says(&customer, "Mein Paket ist kaputt angekommen 😞")
        .await;
    let text = "Hallo Zoë 😊, I'm so sorry your parcel arrived damaged. Could you tell me what happened?";
    let reply = app
        .staff_says(&ana.token, &customer.conversation_id, text, false)
        .await;
    let id = reply["id"].as_str().unwrap();
    let quality = scored(&app, &customer.conversation_id, id).await;
    well_formed(&quality["skills"], text);

    let refused = app
        .get(&format!(
            "/api/v1/conversations/{}/quality",
            customer.conversation_id
        ))
        .bearer_auth(&customer.token)
        .send()
        .await
        .unwrap();
    assert!(matches!(
        refused.status(),
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
    ));
    let own = body(
        app.get(&format!("/api/v1/coaching/agents/{}", ana.id))
            .bearer_auth(&ana.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(own["replies"], 1);
    assert!(SKILLS.iter().all(|s| own["skills"][s]["count"] == 1));
    error(
        app.get(&format!("/api/v1/coaching/agents/{}", ana.id))
            .bearer_auth(&ben.token)
            .send()
            .await
            .unwrap(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    error(
        app.get("/api/v1/coaching/team")
            .bearer_auth(&ben.token)
            .send()
            .await
            .unwrap(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    error(
        app.get("/api/v1/coaching/agents/not-an-id")
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn practice_and_certifications_answer_bad_input_with_the_error_body() {
    let app = spawn_demo_app().await;
    let ana = app.create_staff("ana@x.org", "agent").await;
    let sup = app.create_staff("sup@x.org", "supervisor").await;
    error(
        app.post("/api/v1/practice/sessions")
            .bearer_auth(&ana.token)
            .json(&json!({ "scenario": "nope" }))
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "unknown_scenario",
    )
    .await;
    let started = body(
        app.post("/api/v1/practice/sessions")
            .bearer_auth(&ana.token)
            .json(&json!({ "scenario": "double_charge" }))
            .send()
            .await
            .unwrap(),
        StatusCode::CREATED,
    )
    .await;
    let session = started["id"].as_str().unwrap();
    let replies = format!("/api/v1/practice/sessions/{session}/replies");
    error(
        app.post(&replies)
            .bearer_auth(&ana.token)
            .json(&json!({ "text": "" }))
            .send()
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        "empty_message",
    )
    .await;
    error(
        app.post(&replies)
            .bearer_auth(&sup.token)
            .json(&json!({ "text": "hi" }))
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let answered = body(
        app.post(&replies)
            .bearer_auth(&ana.token)
            .json(&json!({ "text": "I'm so sorry about the double charge. I've refunded the duplicate." }))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert!(answered["customer"]["text"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    assert!(!answered["feedback"]["tip"].as_str().unwrap().is_empty());

    let certify = |token: &str, payload: Value| {
        app.post("/api/v1/certifications")
            .bearer_auth(token.to_owned())
            .json(&payload)
    };
    error(
        certify(&sup.token, json!({ "user_id": ana.id, "skill": "juggling" }))
            .send()
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        "invalid_skill",
    )
    .await;
    error(
        certify(&sup.token, json!({ "user_id": ana.id, "skill": "empathy" }))
            .send()
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_eligible",
    )
    .await;
    error(
        app.post("/api/v1/certifications/revoke")
            .bearer_auth(&sup.token)
            .json(&json!({ "user_id": ana.id, "skill": "empathy", "reason": "test" }))
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "not_certified",
    )
    .await;
    let listed = body(
        app.get(&format!("/api/v1/certifications?user_id={}", ana.id))
            .bearer_auth(&ana.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["certifications"], json!([]));
}
