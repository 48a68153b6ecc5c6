#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use super::*;
use tandem_core::ids::{ConversationId, CustomerId};
use tandem_core::model::Customer;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-06T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn step(kind: DecisionKind, intent: Option<&str>, frustration: f32, at: DateTime<Utc>) -> CustomerStep {
    CustomerStep {
        kind,
        intent: intent.map(str::to_owned),
        handoff_reason: None,
        slot: None,
        frustration,
        at,
    }
}

fn case(days_ago: i64, status: ConversationStatus, steps: Vec<CustomerStep>) -> CustomerCase {
    let at = now() - Duration::days(days_ago);
    CustomerCase {
        conversation_id: ConversationId::new(),
        status,
        started_at: at,
        last_message_at: at,
        handoff_reason: steps.iter().find_map(|s| s.handoff_reason),
        reopened: Vec::new(),
        steps,
    }
}

fn history(cases: Vec<CustomerCase>) -> CustomerHistory {
    CustomerHistory {
        customer: Customer {
            id: CustomerId::new(),
            name: "Oliver Brown".into(),
            email: "oliver@example.com".into(),
            created_at: now(),
        },
        conversations: i64::try_from(cases.len()).unwrap(),
        cases,
    }
}

fn risk_intents() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("cancel_order".to_owned(), "asked to cancel an order".to_owned()),
        ("complaint".to_owned(), "made a complaint".to_owned()),
    ])
}

fn handoff(mut s: CustomerStep, reason: HandoffReason) -> CustomerStep {
    s.kind = DecisionKind::Handoff;
    s.handoff_reason = Some(reason);
    s
}

fn assessed(cases: Vec<CustomerCase>) -> Assessment {
    assess(&history(cases), &risk_intents(), now())
}

#[test]
fn a_calm_faq_question_is_healthy() {
    let a = assessed(vec![case(
        0,
        ConversationStatus::Bot,
        vec![step(DecisionKind::Answer, Some("return_policy"), 0.0, now())],
    )]);
    assert_eq!(a.health.score, 100);
    assert_eq!(a.health.risk, Risk::Low);
    assert_eq!(
        a.health.reasons,
        ["No sign of trouble in 1 conversation in the last 90 days"]
    );
}

#[test]
fn two_furious_conversations_and_a_cancellation_are_high_risk() {
    let t = now();
    let a = assessed(vec![
        case(
            0,
            ConversationStatus::Queued,
            vec![handoff(
                step(DecisionKind::Handoff, Some("billing_dispute"), 0.9, t),
                HandoffReason::Frustration,
            )],
        ),
        // Furious but not handed over for it: the score alone counts.
        case(
            0,
            ConversationStatus::Queued,
            vec![handoff(
                step(DecisionKind::Handoff, Some("product_defect"), 0.8, t),
                HandoffReason::SensitiveTopic,
            )],
        ),
        case(
            0,
            ConversationStatus::Queued,
            vec![handoff(
                step(DecisionKind::Handoff, Some("cancel_order"), 0.1, t),
                HandoffReason::Policy,
            )],
        ),
    ]);
    assert_eq!(a.health.risk, Risk::High);
    assert_eq!(a.frustrated_recent, 2);
    // 100 - 40 (frustrated twice) - 20 (cancellation) - 10 (3 contacts in a week) - 10 (open cases)
    assert_eq!(a.health.score, 20);
    assert_eq!(
        a.health.reasons,
        [
            "Frustrated in 2 of 3 conversations in the last 30 days",
            "Asked to cancel an order on 2026-12-06",
            "3 contacts within 7 days",
            "3 open cases with a person, not resolved yet",
        ]
    );
}

#[test]
fn frustration_or_a_risk_intent_alone_is_at_least_medium_and_both_are_high() {
    let t = now() - Duration::days(3);
    let angry = case(
        3,
        ConversationStatus::Resolved,
        vec![step(DecisionKind::Resolve, Some("track_order"), 0.75, t)],
    );
    let a = assessed(vec![angry.clone()]);
    assert_eq!((a.health.score, a.health.risk), (80, Risk::Medium));
    let cancel = case(
        10,
        ConversationStatus::Resolved,
        vec![step(DecisionKind::Handoff, Some("cancel_order"), 0.0, t)],
    );
    let a = assessed(vec![cancel.clone()]);
    assert_eq!((a.health.score, a.health.risk), (80, Risk::Medium));
    let a = assessed(vec![angry, cancel]);
    assert_eq!((a.health.score, a.health.risk), (60, Risk::High));
}

#[test]
fn old_trouble_weighs_less_and_no_longer_raises_the_risk_floor() {
    let t = now() - Duration::days(60);
    let a = assessed(vec![case(
        60,
        ConversationStatus::Resolved,
        vec![handoff(
            step(DecisionKind::Handoff, Some("track_order"), 0.9, t),
            HandoffReason::Frustration,
        )],
    )]);
    assert_eq!((a.health.score, a.health.risk), (90, Risk::Low));
    assert_eq!(
        a.health.reasons,
        ["Frustrated in 1 of 1 conversation 30 to 90 days ago"]
    );
    assert_eq!(a.frustrated_recent, 0);
    // Older than 90 days: not read at all.
    let a = assessed(vec![case(120, ConversationStatus::Resolved, Vec::new())]);
    assert_eq!(a.health.score, 100);
    assert_eq!(a.health.reasons, ["No conversation in the last 90 days"]);
}

#[test]
fn a_guess_the_bot_asked_about_is_not_a_request() {
    let t = now();
    let choose = step(DecisionKind::Clarify, Some("cancel_order"), 0.0, t);
    let a = assessed(vec![case(0, ConversationStatus::Bot, vec![choose.clone()])]);
    assert_eq!(a.health.score, 100, "a \"did you mean\" is not a cancellation");
    let which = CustomerStep {
        slot: Some("order_id".into()),
        ..choose
    };
    let a = assessed(vec![case(0, ConversationStatus::Bot, vec![which])]);
    assert_eq!(a.health.score, 80, "asked which order to cancel: it is one");
}

#[test]
fn risk_intents_share_one_cap_and_say_how_often() {
    let t = now();
    let cases = (0..3)
        .map(|i| {
            case(
                i * 10,
                ConversationStatus::Resolved,
                vec![step(
                    DecisionKind::Handoff,
                    Some("complaint"),
                    0.0,
                    t - Duration::days(i * 10),
                )],
            )
        })
        .collect();
    let a = assessed(cases);
    assert_eq!(a.health.score, 60, "three complaints take off at most 40");
    assert_eq!(
        a.health.reasons,
        ["Made a complaint in 3 conversations, last on 2026-12-06"]
    );
}

#[test]
fn failures_reopened_cases_and_bursts_each_count() {
    let t = now();
    let mut reopened = case(
        5,
        ConversationStatus::Resolved,
        vec![handoff(
            step(DecisionKind::Handoff, Some("track_order"), 0.0, t),
            HandoffReason::RepeatedFailure,
        )],
    );
    reopened.reopened = vec![t - Duration::days(4), t - Duration::days(2)];
    let a = assessed(vec![reopened]);
    // 100 - 5 (the bot could not help) - 20 (reopened twice)
    assert_eq!((a.health.score, a.health.risk), (75, Risk::Low));
    assert_eq!(
        a.health.reasons,
        [
            "Came back after a case was resolved 2 times, last on 2026-12-04",
            "The bot could not help in 1 conversation",
        ]
    );
    // Three contacts spread over three weeks are not a burst.
    let spread = (0..3)
        .map(|i| case(i * 8, ConversationStatus::Resolved, Vec::new()))
        .collect();
    assert_eq!(assessed(spread).health.score, 100);
}

#[test]
fn risk_levels_parse_and_print() {
    for r in Risk::ALL {
        assert_eq!(Risk::parse(r.as_str()), Some(r));
    }
    assert_eq!(Risk::parse("extreme"), None);
    assert!(Risk::High > Risk::Medium && Risk::Medium > Risk::Low);
}
