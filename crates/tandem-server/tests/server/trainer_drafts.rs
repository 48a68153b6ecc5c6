//! The trainers' page in a real browser, its Article drafts tab (issue 17): a question the demo bot
//! could not answer, answered by an agent who resolves the case, becomes a draft; the trainer
//! accepts it as an article from the page and the bot answers a paraphrase from it. The automation
//! figures head the page. Screenshots `trainer-drafts*.png`; a browser console error fails it.

use reqwest::StatusCode;
use serde_json::json;

use crate::browser::{audit, binaries_or_skip, log_in, screenshot_dir};
use crate::support::*;
use crate::trainer_page::{tab, toast};
use crate::webdriver::Driver;

const QUESTION: &str = "Do you have a physical store in Milan I could visit?";
const ANSWER: &str = "We have no store in Milan: our only store is in Portland, Oregon. We ship to Italy, \
                      and you can try everything on at home and return it within 30 days.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trainer_turns_an_agents_answer_into_an_article_from_the_page() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    let trainer = app.create_staff("tess.trainer@example.org", "trainer").await;
    let agent = app.create_staff("alex.agent@example.org", "agent").await;

    // The bot cannot answer; the customer asks for a person; the agent answers and resolves.
    let customer = app
        .start_conversation("Giulia Bianchi", "giulia@example.org")
        .await;
    app.customer_says(&customer, QUESTION).await;
    app.customer_says(&customer, "Can I talk to a person, please?")
        .await;
    let decisions = app.decisions(&customer.conversation_id).await;
    assert!(decisions.iter().all(|d| d["kind"] != "answer"), "{decisions:?}");
    app.staff_says(&agent.token, &customer.conversation_id, ANSWER, false)
        .await;
    let resolved = app
        .update(
            &agent.token,
            &customer.conversation_id,
            json!({ "status": "resolved" }),
        )
        .await;
    assert_eq!(resolved.status(), StatusCode::OK);
    let started = std::time::Instant::now();
    while body(
        app.get("/api/v1/drafts")
            .bearer_auth(&trainer.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await["drafts"]
        .as_array()
        .unwrap()
        .is_empty()
    {
        assert!(started.elapsed() < FAILURE_BOUND, "no draft was made");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    let shots = screenshot_dir();
    let driver = Driver::start(&driver_path, &chromium).await;
    let page = driver.session(1400, 900).await;
    log_in(&page, &app, &trainer.email, &trainer.password).await;
    page.click(".nav a[href='/app/training']").await;
    // The automation figures head the page.
    page.wait_for(
        "the automation figures",
        "return !document.querySelector('#automation').hidden \
           && document.querySelectorAll('#automation .kpi').length > 0;",
    )
    .await;
    tab(&page, "drafts").await;
    page.find_with_text("#draft-list .draft-question", QUESTION).await;
    page.find_with_text("#draft-list .draft-answer", "only store is in Portland")
        .await;
    audit(&page, "the article drafts").await;
    page.screenshot(&shots, "trainer-drafts").await;

    // Accept: the editor opens with the answer; the trainer names the article.
    page.click("#draft-list .accept").await;
    page.wait_for(
        "the draft editor",
        "return document.querySelector('#draft-dialog').open \
           && document.querySelector('#draft-body').value.includes('Portland');",
    )
    .await;
    page.script(
        "document.querySelector('#draft-slug').value = 'stores'; \
         document.querySelector('#draft-title').value = 'Do you have a store in Milan or elsewhere in Italy?';",
        json!([]),
    )
    .await;
    page.screenshot(&shots, "trainer-drafts-editor").await;
    page.click("#draft-save").await;
    toast(&page, "created").await;
    page.wait_for(
        "no draft is waiting",
        "return !document.querySelector('#drafts-empty').hidden;",
    )
    .await;
    page.screenshot(&shots, "trainer-drafts-accepted").await;
    page.quit().await;

    // The article is there, and a new customer's paraphrase is answered from it.
    let content = app.content().await;
    assert!(content["articles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["slug"] == "stores"));
    let anna = app.start_conversation("Anna Conti", "anna@example.org").await;
    app.customer_says(&anna, "Is there a shop in Milan?").await;
    let decisions = app.decisions(&anna.conversation_id).await;
    assert_eq!(decisions.last().unwrap()["kind"], "answer", "{decisions:?}");
    let replies = app.customer_messages(&anna).await;
    let answer = replies.iter().rev().find(|m| m["author"] == "bot").unwrap();
    assert!(answer["text"].as_str().unwrap().contains("Portland"), "{answer}");
}
