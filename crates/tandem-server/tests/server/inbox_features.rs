//! What agents of a modern helpdesk expect of the inbox (issue 16, features): canned replies with
//! variables filled in for the conversation, snoozing a case until a time, and bulk actions on
//! the list. HTTP tests and browser tests; every browser test fails on an error in the console.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::browser::{audit, binaries_or_skip, log_in, screenshot_dir};
use crate::inbox_workspace::{open_case, queued_case};
use crate::support::*;
use crate::webdriver::Driver;

async fn suggestions(app: &TestApp, token: &str, conversation: &str) -> Value {
    let response = app
        .get(&format!("/api/v1/conversations/{conversation}/suggestions"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    body(response, StatusCode::OK).await
}

fn canned_text(s: &Value, title: &str) -> String {
    s["canned"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == title)
        .unwrap_or_else(|| panic!("no canned reply {title} in {s}"))["text"]
        .as_str()
        .unwrap()
        .to_owned()
}

// --- suggested articles -----------------------------------------------------------------------

/// Issue 16, defect 5: a handed-over case's recognised request suggests its own articles first,
/// whatever words the customer used ("a small tear near the pocket" and "Our Quality Promise"),
/// and a canned reply that has nothing to do with the message is not suggested.
#[tokio::test]
async fn a_handed_over_case_suggests_the_articles_of_its_request() {
    let app = spawn_demo_app().await;
    let jo = app.start_conversation("Jo Park", "jo@example.org").await;
    app.customer_says(
        &jo,
        "The denim jacket I received has a small tear near the pocket",
    )
    .await;
    let s = suggestions(&app, &app.admin_token, &jo.conversation_id).await;
    let first = s["articles"][0]["slug"].as_str().unwrap_or_default();
    assert_eq!(first, "quality-promise", "{s}");
    // No canned reply shares a word with the complaint: none is suggested (the picker has all).
    let replies: Vec<&str> = s["replies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap_or_default())
        .collect();
    assert!(!replies.contains(&"Refund confirmed"), "{s}");
    assert!(!s["canned"].as_array().unwrap().is_empty(), "{s}");
}

// --- canned replies with variables ----------------------------------------------------------

#[tokio::test]
async fn canned_replies_are_filled_in_for_the_conversation_and_the_agent() {
    let app = spawn_demo_app().await;
    let agent = app.create_staff("sam@example.org", "agent").await;
    let list = json!({ "canned_replies": [
        { "title": "Order news", "text": "Hi {{customer.first_name}}, {{ agent.first_name }} here: order {{order.number}} is on its way." },
        { "title": "Unknown", "text": "Dear {{customer.nickname}}" },
    ]});
    let response = app
        .put("/api/v1/content/canned-replies")
        .bearer_auth(&app.admin_token)
        .json(&list)
        .send()
        .await
        .unwrap();
    body(response, StatusCode::OK).await;

    let maria = app.start_conversation("Maria Lopez", "maria@example.org").await;
    app.customer_says(&maria, "Where is my order A1043?").await;
    let s = suggestions(&app, &agent.token, &maria.conversation_id).await;
    assert_eq!(
        canned_text(&s, "Order news"),
        "Hi Maria, Test here: order A1043 is on its way.",
        "{s}"
    );
    // A variable without a value stays visible, not an empty gap.
    assert_eq!(canned_text(&s, "Unknown"), "Dear {{customer.nickname}}");
    // The ranked suggestions are filled in the same way.
    for r in s["replies"].as_array().unwrap() {
        assert!(
            !r["text"].as_str().unwrap().contains("{{customer.first_name}}"),
            "{r}"
        );
    }

    // No order is known in Bob's conversation: its variable stays for the agent to fill.
    let bob = app.start_conversation("Bob", "bob@example.org").await;
    app.customer_says(&bob, "Do you sell gift cards?").await;
    let s = suggestions(&app, &app.admin_token, &bob.conversation_id).await;
    let text = canned_text(&s, "Order news");
    assert!(text.starts_with("Hi Bob, "), "{text}");
    assert!(text.ends_with("order {{order.number}} is on its way."), "{text}");
}

#[tokio::test]
async fn the_demo_pack_greets_by_name() {
    let app = spawn_demo_app().await;
    let agent = app.create_staff("sam@example.org", "agent").await;
    let ada = app.start_conversation("Ada King", "ada@example.org").await;
    app.customer_says(&ada, "My refund has not arrived").await;
    let s = suggestions(&app, &agent.token, &ada.conversation_id).await;
    let all: Vec<String> = s["canned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap().to_owned())
        .collect();
    assert!(all.iter().any(|t| t.starts_with("Hi Ada,")), "{all:?}");
    assert!(all.iter().any(|t| t.contains("Test, Acme Outfitters")), "{all:?}");
    assert!(!all.iter().any(|t| t.contains("{{")), "{all:?}");
}

/// Inserting a canned reply (from the suggestions or from the picker) puts the filled-in text in
/// the composer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inserting_a_canned_reply_puts_the_filled_text_in_the_composer() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    let agent = app.create_staff("sam@example.org", "agent").await;
    let ada = app.start_conversation("Ada King", "ada@example.org").await;
    app.customer_says(&ada, "My refund has not arrived").await;
    app.customer_says(&ada, "agent").await;
    let driver = Driver::start(&driver_path, &chromium).await;
    let staff = driver.session(1400, 900).await;
    log_in(&staff, &app, &agent.email, &agent.password).await;
    staff.goto(&app.url("/app/inbox?view=open")).await;
    staff.find_with_text("#live-state", "Live").await;
    open_case(&staff, "Ada King").await;

    // From the picker: the sign-off names the agent.
    staff
        .find_with_text("#suggestions .suggested-reply", "Reply:")
        .await;
    staff
        .script(
            "const s = document.querySelector('#canned'); \
             const o = [...s.options].find((o) => o.text === 'Anything else?'); \
             s.value = o.value; s.dispatchEvent(new Event('change'));",
            json!([]),
        )
        .await;
    let text = staff
        .script("return document.querySelector('#reply-text').value;", json!([]))
        .await;
    let text = text.as_str().unwrap();
    assert!(text.ends_with("Test, Acme Outfitters customer care"), "{text}");
    assert!(!text.contains("{{"), "{text}");

    // From the suggestions: the greeting names the customer.
    staff
        .script("document.querySelector('#reply-text').value = '';", json!([]))
        .await;
    staff
        .click("#suggestions button[aria-label='Insert the reply Refund confirmed']")
        .await;
    let text = staff
        .script("return document.querySelector('#reply-text').value;", json!([]))
        .await;
    assert!(text.as_str().unwrap().starts_with("Hi Ada, good news"), "{text}");
    audit(&staff, "the inbox with a canned reply").await;
    staff.screenshot(&screenshot_dir(), "inbox-canned-reply").await;
    // Ends with the console checked (`quit`).
    staff.quit().await;
}

// --- snooze -----------------------------------------------------------------------------------

async fn snooze(app: &TestApp, conversation: &str, until: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/conversations/{conversation}/snooze"))
        .bearer_auth(&app.admin_token)
        .json(&until)
        .send()
        .await
        .unwrap()
}

fn names(page: &Value) -> Vec<String> {
    let mut found: Vec<String> = page["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["customer"]["name"].as_str().unwrap().to_owned())
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn a_snoozed_case_leaves_the_open_lists_until_its_customer_writes() {
    let app = spawn_app().await;
    let ann = queued_case(&app, "Ann", "ann@example.org", "My parcel is late").await;
    let _ben = queued_case(&app, "Ben", "ben@example.org", "Hello").await;
    let later = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let snoozed = body(
        snooze(&app, &ann.conversation_id, json!({ "until": later })).await,
        StatusCode::OK,
    )
    .await;
    assert!(snoozed["snoozed_until"].is_string(), "{snoozed}");
    let token = app.admin_token.clone();
    assert_eq!(names(&list(&app, &token, "?status=open").await), ["Ben"]);
    assert_eq!(names(&list(&app, &token, "?status=queued").await), ["Ben"]);
    assert_eq!(
        names(&list(&app, &token, "?status=open&snoozed=only").await),
        ["Ann"]
    );
    assert_eq!(
        names(&list(&app, &token, "?status=open&snoozed=include").await),
        ["Ann", "Ben"]
    );
    // Lists that are not open work show it.
    assert_eq!(names(&list(&app, &token, "").await), ["Ann", "Ben"]);
    let events = app.events(&ann.conversation_id).await;
    assert!(
        events.iter().any(|e| e["data"]["change"] == "snooze"),
        "{events:?}"
    );

    // The customer writes: the case is awake and listed again.
    app.customer_says(&ann, "Any news?").await;
    assert_eq!(
        app.detail(&ann.conversation_id).await["snoozed_until"],
        Value::Null
    );
    assert_eq!(names(&list(&app, &token, "?status=open").await), ["Ann", "Ben"]);

    // Snoozed again and woken by an agent.
    body(
        snooze(&app, &ann.conversation_id, json!({ "until": later })).await,
        StatusCode::OK,
    )
    .await;
    let woken = app
        .delete(&format!("/api/v1/conversations/{}/snooze", ann.conversation_id))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(body(woken, StatusCode::OK).await["snoozed_until"], Value::Null);

    // Resolving a snoozed case ends its snooze.
    body(
        snooze(&app, &ann.conversation_id, json!({ "until": later })).await,
        StatusCode::OK,
    )
    .await;
    let resolved = app
        .update(
            &app.admin_token,
            &ann.conversation_id,
            json!({ "status": "resolved" }),
        )
        .await;
    assert_eq!(body(resolved, StatusCode::OK).await["snoozed_until"], Value::Null);
}

#[tokio::test]
async fn a_bad_snooze_is_refused_with_a_reason() {
    let app = spawn_app().await;
    let ann = queued_case(&app, "Ann", "ann@example.org", "My parcel is late").await;
    let past = (chrono::Utc::now() - chrono::Duration::minutes(5)).to_rfc3339();
    let far = (chrono::Utc::now() + chrono::Duration::days(400)).to_rfc3339();
    for until in ["tomorrow", "", past.as_str(), far.as_str()] {
        let refused = snooze(&app, &ann.conversation_id, json!({ "until": until })).await;
        error(refused, StatusCode::BAD_REQUEST, "invalid_snooze").await;
    }
    let refused = snooze(&app, &ann.conversation_id, json!({ "when": "later" })).await;
    error(refused, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    let soon = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let unknown = snooze(&app, &uuid::Uuid::now_v7().to_string(), json!({ "until": soon })).await;
    error(unknown, StatusCode::NOT_FOUND, "not_found").await;
    // Only open work sleeps: a conversation with the bot is not snoozed.
    let bot = app.start_conversation("Bo", "bo@example.org").await;
    let refused = snooze(&app, &bot.conversation_id, json!({ "until": soon })).await;
    error(refused, StatusCode::BAD_REQUEST, "invalid_snooze").await;
    let refused = app
        .get("/api/v1/conversations?snoozed=never")
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    error(refused, StatusCode::BAD_REQUEST, "invalid_snooze").await;
    assert_eq!(
        app.detail(&ann.conversation_id).await["snoozed_until"],
        Value::Null
    );
}

/// The inbox snoozes the open case (a preset and a chosen time), lists it under Snoozed only,
/// and wakes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_snoozes_a_case_and_shows_it_under_snoozed() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_app().await;
    queued_case(&app, "Ann Snow", "ann@example.org", "My parcel is late").await;
    queued_case(&app, "Ben Awake", "ben@example.org", "Hello there").await;
    let driver = Driver::start(&driver_path, &chromium).await;
    let staff = driver.session(1400, 900).await;
    log_in(&staff, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    staff.goto(&app.url("/app/inbox?view=open")).await;
    staff.find_with_text("#live-state", "Live").await;
    open_case(&staff, "Ann Snow").await;

    staff.click("#snooze-menu summary").await;
    staff.screenshot(&screenshot_dir(), "inbox-snooze-menu").await;
    staff.click("[data-snooze='tomorrow']").await;
    staff.find_with_text("#snooze-state", "Snoozed until").await;
    staff
        .wait_for(
            "Ann gone from the open list",
            "return [...document.querySelectorAll('#conv-list .conv-item')].map((i) => i.textContent).join('|').indexOf('Ann Snow') < 0 \
               && document.querySelectorAll('#conv-list .conv-item').length === 1;",
        )
        .await;
    let detail = list(&app, &app.admin_token, "?status=open&snoozed=only").await;
    let until = detail["conversations"][0]["snoozed_until"]
        .as_str()
        .unwrap()
        .to_owned();
    let until = chrono::DateTime::parse_from_rfc3339(&until).unwrap();
    let hours = (until.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_hours();
    assert!((0..=33).contains(&hours), "tomorrow at 9:00 is {until}");

    // Under Snoozed, with its time.
    staff.click("[data-view='snoozed']").await;
    staff.find_with_text("#list-title", "Snoozed").await;
    staff
        .find_with_text("#conv-list .conv-item", "snoozed until")
        .await;
    staff.find_with_text("[data-count='snoozed']", "1").await;

    // Woken, it is open work again.
    staff.click("#unsnooze").await;
    staff
        .wait_for(
            "the Snoozed list empty",
            "return document.querySelectorAll('#conv-list .conv-item').length === 0;",
        )
        .await;

    // A chosen time.
    staff
        .script(
            "const t = new Date(Date.now() + 3 * 3600 * 1000); \
             const pad = (n) => String(n).padStart(2, '0'); \
             document.querySelector('#snooze-until').value = t.getFullYear() + '-' + pad(t.getMonth() + 1) + '-' + pad(t.getDate()) + 'T' + pad(t.getHours()) + ':' + pad(t.getMinutes());",
            json!([]),
        )
        .await;
    staff.click("#snooze-menu summary").await;
    staff.click("#snooze-form button[type=submit]").await;
    staff.find_with_text("#snooze-state", "Snoozed until").await;
    let snoozed = list(&app, &app.admin_token, "?status=open&snoozed=only").await;
    assert_eq!(names(&snoozed), ["Ann Snow"]);
    audit(&staff, "the inbox with a snoozed case").await;
    // Ends with the console checked (`quit`).
    staff.quit().await;
}

// --- bulk actions -------------------------------------------------------------------------------

async fn bulk(app: &TestApp, token: &str, request: Value) -> reqwest::Response {
    app.post("/api/v1/conversations/bulk")
        .bearer_auth(token)
        .json(&request)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn one_request_assigns_tags_and_resolves_several_cases_with_the_single_rules() {
    let app = spawn_app().await;
    let agent = app.create_staff("sam@example.org", "agent").await;
    let mut ids = Vec::new();
    for (name, email) in [
        ("A", "a@example.org"),
        ("B", "b@example.org"),
        ("C", "c@example.org"),
    ] {
        ids.push(
            queued_case(&app, name, email, "Help please")
                .await
                .conversation_id,
        );
    }
    let unknown = uuid::Uuid::now_v7().to_string();

    let assigned = body(
        bulk(
            &app,
            &agent.token,
            json!({ "ids": [ids[0], ids[1], ids[0]], "change": { "assignee_id": agent.id } }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let results = assigned["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "a repeated id counts once: {assigned}");
    for r in results {
        // The single update's rule: an assignee means `assigned`.
        assert_eq!(r["conversation"]["status"], "assigned", "{r}");
        assert_eq!(r["conversation"]["assignee_id"], agent.id.as_str());
    }

    let tagged = body(
        bulk(
            &app,
            &agent.token,
            json!({ "ids": [ids[2], unknown, "not-an-id"], "change": { "add_tags": ["vip"] } }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let results = tagged["results"].as_array().unwrap();
    assert_eq!(results[0]["conversation"]["tags"], json!(["vip"]));
    assert_eq!(results[1]["error"]["code"], "not_found");
    assert_eq!(results[2]["error"]["code"], "not_found");
    assert!(results[1]["conversation"].is_null());

    // Each case is checked like a single update: a bad tag is refused for every one.
    let refused = body(
        bulk(
            &app,
            &agent.token,
            json!({ "ids": [ids[0]], "change": { "add_tags": ["no spaces allowed!"] } }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(refused["results"][0]["error"]["code"], "invalid_tag", "{refused}");

    let resolved = body(
        bulk(
            &app,
            &agent.token,
            json!({ "ids": ids, "change": { "status": "resolved" } }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    for r in resolved["results"].as_array().unwrap() {
        assert_eq!(r["conversation"]["status"], "resolved", "{r}");
    }
    assert_eq!(list(&app, &app.admin_token, "?status=resolved").await["total"], 3);

    for (request, status, code) in [
        (
            json!({ "ids": [], "change": {} }),
            StatusCode::BAD_REQUEST,
            "invalid_bulk",
        ),
        (
            json!({ "ids": ids }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
    ] {
        error(bulk(&app, &agent.token, request).await, status, code).await;
    }
    let many: Vec<String> = (0..101).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let refused = bulk(&app, &agent.token, json!({ "ids": many, "change": {} })).await;
    error(refused, StatusCode::BAD_REQUEST, "invalid_bulk").await;
}

/// Ticks a case in the list (live updates may redraw the list at any time; the selection stays).
async fn tick(staff: &crate::webdriver::Browser, name: &str) {
    let script = format!(
        "const b = document.querySelector(\"#conv-list input[aria-label='Select the conversation with {name}']\"); \
         if (!b) return false; if (!b.checked) b.click(); return b.checked;"
    );
    staff.wait_for(&format!("{name} ticked"), &script).await;
}

/// Several cases ticked in the list are tagged, assigned and resolved at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_assigns_tags_and_resolves_ticked_cases() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_app().await;
    let agent = app.create_staff("sam@example.org", "agent").await;
    for (name, email) in [
        ("Ada One", "ada@example.org"),
        ("Bea Two", "bea@example.org"),
        ("Cy Three", "cy@example.org"),
    ] {
        queued_case(&app, name, email, "Where is my parcel?").await;
    }
    let driver = Driver::start(&driver_path, &chromium).await;
    let staff = driver.session(1400, 900).await;
    log_in(&staff, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    staff.goto(&app.url("/app/inbox?view=open")).await;
    staff.find_with_text("#live-state", "Live").await;
    staff.find_with_text("#conv-list .conv-item", "Cy Three").await;

    tick(&staff, "Ada One").await;
    tick(&staff, "Bea Two").await;
    staff.find_with_text("#bulk-count", "2 selected").await;
    staff.screenshot(&screenshot_dir(), "inbox-bulk-selected").await;
    audit(&staff, "the inbox with cases selected").await;

    // Tag both.
    staff.type_into("#bulk-tag", "vip").await;
    staff.click("#bulk-tag-form button[type=submit]").await;
    staff
        .wait_for(
            "2 conversations tagged vip",
            "return document.querySelector('#flash').textContent.includes('2 conversations tagged vip');",
        )
        .await;
    let tagged = list(&app, &app.admin_token, "?tag=vip").await;
    assert_eq!(names(&tagged), ["Ada One", "Bea Two"]);

    // Assign both to the agent (the selection was cleared: tick them again).
    for name in ["Ada One", "Bea Two"] {
        tick(&staff, name).await;
    }
    staff
        .script(
            "const s = document.querySelector('#bulk-assignee'); s.value = arguments[0]; \
             s.dispatchEvent(new Event('change'));",
            json!([agent.id]),
        )
        .await;
    staff
        .wait_for(
            "2 conversations assigned",
            "return document.querySelector('#flash').textContent.includes('2 conversations assigned');",
        )
        .await;
    let mine = list(&app, &agent.token, "?assignee=me").await;
    assert_eq!(names(&mine), ["Ada One", "Bea Two"]);

    // `x` ticks the highlighted case (the first), and Select all the rest.
    staff.script("document.activeElement.blur();", json!([])).await;
    staff.press(&["x"]).await;
    staff.find_with_text("#bulk-count", "1 selected").await;
    staff.click("#bulk-all").await;
    staff.find_with_text("#bulk-count", "3 selected").await;
    staff.click("#bulk-resolve").await;
    staff
        .wait_for(
            "the open list empty",
            "return document.querySelectorAll('#conv-list .conv-item').length === 0;",
        )
        .await;
    assert_eq!(list(&app, &app.admin_token, "?status=resolved").await["total"], 3);
    // Ends with the console checked (`quit`).
    staff.quit().await;
}
