//! The engine's triage of one customer message (intent, signals, entities, and the record kept
//! with a decision), and the ingest room every message passes first (checks, payment masking,
//! redacted preview), with a small intent model trained once on the examples below.
//!
//! Input: the message, then the conversation before it, each part after a NUL byte; the parts
//! alternate between a bot turn and an earlier customer message (oldest first). The last byte
//! also sets the pack's threshold for a request for a person (0 to 1).
//!
//! Besides "never panics", documented invariants are checked:
//! - triage: confidence and intent scores are probabilities; the intent is one the model knows.
//! - ingest (`ingest` module docs): "a full card number or IBAN is never stored", read as: the
//!   personal-data detector finds no card number or IBAN in the text that would be stored.
//! - `privacy::evidence` (each evidence text of the record): at most `MAX_EVIDENCE_CHARS`
//!   characters.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tandem_engine::pipeline::triage::triage;
use tandem_engine::{ingest, privacy};
use tandem_nlu::intent::{Example, IntentModel, TrainOptions};
use tandem_nlu::pii::{self, PiiKind};
use tandem_nlu::signals::Context;

/// A few intents of the demo shop, ten examples each (a pack needs ten), written for this target.
const EXAMPLES: &[(&str, [&str; 10])] = &[
    (
        "track_order",
        [
            "Where is my order A1043?",
            "has my order shipped yet",
            "When will my package arrive?",
            "tracking number for order A1099 please",
            "my parcel hasn't arrived, where is it",
            "status of order #A1408",
            "is my order on its way",
            "when is order A1122 going to be delivered",
            "did my order go out yet? it's A1478",
            "any news on my order?",
        ],
    ),
    (
        "resend_invoice",
        [
            "can you send me the invoice for A1043 again",
            "I need a copy of my invoice",
            "please resend invoice INV-2024-0042",
            "where can I download my receipt",
            "lost the invoice for my last order",
            "I never got an invoice",
            "invoice for order A1520 please",
            "send the bill to my email again",
            "need a VAT invoice for my company",
            "can I get a receipt for order A1187",
        ],
    ),
    (
        "return_policy",
        [
            "how do I return a jacket",
            "what is your return policy",
            "can I send back shoes that don't fit",
            "how long do I have to return something",
            "do you refund return shipping",
            "I want to return my order",
            "are returns free",
            "can I return a sale item",
            "how do refunds work",
            "return label please",
        ],
    ),
    (
        "greeting",
        [
            "hi",
            "hello there",
            "good morning",
            "hey",
            "hi, anyone there?",
            "hello!",
            "good afternoon",
            "hey there :)",
            "hiya",
            "greetings",
        ],
    ),
];

/// The model, trained on first use as the engine trains a pack's model (default options).
fn model() -> &'static IntentModel {
    static MODEL: OnceLock<IntentModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let examples: Vec<Example> = EXAMPLES
            .iter()
            .flat_map(|(label, texts)| texts.iter().map(move |t| Example::new(*t, *label)))
            .collect();
        match tandem_nlu::intent::train(&examples, &TrainOptions::default(), None, &mut |_| {}) {
            Ok(model) => model,
            Err(e) => panic!("the fuzz target's own examples do not train: {e}"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let model = model();
    let input = tandem_fuzz::text(data);
    let mut turns = input.split(tandem_fuzz::SEP);
    let message = turns.next().unwrap_or_default();
    let mut context = Context::new();
    for (i, turn) in turns.enumerate() {
        context = if i % 2 == 0 {
            context.with_bot_turn(turn)
        } else {
            context.with_earlier_message(turn)
        };
    }
    let person_threshold = f32::from(data.last().copied().unwrap_or(128)) / 255.0;

    let t = triage(model, message, &context, person_threshold);
    let probability = |p: f32| (0.0..=1.0).contains(&p);
    assert!(probability(t.confidence), "confidence {}", t.confidence);
    for s in &t.top_intents {
        assert!(probability(s.score), "score {s:?}");
        assert!(model.labels().contains(&s.intent), "unknown intent {s:?}");
    }
    if let Some(intent) = &t.intent {
        assert!(model.labels().contains(intent), "unknown intent {intent}");
    }
    let record = t.record();
    for signal in [
        &record.signals.frustration,
        &record.signals.human_request,
        &record.signals.urgency,
        &record.signals.abuse,
    ] {
        for e in &signal.evidence {
            let chars = e.text.chars().count();
            assert!(chars <= privacy::MAX_EVIDENCE_CHARS, "evidence of {chars} chars");
        }
    }

    if let Ok(ingested) = ingest::message(message) {
        let Ok(left) = pii::detect(&ingested.text) else {
            panic!("the personal-data detector does not build");
        };
        let payment: Vec<_> = left
            .iter()
            .filter(|f| matches!(f.kind, PiiKind::Card | PiiKind::Iban))
            .collect();
        assert!(
            payment.is_empty(),
            "payment data left after ingest: {payment:?} in {:?}",
            ingested.text
        );
    }
});
