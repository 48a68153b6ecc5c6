//! Article drafts from agents' answers, over HTTP on the demo pack: a case the bot could not
//! answer, handed over, answered by an agent and resolved becomes a draft (redacted); similar
//! questions share a draft, ranked by how many conversations it covers; no draft when the bot
//! answered, nobody replied or nobody took over; accepting publishes an article the bot answers
//! from; rejecting; permissions and bad input.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{body, demo_pack, error, spawn_demo_app, Customer, DemoApp, StaffMember, FAILURE_BOUND};

// Questions the demo bot does not understand (it asks to rephrase): the pack has nothing about
// Milan or a loyalty programme.
const MILAN_Q: &str = "Is there a shop in Milan?";
const MILAN_A: &str = "We have no store in Milan: our only store is in Portland, Oregon. We ship to Italy, \
     and you can try everything on at home and return it within 30 days.";
const GIFT_Q: &str = "Do you have a loyalty programme?";
const GIFT_A: &str = "Not at the moment, sorry! I'll pass the idea on to the team.";
const PERSON: &str = "Can I talk to a person, please?";

async fn drafts(app: &DemoApp, token: &str, query: &str) -> Vec<Value> {
    let listed = body(
        app.get(&format!("/api/v1/drafts{query}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    listed["drafts"].as_array().unwrap().clone()
}

fn covers(draft: &Value, conversation: &str) -> bool {
    draft["conversation_ids"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == conversation)
}

/// The pending draft covering the conversation, once the worker made it (fails after a while).
async fn draft_for(app: &DemoApp, token: &str, conversation: &str) -> Value {
    let deadline = tokio::time::Instant::now() + FAILURE_BOUND;
    loop {
        if let Some(d) = drafts(app, token, "")
            .await
            .into_iter()
            .find(|d| covers(d, conversation))
        {
            return d;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no draft covers {conversation}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The bot's decision kinds in the conversation, oldest first.
async fn kinds(app: &DemoApp, conversation: &str) -> Vec<String> {
    app.decisions(conversation)
        .await
        .iter()
        .map(|d| d["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// A customer asks `question` (then, with `person`, asks for a person); returns the conversation.
async fn asks(app: &DemoApp, name: &str, email: &str, question: &str, person: bool) -> Customer {
    let customer = app.start_conversation(name, email).await;
    app.customer_says(&customer, question).await;
    if person {
        app.customer_says(&customer, PERSON).await;
    }
    customer
}

/// The agent answers (unless `answer` is `None`) and resolves the conversation.
async fn answers_and_resolves(app: &DemoApp, agent: &StaffMember, conversation: &str, answer: Option<&str>) {
    if let Some(answer) = answer {
        app.staff_says(&agent.token, conversation, answer, false).await;
    }
    let resolved = app
        .update(&agent.token, conversation, json!({ "status": "resolved" }))
        .await;
    assert_eq!(resolved.status(), StatusCode::OK);
}

/// A case the bot could not answer, handed over, answered by the agent and resolved.
async fn answered_case(app: &DemoApp, agent: &StaffMember, who: (&str, &str), q: &str, a: &str) -> String {
    let customer = asks(app, who.0, who.1, q, true).await;
    let conversation = customer.conversation_id.clone();
    let detail = app.detail(&conversation).await;
    assert!(
        ["queued", "assigned"].contains(&detail["status"].as_str().unwrap()),
        "{q}: not handed over: {detail}"
    );
    let decided = kinds(app, &conversation).await;
    assert!(
        !decided.contains(&"answer".to_owned()),
        "{q}: the bot answered: {decided:?}"
    );
    answers_and_resolves(app, agent, &conversation, Some(a)).await;
    conversation
}

#[tokio::test]
async fn a_resolved_case_the_bot_could_not_answer_becomes_a_redacted_draft_once() {
    let app = spawn_demo_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let trainer = app.create_staff("trainer@example.org", "trainer").await;
    let question = format!("{MILAN_Q} You can write to me at giulia.bianchi@example.com");
    let conversation = answered_case(
        &app,
        &agent,
        ("Giulia Bianchi", "giulia.bianchi@example.com"),
        &question,
        "We have no store in Milan, sorry: our only store is in Portland, Oregon.",
    )
    .await;

    let draft = draft_for(&app, &trainer.token, &conversation).await;
    assert_eq!(
        draft["question"],
        format!("{MILAN_Q} You can write to me at [EMAIL]"),
        "the question, redacted"
    );
    assert_eq!(
        draft["answer"],
        "We have no store in Milan, sorry: our only store is in Portland, Oregon."
    );
    assert_eq!(draft["status"], "pending");
    assert_eq!(draft["count"], 1);
    assert_eq!(draft["conversation_ids"], json!([conversation]));
    assert!(draft["created_at"].is_string() && draft["id"].is_string());
    assert!(!draft.to_string().contains("giulia.bianchi@"), "{draft}");

    // Resolving again, or reopening and resolving, adds nothing.
    for status in ["resolved", "queued", "resolved"] {
        let response = app
            .update(&agent.token, &conversation, json!({ "status": status }))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{status}");
    }
    // A later case shows the worker went past those changes.
    let later = answered_case(&app, &agent, ("Luca Ferri", "luca@example.com"), GIFT_Q, GIFT_A).await;
    draft_for(&app, &trainer.token, &later).await;
    let listed = drafts(&app, &trainer.token, "").await;
    let covering: Vec<&Value> = listed.iter().filter(|d| covers(d, &conversation)).collect();
    assert_eq!(covering.len(), 1, "{listed:?}");
    assert_eq!(covering[0]["count"], 1);

    // Only trainers, supervisors and admins see drafts.
    let refused = app
        .get("/api/v1/drafts")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap();
    error(refused, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(drafts(&app, &app.admin_token, "").await.len(), 2);
    let one = body(
        app.get(&format!("/api/v1/drafts/{}", draft["id"].as_str().unwrap()))
            .bearer_auth(&trainer.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(one["draft"]["id"], draft["id"]);

    // Erasing Giulia takes her conversation out of the drafts, and her draft with it.
    let giulia = app.detail(&conversation).await["customer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let erased = app
        .delete(&format!("/api/v1/customers/{giulia}"))
        .bearer_auth(&app.admin_token)
        .json(&json!({ "reason": "customer request" }))
        .send()
        .await
        .unwrap();
    assert_eq!(erased.status(), StatusCode::OK);
    let left = drafts(&app, &trainer.token, "").await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(covers(&left[0], &later));
    let gone = app
        .get(&format!("/api/v1/drafts/{}", draft["id"].as_str().unwrap()))
        .bearer_auth(&trainer.token)
        .send()
        .await
        .unwrap();
    error(gone, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn similar_questions_share_a_draft_ranked_by_the_conversations_it_covers() {
    let app = spawn_demo_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let gift = answered_case(&app, &agent, ("Luca Ferri", "luca@example.com"), GIFT_Q, GIFT_A).await;
    let first = answered_case(
        &app,
        &agent,
        ("Giulia Bianchi", "giulia@example.com"),
        MILAN_Q,
        MILAN_A,
    )
    .await;
    let second = answered_case(
        &app,
        &agent,
        ("Marco Neri", "marco@example.com"),
        "Is there a shop in Milan I could visit?",
        "Only in Portland, I'm afraid.",
    )
    .await;
    let draft = draft_for(&app, &app.admin_token, &second).await;
    assert_eq!(draft["conversation_ids"], json!([first, second]));
    assert_eq!(draft["count"], 2);
    assert_eq!(draft["question"], MILAN_Q, "the first conversation's question");
    assert_eq!(draft["answer"], MILAN_A);
    assert_eq!(
        draft["questions"],
        json!([MILAN_Q, "Is there a shop in Milan I could visit?"])
    );
    let listed = drafts(&app, &app.admin_token, "").await;
    let order: Vec<Value> = listed.iter().map(|d| d["conversation_ids"].clone()).collect();
    assert_eq!(
        order,
        vec![json!([first, second]), json!([gift])],
        "most conversations first; the gift question is a draft of its own"
    );
}

#[tokio::test]
async fn no_draft_when_the_bot_answered_nobody_replied_or_nobody_took_over() {
    let app = spawn_demo_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    // The bot answered; the customer asked for a person anyway, who replied.
    let answered = asks(
        &app,
        "Ann",
        "ann@example.com",
        "What is your return policy?",
        true,
    )
    .await;
    assert!(kinds(&app, &answered.conversation_id)
        .await
        .contains(&"answer".to_owned()));
    answers_and_resolves(&app, &agent, &answered.conversation_id, Some("Anything else?")).await;
    // Handed over, but the agent only wrote a note.
    let noted = asks(&app, "Ben", "ben@example.com", MILAN_Q, true).await;
    app.staff_says(
        &agent.token,
        &noted.conversation_id,
        "Nobody asked this before",
        true,
    )
    .await;
    answers_and_resolves(&app, &agent, &noted.conversation_id, None).await;
    // Never handed over: the bot asked the customer to rephrase, and the agent closed it.
    let never = asks(&app, "Cat", "cat@example.com", GIFT_Q, false).await;
    let decided = app.decisions(&never.conversation_id).await;
    assert!(decided.iter().all(|d| d["kind"] != "handoff"), "{decided:?}");
    answers_and_resolves(&app, &agent, &never.conversation_id, None).await;
    // A case that does make a draft, resolved last: once it is listed, the others were considered.
    let made = answered_case(&app, &agent, ("Dan", "dan@example.com"), MILAN_Q, MILAN_A).await;
    draft_for(&app, &app.admin_token, &made).await;
    let listed = drafts(&app, &app.admin_token, "").await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["conversation_ids"], json!([made]));
}

async fn accept(app: &DemoApp, token: &str, id: &str, request: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/drafts/{id}/accept"))
        .bearer_auth(token)
        .json(&request)
        .send()
        .await
        .unwrap()
}

async fn reject(app: &DemoApp, token: &str, id: &str, request: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/drafts/{id}/reject"))
        .bearer_auth(token)
        .json(&request)
        .send()
        .await
        .unwrap()
}

/// A new customer asks `text`: the bot's last decision and its replies.
async fn new_customer_asks(app: &DemoApp, text: &str) -> (Value, Vec<Value>) {
    let customer = app
        .start_conversation("Anna Conti", "anna.conti@example.com")
        .await;
    app.customer_says(&customer, text).await;
    let decided = app.decisions(&customer.conversation_id).await;
    let replies = app
        .customer_messages(&customer)
        .await
        .into_iter()
        .filter(|m| m["author"] == "bot")
        .collect();
    (decided.last().cloned().unwrap_or(Value::Null), replies)
}

#[tokio::test]
async fn an_accepted_draft_becomes_an_article_the_bot_answers_similar_questions_from() {
    let app = spawn_demo_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let trainer = app.create_staff("trainer@example.org", "trainer").await;
    let paraphrase = "Any shop in Milan?";
    let (before, _) = new_customer_asks(&app, paraphrase).await;
    assert_ne!(
        before["kind"], "answer",
        "the pack knows nothing of Milan: {before}"
    );
    let conversation = answered_case(
        &app,
        &agent,
        ("Giulia Bianchi", "giulia@example.com"),
        MILAN_Q,
        MILAN_A,
    )
    .await;
    let draft = draft_for(&app, &trainer.token, &conversation).await;
    let id = draft["id"].as_str().unwrap().to_owned();
    let title = "Do you have a store in Milan or elsewhere in Italy?";
    let request = json!({ "slug": "stores", "title": title, "body": MILAN_A });

    let refused = accept(&app, &agent.token, &id, request.clone()).await;
    error(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let accepted = body(
        accept(&app, &trainer.token, &id, request.clone()).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(accepted["draft"]["status"], "accepted");
    assert_eq!(accepted["draft"]["article"], "stores");
    assert_eq!(accepted["article"]["title"], title);
    assert_eq!(accepted["created"], true);
    let intent = accepted["intent"]
        .as_str()
        .expect("the bot's FAQ guess")
        .to_owned();
    assert_eq!(accepted["examples_added"], json!([MILAN_Q]), "{accepted}");
    assert_eq!(accepted["model_updated"], true, "{accepted}");

    // The article is content like any other: listed, tagged like the intent, versioned, audited.
    let content = app.content().await;
    let article = content["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["slug"] == "stores")
        .expect("the article is listed")
        .clone();
    assert_eq!(article["title"], title);
    let def = content["intents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == intent.as_str())
        .unwrap()
        .clone();
    assert!(def["examples"].as_array().unwrap().contains(&json!(MILAN_Q)));
    assert_eq!(def["kind"], "faq");
    let pack = demo_pack();
    let tags = &pack
        .intents
        .iter()
        .find(|i| i.name == intent)
        .unwrap()
        .article_tags;
    assert!(
        article["tags"].as_array().unwrap().contains(&json!(tags[0])),
        "tagged like `{intent}`: {article}"
    );
    let versions = body(
        app.get("/api/v1/content/articles/stores/versions")
            .bearer_auth(&trainer.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(versions["versions"][0]["author"], "trainer@example.org");
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
            .any(|e| e["action"] == "draft.accepted" && e["target"] == format!("draft:{id}")),
        "{audit}"
    );

    // A new customer asking in other words gets the article, with it as the source.
    let (after, replies) = new_customer_asks(&app, paraphrase).await;
    assert_eq!(after["kind"], "answer", "{after}");
    let said: String = replies
        .iter()
        .map(|r| r["text"].as_str().unwrap_or_default())
        .collect();
    assert!(said.contains("Portland, Oregon"), "{said}");
    let sources: Vec<Value> = replies
        .iter()
        .flat_map(|r| r["sources"].as_array().cloned().unwrap_or_default())
        .collect();
    assert!(sources.iter().any(|s| s["title"] == title), "{sources:?}");

    // Accepted: no longer pending, listed as accepted, not accepted twice.
    assert!(drafts(&app, &trainer.token, "").await.is_empty());
    assert_eq!(drafts(&app, &trainer.token, "?status=accepted").await.len(), 1);
    let again = accept(&app, &trainer.token, &id, request).await;
    error(again, StatusCode::CONFLICT, "draft_decided").await;
}

#[tokio::test]
async fn rejecting_a_draft_and_bad_requests() {
    let app = spawn_demo_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let trainer = app.create_staff("trainer@example.org", "trainer").await;
    let conversation = answered_case(&app, &agent, ("Luca Ferri", "luca@example.com"), GIFT_Q, GIFT_A).await;
    let draft = draft_for(&app, &trainer.token, &conversation).await;
    let id = draft["id"].as_str().unwrap().to_owned();

    // Bad acceptances change nothing.
    let article = |slug: &str| json!({ "slug": slug, "title": "Gift wrapping", "body": GIFT_A });
    error(
        accept(&app, &trainer.token, &id, article("Not a slug!")).await,
        StatusCode::BAD_REQUEST,
        "invalid_slug",
    )
    .await;
    let mut empty = article("gift-wrapping");
    empty["body"] = json!("  ");
    error(
        accept(&app, &trainer.token, &id, empty).await,
        StatusCode::BAD_REQUEST,
        "invalid_article_body",
    )
    .await;
    for intent in ["no_such_intent", "track_order"] {
        let mut with = article("gift-wrapping");
        with["intent"] = json!(intent);
        error(
            accept(&app, &trainer.token, &id, with).await,
            StatusCode::BAD_REQUEST,
            "invalid_draft_intent",
        )
        .await;
    }
    error(
        accept(&app, &trainer.token, &id, json!({ "title": "x", "body": "y" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    let mut extra = article("gift-wrapping");
    extra["colour"] = json!("red");
    error(
        accept(&app, &trainer.token, &id, extra).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    let malformed = app
        .post(&format!("/api/v1/drafts/{id}/accept"))
        .bearer_auth(&trainer.token)
        .header("content-type", "application/json")
        .body("{\"slug\":")
        .send()
        .await
        .unwrap();
    error(malformed, StatusCode::BAD_REQUEST, "malformed_json").await;
    assert!(!app.content().await["articles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["slug"] == "gift-wrapping"));
    let listed = drafts(&app, &trainer.token, "").await;
    assert_eq!(listed.len(), 1);

    // Unknown drafts, bad statuses, agents.
    for path in ["/api/v1/drafts/nope/accept", "/api/v1/drafts/nope/reject"] {
        let response = app
            .post(path)
            .bearer_auth(&trainer.token)
            .json(&article("gift-wrapping"))
            .send()
            .await
            .unwrap();
        let code = if path.ends_with("accept") {
            "not_found"
        } else {
            "invalid_body"
        };
        let status = if path.ends_with("accept") {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        error(response, status, code).await;
    }
    error(
        reject(&app, &trainer.token, "nope", json!({})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let missing = app
        .get("/api/v1/drafts/nope")
        .bearer_auth(&trainer.token)
        .send()
        .await
        .unwrap();
    error(missing, StatusCode::NOT_FOUND, "not_found").await;
    let bad_status = app
        .get("/api/v1/drafts?status=maybe")
        .bearer_auth(&trainer.token)
        .send()
        .await
        .unwrap();
    error(bad_status, StatusCode::BAD_REQUEST, "invalid_status").await;
    error(
        reject(&app, &agent.token, &id, json!({})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // The trainer rejects it: no longer pending, listed as rejected, not decided twice.
    let rejected = body(reject(&app, &trainer.token, &id, json!({})).await, StatusCode::OK).await;
    assert_eq!(rejected["draft"]["status"], "rejected");
    assert!(drafts(&app, &trainer.token, "").await.is_empty());
    assert_eq!(drafts(&app, &trainer.token, "?status=rejected").await.len(), 1);
    error(
        reject(&app, &trainer.token, &id, json!({})).await,
        StatusCode::CONFLICT,
        "draft_decided",
    )
    .await;
    error(
        accept(&app, &trainer.token, &id, article("gift-wrapping")).await,
        StatusCode::CONFLICT,
        "draft_decided",
    )
    .await;
}
