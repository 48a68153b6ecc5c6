//! Root-cause digests: yesterday's cases, one `root_cause_digest` event per owner, once a day.

use chrono::{Duration, Utc};
use tandem_core::event::EventKind;
use tandem_core::model::{ConversationStatus, Priority};
use tandem_core::root_cause::RootCause;
use tandem_store::{NewConversation, NewRootCauseSuggestion, Store};

use crate::support::engine;

async fn case(store: &dyn Store, email: &str, cause: RootCause, days_ago: i64) {
    let (c, _) = store
        .create_conversation(NewConversation {
            customer_name: "Case".into(),
            customer_email: email.into(),
            token_hash: format!("hash-{email}"),
            customer_verified: false,
            status: ConversationStatus::Queued,
            priority: Priority::Normal,
        })
        .await
        .unwrap();
    store
        .suggest_root_cause(NewRootCauseSuggestion {
            conversation_id: c.id,
            suggested: Some(cause),
            confidence: 0.7,
            evidence: serde_json::json!([]),
            text: String::new(),
            handed_over_at: Utc::now() - Duration::days(days_ago),
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn each_owner_gets_yesterdays_digest_once() {
    let t = engine().await;
    assert_eq!(
        t.engine.root_cause_digests().await.unwrap(),
        0,
        "nothing happened"
    );
    case(t.store.as_ref(), "a@x.org", RootCause::TechnicalDefect, 1).await;
    case(t.store.as_ref(), "b@x.org", RootCause::TechnicalDefect, 1).await;
    case(t.store.as_ref(), "c@x.org", RootCause::TechnicalDefect, 3).await;
    case(t.store.as_ref(), "d@x.org", RootCause::Documentation, 0).await;
    assert_eq!(
        t.engine.root_cause_digests().await.unwrap(),
        1,
        "one owner without a pack"
    );
    assert_eq!(t.engine.root_cause_digests().await.unwrap(), 0, "once a day");
    let events = t.store.events_after(0, 1_000).await.unwrap();
    let digests: Vec<_> = events
        .iter()
        .filter(|e| e.kind == EventKind::RootCauseDigest)
        .collect();
    assert_eq!(digests.len(), 1);
    let data = &digests[0].data;
    let yesterday = (Utc::now() - Duration::days(1))
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(data["day"], yesterday);
    assert_eq!(data["owner"], "Customer care");
    let causes = data["causes"].as_array().unwrap();
    assert_eq!(
        causes.len(),
        1,
        "today's documentation case waits for tomorrow's digest: {data}"
    );
    assert_eq!(causes[0]["cause"], "technical_defect");
    assert_eq!(
        (causes[0]["count"].as_i64(), causes[0]["week"].as_i64()),
        (Some(2), Some(3))
    );
    assert_eq!(causes[0]["examples"].as_array().unwrap().len(), 3);
}
