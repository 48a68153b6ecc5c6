//! The trainers' page in a real browser (issue 17): a customer message the demo bot does not
//! understand appears in the review queue, the trainer relabels it with one key, trains a
//! candidate, reads the comparison, promotes it and rolls back; an agent flags a bot answer in the
//! inbox and a customer rates one in the widget (once), both land in the queue; a bulk relabel
//! that teaches the bot wrong makes a candidate the gate refuses, with its reasons shown, and an
//! admin forces it with a reason. Agents do not see the page in the menu. Screenshots of every
//! step are saved (`trainer-*.png`), and an error in the browser console fails the test.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::browser::{audit, binaries_or_skip, log_in, screenshot_dir};
use crate::support::*;
use crate::webdriver::{Browser, Driver};

/// Maria writes in Italian: the demo model understands none of these (acceptance, supervision.py).
const MISUNDERSTOOD: [&str; 5] = [
    "Ciao, dov'è finito il mio ordine A1001?",
    "Buongiorno, il pacco A1001 non è ancora arrivato, sapete dove si trova?",
    "Scusate, a che punto è la spedizione dell'ordine A1001?",
    "Ciao! Il mio ordine A1001 è già partito? Scrivetemi a maria.rossi@example.com",
    "Salve, quando mi consegnate l'ordine A1001?",
];
/// Not understood today either; understood once the five are learnt.
const VARIANT: &str = "Ciao, dov'è il mio ordine A1001?";
/// Tracking questions the demo bot resolves, which the second test teaches it wrong.
const TRACKING: [&str; 6] = [
    "Where is my order A1001?",
    "Has my order A1001 shipped yet?",
    "Can you tell me where order A1001 is?",
    "What is the status of my order A1001?",
    "Any update on my order A1001?",
    "Is my order A1001 on its way?",
];

async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    body(
        app.get(path).bearer_auth(token).send().await.unwrap(),
        StatusCode::OK,
    )
    .await
}

/// The review items of `query` once `ready` holds for them (they are made within 5 s of their cause).
async fn reviews_when(app: &TestApp, query: &str, ready: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let started = std::time::Instant::now();
    loop {
        let listed = get_json(app, &app.admin_token, &format!("/api/v1/reviews?{query}")).await;
        let items = listed["reviews"].as_array().unwrap().clone();
        if ready(&items) {
            return items;
        }
        assert!(
            started.elapsed() < FAILURE_BOUND,
            "the review queue ({query}) never got there: {items:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn models(app: &TestApp) -> Vec<Value> {
    get_json(app, &app.admin_token, "/api/v1/models").await["models"]
        .as_array()
        .unwrap()
        .clone()
}

async fn active_model(app: &TestApp) -> String {
    let listed = models(app).await;
    let active: Vec<_> = listed.iter().filter(|m| m["status"] == "active").collect();
    assert_eq!(active.len(), 1, "exactly one active model: {listed:?}");
    active[0]["id"].as_str().unwrap().to_owned()
}

/// The bot's answer to the customer's last message (waits for it).
async fn bot_answer(app: &TestApp, customer: &Customer, containing: &str) -> Value {
    let started = std::time::Instant::now();
    loop {
        let messages = app.customer_messages(customer).await;
        if let Some(m) = messages
            .iter()
            .rev()
            .find(|m| m["author"] == "bot" && m["text"].as_str().unwrap_or("").contains(containing))
        {
            return m.clone();
        }
        assert!(
            started.elapsed() < FAILURE_BOUND,
            "the bot never said {containing:?}: {messages:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Shows a tab of the trainers' page and waits for its panel.
pub(crate) async fn tab(page: &Browser, name: &str) {
    page.click(&format!("#tab-{name}")).await;
    page.wait_for(
        &format!("the {name} tab"),
        &format!("return !document.querySelector('#panel-{name}').hidden;"),
    )
    .await;
}

/// Sets a select (or date) of the page the way a person would, with its change event.
async fn choose(page: &Browser, css: &str, value: &str) {
    page.script(
        "const [css, value] = arguments; const s = document.querySelector(css); \
         if (![...(s.options || [{ value }])].some(o => o.value === value)) throw new Error('no option ' + value); \
         s.value = value; s.dispatchEvent(new Event('change', { bubbles: true }));",
        json!([css, value]),
    )
    .await;
}

pub(crate) async fn toast(page: &Browser, text: &str) {
    page.wait_for(
        &format!("the toast {text:?}"),
        &format!("return document.querySelector('#flash').textContent.includes({text:?});"),
    )
    .await;
}

/// The number key the page shows for an intent, read in one go (the list is drawn again when the
/// queue reloads, so an element found a moment earlier may be gone).
async fn key_of(page: &Browser, intent: &str) -> String {
    let css = format!("#quick-intents [data-intent={intent}] kbd");
    page.wait_for(
        &format!("the key of {intent}"),
        &format!("const k = document.querySelector({css:?}); return !!k && k.textContent.trim() !== '';"),
    )
    .await;
    page.script(
        "return document.querySelector(arguments[0]).textContent.trim();",
        json!([css]),
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trainer_relabels_with_one_key_trains_compares_promotes_and_rolls_back() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    let trainer = app.create_staff("tess.trainer@example.org", "trainer").await;
    let first_model = active_model(&app).await;

    // Maria writes five messages the demo bot does not understand: they are queued for review.
    let mut conversations = Vec::new();
    for text in MISUNDERSTOOD {
        let customer = app
            .start_conversation("Maria Rossi", "maria.rossi@example.com")
            .await;
        app.customer_says(&customer, text).await;
        conversations.push(customer.conversation_id);
    }
    let ours = |r: &Value| conversations.iter().any(|c| r["conversation_id"] == *c);
    let queued = reviews_when(&app, "status=open", |items| {
        items.iter().filter(|r| ours(r)).count() == 5
    })
    .await;
    for item in queued.iter().filter(|r| ours(r)) {
        assert!(
            ["out_of_scope", "low_confidence"].contains(&item["reason"].as_str().unwrap()),
            "{item}"
        );
    }
    // Personal data is redacted in the queue.
    assert!(
        queued
            .iter()
            .any(|r| r["text"].as_str().unwrap().contains("[EMAIL]")),
        "{queued:?}"
    );

    let shots = screenshot_dir();
    let driver = Driver::start(&driver_path, &chromium).await;
    let page = driver.session(1400, 900).await;
    log_in(&page, &app, &trainer.email, &trainer.password).await;
    // Trainers have the page in the menu.
    page.find_with_text(".nav a[href='/app/training']", "Training")
        .await;
    page.click(".nav a[href='/app/training']").await;
    page.wait_for(
        "the five messages in the queue",
        "return document.querySelectorAll('#review-list .review-item').length === 5;",
    )
    .await;
    page.find_with_text("#review-list .review-item", "Open the conversation")
        .await;
    page.find_with_text("#review-list .review-text", "Scrivetemi a [EMAIL]")
        .await;
    page.find_with_text("#queue-keys", "dismiss").await;
    audit(&page, "the review queue").await;
    page.screenshot(&shots, "trainer-queue").await;
    // The queue with its items fits a laptop and a phone too (screenshots trainer-queue-WIDTH).
    for width in [1024, 390] {
        page.set_window(width, 844).await;
        page.assert_fits("trainer-queue").await;
    }
    page.set_window(1400, 900).await;

    // Select the first message, pick track_order on it, and Enter relabels it.
    page.click("#review-list .review-item .review-text").await;
    page.wait_for(
        "the first message to be selected",
        "return !!document.querySelector('#review-list .review-item:first-child.selected');",
    )
    .await;
    choose(
        &page,
        "#review-list .review-item.selected .relabel-pick",
        "track_order",
    )
    .await;
    page.press(&["\u{E007}"]).await;
    toast(&page, "Relabelled as Track order").await;
    let left =
        |n: usize| format!("return document.querySelectorAll('#review-list .review-item').length === {n};");
    page.wait_for("four messages left", &left(4)).await;
    // The intent used last is on key 1 now: one key each for the other four.
    assert_eq!(key_of(&page, "track_order").await, "1");
    for n in (0..4).rev() {
        page.wait_for(
            "the next message to be selected",
            "return !!document.querySelector('#review-list .review-item.selected');",
        )
        .await;
        page.press(&["1"]).await;
        page.wait_for("the message to leave the open queue", &left(n))
            .await;
    }
    page.find("#review-empty:not([hidden])").await;
    page.screenshot(&shots, "trainer-queue-done").await;
    // The words are training examples of track_order now, except every fifth relabel of an intent,
    // which is kept aside for the regression set; the bot's model has not changed.
    let resolved = reviews_when(&app, "status=resolved", |items| items.len() == 5).await;
    assert!(
        resolved.iter().all(|r| r["label"] == "track_order"),
        "{resolved:?}"
    );
    assert_eq!(
        resolved.iter().filter(|r| r["held_out"] == true).count(),
        1,
        "{resolved:?}"
    );
    let content = app.content().await;
    let track = content["intents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "track_order")
        .unwrap()
        .clone();
    for r in resolved.iter().filter(|r| r["held_out"] == false) {
        assert!(
            track["examples"].as_array().unwrap().contains(&r["text"]),
            "{} is an example: {track}",
            r["text"]
        );
    }
    assert_eq!(active_model(&app).await, first_model);
    // The relabelled messages are under "Relabelled", with who did it.
    choose(&page, "#f-status", "resolved").await;
    page.find_with_text(
        "#review-list .review-outcome",
        "Relabelled as Track order by Test trainer",
    )
    .await;
    page.find_with_text("#review-list .review-outcome", "kept aside")
        .await;
    page.screenshot(&shots, "trainer-relabelled").await;

    // Models: train a candidate and read the comparison side by side.
    tab(&page, "models").await;
    page.find_with_text("#models tbody tr[data-status=active]", "Active")
        .await;
    page.click("#train").await;
    page.find("#comparison #compare-scores").await;
    page.find_with_text("#comparison", "Accuracy").await;
    page.find_with_text("#comparison", "Macro F1").await;
    page.find_with_text("#comparison .verdict", "can be promoted")
        .await;
    let candidate = models(&app)
        .await
        .into_iter()
        .find(|m| m["status"] == "candidate")
        .expect("a candidate")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    page.find(&format!(
        "#models tr[data-model='{candidate}'][data-status=candidate]"
    ))
    .await;
    audit(&page, "the models tab").await;
    page.screenshot(&shots, "trainer-comparison").await;
    page.set_window(390, 844).await;
    page.assert_fits("trainer-comparison").await;
    page.set_window(1400, 900).await;

    // Promote: the bot uses the candidate at once.
    page.click("#promote-candidate").await;
    toast(&page, "Promoted").await;
    page.find(&format!(
        "#models tr[data-model='{candidate}'][data-status=active]"
    ))
    .await;
    assert_eq!(active_model(&app).await, candidate);
    page.screenshot(&shots, "trainer-promoted").await;
    // The bot understands Maria now: another way to ask gets her order's status.
    let customer = app
        .start_conversation("Maria Rossi", "maria.rossi@example.com")
        .await;
    app.customer_says(&customer, VARIANT).await;
    let answer = bot_answer(&app, &customer, "A1001").await;
    assert!(
        answer["text"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("shipped"),
        "{answer}"
    );

    // Roll back, after a confirmation: the first model is the bot's again.
    page.click("#rollback").await;
    page.click("#rollback-yes").await;
    toast(&page, "Rolled back").await;
    page.find(&format!(
        "#models tr[data-model='{first_model}'][data-status=active]"
    ))
    .await;
    assert_eq!(active_model(&app).await, first_model);
    page.screenshot(&shots, "trainer-rolled-back").await;
    // Trainers cannot force a promotion: no button offers it.
    assert!(!page.shown("#models .force").await);
    page.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flags_and_ratings_reach_the_queue_and_a_worse_model_is_refused_with_its_reasons() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    let trainer = app.create_staff("tess.trainer@example.org", "trainer").await;
    let agent = app.create_staff("sam.agent@example.org", "agent").await;
    let shots = screenshot_dir();
    let driver = Driver::start(&driver_path, &chromium).await;

    // A customer asks in the widget and rates the bot's answer: thumbs down, once.
    let widget = driver.session(390, 844).await;
    widget.goto(&app.url("/demo")).await;
    widget.click("#tandem-launcher").await;
    widget.enter_frame("#tandem-frame").await;
    widget.type_into("#start-name", "Maria Rossi").await;
    widget.type_into("#start-email", "maria.rossi@example.com").await;
    widget.click("#start-form button[type=submit]").await;
    widget.type_into("#text", TRACKING[0]).await;
    widget.keys("#text", "\u{E007}").await;
    let answer = widget.find_with_text(".msg-bot", "A1001").await;
    let _ = answer;
    widget
        .find_with_text(".msg-bot .feedback", "Was this helpful?")
        .await;
    // The greeting is not a message of the conversation: nothing to rate there.
    assert!(!widget.shown(".msg-greeting .feedback").await);
    widget.click(".msg-bot:not(.msg-greeting) .rate-down").await;
    widget
        .find_with_text(".msg-bot .feedback-done", "Thank you!")
        .await;
    audit(&widget, "the widget with a rating").await;
    widget.leave_frame().await;
    widget.screenshot(&shots, "trainer-widget-rated").await;
    // Once per message: after a reload the rated answer offers no thumbs.
    widget.goto(&app.url("/demo")).await;
    widget.click("#tandem-launcher").await;
    widget.enter_frame("#tandem-frame").await;
    widget.find_with_text(".msg-bot", "A1001").await;
    let thumbs = widget
        .script(
            "return [...document.querySelectorAll('.msg-bot')].filter(li => li.innerText.includes('A1001') && li.querySelector('.rate')).length;",
            json!([]),
        )
        .await;
    assert_eq!(thumbs, json!(0), "the rated answer is not offered again");
    widget.leave_frame().await;
    widget.quit().await;

    let listed = list(&app, &app.admin_token, "").await;
    let widget_conversation = listed["conversations"][0]["id"].as_str().unwrap().to_owned();
    // In five more conversations she rates the tracking answers unhelpful (through the API).
    for question in TRACKING.iter().skip(1) {
        let customer = app
            .start_conversation("Maria Rossi", "maria.rossi@example.com")
            .await;
        app.customer_says(&customer, question).await;
        let said = bot_answer(&app, &customer, "").await;
        let response = app
            .post(&format!(
                "/api/v1/widget/conversations/{}/messages/{}/feedback",
                customer.conversation_id,
                said["id"].as_str().unwrap()
            ))
            .bearer_auth(&customer.token)
            .json(&json!({ "helpful": false }))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
    }
    reviews_when(&app, "status=open&reason=negative_feedback", |items| {
        items.len() >= 6
    })
    .await;

    // An agent flags the bot's answer in the inbox; agents have no Training page in the menu.
    let inbox = driver.session(1400, 900).await;
    log_in(&inbox, &app, &agent.email, &agent.password).await;
    assert!(
        !inbox.shown(".nav a[href='/app/training']").await,
        "agents do not see Training"
    );
    let bot_message = {
        let detail = app.detail(&widget_conversation).await;
        detail["messages"]
            .as_array()
            .unwrap()
            .iter()
            .rev()
            .find(|m| m["author"] == "bot" && m["text"].as_str().unwrap().contains("A1001"))
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    inbox
        .goto(&app.url(&format!("/app/inbox?view=bot&c={widget_conversation}")))
        .await;
    inbox.find_with_text("#conv-title", "Maria Rossi").await;
    let on_message = format!("#timeline .msg-bot[data-id='{bot_message}']");
    inbox.click(&format!("{on_message} .flag-button")).await;
    choose(&inbox, &format!("#flag-{bot_message}-reason"), "outdated").await;
    inbox
        .type_into(
            &format!("#flag-{bot_message}-comment"),
            "The carrier changed: it ships with DHL now.",
        )
        .await;
    audit(&inbox, "the inbox with the flag form").await;
    inbox.screenshot(&shots, "trainer-inbox-flag").await;
    inbox
        .click(&format!("{on_message} .flag-form button[type=submit]"))
        .await;
    toast(&inbox, "Flagged").await;
    inbox
        .find_with_text(&format!("{on_message} .flag-button"), "Flagged")
        .await;
    // The agent cannot open the trainers' page's work either: a note says who can.
    inbox.goto(&app.url("/app/training")).await;
    inbox
        .find_with_text(".notice", "Only trainers, supervisors and admins")
        .await;
    assert!(!inbox.shown("#training-work").await);
    inbox.quit().await;
    reviews_when(&app, "status=open&reason=flagged", |items| !items.is_empty()).await;

    // The trainer sees both kinds, the flag with its reason and comment.
    let page = driver.session(1400, 900).await;
    log_in(&page, &app, &trainer.email, &trainer.password).await;
    page.goto(&app.url("/app/training")).await;
    page.find("#review-list .review-item").await;
    choose(&page, "#f-reason", "flagged").await;
    page.find_with_text("#review-list .review-flag", "Outdated").await;
    page.find_with_text("#review-list .review-flag", "ships with DHL")
        .await;
    page.screenshot(&shots, "trainer-flagged").await;
    // d dismisses the selected item (the first, until another is picked).
    page.click("#review-list .review-item .review-text").await;
    page.press(&["d"]).await;
    toast(&page, "Dismissed.").await;
    page.find("#review-empty:not([hidden])").await;
    reviews_when(&app, "status=dismissed&reason=flagged", |items| items.len() == 1).await;
    // With the six rated answers in the queue, their guess (track_order) is on key 1.
    choose(&page, "#f-reason", "").await;
    page.find_with_text("#quick-intents li:first-child", "Track order")
        .await;
    assert_eq!(key_of(&page, "track_order").await, "1");

    // Bulk relabel: the six unhelpful answers, marked with x, relabelled as return_policy.
    choose(&page, "#f-reason", "negative_feedback").await;
    page.wait_for(
        "the six rated answers",
        "return document.querySelectorAll('#review-list .review-item[data-reason=negative_feedback]').length === 6 \
           && document.querySelectorAll('#review-list .review-item:not([data-reason=negative_feedback])').length === 0;",
    )
    .await;
    page.click("#review-list .review-item .review-text").await;
    for _ in 0..6 {
        page.press(&["x", "j"]).await;
    }
    page.find_with_text("#review-bulk-count", "6 selected").await;
    choose(&page, "#bulk-intent", "return_policy").await;
    page.screenshot(&shots, "trainer-bulk").await;
    page.click("#bulk-relabel").await;
    toast(&page, "6 messages relabelled as").await;
    page.find("#review-empty:not([hidden])").await;
    reviews_when(&app, "status=resolved", |items| {
        items.iter().filter(|r| r["label"] == "return_policy").count() == 6
    })
    .await;

    // The candidate is worse for track_order: the comparison highlights it, promotion is refused
    // with the gate's reasons (a 409 the page provokes on purpose), and the bot keeps its model.
    let before = active_model(&app).await;
    tab(&page, "models").await;
    page.click("#train").await;
    page.find("#comparison #regressions tr.regression[data-intent=track_order]")
        .await;
    page.find_with_text("#comparison .verdict", "would refuse").await;
    page.screenshot(&shots, "trainer-comparison-worse").await;
    page.click("#promote-candidate").await;
    page.find_with_text("#promote-refused", "not promoted").await;
    page.wait_for(
        "the gate's reasons, naming track_order",
        "const r = document.querySelector('#promote-refused .refusal-reasons'); \
         return !!r && /track.order/i.test(r.innerText);",
    )
    .await;
    page.find("#models tr[data-status=refused]").await;
    assert!(!page.shown("#promote-refused button").await, "only admins force");
    page.assert_console_clean(
        "after the refused promotion",
        &["/promote - Failed to load resource: the server responded with a status of 409"],
    )
    .await;
    assert_eq!(active_model(&app).await, before);
    page.screenshot(&shots, "trainer-refused").await;
    page.quit().await;

    // An admin forces it, with a reason, and sees it marked as forced.
    let admin = driver.session(1024, 768).await;
    log_in(&admin, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    admin.goto(&app.url("/app/training#models")).await;
    admin.click("#models tr[data-status=refused] .force").await;
    admin.find("#force-dialog[open]").await;
    admin
        .type_into(
            "#force-reason",
            "The returns campaign starts today; checked by hand.",
        )
        .await;
    audit(&admin, "the force dialog").await;
    admin.screenshot(&shots, "trainer-force").await;
    admin.click("#force-submit").await;
    toast(&admin, "Promoted by force").await;
    admin
        .find_with_text("#models tr[data-status=active]", "returns campaign")
        .await;
    admin.find("#models tr[data-status=active] .badge.forced").await;
    assert_ne!(active_model(&app).await, before);
    admin.screenshot(&shots, "trainer-forced").await;
    admin.quit().await;
}
