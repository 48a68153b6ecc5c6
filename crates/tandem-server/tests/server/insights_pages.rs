//! Service as a sensor, in a real browser (docs/root-causes.md): an agent confirms a handed-over
//! case's suggested root cause in one click and changes another's from the inbox's root-cause
//! panel (the `root:*` tag follows); the insights page shows the causes by owner with the case
//! linked, an emerging topic of what the bot did not understand, and an admin drafts an intent
//! from it into the intents editor's form. A customer rates a resolved conversation in the
//! widget, changes the rating, and the summary's CSAT counts the latest one. The pages are checked
//! at 1024 and 390 px (screenshots `insights-*.png`); a browser console error fails them.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::browser::{audit, binaries_or_skip, log_in, screenshot_dir};
use crate::support::*;
use crate::trainer_page::toast;
use crate::webdriver::{Browser, Driver};

const PERSON: &str = "Could I speak to a human being please";

/// Polls `probe` until it returns `Some`, or fails after the failure bound.
async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(started.elapsed() < FAILURE_BOUND, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A customer writes `text`, waits for the bot, and (when `hand_over`) asks for a person.
async fn conversation(app: &TestApp, name: &str, email: &str, text: &str, hand_over: bool) -> Customer {
    let customer = app.start_conversation(name, email).await;
    app.customer_says(&customer, text).await;
    eventually("the bot's answer", || async {
        let messages = app.customer_messages(&customer).await;
        messages.iter().any(|m| m["author"] == "bot").then_some(())
    })
    .await;
    if hand_over {
        app.customer_says(&customer, PERSON).await;
        eventually("the handoff", || async {
            let status = app.detail(&customer.conversation_id).await["status"].clone();
            (status == "queued" || status == "assigned").then_some(())
        })
        .await;
    }
    customer
}

async fn staff_get(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let response = app.get(path).bearer_auth(&app.admin_token).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The failed requests a page may log while the customer-health API is not on this server (the
/// page then leaves its section out); none once it is.
async fn missing_routes(app: &TestApp) -> Vec<&'static str> {
    let (status, _) = staff_get(app, "/api/v1/insights/customers?days=30&risk=high").await;
    if status == StatusCode::NOT_FOUND {
        vec!["/api/v1/insights/customers"]
    } else {
        assert_eq!(status, StatusCode::OK);
        vec![]
    }
}

/// Sets a select the way a person would, with its change event.
async fn choose(page: &Browser, css: &str, value: &str) {
    page.script(
        "const [css, value] = arguments; const s = document.querySelector(css); \
         if (![...s.options].some(o => o.value === value)) throw new Error('no option ' + value); \
         s.value = value; s.dispatchEvent(new Event('change', { bubbles: true }));",
        json!([css, value]),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_confirms_root_causes_and_the_insights_page_sends_them_to_their_owners() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    let agent = app.create_staff("ana.agent@example.org", "agent").await;

    // Two handed-over cases: a checkout that crashes, and a care label that misled.
    let crash = conversation(
        &app,
        "Case One",
        "case.one@example.org",
        "Your app crashes whenever I open the basket and I cannot pay for my order",
        true,
    )
    .await;
    let label = conversation(
        &app,
        "Case Two",
        "case.two@example.org",
        "The care label told me to tumble dry the wool sweater and it shrank, the instructions are wrong",
        true,
    )
    .await;
    let suggested = eventually("a suggested root cause", || async {
        let rc = app.detail(&crash.conversation_id).await["root_cause"].clone();
        rc["suggested"].as_str().map(str::to_owned)
    })
    .await;
    // What the bot did not understand: several customers ask about renting tents.
    let tents = [
        "Do you rent out tents for camping trips?",
        "Can I hire a tent from you for the weekend?",
        "Is tent rental something you offer?",
        "I would like to rent a family tent for a festival",
        "Could I borrow or rent a tent for two nights?",
    ];
    for (i, text) in tents.iter().enumerate() {
        conversation(
            &app,
            &format!("Camper {i}"),
            &format!("camper{i}@example.org"),
            text,
            false,
        )
        .await;
    }
    let topic_example = eventually("a topic of the tent questions", || async {
        let (_, report) = staff_get(&app, "/api/v1/insights/topics?days=14").await;
        report["topics"].as_array().and_then(|topics| {
            topics.iter().find_map(|t| {
                t["examples"]
                    .as_array()?
                    .iter()
                    .find_map(|e| e.as_str().filter(|e| tents.contains(e)).map(str::to_owned))
            })
        })
    })
    .await;

    let shots = screenshot_dir();
    let driver = Driver::start(&driver_path, &chromium).await;
    let page = driver.session(1440, 1000).await;
    log_in(&page, &app, &agent.email, &agent.password).await;

    // The crash case: the panel shows the suggestion with the customer's words, not yet confirmed.
    page.goto(&app.url(&format!("/app/inbox?c={}", crash.conversation_id)))
        .await;
    page.find_with_text("#conv-title", "Case One").await;
    let suggested_name = page
        .script(
            "return document.querySelector('#root-cause .rc-suggested strong').textContent;",
            json!([]),
        )
        .await;
    let evidence = page.text("#root-cause .rc-evidence mark").await;
    assert!(!evidence.is_empty());
    let said = "Your app crashes whenever I open the basket and I cannot pay for my order".to_lowercase();
    assert!(
        said.contains(&evidence.to_lowercase()),
        "the evidence quotes the customer: {evidence}"
    );
    page.find_with_text("#root-cause .rc-confirmed", "Not confirmed yet")
        .await;
    audit(&page, "the inbox with the root-cause panel").await;
    page.script(
        "document.getElementById('root-cause-card').scrollIntoView();",
        json!([]),
    )
    .await;
    page.screenshot(&shots, "insights-inbox-suggested").await;
    // One click confirms it; the panel and the conversation's tags follow.
    page.click("#root-cause .rc-confirm").await;
    toast(&page, "Root cause set").await;
    page.find_with_text(
        "#root-cause .rc-confirmed",
        &format!("Confirmed: {}", suggested_name.as_str().unwrap()),
    )
    .await;
    page.find_with_text("#tags", &format!("root:{suggested}")).await;
    page.screenshot(&shots, "insights-inbox-confirmed").await;
    assert!(
        !page.shown("#root-cause .rc-confirm").await,
        "nothing left to confirm"
    );
    let rc = app.detail(&crash.conversation_id).await["root_cause"].clone();
    assert_eq!(rc["confirmed"], json!(suggested));

    // The care-label case is changed to "process" with the picker, whatever was suggested.
    page.goto(&app.url(&format!("/app/inbox?c={}", label.conversation_id)))
        .await;
    page.find_with_text("#conv-title", "Case Two").await;
    page.find("#root-cause #rc-pick").await;
    choose(&page, "#rc-pick", "process").await;
    page.click("#root-cause .rc-set").await;
    page.find_with_text("#root-cause .rc-confirmed", "Confirmed: Process by Test agent")
        .await;
    page.find_with_text("#tags", "root:process").await;
    let rc = app.detail(&label.conversation_id).await;
    assert_eq!(rc["root_cause"]["confirmed"], "process");
    // The customer panel is there exactly when the server sends a profile.
    let profiled = rc["customer_profile"].is_object();
    assert_eq!(page.shown("#customer-health-card").await, profiled);
    for (width, height) in [(1024, 768), (390, 844)] {
        page.set_window(width, height).await;
        page.assert_fits("insights-inbox").await;
    }
    page.assert_console_clean("in the inbox", &[]).await;
    page.quit().await;

    // An admin reads the insights page: causes by owner, the topic, and drafts an intent.
    let page = driver.session(1440, 1000).await;
    let expected = missing_routes(&app).await;
    log_in(&page, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    page.click(".nav a[href='/app/insights']").await;
    let (_, causes) = staff_get(&app, "/api/v1/insights/root-causes?days=14").await;
    let owner_of = |cause: &str| {
        causes["causes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["cause"] == cause)
            .unwrap()["owner"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let row = format!("#cause-owners tr[data-cause={suggested}]");
    page.find(&format!("{row} a[href='/app/inbox?c={}']", crash.conversation_id))
        .await;
    page.find_with_text(
        &format!("#cause-owners .owner[data-owner=\"{}\"] h3", owner_of(&suggested)),
        &owner_of(&suggested),
    )
    .await;
    let cells = page
        .script(
            "return [...document.querySelector(arguments[0]).querySelectorAll('td')].slice(0, 2).map(td => td.textContent);",
            json!([row]),
        )
        .await;
    assert_eq!(cells, json!(["1", "1"]), "one case, confirmed");
    page.find_with_text("#cause-owners tr[data-cause=process] th", "Process")
        .await;
    assert!(
        owner_of("process").contains("Operations"),
        "the demo's owner of process"
    );
    page.find_with_text("#cause-owners", "Operations").await;
    page.find("#causes-chart svg").await;
    // One or two cases are no spike: no badge.
    assert!(!page.shown("#cause-owners .badge.spike").await);
    page.find_with_text("#topics .topic q", &topic_example).await;
    if expected.is_empty() {
        assert!(page.shown("#customers-section").await);
    } else {
        assert!(
            !page.shown("#customers-section").await,
            "no customer health here: no section"
        );
    }
    audit(&page, "the insights page").await;
    page.screenshot(&shots, "insights").await;
    for section in ["h-causes", "h-topics", "h-csat"] {
        page.script(
            "document.getElementById(arguments[0]).scrollIntoView();",
            json!([section]),
        )
        .await;
        page.screenshot(&shots, &format!("insights-{section}")).await;
    }
    for (width, height) in [(1024, 768), (390, 844)] {
        page.set_window(width, height).await;
        page.assert_fits("insights").await;
    }
    page.set_window(1440, 1000).await;
    page.find_with_text("#topics .topic", &topic_example).await;
    page.script(
        "const [text] = arguments; \
         const t = [...document.querySelectorAll('#topics .topic')].find(t => t.innerText.includes(text)); \
         t.querySelector('.draft-intent').click();",
        json!([topic_example]),
    )
    .await;
    page.wait_for(
        "the intents editor's form filled from the topic",
        &format!(
            "const f = document.querySelector('#new-intent-form'); \
             return !!f && f.closest('details').open && document.querySelector('#ni-name').value.length > 0 \
               && document.querySelector('#ni-examples').value.includes({topic_example:?}) \
               && !location.search.includes('draft');"
        ),
    )
    .await;
    page.find_with_text("#ni-draft-note", "at least 10").await;
    page.screenshot(&shots, "insights-draft-intent").await;
    page.assert_console_clean("on the insights and intents pages", &expected)
        .await;
    page.quit().await;

    // An agent may read the page but not add intents: no draft button.
    let page = driver.session(1024, 768).await;
    log_in(&page, &app, &agent.email, &agent.password).await;
    page.goto(&app.url("/app/insights")).await;
    page.find_with_text("#topics .topic q", &topic_example).await;
    assert!(!page.shown("#topics .draft-intent").await);
    page.assert_console_clean("on the agent's insights page", &expected)
        .await;

    // A root:* tag typed by hand confirms its cause, and removing it clears it: the panel follows.
    page.goto(&app.url(&format!("/app/inbox?c={}", label.conversation_id)))
        .await;
    page.find_with_text("#root-cause .rc-confirmed", "Confirmed: Process")
        .await;
    page.type_into("#tag-input", "root:documentation").await;
    page.keys("#tag-input", "\u{E007}").await;
    page.find_with_text("#root-cause .rc-confirmed", "Confirmed: Documentation")
        .await;
    page.find_with_text("#tags", "root:documentation").await;
    assert!(!page.text("#tags").await.contains("root:process"));
    page.click("#tags button[aria-label='Remove tag root:documentation']")
        .await;
    page.find_with_text("#root-cause .rc-confirmed", "Not confirmed yet")
        .await;
    assert_eq!(
        app.detail(&label.conversation_id).await["root_cause"]["confirmed"],
        Value::Null
    );

    // A case handed over while the agent has it open: the suggestion appears without a reload.
    let third = conversation(&app, "Case Three", "case.three@example.org", "Hello there", false).await;
    page.goto(&app.url(&format!("/app/inbox?c={}", third.conversation_id)))
        .await;
    page.find_with_text("#conv-title", "Case Three").await;
    page.find_with_text("#root-cause .rc-suggested", "No suggestion")
        .await;
    app.customer_says(
        &third,
        "Your app crashes every time I pay, it is broken. Could I speak to a human being please",
    )
    .await;
    page.find("#root-cause .rc-suggested strong").await;
    page.find("#root-cause .rc-confirm").await;
    page.assert_console_clean("in the agent's inbox", &[]).await;
    page.quit().await;
}

/// The conversation the widget on this page keeps in its storage.
async fn widget_conversation(page: &Browser) -> String {
    page.script(
        "const k = Object.keys(localStorage).find(k => /^tandem\\.widget\\.[^.]+$/.test(k)); \
         return JSON.parse(localStorage.getItem(k)).conversation;",
        json!([]),
    )
    .await
    .as_str()
    .unwrap()
    .to_owned()
}

async fn csat(app: &TestApp) -> Value {
    staff_get(app, "/api/v1/insights/summary?days=14").await.1["csat"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_rates_a_resolved_conversation_in_the_widget_and_may_change_it() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    let shots = screenshot_dir();
    let driver = Driver::start(&driver_path, &chromium).await;
    let page = driver.session(390, 844).await;
    page.goto(&app.url("/demo")).await;
    page.click("#tandem-launcher").await;
    page.enter_frame("#tandem-frame").await;
    page.type_into("#start-name", "Rita Rater").await;
    page.type_into("#start-email", "rita.rater@example.org").await;
    page.click("#start-form button[type=submit]").await;
    page.type_into("#text", "What is your return policy?").await;
    page.keys("#text", "\u{E007}").await;
    page.find_with_text(".msg-bot:not(.msg-greeting) .msg-text", "30 days")
        .await;
    assert!(
        !page.shown("#rating").await,
        "no rating while the conversation is open"
    );
    let conversation = widget_conversation(&page).await;

    // The team resolves it: the question appears live.
    let response = app
        .update(&app.admin_token, &conversation, json!({ "status": "resolved" }))
        .await;
    body(response, StatusCode::OK).await;
    page.find_with_text("#rating .rating-question", "How did we do?")
        .await;
    let labels = page
        .script(
            "return [...document.querySelectorAll('#rating .rating-score')].map(b => b.getAttribute('aria-label'));",
            json!([]),
        )
        .await;
    assert_eq!(
        labels,
        json!([
            "1 out of 5",
            "2 out of 5",
            "3 out of 5",
            "4 out of 5",
            "5 out of 5"
        ])
    );
    // Sending without a score says what is missing, in the window.
    page.click("#rating .rating-send").await;
    page.find_with_text("#rating .rating-error", "Please choose from 1 to 5")
        .await;
    page.click("#rating .rating-score[data-score='4']").await;
    page.type_into("#rating-comment", "Quick and friendly").await;
    audit(&page, "the widget's rating").await;
    page.leave_frame().await;
    page.screenshot(&shots, "insights-widget-rating").await;
    page.enter_frame("#tandem-frame").await;
    page.click("#rating .rating-send").await;
    page.find_with_text("#rating .rating-done", "Thank you for your rating!")
        .await;
    page.find_with_text("#rating .rating-done", "4 out of 5").await;
    let first = csat(&app).await;
    assert_eq!(
        (first["count"].clone(), first["average"].clone()),
        (json!(1), json!(4.0)),
        "{first}"
    );
    assert_eq!(first["bot"]["count"], 1, "{first}");

    // The customer changes their mind: the new rating replaces the first.
    page.click("#rating .rating-change").await;
    page.wait_for(
        "the rating form with the given score pressed",
        "return document.querySelector('#rating .rating-score[data-score=\"4\"]').getAttribute('aria-pressed') === 'true';",
    )
    .await;
    page.click("#rating .rating-score[data-score='2']").await;
    page.click("#rating .rating-send").await;
    page.find_with_text("#rating .rating-done", "2 out of 5").await;
    let second = csat(&app).await;
    assert_eq!(
        (second["count"].clone(), second["average"].clone()),
        (json!(1), json!(2.0)),
        "{second}"
    );

    // The device remembers: after a reload the window says the rating instead of asking again.
    page.leave_frame().await;
    page.goto(&app.url("/demo")).await;
    page.click("#tandem-launcher").await;
    page.enter_frame("#tandem-frame").await;
    page.find_with_text("#rating .rating-done", "You rated this conversation 2 out of 5")
        .await;
    assert!(!page.shown("#rating .rating-form").await);
    page.leave_frame().await;
    page.set_window(390, 844).await;
    page.assert_fits("insights-widget-rated").await;

    // Writing again reopens the conversation: the question goes away.
    page.enter_frame("#tandem-frame").await;
    page.type_into("#text", "One more question about returns please")
        .await;
    page.keys("#text", "\u{E007}").await;
    page.wait_for(
        "the rating to go",
        "return document.querySelector('#rating').hidden;",
    )
    .await;
    page.leave_frame().await;
    page.assert_console_clean("in the widget", &[]).await;
    page.quit().await;

    // The insights page shows the satisfaction: 2.0 from 1 rating, bot only; humans none.
    let page = driver.session(1024, 768).await;
    log_in(&page, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let expected = missing_routes(&app).await;
    page.goto(&app.url("/app/insights")).await;
    page.find_with_text("#csat-kpis [data-csat=overall]", "2.0 / 5")
        .await;
    page.find_with_text("#csat-kpis [data-csat=overall]", "1 rating")
        .await;
    page.find_with_text("#csat-kpis [data-csat=bot]", "2.0 / 5").await;
    page.find_with_text("#csat-kpis [data-csat=human]", "—").await;
    page.find_with_text("#csat-intents tbody", "2.0").await;
    audit(&page, "the insights page with ratings").await;
    for (width, height) in [(1024, 768), (390, 844)] {
        page.set_window(width, height).await;
        page.assert_fits("insights-csat").await;
    }
    page.assert_console_clean("on the insights page", &expected).await;
    page.quit().await;
}

/// A customer profile in the contract's shape (GET /customers/{id}/profile).
const PROFILE: &str = r#"{"customer": {"id": "c1", "name": "Oliver Brown", "email": "oliver.brown@example.com"},
  "health": {"score": 23, "risk": "high", "reasons": ["Frustrated in 2 conversations", "Asked to cancel an order"]},
  "value": {"orders": 2, "customer_since": "2023-12-01", "spend": 249.5, "currency": "EUR"},
  "offers": [{"id": "loyalty", "title": "Loyalty voucher", "why": "A customer for over a year, at high risk"}],
  "conversations": 3}"#;

/// Runs `call` (a function of the imported module `m`) in the page and waits for it to finish.
async fn with_module(page: &Browser, module: &str, call: &str) {
    page.script(
        &format!(
            "window.__done = null; import({module:?}).then(async (m) => {{ await ({call})(m); window.__done = 'ok'; }}) \
             .catch((e) => {{ window.__done = String(e); }});"
        ),
        json!([]),
    )
    .await;
    page.wait_for("the module call", "return window.__done !== null;")
        .await;
    let done = page.script("return window.__done;", json!([])).await;
    assert_eq!(done, json!("ok"), "{call}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_health_shows_what_the_profile_says_and_nothing_when_it_is_missing() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_app().await;
    let driver = Driver::start(&driver_path, &chromium).await;
    let page = driver.session(1440, 1000).await;
    log_in(&page, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // The inbox's panel, drawn from a detail with a profile, then from ones without or with junk.
    page.script("document.getElementById('context').hidden = false;", json!([]))
        .await;
    let draw = |profile: &str| {
        format!(
            "(m) => m.renderInsight({{ id: 'x', root_cause: {{ suggested: null, confidence: 0, evidence: [], confirmed: null }}, \
             customer_profile: {profile} }}, {{ users: new Map(), changed: async () => {{}} }})"
        )
    };
    with_module(&page, "/assets/js/conversation-insight.js", &draw(PROFILE)).await;
    let panel = page.text("#customer-health-card").await;
    for words in [
        "High risk",
        "23",
        "Frustrated in 2 conversations",
        "Asked to cancel an order",
        "Orders",
        "2023-12-01",
        "249.50",
        "Loyalty voucher",
        "A customer for over a year",
    ] {
        assert!(panel.contains(words), "{words:?} in {panel}");
    }
    assert!(page.text("#root-cause").await.contains("No suggestion"));
    audit(&page, "the customer health panel").await;
    page.screenshot(&screenshot_dir(), "insights-customer-panel")
        .await;
    for profile in [
        "undefined",
        "null",
        r#"{"health": "odd", "value": [1], "offers": "none"}"#,
    ] {
        with_module(&page, "/assets/js/conversation-insight.js", &draw(profile)).await;
        assert!(
            !page.shown("#customer-health-card").await,
            "no panel for {profile}"
        );
    }

    // The insights page's customers at risk, from an answer in the contract's shape.
    page.goto(&app.url("/app/insights")).await;
    page.find("#kpis .kpi").await;
    let answer = format!(r#"{{"customers": [{PROFILE}]}}"#);
    with_module(
        &page,
        "/assets/js/insights-customers.js",
        &format!(
            "(m) => {{ const real = window.fetch; \
               window.fetch = (url, init) => String(url).includes('/insights/customers') \
                 ? Promise.resolve(new Response({answer:?}, {{ headers: {{ 'Content-Type': 'application/json' }} }})) \
                 : real(url, init); \
               return m.loadCustomers(30).finally(() => {{ window.fetch = real; }}); }}"
        ),
    )
    .await;
    assert!(page.shown("#customers-section").await);
    let row = page.text("#customers-body tr[data-customer=c1]").await;
    for words in [
        "Oliver Brown",
        "High risk",
        "Asked to cancel an order",
        "2023-12-01",
        "3",
        "Loyalty voucher",
    ] {
        assert!(row.contains(words), "{words:?} in {row}");
    }
    audit(&page, "the customers at risk").await;
    page.set_window(390, 844).await;
    page.assert_fits("insights-customers").await;
    let expected = missing_routes(&app).await;
    page.assert_console_clean("drawing customer health", &expected)
        .await;
    page.quit().await;
}
