//! Coaching: agents' replies are scored from the event log (notes are not), profiles are private
//! to their agent, practice makes an agent eligible for a certification a supervisor signs off,
//! and routing keeps frustration handoffs for certified agents, saying why in the decision.

use tandem_core::audit::AuditAction;
use tandem_core::model::Role;
use tandem_core::ErrorCode;

use crate::support::{demo_engine, staff, Customer, TestEngine};

const ANGRY: &str =
    "This is the THIRD time I'm writing!!! You charged me twice and nobody helps. I'm furious.";
const EMPATHIC: [&str; 3] = [
    "I'm so sorry you were charged twice; I understand how frustrating that is. I'm checking your payments now.",
    "You're right to be upset, I can see both charges. I've refunded the duplicate and e-mailed you the receipt.",
    "Thank you for your patience, I know this took too long. The refund reaches your card within 5 days.",
];

/// Every team of the demo pack.
async fn all_teams(t: &TestEngine) -> Vec<tandem_core::ids::TeamId> {
    t.store
        .list_teams()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect()
}

#[tokio::test]
async fn replies_are_scored_from_the_log_and_profiles_stay_with_their_agent() {
    let t = demo_engine().await;
    let ana = staff(&t, "ana@x.org", Role::Agent, &[], true).await;
    let ben = staff(&t, "ben@x.org", Role::Agent, &[], true).await;
    let customer = Customer::start(&t, "Tom Example", "tom@example.org").await;
    customer
        .say("My jacket arrived torn. I waited a week for it!")
        .await;
    let conversations = t.engine.conversations();
    let reply = conversations
        .staff_message(
            &ana,
            customer.id(),
            "I'm so sorry this happened, I understand how frustrating it must be.",
            false,
        )
        .await
        .unwrap();
    conversations
        .staff_message(&ana, customer.id(), "Check the warehouse photos.", true)
        .await
        .unwrap();
    assert!(t.engine.coaching().catch_up().await.unwrap() >= 1);
    let scored = t
        .engine
        .coaching()
        .conversation(&t.admin, customer.id())
        .await
        .unwrap();
    assert_eq!(
        scored.iter().map(|r| r.message_id).collect::<Vec<_>>(),
        vec![reply.id],
        "the note is not scored"
    );
    assert!(
        scored[0].skills.empathy.level >= 1,
        "{:?}",
        scored[0].skills.empathy
    );
    assert!(
        t.engine
            .coaching()
            .conversation(&ben, customer.id())
            .await
            .unwrap()
            .is_empty(),
        "another agent does not see Ana's scores"
    );
    assert_eq!(
        t.engine.coaching().catch_up().await.unwrap(),
        0,
        "each reply is scored once"
    );

    let profile = t.engine.coaching().profile(&ana, ana.user().id).await.unwrap();
    assert_eq!(profile.replies, 1);
    assert!(profile
        .highlights
        .iter()
        .any(|h| h.skill == "empathy" && h.message_id == reply.id));
    let refused = t
        .engine
        .coaching()
        .profile(&ben, ana.user().id)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert!(
        t.engine.coaching().team(&ben).await.is_err(),
        "agents have no team view"
    );
    let team = t.engine.coaching().team(&t.admin).await.unwrap();
    assert!(team.iter().any(|m| m.user_id == ana.user().id && m.replies == 1));
}

#[tokio::test]
async fn practice_makes_an_agent_eligible_and_routing_keeps_frustration_for_the_certified() {
    let t = demo_engine().await;
    let teams = all_teams(&t).await;
    let ana = staff(&t, "ana@x.org", Role::Agent, &teams, true).await;
    let ben = staff(&t, "ben@x.org", Role::Agent, &teams, true).await;
    let sup = staff(&t, "sup@x.org", Role::Supervisor, &[], true).await;
    let certifications = t.engine.certifications();

    // Nobody certified: the furious customer waits, and the decision says why.
    let first = Customer::start(&t, "Dana One", "dana1@example.org").await;
    first.say(ANGRY).await;
    let waiting = t.store.get_conversation(first.id()).await.unwrap().unwrap();
    assert_eq!(waiting.assignee_id, None);
    let decisions = t.store.list_decisions(first.id()).await.unwrap();
    let reasons = decisions.last().unwrap().reasons.join(" ");
    assert!(
        reasons.contains("no available agent certified in de_escalation"),
        "{reasons}"
    );
    assert!(
        t.engine.routing().take_next(&ben).await.unwrap().is_none(),
        "an uncertified agent cannot take it from the queue either"
    );

    let early = certifications
        .grant(&sup, ana.user().id, "de_escalation", None)
        .await
        .unwrap_err();
    assert_eq!(early.code(), ErrorCode::NotEligible, "no practice passed yet");
    let practice = t.engine.practice();
    let session = practice.start(&ana, "double_charge").await.unwrap();
    for text in EMPATHIC {
        if practice.reply(&ana, &session.id, text).await.unwrap().done {
            break;
        }
    }
    assert!(practice.finish(&ana, &session.id).await.unwrap().passed);
    assert_eq!(
        certifications
            .grant(&ana, ana.user().id, "de_escalation", None)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::Forbidden
    );
    certifications
        .grant(&sup, ana.user().id, "de_escalation", Some("calm and clear"))
        .await
        .unwrap();
    let again = certifications
        .grant(&sup, ana.user().id, "de_escalation", None)
        .await
        .unwrap_err();
    assert_eq!(again.code(), ErrorCode::AlreadyCertified);

    let second = Customer::start(&t, "Dana Two", "dana2@example.org").await;
    second.say(ANGRY).await;
    let routed = t.store.get_conversation(second.id()).await.unwrap().unwrap();
    assert_eq!(routed.assignee_id, Some(ana.user().id));
    let reasons = t
        .store
        .list_decisions(second.id())
        .await
        .unwrap()
        .last()
        .unwrap()
        .reasons
        .join(" ");
    assert!(
        reasons.contains("certified in de_escalation") && reasons.contains("not certified"),
        "{reasons}"
    );
    assert_eq!(
        t.engine.routing().take_next(&ana).await.unwrap().map(|c| c.id),
        Some(first.id()),
        "the certified agent takes the case that waited"
    );

    let missing_reason = certifications
        .revoke(&sup, ana.user().id, "de_escalation", None)
        .await
        .unwrap_err();
    assert_eq!(missing_reason.code(), ErrorCode::ReasonRequired);
    certifications
        .revoke(&sup, ana.user().id, "de_escalation", Some("retraining"))
        .await
        .unwrap();
    assert!(certifications
        .list(&sup, Some(ana.user().id))
        .await
        .unwrap()
        .is_empty());
    let audit = t.engine.audit().list(&t.admin, None, None).await.unwrap();
    let actions: Vec<AuditAction> = audit.iter().map(|e| e.action).collect();
    assert!(
        actions.contains(&AuditAction::CertificationGranted)
            && actions.contains(&AuditAction::CertificationRevoked)
    );
}

#[tokio::test]
async fn practice_sessions_are_private_and_take_no_replies_once_finished() {
    let t = demo_engine().await;
    let ana = staff(&t, "ana@x.org", Role::Agent, &[], true).await;
    let ben = staff(&t, "ben@x.org", Role::Agent, &[], true).await;
    let sup = staff(&t, "sup@x.org", Role::Supervisor, &[], true).await;
    let practice = t.engine.practice();
    assert!(practice.scenarios(&ana).unwrap().len() >= 5);
    let unknown = practice.start(&ana, "no_such_scenario").await.unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::UnknownScenario);
    let session = practice.start(&ana, "locked_out").await.unwrap();
    assert!(
        practice.reply(&ben, &session.id, "Hello").await.is_err(),
        "not Ben's session"
    );
    assert!(
        practice.get(&sup, &session.id).await.is_err(),
        "private until shared"
    );
    let empty = practice.reply(&ana, &session.id, "   ").await.unwrap_err();
    assert_eq!(empty.code(), ErrorCode::EmptyMessage);
    practice
        .reply(
            &ana,
            &session.id,
            "Hello Walter, could you tell me what the screen says?",
        )
        .await
        .unwrap();
    let finished = practice.finish(&ana, &session.id).await.unwrap();
    assert_eq!(
        practice.finish(&ana, &session.id).await.unwrap().score,
        finished.score,
        "finishing twice"
    );
    let late = practice
        .reply(&ana, &session.id, "Are you still there?")
        .await
        .unwrap_err();
    assert_eq!(late.code(), ErrorCode::PracticeFinished);
    practice.share(&ana, &session.id, true).await.unwrap();
    assert_eq!(practice.get(&sup, &session.id).await.unwrap().turns.len(), 3);
    assert_eq!(
        practice.list(&sup, ana.user().id).await.unwrap().len(),
        1,
        "shared sessions"
    );
    assert!(practice.list(&ben, ana.user().id).await.is_err());
}

/// An OpenAI-compatible stand-in that answers every chat request with one line and keeps the
/// requests it got.
async fn voice_server(status: u16) -> (String, std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>) {
    use axum::routing::post;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = seen.clone();
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        post(move |axum::Json(body): axum::Json<serde_json::Value>| {
            let kept = kept.clone();
            async move {
                kept.lock().unwrap().push(body);
                let answer = serde_json::json!({"choices": [{"message": {"role": "assistant", "content": " \"Fine, go on then.\" "}}]});
                (axum::http::StatusCode::from_u16(status).unwrap(), axum::Json(answer))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/v1"), seen)
}

/// A demo engine whose practice customer is worded by the model at `url`.
async fn voiced_engine(url: String) -> TestEngine {
    let t = demo_engine().await;
    let config = tandem_engine::EngineConfig {
        data_dir: t.dir.path().join("data"),
        practice_voice: Some(tandem_engine::coaching::practice::voice::VoiceConfig {
            url,
            model: "test-model".into(),
            api_key: None,
        }),
        ..tandem_engine::EngineConfig::default()
    };
    let engine = std::sync::Arc::new(
        tandem_engine::Engine::open(
            t.store.clone(),
            std::sync::Arc::new(tandem_engine::LocalBus::default()),
            config,
        )
        .await
        .unwrap(),
    );
    engine.runtime().load_active().await.unwrap();
    TestEngine { engine, ..t }
}

#[tokio::test]
async fn a_configured_voice_words_the_customer_without_personal_data_and_changes_no_result() {
    let (url, seen) = voice_server(200).await;
    let t = voiced_engine(url).await;
    let ana = staff(&t, "ana@x.org", Role::Agent, &[], true).await;
    let practice = t.engine.practice();
    let session = practice.start(&ana, "double_charge").await.unwrap();
    let reply = "I'm so sorry. Write to me at ana.private@example.com or call +1 503 555 0199.";
    let answered = practice.reply(&ana, &session.id, reply).await.unwrap();
    assert_eq!(
        answered.customer.text, "Fine, go on then.",
        "the model's line, trimmed"
    );
    let sent = serde_json::to_string(&seen.lock().unwrap()[0]).unwrap();
    assert!(
        sent.contains("test-model") && sent.contains("Dana Reyes"),
        "{sent}"
    );
    assert!(
        !sent.contains("ana.private@example.com") && !sent.contains("555 0199"),
        "redacted: {sent}"
    );

    // The same reply without a voice: the same mood, the scenario's own line.
    let plain = demo_engine().await;
    let ben = staff(&plain, "ben@x.org", Role::Agent, &[], true).await;
    let other = plain
        .engine
        .practice()
        .start(&ben, "double_charge")
        .await
        .unwrap();
    let scripted = plain
        .engine
        .practice()
        .reply(&ben, &other.id, reply)
        .await
        .unwrap();
    assert_eq!(scripted.customer.mood, answered.customer.mood);
    assert_ne!(scripted.customer.text, answered.customer.text);

    // A failing voice falls back to the scenario's line.
    let (broken, _) = voice_server(500).await;
    let t = voiced_engine(broken).await;
    let cy = staff(&t, "cy@x.org", Role::Agent, &[], true).await;
    let third = t.engine.practice().start(&cy, "double_charge").await.unwrap();
    let fallback = t.engine.practice().reply(&cy, &third.id, reply).await.unwrap();
    assert_eq!(fallback.customer.text, scripted.customer.text);
}

#[tokio::test]
async fn a_coach_sees_eligibility_but_which_scenarios_were_passed_only_once_shared() {
    let t = demo_engine().await;
    let ana = staff(&t, "ana@x.org", Role::Agent, &[], true).await;
    let sup = staff(&t, "sup@x.org", Role::Supervisor, &[], true).await;
    let practice = t.engine.practice();
    let session = practice.start(&ana, "double_charge").await.unwrap();
    for text in EMPATHIC {
        if practice.reply(&ana, &session.id, text).await.unwrap().done {
            break;
        }
    }
    assert!(practice.finish(&ana, &session.id).await.unwrap().passed);
    let step = |paths: &[tandem_engine::coaching::practice::Path]| {
        let path = paths.iter().find(|p| p.skill == "de_escalation").unwrap();
        (
            path.eligible,
            path.scenarios.iter().any(|s| s.id == "double_charge" && s.passed),
        )
    };
    assert_eq!(
        step(&practice.paths(&ana, ana.user().id).await.unwrap()),
        (true, true)
    );
    assert_eq!(
        step(&practice.paths(&sup, ana.user().id).await.unwrap()),
        (true, false),
        "private until shared"
    );
    practice.share(&ana, &session.id, true).await.unwrap();
    assert_eq!(
        step(&practice.paths(&sup, ana.user().id).await.unwrap()),
        (true, true)
    );
}
