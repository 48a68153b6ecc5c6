//! Personal data kept where it belongs: in the conversation for the staff who serve the customer,
//! and nowhere else the engine writes (previews, summaries, triage and decision records, training
//! examples, the audit log); erasure and retention through the engine.

use tandem_core::model::Role;
use tandem_engine::privacy::{ErasureInput, MAX_EVIDENCE_CHARS};

use crate::support::{demo_engine, sign_in, Customer};

const SAID: &str = "This is the THIRD time I'm writing!!! I'm furious. Write to zed.quill@example.net \
or call +44 20 7946 0958 about my broken lamp, you useless people.";
const TRACES: [&str; 3] = ["zed.quill@example.net", "7946 0958", "+44 20"];

#[tokio::test]
async fn the_records_the_bot_keeps_hold_no_personal_data_but_the_message_does() {
    let t = demo_engine().await;
    let zed = Customer::start(&t, "Zed Quill", "zq@example.org").await;
    let (sent, _) = zed.say(SAID).await;
    assert_eq!(sent.text, SAID, "staff read the message as it was written");

    let conversation = zed.conversation().await;
    let decisions = zed.decisions().await;
    assert!(!decisions.is_empty());
    let kept = [
        conversation.preview.clone(),
        conversation.summary.clone().unwrap_or_default(),
        serde_json::to_string(&conversation.triage).unwrap(),
        serde_json::to_string(&decisions).unwrap(),
    ];
    for (what, text) in ["preview", "summary", "triage", "decisions"].iter().zip(&kept) {
        for trace in TRACES {
            assert!(!text.contains(trace), "the {what} keeps {trace:?}: {text}");
        }
    }
    let summary = conversation.summary.clone().unwrap_or_default();
    assert!(
        summary.contains("[EMAIL]") && summary.contains("[PHONE]"),
        "{summary}"
    );
    for d in &decisions {
        let signals = [
            &d.signals.frustration,
            &d.signals.human_request,
            &d.signals.urgency,
            &d.signals.abuse,
        ];
        for evidence in signals.iter().flat_map(|s| &s.evidence) {
            assert!(
                evidence.text.chars().count() <= MAX_EVIDENCE_CHARS,
                "{evidence:?}"
            );
        }
    }
}

#[tokio::test]
async fn training_examples_and_erasure_reasons_are_redacted_and_audited() {
    let t = demo_engine().await;
    let trainer = sign_in(&t.engine, "trainer@example.com", Role::Trainer).await;
    let intent = t.engine.runtime().active_pack().unwrap().intents[0].name.clone();
    let view = t
        .engine
        .content()
        .add_example(
            &trainer,
            &intent,
            "pasted from a chat: card 4111 1111 1111 1111, mail zed.quill@example.net",
        )
        .await
        .unwrap();
    let added = view
        .examples
        .iter()
        .find(|e| e.starts_with("pasted from a chat"))
        .unwrap();
    assert!(added.contains("[CARD]") && added.contains("[EMAIL]"), "{added}");
    let pack = serde_json::to_string(&t.engine.runtime().active_pack().unwrap().intents).unwrap();
    assert!(!pack.contains("4111") && !pack.contains("zed.quill"));

    let admin = &t.admin;
    let zed = Customer::start(&t, "Zed Quill", "zq@example.org").await;
    zed.say("Where is my order A1001?").await;
    let customer = zed.conversation().await.customer.id.to_string();
    let refused = t
        .engine
        .privacy()
        .erase(&trainer, &customer, ErasureInput::default())
        .await;
    assert_eq!(refused.unwrap_err().code(), "forbidden");
    let no_reason = t
        .engine
        .privacy()
        .erase(admin, &customer, ErasureInput::default())
        .await;
    assert_eq!(no_reason.unwrap_err().code(), "reason_required");
    let report = t
        .engine
        .privacy()
        .erase(
            admin,
            &customer,
            ErasureInput {
                reason: Some("asked by phone, +44 20 7946 0958".to_owned()),
            },
        )
        .await
        .unwrap();
    assert_eq!(report.conversations, vec![zed.id()]);
    let entries = t.engine.audit().list(admin, Some("10"), None).await.unwrap();
    let erased = &entries[0];
    assert_eq!(erased.action.as_str(), "customer.erased");
    assert_eq!(erased.details["reason"], "asked by phone, [PHONE]");
    assert!(entries
        .iter()
        .any(|e| e.action.as_str() == "content.updated" && e.target == format!("intent:{intent}")));
    let missing = t.engine.privacy().export(admin, &customer).await;
    assert_eq!(missing.unwrap_err().code(), "not_found");
}

#[tokio::test]
async fn retention_erases_resolved_conversations_only_and_a_dry_run_changes_nothing() {
    let t = demo_engine().await;
    let agent = sign_in(&t.engine, "agent@example.com", Role::Agent).await;
    let done = Customer::start(&t, "Reta One", "reta1@example.org").await;
    done.say("Where is my order A1001?").await;
    let open = Customer::start(&t, "Reta Two", "reta2@example.org").await;
    open.say("Where is my order A1002?").await;
    let change = tandem_engine::conversations::ConversationUpdate {
        status: Some(tandem_core::model::ConversationStatus::Resolved),
        ..Default::default()
    };
    t.engine
        .conversations()
        .update(&agent, done.id(), change)
        .await
        .unwrap();

    let now = t.engine.now();
    let today = t.engine.privacy().apply_retention(now, false).await.unwrap();
    assert_eq!(
        today.conversations, 0,
        "nothing is older than the retention period yet"
    );
    let later = now + chrono::Duration::days(400);
    let dry = t.engine.privacy().apply_retention(later, true).await.unwrap();
    assert_eq!((dry.conversations, dry.dry_run), (1, true));
    assert!(t.store.get_conversation(done.id()).await.unwrap().is_some());
    let run = t.engine.privacy().apply_retention(later, false).await.unwrap();
    assert_eq!((run.conversations, run.customers), (1, 1));
    assert!(t.store.get_conversation(done.id()).await.unwrap().is_none());
    assert!(t.store.get_conversation(open.id()).await.unwrap().is_some());
}
