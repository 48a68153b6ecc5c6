//! The identity question (finding M5 of the hardening issue): without a signed identity, account
//! data needs the answer to the pack's question, with few tries per conversation and per address.

use tandem_core::decision::{DecisionKind, HandoffReason};
use tandem_core::model::ConversationStatus;
use tandem_engine::pack::model::Verification;
use tandem_engine::pipeline::policy::IDENTITY_SLOT;

use crate::support::{demo_engine, demo_pack, swap_pack_keeping_model, Customer, TestEngine};

const MARIA: (&str, &str) = ("Maria Rossi", "maria.rossi@example.com");
/// Maria's phone number in packs/demo/business/seed.sql ends in 0148.
const MARIAS_DIGITS: &str = "0148";

async fn demo_with(verification: Verification) -> TestEngine {
    let t = demo_engine().await;
    let mut pack = demo_pack();
    pack.manifest.identity.verification = Some(verification);
    swap_pack_keeping_model(&t, &pack).await;
    t
}

fn prompt() -> String {
    demo_pack().manifest.identity.challenge.unwrap().prompt
}

#[tokio::test]
async fn the_owner_answers_the_question_and_then_gets_account_data() {
    let t = demo_with(Verification::Challenge).await;
    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;
    let asked = maria.ask("Where is my order A1001?").await;
    assert!(asked.contains(&prompt()), "the bot says what is needed: {asked}");
    assert!(
        !asked.contains("shipped"),
        "nothing of the order before the answer: {asked}"
    );
    let d = maria.last_decision().await;
    assert_eq!(
        (d.kind, d.slot.as_deref()),
        (DecisionKind::Clarify, Some(IDENTITY_SLOT))
    );

    let wrong = maria.ask("1234").await;
    assert!(
        wrong.contains("doesn't match") && !wrong.contains("shipped"),
        "{wrong}"
    );
    assert!(!maria.conversation().await.customer_verified);

    let answer = maria.ask(&format!("it's {MARIAS_DIGITS}")).await;
    assert!(
        answer.contains("A1001") && answer.contains("shipped"),
        "the pending question runs: {answer}"
    );
    let d = maria.last_decision().await;
    assert_eq!(
        (d.kind, d.intent.as_deref()),
        (DecisionKind::Resolve, Some("track_order"))
    );
    assert!(
        d.reasons.iter().any(|r| r.contains("identity verified")),
        "{:?}",
        d.reasons
    );
    assert!(
        maria.conversation().await.customer_verified,
        "verified for the rest of the conversation"
    );

    let invoice = maria
        .ask("Could you send me the invoice for order A1001 again please?")
        .await;
    assert!(
        !invoice.contains(&prompt()),
        "asked once per conversation: {invoice}"
    );
    assert_eq!(maria.last_decision().await.kind, DecisionKind::Resolve);
}

#[tokio::test]
async fn someone_typing_another_customers_address_gets_nothing_and_a_person() {
    let t = demo_with(Verification::Challenge).await;
    let eve = Customer::start(&t, "Eve", MARIA.1).await;
    eve.ask("How much store credit do I have?").await;
    for guess in ["1111", "2222"] {
        let said = eve.ask(guess).await;
        assert!(!said.contains("25.00"), "{said}");
    }
    let c = eve.conversation().await;
    assert!(matches!(
        c.status,
        ConversationStatus::Queued | ConversationStatus::Assigned
    ));
    assert_eq!(c.handoff_reason, Some(HandoffReason::Policy));
    assert!(!c.customer_verified);

    // A list of guesses is one wrong answer, and an unknown address is a wrong answer too.
    let nobody = Customer::start(&t, "Nobody", "nobody@example.net").await;
    nobody.ask("Where is my order A1001?").await;
    let said = nobody.ask("0000 0148 1111").await;
    assert!(said.contains("doesn't match"), "{said}");
}

#[tokio::test]
async fn an_address_has_five_tries_a_day_over_all_its_conversations() {
    let t = demo_with(Verification::Challenge).await;
    // Two wrong answers in each of two conversations, one in a third: five.
    for guesses in [&["1111", "2222"][..], &["3333", "4444"], &["5555"]] {
        let eve = Customer::start(&t, "Eve", MARIA.1).await;
        eve.ask("Where is my order A1001?").await;
        for guess in guesses {
            eve.ask(guess).await;
        }
    }
    // The owner now needs a person too: the right answer is not even asked for.
    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;
    let said = maria.ask("Where is my order A1001?").await;
    assert!(!said.contains(&prompt()) && !said.contains("shipped"), "{said}");
    assert_eq!(
        maria.conversation().await.handoff_reason,
        Some(HandoffReason::Policy)
    );
}

#[tokio::test]
async fn signed_only_never_asks_and_trusting_the_address_never_asks() {
    let t = demo_with(Verification::Signed).await;
    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;
    let said = maria.ask("Where is my order A1001?").await;
    assert!(!said.contains(&prompt()) && !said.contains("shipped"), "{said}");
    assert_eq!(
        maria.conversation().await.handoff_reason,
        Some(HandoffReason::Policy)
    );

    let t = demo_engine().await;
    assert_eq!(
        demo_pack().manifest.verification(),
        Verification::Email,
        "the demo trusts the address"
    );
    let maria = Customer::start(&t, MARIA.0, MARIA.1).await;
    assert!(maria.ask("Where is my order A1001?").await.contains("shipped"));
}

#[test]
fn a_pack_without_a_setting_asks_and_an_old_pack_keeps_its_meaning() {
    let mut pack = demo_pack();
    pack.manifest.identity.verification = None;
    assert_eq!(
        pack.manifest.verification(),
        Verification::Challenge,
        "the safe default"
    );
    pack.manifest.policy.require_signed_identity = Some(true);
    assert_eq!(pack.manifest.verification(), Verification::Signed);
    pack.manifest.policy.require_signed_identity = Some(false);
    assert_eq!(pack.manifest.verification(), Verification::Email);
    let old: tandem_engine::pack::model::PolicySettings =
        toml::from_str("require_signed_identity = true").unwrap();
    assert_eq!(old.require_signed_identity, Some(true));
}

#[test]
fn the_question_is_checked_when_the_pack_is() {
    let mut pack = demo_pack();
    assert!(tandem_engine::pack::validate(&pack).is_empty());
    let challenge = pack.manifest.identity.challenge.as_mut().unwrap();
    challenge.connector = "order_status".into();
    challenge.prompt = " ".into();
    pack.intents[0].slots.push(tandem_engine::pack::model::SlotDef {
        name: IDENTITY_SLOT.into(),
        entity: "order_number".into(),
        prompt: "?".into(),
        owned: false,
    });
    let problems: Vec<String> = tandem_engine::pack::validate(&pack)
        .into_iter()
        .map(|p| p.message)
        .collect();
    for expected in [
        "may only take customer.email",
        "prompt must say",
        "may not be called `identity`",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{expected}: {problems:?}"
        );
    }
    pack.manifest.identity.challenge.as_mut().unwrap().connector = "missing".into();
    let problems = tandem_engine::pack::validate(&pack);
    assert!(
        problems.iter().any(|p| p.message.contains("does not exist")),
        "{problems:?}"
    );
}
