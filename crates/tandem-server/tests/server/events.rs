//! The feed of committed events (`GET /api/v1/events`) and the live sockets' replay (`?after=SEQ`).

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{body, connect_ws, error, next_event, spawn_app, sync_ws, TestApp};

async fn feed(app: &TestApp, token: &str, query: &str) -> reqwest::Response {
    app.get(&format!("/api/v1/events{query}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("feed request")
}

fn seqs(events: &Value) -> Vec<i64> {
    events["events"]
        .as_array()
        .expect("an events array")
        .iter()
        .map(|e| e["seq"].as_i64().expect("a seq"))
        .collect()
}

#[tokio::test]
async fn supervisors_page_through_every_event_in_order() {
    let app = spawn_app().await;
    let supervisor = app.create_staff("sam@example.com", "supervisor").await;
    let agent = app.create_staff("ana@example.com", "agent").await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let asked = app.customer_says(&ada, "Where is my parcel?").await;
    app.staff_says(&supervisor.token, &ada.conversation_id, "Hi Ada", false)
        .await;

    let anonymous = app.get("/api/v1/events").send().await.unwrap();
    error(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    error(
        feed(&app, &agent.token, "").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    for (query, code) in [
        ("?limit=0", "invalid_limit"),
        ("?limit=1001", "invalid_limit"),
        ("?after=-1", "invalid_after"),
        ("?after=abc", "invalid_after"),
    ] {
        error(
            feed(&app, &app.admin_token, query).await,
            StatusCode::BAD_REQUEST,
            code,
        )
        .await;
    }

    let all = body(feed(&app, &supervisor.token, "?limit=1000").await, StatusCode::OK).await;
    let seqs_all = seqs(&all);
    assert!(seqs_all.windows(2).all(|w| w[0] < w[1]), "{seqs_all:?}");
    assert_eq!(all["next_after"], json!(seqs_all.last().unwrap()));
    let mine: Vec<&Value> = all["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["conversation_id"] == ada.conversation_id.as_str())
        .collect();
    let types: Vec<&str> = mine.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "conversation_created",
            "message_created",
            "message_created",
            "conversation_updated",
            "conversation_updated"
        ],
        "{mine:?}"
    );
    assert_eq!(mine[1]["data"]["message_id"], asked["id"]);
    assert_eq!(mine[1]["data"]["author"], "customer");
    assert!(mine
        .iter()
        .all(|e| e["at"].as_str().is_some_and(|at| at.contains('T'))));

    // Paging by two gives exactly the same sequence; after the end the page is empty.
    let mut paged = Vec::new();
    let mut after = 0;
    loop {
        let page = body(
            feed(&app, &app.admin_token, &format!("?after={after}&limit=2")).await,
            StatusCode::OK,
        )
        .await;
        let page_seqs = seqs(&page);
        assert!(page_seqs.len() <= 2);
        if page_seqs.is_empty() {
            assert_eq!(page["next_after"], json!(after));
            break;
        }
        after = page["next_after"].as_i64().unwrap();
        paged.extend(page_seqs);
    }
    assert_eq!(paged, seqs_all);
    let default = body(feed(&app, &app.admin_token, "").await, StatusCode::OK).await;
    assert_eq!(
        seqs(&default),
        seqs_all,
        "without parameters: from the start, up to 100"
    );
}

#[tokio::test]
async fn a_staff_socket_replays_what_it_missed_then_goes_live() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let first = app.customer_says(&ada, "first").await;
    let all = body(feed(&app, &app.admin_token, "").await, StatusCode::OK).await;
    // After the conversation was created (setting up, the admin's creation was audited first).
    let start = all["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "conversation_created")
        .unwrap()["seq"]
        .as_i64()
        .unwrap();
    app.staff_says(&app.admin_token, &ada.conversation_id, "a note", true)
        .await;

    let url = app.ws_url(&format!("/api/v1/live?token={}&after={start}", app.admin_token));
    let mut socket = connect_ws(&url).await;
    let replayed = sync_ws(&mut socket).await;
    let texts: Vec<&Value> = replayed.iter().map(|f| &f["message"]["text"]).collect();
    assert_eq!(texts, [&json!("first"), &json!("a note")], "{replayed:?}");
    assert_eq!(replayed[0]["message"]["id"], first["id"]);
    assert!(replayed.iter().all(|f| f["seq"].as_i64().unwrap() > start));

    app.customer_says(&ada, "second").await;
    let live = next_event(&mut socket).await;
    assert_eq!(live["message"]["text"], "second");
    assert!(live["seq"].as_i64().unwrap() > replayed[1]["seq"].as_i64().unwrap());

    let bad = app.ws_url(&format!("/api/v1/live?token={}&after=-5", app.admin_token));
    assert_eq!(crate::support::ws_refused(&bad).await, 400);
}

#[tokio::test]
async fn a_customer_replay_has_their_messages_but_no_notes() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let eve = app.start_conversation("Eve", "eve@example.org").await;
    app.customer_says(&ada, "hello").await;
    app.customer_says(&eve, "Eve's question").await;
    app.staff_says(&app.admin_token, &ada.conversation_id, "SECRET note", true)
        .await;
    app.staff_says(&app.admin_token, &ada.conversation_id, "Hi Ada", false)
        .await;
    let url = app.ws_url(&format!(
        "/api/v1/widget/conversations/{}/live?token={}&after=0",
        ada.conversation_id, ada.token
    ));
    let mut socket = connect_ws(&url).await;
    let replayed = sync_ws(&mut socket).await;
    let shown: Vec<String> = replayed
        .iter()
        .map(|f| match f["type"].as_str().unwrap() {
            "message_created" => f["message"]["text"].as_str().unwrap().to_owned(),
            other => format!("{other}:{}", f["status"].as_str().unwrap_or("")),
        })
        .collect();
    assert_eq!(
        shown,
        [
            "status_changed:assigned",
            "hello",
            "Hi Ada",
            "status_changed:assigned"
        ],
        "{replayed:?}"
    );
    assert!(replayed.iter().all(|f| f["seq"].as_i64().is_some()));
}
