//! Nothing missed, nobody writing over a colleague (the workspace issue): two agents on the same
//! case see each other (viewing, then writing); the customer's typing shows in the inbox and an
//! agent's reply typing in the widget, a note's never; an unread marker comes with a customer's
//! message and goes when the case is opened, with the count in the tab title; a customer's reply
//! shows a desktop notification that opens the case. Every browser test fails on an error in the
//! console.

use std::time::Duration;

use serde_json::{json, Value};

use crate::browser::{audit, binaries_or_skip, log_in, screenshot_dir};
use crate::inbox_workspace::{open_case, queued_case};
use crate::presence_api::named_staff;
use crate::support::*;
use crate::webdriver::{Browser, Driver};

/// The inbox's "Unassigned" view with a case open.
fn case_url(app: &TestApp, conversation: &str) -> String {
    app.url(&format!("/app/inbox?view=unassigned&c={conversation}"))
}

async fn presence_says(staff: &Browser, what: &str, text: &str) {
    staff
        .wait_for(
            what,
            &format!(
                "const p = document.querySelector('#presence'); \
                 return !!p && !p.hidden && p.innerText.includes({text:?});"
            ),
        )
        .await;
}

/// The list item of a customer's case: whether it is marked unread (class, dot and its label).
async fn list_item(staff: &Browser, name: &str) -> Value {
    staff
        .script(
            "const li = [...document.querySelectorAll('#conv-list .conv-item')] \
               .find((l) => l.innerText.includes(arguments[0])); \
             if (!li) return null; \
             const dot = li.querySelector('.unread-dot'); \
             return { unread: li.classList.contains('unread'), \
                      dot: dot && dot.getAttribute('aria-label'), \
                      weight: getComputedStyle(li.querySelector('.conv-name')).fontWeight };",
            json!([name]),
        )
        .await
}

async fn title_is(staff: &Browser, title: &str) {
    staff
        .wait_for(
            &format!("the title {title:?}"),
            &format!("return document.title === {title:?};"),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_on_the_same_case_see_each_other_viewing_then_writing() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_app().await;
    let sam = named_staff(&app, "sam@example.org", "Sam Carter").await;
    let maria = queued_case(&app, "Maria Rossi", "maria@example.org", "My parcel is late").await;
    queued_case(&app, "Tom Baker", "tom@example.org", "Wrong size").await;
    let driver = Driver::start(&driver_path, &chromium).await;
    let admin = driver.session(1400, 900).await;
    let colleague = driver.session(1400, 900).await;
    log_in(&admin, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    log_in(&colleague, &app, &sam.email, &sam.password).await;

    admin.goto(&case_url(&app, &maria.conversation_id)).await;
    admin.find_with_text("#conv-title", "Maria Rossi").await;
    colleague.goto(&case_url(&app, &maria.conversation_id)).await;
    colleague.find_with_text("#conv-title", "Maria Rossi").await;
    // Whoever came first and whoever came second: each sees the other.
    presence_says(&admin, "Sam viewing", "Sam Carter is also viewing this case").await;
    presence_says(&colleague, "the admin viewing", "is also viewing this case").await;

    admin.type_into("#reply-text", "Hi Maria!").await;
    colleague
        .type_into("#reply-text", "Hello Maria, I am looking")
        .await;
    presence_says(&admin, "Sam writing a reply", "Sam Carter is writing a reply…").await;
    presence_says(&colleague, "the admin writing a reply", "is writing a reply…").await;
    // Sending a reply meanwhile asks first.
    admin.click("#send").await;
    admin
        .find_with_text(
            "#presence-check",
            "Sam Carter is writing a reply too. Send yours anyway?",
        )
        .await;
    assert!(app
        .customer_messages(&maria)
        .await
        .iter()
        .all(|m| m["text"] != "Hi Maria!"));
    admin
        .screenshot(&screenshot_dir(), "presence-collision-1400")
        .await;
    audit(&admin, "the inbox with a colleague writing").await;
    admin.click("#presence-send").await;
    admin.find_with_text("#timeline", "Hi Maria!").await;

    colleague.click("input[name=kind][value=note]").await;
    colleague.type_into("#reply-text", "Customer is a regular").await;
    presence_says(
        &admin,
        "Sam writing a note",
        "Sam Carter is writing an internal note…",
    )
    .await;

    // Sam opens another case: he is no longer on Maria's.
    open_case(&colleague, "Tom Baker").await;
    admin
        .wait_for(
            "Sam to leave",
            "const p = document.querySelector('#presence'); return !!p && p.hidden;",
        )
        .await;
    colleague.quit().await;
    admin.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_typing_shows_in_the_inbox_and_only_a_reply_shows_in_the_widget() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_app().await;
    let sam = named_staff(&app, "sam@example.org", "Sam Carter").await;
    let driver = Driver::start(&driver_path, &chromium).await;
    let page = driver.session(1024, 800).await;
    page.goto(&app.url("/demo")).await;
    page.click("#tandem-launcher").await;
    page.enter_frame("#tandem-frame").await;
    page.type_into("#start-name", "Maria Rossi").await;
    page.type_into("#start-email", "maria.rossi@example.com").await;
    page.click("#start-form button[type=submit]").await;
    page.wait_for("the chat", "return document.querySelector('#start-form').hidden;")
        .await;
    let listed = list(&app, &app.admin_token, "").await;
    let id = listed["conversations"][0]["id"].as_str().unwrap().to_owned();
    let queued = app
        .update(&app.admin_token, &id, json!({ "status": "queued" }))
        .await;
    assert!(queued.status().is_success());

    let staff = driver.session(1400, 900).await;
    log_in(&staff, &app, &sam.email, &sam.password).await;
    staff.goto(&case_url(&app, &id)).await;
    staff.find_with_text("#conv-title", "Maria Rossi").await;

    // The customer types: the agent sees it on the open case.
    page.type_into("#text", "Where is my").await;
    presence_says(&staff, "the customer typing", "Maria Rossi is typing…").await;

    // An internal note's typing never reaches the customer. (A colleague's socket shows when the
    // note's typing has gone through the server, so the widget has had its chance to show it.)
    let mut colleague = connect_ws(&app.ws_url(&format!("/api/v1/live?token={}", app.admin_token))).await;
    sync_ws(&mut colleague).await;
    staff.click("input[name=kind][value=note]").await;
    staff.type_into("#reply-text", "VIP customer").await;
    loop {
        let frame = next_event(&mut colleague).await;
        if frame["type"] == "presence" && frame["activity"] == "note" {
            break;
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        page.script(
            "return document.querySelector('#agent-typing').hidden;",
            json!([])
        )
        .await,
        json!(true),
        "a note's typing showed in the widget"
    );

    // A reply's typing shows, with the name replies are signed with.
    staff.click("input[name=kind][value=reply]").await;
    staff.type_into("#reply-text", "Hello Maria").await;
    page.find_with_text("#agent-typing", "Sam is typing…").await;
    assert!(!page.text("#agent-typing").await.contains("Carter"));
    // The reply lands: the indicator goes.
    staff.click("#send").await;
    page.find_with_text(".msg-agent .msg-text", "Hello Maria").await;
    page.wait_for(
        "the indicator to go",
        "return document.querySelector('#agent-typing').hidden;",
    )
    .await;
    page.leave_frame().await;
    page.quit().await;
    staff.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unread_marker_comes_with_a_customer_message_and_goes_when_the_case_is_opened() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_app().await;
    let maria = queued_case(&app, "Maria Rossi", "maria@example.org", "My parcel is late").await;
    let tom = queued_case(&app, "Tom Baker", "tom@example.org", "Wrong size").await;
    let driver = Driver::start(&driver_path, &chromium).await;
    let staff = driver.session(1400, 900).await;
    log_in(&staff, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    staff.goto(&app.url("/app/inbox?view=unassigned")).await;
    staff.find_with_text("#conv-list .conv-item", "Tom Baker").await;
    title_is(&staff, "(2) Inbox · Tandem").await;
    let marked = list_item(&staff, "Maria Rossi").await;
    assert_eq!(marked["unread"], true, "{marked}");
    assert_eq!(marked["dot"], "1 unread message", "{marked}");
    assert_eq!(marked["weight"], "700", "{marked}");

    open_case(&staff, "Maria Rossi").await;
    title_is(&staff, "(1) Inbox · Tandem").await;
    open_case(&staff, "Tom Baker").await;
    title_is(&staff, "Inbox · Tandem").await;
    let read = list_item(&staff, "Maria Rossi").await;
    assert_eq!(
        (read["unread"].clone(), read["dot"].clone()),
        (json!(false), Value::Null),
        "{read}"
    );

    // Maria writes while Tom's case is open: her case is marked at once.
    app.customer_says(&maria, "Any news?").await;
    app.customer_says(&maria, "Hello?").await;
    staff
        .wait_for(
            "Maria's marker",
            "const li = [...document.querySelectorAll('#conv-list .conv-item')].find((l) => l.innerText.includes('Maria Rossi')); \
             const dot = li && li.querySelector('.unread-dot'); \
             return !!dot && dot.getAttribute('aria-label') === '2 unread messages' && li.classList.contains('unread');",
        )
        .await;
    title_is(&staff, "(1) Inbox · Tandem").await;
    staff.screenshot(&screenshot_dir(), "unread-marker-1400").await;
    audit(&staff, "the inbox with an unread case").await;

    open_case(&staff, "Maria Rossi").await;
    title_is(&staff, "Inbox · Tandem").await;
    assert_eq!(list_item(&staff, "Maria Rossi").await["unread"], false);
    // Stored on the server: after a reload the read cases stay read, and Tom's new message is
    // unread.
    app.customer_says(&tom, "Size M please").await;
    staff.goto(&app.url("/app/inbox?view=unassigned")).await;
    staff.find_with_text("#conv-list .conv-item", "Maria Rossi").await;
    title_is(&staff, "(1) Inbox · Tandem").await;
    assert_eq!(list_item(&staff, "Maria Rossi").await["unread"], false);
    assert_eq!(list_item(&staff, "Tom Baker").await["dot"], "1 unread message");
    staff.quit().await;
}

/// A recording `Notification` in place of the browser's (headless Chromium shows none).
const RECORDING_NOTIFICATION: &str = "window.notified = []; \
    window.Notification = class { \
      static permission = 'default'; \
      static requestPermission() { window.Notification.permission = 'granted'; return Promise.resolve('granted'); } \
      constructor(title, options) { this.title = title; this.body = (options || {}).body; window.notified.push(this); } \
      close() { this.closed = true; } \
    };";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_reply_shows_a_desktop_notification_that_opens_the_case() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_app().await;
    let maria = queued_case(&app, "Maria Rossi", "maria@example.org", "My parcel is late").await;
    queued_case(&app, "Tom Baker", "tom@example.org", "Wrong size").await;
    let with_bot = app.start_conversation("Bea Bot", "bea@example.org").await;
    let driver = Driver::start(&driver_path, &chromium).await;
    let staff = driver.session(1400, 900).await;
    log_in(&staff, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    staff.goto(&app.url("/app/inbox?view=unassigned")).await;
    open_case(&staff, "Tom Baker").await;
    staff.script(RECORDING_NOTIFICATION, json!([])).await;
    // Asked for only on the agent's click.
    assert_eq!(
        staff.script("return Notification.permission;", json!([])).await,
        "default"
    );
    staff
        .find_with_text("#notify-toggle", "Turn on desktop notifications")
        .await;
    staff.click("#notify-toggle").await;
    staff
        .find_with_text("#notify-toggle", "Turn off desktop notifications")
        .await;

    // The agent's own reply, a note, and a customer talking to the bot: nothing to notify.
    app.staff_says(
        &app.admin_token,
        &maria.conversation_id,
        "internal: regular customer",
        true,
    )
    .await;
    app.staff_says(
        &app.admin_token,
        &maria.conversation_id,
        "We are looking into it.",
        false,
    )
    .await;
    app.customer_says(&with_bot, "Just browsing").await;
    app.customer_says(&maria, "Is it shipped yet?").await;
    staff
        .wait_for("a notification", "return window.notified.length > 0;")
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let notified = staff
        .script(
            "return window.notified.map((n) => ({ title: n.title, body: n.body }));",
            json!([]),
        )
        .await;
    assert_eq!(
        notified,
        json!([{ "title": "Maria Rossi replied", "body": "Is it shipped yet?" }])
    );

    // Clicking it opens the case.
    staff.script("window.notified[0].onclick();", json!([])).await;
    staff.find_with_text("#conv-title", "Maria Rossi").await;
    assert_eq!(
        staff
            .script("return window.notified[0].closed === true;", json!([]))
            .await,
        json!(true)
    );
    // The choice is remembered on this device.
    assert_eq!(
        staff
            .script("return localStorage.getItem('tandem.notifications');", json!([]))
            .await,
        "on"
    );
    staff.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_handed_over_to_people_shows_a_desktop_notification() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    let driver = Driver::start(&driver_path, &chromium).await;
    let staff = driver.session(1400, 900).await;
    log_in(&staff, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    staff.script(RECORDING_NOTIFICATION, json!([])).await;
    staff.click("#notify-toggle").await;
    staff
        .find_with_text("#notify-toggle", "Turn off desktop notifications")
        .await;

    // A customer asks the bot for a person: the case reaches the inbox.
    let bea = app.start_conversation("Bea Brown", "bea@example.org").await;
    let response = app
        .post(&format!(
            "/api/v1/widget/conversations/{}/messages",
            bea.conversation_id
        ))
        .bearer_auth(&bea.token)
        .json(&json!({ "text": "I would like to talk to a person, please.", "choice": "human" }))
        .send()
        .await
        .unwrap();
    body(response, reqwest::StatusCode::CREATED).await;
    staff
        .wait_for(
            "the new case's notification",
            "return window.notified.some((n) => n.title === 'New case: Bea Brown');",
        )
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let titles = staff
        .script("return window.notified.map((n) => n.title);", json!([]))
        .await;
    assert_eq!(titles, json!(["New case: Bea Brown"]), "told once, as a new case");
    staff
        .script(
            "window.notified.find((n) => n.title === 'New case: Bea Brown').onclick();",
            json!([]),
        )
        .await;
    staff.find_with_text("#conv-title", "Bea Brown").await;
    staff.quit().await;
}
