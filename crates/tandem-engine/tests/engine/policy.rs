//! The pure policy (`bot::policy::decide`) on hand-made triage results: no model, no store.

use std::collections::BTreeMap;

use tandem_core::decision::{Decision, DecisionKind, HandoffReason, IntentScore};
use tandem_core::ids::{ConversationId, MessageId};
use tandem_engine::pack::model::{IntentDef, PolicySettings, Verification};
use tandem_engine::pipeline::policy::{
    decide, failure, failures_in_a_row, identity_tries, Identity, Outcome, Plan, PolicyInput, IDENTITY_SLOT,
};
use tandem_engine::pipeline::triage::Triage;
use tandem_nlu::signals::{Signal, Signals};

use crate::support::{intents_by_name, rule_pack};

/// A message the model put in `intent` with `confidence`, with no signal and no entity.
fn triage(intent: Option<&str>, confidence: f32) -> Triage {
    let top_intents = intent
        .map(|i| {
            vec![IntentScore {
                intent: i.to_owned(),
                score: confidence,
                words: Vec::new(),
            }]
        })
        .unwrap_or_else(|| {
            vec![IntentScore {
                intent: "order_status".to_owned(),
                score: confidence,
                words: Vec::new(),
            }]
        });
    Triage {
        intent: intent.map(str::to_owned),
        confidence,
        out_of_scope: intent.is_none(),
        top_intents,
        signals: Signals::default(),
        entities: Vec::new(),
    }
}

/// The same triage with the entities found in `text` (e.g. the order number `B1001`).
fn with_entities(mut t: Triage, text: &str) -> Triage {
    t.entities = tandem_nlu::entities::extract(text);
    assert!(!t.entities.is_empty(), "no entity in {text:?}");
    t
}

fn signal(score: f32) -> Signal {
    Signal {
        score,
        evidence: Vec::new(),
    }
}

/// An earlier decision of the conversation.
fn earlier(kind: DecisionKind, intent: Option<&str>, slot: Option<&str>) -> Decision {
    Decision {
        conversation_id: ConversationId::new(),
        message_id: MessageId::new(),
        kind,
        intent: intent.map(str::to_owned),
        confidence: 0.9,
        top_intents: Vec::new(),
        signals: Default::default(),
        reasons: vec!["earlier".into()],
        handoff_reason: None,
        slot: slot.map(str::to_owned),
        entities: serde_json::json!({}),
        created_at: chrono::Utc::now(),
    }
}

fn asked_for_order() -> Decision {
    earlier(DecisionKind::Clarify, Some("order_status"), Some("order_id"))
}

fn rephrase() -> Decision {
    earlier(DecisionKind::Clarify, None, None)
}

struct Rules {
    settings: PolicySettings,
    intents: BTreeMap<String, IntentDef>,
    identity: Identity,
}

/// A customer whose identity needs no proof (the pack trusts the typed address).
const TRUSTED: Identity = Identity {
    verification: Verification::Email,
    verified: false,
    challenge: false,
    answer_given: false,
};

impl Rules {
    fn new() -> Self {
        Self::with_identity(TRUSTED)
    }

    fn with_identity(identity: Identity) -> Self {
        Self {
            settings: PolicySettings::default(),
            intents: intents_by_name(&rule_pack(5)),
            identity,
        }
    }

    fn decide(&self, t: &Triage, history: &[Decision]) -> Outcome {
        self.decide_pick(t, history, None)
    }

    /// Decides about a message sent by picking one of the bot's choices.
    fn decide_pick(&self, t: &Triage, history: &[Decision], choice: Option<&str>) -> Outcome {
        let out = decide(&PolicyInput {
            triage: t,
            history,
            settings: &self.settings,
            intents: &self.intents,
            identity: self.identity,
            choice,
            value_only: false,
            calls_off: false,
        });
        assert!(!out.reasons.is_empty(), "a decision without reasons: {out:?}");
        assert!(
            out.reasons.iter().all(|r| !r.trim().is_empty()),
            "an empty reason: {out:?}"
        );
        out
    }
}

fn handoff(reason: HandoffReason, intent: Option<&str>) -> Plan {
    Plan::Handoff {
        reason,
        intent: intent.map(str::to_owned),
    }
}

fn act(intent: &str, slot: &str, value: &str) -> Plan {
    Plan::Act {
        intent: intent.to_owned(),
        slots: BTreeMap::from([(slot.to_owned(), value.to_owned())]),
    }
}

fn clarify(intent: Option<&str>, slot: Option<&str>) -> Plan {
    Plan::Clarify {
        intent: intent.map(str::to_owned),
        slot: slot.map(str::to_owned),
    }
}

fn mentions(out: &Outcome, text: &str) -> bool {
    out.reasons.iter().any(|r| r.contains(text))
}

#[test]
fn a_wish_for_a_person_over_the_threshold_hands_over_as_customer_request() {
    let rules = Rules::new();
    let mut t = with_entities(
        triage(Some("order_status"), 0.95),
        "Is B1001 ready? I want a person",
    );
    t.signals.human_request = signal(0.8);
    let out = rules.decide(&t, &[]);
    assert_eq!(
        out.plan,
        handoff(HandoffReason::CustomerRequest, Some("order_status"))
    );
    assert!(
        mentions(&out, "0.80") && mentions(&out, "0.50"),
        "score and threshold: {:?}",
        out.reasons
    );

    // It works at any point, also while the bot waits for an order number.
    let out = rules.decide(&t, &[asked_for_order()]);
    assert_eq!(
        out.plan,
        handoff(HandoffReason::CustomerRequest, Some("order_status"))
    );

    // Exactly at the threshold counts; below it the bot carries on.
    t.signals.human_request = signal(0.5);
    assert!(matches!(
        rules.decide(&t, &[]).plan,
        Plan::Handoff {
            reason: HandoffReason::CustomerRequest,
            ..
        }
    ));
    t.signals.human_request = signal(0.49);
    assert_eq!(
        rules.decide(&t, &[]).plan,
        act("order_status", "order_id", "B1001")
    );
}

#[test]
fn frustration_over_the_threshold_hands_over() {
    let rules = Rules::new();
    let mut t = triage(Some("opening_hours"), 0.9);
    t.signals.frustration = signal(0.75);
    let out = rules.decide(&t, &[]);
    assert_eq!(
        out.plan,
        handoff(HandoffReason::Frustration, Some("opening_hours"))
    );
    assert!(
        mentions(&out, "frustrated") && mentions(&out, "0.70"),
        "{:?}",
        out.reasons
    );

    t.signals.frustration = signal(0.69);
    assert_eq!(
        rules.decide(&t, &[]).plan,
        Plan::Answer {
            intent: "opening_hours".into()
        }
    );
}

#[test]
fn abuse_hands_over_for_policy() {
    let rules = Rules::new();
    let mut t = triage(Some("opening_hours"), 0.9);
    t.signals.abuse = signal(0.9);
    let out = rules.decide(&t, &[]);
    assert_eq!(out.plan, handoff(HandoffReason::Policy, Some("opening_hours")));
    assert!(
        mentions(&out, "abuse") && mentions(&out, "0.70"),
        "{:?}",
        out.reasons
    );

    t.signals.abuse = signal(0.3);
    assert_eq!(
        rules.decide(&t, &[]).plan,
        Plan::Answer {
            intent: "opening_hours".into()
        }
    );
}

#[test]
fn a_human_intent_hands_over_as_a_sensitive_topic_or_its_own_reason() {
    let mut rules = Rules::new();
    let t = triage(Some("refund_dispute"), 0.9);
    let out = rules.decide(&t, &[]);
    assert_eq!(
        out.plan,
        handoff(HandoffReason::SensitiveTopic, Some("refund_dispute"))
    );
    assert!(mentions(&out, "threshold 0.50"), "{:?}", out.reasons);

    // The pack may name another reason for a human intent.
    rules.intents.get_mut("refund_dispute").unwrap().handoff_reason = Some("policy".into());
    assert_eq!(
        rules.decide(&t, &[]).plan,
        handoff(HandoffReason::Policy, Some("refund_dispute"))
    );

    // Below its threshold a human intent is not trusted either: ask again first.
    let out = rules.decide(&triage(Some("refund_dispute"), 0.2), &[]);
    assert_eq!(out.plan, clarify(None, None));
}

#[test]
fn out_of_scope_asks_again_then_hands_over_after_the_limit() {
    let rules = Rules::new();
    let t = triage(None, 0.1);
    let first = rules.decide(&t, &[]);
    assert_eq!(first.plan, clarify(None, None));
    assert!(mentions(&first, "out of scope"), "{:?}", first.reasons);

    assert_eq!(rules.decide(&t, &[rephrase()]).plan, clarify(None, None));

    let out = rules.decide(&t, &[rephrase(), rephrase()]);
    assert_eq!(out.plan, handoff(HandoffReason::OutOfScope, None));
    assert!(mentions(&out, "limit 2"), "{:?}", out.reasons);

    // Failures count only in a row: an answer in between starts the count again.
    let history = [
        rephrase(),
        earlier(DecisionKind::Answer, Some("opening_hours"), None),
        rephrase(),
    ];
    assert_eq!(rules.decide(&t, &history).plan, clarify(None, None));
}

#[test]
fn low_confidence_uses_the_intents_own_threshold_asks_first_then_hands_over() {
    let mut rules = Rules::new();
    rules.intents.get_mut("opening_hours").unwrap().threshold = Some(0.8);
    // 0.7 is over the pack's min_confidence (0.5) but under the intent's own threshold (0.8).
    let t = triage(Some("opening_hours"), 0.7);
    let out = rules.decide(&t, &[]);
    assert_eq!(out.plan, clarify(None, None));
    assert!(
        mentions(&out, "0.70") && mentions(&out, "threshold 0.80"),
        "{:?}",
        out.reasons
    );

    assert_eq!(rules.decide(&t, &[rephrase()]).plan, clarify(None, None));
    let out = rules.decide(&t, &[rephrase(), rephrase()]);
    assert_eq!(out.plan, handoff(HandoffReason::LowConfidence, None));

    // Over its own threshold it is answered.
    let out = rules.decide(&triage(Some("opening_hours"), 0.85), &[]);
    assert_eq!(
        out.plan,
        Plan::Answer {
            intent: "opening_hours".into()
        }
    );
    assert!(mentions(&out, "threshold 0.80"), "{:?}", out.reasons);

    // Without its own threshold, the pack's min_confidence applies.
    let out = rules.decide(&triage(Some("hello"), 0.45), &[]);
    assert_eq!(out.plan, clarify(None, None));
    assert!(mentions(&out, "threshold 0.50"), "{:?}", out.reasons);
}

#[test]
fn an_intent_the_pack_does_not_know_is_not_acted_on() {
    let rules = Rules::new();
    let out = rules.decide(&triage(Some("teleport_cake"), 0.99), &[]);
    assert_eq!(out.plan, clarify(None, None));
    assert!(mentions(&out, "teleport_cake"), "{:?}", out.reasons);
}

#[test]
fn a_missing_value_is_asked_for_and_after_two_tries_a_person_takes_over() {
    let rules = Rules::new();
    let t = triage(Some("order_status"), 0.9);
    let first = rules.decide(&t, &[]);
    assert_eq!(first.plan, clarify(Some("order_status"), Some("order_id")));
    assert!(mentions(&first, "order_id"), "{:?}", first.reasons);

    // Asked once: the customer still gives no number (same intent, or nothing recognisable).
    let second = rules.decide(&t, &[asked_for_order()]);
    assert_eq!(second.plan, clarify(Some("order_status"), Some("order_id")));
    let second = rules.decide(&triage(None, 0.1), &[asked_for_order()]);
    assert_eq!(second.plan, clarify(Some("order_status"), Some("order_id")));

    // Asked twice: a person takes over.
    let third = rules.decide(&triage(None, 0.1), &[asked_for_order(), asked_for_order()]);
    assert_eq!(
        third.plan,
        handoff(HandoffReason::RepeatedFailure, Some("order_status"))
    );
    assert!(mentions(&third, "2 failed tries"), "{:?}", third.reasons);
}

#[test]
fn a_value_given_alone_continues_the_pending_intent() {
    let rules = Rules::new();
    // "B1001" on its own: no intent, but the value the bot asked for.
    let t = with_entities(triage(None, 0.05), "B1001");
    let out = rules.decide(&t, &[asked_for_order()]);
    assert_eq!(out.plan, act("order_status", "order_id", "B1001"));
    assert!(mentions(&out, "order_status"), "{:?}", out.reasons);

    // Without the pending question the same message is out of scope.
    assert_eq!(rules.decide(&t, &[]).plan, clarify(None, None));
    // A pending question answered earlier (the last decision resolved it) is not pending any more.
    let resolved = earlier(DecisionKind::Resolve, Some("order_status"), None);
    assert_eq!(
        rules.decide(&t, &[asked_for_order(), resolved]).plan,
        clarify(None, None)
    );

    // A weak guess at another intent does not derail the pending one.
    let weak = with_entities(triage(Some("opening_hours"), 0.3), "B1001");
    assert_eq!(
        rules.decide(&weak, &[asked_for_order()]).plan,
        act("order_status", "order_id", "B1001")
    );
}

#[test]
fn a_confident_other_intent_while_a_value_is_pending_is_followed() {
    let rules = Rules::new();
    let t = triage(Some("opening_hours"), 0.9);
    let out = rules.decide(&t, &[asked_for_order()]);
    assert_eq!(
        out.plan,
        Plan::Answer {
            intent: "opening_hours".into()
        }
    );

    // Even with an order number in it, a confident other intent wins.
    let t = with_entities(triage(Some("refund_dispute"), 0.9), "I paid twice for B1001");
    let out = rules.decide(&t, &[asked_for_order()]);
    assert_eq!(
        out.plan,
        handoff(HandoffReason::SensitiveTopic, Some("refund_dispute"))
    );
}

#[test]
fn automated_with_its_value_acts_faq_answers_acknowledge_acknowledges() {
    let rules = Rules::new();
    let t = with_entities(triage(Some("order_status"), 0.9), "is b1001 ready?");
    let out = rules.decide(&t, &[]);
    assert_eq!(out.plan, act("order_status", "order_id", "B1001"));
    assert!(
        mentions(&out, "order_lookup"),
        "the connector to run: {:?}",
        out.reasons
    );
    assert!(mentions(&out, "0.90 >= threshold 0.50"), "{:?}", out.reasons);

    let out = rules.decide(&triage(Some("opening_hours"), 0.9), &[]);
    assert_eq!(
        out.plan,
        Plan::Answer {
            intent: "opening_hours".into()
        }
    );
    assert!(mentions(&out, "knowledge base"), "{:?}", out.reasons);

    let out = rules.decide(&triage(Some("hello"), 0.9), &[]);
    assert_eq!(
        out.plan,
        Plan::Acknowledge {
            intent: "hello".into()
        }
    );
    assert!(mentions(&out, "threshold 0.50"), "{:?}", out.reasons);
}

#[test]
fn failures_are_counted_in_a_row_and_failure_keeps_its_reason() {
    let history = [
        rephrase(),
        earlier(DecisionKind::Resolve, Some("order_status"), None),
        rephrase(),
        asked_for_order(),
    ];
    assert_eq!(failures_in_a_row(&history), 2);
    assert_eq!(failures_in_a_row(&history[..2]), 0);
    assert_eq!(failures_in_a_row(&[]), 0);

    let settings = PolicySettings {
        max_failed_tries: 3,
        ..PolicySettings::default()
    };
    let ask = failure(
        HandoffReason::ActionFailed,
        Some("x".into()),
        Some("y".into()),
        2,
        &settings,
        vec!["r".into()],
    );
    assert_eq!(ask.plan, clarify(Some("x"), Some("y")));
    assert!(
        ask.reasons.len() == 2 && ask.reasons[1].contains("2 of 3"),
        "{:?}",
        ask.reasons
    );
    let give_up = failure(
        HandoffReason::ActionFailed,
        Some("x".into()),
        None,
        3,
        &settings,
        Vec::new(),
    );
    assert_eq!(give_up.plan, handoff(HandoffReason::ActionFailed, Some("x")));
    assert!(
        give_up.reasons.iter().any(|r| r.contains("limit 3")),
        "{:?}",
        give_up.reasons
    );
}

fn verify(intent: &str, slot: &str, value: &str) -> Plan {
    Plan::Verify {
        intent: intent.to_owned(),
        slots: BTreeMap::from([(slot.to_owned(), value.to_owned())]),
    }
}

fn asked_identity(slots: serde_json::Value) -> Decision {
    let mut d = earlier(DecisionKind::Clarify, Some("order_status"), Some(IDENTITY_SLOT));
    d.entities = serde_json::json!({ "found": [], "slots": slots });
    d
}

#[test]
fn account_data_needs_a_verified_identity_unless_the_pack_trusts_the_typed_address() {
    let t = with_entities(triage(Some("order_status"), 0.9), "is b1001 ready?");
    let challenge = |verified, challenge| Identity {
        verification: Verification::Challenge,
        verified,
        challenge,
        answer_given: false,
    };
    // Not verified, a question to answer: ask it, keeping the values to run with.
    let out = Rules::with_identity(challenge(false, true)).decide(&t, &[]);
    assert_eq!(out.plan, verify("order_status", "order_id", "B1001"));
    assert!(mentions(&out, "identity"), "{:?}", out.reasons);
    // Verified (signed, or answered earlier): act.
    let out = Rules::with_identity(challenge(true, true)).decide(&t, &[]);
    assert_eq!(out.plan, act("order_status", "order_id", "B1001"));
    // No question to answer (none in the pack, or the address used up its tries): a person.
    let out = Rules::with_identity(challenge(false, false)).decide(&t, &[]);
    assert_eq!(out.plan, handoff(HandoffReason::Policy, Some("order_status")));
    // Signed only: the question is never asked.
    let signed = Identity {
        verification: Verification::Signed,
        verified: false,
        challenge: true,
        answer_given: false,
    };
    let out = Rules::with_identity(signed).decide(&t, &[]);
    assert_eq!(out.plan, handoff(HandoffReason::Policy, Some("order_status")));
    assert!(mentions(&out, "signed"), "{:?}", out.reasons);
    let out = Rules::with_identity(Identity {
        verified: true,
        ..signed
    })
    .decide(&t, &[]);
    assert_eq!(out.plan, act("order_status", "order_id", "B1001"));
    // Answers and FAQs never need an identity.
    let out = Rules::with_identity(challenge(false, false)).decide(&triage(Some("opening_hours"), 0.9), &[]);
    assert_eq!(
        out.plan,
        Plan::Answer {
            intent: "opening_hours".into()
        }
    );
}

#[test]
fn the_answer_to_the_identity_question_is_checked_with_the_values_kept() {
    let identity = Identity {
        verification: Verification::Challenge,
        verified: false,
        challenge: true,
        answer_given: false,
    };
    let rules = Rules::with_identity(identity);
    let asked = asked_identity(serde_json::json!({ "order_id": "B1001" }));
    // "0148" is out of scope for the model: it is the answer.
    let out = rules.decide(&triage(None, 0.2), std::slice::from_ref(&asked));
    assert_eq!(
        out.plan,
        Plan::CheckIdentity {
            intent: "order_status".into(),
            slots: BTreeMap::from([("order_id".to_owned(), "B1001".to_owned())]),
        }
    );
    // A confident other question is followed instead...
    let out = rules.decide(&triage(Some("opening_hours"), 0.9), std::slice::from_ref(&asked));
    assert_eq!(
        out.plan,
        Plan::Answer {
            intent: "opening_hours".into()
        }
    );
    // ...unless the message holds something shaped like the answer ("1111" read as an intent).
    let answered = Rules::with_identity(Identity {
        answer_given: true,
        ..identity
    });
    let out = answered.decide(&triage(Some("opening_hours"), 0.9), std::slice::from_ref(&asked));
    assert!(matches!(out.plan, Plan::CheckIdentity { .. }), "{out:?}");
    // Asking for a person always works.
    let mut t = triage(None, 0.2);
    t.signals.human_request = signal(0.9);
    let out = rules.decide(&t, std::slice::from_ref(&asked));
    assert_eq!(out.plan, handoff(HandoffReason::CustomerRequest, None));
    // The question counts its own tries, not the other clarifications before it.
    assert_eq!(identity_tries(&[asked_for_order(), asked.clone()]), 1);
    assert_eq!(identity_tries(&[asked.clone(), asked.clone()]), 2);
    assert_eq!(identity_tries(&[asked, asked_for_order()]), 0);
}

#[test]
fn an_intent_not_clearly_ahead_of_the_second_is_asked_about() {
    let rules = Rules::new();
    let mut t = triage(Some("opening_hours"), 0.55);
    t.top_intents.push(IntentScore {
        intent: "order_status".into(),
        score: 0.40,
        words: Vec::new(),
    });
    let out = rules.decide(&t, &[]);
    assert_eq!(out.plan, clarify(None, None));
    assert!(
        mentions(&out, "not clearly ahead of `order_status`"),
        "{:?}",
        out.reasons
    );
    // Clearly ahead (and the second unlikely): acted on.
    t.confidence = 0.9;
    t.top_intents[0].score = 0.9;
    t.top_intents[1].score = 0.05;
    assert!(matches!(rules.decide(&t, &[]).plan, Plan::Answer { .. }));
    // A click on one of the choices is sure, however close the model was.
    t.top_intents[1].score = 0.5;
    assert!(matches!(
        rules.decide_pick(&t, &[], Some("opening_hours")).plan,
        Plan::Answer { .. }
    ));
}

/// A second intent that is likely enough is a real alternative, however far the best one leads:
/// the bot asks with both as choices. A greeting around the request is not an alternative, and a
/// case for people goes to a person anyway.
#[test]
fn a_likely_runner_up_is_asked_about_even_behind_the_margin() {
    let rules = Rules::new();
    let with_second = |best: &str, second: &str, score: f32| {
        let mut t = triage(Some(best), 0.9);
        t.top_intents.push(IntentScore {
            intent: second.into(),
            score,
            words: Vec::new(),
        });
        t
    };
    let out = rules.decide(&with_second("opening_hours", "order_status", 0.09), &[]);
    assert_eq!(out.plan, clarify(None, None));
    assert!(
        mentions(
            &out,
            "`order_status` at 0.09 is a real alternative to `opening_hours`"
        ),
        "{:?}",
        out.reasons
    );
    // An action is asked about the same way.
    let t = with_entities(with_second("order_status", "opening_hours", 0.09), "B1001");
    assert_eq!(rules.decide(&t, &[]).plan, clarify(None, None));
    // Unlikely: acted on.
    let out = rules.decide(&with_second("opening_hours", "order_status", 0.05), &[]);
    assert!(matches!(out.plan, Plan::Answer { .. }), "{out:?}");
    // A greeting around the request ("hiya, where's B1001") is not an alternative.
    let out = rules.decide(&with_second("opening_hours", "hello", 0.09), &[]);
    assert!(matches!(out.plan, Plan::Answer { .. }), "{out:?}");
    // A case for people goes to a person whatever the runner-up.
    let out = rules.decide(&with_second("refund_dispute", "order_status", 0.09), &[]);
    assert!(matches!(out.plan, Plan::Handoff { .. }), "{out:?}");
    // A click on a choice is sure; and the pack may turn the rule off.
    let out = rules.decide_pick(
        &with_second("opening_hours", "order_status", 0.09),
        &[],
        Some("opening_hours"),
    );
    assert!(matches!(out.plan, Plan::Answer { .. }), "{out:?}");
    let mut off = Rules::new();
    off.settings.min_runner_up = 0.0;
    let out = off.decide(&with_second("opening_hours", "order_status", 0.09), &[]);
    assert!(matches!(out.plan, Plan::Answer { .. }), "{out:?}");
}
