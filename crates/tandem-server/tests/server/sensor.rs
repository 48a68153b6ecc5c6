//! Service as a sensor through the API: root causes suggested at handoff, confirmed in one click
//! (and kept in step with `root:*` tags), counted per owner with trends and spikes; the topics of
//! what the bot did not understand; customers' ratings and the CSAT figures.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{body, error, Customer, DemoApp};

const PERSON: &str = "I'd like to talk to a person please";

/// A conversation with one message, then the wish for a person.
async fn handed_over(app: &DemoApp, n: usize, text: &str) -> Customer {
    let customer = app
        .start_conversation(&format!("Case {n}"), &format!("case{n}@example.org"))
        .await;
    app.customer_says(&customer, text).await;
    app.customer_says(&customer, PERSON).await;
    let status = app.detail(&customer.conversation_id).await["status"].clone();
    assert!(status == "queued" || status == "assigned", "{status}");
    customer
}

async fn put_cause(app: &DemoApp, token: &str, conversation: &str, cause: &str) -> reqwest::Response {
    app.put(&format!("/api/v1/conversations/{conversation}/root-cause"))
        .bearer_auth(token)
        .json(&json!({ "cause": cause }))
        .send()
        .await
        .unwrap()
}

async fn report(app: &DemoApp, token: &str) -> Vec<Value> {
    let response = app
        .get("/api/v1/insights/root-causes?days=30")
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    body(response, StatusCode::OK).await["causes"]
        .as_array()
        .unwrap()
        .clone()
}

fn cause<'a>(causes: &'a [Value], name: &str) -> &'a Value {
    causes.iter().find(|c| c["cause"] == name).unwrap()
}

#[tokio::test]
async fn a_handed_over_case_gets_a_root_cause_an_agent_confirms_and_owners_count() {
    let app = crate::support::spawn_demo_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let text = "The app crashes every time I try to pay and shows error 500";
    let case = handed_over(&app, 1, text).await;
    let id = case.conversation_id.clone();
    let rc = app.detail(&id).await["root_cause"].clone();
    assert_eq!(rc["suggested"], "technical_defect", "{rc}");
    assert_eq!(rc["confirmed"], Value::Null);
    let confidence = rc["confidence"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&confidence), "{rc}");
    let evidence = rc["evidence"].as_array().unwrap();
    assert!(!evidence.is_empty(), "{rc}");
    for e in evidence {
        let quoted = e["text"].as_str().unwrap();
        assert!(
            text.contains(quoted) || PERSON.contains(quoted),
            "verbatim: {quoted}"
        );
    }

    // Confirmed in one click: the suggestion stays, the tag follows.
    let confirmed = body(
        put_cause(&app, &agent.token, &id, "documentation").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(confirmed["confirmed"], "documentation");
    assert_eq!(confirmed["suggested"], "technical_defect");
    let tags = || async { app.detail(&id).await["tags"].clone() };
    assert_eq!(tags().await, json!(["root:documentation"]));
    body(
        put_cause(&app, &agent.token, &id, "technical_defect").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        tags().await,
        json!(["root:technical_defect"]),
        "one root tag at a time"
    );
    error(
        put_cause(&app, &agent.token, &id, "bad_luck").await,
        StatusCode::BAD_REQUEST,
        "invalid_root_cause",
    )
    .await;
    assert_eq!(
        app.detail(&id).await["root_cause"]["confirmed"],
        "technical_defect"
    );
    error(
        put_cause(
            &app,
            &agent.token,
            "00000000-0000-7000-8000-000000000001",
            "process",
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // Tags by hand are the same thing.
    let patched = app
        .update(&agent.token, &id, json!({ "add_tags": ["root:process"] }))
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    assert_eq!(app.detail(&id).await["root_cause"]["confirmed"], "process");
    assert_eq!(tags().await, json!(["root:process"]));
    let bad = app
        .update(&agent.token, &id, json!({ "add_tags": ["root:nonsense"] }))
        .await;
    error(bad, StatusCode::BAD_REQUEST, "invalid_root_cause").await;
    app.update(&agent.token, &id, json!({ "remove_tags": ["root:process"] }))
        .await;
    assert_eq!(app.detail(&id).await["root_cause"]["confirmed"], Value::Null);

    // Owners, counts, trends.
    let causes = report(&app, &agent.token).await;
    assert_eq!(causes.len(), 6);
    assert!(cause(&causes, "documentation")["owner"]
        .as_str()
        .unwrap()
        .contains("docs@acme.example"));
    let tech = cause(&causes, "technical_defect");
    assert_eq!(
        (tech["count"].as_i64(), tech["confirmed"].as_i64()),
        (Some(1), Some(0)),
        "{tech}"
    );
    assert_eq!(tech["examples"], json!([id]));
    let per_day = tech["per_day"].as_array().unwrap();
    assert_eq!(per_day.len(), 30);
    assert_eq!(per_day[29]["count"], 1);
    assert_eq!(tech["spike"], false);

    for n in 0..5 {
        let c = handed_over(&app, 10 + n, "The checkout shows error 500 and crashes").await;
        body(
            put_cause(&app, &agent.token, &c.conversation_id, "technical_defect").await,
            StatusCode::OK,
        )
        .await;
    }
    let causes = report(&app, &agent.token).await;
    let tech = cause(&causes, "technical_defect");
    assert_eq!(
        (tech["count"].as_i64(), tech["confirmed"].as_i64()),
        (Some(6), Some(5)),
        "{tech}"
    );
    assert_eq!(tech["spike"], true, "six today against none before");
    assert_eq!(tech["examples"].as_array().unwrap().len(), 5);
    assert_eq!(cause(&causes, "documentation")["spike"], false);

    let anonymous = app
        .get("/api/v1/insights/root-causes?days=30")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    for days in ["0", "91", "x"] {
        let response = app
            .get(&format!("/api/v1/insights/root-causes?days={days}"))
            .bearer_auth(&agent.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "days={days}");
    }
    let chart = app
        .get("/api/v1/insights/root-causes.svg?days=7")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    assert_eq!(chart.status(), StatusCode::OK);
    assert!(chart.text().await.unwrap().contains("Technical defect"));
}

#[tokio::test]
async fn topics_group_what_the_bot_did_not_understand() {
    let app = crate::support::spawn_demo_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let said = [
        "Do you sell coats for dogs?",
        "Is there clothing for my dog?",
        "Any raincoats for dogs?",
        "Can I pick up my order at your shop in Milan?",
        "Is there a store in Rome where I can collect my parcel?",
        "Can I collect my purchase in a store in Milan?",
    ];
    for (n, text) in said.iter().enumerate() {
        let c = app
            .start_conversation(&format!("V {n}"), &format!("v{n}@example.org"))
            .await;
        app.customer_says(&c, text).await;
    }
    let response = app
        .get("/api/v1/insights/topics?days=14")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    let report = body(response, StatusCode::OK).await;
    let topics = report["topics"].as_array().unwrap();
    assert!(!topics.is_empty(), "{report}");
    for t in topics {
        let examples = t["examples"].as_array().unwrap();
        assert!(t["count"].as_i64().unwrap() >= 2 && examples.len() <= 5, "{t}");
        assert!(
            examples.iter().all(|e| said.contains(&e.as_str().unwrap())),
            "verbatim: {t}"
        );
        let label = t["label"].as_str().unwrap().to_lowercase();
        let all = said.join(" ").to_lowercase();
        assert!(
            label.split_whitespace().all(|w| all.contains(w)),
            "words from its messages: {t}"
        );
        assert!(!t["draft"]["examples"].as_array().unwrap().is_empty());
    }
    let response = app
        .get("/api/v1/insights/topics?days=0")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    error(response, StatusCode::BAD_REQUEST, "invalid_days").await;
}

#[tokio::test]
async fn customers_rate_resolved_conversations_and_csat_splits_bot_and_people() {
    let app = crate::support::spawn_demo_app().await;
    let faq = app.start_conversation("Priya", "priya@example.org").await;
    app.customer_says(&faq, "What is your return policy?").await;
    let case = handed_over(&app, 2, "My jacket arrived torn").await;
    let app = &app;
    let rate = |c: &Customer, token: &str, score: i64| {
        let url = format!("/api/v1/widget/conversations/{}/rating", c.conversation_id);
        let token = token.to_owned();
        async move {
            app.post(&url)
                .bearer_auth(token)
                .json(&json!({ "score": score, "comment": "call me on 0612345678" }))
                .send()
                .await
                .unwrap()
        }
    };
    error(
        rate(&faq, &faq.token, 5).await,
        StatusCode::CONFLICT,
        "not_resolved",
    )
    .await;
    app.staff_says(
        &app.admin_token,
        &case.conversation_id,
        "A new jacket is on its way.",
        false,
    )
    .await;
    for c in [&faq, &case] {
        let r = app
            .update(
                &app.admin_token,
                &c.conversation_id,
                json!({ "status": "resolved" }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    body(rate(&faq, &faq.token, 5).await, StatusCode::CREATED).await;
    body(rate(&case, &case.token, 1).await, StatusCode::CREATED).await;
    for score in [0, 6] {
        error(
            rate(&faq, &faq.token, score).await,
            StatusCode::BAD_REQUEST,
            "invalid_score",
        )
        .await;
    }
    let other = rate(&faq, &case.token, 4).await.status();
    assert!(
        other == StatusCode::FORBIDDEN || other == StatusCode::NOT_FOUND,
        "{other}"
    );
    let replaced = body(rate(&case, &case.token, 2).await, StatusCode::OK).await;
    assert_eq!(replaced, json!({ "score": 2, "replaced": true }));

    let response = app
        .get("/api/v1/insights/summary?days=14")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    let csat = body(response, StatusCode::OK).await["csat"].clone();
    assert_eq!(csat["count"], 2, "{csat}");
    assert!((csat["average"].as_f64().unwrap() - 3.5).abs() < 1e-9, "{csat}");
    assert_eq!(
        (csat["bot"]["count"].as_i64(), csat["bot"]["average"].as_f64()),
        (Some(1), Some(5.0))
    );
    assert_eq!(
        (csat["human"]["count"].as_i64(), csat["human"]["average"].as_f64()),
        (Some(1), Some(2.0))
    );
    assert!(csat["by_intent"].is_array() && csat["by_team"].is_array() && csat["by_agent"].is_array());

    // A low rating of the bot's work alone sends its answer to the trainers; a person's case not.
    body(rate(&case, &case.token, 1).await, StatusCode::OK).await;
    body(rate(&faq, &faq.token, 2).await, StatusCode::OK).await;
    let listed = app
        .get("/api/v1/reviews?reason=negative_feedback")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    let reviews = body(listed, StatusCode::OK).await["reviews"].clone();
    let conversations: Vec<&str> = reviews
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["conversation_id"].as_str().unwrap())
        .collect();
    assert_eq!(conversations, vec![faq.conversation_id.as_str()], "{reviews}");
}

#[tokio::test]
async fn suggestions_learn_from_what_agents_confirmed() {
    let app = crate::support::spawn_demo_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let phrasing = |place: &str| format!("My parcel went to the wrong pickup locker in {place} again");
    let before = handed_over(&app, 30, &phrasing("Leeds")).await;
    let first = app.detail(&before.conversation_id).await["root_cause"].clone();
    assert_ne!(first["suggested"], "process", "nothing taught it yet: {first}");
    for (n, place) in ["York", "Bath", "Hull"].iter().enumerate() {
        let c = handed_over(&app, 31 + n, &phrasing(place)).await;
        body(
            put_cause(&app, &agent.token, &c.conversation_id, "process").await,
            StatusCode::OK,
        )
        .await;
    }
    let after = handed_over(&app, 40, &phrasing("Derby")).await;
    let learned = app.detail(&after.conversation_id).await["root_cause"].clone();
    assert_eq!(
        learned["suggested"], "process",
        "three confirmations taught it: {learned}"
    );
    let quoted: Vec<&str> = learned["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert!(
        !quoted.is_empty()
            && quoted
                .iter()
                .all(|q| phrasing("Derby").contains(q) || PERSON.contains(q)),
        "{learned}"
    );
}
