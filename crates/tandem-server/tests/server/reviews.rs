//! The review queue over HTTP: messages the bot did not understand are queued with their words
//! redacted; staff flag bot messages and customers rate them; trainers relabel (the text becomes a
//! training example, the active model stays until a candidate is promoted) or dismiss; the fifth
//! relabel of an intent is held out for the regression set.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{body, error, spawn_demo_app, Customer, DemoApp};

async fn queue(app: &DemoApp, token: &str, query: &str) -> Vec<Value> {
    let listed = body(
        app.get(&format!("/api/v1/reviews?{query}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    listed["reviews"].as_array().unwrap().clone()
}

/// A new customer asks one question; returns them, their message and the bot's reply.
async fn asks(app: &DemoApp, email: &str, text: &str) -> (Customer, Value, Value) {
    let customer = app.start_conversation("Maria Rossi", email).await;
    let asked = app.customer_says(&customer, text).await;
    let bot = app
        .customer_messages(&customer)
        .await
        .into_iter()
        .rev()
        .find(|m| m["author"] == "bot")
        .expect("the bot replies");
    (customer, asked, bot)
}

async fn resolve(app: &DemoApp, token: &str, id: &Value, request: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/reviews/{}/resolve", id.as_str().unwrap()))
        .bearer_auth(token)
        .json(&request)
        .send()
        .await
        .unwrap()
}

fn active_model(app: &DemoApp) -> String {
    app.engine.runtime().bot().unwrap().model_id.clone()
}

async fn examples_of(app: &DemoApp, intent: &str) -> Vec<String> {
    let content = app.content().await;
    let found = content["intents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == intent)
        .unwrap()["examples"]
        .clone();
    serde_json::from_value(found).unwrap()
}

#[tokio::test]
async fn what_the_bot_did_not_understand_is_queued_redacted_and_relabelled_without_a_new_model() {
    let app = spawn_demo_app().await;
    let trainer = app.create_staff("trainer@example.org", "trainer").await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let model = active_model(&app);

    let text = "Il mio pacco non è arrivato, scrivetemi a maria.rossi@example.com per favore";
    let (customer, asked, _) = asks(&app, "maria.rossi@example.com", text).await;
    let open = queue(&app, &trainer.token, "status=open").await;
    let item = open
        .iter()
        .find(|r| r["message_id"] == asked["id"])
        .unwrap_or_else(|| panic!("the message is queued: {open:?}"));
    assert!(
        ["out_of_scope", "low_confidence"].contains(&item["reason"].as_str().unwrap()),
        "{item}"
    );
    assert_eq!(
        item["conversation_id"].as_str(),
        Some(customer.conversation_id.as_str())
    );
    assert_eq!(item["status"], "open");
    assert!(item["text"].as_str().unwrap().contains("[EMAIL]"), "{item}");
    assert!(!item["text"].as_str().unwrap().contains('@'), "{item}");
    assert!(item["confidence"].is_number() && item["created_at"].is_string());

    // Who may read and act.
    let refused = app
        .get("/api/v1/reviews")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    error(refused, StatusCode::FORBIDDEN, "forbidden").await;
    error(
        resolve(
            &app,
            &agent.token,
            &item["id"],
            json!({ "intent": "delivery_problem" }),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // Bad requests change nothing.
    error(
        resolve(
            &app,
            &trainer.token,
            &item["id"],
            json!({ "intent": "no_such_intent" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_intent",
    )
    .await;
    error(
        resolve(
            &app,
            &trainer.token,
            &item["id"],
            json!({ "intent": "delivery_problem", "dismiss": true }),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_resolution",
    )
    .await;
    error(
        resolve(&app, &trainer.token, &item["id"], json!({})).await,
        StatusCode::BAD_REQUEST,
        "invalid_resolution",
    )
    .await;
    let bad = app
        .get("/api/v1/reviews?status=maybe")
        .bearer_auth(&trainer.token)
        .send()
        .await
        .unwrap();
    error(bad, StatusCode::BAD_REQUEST, "invalid_review_status").await;
    let bad = app
        .get("/api/v1/reviews?since=yesterday")
        .bearer_auth(&trainer.token)
        .send()
        .await
        .unwrap();
    error(bad, StatusCode::BAD_REQUEST, "invalid_date").await;

    // Relabel: the redacted text is an example now; the bot runs the same model.
    let done = body(
        resolve(
            &app,
            &trainer.token,
            &item["id"],
            json!({ "intent": "delivery_problem" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["review"]["status"], "resolved");
    assert_eq!(done["review"]["label"], "delivery_problem");
    let examples = examples_of(&app, "delivery_problem").await;
    assert!(
        examples.contains(&item["text"].as_str().unwrap().to_owned()),
        "{examples:?}"
    );
    assert!(!examples.iter().any(|e| e.contains("maria.rossi@")));
    assert_eq!(
        active_model(&app),
        model,
        "a relabel does not change the active model"
    );
    // Closed once.
    error(
        resolve(&app, &trainer.token, &item["id"], json!({ "dismiss": true })).await,
        StatusCode::CONFLICT,
        "review_closed",
    )
    .await;
    let resolved = queue(&app, &trainer.token, "status=resolved&intent=delivery_problem").await;
    assert_eq!(resolved.len(), 1);
    assert!(queue(&app, &trainer.token, "status=open")
        .await
        .iter()
        .all(|r| r["id"] != item["id"]));
    // A trainer trains a candidate that learnt it.
    let trained = body(
        app.post("/api/v1/models")
            .bearer_auth(&trainer.token)
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(trained["model"]["status"], "candidate");
    assert_eq!(active_model(&app), model);
}

#[tokio::test]
async fn staff_flag_bot_messages_and_customers_rate_them() {
    let app = spawn_demo_app().await;
    let trainer = app.create_staff("trainer@example.org", "trainer").await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let question = "What is your return policy?";
    let (customer, asked, bot) = asks(&app, "ann@example.org", question).await;
    let flag_path = format!("/api/v1/messages/{}/flags", bot["id"].as_str().unwrap());

    let response = app
        .post(&flag_path)
        .bearer_auth(&agent.token)
        .json(&json!({ "reason": "boring", "comment": "?" }))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::BAD_REQUEST, "invalid_flag_reason").await;
    let response = app
        .post(&flag_path)
        .bearer_auth(&customer.token)
        .json(&json!({ "reason": "other", "comment": "x" }))
        .send()
        .await
        .unwrap();
    assert!(matches!(
        response.status(),
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
    ));
    // Only the bot's messages are flagged.
    let response = app
        .post(&format!(
            "/api/v1/messages/{}/flags",
            asked["id"].as_str().unwrap()
        ))
        .bearer_auth(&agent.token)
        .json(&json!({ "reason": "other", "comment": "x" }))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    let flagged = body(
        app.post(&flag_path)
            .bearer_auth(&agent.token)
            .json(&json!({ "reason": "incomplete", "comment": "Say that final-sale items cannot be returned." }))
            .send()
            .await
            .unwrap(),
        StatusCode::CREATED,
    )
    .await;
    let item = &flagged["review"];
    assert_eq!(item["reason"], "flagged");
    assert_eq!(item["message_id"], bot["id"]);
    assert_eq!(
        item["text"], question,
        "the text is the question the bot answered"
    );
    assert_eq!(item["intent"], "return_policy");
    assert_eq!(item["flag"]["reason"], "incomplete");
    let listed = queue(&app, &trainer.token, "reason=flagged").await;
    assert_eq!(listed.len(), 1);

    // The customer rates the answer: only in their own conversation, only the bot's messages.
    let feedback = format!(
        "/api/v1/widget/conversations/{}/messages/{}/feedback",
        customer.conversation_id,
        bot["id"].as_str().unwrap()
    );
    let eve = app.start_conversation("Eve", "eve@example.org").await;
    let response = app
        .post(&feedback)
        .bearer_auth(&eve.token)
        .json(&json!({ "helpful": false }))
        .send()
        .await
        .unwrap();
    assert!(matches!(
        response.status(),
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));
    let response = app
        .post(&format!(
            "/api/v1/widget/conversations/{}/messages/{}/feedback",
            customer.conversation_id,
            asked["id"].as_str().unwrap()
        ))
        .bearer_auth(&customer.token)
        .json(&json!({ "helpful": false }))
        .send()
        .await
        .unwrap();
    error(response, StatusCode::NOT_FOUND, "not_found").await;
    let response = app
        .post(&feedback)
        .bearer_auth(&customer.token)
        .json(&json!({ "helpful": "no" }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error());
    for helpful in [true, false, false] {
        let response = app
            .post(&feedback)
            .bearer_auth(&customer.token)
            .json(&json!({ "helpful": helpful }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }
    let rated = queue(&app, &trainer.token, "reason=negative_feedback").await;
    assert_eq!(
        rated.len(),
        1,
        "one open item however often it is rated: {rated:?}"
    );
    assert_eq!(rated[0]["text"], question);

    // Bulk: dismiss both.
    let ids = vec![item["id"].clone(), rated[0]["id"].clone()];
    let closed = body(
        app.post("/api/v1/reviews/resolve")
            .bearer_auth(&trainer.token)
            .json(&json!({ "ids": ids, "dismiss": true }))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert!(closed["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "dismissed"));
    assert_eq!(queue(&app, &trainer.token, "status=dismissed").await.len(), 2);
    let audit = body(
        app.get("/api/v1/audit")
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"message.flagged") && actions.contains(&"review.dismissed"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn every_fifth_relabel_of_an_intent_is_held_out_of_training() {
    let app = spawn_demo_app().await;
    let trainer = app.create_staff("trainer@example.org", "trainer").await;
    let texts = [
        "Wo ist mein Paket A1001 geblieben?",
        "Mein Paket A1001 ist noch nicht da",
        "Wann kommt meine Bestellung A1001 an?",
        "Ist die Bestellung A1001 schon unterwegs?",
        "Wie ist der Status der Bestellung A1001?",
    ];
    let agent = app.create_staff("agent@example.org", "agent").await;
    let mut items = Vec::new();
    for (n, text) in texts.iter().enumerate() {
        // Flagged by an agent, whatever the bot made of it: five items for sure.
        let (_, _, bot) = asks(&app, &format!("c{n}@example.org"), text).await;
        let flagged = body(
            app.post(&format!("/api/v1/messages/{}/flags", bot["id"].as_str().unwrap()))
                .bearer_auth(&agent.token)
                .json(&json!({ "reason": "incorrect", "comment": "" }))
                .send()
                .await
                .unwrap(),
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(flagged["review"]["text"], *text);
        items.push(flagged["review"].clone());
    }
    let mut held = Vec::new();
    for item in &items {
        let done = body(
            resolve(
                &app,
                &trainer.token,
                &item["id"],
                json!({ "intent": "track_order" }),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        held.push(done["review"]["held_out"].as_bool().unwrap());
    }
    assert_eq!(held, vec![false, false, false, false, true]);
    let pack = app.engine.runtime().bot().unwrap().pack.clone();
    let evaluated: Vec<&str> = pack
        .eval
        .iter()
        .filter(|m| m.is_held_out())
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(evaluated.len(), held.iter().filter(|h| **h).count());
    for m in pack.eval.iter().filter(|m| m.is_held_out()) {
        assert_eq!(m.expected_intent, "track_order");
    }
}

#[tokio::test]
async fn an_answer_followed_by_a_request_for_a_person_is_queued_as_false_automation() {
    let app = spawn_demo_app().await;
    let trainer = app.create_staff("trainer@example.org", "trainer").await;
    let question = "What is your return policy?";
    let (customer, _, answer) = asks(&app, "ann@example.org", question).await;
    let decisions = app.decisions(&customer.conversation_id).await;
    assert_eq!(decisions.last().unwrap()["kind"], "answer");
    app.customer_says(&customer, "That does not help. Can I talk to a person, please?")
        .await;
    let queued = queue(&app, &trainer.token, "reason=false_automation").await;
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0]["message_id"], answer["id"]);
    assert_eq!(queued[0]["text"], question);
    assert_eq!(queued[0]["intent"], "return_policy");
    // A person asked for at once (no bot answer before) is nothing for the trainers.
    let other = app.start_conversation("Bo", "bo@example.org").await;
    app.customer_says(&other, "I want to talk to a human").await;
    assert_eq!(
        queue(&app, &trainer.token, "reason=false_automation").await.len(),
        1
    );
}

/// A content edit trains what the active model learnt plus the edit: relabels made since wait for
/// a trainer's candidate.
#[tokio::test]
async fn an_example_edit_leaves_pending_relabels_to_the_trainer() {
    let app = spawn_demo_app().await;
    let trainer = app.create_staff("trainer@example.org", "trainer").await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let examples = |models: &Value, id: &str| {
        models["models"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id)
            .unwrap()["examples"]
            .as_i64()
            .unwrap()
    };
    let list = || async {
        body(
            app.get("/api/v1/models")
                .bearer_auth(&trainer.token)
                .send()
                .await
                .unwrap(),
            StatusCode::OK,
        )
        .await
    };
    let model = active_model(&app);
    let (_, _, bot) = asks(&app, "ann@example.org", "Wo ist mein Paket A1001 geblieben?").await;
    let flagged = body(
        app.post(&format!("/api/v1/messages/{}/flags", bot["id"].as_str().unwrap()))
            .bearer_auth(&agent.token)
            .json(&json!({ "reason": "incorrect", "comment": "" }))
            .send()
            .await
            .unwrap(),
        StatusCode::CREATED,
    )
    .await;
    body(
        resolve(
            &app,
            &trainer.token,
            &flagged["review"]["id"],
            json!({ "intent": "track_order" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let edited = body(
        app.post("/api/v1/content/intents/size_guide/examples")
            .bearer_auth(&trainer.token)
            .json(&json!({ "text": "are your chinos true to size or should I size up" }))
            .send()
            .await
            .unwrap(),
        StatusCode::CREATED,
    )
    .await;
    let trained = edited["model"]["trained"].as_str().unwrap().to_owned();
    let models = list().await;
    assert_eq!(
        examples(&models, &trained),
        examples(&models, &model) + 1,
        "the edit's candidate learnt the new example, not the pending relabel: {}",
        edited["model"]
    );
    // A trainer's candidate learns both.
    let candidate = body(
        app.post("/api/v1/models")
            .bearer_auth(&trainer.token)
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        candidate["model"]["examples"].as_i64().unwrap(),
        examples(&models, &model) + 2
    );
}
