//! Issue defect 2 (the reply/note trap): an agent edits or deletes their own reply or note within
//! the edit window. The customer's view updates live and on reload (an edited reply is marked, a
//! deleted one says so and its words are gone everywhere: the store, the feed, replays); notes'
//! changes never reach the customer; anyone else's message, or one past the window, is refused
//! with a clear sentence. HTTP and WebSocket tests, and a browser test of the inbox and the widget.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use tandem_engine::EngineConfig;
use tandem_server::ServerConfig;

use crate::browser::{audit, binaries_or_skip, log_in, screenshot_dir};
use crate::support::*;
use crate::webdriver::Driver;

fn message_path(conversation: &str, message: &Value) -> String {
    format!(
        "/api/v1/conversations/{conversation}/messages/{}",
        message["id"].as_str().unwrap()
    )
}

async fn edit(
    app: &TestApp,
    token: &str,
    conversation: &str,
    message: &Value,
    text: &str,
) -> reqwest::Response {
    app.patch(&message_path(conversation, message))
        .bearer_auth(token)
        .json(&json!({ "text": text }))
        .send()
        .await
        .unwrap()
}

async fn delete(app: &TestApp, token: &str, conversation: &str, message: &Value) -> reqwest::Response {
    app.delete(&message_path(conversation, message))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// The next frame of this type (others, such as status changes, are skipped), with the frames
/// skipped on the way.
async fn next_of(ws: &mut Ws, kind: &str) -> (Value, Vec<Value>) {
    let mut skipped = Vec::new();
    loop {
        let frame = next_event(ws).await;
        if frame["type"] == kind {
            return (frame, skipped);
        }
        skipped.push(frame);
    }
}

fn customer_socket(app: &TestApp, customer: &Customer, after: Option<i64>) -> String {
    let after = after.map(|a| format!("&after={a}")).unwrap_or_default();
    app.ws_url(&format!(
        "/api/v1/widget/conversations/{}/live?token={}{after}",
        customer.conversation_id, customer.token
    ))
}

#[tokio::test]
async fn an_agent_edits_then_deletes_a_reply_and_its_words_are_gone_everywhere() {
    let app = spawn_app().await;
    let agent = app.create_staff("sam@example.org", "agent").await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    app.customer_says(&ada, "Where is my parcel?").await;
    let conversation = ada.conversation_id.clone();
    let mut customer = connect_ws(&customer_socket(&app, &ada, None)).await;
    sync_ws(&mut customer).await;
    let mut staff = connect_ws(&app.ws_url(&format!("/api/v1/live?token={}", app.admin_token))).await;
    sync_ws(&mut staff).await;

    let slip = app
        .staff_says(
            &agent.token,
            &conversation,
            "Between us: a serial-returner, ugh",
            false,
        )
        .await;
    let (created, _) = next_of(&mut customer, "message_created").await;
    assert_eq!(created["message"]["id"], slip["id"]);

    // First an edit: the new text and `edited_at`, live for the customer and staff.
    let edited = body(
        edit(
            &app,
            &agent.token,
            &conversation,
            &slip,
            "Let me check, one moment",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["text"], "Let me check, one moment");
    assert!(
        edited["edited_at"].is_string() && edited["deleted_at"].is_null(),
        "{edited}"
    );
    assert_eq!(edited["created_at"], slip["created_at"]);
    let (frame, _) = next_of(&mut customer, "message_updated").await;
    assert_eq!(frame["conversation_id"], conversation.as_str());
    assert_eq!(frame["message"]["text"], "Let me check, one moment");
    assert!(frame["message"]["edited_at"].is_string());
    assert!(frame["message"].get("author_user_id").is_none(), "{frame}");
    let (frame, _) = next_of(&mut staff, "message_updated").await;
    assert_eq!(frame["message"], edited);
    // The same text again changes nothing.
    let same = body(
        edit(
            &app,
            &agent.token,
            &conversation,
            &slip,
            "Let me check, one moment",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(same, edited);

    // Then it goes: no text, `deleted_at`, live.
    let deleted = body(
        delete(&app, &agent.token, &conversation, &slip).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(deleted["text"], "");
    assert!(deleted["deleted_at"].is_string(), "{deleted}");
    let (frame, _) = next_of(&mut customer, "message_updated").await;
    assert_eq!(frame["message"]["text"], "");
    assert!(frame["message"]["deleted_at"].is_string());
    let (frame, _) = next_of(&mut staff, "message_updated").await;
    assert_eq!(frame["message"]["deleted_at"], deleted["deleted_at"]);

    // On reload, for the customer and for staff: in its place, empty, marked deleted.
    let shown = app.customer_messages(&ada).await;
    let gone = shown.iter().find(|m| m["id"] == slip["id"]).unwrap();
    assert_eq!(
        (gone["text"].clone(), gone["deleted_at"].is_string()),
        (json!(""), true)
    );
    let detail = app.detail(&conversation).await;
    let gone = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == slip["id"])
        .unwrap();
    assert_eq!(gone["text"], "");

    // A replay from the start (a reconnecting widget) does not bring the words back.
    let mut replayed = connect_ws(&customer_socket(&app, &ada, Some(0))).await;
    let frames = sync_ws(&mut replayed).await;
    let again = frames
        .iter()
        .find(|f| f["type"] == "message_created" && f["message"]["id"] == slip["id"])
        .unwrap_or_else(|| panic!("the reply is replayed: {frames:?}"));
    assert_eq!(again["message"]["text"], "");
    assert!(again["message"]["deleted_at"].is_string());

    // The feed says what happened (edited, deleted) and the audit log who did it, never the words.
    let feed = body(
        app.get("/api/v1/events?after=0&limit=1000")
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let changes: Vec<&Value> = feed["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "message_updated")
        .map(|e| &e["data"]["change"])
        .collect();
    assert_eq!(changes, [&json!("edited"), &json!("deleted")]);
    let audit = body(
        app.get("/api/v1/audit")
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let entries: Vec<(&Value, &Value, &Value)> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target"] == format!("message:{}", slip["id"].as_str().unwrap()).as_str())
        .map(|e| (&e["action"], &e["actor"]["id"], &e["details"]["conversation_id"]))
        .collect();
    let who = json!(agent.id);
    let which = json!(conversation);
    assert_eq!(
        entries,
        [
            (&json!("message.deleted"), &who, &which),
            (&json!("message.edited"), &who, &which)
        ],
        "{audit}"
    );
    let everything = format!("{feed}{audit}{frames:?}{shown:?}{detail}");
    for words in ["serial-returner", "one moment"] {
        assert!(
            !everything.contains(words),
            "{words:?} is still shown: {everything}"
        );
    }

    // A deleted message is gone for good.
    let again = error(
        delete(&app, &agent.token, &conversation, &slip).await,
        StatusCode::CONFLICT,
        "message_deleted",
    )
    .await;
    assert!(again["error"]["message"].as_str().unwrap().contains("deleted"));
    error(
        edit(&app, &agent.token, &conversation, &slip, "back").await,
        StatusCode::CONFLICT,
        "message_deleted",
    )
    .await;
}

#[tokio::test]
async fn only_the_author_changes_their_own_reply_or_note_within_the_window() {
    let app = spawn_demo_app().await;
    let sam = app.create_staff("sam@example.org", "agent").await;
    let kim = app.create_staff("kim@example.org", "supervisor").await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let asked = app.customer_says(&ada, "What is your return policy?").await;
    // Card numbers are masked, with a system message saying so.
    app.customer_says(&ada, "my card is 4111 1111 1111 1111").await;
    let conversation = ada.conversation_id.clone();
    let detail = app.detail(&conversation).await;
    let by = |author: &str| {
        detail["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["author"] == author)
            .unwrap_or_else(|| panic!("no {author} message in {detail}"))
            .clone()
    };
    let reply = app.staff_says(&sam.token, &conversation, "Hi Ada!", false).await;
    let note = app
        .staff_says(&sam.token, &conversation, "Ada is a VIP", true)
        .await;

    // Nobody changes another person's message, nor a customer's, the bot's or the system's: not
    // even a supervisor or an admin.
    for token in [&kim.token, &app.admin_token] {
        for message in [&reply, &note] {
            let refused = error(
                edit(&app, token, &conversation, message, "changed").await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
            assert_eq!(
                refused["error"]["message"],
                "You can edit or delete only your own replies and notes."
            );
            error(
                delete(&app, token, &conversation, message).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
    }
    for message in [asked.clone(), by("bot"), by("system")] {
        let refused = error(
            delete(&app, &app.admin_token, &conversation, &message).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains("customers' and the bot's messages stay as they were sent"),
            "{refused}"
        );
    }
    // A message of another conversation, an unknown one, a path that is no id: not found.
    let eve = app.start_conversation("Eve", "eve@example.org").await;
    error(
        delete(&app, &sam.token, &eve.conversation_id, &reply).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    error(
        delete(
            &app,
            &sam.token,
            &conversation,
            &json!({ "id": uuid::Uuid::now_v7().to_string() }),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    error(
        delete(&app, &sam.token, &conversation, &json!({ "id": "nope" })).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // An empty text is refused like an empty message.
    error(
        edit(&app, &sam.token, &conversation, &reply, "   ").await,
        StatusCode::BAD_REQUEST,
        "empty_message",
    )
    .await;
    // The author may; everything refused left the messages as they were.
    let edited = body(
        edit(&app, &sam.token, &conversation, &note, "Ada is a VIP customer").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["text"], "Ada is a VIP customer");
    let detail = app.detail(&conversation).await;
    let texts: Vec<&str> = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["author"] == "agent")
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Hi Ada!", "Ada is a VIP customer"]);
}

#[tokio::test]
async fn after_the_window_a_message_stays_as_it_is() {
    let config = EngineConfig {
        message_edit_window: Duration::from_secs(2),
        ..EngineConfig::default()
    };
    let app = spawn_app_with(ServerConfig::default(), config).await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    app.customer_says(&ada, "Hello?").await;
    let conversation = ada.conversation_id.clone();
    let reply = app
        .staff_says(&app.admin_token, &conversation, "Hello Ada", false)
        .await;
    // Within the window (two seconds here), an edit goes through.
    body(
        edit(&app, &app.admin_token, &conversation, &reply, "Hello, Ada").await,
        StatusCode::OK,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let late = error(
        delete(&app, &app.admin_token, &conversation, &reply).await,
        StatusCode::CONFLICT,
        "edit_window_passed",
    )
    .await;
    assert_eq!(
        late["error"]["message"],
        "A reply or note can be edited or deleted only within 2 seconds of sending it; this one is older."
    );
    error(
        edit(&app, &app.admin_token, &conversation, &reply, "Hi").await,
        StatusCode::CONFLICT,
        "edit_window_passed",
    )
    .await;
    assert_eq!(
        app.customer_messages(&ada)
            .await
            .iter()
            .find(|m| m["id"] == reply["id"])
            .unwrap()["text"],
        "Hello, Ada"
    );
}

/// The customer's socket and list never learn anything about a note, edited or deleted; staff do.
#[tokio::test]
async fn note_edits_and_deletions_never_reach_the_customer() {
    let app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    app.customer_says(&ada, "Hello?").await;
    let conversation = ada.conversation_id.clone();
    let mut customer = connect_ws(&customer_socket(&app, &ada, None)).await;
    sync_ws(&mut customer).await;
    let mut staff = connect_ws(&app.ws_url(&format!("/api/v1/live?token={}", app.admin_token))).await;
    sync_ws(&mut staff).await;

    let note = app
        .staff_says(&app.admin_token, &conversation, "grumpy-walrus, careful", true)
        .await;
    body(
        edit(
            &app,
            &app.admin_token,
            &conversation,
            &note,
            "grumpy-walrus again",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    body(
        delete(&app, &app.admin_token, &conversation, &note).await,
        StatusCode::OK,
    )
    .await;
    // Then a reply and its edit, which the customer must get, after everything about the note.
    let reply = app
        .staff_says(&app.admin_token, &conversation, "Hi Ada", false)
        .await;
    body(
        edit(
            &app,
            &app.admin_token,
            &conversation,
            &reply,
            "Hi Ada, how can I help?",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let (created, before) = next_of(&mut customer, "message_created").await;
    assert_eq!(created["message"]["id"], reply["id"]);
    let (updated, between) = next_of(&mut customer, "message_updated").await;
    assert_eq!(updated["message"]["id"], reply["id"]);
    let seen = format!("{before:?}{between:?}{created}{updated}");
    assert!(
        !seen.contains(note["id"].as_str().unwrap()) && !seen.contains("walrus"),
        "{seen}"
    );
    assert!(app
        .customer_messages(&ada)
        .await
        .iter()
        .all(|m| m["id"] != note["id"]));
    // A replay from the start tells the customer nothing about the note either.
    let mut replayed = connect_ws(&customer_socket(&app, &ada, Some(0))).await;
    let frames = format!("{:?}", sync_ws(&mut replayed).await);
    assert!(!frames.contains(note["id"].as_str().unwrap()), "{frames}");

    // Staff see the note's whole story.
    let mut story = Vec::new();
    while story.len() < 2 {
        let (frame, _) = next_of(&mut staff, "message_updated").await;
        if frame["message"]["id"] == note["id"] {
            story.push(frame["message"]["deleted_at"].is_string());
        }
    }
    assert_eq!(story, [false, true]);
}

// --- the browser ------------------------------------------------------------------------------

/// The conversation the customer opened from the widget.
async fn the_conversation(app: &TestApp) -> String {
    let page = list(app, &app.admin_token, "").await;
    ids(&page).pop().expect("a conversation")
}

/// The agent sends a reply by mistake and deletes it: the customer's open widget shows it gone
/// without a reload. An edit shows up edited. Both stay so on reload; the buttons go when the
/// window passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_sent_by_mistake_is_deleted_and_an_edit_shows_in_the_open_widget() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    let agent = app.create_staff("sam@example.org", "agent").await;
    let shots = screenshot_dir();
    let driver = Driver::start(&driver_path, &chromium).await;

    // The customer asks for a person in the widget.
    let customer = driver.session(420, 800).await;
    customer.goto(&app.url("/demo")).await;
    customer.click("#tandem-launcher").await;
    customer.enter_frame("#tandem-frame").await;
    customer.type_into("#start-name", "Maria Rossi").await;
    customer.type_into("#start-email", "maria@example.com").await;
    customer.click("#start-form button[type=submit]").await;
    customer.find("#ask-person").await;
    customer.click("#ask-person").await;
    customer.find_with_text(".msg-bot .msg-text", "passing you").await;
    customer
        .script("window.stillThisPage = true; return null;", json!([]))
        .await;
    let conversation = the_conversation(&app).await;

    // The agent opens the case and sends, by mistake, a remark meant for the team.
    let staff = driver.session(1400, 900).await;
    log_in(&staff, &app, &agent.email, &agent.password).await;
    staff
        .goto(&app.url(&format!("/app/inbox?view=open&c={conversation}")))
        .await;
    staff.find_with_text("#conv-title", "Maria Rossi").await;
    assert_eq!(
        staff
            .script(
                "return document.querySelector('#timeline').dataset.editWindow;",
                json!([])
            )
            .await,
        json!("600"),
        "the page knows the server's window"
    );
    staff
        .type_into("#reply-text", "Between us, she returns everything she buys")
        .await;
    staff.click("#send").await;
    staff
        .find_with_text("#timeline .msg-agent", "returns everything")
        .await;
    customer
        .find_with_text(".msg-agent .msg-text", "returns everything")
        .await;

    // Delete, confirmed: gone in the inbox and, without a reload, in the widget.
    staff.click("#timeline .msg-agent .msg-delete").await;
    staff
        .find_with_text("#timeline .msg-confirm", "Delete this reply?")
        .await;
    audit(&staff, "the inbox asking to confirm a deletion").await;
    staff.click("#timeline .msg-confirm .danger").await;
    staff
        .find_with_text("#timeline .msg-agent.msg-deleted", "This message was deleted.")
        .await;
    customer
        .find_with_text(".msg-agent.msg-deleted .msg-text", "This message was deleted.")
        .await;
    let shown = customer
        .script("return document.querySelector('#messages').innerText;", json!([]))
        .await;
    assert!(!shown.as_str().unwrap().contains("returns everything"), "{shown}");
    assert_eq!(
        customer
            .script("return window.stillThisPage === true;", json!([]))
            .await,
        json!(true),
        "the widget was not reloaded"
    );
    // A deleted message offers nothing more to do.
    assert_eq!(
        staff
            .script(
                "return document.querySelectorAll('#timeline .msg-deleted button').length;",
                json!([])
            )
            .await,
        json!(0)
    );

    // A typo, edited inline: the widget shows the new words, marked as edited.
    staff
        .type_into("#reply-text", "Your parcel arives tomorrow.")
        .await;
    staff.click("#send").await;
    customer.find_with_text(".msg-agent .msg-text", "arives").await;
    let edit_button = "#timeline .msg-agent:not(.msg-deleted) .msg-edit";
    staff.click(edit_button).await;
    staff
        .type_into("#timeline .msg-editor textarea", "Your parcel arrives tomorrow.")
        .await;
    audit(&staff, "the inbox editing a message").await;
    staff.click("#timeline .msg-editor button[type=submit]").await;
    staff
        .find_with_text("#timeline .msg-agent .msg-edited", "edited")
        .await;
    customer.find_with_text(".msg-agent", "arrives tomorrow").await;
    customer.find_with_text(".msg-agent .msg-edited", "Edited").await;
    assert!(!customer
        .script("return document.querySelector('#messages').innerText;", json!([]))
        .await
        .as_str()
        .unwrap()
        .contains("arives"));
    audit(&customer, "the widget with an edited and a deleted reply").await;
    customer.leave_frame().await;
    customer.screenshot(&shots, "widget-message-edits").await;
    staff.screenshot(&shots, "inbox-message-edits").await;

    // On reload, the widget shows the same.
    customer.goto(&app.url("/demo")).await;
    customer.click("#tandem-launcher").await;
    customer.enter_frame("#tandem-frame").await;
    customer
        .find_with_text(".msg-agent.msg-deleted .msg-text", "This message was deleted.")
        .await;
    customer.find_with_text(".msg-agent", "arrives tomorrow").await;
    customer.find_with_text(".msg-agent .msg-edited", "Edited").await;

    // The buttons go when the window passes (a short one here, as the server would say).
    staff
        .script(
            "document.querySelector('#timeline').dataset.editWindow = '3'; return null;",
            json!([]),
        )
        .await;
    staff.type_into("#reply-text", "Anything else?").await;
    staff.click("#send").await;
    staff
        .wait_for(
            "the buttons of the new reply",
            "const li = [...document.querySelectorAll('#timeline .msg-agent')].pop(); \
             return li.innerText.includes('Anything else?') && !!li.querySelector('.msg-edit');",
        )
        .await;
    staff
        .wait_for(
            "the buttons to go",
            "const li = [...document.querySelectorAll('#timeline .msg-agent')].pop(); \
             return li.innerText.includes('Anything else?') && !li.querySelector('.msg-actions');",
        )
        .await;
    // Ends with the console checked (`quit`).
    customer.quit().await;
    staff.quit().await;
}
