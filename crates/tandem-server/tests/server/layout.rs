//! Every staff page fits its window (issue 16, defect 4): at 1400 × 900, 1024 × 768 and on a phone
//! (390 × 844) no page is wider than the window and nothing in the top navigation overflows (no
//! stray scroll bars, "Log out" on screen); on a phone the inbox shows the list first, then the
//! conversation with a way back. Screenshots of every page at the three sizes are saved (`PAGE-WIDTH.png`), and
//! an error in the browser console fails the test.

use serde_json::json;

use crate::browser::{audit, binaries_or_skip, log_in};
use crate::inbox_workspace::queued_case;
use crate::support::*;
use crate::webdriver::{Browser, Driver};

/// The staff pages: (name, path, a script that is true once the page has its content).
const PAGES: &[(&str, &str, &str)] = &[
    ("inbox", "/app/inbox?view=open", "return document.querySelectorAll('#conv-list .conv-item').length > 0"),
    ("insights", "/app/insights", "return document.querySelectorAll('#kpis .kpi').length > 0 && [...document.querySelectorAll('.svg-holder')].every(h => h.querySelector('svg')) && document.querySelectorAll('#automation-intents tbody tr').length > 0"),
    ("intents", "/app/admin/intents?intent=track_order", "return document.querySelectorAll('#intent-list li').length > 0 && document.querySelector('#intent-name').textContent.length > 0"),
    ("articles", "/app/admin/articles", "return document.querySelectorAll('#article-list li').length > 0"),
    ("templates", "/app/admin/templates", "return document.querySelectorAll('#template-list li').length > 0"),
    ("connectors", "/app/admin/connectors", "return document.querySelectorAll('#connector-list li').length > 0"),
    ("texts", "/app/admin/texts", "return document.querySelector('#text-disclosure').value.length > 0"),
    ("users", "/app/admin/users", "return document.querySelectorAll('#users tbody tr').length > 0"),
    ("teams", "/app/admin/teams", "return document.querySelectorAll('#teams tbody tr').length > 0"),
    ("widget", "/app/admin/widget", "return document.querySelector('#snippet').textContent.length > 0"),
    ("training", "/app/training", "return !document.querySelector('#training-work').hidden && (document.querySelectorAll('#review-list li').length > 0 || !document.querySelector('#review-empty').hidden)"),
    ("training-models", "/app/training#models", "return !document.querySelector('#panel-models').hidden && document.querySelectorAll('#models tbody tr[data-model]').length > 0"),
];

const SIZES: &[(u32, u32)] = &[(1400, 900), (1024, 768), (390, 844)];

/// Opens a page and waits until its script has filled it (and the shell has named who is in).
async fn visit(browser: &Browser, app: &TestApp, name: &str, path: &str, ready: &str) {
    browser.goto(&app.url(path)).await;
    browser
        .wait_for(
            &format!("the {name} page to show who is logged in"),
            "const me = document.querySelector('#me-name'); return !!me && me.textContent.length > 0",
        )
        .await;
    browser
        .wait_for(&format!("the {name} page's content"), ready)
        .await;
}

async fn open_case(browser: &Browser, name: &str) {
    let item = browser.find_with_text("#conv-list .conv-item", name).await;
    browser.click_element(&item).await;
    browser.find_with_text("#conv-title", name).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_staff_page_fits_its_window_and_the_inbox_reads_on_a_phone() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    // A case waiting for people, with a long unbroken word that must not widen the page.
    queued_case(
        &app,
        "Maria Rossi-Castellani",
        "maria.rossi@example.com",
        "My jacket arrived torn, see https://example.com/photos/a-very-long-address-without-any-place-to-break-it-0123456789",
    )
    .await;

    let driver = Driver::start(&driver_path, &chromium).await;
    let browser = driver.session(1400, 900).await;
    log_in(&browser, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    browser.assert_console_clean("the login", &[]).await;

    for &(width, height) in SIZES {
        browser.set_window(width, height).await;
        let phone = width < 800;

        browser.goto(&app.url("/app/login")).await;
        browser.find("#login-form").await;
        browser.assert_fits("login").await;
        browser.assert_console_clean("the login page", &[]).await;

        for &(name, path, ready) in PAGES {
            visit(&browser, &app, name, path, ready).await;
            // On a phone too: what does not fit (a wide table) scrolls inside its own box.
            browser.assert_fits(name).await;
            browser.assert_console_clean(name, &[]).await;
        }

        // The inbox with a conversation open.
        visit(&browser, &app, "inbox", PAGES[0].1, PAGES[0].2).await;
        if phone {
            // The list comes first, alone; the conversation is not on screen yet.
            assert!(browser.shown("#conv-list").await, "the list shows on a phone");
            assert!(!browser.shown("#conversation").await);
            browser.snapshot("inbox-list").await;
        }
        open_case(&browser, "Maria Rossi-Castellani").await;
        browser
            .find_with_text("#timeline .msg-customer", "jacket arrived torn")
            .await;
        if phone {
            // The conversation replaces the list, starts at the top, and leads back to it.
            assert!(browser.shown("#conversation").await);
            assert!(browser.shown("#reply-text").await, "the composer shows");
            assert!(!browser.shown("#conv-list").await, "the list gives way");
            let top = browser
                .script(
                    "return document.querySelector('#conversation').getBoundingClientRect().top",
                    json!([]),
                )
                .await;
            assert!(
                top.as_f64().unwrap() < 200.0,
                "the conversation starts near the top of the screen: {top}"
            );
            let wide = browser
                .script(
                    "return document.documentElement.scrollWidth <= window.innerWidth",
                    json!([]),
                )
                .await;
            assert_eq!(wide, json!(true), "the conversation fits a phone's width");
            browser.snapshot("inbox-conversation").await;
            audit(&browser, "the inbox on a phone").await;
            browser.click("#back-to-list").await;
            browser
                .wait_for(
                    "the list again",
                    "return document.querySelector('#conv-list').getClientRects().length > 0",
                )
                .await;
            assert!(!browser.shown("#conversation").await);
            // And the same conversation opens again from it.
            open_case(&browser, "Maria Rossi-Castellani").await;
            assert!(browser.shown("#reply-text").await);
        } else {
            browser.assert_fits("inbox-conversation").await;
        }
        browser
            .assert_console_clean("the inbox with a conversation", &[])
            .await;
    }
    browser.quit().await;
}
