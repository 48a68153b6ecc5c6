//! The text pipeline of tandem-nlu on arbitrary text: normalisation, entities, signals and
//! personal data (detect, explain, redact, mask payment data).
//!
//! Input: the customer's message, then the conversation before it, each part after a NUL byte;
//! the parts alternate between a bot turn and an earlier customer message (oldest first).
//!
//! Besides "never panics", only invariants the modules document are checked:
//! - `text::normalize`: no leading, trailing or repeated spaces; `normalize_into` with a character
//!   limit equals `normalize` of that many characters (the ASCII fast path gives the same result).
//! - `entities::extract`: spans on char boundaries, in order of position.
//! - `signals::analyze`: scores in `[0, 1]`, at most `MAX_EVIDENCE` items per signal, evidence
//!   spans on char boundaries of the text they point into.
//! - `pii`: findings sorted, never overlapping, on char boundaries, `text == original[start..end]`;
//!   redaction replaces each finding by its tag and nothing else; payment masking replaces each
//!   card or IBAN (the same findings) by its mask and nothing else.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tandem_fuzz::{is_span, text};
use tandem_nlu::pii::{self, Finding, PiiKind};
use tandem_nlu::signals::{self, Context, Signal, Source};
use tandem_nlu::{entities, text as nlu_text};

fuzz_target!(|data: &[u8]| {
    let input = text(data);
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

    check_normalize(message, data.first().copied().unwrap_or(0));
    check_entities(message);
    check_signals(message, &context);
    check_pii(message);
});

fn check_normalize(message: &str, limit: u8) {
    let normalized = nlu_text::normalize(message);
    assert!(!normalized.starts_with(' '), "leading space: {normalized:?}");
    assert!(!normalized.ends_with(' '), "trailing space: {normalized:?}");
    assert!(!normalized.contains("  "), "repeated space: {normalized:?}");
    assert!(nlu_text::words(&normalized).all(|w| !w.is_empty() && !w.contains(' ')));

    // `normalize_into` reads at most `max_chars` characters: the same as normalising the prefix.
    let max_chars = usize::from(limit);
    let mut limited = String::new();
    nlu_text::normalize_into(message, max_chars, &mut limited);
    let prefix: String = message.chars().take(max_chars).collect();
    assert_eq!(limited, nlu_text::normalize(&prefix), "max_chars {max_chars}");
}

fn check_entities(message: &str) {
    let found = entities::extract(message);
    for e in &found {
        assert!(is_span(message, e.start, e.end), "entity span {e:?}");
    }
    assert!(
        found.windows(2).all(|w| w[0].start <= w[1].start),
        "entities out of order: {found:?}"
    );
}

fn check_signals(message: &str, context: &Context<'_>) {
    let s = signals::analyze(message, context);
    for (name, signal) in [
        ("frustration", &s.frustration),
        ("human_request", &s.human_request),
        ("urgency", &s.urgency),
        ("abuse", &s.abuse),
    ] {
        check_signal(name, signal, message, context);
    }
}

fn check_signal(name: &str, signal: &Signal, message: &str, context: &Context<'_>) {
    assert!(
        (0.0..=1.0).contains(&signal.score),
        "{name} score {} outside [0, 1]",
        signal.score
    );
    assert!(
        signal.evidence.len() <= signals::MAX_EVIDENCE,
        "{name} has {} evidence items",
        signal.evidence.len()
    );
    for e in &signal.evidence {
        let source = match e.source {
            Source::Message => Some(message),
            Source::BotTurn(i) => context.bot_turns.get(i).copied(),
            Source::EarlierMessage(i) => context.earlier_messages.get(i).copied(),
        };
        let Some(source) = source else {
            panic!("{name} evidence points into a text that does not exist: {e:?}");
        };
        assert!(is_span(source, e.start, e.end), "{name} evidence span {e:?}");
    }
}

fn check_pii(text: &str) {
    let Ok(detector) = pii::detector() else {
        panic!("the built-in personal-data patterns do not compile");
    };
    // Each call below runs the whole detector, so `detect` and `explain` (the same findings,
    // without and with their rule) are left to `redact`, which returns the findings it replaced.
    let redaction = detector.redact(text);
    let findings = &redaction.findings;
    for f in findings {
        assert!(f.start < f.end, "empty finding {f:?}");
        assert_eq!(text.get(f.start..f.end), Some(f.text.as_str()), "finding {f:?}");
    }
    assert!(
        findings.windows(2).all(|w| w[0].end <= w[1].start),
        "findings overlap or are out of order: {findings:?}"
    );

    // Redaction: each finding replaced by its tag, everything else kept.
    let expected = splice(text, findings, |f| f.kind.tag().to_owned());
    assert_eq!(redaction.text, expected, "redaction of {text:?}");

    // Payment masking: each card number and IBAN replaced by its mask, everything else kept.
    let payment: Vec<Finding> = findings
        .iter()
        .filter(|f| matches!(f.kind, PiiKind::Card | PiiKind::Iban))
        .cloned()
        .collect();
    let masked = detector.mask_payment(text);
    let kinds: Vec<PiiKind> = payment.iter().map(|f| f.kind).collect();
    assert_eq!(masked.masked, kinds, "masked kinds of {text:?}");
    let expected = splice(text, &payment, |f| pii::mask(f.kind, &f.text));
    assert_eq!(masked.text, expected, "payment masking of {text:?}");
}

/// `text` with each (sorted, disjoint) finding replaced by `replace(finding)`.
fn splice(text: &str, findings: &[Finding], replace: impl Fn(&Finding) -> String) -> String {
    let mut out = String::new();
    let mut at = 0;
    for f in findings {
        out.push_str(&text[at..f.start]);
        out.push_str(&replace(f));
        at = f.end;
    }
    out.push_str(&text[at..]);
    out
}
