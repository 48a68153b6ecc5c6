#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use super::*;
use chrono::TimeZone;

const THRESHOLD: f32 = 0.7;

fn t(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + Duration::hours(hours)
}

struct Talk {
    conversation: ConversationId,
    steps: Vec<AutomationStep>,
}

impl Talk {
    fn new() -> Self {
        Self {
            conversation: ConversationId::new(),
            steps: Vec::new(),
        }
    }

    fn step(mut self, hours: i64, kind: DecisionKind, intent: &str) -> Self {
        self.steps.push(AutomationStep {
            conversation_id: self.conversation,
            message_id: MessageId::new(),
            reply_id: Some(MessageId::new()),
            kind,
            intent: Some(intent.to_owned()),
            handoff_reason: None,
            frustration: 0.0,
            at: t(hours),
        });
        self
    }

    fn answer(self, hours: i64, intent: &str) -> Self {
        self.step(hours, DecisionKind::Answer, intent)
    }

    fn handoff(mut self, hours: i64, reason: HandoffReason) -> Self {
        self = self.step(hours, DecisionKind::Handoff, "track_order");
        let last = self.steps.last_mut().unwrap();
        last.handoff_reason = Some(reason);
        last.reply_id = None;
        self
    }

    fn frustrated(mut self, hours: i64, score: f32) -> Self {
        self = self.step(hours, DecisionKind::Acknowledge, "thanks");
        self.steps.last_mut().unwrap().frustration = score;
        self
    }

    fn trail(&self, customer: CustomerId, started: i64) -> AutomationTrail {
        AutomationTrail {
            conversation_id: self.conversation,
            customer_id: customer,
            started_at: t(started),
            with_people: false,
            reopened: Vec::new(),
            steps: self.steps.clone(),
        }
    }
}

#[test]
fn an_answer_with_nothing_after_it_is_contained_and_no_false_automation() {
    let talk = Talk::new()
        .answer(0, "return_policy")
        .step(1, DecisionKind::Acknowledge, "thanks");
    let trail = talk.trail(CustomerId::new(), 0);
    assert!(contained(&trail, &[]));
    assert_eq!(false_automation(&trail.steps, &[], &[], THRESHOLD), None);
}

#[test]
fn no_resolve_or_answer_is_not_contained() {
    let talk = Talk::new().step(0, DecisionKind::Clarify, "greeting");
    assert!(!contained(&talk.trail(CustomerId::new(), 0), &[]));
    assert_eq!(false_automation(&talk.steps, &[], &[], THRESHOLD), None);
}

#[test]
fn a_person_or_a_return_within_a_day_breaks_containment() {
    let customer = CustomerId::new();
    let answered = Talk::new().answer(0, "return_policy");
    let mut with_people = answered.trail(customer, 0);
    with_people.with_people = true;
    assert!(!contained(&with_people, &[]));
    // Asked again within the day; the same a day and a half later is a new matter.
    let asked = Talk::new()
        .answer(0, "return_policy")
        .step(3, DecisionKind::Clarify, "return_policy");
    assert!(!contained(&asked.trail(customer, 0), &[]));
    let later = Talk::new()
        .answer(0, "return_policy")
        .step(36, DecisionKind::Clarify, "return_policy");
    assert!(contained(&later.trail(customer, 0), &[]));
    // Reopened, or a new conversation, within the day.
    let mut reopened = answered.trail(customer, 0);
    reopened.reopened = vec![t(5)];
    assert!(!contained(&reopened, &[]));
    assert!(!contained(&answered.trail(customer, 0), &[t(20)]));
    assert!(contained(&answered.trail(customer, 0), &[t(25), t(-3)]));
    // Judged after the last answer: a clarification before it was answered in the end.
    let settled = Talk::new()
        .step(0, DecisionKind::Clarify, "track_order")
        .answer(1, "return_policy");
    assert!(contained(&settled.trail(customer, 0), &[]));
}

#[test]
fn frustration_a_person_asked_for_or_a_reopening_blame_the_answer_before_them() {
    let frustrated = Talk::new()
        .answer(0, "return_policy")
        .step(1, DecisionKind::Resolve, "track_order")
        .frustrated(2, 0.8);
    let found = false_automation(&frustrated.steps, &[], &[], THRESHOLD).unwrap();
    assert_eq!(found.why, Unhappy::Frustration);
    assert_eq!(
        found.intent.as_deref(),
        Some("track_order"),
        "the latest before it"
    );
    assert_eq!(found.message_id, frustrated.steps[1].message_id);
    assert_eq!(found.bot_message_id, frustrated.steps[1].reply_id);
    assert_eq!(found.at, t(2));
    // Below the pack's threshold it is no sign.
    let calm = Talk::new().answer(0, "return_policy").frustrated(2, 0.69);
    assert_eq!(false_automation(&calm.steps, &[], &[], THRESHOLD), None);

    let person = Talk::new()
        .answer(0, "return_policy")
        .handoff(1, HandoffReason::CustomerRequest);
    let found = false_automation(&person.steps, &[], &[], THRESHOLD).unwrap();
    assert_eq!(found.why, Unhappy::AskedForPerson);
    // Another reason for a handoff is not the customer's unhappiness.
    let unsure = Talk::new()
        .answer(0, "return_policy")
        .handoff(1, HandoffReason::LowConfidence);
    assert_eq!(false_automation(&unsure.steps, &[], &[], THRESHOLD), None);

    let answered = Talk::new().answer(0, "return_policy");
    let found = false_automation(&answered.steps, &[t(4)], &[], THRESHOLD).unwrap();
    assert_eq!(found.why, Unhappy::Reopened);
    assert_eq!(
        false_automation(&answered.steps, &[t(30)], &[], THRESHOLD),
        None,
        "after a day"
    );
    // A person asked for before any answer blames nothing.
    let first = Talk::new()
        .handoff(0, HandoffReason::CustomerRequest)
        .answer(1, "return_policy");
    assert_eq!(false_automation(&first.steps, &[], &[], THRESHOLD), None);
}

#[test]
fn the_same_customer_coming_back_unhappy_elsewhere_within_a_day_counts() {
    let answered = Talk::new().answer(0, "return_policy");
    let elsewhere = Talk::new().handoff(6, HandoffReason::CustomerRequest);
    let found = false_automation(&answered.steps, &[], &elsewhere.steps, THRESHOLD).unwrap();
    assert_eq!(found.why, Unhappy::AskedForPerson);
    assert_eq!(found.conversation_id, answered.conversation);
    let too_late = Talk::new().handoff(25, HandoffReason::CustomerRequest);
    assert_eq!(
        false_automation(&answered.steps, &[], &too_late.steps, THRESHOLD),
        None
    );
    // The earliest sign wins.
    let found = false_automation(&answered.steps, &[t(2)], &elsewhere.steps, THRESHOLD).unwrap();
    assert_eq!(found.why, Unhappy::Reopened);
}

#[test]
fn the_report_counts_each_conversation_once_on_the_day_and_intent_of_its_first_answer() {
    let ann = CustomerId::new();
    let bea = CustomerId::new();
    // Ann: answered on day one, asked for a person elsewhere an hour later.
    let ann_first = Talk::new().answer(0, "return_policy").answer(1, "contact_hours");
    let ann_second = Talk::new().handoff(2, HandoffReason::CustomerRequest);
    // Bea: resolved on day two, contained.
    let bea_talk = Talk::new().step(24, DecisionKind::Resolve, "track_order");
    // Outside the window (day four).
    let outside = Talk::new().answer(72, "return_policy");
    let trails = vec![
        ann_first.trail(ann, 0),
        ann_second.trail(ann, 2),
        bea_talk.trail(bea, 24),
        outside.trail(bea, 72),
    ];
    let day = |h: i64| t(h).date_naive();
    let report = report(&trails, day(0), day(48), THRESHOLD);
    assert_eq!(report.overall.conversations, 2);
    assert_eq!(report.overall.contained, 1);
    assert_eq!(report.overall.false_automation, 1);
    assert!((report.overall.containment - 0.5).abs() < 1e-9);
    assert!((report.overall.false_automation_rate - 0.5).abs() < 1e-9);
    let intents: Vec<(&str, i64, i64, i64)> = report
        .intents
        .iter()
        .map(|i| {
            (
                i.intent.as_str(),
                i.figures.conversations,
                i.figures.contained,
                i.figures.false_automation,
            )
        })
        .collect();
    assert_eq!(
        intents,
        vec![("return_policy", 1, 0, 1), ("track_order", 1, 1, 0)]
    );
    let days: Vec<(&str, i64)> = report
        .days
        .iter()
        .map(|d| (d.date.as_str(), d.figures.conversations))
        .collect();
    assert_eq!(
        days,
        vec![("2026-03-02", 1), ("2026-03-03", 1), ("2026-03-04", 0)]
    );
    assert_eq!(report.return_window_hours, 24);
}

#[test]
fn windows_are_one_to_ninety_days_in_order() {
    let today = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
    assert_eq!(
        window(Period::Days(30), today).unwrap(),
        (NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), today)
    );
    assert_eq!(window(Period::Days(1), today).unwrap(), (today, today));
    for bad in [0, 91, u32::MAX] {
        assert!(window(Period::Days(bad), today).is_err(), "{bad}");
    }
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(i64::from(d));
    assert!(window(
        Period::Range {
            from: day(0),
            to: day(89)
        },
        today
    )
    .is_ok());
    assert!(window(
        Period::Range {
            from: day(0),
            to: day(90)
        },
        today
    )
    .is_err());
    assert!(window(
        Period::Range {
            from: day(2),
            to: day(1)
        },
        today
    )
    .is_err());
    assert!(window(
        Period::Range {
            from: NaiveDate::MIN,
            to: NaiveDate::MAX
        },
        today
    )
    .is_err());
}

#[test]
fn steps_find_the_bot_reply_after_each_decided_message() {
    use tandem_core::model::Author;
    let conversation = ConversationId::new();
    let message = |author: Author| Message {
        id: MessageId::new(),
        conversation_id: conversation,
        author,
        author_user_id: None,
        text: "x".into(),
        internal: false,
        sources: Vec::new(),
        choices: Vec::new(),
        choice: None,
        created_at: t(0),
        attachments: Vec::new(),
        edited_at: None,
        deleted_at: None,
    };
    let asked = message(Author::Customer);
    let note = message(Author::System);
    let reply = message(Author::Bot);
    let again = message(Author::Customer);
    let decision = |m: &Message, kind| Decision {
        conversation_id: conversation,
        message_id: m.id,
        kind,
        intent: Some("return_policy".into()),
        confidence: 0.9,
        top_intents: Vec::new(),
        signals: Default::default(),
        reasons: Vec::new(),
        handoff_reason: None,
        slot: None,
        entities: serde_json::json!({}),
        created_at: t(0),
    };
    let messages = vec![asked.clone(), note, reply.clone(), again.clone()];
    let found = steps(
        &[
            decision(&asked, DecisionKind::Answer),
            decision(&again, DecisionKind::Handoff),
        ],
        &messages,
    );
    assert_eq!(found[0].reply_id, Some(reply.id));
    assert_eq!(found[1].reply_id, None);
}
