//! The agent workspace guards against writing to the wrong person (issue 16): a draft belongs to
//! its conversation and the composer starts every conversation as a reply; the reply/note mode is
//! labelled and coloured, the focus leaves the composer after sending (so `n` switches to a note
//! instead of typing an "n"), and a reply that reads like a note asks first; the conversation list
//! shows what the customer last said, not the bot's answer.
//!
//! Every browser test here fails on an error in the browser console.

use serde_json::{json, Value};

use crate::browser::{audit, binaries_or_skip, log_in, screenshot_dir};
use crate::support::*;
use crate::webdriver::{Browser, Driver};

/// A customer who wrote and whose case waits in the queue (no content pack: no bot).
pub async fn queued_case(app: &TestApp, name: &str, email: &str, text: &str) -> Customer {
    let customer = app.start_conversation(name, email).await;
    app.customer_says(&customer, text).await;
    let response = app
        .update(
            &app.admin_token,
            &customer.conversation_id,
            json!({ "status": "queued" }),
        )
        .await;
    body(response, reqwest::StatusCode::OK).await;
    customer
}

/// Opens a customer's case from the list, finding and clicking its link in one step: the list is
/// drawn again when it reloads (after a reply, an assignment, a marker), which would leave an
/// element found a moment before stale.
pub async fn open_case(staff: &Browser, name: &str) {
    staff
        .wait_for(
            &format!("{name}'s case in the list"),
            &format!(
                "const li = [...document.querySelectorAll('#conv-list .conv-item')] \
                   .find((l) => l.innerText.includes({name:?}) && l.offsetParent !== null); \
                 if (!li) return false; li.querySelector('a').click(); return true;"
            ),
        )
        .await;
    staff.find_with_text("#conv-title", name).await;
}

/// The composer's text, its mode, and its label.
async fn composer(staff: &Browser) -> Value {
    staff
        .script(
            "const c = document.querySelector('#composer'); \
             return { text: document.querySelector('#reply-text').value, \
               mode: document.querySelector('input[name=kind]:checked').value, \
               note_class: c.classList.contains('note-mode'), \
               label: (document.querySelector('#composer-mode') || {}).textContent || '' };",
            json!([]),
        )
        .await
}

fn texts(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Defect 1: a draft for Maria never sits in Tom's case, and every case opens as a reply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_conversation_keeps_its_own_draft_and_opens_as_a_reply() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_app().await;
    let maria = queued_case(&app, "Maria Rossi", "maria@example.org", "Where is my refund?").await;
    let tom = queued_case(&app, "Tom Baker", "tom@example.org", "My parcel is late").await;
    let driver = Driver::start(&driver_path, &chromium).await;
    let staff = driver.session(1400, 900).await;
    log_in(&staff, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    staff.goto(&app.url("/app/inbox?view=open")).await;
    staff.find_with_text("#live-state", "Live").await;

    // A draft for Maria, written in note mode.
    open_case(&staff, "Maria Rossi").await;
    staff.press(&["n"]).await;
    let for_maria = "Hi Maria, your refund of 40 EUR is approved.";
    staff.type_into("#reply-text", for_maria).await;
    assert_eq!(composer(&staff).await["mode"], "note");

    // Tom's case opens empty, as a reply to Tom.
    open_case(&staff, "Tom Baker").await;
    let shown = composer(&staff).await;
    assert_eq!(shown["text"], "", "Maria's draft must not sit in Tom's case");
    assert_eq!(shown["mode"], "reply", "a conversation opens as a reply");
    assert_eq!(shown["note_class"], false);
    assert!(
        shown["label"].as_str().unwrap().contains("Reply to Tom Baker"),
        "{shown}"
    );
    let for_tom = "Hi Tom, the carrier has your parcel.";
    staff.type_into("#reply-text", for_tom).await;

    // Back to Maria: her draft is there again, still as a reply; and Tom's is kept for him.
    open_case(&staff, "Maria Rossi").await;
    let shown = composer(&staff).await;
    assert_eq!(shown["text"], for_maria);
    assert_eq!(shown["mode"], "reply");
    assert!(
        shown["label"].as_str().unwrap().contains("Reply to Maria Rossi"),
        "{shown}"
    );
    open_case(&staff, "Tom Baker").await;
    assert_eq!(composer(&staff).await["text"], for_tom);

    // Sent, Tom's draft goes to Tom only, and is gone from his composer.
    staff.click("#send").await;
    staff
        .find_with_text("#timeline .msg-agent", "carrier has your parcel")
        .await;
    // (The live frame may show the reply a moment before the send's own answer empties the box.)
    staff
        .wait_for(
            "the composer to empty once the reply is sent",
            "return document.querySelector('#reply-text').value === '';",
        )
        .await;
    assert!(texts(&app.customer_messages(&tom).await).contains(&for_tom.to_owned()));
    let to_maria = texts(&app.customer_messages(&maria).await);
    assert!(
        !to_maria
            .iter()
            .any(|t| t.contains("carrier") || t.contains("refund of")),
        "{to_maria:?}"
    );
    open_case(&staff, "Maria Rossi").await;
    assert_eq!(composer(&staff).await["text"], for_maria);

    audit(&staff, "the inbox with a draft").await;
    staff.screenshot(&screenshot_dir(), "inbox-drafts").await;
    // Ends with the console checked (`quit`).
    staff.quit().await;
}

/// Defect 2 (the mode part): the mode is labelled and coloured, the focus leaves the composer
/// after sending so `n` switches to a note, and a reply that starts like a note asks first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_composer_makes_reply_and_note_unmistakable() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_app().await;
    let kim = queued_case(&app, "Kim Lee", "kim@example.org", "Hello, my parcel is late").await;
    let driver = Driver::start(&driver_path, &chromium).await;
    let staff = driver.session(1400, 900).await;
    log_in(&staff, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    staff.goto(&app.url("/app/inbox?view=open")).await;
    staff.find_with_text("#live-state", "Live").await;
    open_case(&staff, "Kim Lee").await;

    // The two modes look different and say who reads what is written.
    let background = "return getComputedStyle(document.querySelector('#composer')).backgroundColor;";
    let reply = composer(&staff).await;
    assert_eq!(
        reply["label"], "Reply to Kim Lee — the customer sees this",
        "{reply}"
    );
    let reply_colour = staff.script(background, json!([])).await;
    staff.find_with_text("#send", "Send to Kim Lee").await;
    staff.press(&["n"]).await;
    let note = composer(&staff).await;
    assert_eq!(note["label"], "Internal note — only your team sees this");
    assert_ne!(
        staff.script(background, json!([])).await,
        reply_colour,
        "a note is written on another colour"
    );
    staff.find_with_text("#send", "Add internal note").await;
    staff.screenshot(&screenshot_dir(), "inbox-note-mode").await;

    // A reply is sent; the focus leaves the text box, so `n` switches to a note, typing nothing.
    staff.press(&["\u{E00C}", "r"]).await;
    staff.keys("#reply-text", "We have sent a new one.").await;
    staff.chord("\u{E009}", "\u{E007}").await;
    staff
        .find_with_text("#timeline .msg-agent", "sent a new one")
        .await;
    staff
        .wait_for(
            "the focus out of the composer",
            "return document.activeElement && document.activeElement.id !== 'reply-text' \
               && !['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName);",
        )
        .await;
    staff.press(&["n"]).await;
    staff
        .wait_for(
            "note mode with an empty text box",
            "return document.querySelector('#composer').classList.contains('note-mode') \
               && document.querySelector('#reply-text').value === '' \
               && document.activeElement.id === 'reply-text';",
        )
        .await;

    // A reply that starts like a note asks before it goes to the customer.
    staff.press(&["\u{E00C}", "r"]).await;
    let remark = "Note: he was rude on the phone last time";
    staff.keys("#reply-text", remark).await;
    staff.chord("\u{E009}", "\u{E007}").await;
    staff.find_with_text("#note-check", "would go to Kim Lee").await;
    // Ctrl+Enter again in the text box does not get past the question.
    staff.click("#reply-text").await;
    staff.chord("\u{E009}", "\u{E007}").await;
    staff.find_with_text("#note-check", "would go to Kim Lee").await;
    audit(&staff, "the inbox asking about a note-like reply").await;
    staff.screenshot(&screenshot_dir(), "inbox-note-check").await;
    assert!(!texts(&app.customer_messages(&kim).await).contains(&remark.to_owned()));
    // Saved as a note instead: staff see it, the customer never does.
    staff.click("#send-as-note").await;
    staff
        .find_with_text("#timeline .msg-note", "rude on the phone")
        .await;
    assert!(!texts(&app.customer_messages(&kim).await).contains(&remark.to_owned()));
    staff
        .wait_for(
            "the question gone",
            "return document.querySelector('#note-check').hidden;",
        )
        .await;

    // Confirmed, a note-like reply does go to the customer.
    staff.press(&["r"]).await;
    let meant = "FYI team-building day tomorrow, we reply by noon.";
    staff.keys("#reply-text", meant).await;
    staff.click("#send").await;
    staff.find_with_text("#note-check", "would go to Kim Lee").await;
    staff.click("#send-anyway").await;
    staff
        .find_with_text("#timeline .msg-agent", "team-building")
        .await;
    assert!(texts(&app.customer_messages(&kim).await).contains(&meant.to_owned()));

    // An ordinary reply goes straight out.
    staff.press(&["r"]).await;
    staff.keys("#reply-text", "Anything else?").await;
    staff.click("#send").await;
    staff
        .find_with_text("#timeline .msg-agent", "Anything else?")
        .await;
    assert!(staff
        .script("return document.querySelector('#note-check').hidden;", json!([]))
        .await
        .as_bool()
        .unwrap());
    // Ends with the console checked (`quit`).
    staff.quit().await;
}

/// Defect 6 over HTTP: the list's preview is the customer's latest words, not the bot's answer
/// nor an agent's reply or note.
#[tokio::test]
async fn the_list_previews_what_the_customer_last_said() {
    let app = spawn_demo_app().await;
    let customer = app
        .start_conversation("Maria Rossi", "maria.rossi@example.com")
        .await;
    let said = "My jacket arrived torn at the seam";
    app.customer_says(&customer, said).await;
    let detail = app.detail(&customer.conversation_id).await;
    let authors: Vec<&str> = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["author"].as_str().unwrap())
        .collect();
    assert!(authors.contains(&"bot"), "the bot answered: {authors:?}");
    let preview = |list: &Value| {
        list["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == customer.conversation_id.as_str())
            .unwrap()["preview"]
            .clone()
    };
    assert_eq!(preview(&list(&app, &app.admin_token, "").await), said);
    app.staff_says(
        &app.admin_token,
        &customer.conversation_id,
        "We will replace it.",
        false,
    )
    .await;
    app.staff_says(&app.admin_token, &customer.conversation_id, "Check stock", true)
        .await;
    assert_eq!(preview(&list(&app, &app.admin_token, "").await), said);
    app.customer_says(&customer, "Thank you, size M please").await;
    assert_eq!(
        preview(&list(&app, &app.admin_token, "").await),
        "Thank you, size M please"
    );
}

/// Defect 6 in the inbox: the case shows the customer's words under their name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_list_shows_the_customers_words_not_the_bots() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    let said = "My jacket arrived torn at the seam";
    let customer = queued_case(&app, "Maria Rossi", "maria.rossi@example.com", said).await;
    let bot = app.detail(&customer.conversation_id).await["messages"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|m| m["author"] == "bot")
        .expect("the bot answered")["text"]
        .as_str()
        .unwrap()
        .to_owned();
    let driver = Driver::start(&driver_path, &chromium).await;
    let staff = driver.session(1400, 900).await;
    log_in(&staff, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    staff.goto(&app.url("/app/inbox?view=open")).await;
    staff.find_with_text("#conv-list .conv-item", "Maria Rossi").await;
    let shown = staff
        .script(
            "return [...document.querySelectorAll('#conv-list .conv-item')] \
               .find(i => i.innerText.includes('Maria Rossi')).querySelector('.conv-preview').textContent;",
            json!([]),
        )
        .await;
    assert_eq!(shown, said, "the bot said: {bot}");
    staff.screenshot(&screenshot_dir(), "inbox-preview").await;
    // Ends with the console checked (`quit`).
    staff.quit().await;
}
