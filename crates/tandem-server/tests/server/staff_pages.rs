//! Issue 16, defect 9 and the widget's languages: staff see only the forms their role can use
//! (a read-only view and a note saying who can change it), confirmations go away and never cover
//! a heading, and the widget says everything in the pack's words, in English or German. Every
//! browser test fails on an error in the browser console.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::browser::{audit, binaries_or_skip, log_in, screenshot_dir};
use crate::support::*;
use crate::webdriver::{Browser, Driver};

async fn visible_buttons(page: &Browser, css: &str) -> Vec<String> {
    let found = page
        .script(
            "return [...document.querySelectorAll(arguments[0] + ' button')] \
               .filter(b => b.offsetParent !== null).map(b => b.textContent.trim());",
            json!([css]),
        )
        .await;
    serde_json::from_value(found).unwrap()
}

#[tokio::test]
async fn me_says_what_the_role_may_do() {
    let app = spawn_app().await;
    let agent = app.create_staff("ann@example.org", "agent").await;
    let me = |token: String| {
        let app = &app;
        async move {
            let response = app
                .get("/api/v1/auth/me")
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            body(response, StatusCode::OK).await
        }
    };
    let names = |v: &Value| -> Vec<String> { serde_json::from_value(v["permissions"].clone()).unwrap() };
    let agent_may = names(&me(agent.token.clone()).await);
    assert!(
        agent_may.contains(&"reply_to_conversations".to_owned()),
        "{agent_may:?}"
    );
    assert!(!agent_may.contains(&"manage_content".to_owned()), "{agent_may:?}");
    assert!(!agent_may.contains(&"manage_staff".to_owned()), "{agent_may:?}");
    let admin_may = names(&me(app.admin_token.clone()).await);
    for p in ["manage_content", "manage_bot_texts", "manage_staff"] {
        assert!(admin_may.contains(&p.to_owned()), "{admin_may:?}");
    }
}

/// Defect 9: an agent reads the content pages but sees no form to change them (only a note who
/// can); an admin on the same pages sees the forms.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_see_no_forms_they_cannot_use() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    let agent = app.create_staff("ann@example.org", "agent").await;
    let driver = Driver::start(&driver_path, &chromium).await;

    let page = driver.session(1400, 900).await;
    log_in(&page, &app, &agent.email, &agent.password).await;
    page.goto(&app.url("/app/admin/intents")).await;
    page.find_with_text("#intent-list", "track_order").await;
    page.find_with_text(".notice", "trainers, supervisors and admins can change it")
        .await;
    page.find("#examples li").await;
    assert!(!page.shown("#example-form").await, "the add-example form");
    assert!(!page.shown(".new-item").await, "the new-intent form");
    assert_eq!(
        visible_buttons(&page, "#intent-detail").await,
        Vec::<String>::new()
    );
    let read_only = page
        .script(
            "return document.querySelector('#intent-description').readOnly;",
            json!([]),
        )
        .await;
    assert_eq!(read_only, json!(true));

    page.goto(&app.url("/app/admin/articles")).await;
    page.find_with_text("#article-list", "Returns").await;
    assert!(!page.shown("#new-article").await);
    assert_eq!(
        visible_buttons(&page, "#article-form").await,
        Vec::<String>::new()
    );

    page.goto(&app.url("/app/admin/templates")).await;
    page.find(".canned-title").await;
    assert_eq!(
        visible_buttons(&page, "#template-form").await,
        Vec::<String>::new()
    );
    assert_eq!(visible_buttons(&page, "#canned-form").await, Vec::<String>::new());
    let editable = page
        .script(
            "return [...document.querySelectorAll('#canned-form input, #canned-form textarea')].filter(c => !c.readOnly).length;",
            json!([]),
        )
        .await;
    assert_eq!(editable, json!(0));

    page.goto(&app.url("/app/admin/connectors")).await;
    page.find("[data-connector=order_status]").await;
    assert_eq!(
        visible_buttons(&page, "#connector-list").await,
        Vec::<String>::new()
    );

    page.goto(&app.url("/app/admin/texts")).await;
    page.find_with_text(".notice", "only admins can change them")
        .await;
    page.wait_for(
        "the texts",
        "return document.querySelector('#text-disclosure').value.length > 0;",
    )
    .await;
    assert_eq!(visible_buttons(&page, "#texts-form").await, Vec::<String>::new());

    page.goto(&app.url("/app/admin/teams")).await;
    page.find("#teams tbody tr").await;
    page.find_with_text(".notice", "Only admins").await;
    assert!(!page.shown("#team-form").await);
    audit(&page, "teams as an agent").await;
    page.snapshot("agent-teams-read-only").await;
    page.quit().await;

    // The same pages as an admin: every form is there, and no note.
    let admin = driver.session(1400, 900).await;
    log_in(&admin, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    admin.goto(&app.url("/app/admin/intents")).await;
    admin.find_with_text("#intent-list", "track_order").await;
    admin.find("#examples li button").await;
    assert!(admin.shown("#example-form").await);
    assert!(!admin.shown(".notice").await);
    // The template editor's hint names the variables a reply really has.
    admin.goto(&app.url("/app/admin/templates")).await;
    let hint = admin.text("#template-hint").await;
    for variable in ["customer.name", "slots.NAME", "row.COLUMN", "rows"] {
        assert!(hint.contains(variable), "{hint}");
    }
    admin.goto(&app.url("/app/admin/teams")).await;
    admin.find("#teams tbody tr").await;
    assert!(admin.shown("#team-form").await);
    admin.quit().await;
}

/// Defect 9: a confirmation appears where it covers no heading, and goes away with its text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmation_goes_away_and_covers_no_heading() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    let driver = Driver::start(&driver_path, &chromium).await;
    for width in [1400, 1024, 390] {
        let page = driver.session(width, 844).await;
        log_in(&page, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        page.goto(&app.url("/app/admin/texts")).await;
        page.wait_for(
            "the texts",
            "return document.querySelector('#text-disclosure').value.length > 0;",
        )
        .await;
        page.click("#texts-form button[type=submit]").await;
        // (The toast is fixed in the window, so it is looked for by its text.)
        page.wait_for(
            "the confirmation",
            "return document.querySelector('#flash').textContent.includes('Bot texts saved.');",
        )
        .await;
        let overlaps = page
            .script(
                "const f = document.querySelector('#flash').getBoundingClientRect(); \
                 return [...document.querySelectorAll('h1, h2, h3')].filter(h => { \
                   const r = h.getBoundingClientRect(); \
                   return r.width && f.left < r.right && r.left < f.right && f.top < r.bottom && r.top < f.bottom; \
                 }).map(h => h.textContent.trim());",
                json!([]),
            )
            .await;
        // At the bottom of the window, over none of the page's headings.
        assert_eq!(overlaps, json!([]), "at {width} px");
        page.wait_for(
            "the confirmation to go, text and all",
            "return document.querySelector('#flash').textContent === '';",
        )
        .await;
        page.quit().await;
    }
}

/// Every text of the widget comes from the pack: the German the demo pack ships, chosen by the
/// shop page's language (and by the browser's), with the English the pack writes otherwise.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_speaks_the_language_the_page_asks_for() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    // The API a business's own client reads.
    let german = app.get("/api/v1/widget/texts?lang=de-AT").send().await.unwrap();
    let german = body(german, StatusCode::OK).await;
    assert_eq!(german["language"], "de");
    assert_eq!(german["texts"]["start_button"], "Chat starten");
    let by_header = app
        .get("/api/v1/widget/texts")
        .header("Accept-Language", "fr-FR, de;q=0.7, en;q=0.3")
        .send()
        .await
        .unwrap();
    assert_eq!(body(by_header, StatusCode::OK).await["language"], "de");
    let fallback = app.get("/api/v1/widget/texts?lang=fr").send().await.unwrap();
    let fallback = body(fallback, StatusCode::OK).await;
    assert_eq!(fallback["language"], "en");
    assert_eq!(fallback["texts"]["header_title"], "Acme Outfitters support");

    let driver = Driver::start(&driver_path, &chromium).await;
    let page = driver.session(1024, 800).await;
    page.goto(&app.url("/demo?lang=de")).await;
    page.wait_for(
        "the launcher's German caption",
        "return document.querySelector('#tandem-launcher').textContent.includes('Chat starten');",
    )
    .await;
    page.wait_for(
        "the launcher's German label",
        "return document.querySelector('#tandem-launcher').getAttribute('aria-label').includes('öffnen');",
    )
    .await;
    page.click("#tandem-launcher").await;
    page.enter_frame("#tandem-frame").await;
    let lang = page
        .script("return document.documentElement.lang;", json!([]))
        .await;
    assert_eq!(lang, json!("de"));
    page.find_with_text("h1", "Acme Outfitters Kundenservice").await;
    page.find_with_text("label[for=start-email]", "Ihre E-Mail-Adresse")
        .await;
    page.type_into("#start-name", "Jonas Weber").await;
    // An address the browser lets through and the server refuses: said in German too.
    page.type_into("#start-email", "jonas@example").await;
    page.click("#start-form button[type=submit]").await;
    page.find_with_text("#start-error", "Bitte prüfen Sie Ihre E-Mail-Adresse")
        .await;
    page.assert_console_clean(
        "after the refused address",
        &["/api/v1/widget/conversations - Failed to load resource: the server responded with a status of 400"],
    )
    .await;
    page.type_into("#start-email", "jonas.weber@example.org").await;
    page.click("#start-form button[type=submit]").await;
    page.find_with_text("#status-line", "Unser Assistent (ein Bot)")
        .await;
    page.click("#ask-person").await;
    page.find_with_text("#status-line", "Gleich ist eine Person für Sie da.")
        .await;
    page.find_with_text(".msg-customer .who", "Sie").await;
    page.find_with_text(
        ".msg-customer .msg-text",
        "Ich möchte bitte mit einer Person sprechen.",
    )
    .await;
    let english_left = page
        .script(
            "const words = ['Send', 'Your message', 'Talk to a person', 'End chat', 'Customer support']; \
             const text = document.body.innerText + ' ' + [...document.querySelectorAll('[aria-label], [placeholder]')] \
               .map(e => (e.getAttribute('aria-label') || '') + ' ' + (e.getAttribute('placeholder') || '')).join(' '); \
             return words.filter(w => new RegExp('\\\\b' + w + '\\\\b').test(text));",
            json!([]),
        )
        .await;
    assert_eq!(english_left, json!([]), "English left in the German widget");
    audit(&page, "the German widget").await;
    page.screenshot(&screenshot_dir(), "widget-de-1024").await;
    page.leave_frame().await;
    page.quit().await;

    // Without a language from the page, the browser's (English here) decides; the pack's words.
    let english = driver.session(1024, 800).await;
    english.goto(&app.url("/demo")).await;
    english.click("#tandem-launcher").await;
    english.enter_frame("#tandem-frame").await;
    english.find_with_text("h1", "Acme Outfitters support").await;
    english.find_with_text("#start-form button", "Start chat").await;
    english.leave_frame().await;
    english.quit().await;
}
