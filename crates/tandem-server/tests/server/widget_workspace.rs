//! Issue 16 (defects 3, 7 and 8): the admin's Users and Teams pages keep working after an action;
//! the widget greets with the pack's disclosure, says a person is with the customer only once one
//! has written, makes links clickable, names a source once, signs agents' replies with their first
//! name (or the pack's `agent_name`), and shows replies that come while it is closed (a count on
//! its button and in the page's title). Every browser test fails on an error in the console.

use serde_json::{json, Value};

use crate::browser::{audit, binaries_or_skip, log_in, screenshot_dir};
use crate::support::*;
use crate::webdriver::Driver;

/// Creates a staff member with a full name (the widget must show only the first one).
async fn staff_named(app: &TestApp, name: &str, email: &str) -> StaffMember {
    let member = app.create_staff(email, "agent").await;
    let response = app
        .patch(&format!("/api/v1/users/{}", member.id))
        .bearer_auth(&app.admin_token)
        .json(&json!({ "name": name }))
        .send()
        .await
        .unwrap();
    body(response, reqwest::StatusCode::OK).await;
    member
}

/// Finds the role menu in Tom's row (as `s`).
const TOMS_ROLE: &str = "const s = [...document.querySelectorAll('#users tbody tr')] \
    .find(r => r.innerText.includes('tom@example.org')).querySelector('select');";

fn flash_is(kind: &str, text: &str) -> String {
    format!(
        "const f = document.querySelector('#flash'); \
         return f.classList.contains('{kind}') && f.textContent.includes({text:?});"
    )
}

/// Defect 3: adding a user refreshes the list and the next add works too; a refused team keeps
/// its input, and the next add is handled by the page (no native form submit, no reload).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_and_teams_pages_keep_working_after_an_action() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_app().await;
    let driver = Driver::start(&driver_path, &chromium).await;
    let admin = driver.session(1400, 900).await;
    log_in(&admin, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    admin.goto(&app.url("/app/admin/users")).await;
    admin.find_with_text("#users tbody tr", ADMIN_EMAIL).await;
    for (name, email) in [
        ("Ada Lovelace", "ada@example.org"),
        ("Tom Baker", "tom@example.org"),
    ] {
        admin.type_into("#u-name", name).await;
        admin.type_into("#u-email", email).await;
        admin.type_into("#u-password", "a long password 123").await;
        admin.click("#user-form button[type=submit]").await;
        // The list shows the new user at once, and the form is ready for the next one.
        admin.find_with_text("#users tbody tr", email).await;
        admin
            .wait_for("the flash to confirm", &flash_is("ok", "User added."))
            .await;
        admin
            .wait_for(
                "an empty form",
                "return document.querySelector('#u-name').value === '';",
            )
            .await;
    }
    // A change to a user is shown as the server has it.
    admin
        .script(
            &format!("{TOMS_ROLE} s.value = 'supervisor'; s.dispatchEvent(new Event('change'));"),
            json!([]),
        )
        .await;
    admin
        .wait_for("the role change", &flash_is("ok", "Tom Baker is now supervisor."))
        .await;
    let users = body(
        app.get("/api/v1/users")
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap(),
        reqwest::StatusCode::OK,
    )
    .await;
    let emails: Vec<&str> = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert_eq!(emails.len(), 3, "each user was added once: {emails:?}");
    assert!(users["users"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["email"] == "tom@example.org" && u["role"] == "supervisor"));
    admin
        .wait_for(
            "the refreshed role",
            &format!("{TOMS_ROLE} return s.value === 'supervisor';"),
        )
        .await;
    audit(&admin, "the users page").await;
    admin.assert_console_clean("on the users page", &[]).await;

    admin.goto(&app.url("/app/admin/teams")).await;
    admin.find("#teams tbody").await;
    admin
        .script("window.stillThisPage = true; return null;", json!([]))
        .await;
    // Refused: a skill with spaces and an exclamation mark is not a valid tag.
    admin.type_into("#t-name", "billing").await;
    admin.type_into("#t-skills", "bad skill!").await;
    admin.click("#team-form button[type=submit]").await;
    admin
        .wait_for("the refusal", &flash_is("error", "not a valid tag"))
        .await;
    assert_eq!(
        admin
            .script("return [document.querySelector('#t-name').value, document.querySelector('#t-skills').value];", json!([]))
            .await,
        json!(["billing", "bad skill!"]),
        "a refused add keeps what was typed"
    );
    // The next try is the page's, not the browser's: no reload, the list shows the team.
    admin.type_into("#t-skills", "invoices, refunds").await;
    admin.click("#team-form button[type=submit]").await;
    admin.find_with_text("#teams tbody tr", "invoices, refunds").await;
    admin
        .wait_for("the flash to confirm", &flash_is("ok", "Team added."))
        .await;
    admin.type_into("#t-name", "vip").await;
    admin.click("#team-form button[type=submit]").await;
    admin.find_with_text("#teams tbody tr", "Vip").await;
    assert_eq!(
        admin
            .script(
                "return window.stillThisPage === true && location.search === '';",
                json!([])
            )
            .await,
        json!(true),
        "the form was never submitted by the browser"
    );
    audit(&admin, "the teams page").await;
    admin
        .assert_console_clean(
            "on the teams page",
            &["/api/v1/teams - Failed to load resource: the server responded with a status of 400"],
        )
        .await;
    admin.quit().await;
}

/// The id of the only conversation.
async fn only_conversation(app: &TestApp) -> String {
    let list = list(app, &app.admin_token, "").await;
    let all = list["conversations"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{list}");
    all[0]["id"].as_str().unwrap().to_owned()
}

/// Defects 7 and 8 in the widget: greeting, links, the source once, "with you" only after a
/// person wrote, the agent's first name, the handoff's promise; unread replies while closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_greets_informs_truthfully_and_shows_missed_replies() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    let sam = staff_named(&app, "Sam Carter", "sam.carter@example.org").await;
    let texts = app.content().await["texts"].clone();
    let disclosure = texts["disclosure"].as_str().unwrap().to_owned();
    // The returns article points to where a return starts.
    let start_link = "https://acme-outfitters.example/returns/start";
    let response = app
        .put("/api/v1/content/articles/returns")
        .bearer_auth(&app.admin_token)
        .json(&json!({
            "title": "Returns and refunds", "tags": ["returns", "refunds"],
            "url": "https://acme-outfitters.example/help/returns",
            "body": format!("## Our 30-day return policy\n\nYou can return anything within 30 days of delivery for a full refund. Start your return at {start_link}. It takes two minutes."),
        }))
        .send()
        .await
        .unwrap();
    body(response, reqwest::StatusCode::OK).await;

    let shots = screenshot_dir();
    let driver = Driver::start(&driver_path, &chromium).await;
    let page = driver.session(1024, 800).await;
    page.goto(&app.url("/demo")).await;
    let title = page.script("return document.title;", json!([])).await;
    page.click("#tandem-launcher").await;
    page.enter_frame("#tandem-frame").await;
    // Greeted with the pack's disclosure before writing anything.
    page.find_with_text("#start-intro", &disclosure).await;
    page.type_into("#start-name", "Maria Rossi").await;
    page.type_into("#start-email", "maria.rossi@example.com").await;
    page.click("#start-form button[type=submit]").await;
    page.find_with_text(".msg-bot.msg-greeting .msg-text", "bot")
        .await;
    assert_eq!(page.text(".msg-greeting .msg-text").await, disclosure);

    // A bot answer: the link is a link (new tab, no opener), the source is named once, and the
    // disclosure the customer was greeted with is not said again.
    page.type_into("#text", "What is your return policy?").await;
    page.keys("#text", "\u{E007}").await;
    page.find_with_text(".msg-bot:not(.msg-greeting) .msg-text", "30 days")
        .await;
    let link = page
        .script(
            "const a = document.querySelector('.msg-bot:not(.msg-greeting) .msg-text a'); \
             return a && [a.href, a.textContent, a.target, a.rel];",
            json!([]),
        )
        .await;
    assert_eq!(
        link,
        json!([start_link, start_link, "_blank", "noopener noreferrer"])
    );
    let shown = page
        .script("return document.querySelector('#messages').innerText;", json!([]))
        .await;
    let shown = shown.as_str().unwrap();
    assert!(!shown.contains("From our help centre"), "{shown}");
    assert_eq!(
        shown.matches("Returns and refunds").count(),
        1,
        "the source once: {shown}"
    );
    assert_eq!(
        shown.matches(disclosure.as_str()).count(),
        1,
        "the disclosure once: {shown}"
    );
    page.leave_frame().await;
    page.screenshot(&shots, "widget-link-1024").await;
    page.enter_frame("#tandem-frame").await;

    // A person is asked for; the case is assigned but nobody has written yet.
    page.click("#ask-person").await;
    page.find_with_text(".msg-bot .msg-text", "passing you").await;
    let conversation = only_conversation(&app).await;
    let response = app
        .update(&app.admin_token, &conversation, json!({ "assignee_id": sam.id }))
        .await;
    body(response, reqwest::StatusCode::OK).await;
    page.wait_for(
        "a person is on the way",
        "return document.querySelector('#status-line').innerText.includes('A person will be with you shortly');",
    )
    .await;
    let messages = page
        .script("return document.querySelector('#messages').innerText;", json!([]))
        .await;
    assert!(
        !messages.as_str().unwrap().contains("by e-mail"),
        "no promise of an e-mail channel: {messages}"
    );

    // Sam writes: now a person is with the customer, and the reply is signed "Sam".
    app.staff_says(
        &sam.token,
        &conversation,
        "Hi Maria, Sam here. I'll look into it.",
        false,
    )
    .await;
    page.find_with_text(".msg-agent", "Sam here").await;
    assert_eq!(page.text(".msg-agent .who").await, "Sam");
    page.wait_for(
        "a person is with you",
        "return document.querySelector('#status-line').innerText.includes('A member of our team is with you');",
    )
    .await;
    audit(&page, "the widget").await;

    // Closed, the widget counts replies on its button and in the page's title.
    page.click("#close").await;
    page.leave_frame().await;
    app.staff_says(&sam.token, &conversation, "One more thing: which size?", false)
        .await;
    page.wait_for(
        "one unread reply",
        "const b = document.querySelector('#tandem-unread'); \
         return getComputedStyle(b).display !== 'none' && b.textContent === '1' \
           && document.title.startsWith('(1) ');",
    )
    .await;
    app.staff_says(&sam.token, &conversation, "And which colour?", false)
        .await;
    page.wait_for(
        "two unread replies",
        "return document.querySelector('#tandem-unread').textContent === '2' && document.title.startsWith('(2) ') \
           && document.querySelector('#tandem-launcher').getAttribute('aria-label').includes('2 new');",
    )
    .await;
    page.screenshot(&shots, "widget-unread-1024").await;
    // Opening the chat reads them: the count goes, the title is the page's own again.
    page.click("#tandem-launcher").await;
    page.wait_for(
        "the replies read",
        &format!(
            "return getComputedStyle(document.querySelector('#tandem-unread')).display === 'none' \
               && document.title === {title};"
        ),
    )
    .await;
    page.enter_frame("#tandem-frame").await;
    page.find_with_text(".msg-agent", "which colour").await;
    page.leave_frame().await;
    // A reply while the chat is open is not unread.
    app.staff_says(&sam.token, &conversation, "Thanks!", false).await;
    page.enter_frame("#tandem-frame").await;
    page.find_with_text(".msg-agent", "Thanks!").await;
    page.leave_frame().await;
    assert_eq!(page.script("return document.title;", json!([])).await, title);
    // Ends with the console checked (`quit`).
    page.quit().await;
}

/// The names on agents' replies, over HTTP and the live socket: the agent's first name by
/// default (never the full name or the e-mail address), the pack's `agent_name` when it has one.
#[tokio::test]
async fn agent_replies_are_signed_with_a_first_name_or_the_packs_name() {
    let app = spawn_demo_app().await;
    let sam = staff_named(&app, "Sam Carter", "sam.carter@example.org").await;
    let maria = app
        .start_conversation("Maria Rossi", "maria.rossi@example.com")
        .await;
    let mut live = connect_ws(&app.ws_url(&format!(
        "/api/v1/widget/conversations/{}/live?token={}",
        maria.conversation_id, maria.token
    )))
    .await;
    app.staff_says(&sam.token, &maria.conversation_id, "Hello Maria!", false)
        .await;
    let frame = loop {
        let event = next_event(&mut live).await;
        if event["type"] == "message_created" && event["message"]["author"] == "agent" {
            break event;
        }
    };
    assert_eq!(frame["message"]["author_name"], "Sam", "{frame}");
    let messages = app.customer_messages(&maria).await;
    let agent: Vec<&Value> = messages.iter().filter(|m| m["author"] == "agent").collect();
    assert_eq!(agent.len(), 1);
    assert_eq!(agent[0]["author_name"], "Sam");
    let everything = format!("{frame}{messages:?}");
    assert!(
        !everything.contains("Carter") && !everything.contains("sam.carter@"),
        "{everything}"
    );
    // The customer's own and the bot's messages carry no name.
    assert!(messages
        .iter()
        .filter(|m| m["author"] != "agent")
        .all(|m| m.get("author_name").is_none()));

    // A business that signs as its team.
    let mut texts = app.content().await["texts"].clone();
    texts["agent_name"] = json!("Support team");
    let response = app
        .put("/api/v1/content/texts")
        .bearer_auth(&app.admin_token)
        .json(&texts)
        .send()
        .await
        .unwrap();
    body(response, reqwest::StatusCode::OK).await;
    let messages = app.customer_messages(&maria).await;
    let agent = messages.iter().find(|m| m["author"] == "agent").unwrap();
    assert_eq!(agent["author_name"], "Support team");
    // A blank name is refused with a clear error.
    texts["agent_name"] = json!("  ");
    let response = app
        .put("/api/v1/content/texts")
        .bearer_auth(&app.admin_token)
        .json(&texts)
        .send()
        .await
        .unwrap();
    error(response, reqwest::StatusCode::BAD_REQUEST, "empty_text").await;
}

/// The demo pack's handoff promises only what is true: a person answers in this chat (there is
/// no e-mail channel yet).
#[tokio::test]
async fn the_demo_handoff_promises_no_e_mail() {
    let app = spawn_demo_app().await;
    let handoff = app.content().await["texts"]["handoff"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!handoff.contains("e-mail"), "{handoff}");
    assert!(handoff.contains("in this chat"), "{handoff}");
}
