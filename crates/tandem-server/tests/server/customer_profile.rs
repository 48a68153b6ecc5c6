//! The customer profile (health, value from the shop's data, offers), embedded in the conversation
//! detail, and the insights page's list of customers at risk; the offers in GET /content.

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{assert_error_shape, body, spawn_demo_app, DemoApp};

async fn get(app: &DemoApp, path: &str, token: &str) -> Value {
    let response = app.get(path).bearer_auth(token).send().await.unwrap();
    body(response, StatusCode::OK).await
}

/// A new conversation with one message; returns the conversation id and the customer's id.
async fn contact(app: &DemoApp, name: &str, email: &str, text: &str) -> (String, String) {
    let customer = app.start_conversation(name, email).await;
    app.customer_says(&customer, text).await;
    let detail = app.detail(&customer.conversation_id).await;
    let id = detail["customer"]["id"].as_str().unwrap().to_owned();
    (customer.conversation_id, id)
}

fn reasons(profile: &Value) -> String {
    profile["health"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_lowercase())
        .collect::<Vec<_>>()
        .join(" | ")
}

fn offer_ids(profile: &Value) -> Vec<&str> {
    profile["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_profile_explains_health_value_and_fitting_offers() {
    let app = spawn_demo_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let oliver = "oliver.brown@example.com";
    let mut conversations = Vec::new();
    for text in [
        "I've written four times now and NOBODY replies!!! My parcel never came. I'm so angry, this is a disgrace.",
        "Unbelievable!!! The jacket fell apart after one wash and you keep ignoring me. I am fed up with you.",
        "Please cancel order A1014, I don't want it any more",
    ] {
        conversations.push(contact(&app, "Oliver Brown", oliver, text).await);
    }
    let (_, oliver_id) = conversations[0].clone();
    assert!(
        conversations.iter().all(|(_, id)| *id == oliver_id),
        "one customer per e-mail address"
    );
    let (priya_conversation, priya_id) = contact(
        &app,
        "Priya Patel",
        "priya.patel@example.com",
        "How many days do I have to send back a jumper?",
    )
    .await;

    let op = get(
        &app,
        &format!("/api/v1/customers/{oliver_id}/profile"),
        &agent.token,
    )
    .await;
    let pp = get(
        &app,
        &format!("/api/v1/customers/{priya_id}/profile"),
        &agent.token,
    )
    .await;
    assert_eq!(op["customer"]["email"], oliver);
    assert_eq!(op["customer"]["name"], "Oliver Brown");
    assert_eq!(op["health"]["risk"], "high", "{op}");
    let why = reasons(&op);
    assert!(why.contains("frustrated in 2 of 3 conversations"), "{why}");
    assert!(why.contains("asked to cancel an order on"), "{why}");
    assert_eq!(pp["health"]["risk"], "low", "{pp}");
    let (os, ps) = (
        op["health"]["score"].as_u64().unwrap(),
        pp["health"]["score"].as_u64().unwrap(),
    );
    assert!(os < ps && ps <= 100, "{os} {ps}");
    assert_eq!(
        (op["conversations"].as_i64(), pp["conversations"].as_i64()),
        (Some(3), Some(1))
    );

    // The value comes from the shop's data.
    assert_eq!(op["value"]["status"], "found");
    assert_eq!(op["value"]["orders"], 2);
    assert_eq!(op["value"]["customer_since"], "2023-12-01");
    assert_eq!(
        op["value"]["spend"], 214.0,
        "A1013 delivered, A1014 cancelled: {op}"
    );
    assert_eq!(pp["value"]["customer_since"], "2023-08-30");
    assert!(
        why.contains("customer since 2023-12-01"),
        "the value adds a reason: {why}"
    );

    // Offers: the loyalty voucher for the long-time customer at risk, with why; not for Priya.
    let content = get(&app, "/api/v1/content", &agent.token).await;
    let pack_offers = content["offers"].as_array().unwrap();
    assert!(pack_offers.len() >= 3, "{content}");
    let loyalty = pack_offers.iter().find(|o| o["id"] == "loyalty_voucher").unwrap();
    assert!(loyalty["title"].as_str().unwrap().contains("Loyalty"));
    assert_eq!(loyalty["risk"], serde_json::json!(["high"]));
    assert_eq!(loyalty["min_customer_days"], 365);
    let known: Vec<&str> = pack_offers.iter().map(|o| o["id"].as_str().unwrap()).collect();
    let given = offer_ids(&op);
    assert!(
        given.contains(&"loyalty_voucher") && given.contains(&"goodwill_discount"),
        "{op}"
    );
    assert!(given.iter().all(|id| known.contains(id)));
    let voucher = op["offers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "loyalty_voucher")
        .unwrap();
    assert_eq!(
        voucher["why"], "At high risk and customer since 2023-12-01 (3 years).",
        "the why names the rules met with Oliver's values"
    );
    assert!(
        offer_ids(&pp).is_empty(),
        "a calm customer gets no retention offer: {pp}"
    );

    // The conversation detail embeds the same profile.
    let detail = app.detail(&conversations[2].0).await;
    assert_eq!(detail["customer_profile"]["health"]["risk"], "high");
    assert_eq!(detail["customer_profile"]["customer"]["id"], oliver_id.as_str());
    let calm = app.detail(&priya_conversation).await;
    assert_eq!(calm["customer_profile"]["health"]["risk"], "low");

    // A customer the shop does not know: no value, and a reason that says so.
    let (_, stranger) = contact(&app, "Sam", "sam@example.org", "Hello there").await;
    let sp = get(
        &app,
        &format!("/api/v1/customers/{stranger}/profile"),
        &agent.token,
    )
    .await;
    assert_eq!(sp["value"]["status"], "not_found");
    assert!(
        sp["value"]["orders"].is_null() && sp["value"]["customer_since"].is_null(),
        "{sp}"
    );
    assert!(reasons(&sp).contains("not found in the shop's data"), "{sp}");

    // Errors: no token, an unknown customer, a malformed id.
    let anonymous = app
        .get(&format!("/api/v1/customers/{oliver_id}/profile"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let unknown = format!(
        "/api/v1/customers/{}/profile",
        tandem_core::ids::CustomerId::new()
    );
    let response = app.get(&unknown).bearer_auth(&agent.token).send().await.unwrap();
    assert_error_shape(&body(response, StatusCode::NOT_FOUND).await);
    let response = app
        .get("/api/v1/customers/not-an-id/profile")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert!(
        status == StatusCode::BAD_REQUEST || status == StatusCode::NOT_FOUND,
        "{status}"
    );
    assert_error_shape(&response.json().await.unwrap());

    // The at-risk list: lowest score first, filtered by risk; days checked.
    let list = get(&app, "/api/v1/insights/customers?days=30", &agent.token).await;
    let listed = list["customers"].as_array().unwrap();
    assert_eq!(listed.len(), 3, "{list}");
    assert_eq!(listed[0]["customer"]["id"], oliver_id.as_str());
    assert_eq!(listed[0]["conversations"], 3);
    assert_eq!(listed[0]["value"]["orders"], 2);
    let scores: Vec<u64> = listed
        .iter()
        .map(|c| c["health"]["score"].as_u64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "{scores:?}");
    let low = get(&app, "/api/v1/insights/customers?days=7&risk=low", &agent.token).await;
    let low: Vec<&str> = low["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["customer"]["email"].as_str().unwrap())
        .collect();
    assert_eq!(low, ["priya.patel@example.com", "sam@example.org"]);
    for query in ["days=0", "days=91", "days=abc", "risk=extreme"] {
        let response = app
            .get(&format!("/api/v1/insights/customers?{query}"))
            .bearer_auth(&agent.token)
            .send()
            .await
            .unwrap();
        assert_error_shape(&body(response, StatusCode::BAD_REQUEST).await);
    }
    let anonymous = app.get("/api/v1/insights/customers").send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
