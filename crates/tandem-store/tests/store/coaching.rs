//! Coaching: a reply's score is kept once per message (scoring again replaces it) and goes with
//! its conversation; practice sessions take turns only in order and finish once; a certification
//! is held once per skill, and revoking it keeps nothing active.

use tandem_core::audit::{AuditAction, NewAuditEntry};
use tandem_core::event::Actor;
use tandem_core::model::Role;
use tandem_core::ErrorCode;
use tandem_store::*;

use crate::contract::{customer_says, new_conversation};
use crate::staff::new_user;

pub async fn reply_scores_are_kept_per_message_and_go_with_their_conversation(store: &dyn Store) {
    let agent = store
        .create_user(new_user("ana@x.org", Role::Agent))
        .await
        .unwrap();
    let (conversation, _) = store
        .create_conversation(new_conversation("c@x.org"))
        .await
        .unwrap();
    let (message, _) = store
        .append_message(customer_says(conversation.id, "My jacket is torn"))
        .await
        .unwrap();
    assert_eq!(
        store.quality_cursor().await.unwrap(),
        0,
        "an empty log starts at 0"
    );
    let score = |level: i64| ReplyScore {
        message_id: message.id,
        conversation_id: conversation.id,
        author_id: agent.id,
        skills: serde_json::json!({"empathy": {"level": level}}),
        written_at: message.created_at,
    };
    assert!(store.put_reply_score(score(1)).await.unwrap());
    assert!(
        store.put_reply_score(score(2)).await.unwrap(),
        "scoring again replaces"
    );
    let kept = store.conversation_reply_scores(conversation.id).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].skills["empathy"]["level"], 2);
    assert_eq!(kept[0].author_id, agent.id);
    assert_eq!(store.author_reply_scores(agent.id, 10).await.unwrap(), kept);

    let gone = ReplyScore {
        message_id: "00000000-0000-7000-8000-000000000001".parse().unwrap(),
        ..score(1)
    };
    assert!(
        !store.put_reply_score(gone).await.unwrap(),
        "no message, no score"
    );
    store.delete_reply_score(message.id).await.unwrap();
    assert!(store
        .conversation_reply_scores(conversation.id)
        .await
        .unwrap()
        .is_empty());

    store.put_reply_score(score(1)).await.unwrap();
    let customer = conversation.customer.id;
    let entry = NewAuditEntry::new(
        Actor::System,
        AuditAction::CustomerErased,
        format!("customer:{customer}"),
        serde_json::json!({ "reason": "test" }),
    );
    store.erase_customer(customer, entry).await.unwrap().unwrap();
    assert!(
        store.author_reply_scores(agent.id, 10).await.unwrap().is_empty(),
        "erased with the conversation"
    );

    store.advance_quality_cursor(7).await.unwrap();
    store.advance_quality_cursor(3).await.unwrap();
    assert_eq!(
        store.quality_cursor().await.unwrap(),
        7,
        "the cursor never moves back"
    );
}

pub async fn practice_sessions_take_turns_in_order_and_finish_once(store: &dyn Store) {
    let ana = store
        .create_user(new_user("ana@x.org", Role::Agent))
        .await
        .unwrap();
    let ben = store
        .create_user(new_user("ben@x.org", Role::Agent))
        .await
        .unwrap();
    let started = store
        .create_practice_session(ana.id, "double_charge", serde_json::json!([{"role": "customer"}]))
        .await
        .unwrap();
    assert!(!started.finished());
    let two = serde_json::json!([{"role": "customer"}, {"role": "agent"}]);
    let updated = store
        .update_practice_turns(&started.id, 1, two.clone())
        .await
        .unwrap()
        .expect("in order");
    assert_eq!(updated.turns, two);
    assert!(
        store
            .update_practice_turns(&started.id, 1, two.clone())
            .await
            .unwrap()
            .is_none(),
        "a reply to turns someone else already answered is refused"
    );
    let finished = store
        .finish_practice_session(&started.id, 82, true)
        .await
        .unwrap()
        .expect("finishes once");
    assert_eq!(
        (finished.score, finished.passed, finished.finished()),
        (Some(82), true, true)
    );
    assert!(store
        .finish_practice_session(&started.id, 10, false)
        .await
        .unwrap()
        .is_none());
    assert!(
        store
            .update_practice_turns(&started.id, 2, two)
            .await
            .unwrap()
            .is_none(),
        "finished"
    );
    let shared = store
        .share_practice_session(&started.id, true)
        .await
        .unwrap()
        .unwrap();
    assert!(shared.shared);

    store
        .create_practice_session(ben.id, "locked_out", serde_json::json!([]))
        .await
        .unwrap();
    let anas = store.practice_sessions(ana.id, 10).await.unwrap();
    assert_eq!(
        anas.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        vec![started.id.as_str()]
    );
    assert_eq!(
        store.passed_scenarios(ana.id).await.unwrap(),
        vec!["double_charge".to_owned()]
    );
    assert!(store.passed_scenarios(ben.id).await.unwrap().is_empty());
    assert!(store.practice_session("no-such-session").await.unwrap().is_none());
}

pub async fn a_certification_is_held_once_and_revoked_with_a_reason(store: &dyn Store) {
    let sup = store
        .create_user(new_user("sup@x.org", Role::Supervisor))
        .await
        .unwrap();
    let ana = store
        .create_user(new_user("ana@x.org", Role::Agent))
        .await
        .unwrap();
    let granted = store
        .grant_certification(ana.id, "de_escalation", sup.id, "passed double_charge")
        .await
        .unwrap();
    assert_eq!(
        (granted.skill.as_str(), granted.granted_by),
        ("de_escalation", Some(sup.id))
    );
    let again = store
        .grant_certification(ana.id, "de_escalation", sup.id, "again")
        .await
        .unwrap_err();
    assert_eq!(again.code(), ErrorCode::AlreadyCertified);
    store
        .grant_certification(ana.id, "empathy", sup.id, "ok")
        .await
        .unwrap();
    let held: Vec<String> = store
        .certifications(Some(ana.id))
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.skill)
        .collect();
    assert_eq!(held, vec!["de_escalation", "empathy"]);
    assert!(store
        .revoke_certification(ana.id, "empathy", sup.id, "complaints")
        .await
        .unwrap());
    assert!(!store
        .revoke_certification(ana.id, "empathy", sup.id, "twice")
        .await
        .unwrap());
    assert_eq!(store.certifications(None).await.unwrap().len(), 1);
    store
        .grant_certification(ana.id, "empathy", sup.id, "passed again")
        .await
        .expect("a revoked certification can be granted again");
}
