//! Signal detectors, ranking metrics, and the measurement on the USS turns when they are present.

use std::path::PathBuf;

use proptest::prelude::*;
use tandem_nlu::metrics::ranking;
use tandem_nlu::signals::{self, Context, SignalDetector, Signals, Source};

fn detector() -> &'static SignalDetector {
    signals::detector()
}

fn alone(text: &str) -> Signals {
    detector().analyze(text, &Context::new())
}

fn after_bot(bot: &str, text: &str) -> Signals {
    detector().analyze(text, &Context::new().with_bot_turn(bot))
}

fn cues(signal: &signals::Signal) -> Vec<&str> {
    signal.evidence.iter().map(|e| e.cue.as_ref()).collect()
}

#[test]
fn asking_for_a_person_in_common_phrasings() {
    for text in [
        "A person, please.",
        "I want to talk to a human",
        "Can I speak with a real person?",
        "let me talk to an agent",
        "Please connect me to a customer service representative",
        "transfer me to a live agent now",
        "get me a human!!",
        "agent",
        "Human please",
        "representative",
        "I need to speak to someone",
        "Can't you just put me through to a person?",
        "no, I want a human",
    ] {
        let s = alone(text);
        assert!(s.human_request.is_present(), "{text:?} -> {:?}", s.human_request);
        assert!(!s.human_request.evidence.is_empty());
    }
}

#[test]
fn negated_requests_for_a_person_do_not_fire() {
    for text in [
        "I don't need a human",
        "I do not want to talk to an agent, just tell me the status",
        "no need to speak with a person",
        "you don't have to transfer me to an agent",
        "I never asked for a human",
        "Where is my order?",
        "The agent I spoke to yesterday was nice",
    ] {
        let s = alone(text);
        assert!(!s.human_request.is_present(), "{text:?} -> {:?}", s.human_request);
    }
}

#[test]
fn accepting_the_bots_offer_of_a_person_counts() {
    let s = after_bot("Would you like me to connect you to an agent?", "yes please");
    assert!(s.human_request.is_present(), "{:?}", s.human_request);
    let s = after_bot(
        "Would you like me to connect you to an agent?",
        "no thanks, I found it",
    );
    assert!(!s.human_request.is_present());
}

#[test]
fn evidence_spans_point_into_the_right_text() {
    let bot = "Sorry, I didn't understand that.";
    let text = "This is USELESS, I already told you my order number!!";
    let ctx = Context::new().with_bot_turn(bot);
    let s = detector().analyze(text, &ctx);
    assert!(s.frustration.score > 0.8, "{:?}", s.frustration);
    for e in &s.frustration.evidence {
        let source = match e.source {
            Source::Message => text,
            Source::BotTurn(i) => ctx.bot_turns[i],
            Source::EarlierMessage(i) => ctx.earlier_messages[i],
        };
        assert_eq!(&source[e.start..e.end], e.text, "{e:?}");
    }
    let c = cues(&s.frustration);
    // The bot's failure is read only to weigh the customer's reaction to it; the evidence quotes
    // the customer.
    assert!(c.contains(&"reaction_to_failure"), "{c:?}");
    assert!(c.contains(&"judgement_word"), "{c:?}");
    assert!(c.contains(&"restated_request"), "{c:?}");
    assert!(
        s.frustration.evidence.iter().all(|e| e.source == Source::Message),
        "{:?}",
        s.frustration.evidence
    );
}

#[test]
fn frustration_orders_plausible_messages() {
    let calm = alone("Thanks, that's perfect!").frustration.score;
    let neutral = alone("What time do you open on Saturday?").frustration.score;
    let annoyed = alone("That's not what I asked.").frustration.score;
    let angry = alone("This is ridiculous, you keep giving me the same useless answer!!")
        .frustration
        .score;
    assert!(calm <= neutral, "{calm} {neutral}");
    assert!(neutral < annoyed, "{neutral} {annoyed}");
    assert!(annoyed < angry, "{annoyed} {angry}");
    assert!((0.0..=1.0).contains(&angry));
    // Negation: "not bad" is not a complaint.
    assert!(alone("not bad at all").frustration.score < alone("bad").frustration.score);
}

#[test]
fn the_previous_bot_turn_matters() {
    let text = "No, I want it on the 10th.";
    let plain = after_bot("What date would you like?", text).frustration.score;
    let confirm = after_bot("Please confirm: a table for 2 on March 8th?", text)
        .frustration
        .score;
    assert!(confirm > plain, "{confirm} {plain}");
    // A reaction to a failure weighs more than the same words after a success ...
    let failed = after_bot(
        "Sorry, I couldn't find any flights.",
        "But I need a flight today.",
    )
    .frustration
    .score;
    let found = after_bot("I found 3 flights for you.", "But I need a flight today.")
        .frustration
        .score;
    assert!(failed > found, "{failed} {found}");
    // ... but the bot's failure alone is no frustration: a calm new question after it scores as
    // after a success.
    for text in ["ok", "What about trains?", "Do you have flights on Friday?"] {
        let failed = after_bot("Sorry, I couldn't find any flights.", text);
        let found = after_bot("I found 3 flights for you.", text);
        assert_eq!(failed.frustration.score, found.frustration.score, "{text:?}");
        assert!(failed
            .frustration
            .evidence
            .iter()
            .all(|e| e.source == Source::Message));
    }
    // "No" to "anything else?" means "done", not "you got it wrong".
    let done = after_bot("Is there anything else I can help with?", "No, that's all")
        .frustration
        .score;
    let wrong = after_bot("You'd like 3 tickets, is that right?", "No, that's wrong")
        .frustration
        .score;
    assert!(done < wrong, "{done} {wrong}");
    // A polite "thanks" does not undo a failure of the bot.
    let thanks = after_bot("Sorry, I couldn't make the reservation.", "No, thanks.")
        .frustration
        .score;
    assert!(thanks > 0.3, "{thanks}");
}

#[test]
fn repeating_an_earlier_request_and_rising_tone_raise_frustration() {
    let earlier = "where is my refund for order A1001";
    let first = detector().analyze(earlier, &Context::new()).frustration.score;
    let ctx = Context::new()
        .with_earlier_message("where is my refund for order A1001")
        .with_bot_turn("Here is our refund policy: refunds take 5 days.")
        .with_earlier_message("I asked where my refund for order A1001 is")
        .with_bot_turn("Here is our refund policy: refunds take 5 days.");
    let s = detector().analyze("WHERE IS MY REFUND FOR ORDER A1001!!!", &ctx);
    assert!(
        s.frustration.score > first + 0.5,
        "{} {first}",
        s.frustration.score
    );
    let c = cues(&s.frustration);
    assert!(c.contains(&"repeated_request"), "{c:?}");
    // The bot went in circles: the customer's repeated request reacts to that failure.
    assert!(c.contains(&"reaction_to_failure"), "{c:?}");
    assert!(c.contains(&"escalating_tone"), "{c:?}");
    assert_eq!(c.iter().filter(|c| **c == "repeated_request").count(), 2);
}

/// "A joke" judges only when something *is* one: asking for a joke is a request, even after the
/// bot did not understand.
#[test]
fn a_joke_is_a_judgement_only_when_something_is_one() {
    for text in ["This is a joke.", "what a joke", "your service is a total joke"] {
        assert!(
            cues(&alone(text).frustration).contains(&"judgement_word"),
            "{text}"
        );
    }
    let asked = after_bot(
        "Sorry, I didn't understand that.",
        "Tell me a joke about penguins",
    );
    assert!(!cues(&asked.frustration).contains(&"judgement_word"), "{asked:?}");
    assert!(asked.frustration.score < 0.5, "{asked:?}");
}

#[test]
fn complaints_and_payment_problems_are_cues_of_dissatisfaction() {
    for (text, cue) in [
        ("I want to lodge a complaint about order A1001", "complaint"),
        ("I was charged twice for my order", "payment_problem"),
        ("You double charged my card", "payment_problem"),
        ("my payment was declined but the money is gone", "payment_problem"),
    ] {
        let s = alone(text);
        assert!(
            cues(&s.frustration).contains(&cue),
            "{text:?}: {:?}",
            s.frustration
        );
    }
    assert!(!cues(&alone("I wasn't charged twice, all good").frustration).contains(&"payment_problem"));
}

#[test]
fn urgency_and_its_negation() {
    assert!(alone("I need this fixed ASAP, it's urgent!").urgency.is_present());
    assert!(alone("My card was stolen, block it right now")
        .urgency
        .is_present());
    assert!(!alone("No rush, whenever you have time").urgency.is_present());
    assert!(!alone("it's not urgent").urgency.is_present());
    assert!(!alone("What are your opening hours?").urgency.is_present());
}

#[test]
fn abuse_and_threats() {
    let s = alone("You are a useless idiot");
    assert!(s.abuse.is_present());
    assert!(cues(&s.abuse).contains(&"insult"));
    assert!(alone("I will kill you").abuse.is_present());
    assert!(cues(&alone("I'm going to sue you, my lawyer will call").abuse).contains(&"threat_legal"));
    assert!(!alone("It won't hurt you to check the tracking page")
        .abuse
        .is_present());
    assert!(!alone("Thanks for your help").abuse.is_present());
}

#[test]
fn empty_and_odd_input() {
    for text in [
        "",
        "   ",
        "🙂🙂🙂",
        "\u{0}\u{1}\u{7f}",
        "!!!???",
        "Ünïcödé ÄÖÜ straße",
        "日本語のテキスト",
        "مرحبا",
    ] {
        let s = detector().analyze(
            text,
            &Context::new().with_bot_turn(text).with_earlier_message(text),
        );
        for sig in [&s.frustration, &s.human_request, &s.urgency, &s.abuse] {
            assert!((0.0..=1.0).contains(&sig.score), "{text:?}");
        }
    }
    assert_eq!(alone("").frustration.score, 0.0);
}

#[test]
fn a_one_mebibyte_message_is_handled() {
    let text = "I am so frustrated 😡, talk to a human! ".repeat(26_000);
    assert!(text.len() > 1 << 20);
    let s = detector().analyze(
        &text,
        &Context::new().with_bot_turn(&text).with_earlier_message(&text),
    );
    assert!(s.frustration.score > 0.9);
    assert!(s.human_request.is_present());
    assert!(s.frustration.evidence.len() <= signals::MAX_EVIDENCE);
    assert!(s
        .frustration
        .evidence
        .iter()
        .all(|e| e.text.len() <= signals::MAX_EVIDENCE_TEXT + 3));
}

#[test]
fn signals_serialise_with_their_evidence() {
    let s = alone("agent please");
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["human_request"]["evidence"][0]["source"]["in"], "message");
    let back: Signals = serde_json::from_value(json).unwrap();
    assert_eq!(back, s);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn any_utf8_gives_scores_in_range_and_spans_on_char_boundaries(
        text in "\\PC*|[a-zA-Z !?',.]{0,60}",
        bot in "\\PC{0,40}|[a-zA-Z ?]{0,40}",
    ) {
        let ctx = Context::new().with_bot_turn(&bot).with_earlier_message(&text);
        let s = detector().analyze(&text, &ctx);
        for sig in [&s.frustration, &s.human_request, &s.urgency, &s.abuse] {
            prop_assert!((0.0..=1.0).contains(&sig.score));
            for e in &sig.evidence {
                let source: &str = match e.source {
                    Source::Message => &text,
                    Source::BotTurn(_) => &bot,
                    Source::EarlierMessage(_) => &text,
                };
                prop_assert!(e.start <= e.end && e.end <= source.len());
                prop_assert!(source.is_char_boundary(e.start) && source.is_char_boundary(e.end));
            }
        }
    }
}

/// The USS turns, when the shared data directory is present (measurement only, never training):
/// each file must keep a ROC AUC of at least 0.75 (the acceptance threshold).
#[test]
fn frustration_ranks_dissatisfied_turns_on_uss() {
    for name in ["sgd", "redial", "ccpe"] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/uss")
            .join(format!("{name}.csv"));
        let Ok(data) = std::fs::read_to_string(&path) else {
            eprintln!("skipped: {} is absent", path.display());
            continue;
        };
        let mut scores = Vec::new();
        let mut labels = Vec::new();
        let mut spent = std::time::Duration::ZERO;
        let mut reader = csv_rows(&data);
        // The header.
        assert_eq!(
            reader.next().map(|r| r.join(",")),
            Some("context,text,label".to_string())
        );
        for row in reader {
            let [context, text, label] = <[String; 3]>::try_from(row).expect("three columns");
            let ctx = if context.is_empty() {
                Context::new()
            } else {
                Context::new().with_bot_turn(&context)
            };
            let started = std::time::Instant::now();
            let score = detector().analyze(&text, &ctx).frustration.score;
            spent += started.elapsed();
            scores.push(f64::from(score));
            labels.push(label == "dissatisfied");
        }
        let summary = ranking::summarize(&scores, &labels).unwrap();
        eprintln!(
            "USS {name}: ROC AUC {:.4}, AP {:.4}, best F1 {:.4}, {:.1} µs per turn",
            summary.roc_auc,
            summary.average_precision,
            summary.best_f1.f1,
            spent.as_secs_f64() * 1e6 / f64::from(u32::try_from(scores.len()).unwrap())
        );
        assert!(summary.roc_auc >= 0.75, "{name}: {summary:?}");
    }
}

/// A minimal RFC 4180 reader for the test (the library has no CSV dependency).
fn csv_rows(data: &str) -> impl Iterator<Item = Vec<String>> + '_ {
    let mut chars = data.chars().peekable();
    std::iter::from_fn(move || {
        chars.peek()?;
        let mut row = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut field)),
                (false, '\r') => {}
                (false, '\n') => break,
                (false, c) => field.push(c),
            }
        }
        row.push(field);
        Some(row)
    })
}
