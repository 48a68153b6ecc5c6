//! The coaching and team pages in a real browser (issue 18): an agent practises the
//! `double_charge` scenario with the simulated customer, reads the customer's answers, mood and
//! the feedback per skill with its evidence marked in their own words, finishes and passes, and
//! finds the session in their list; a supervisor reads the team's skills, opens the agent's
//! coaching profile, certifies the agent in de-escalation with a reason and revokes it with one.
//! Screenshots `coaching*.png` and `team*.png`; a browser console error fails it.

use reqwest::StatusCode;
use serde_json::json;

use crate::browser::{audit, binaries_or_skip, log_in, screenshot_dir};
use crate::support::*;
use crate::trainer_page::toast;
use crate::webdriver::{Browser, Driver};

const FIRST: &str = "I'm so sorry you were charged twice; I understand how frustrating that is. \
                     I'm checking your payments now.";
const SECOND: &str = "You're right to be upset, I can see both charges. I've refunded the duplicate \
                      and e-mailed you the receipt.";

/// How many elements match `css` now.
async fn count(page: &Browser, css: &str) -> u64 {
    page.script(
        "return document.querySelectorAll(arguments[0]).length;",
        json!([css]),
    )
    .await
    .as_u64()
    .unwrap_or_default()
}

/// Sends a practice reply and waits for the feedback on it and the customer's answer.
async fn practice_reply(page: &Browser, text: &str, replies_before: u64) {
    page.wait_for(
        "the reply box to be usable",
        "return !document.querySelector('#practice-reply').disabled;",
    )
    .await;
    page.type_into("#practice-reply", text).await;
    page.click("#practice-send").await;
    let after = replies_before + 1;
    page.wait_for(
        "the feedback on the reply",
        &format!(
            "const turns = document.querySelectorAll('#practice-turns .turn-agent'); \
             return turns.length === {after} && turns[{after} - 1].querySelectorAll('.fb').length > 0;"
        ),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_practises_and_a_supervisor_certifies_from_the_pages() {
    let Some((driver_path, chromium)) = binaries_or_skip() else {
        return;
    };
    let app = spawn_demo_app().await;
    let agent = app.create_staff("alex.agent@example.org", "agent").await;
    let supervisor = app.create_staff("sue.supervisor@example.org", "supervisor").await;

    // The agent has answered a real customer once: the reply is scored for their profile.
    let customer = app
        .start_conversation("Dana Reyes", "dana.reyes@example.org")
        .await;
    app.customer_says(&customer, "You charged me twice for order A1042!")
        .await;
    app.staff_says(&agent.token, &customer.conversation_id, FIRST, false)
        .await;
    let started = std::time::Instant::now();
    while body(
        app.get(&format!("/api/v1/coaching/agents/{}", agent.id))
            .bearer_auth(&agent.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await["replies"]
        != json!(1)
    {
        assert!(started.elapsed() < FAILURE_BOUND, "the reply was never scored");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    let shots = screenshot_dir();
    let driver = Driver::start(&driver_path, &chromium).await;
    let page = driver.session(1400, 1000).await;
    log_in(&page, &app, &agent.email, &agent.password).await;
    // Everyone has Coaching in the menu; agents have no Team.
    page.find_with_text(".nav a[href='/app/coaching']", "Coaching")
        .await;
    assert!(!page.shown(".nav a[href='/app/team']").await);
    page.click(".nav a[href='/app/coaching']").await;
    page.wait_for(
        "the skills, the scenarios and the paths",
        "return document.querySelectorAll('#my-profile .skill-row').length === 9 \
           && !!document.querySelector('#scenarios [data-scenario=double_charge] .start') \
           && document.querySelectorAll('#paths .path').length > 0;",
    )
    .await;
    page.find_with_text("#my-profile", "1 reply scored").await;
    // This week's empathy is drawn, and the reply is a best moment linked to its conversation.
    page.find("#my-profile [data-skill=empathy] .trend .trend-dot")
        .await;
    page.find(&format!(
        "#highlights a[href='/app/inbox?c={}']",
        customer.conversation_id
    ))
    .await;
    audit(&page, "the coaching page").await;
    page.screenshot(&shots, "coaching").await;
    // The best moment opens the conversation, where the reply shows its soft skills.
    page.click(&format!(
        "#highlights a[href='/app/inbox?c={}']",
        customer.conversation_id
    ))
    .await;
    page.wait_for(
        "the reply's soft skills in the timeline",
        "return !!document.querySelector('#timeline li.msg-agent .msg-quality .chip[data-skill=empathy]');",
    )
    .await;
    page.click(".nav a[href='/app/coaching']").await;
    page.wait_for(
        "the coaching page again",
        "return !!document.querySelector('#scenarios [data-scenario=double_charge] .start');",
    )
    .await;

    // The agent starts the double charge scenario: the customer speaks first, with a mood.
    page.click("#scenarios [data-scenario=double_charge] .start")
        .await;
    page.wait_for(
        "the simulated customer's first line",
        "return !document.querySelector('#practice').hidden \
           && document.querySelectorAll('#practice-turns .turn-customer').length === 1 \
           && document.querySelector('#practice-turns .turn-customer .turn-text').textContent.length > 0 \
           && document.querySelector('#practice-mood-text').textContent.length > 0;",
    )
    .await;
    let mood_before = page
        .script(
            "return document.querySelector('#practice-mood').value;",
            json!([]),
        )
        .await
        .as_f64()
        .unwrap();

    practice_reply(&page, FIRST, 0).await;
    // The customer answers, and the reply's empathy is shown with its evidence in the agent's words.
    page.wait_for(
        "the customer's answer",
        "return document.querySelectorAll('#practice-turns .turn-customer').length === 2;",
    )
    .await;
    let marks = page
        .script(
            "return [...document.querySelectorAll('#practice-turns .turn-agent .fb-evidence mark')].map(m => m.textContent);",
            json!([]),
        )
        .await;
    let marks: Vec<String> = serde_json::from_value(marks).unwrap();
    assert!(!marks.is_empty(), "no evidence is marked");
    for mark in &marks {
        assert!(FIRST.contains(mark.as_str()), "{mark:?} is not in the reply");
    }
    page.wait_for(
        "empathy shown in the first reply",
        "const e = document.querySelector('#practice-turns .turn-agent .fb[data-skill=empathy]'); \
         return !!e && e.dataset.level !== '0' && !!e.querySelector('mark');",
    )
    .await;
    page.screenshot(&shots, "coaching-practice").await;

    practice_reply(&page, SECOND, 1).await;
    // The refund settles it: she thanks the agent and has nothing more to say.
    page.wait_for(
        "the customer to be satisfied",
        "return document.querySelectorAll('#practice-turns .turn-customer').length === 3 \
           && !document.querySelector('#practice-tip').hidden \
           && document.querySelector('#practice-reply').disabled;",
    )
    .await;
    let mood_after = page
        .script(
            "return document.querySelector('#practice-mood').value;",
            json!([]),
        )
        .await
        .as_f64()
        .unwrap();
    assert!(
        mood_after <= mood_before,
        "the customer calmed down: {mood_before} -> {mood_after}"
    );
    audit(&page, "the practice panel").await;

    page.click("#practice-finish").await;
    page.wait_for(
        "the result",
        "return !document.querySelector('#practice-result').hidden \
           && document.querySelector('#practice-result .verdict').textContent === 'Passed';",
    )
    .await;
    let score = page.text("#practice-result .score").await;
    assert!(score.parse::<u32>().is_ok_and(|s| s <= 100), "{score}");
    page.screenshot(&shots, "coaching-passed").await;
    // The session is in the list, passed; the agent shares it.
    page.find_with_text("#sessions tbody tr", "Passed").await;
    page.click("#sessions tbody tr .share").await;
    toast(&page, "Shared with supervisors").await;
    // The de-escalation path has its scenario passed: the agent may be certified.
    page.find_with_text("#paths [data-skill=de_escalation]", "Eligible")
        .await;
    page.screenshot(&shots, "coaching-sessions").await;
    // The page fits a laptop and a phone (screenshots coaching-WIDTH).
    for (width, height) in [(1024, 768), (390, 844)] {
        page.set_window(width, height).await;
        page.assert_fits("coaching").await;
    }
    page.quit().await;

    // The supervisor opens the team page and the agent's profile.
    let page = driver.session(1400, 1000).await;
    log_in(&page, &app, &supervisor.email, &supervisor.password).await;
    page.click(".nav a[href='/app/team']").await;
    let row = format!("#team tbody tr[data-user='{}']", agent.id);
    page.find(&format!("{row} .agent-open")).await;
    assert_eq!(count(&page, &format!("{row} td.avg")).await, 9);
    page.click(&format!("{row} .agent-open")).await;
    page.wait_for(
        "the agent's profile",
        "return !document.querySelector('#profile-card').hidden \
           && document.querySelectorAll('#agent-profile .skill-row').length === 9 \
           && document.querySelector('#h-profile').textContent.includes('Test agent');",
    )
    .await;
    page.find_with_text("#eligibility", "De-escalation").await;
    // The shared session is there, readable turn by turn.
    page.find_with_text("#shared-sessions tbody tr", "Passed").await;
    page.click("#shared-sessions tbody tr .read").await;
    page.wait_for(
        "the transcript",
        "return !document.querySelector('#transcript').hidden \
           && document.querySelectorAll('#transcript-turns .turn-customer').length === 3 \
           && document.querySelectorAll('#transcript-turns .turn-agent .feedback').length === 2;",
    )
    .await;
    audit(&page, "the team page").await;
    page.screenshot(&shots, "team").await;

    // A skill the agent has not practised is refused by the API, and the page says why.
    page.script(
        "const pick = document.querySelector('#cert-skill'); pick.value = 'greeting'; \
         if (pick.value !== 'greeting') throw new Error('no greeting option');",
        json!([]),
    )
    .await;
    page.type_into("#cert-reason", "Greets every customer by name")
        .await;
    page.click("#certify").await;
    page.find_with_text("#cert-error", "has not passed a practice scenario")
        .await;
    page.assert_console_clean(
        "after a refused certification",
        &["/api/v1/certifications - Failed to load resource: the server responded with a status of 422"],
    )
    .await;
    page.script("document.querySelector('#cert-reason').value = '';", json!([]))
        .await;

    // Certify in de-escalation with a reason: the chip appears in the table and the list.
    page.script(
        "const [agent] = arguments; const pick = document.querySelector('#cert-skill'); \
         if (document.querySelector('#cert-agent').value !== agent) throw new Error('another agent is chosen'); \
         pick.value = 'de_escalation'; \
         if (pick.value !== 'de_escalation') throw new Error('no de_escalation option');",
        json!([agent.id]),
    )
    .await;
    page.type_into("#cert-reason", "Calmed a double-charged customer in practice")
        .await;
    page.click("#certify").await;
    page.find(&format!("{row} .cert-chip[data-skill=de_escalation]"))
        .await;
    page.find_with_text(
        "#cert-list [data-skill=de_escalation]",
        "Calmed a double-charged customer",
    )
    .await;
    page.screenshot(&shots, "team-certified").await;

    // Revoke, with a reason.
    page.click("#cert-list [data-skill=de_escalation] .revoke").await;
    page.wait_for(
        "the revoke dialog",
        "return document.querySelector('#revoke-dialog').open;",
    )
    .await;
    page.type_into("#revoke-reason", "Certified too early").await;
    page.screenshot(&shots, "team-revoke").await;
    page.click("#revoke-submit").await;
    page.wait_for(
        "the certification to be gone",
        &format!(
            "return !document.querySelector('#revoke-dialog').open \
               && !document.querySelector(\"{row} .cert-chip[data-skill=de_escalation]\") \
               && !document.querySelector('#cert-list [data-skill=de_escalation]');"
        ),
    )
    .await;
    page.screenshot(&shots, "team-revoked").await;
    for (width, height) in [(1024, 768), (390, 844)] {
        page.set_window(width, height).await;
        page.assert_fits("team").await;
    }
    page.quit().await;

    // The API agrees: no active certification is left.
    let certifications = body(
        app.get(&format!("/api/v1/certifications?user_id={}", agent.id))
            .bearer_auth(&supervisor.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(certifications["certifications"], json!([]));
}
