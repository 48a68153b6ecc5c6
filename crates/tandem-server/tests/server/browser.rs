//! The web UI in a real browser (Debian's headless Chromium through chromedriver): a customer
//! writes in the widget on a shop page, the bot answers with its disclosure, the customer asks for
//! a person, the case appears live in the agent's inbox, the agent reads the summary and signals
//! and answers, and the customer sees the answer live; an admin adds an intent example and an
//! article through the pages. Screenshots are saved for people to look at.
//!
//! Skips with a notice when chromedriver or Chromium is missing, unless TANDEM_REQUIRE_SERVICES=1.

use std::path::PathBuf;

use serde_json::json;

use crate::support::*;
use crate::webdriver::{browser_binaries, Browser, Driver};

pub fn binaries_or_skip() -> Option<(PathBuf, PathBuf)> {
    match browser_binaries() {
        Ok(found) => Some(found),
        Err(reason) if std::env::var("TANDEM_REQUIRE_SERVICES").as_deref() == Ok("1") => {
            panic!("browser tests are required (TANDEM_REQUIRE_SERVICES=1) but {reason}")
        }
        Err(reason) => {
            eprintln!("skipping the browser test: {reason}");
            None
        }
    }
}

pub fn screenshot_dir() -> PathBuf {
    std::env::var_os("TANDEM_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots"))
}

pub async fn log_in(browser: &Browser, app: &TestApp, email: &str, password: &str) {
    browser.goto(&app.url("/app/inbox")).await;
    // Without a session the inbox sends the browser to the login page.
    browser.find("#login-form").await;
    browser.type_into("#email", email).await;
    browser.type_into("#password", password).await;
    browser.click("#login-form button[type=submit]").await;
    browser.find_with_text("#live-state", "Live").await;
}

/// Accessibility basics of the page in view: every form control and button has an accessible
/// name, every image a text alternative, the document a language. Returns what is missing.
pub async fn audit(browser: &Browser, page: &str) {
    let problems = browser
        .script(
            "const problems = []; \
             const named = (c) => (c.getAttribute('aria-label') || '').trim() \
               || (c.id && [...document.querySelectorAll('label')].some(l => l.htmlFor === c.id && l.textContent.trim())) \
               || (c.closest('label') && c.closest('label').textContent.trim()) \
               || (c.tagName === 'BUTTON' && c.textContent.trim()) || (c.getAttribute('title') || '').trim(); \
             for (const c of document.querySelectorAll('input:not([type=hidden]), select, textarea, button')) \
               if (!named(c)) problems.push(c.outerHTML.slice(0, 120)); \
             for (const i of document.querySelectorAll('img, svg[role=img]')) \
               if (!i.hasAttribute('alt') && !i.getAttribute('aria-label') && !i.querySelector('title')) problems.push(i.outerHTML.slice(0, 120)); \
             if (!document.documentElement.lang) problems.push('the document has no lang'); \
             return problems;",
            json!([]),
        )
        .await;
    assert_eq!(problems, json!([]), "accessibility problems on {page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_reaches_a_person_through_the_widget_and_an_admin_shapes_the_bot() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    let teams = body(
        app.get("/api/v1/teams")
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap(),
        reqwest::StatusCode::OK,
    )
    .await;
    let support = teams["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "support")
        .expect("the demo pack creates the support team")["id"]
        .clone();
    let agent = app.create_staff("sam.agent@example.org", "agent").await;
    let response = app
        .patch(&format!("/api/v1/users/{}", agent.id))
        .bearer_auth(&app.admin_token)
        .json(&json!({ "team_ids": [support] }))
        .send()
        .await
        .unwrap();
    body(response, reqwest::StatusCode::OK).await;

    let shots = screenshot_dir();
    let driver = Driver::start(&driver_path, &chromium).await;

    // The agent opens the inbox (through the login page).
    let staff = driver.session(1440, 900).await;
    log_in(&staff, &app, &agent.email, &agent.password).await;
    assert!(staff.current_url().await.ends_with("/app/inbox"));

    // A customer on the shop's page, on a phone-sized screen, opens the widget.
    let customer = driver.session(390, 844).await;
    customer.goto(&app.url("/demo")).await;
    customer.click("#tandem-launcher").await;
    customer.enter_frame("#tandem-frame").await;
    customer.type_into("#start-name", "Maria Rossi").await;
    customer
        .type_into("#start-email", "maria.rossi@example.com")
        .await;
    customer.click("#start-form button[type=submit]").await;
    customer.type_into("#text", "Where is my order A1001?").await;
    customer.keys("#text", "\u{E007}").await;

    // The bot answers from the shop's data and says that it is a bot, labelled as one.
    let answer = customer.find_with_text(".msg-bot", "A1001").await;
    let _ = answer;
    let first_bot = customer.text(".msg-bot .msg-text").await;
    assert!(
        first_bot.to_lowercase().contains("bot"),
        "the disclosure: {first_bot}"
    );
    assert_eq!(customer.text(".msg-bot .bot-badge").await, "Bot");
    customer.leave_frame().await;
    let widget_shot = customer.screenshot(&shots, "widget").await;
    customer.enter_frame("#tandem-frame").await;

    // "A person, please" is one visible button.
    customer.click("#ask-person").await;
    customer
        .find_with_text(".msg-bot", "passing you to a member")
        .await;
    customer
        .wait_for(
            "the status to say a person has it",
            "return document.querySelector('#ask-person').hidden && /team|person/.test(document.querySelector('#status-line').innerText);",
        )
        .await;

    // The case appears live in the agent's queue; the agent opens it.
    let item = staff.find_with_text("#conv-list .conv-item", "Maria Rossi").await;
    staff
        .find_with_text("#conv-list .conv-item", "Customer request")
        .await;
    let inbox_shot = staff.screenshot(&shots, "inbox").await;
    staff.click_element(&item).await;
    staff.find_with_text("#conv-title", "Maria Rossi").await;
    // The summary, the signals with their evidence, and the bot's decisions are there.
    staff
        .wait_for(
            "the handoff summary",
            "return document.querySelector('#summary').innerText.length > 20",
        )
        .await;
    // The button's words are the widget's, not the customer's: the decision says the customer
    // picked a person, and no signal reads a mood into the click.
    staff
        .find_with_text("#decisions", "picked talking to a person")
        .await;
    staff
        .wait_for(
            "no frustration read into the button's words",
            "const s = document.querySelector('[data-signal=frustration]'); \
             return !!s && s.querySelector('.signal-score').textContent === '0%' \
               && !s.querySelector('.evidence');",
        )
        .await;
    // The click is shown as what it is: the customer asked for a person (not "0%").
    staff
        .find_with_text("[data-signal=human_request] .signal-score", "asked")
        .await;
    staff.find_with_text("#decisions", "Handoff").await;
    staff.find_with_text("#decisions", "Track order").await;
    // The summary says what the customer wants even though the last message only asked for a
    // person, in the pack's words.
    staff
        .find_with_text("#summary", "Wants: Where is my order?")
        .await;
    staff.find_with_text("#intent", "Wants: Track order").await;
    staff.find_with_text("#timeline .msg-bot", "A1001").await;
    // The agent answers.
    let reply = "Hi Maria, this is Sam. Your jacket is with the carrier and arrives tomorrow.";
    staff.click("#reply-text").await;
    staff.type_into("#reply-text", reply).await;
    staff.click("#send").await;
    staff.find_with_text("#timeline .msg-agent", "this is Sam").await;
    let conversation_shot = staff.screenshot(&shots, "conversation").await;
    audit(&staff, "the inbox").await;

    // The customer sees the answer live, from a person.
    customer.find_with_text(".msg-agent", "this is Sam").await;
    audit(&customer, "the widget").await;
    customer.leave_frame().await;
    customer.screenshot(&shots, "widget-answered").await;

    // An admin adds an intent example and an article through the pages.
    let admin = driver.session(1440, 900).await;
    log_in(&admin, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    admin
        .goto(&app.url("/app/admin/intents?intent=track_order"))
        .await;
    admin.find_with_text("#intent-name", "track_order").await;
    let example = "has my parcel left your warehouse yet";
    admin.type_into("#example-text", example).await;
    admin.click("#add-example").await;
    admin.find_with_text("#examples li", example).await;
    let stored = app.content().await;
    let track = stored["intents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "track_order")
        .unwrap();
    assert!(track["examples"].as_array().unwrap().iter().any(|e| e == example));
    let admin_shot = admin.screenshot(&shots, "admin-intents").await;
    audit(&admin, "the intents page").await;

    admin.goto(&app.url("/app/admin/articles")).await;
    admin.find("#article-list li").await;
    admin.click("#new-article").await;
    admin.type_into("#article-slug", "gift-wrapping").await;
    admin.type_into("#article-title", "Gift wrapping").await;
    admin.type_into("#article-tags", "gifts, orders").await;
    admin
        .type_into("#article-url", "https://acme.example/help/gift-wrapping")
        .await;
    admin
        .type_into(
            "#article-body",
            "We gift-wrap any order for $5 in recycled paper with a handwritten card. Choose gift wrapping at checkout.",
        )
        .await;
    admin.click("#save-article").await;
    admin
        .find_with_text("#article-list button", "Gift wrapping")
        .await;
    let stored = app.content().await;
    let article = stored["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["slug"] == "gift-wrapping")
        .expect("the article was saved");
    assert_eq!(article["title"], "Gift wrapping");
    assert!(article["body"].as_str().unwrap().contains("handwritten card"));
    admin.screenshot(&shots, "admin-articles").await;
    audit(&admin, "the articles page").await;
    // Every other admin page loads its data (a sign of it) and passes the same checks.
    for (page, loaded) in [
        (
            "templates",
            "document.querySelectorAll('#template-list li').length > 0",
        ),
        (
            "connectors",
            "document.querySelectorAll('#connector-list [data-connector]').length > 0",
        ),
        (
            "texts",
            "document.querySelector('#text-disclosure').value.includes('bot')",
        ),
        (
            "users",
            "document.querySelectorAll('#users tbody tr').length >= 2",
        ),
        (
            "teams",
            "document.querySelectorAll('#teams tbody tr').length >= 4",
        ),
        (
            "widget",
            "document.querySelector('#snippet').textContent.includes('/widget.js')",
        ),
    ] {
        admin.goto(&app.url(&format!("/app/admin/{page}"))).await;
        admin.wait_for(page, &format!("return {loaded};")).await;
        audit(&admin, page).await;
        if page == "connectors" {
            // The test button runs a connector against the business's real data.
            admin.type_into("#p-order_status-order_id", "A1001").await;
            admin
                .type_into("#e-order_status", "maria.rossi@example.com")
                .await;
            admin
                .click("[data-connector=order_status] button[type=submit]")
                .await;
            admin
                .find_with_text("[data-connector=order_status] .result", "1Z8V42E10391846220")
                .await;
            admin.screenshot(&shots, "admin-connectors").await;
        }
    }
    admin.goto(&app.url("/app/insights")).await;
    admin.find(".svg-holder svg").await;
    admin.screenshot(&shots, "insights").await;
    audit(&admin, "insights").await;

    for shot in [widget_shot, inbox_shot, conversation_shot, admin_shot] {
        eprintln!("screenshot: {}", shot.display());
    }
    staff.quit().await;
    customer.quit().await;
    admin.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_works_from_the_keyboard() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_app().await;
    let customer = app.start_conversation("Kim Lee", "kim@example.org").await;
    app.customer_says(&customer, "Hello, my parcel is late").await;
    // Without a content pack there is no bot: a supervisor puts the case in the queue.
    let response = app
        .update(
            &app.admin_token,
            &customer.conversation_id,
            json!({ "status": "queued" }),
        )
        .await;
    body(response, reqwest::StatusCode::OK).await;
    let driver = Driver::start(&driver_path, &chromium).await;
    let staff = driver.session(1440, 900).await;
    log_in(&staff, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    // g then o: all open conversations; j selects, Enter opens, r focuses the reply box.
    staff.press(&["g", "o"]).await;
    staff.find_with_text("#list-title", "All open").await;
    staff.find_with_text("#conv-list .conv-item", "Kim Lee").await;
    staff.press(&["j", "\u{E007}"]).await;
    staff.find_with_text("#conv-title", "Kim Lee").await;
    staff.press(&["n"]).await;
    staff
        .wait_for(
            "the note box to have focus",
            "return document.activeElement && document.activeElement.id === 'reply-text' \
             && document.querySelector('#composer').classList.contains('note-mode');",
        )
        .await;
    staff.keys("#reply-text", "Checked with the carrier.").await;
    staff.chord("\u{E009}", "\u{E007}").await;
    staff
        .find_with_text("#timeline .msg-note", "Checked with the carrier.")
        .await;
    // The customer never sees the note.
    let messages = app.customer_messages(&customer).await;
    assert!(messages.iter().all(|m| m["text"] != "Checked with the carrier."));
    // Esc leaves the text box; a assigns to me, e resolves.
    staff.press(&["\u{E00C}", "a"]).await;
    staff
        .wait_for(
            "assigned to me",
            "return document.querySelector('#assign-me').disabled",
        )
        .await;
    staff.press(&["e"]).await;
    staff.find_with_text("#resolve", "Reopen").await;
    staff.quit().await;
}

/// Only the page that embeds the widget may hand it a signed-in customer's identity: a message
/// from another frame inside the shop's page is ignored, while the same message from the embedding
/// page starts the chat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_embedding_page_may_hand_the_widget_an_identity() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_app().await;
    let driver = Driver::start(&driver_path, &chromium).await;
    let page = driver.session(1024, 800).await;
    page.goto(&app.url("/demo")).await;
    page.click("#tandem-launcher").await;
    page.find("#tandem-frame").await;
    // Another window inside the shop's page: a second copy of the widget's frame. (A frame of another
    // origin cannot be added: the page's `frame-src 'self'` and the widget's `frame-ancestors` keep
    // other origins out already; what is left to check is who sent the message.)
    page.script(
        "const f = document.createElement('iframe'); f.id = 'stranger'; \
         f.src = document.getElementById('tandem-frame').src; document.body.append(f);",
        json!([]),
    )
    .await;
    page.enter_frame("#stranger").await;
    page.wait_for(
        "the stranger's page",
        "return document.readyState === 'complete';",
    )
    .await;
    let posted = page.script(
        "const frames = window.parent.frames; \
         for (let i = 0; i < frames.length; i++) \
           frames[i].postMessage({ tandem: 'identity', name: 'Mallory', email: 'maria.rossi@example.com' }, '*'); \
         return frames.length;",
        json!([]),
    )
    .await;
    assert_eq!(posted, 2, "posted to both frames of the page");
    page.leave_frame().await;
    page.script(
        "document.getElementById('tandem-frame').contentWindow.postMessage( \
           { tandem: 'identity', name: 'Maria Rossi', email: 'maria.rossi@example.com' }, '*');",
        json!([]),
    )
    .await;
    page.enter_frame("#tandem-frame").await;
    page.wait_for(
        "the chat to start",
        "return document.querySelector('#start-form').hidden;",
    )
    .await;
    page.leave_frame().await;
    // The stranger's message came first: had it been taken, the chat would be Mallory's.
    let list = list(&app, &app.admin_token, "").await;
    let names: Vec<&str> = list["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["customer"]["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["Maria Rossi"],
        "only the embedding page's identity is taken"
    );

    // On a shared computer the customer ends the chat: the device forgets it, the token is revoked.
    page.enter_frame("#tandem-frame").await;
    page.click("#end-chat").await;
    page.wait_for(
        "the start form, with nothing kept on the device",
        "return !document.querySelector('#start-form').hidden \
           && Object.keys(localStorage).every(k => !k.startsWith('tandem.widget.'));",
    )
    .await;
    let id = list["conversations"][0]["id"].as_str().unwrap();
    let events = body(
        app.get(&format!("/api/v1/conversations/{id}/events"))
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap(),
        reqwest::StatusCode::OK,
    )
    .await;
    assert!(
        events["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["data"]["change"] == "customer_token"),
        "the token was revoked: {events}"
    );
    page.quit().await;
}

/// When the bot is unsure it asks with buttons; a click goes on with that intent (the bot asks
/// which order, as for a recognised tracking question), and answered choices are disabled.
#[tokio::test]
async fn a_customer_answers_the_bots_question_with_one_click() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    let driver = Driver::start(&driver_path, &chromium).await;
    let page = driver.session(390, 844).await;
    page.goto(&app.url("/demo")).await;
    page.click("#tandem-launcher").await;
    page.enter_frame("#tandem-frame").await;
    page.type_into("#start-name", "Maria Rossi").await;
    page.type_into("#start-email", "maria.rossi@example.com").await;
    page.click("#start-form button[type=submit]").await;
    page.type_into("#text", "I have a problem with my order").await;
    page.keys("#text", "\u{E007}").await;
    page.wait_for(
        "buttons under the bot's question, one of them for a person",
        "return document.querySelectorAll('.msg-bot .choice').length >= 2 \
           && !!document.querySelector('.msg-bot .choice[data-choice=human]');",
    )
    .await;
    // The likeliest intent the bot offers.
    let picked = page
        .script(
            "const b = document.querySelector('.msg-bot .choice:not([data-choice=human])'); \
             return [b.dataset.choice, b.textContent];",
            json!([]),
        )
        .await;
    let (intent, label) = (
        picked[0].as_str().unwrap().to_owned(),
        picked[1].as_str().unwrap().to_owned(),
    );
    let bots_before = page
        .script("return document.querySelectorAll('.msg-bot').length;", json!([]))
        .await;
    let button = page
        .find(&format!(".msg-bot .choice[data-choice={intent}]"))
        .await;
    page.click_element(&button).await;
    // The click is the customer's message (its label), and the bot answers it.
    page.find_with_text(".msg-customer .msg-text", &label).await;
    page.wait_for(
        "the bot's answer to the click",
        &format!("return document.querySelectorAll('.msg-bot').length > {bots_before};"),
    )
    .await;
    page.wait_for(
        "the answered choices to be disabled",
        "return [...document.querySelectorAll('.choice')].every(b => b.disabled);",
    )
    .await;
    page.leave_frame().await;
    let list = list(&app, &app.admin_token, "").await;
    let id = list["conversations"][0]["id"].as_str().unwrap().to_owned();
    let decisions = app.decisions(&id).await;
    let last = decisions.last().unwrap();
    assert_eq!(last["intent"].as_str(), Some(intent.as_str()), "{last}");
    assert!(
        last["reasons"].to_string().contains("picked"),
        "the decision says the customer picked it: {last}"
    );
    page.quit().await;
}
