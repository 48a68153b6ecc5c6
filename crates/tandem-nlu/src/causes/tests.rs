#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use super::*;

fn suggest(messages: &[&str]) -> Option<CauseSuggestion> {
    CauseClassifier::lexicon_only().suggest(messages)
}

fn cause_of(message: &str) -> Option<&'static str> {
    suggest(&[message]).map(|s| s.cause)
}

/// Every evidence span is the exact text at its offsets in its message.
fn verbatim(messages: &[&str], s: &CauseSuggestion) {
    assert!(!s.evidence.is_empty(), "{s:?}");
    for e in &s.evidence {
        let msg = messages[e.message];
        assert_eq!(msg.get(e.start..e.end), Some(e.text.as_str()), "{e:?}");
        assert!(!e.why.is_empty());
    }
    assert!((0.0..=1.0).contains(&s.confidence), "{s:?}");
}

#[test]
fn each_cause_is_found_from_its_typical_words() {
    let cases = [
        (
            "The assembly instructions are wrong, step 4 shows the wrong part",
            "documentation",
        ),
        (
            "The product page claims the bag is leather but it is plastic",
            "product_promise",
        ),
        (
            "Your salesperson told me it would fit my car, it does not",
            "sales_advice",
        ),
        (
            "The website crashes with an error when I press pay",
            "technical_defect",
        ),
        (
            "I've been waiting three weeks for my refund and nobody answers",
            "process",
        ),
    ];
    for (text, cause) in cases {
        let s = suggest(&[text]).unwrap_or_else(|| panic!("no suggestion for {text}"));
        assert_eq!(s.cause, cause, "{text}: {s:?}");
        verbatim(&[text], &s);
    }
}

#[test]
fn nothing_to_point_at_gives_no_suggestion() {
    for text in [
        "Do you have this scarf in red?",
        "",
        "   ",
        "Thanks, bye!",
        "🙂🙂",
    ] {
        assert_eq!(cause_of(text), None, "{text}");
    }
}

#[test]
fn a_negated_crash_is_not_a_defect() {
    assert_eq!(
        cause_of("The app crashes on the payment page"),
        Some("technical_defect")
    );
    assert_eq!(
        cause_of("The app did not crash, I just want to know the price"),
        None
    );
}

#[test]
fn evidence_offsets_are_bytes_on_char_boundaries() {
    let messages = [
        "Ça va? «Résumé»: l'app crashes — erreur ✓",
        "The manual is wrong and confusing",
    ];
    let s = suggest(&messages).unwrap();
    verbatim(&messages, &s);
}

#[test]
fn evidence_spans_several_messages() {
    let messages = ["Hello", "Still no refund after 5 weeks", "I'd like a person"];
    let s = suggest(&messages).unwrap();
    assert_eq!(s.cause, "process");
    assert!(s.evidence.iter().all(|e| e.message == 1), "{s:?}");
    verbatim(&messages, &s);
}

#[test]
fn confirmations_teach_a_new_phrasing() {
    // "sizing wizard" is no cue of any cause: the lexicon alone says nothing.
    let text = "The sizing wizard put me in a medium and it is huge";
    assert_eq!(cause_of(text), None);
    let confirmed = [
        (
            "Your sizing wizard picked a large for me, way too big",
            "documentation",
        ),
        ("sizing wizard recommendation was two sizes off", "documentation"),
        ("I'd like to return these shoes", "other"),
        ("unknown cause is ignored", "bad_luck"),
    ];
    let classifier = CauseClassifier::new(&confirmed);
    assert_eq!(classifier.confirmations(), 3);
    let s = classifier.suggest(&[text]).unwrap();
    assert_eq!(s.cause, "documentation", "{s:?}");
    assert!(
        s.evidence
            .iter()
            .any(|e| e.text.to_lowercase().contains("sizing wizard")),
        "{s:?}"
    );
    verbatim(&[text], &s);
}

#[test]
fn confirmations_can_move_a_suggestion_to_another_cause() {
    let text = "The delivery tracker page says my parcel is in Narnia";
    let before = CauseClassifier::lexicon_only().suggest(&[text]).map(|s| s.cause);
    let confirmed: Vec<(&str, &str)> = vec![
        ("the delivery tracker says my parcel is somewhere odd", "process"),
        ("delivery tracker shows parcel in a strange place", "process"),
        ("delivery tracker says parcel is abroad", "process"),
    ];
    let after = CauseClassifier::new(&confirmed).suggest(&[text]).unwrap();
    assert_eq!(after.cause, "process", "before: {before:?}, after: {after:?}");
}

#[test]
fn deterministic_and_every_cause_name_is_known() {
    let text = "The care label says 40 degrees and it shrank; the page promised it would not";
    let a = suggest(&[text]);
    assert_eq!(a, suggest(&[text]));
    for c in CAUSES {
        assert_eq!(cause_index(c).map(|i| CAUSES[i]), Some(c));
    }
    assert_eq!(cause_index("nope"), None);
    let scores = CauseClassifier::lexicon_only().scores(&[text]);
    assert!(scores.iter().all(|s| (0.0..=1.0).contains(s)));
}

#[test]
fn long_and_odd_inputs_do_not_panic() {
    let long = "error ".repeat(50_000);
    let s = suggest(&[&long]).unwrap();
    verbatim(&[&long], &s);
    let none: [&str; 0] = [];
    assert_eq!(suggest(&none), None);
    let classifier = CauseClassifier::new(&[("", "process"), ("!!!", "documentation")]);
    assert_eq!(classifier.suggest(&["", "?"]), None);
}
