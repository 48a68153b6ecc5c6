//! Photos and PDFs in the browser: a customer sends a photo of a torn jacket from the chat window
//! (the paperclip, a chip before sending, a thumbnail after) and the agent sees its thumbnail in the
//! inbox; the agent sends a return label as a PDF from the composer and the customer sees it as a
//! link with its name. Every browser test fails on an error in the browser console.

use serde_json::json;

use crate::attachments_api::{png, PDF};
use crate::browser::{audit, binaries_or_skip, log_in, screenshot_dir};
use crate::inbox_workspace::open_case;
use crate::support::*;
use crate::webdriver::{Browser, Driver};

/// Whether the image in the element `css` has loaded (a real picture, not a broken one).
fn image_loaded(css: &str) -> String {
    format!("const i = document.querySelector({css:?}); return !!i && i.complete && i.naturalWidth > 0;")
}

/// Chooses a file in the file picker of the composer (as a person choosing it in the dialog).
async fn choose_file(page: &Browser, path: &std::path::Path) {
    page.keys("input.file-input", &path.display().to_string()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_sends_a_photo_and_the_agent_a_pdf() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    let files = tempfile::tempdir().unwrap();
    let photo = files.path().join("torn-jacket.png");
    std::fs::write(&photo, png(900, 600)).unwrap();
    let label = files.path().join("return-label.pdf");
    std::fs::write(&label, PDF).unwrap();
    let shots = screenshot_dir();

    let driver = Driver::start(&driver_path, &chromium).await;
    let customer = driver.session(1024, 800).await;
    customer.goto(&app.url("/demo")).await;
    customer.click("#tandem-launcher").await;
    customer.enter_frame("#tandem-frame").await;
    customer.type_into("#start-name", "Tess Torn").await;
    customer.type_into("#start-email", "tess@example.org").await;
    customer.click("#start-form button[type=submit]").await;
    // The chat is open (the greeting shows) once the conversation has started.
    customer
        .find_with_text(".msg-bot.msg-greeting .msg-text", "bot")
        .await;

    // The paperclip is a labelled button; the chosen photo shows as a chip that can be removed.
    let clip = customer
        .script(
            "const b = document.querySelector('.attach-button'); return b && [b.tagName, b.getAttribute('aria-label')];",
            json!([]),
        )
        .await;
    assert_eq!(clip, json!(["BUTTON", "Attach a photo or PDF"]));
    choose_file(&customer, &photo).await;
    customer
        .find_with_text(".file-chips .file-chip", "torn-jacket.png")
        .await;
    customer
        .wait_for(
            "the upload to finish",
            "const c = document.querySelector('.file-chips .file-chip'); return !!c && !!c.dataset.attachment && !!c.querySelector('.file-remove');",
        )
        .await;
    customer
        .type_into("#text", "My new jacket tore at the pocket, here is a photo.")
        .await;
    customer.keys("#text", "\u{E007}").await;
    customer
        .wait_for(
            "the photo in the customer's message",
            &image_loaded(".msg-customer .file-thumb img"),
        )
        .await;
    customer
        .wait_for(
            "the chips to clear",
            "return document.querySelectorAll('.file-chips .file-chip').length === 0;",
        )
        .await;
    assert_eq!(
        customer
            .script(
                "return document.querySelector('.msg-customer .file-thumb img').alt;",
                json!([])
            )
            .await,
        json!("Photo: torn-jacket.png")
    );
    audit(&customer, "the chat window with a photo").await;
    customer.leave_frame().await;
    customer.screenshot(&shots, "widget-photo").await;
    customer.enter_frame("#tandem-frame").await;

    // The case goes to a person; the agent sees the photo's thumbnail in the inbox.
    let list = list(&app, &app.admin_token, "").await;
    let conversation = list["conversations"][0]["id"].as_str().unwrap().to_owned();
    let detail = app.detail(&conversation).await;
    if detail["status"] == "bot" {
        body(
            app.update(&app.admin_token, &conversation, json!({ "status": "queued" }))
                .await,
            reqwest::StatusCode::OK,
        )
        .await;
    }
    let agent = driver.session(1400, 900).await;
    log_in(&agent, &app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    agent.goto(&app.url("/app/inbox?view=open")).await;
    agent.find_with_text("#live-state", "Live").await;
    open_case(&agent, "Tess Torn").await;
    agent
        .wait_for(
            "the thumbnail in the timeline",
            &image_loaded("#timeline .msg-customer .file-thumb img"),
        )
        .await;
    let size = agent
        .script(
            "const i = document.querySelector('#timeline .file-thumb img'); return [i.naturalWidth, i.naturalHeight, i.alt];",
            json!([]),
        )
        .await;
    assert_eq!(
        size,
        json!([320, 213, "Photo: torn-jacket.png"]),
        "a server-made thumbnail"
    );
    agent
        .script(
            "document.querySelector('#timeline .file-thumb').scrollIntoView({ block: 'center' }); return null;",
            json!([]),
        )
        .await;
    agent.screenshot(&shots, "inbox-photo").await;

    // The agent attaches the return label and replies.
    assert_eq!(
        agent
            .script(
                "return document.querySelector('#composer .attach-button').getAttribute('aria-label');",
                json!([])
            )
            .await,
        json!("Attach a file (image or PDF)")
    );
    choose_file(&agent, &label).await;
    agent
        .wait_for(
            "the label uploaded",
            "const c = document.querySelector('.file-chips .file-chip'); return !!c && !!c.dataset.attachment && c.innerText.includes('return-label.pdf');",
        )
        .await;
    agent
        .type_into("#reply-text", "Sorry about that! Here is your return label.")
        .await;
    agent.click("#send").await;
    agent
        .find_with_text("#timeline .msg-agent .file-chip", "return-label.pdf")
        .await;
    audit(&agent, "the inbox with files").await;
    agent.screenshot(&shots, "inbox-files").await;

    // The customer sees the label as a link with its name and size.
    customer
        .find_with_text(".msg-agent .file-chip", "return-label.pdf")
        .await;
    let chip = customer
        .script(
            "const a = document.querySelector('.msg-agent a.file-chip'); return [a.tagName, a.title];",
            json!([]),
        )
        .await;
    assert_eq!(chip[0], "A");
    assert!(
        chip[1].as_str().unwrap().starts_with("Open return-label.pdf ("),
        "{chip}"
    );
    audit(&customer, "the chat window with a PDF").await;
    customer.leave_frame().await;
    customer.screenshot(&shots, "widget-pdf").await;
    agent.quit().await;
    customer.quit().await;
}
