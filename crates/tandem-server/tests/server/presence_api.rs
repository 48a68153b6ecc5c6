//! Unread markers over the API, and the rules of presence and typing frames on live sockets: who
//! may speak for whom, what each audience is told, and what is throttled.

use futures::SinkExt;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message as WsMessage;

use crate::support::{
    body, connect_ws, error, list, next_event, spawn_app, sync_ws, Customer, StaffMember, TestApp, Ws,
};

/// A staff member with a given full name, logged in.
pub async fn named_staff(app: &TestApp, email: &str, name: &str) -> StaffMember {
    let password = "a long password 123".to_owned();
    let created = app
        .post("/api/v1/users")
        .bearer_auth(&app.admin_token)
        .json(&json!({ "email": email, "name": name, "role": "agent", "password": password }))
        .send()
        .await
        .unwrap();
    let created = body(created, StatusCode::CREATED).await;
    let login = app.login_ok(email, &password).await;
    StaffMember {
        id: created["user"]["id"].as_str().unwrap().to_owned(),
        email: email.to_owned(),
        password,
        token: login["token"].as_str().unwrap().to_owned(),
    }
}

async fn staff_socket(app: &TestApp, token: &str) -> Ws {
    let mut ws = connect_ws(&app.ws_url(&format!("/api/v1/live?token={token}"))).await;
    sync_ws(&mut ws).await;
    ws
}

async fn customer_socket(app: &TestApp, customer: &Customer) -> Ws {
    let mut ws = connect_ws(&app.ws_url(&format!(
        "/api/v1/widget/conversations/{}/live?token={}",
        customer.conversation_id, customer.token
    )))
    .await;
    sync_ws(&mut ws).await;
    ws
}

async fn say(ws: &mut Ws, frame: Value) {
    ws.send(WsMessage::Text(frame.to_string().into())).await.unwrap();
}

async fn presence(ws: &mut Ws, conversation: &str, activity: &str) {
    say(
        ws,
        json!({ "type": "presence", "conversation_id": conversation, "activity": activity }),
    )
    .await;
}

/// The next frame that is not a committed event's (those carry `seq`).
async fn next_ephemeral(ws: &mut Ws) -> Value {
    loop {
        let frame = next_event(ws).await;
        if frame.get("seq").is_none() {
            return frame;
        }
    }
}

/// Nothing ephemeral arrived before the socket answered a ping sent now.
async fn nothing_ephemeral(ws: &mut Ws) {
    let before = sync_ws(ws).await;
    let ephemeral: Vec<&Value> = before.iter().filter(|f| f.get("seq").is_none()).collect();
    assert!(ephemeral.is_empty(), "unexpected frames: {ephemeral:?}");
}

fn unread_of(page: &Value, conversation: &str) -> i64 {
    page["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == conversation)
        .unwrap_or_else(|| panic!("{conversation} is not listed: {page}"))["unread"]
        .as_i64()
        .unwrap()
}

async fn mark_read(app: &TestApp, token: &str, conversation: &str) -> reqwest::Response {
    app.post(&format!("/api/v1/conversations/{conversation}/read"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn unread_cases(app: &TestApp, token: &str) -> i64 {
    let response = app
        .get("/api/v1/conversations/unread")
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    body(response, StatusCode::OK).await["cases"].as_i64().unwrap()
}

#[tokio::test]
async fn unread_counts_are_per_staff_member_and_go_when_read() {
    let app = spawn_app().await;
    let sam = named_staff(&app, "sam@example.org", "Sam Carter").await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let id = ada.conversation_id.clone();
    let queued = app
        .update(&app.admin_token, &id, json!({ "status": "queued" }))
        .await;
    assert!(queued.status().is_success());
    app.customer_says(&ada, "Where is my parcel?").await;
    app.customer_says(&ada, "Hello?").await;
    app.staff_says(&app.admin_token, &id, "internal: checking", true)
        .await;

    assert_eq!(unread_of(&list(&app, &app.admin_token, "").await, &id), 2);
    assert_eq!(app.detail(&id).await["unread"], 2);
    assert_eq!(unread_cases(&app, &app.admin_token).await, 1);
    assert_eq!(unread_cases(&app, &sam.token).await, 1);

    let mut admin_ws = staff_socket(&app, &app.admin_token).await;
    let mut sam_ws = staff_socket(&app, &sam.token).await;
    assert_eq!(
        mark_read(&app, &app.admin_token, &id).await.status(),
        StatusCode::NO_CONTENT
    );
    // The reader's other tabs and devices are told; nobody else.
    assert_eq!(
        next_ephemeral(&mut admin_ws).await,
        json!({ "type": "read", "conversation_id": id })
    );
    nothing_ephemeral(&mut sam_ws).await;

    assert_eq!(unread_of(&list(&app, &app.admin_token, "").await, &id), 0);
    assert_eq!(app.detail(&id).await["unread"], 0);
    assert_eq!(unread_cases(&app, &app.admin_token).await, 0);
    assert_eq!(
        unread_of(&list(&app, &sam.token, "").await, &id),
        2,
        "Sam has not read it"
    );

    // An agent's reply is no unread message; the customer's answer is.
    app.staff_says(&app.admin_token, &id, "It is on its way.", false)
        .await;
    assert_eq!(unread_of(&list(&app, &app.admin_token, "").await, &id), 0);
    app.customer_says(&ada, "Thanks!").await;
    assert_eq!(unread_of(&list(&app, &app.admin_token, "").await, &id), 1);
    // Now the admin's case: Sam no longer counts it in his inbox, though it is unread for him.
    assert_eq!(unread_cases(&app, &app.admin_token).await, 1);
    assert_eq!(unread_cases(&app, &sam.token).await, 0);

    error(
        mark_read(&app, &app.admin_token, "00000000-0000-0000-0000-000000000000").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let malformed = mark_read(&app, &app.admin_token, "nope").await;
    assert_eq!(malformed.status(), StatusCode::NOT_FOUND);
    let anonymous = app
        .post(&format!("/api/v1/conversations/{id}/read"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_customer_socket_types_only_for_its_own_conversation() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let eve = app.start_conversation("Eve", "eve@example.org").await;
    let mut staff = staff_socket(&app, &app.admin_token).await;
    let mut ada_ws = customer_socket(&app, &ada).await;
    let mut eve_ws = customer_socket(&app, &eve).await;

    say(
        &mut ada_ws,
        json!({ "type": "typing", "conversation_id": eve.conversation_id }),
    )
    .await;
    let refused = next_ephemeral(&mut ada_ws).await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["error"]["code"], "forbidden", "{refused}");
    // A customer cannot pose as staff either.
    say(
        &mut ada_ws,
        json!({ "type": "presence", "conversation_id": ada.conversation_id, "activity": "reply" }),
    )
    .await;
    assert_eq!(next_ephemeral(&mut ada_ws).await["error"]["code"], "forbidden");
    say(&mut ada_ws, json!("not a frame")).await;
    assert_eq!(next_ephemeral(&mut ada_ws).await["error"]["code"], "bad_request");
    nothing_ephemeral(&mut staff).await;

    say(&mut ada_ws, json!({ "type": "typing" })).await;
    assert_eq!(
        next_ephemeral(&mut staff).await,
        json!({ "type": "typing", "conversation_id": ada.conversation_id, "author": "customer" })
    );
    // Typing again at once is dropped (throttled), and no customer hears another typing.
    say(
        &mut ada_ws,
        json!({ "type": "typing", "conversation_id": ada.conversation_id }),
    )
    .await;
    nothing_ephemeral(&mut staff).await;
    nothing_ephemeral(&mut ada_ws).await;
    nothing_ephemeral(&mut eve_ws).await;
}

#[tokio::test]
async fn the_customer_sees_an_agent_typing_a_reply_never_a_note_and_only_the_signed_name() {
    let app = spawn_app().await;
    let sam = named_staff(&app, "sam@example.org", "Sam Carter").await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let eve = app.start_conversation("Eve", "eve@example.org").await;
    let id = ada.conversation_id.clone();
    let mut ada_ws = customer_socket(&app, &ada).await;
    let mut eve_ws = customer_socket(&app, &eve).await;
    let mut sam_ws = staff_socket(&app, &sam.token).await;
    let mut admin_ws = staff_socket(&app, &app.admin_token).await;

    presence(&mut sam_ws, &id, "viewing").await;
    presence(&mut sam_ws, &id, "note").await;
    presence(&mut sam_ws, &id, "reply").await;

    // Colleagues see all of it, with the full name; the customer only the reply, first name only.
    for activity in ["viewing", "note", "reply"] {
        let seen = next_ephemeral(&mut admin_ws).await;
        assert_eq!(
            seen,
            json!({ "type": "presence", "conversation_id": id, "user_id": sam.id,
                    "name": "Sam Carter", "activity": activity })
        );
    }
    let typing = next_ephemeral(&mut ada_ws).await;
    assert_eq!(
        typing,
        json!({ "type": "typing", "conversation_id": id, "author": "agent", "name": "Sam" })
    );
    assert!(!typing.to_string().contains("Carter") && !typing.to_string().contains(&sam.id));
    nothing_ephemeral(&mut ada_ws).await;
    nothing_ephemeral(&mut eve_ws).await;
    // Nobody is told about themselves.
    nothing_ephemeral(&mut sam_ws).await;
}

#[tokio::test]
async fn a_staff_socket_speaks_only_as_its_own_user_and_presence_ends_with_the_case_or_socket() {
    let app = spawn_app().await;
    let sam = named_staff(&app, "sam@example.org", "Sam Carter").await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let eve = app.start_conversation("Eve", "eve@example.org").await;
    let (a, e) = (ada.conversation_id.clone(), eve.conversation_id.clone());
    let mut sam_ws = staff_socket(&app, &sam.token).await;
    let mut admin_ws = staff_socket(&app, &app.admin_token).await;

    say(
        &mut sam_ws,
        json!({ "type": "presence", "conversation_id": a, "activity": "reply", "user_id": app.admin_id }),
    )
    .await;
    assert_eq!(next_ephemeral(&mut sam_ws).await["error"]["code"], "forbidden");
    presence(&mut sam_ws, &a, "dancing").await;
    assert_eq!(next_ephemeral(&mut sam_ws).await["error"]["code"], "bad_request");
    presence(&mut sam_ws, "00000000-0000-0000-0000-000000000000", "viewing").await;
    assert_eq!(next_ephemeral(&mut sam_ws).await["error"]["code"], "not_found");
    say(&mut sam_ws, json!({ "type": "typing", "conversation_id": a })).await;
    assert_eq!(next_ephemeral(&mut sam_ws).await["type"], "error");
    nothing_ephemeral(&mut admin_ws).await;

    // Speaking as himself, with his own id, is fine.
    say(
        &mut sam_ws,
        json!({ "type": "presence", "conversation_id": a, "activity": "viewing", "user_id": sam.id }),
    )
    .await;
    assert_eq!(next_ephemeral(&mut admin_ws).await["activity"], "viewing");
    // A reply frame repeated at once is dropped; a note right after is not.
    presence(&mut sam_ws, &a, "reply").await;
    presence(&mut sam_ws, &a, "reply").await;
    presence(&mut sam_ws, &a, "note").await;
    assert_eq!(next_ephemeral(&mut admin_ws).await["activity"], "reply");
    assert_eq!(next_ephemeral(&mut admin_ws).await["activity"], "note");

    // Opening another case leaves the first.
    presence(&mut sam_ws, &e, "viewing").await;
    let left = next_ephemeral(&mut admin_ws).await;
    assert_eq!(
        (left["conversation_id"].as_str(), left["activity"].as_str()),
        (Some(a.as_str()), Some("left"))
    );
    let viewing = next_ephemeral(&mut admin_ws).await;
    assert_eq!(
        (viewing["conversation_id"].as_str(), viewing["activity"].as_str()),
        (Some(e.as_str()), Some("viewing"))
    );

    // Closing the socket leaves the case it had open.
    sam_ws.close(None).await.unwrap();
    let gone = next_ephemeral(&mut admin_ws).await;
    assert_eq!(
        (gone["conversation_id"].as_str(), gone["activity"].as_str()),
        (Some(e.as_str()), Some("left"))
    );
    assert_eq!(gone["user_id"], sam.id);
}
