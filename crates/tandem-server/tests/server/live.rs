//! Live events over WebSocket: what one client writes reaches the others who may see it.

use serde_json::{json, Value};

use crate::support::{connect_ws, expect_closed, next_event, spawn_app, sync_ws, ws_refused};

#[tokio::test]
async fn an_agent_socket_receives_the_message_a_customer_posts_over_http() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let mut agent = connect_ws(&app.ws_url(&format!("/api/v1/live?token={}", app.admin_token))).await;
    assert_eq!(sync_ws(&mut agent).await, Vec::<Value>::new());

    let posted = app.customer_says(&ada, "Is anyone there?").await;

    let event = next_event(&mut agent).await;
    assert_eq!(event["type"], "message_created", "{event}");
    assert_eq!(event["conversation_id"], ada.conversation_id.as_str());
    assert_eq!(
        crate::support::as_customer_sees(&event["message"]),
        posted,
        "the frame carries the stored message"
    );

    // Staff also see internal notes and conversation changes, in the order they happened.
    app.staff_says(&app.admin_token, &ada.conversation_id, "staff-only note", true)
        .await;
    app.staff_says(&app.admin_token, &ada.conversation_id, "Yes, hello!", false)
        .await;
    let note = next_event(&mut agent).await;
    assert_eq!(
        (note["type"].clone(), note["message"]["internal"].clone()),
        (json!("message_created"), json!(true))
    );
    let reply = next_event(&mut agent).await;
    assert_eq!(reply["message"]["text"], "Yes, hello!");
    let assigned = next_event(&mut agent).await;
    assert_eq!(assigned["type"], "conversation_updated", "{assigned}");
    assert_eq!(assigned["conversation"]["status"], "assigned");
    assert_eq!(assigned["conversation"]["assignee_id"], app.admin_id.as_str());
}

#[tokio::test]
async fn a_customer_socket_gets_replies_but_no_notes_and_nothing_from_other_conversations() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let eve = app.start_conversation("Eve", "eve@example.org").await;
    let url = app.ws_url(&format!(
        "/api/v1/widget/conversations/{}/live?token={}",
        ada.conversation_id, ada.token
    ));
    let mut customer = connect_ws(&url).await;
    assert_eq!(sync_ws(&mut customer).await, Vec::<Value>::new());

    // Things Ada must not be told, all published before the reply she must get.
    app.staff_says(
        &app.admin_token,
        &ada.conversation_id,
        "SECRET note about Ada",
        true,
    )
    .await;
    app.customer_says(&eve, "Eve's private question").await;
    app.staff_says(
        &app.admin_token,
        &eve.conversation_id,
        "Reply meant for Eve",
        false,
    )
    .await;
    let tagged = app
        .update(
            &app.admin_token,
            &eve.conversation_id,
            json!({ "add_tags": ["eve-only"] }),
        )
        .await;
    assert!(tagged.status().is_success());

    let reply = app
        .staff_says(
            &app.admin_token,
            &ada.conversation_id,
            "Hello Ada, how can I help?",
            false,
        )
        .await;

    // The bus keeps order, so anything Ada should not see would arrive before the reply.
    let first = next_event(&mut customer).await;
    assert_eq!(
        first["type"], "message_created",
        "the first frame Ada gets is the reply, got {first}"
    );
    // Signed with the agent's first name (the admin is "Administrator").
    let mut shown = crate::support::as_customer_sees(&reply);
    shown["author_name"] = "Administrator".into();
    assert_eq!(first["message"], shown);
    let mut second = next_event(&mut customer).await;
    let seq = second["seq"].take();
    assert!(
        seq.as_i64().unwrap() > first["seq"].as_i64().unwrap(),
        "frames carry increasing seq"
    );
    second.as_object_mut().unwrap().remove("seq");
    assert_eq!(
        second,
        json!({ "type": "status_changed", "conversation_id": ada.conversation_id, "status": "assigned" })
    );

    // Ada's own message comes back to her too.
    let mine = app.customer_says(&ada, "Thanks!").await;
    let third = next_event(&mut customer).await;
    assert_eq!(third["message"], mine);
    for frame in [&first, &second, &third] {
        let text = frame.to_string();
        assert!(
            !text.contains("SECRET") && !text.contains("Eve") && !text.contains(&eve.conversation_id),
            "{text}"
        );
    }
}

#[tokio::test]
async fn live_sockets_need_the_right_token() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let eve = app.start_conversation("Eve", "eve@example.org").await;

    assert_eq!(ws_refused(&app.ws_url("/api/v1/live")).await, 401);
    assert_eq!(
        ws_refused(&app.ws_url("/api/v1/live?token=tdm_forged")).await,
        401
    );
    assert_eq!(
        ws_refused(&app.ws_url(&format!("/api/v1/live?token={}", ada.token))).await,
        401
    );

    let ada_live = format!("/api/v1/widget/conversations/{}/live", ada.conversation_id);
    assert_eq!(ws_refused(&app.ws_url(&ada_live)).await, 401);
    assert_eq!(
        ws_refused(&app.ws_url(&format!("{ada_live}?token=garbage"))).await,
        401
    );
    assert_eq!(
        ws_refused(&app.ws_url(&format!("{ada_live}?token={}", eve.token))).await,
        403
    );
    let malformed = format!("/api/v1/widget/conversations/not-a-uuid/live?token={}", ada.token);
    assert_eq!(ws_refused(&app.ws_url(&malformed)).await, 404);
}

#[tokio::test]
async fn a_deactivated_users_live_socket_stops_receiving_events() {
    let app = spawn_app().await;
    let agent = app.create_staff("agent@example.org", "agent").await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let mut socket = connect_ws(&app.ws_url(&format!("/api/v1/live?token={}", agent.token))).await;
    sync_ws(&mut socket).await;

    let response = app
        .patch(&format!("/api/v1/users/{}", agent.id))
        .bearer_auth(&app.admin_token)
        .json(&json!({ "active": false }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    // Their HTTP session is gone...
    assert_eq!(
        app.get("/api/v1/auth/me")
            .bearer_auth(&agent.token)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    // ...so their socket must not carry the next internal note (it should be closed).
    app.staff_says(
        &app.admin_token,
        &ada.conversation_id,
        "note the ex-agent must not read",
        true,
    )
    .await;
    expect_closed(&mut socket).await;
}

/// One token holds at most 8 live sockets; the ninth is 429, and a place comes back when a socket
/// closes.
#[tokio::test]
async fn a_token_holds_a_bounded_number_of_live_sockets() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let url = app.ws_url(&format!(
        "/api/v1/widget/conversations/{}/live?token={}",
        ada.conversation_id, ada.token
    ));
    let mut sockets = Vec::new();
    for _ in 0..tandem_server::MAX_SOCKETS_PER_TOKEN {
        let mut socket = connect_ws(&url).await;
        sync_ws(&mut socket).await;
        sockets.push(socket);
    }
    assert_eq!(ws_refused(&url).await, 429);
    let mut first = sockets.remove(0);
    futures::SinkExt::close(&mut first).await.unwrap();
    drop(first);
    let started = std::time::Instant::now();
    loop {
        match tokio_tungstenite::connect_async(&url).await {
            Ok(_) => break,
            Err(_) => {
                assert!(
                    started.elapsed() < crate::support::FAILURE_BOUND,
                    "the place never came back"
                );
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }
}
