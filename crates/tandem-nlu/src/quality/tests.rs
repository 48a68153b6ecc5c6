#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use super::eval::{evaluate, SKILL_STRATEGIES};
use super::*;

/// Every invariant of a result: levels, scores in range, evidence that quotes the reply exactly
/// (code points), a reason and a `why` for every span.
fn check(context: &str, reply: &str) -> Scores {
    let scores = score(context, reply);
    for (skill, s) in scores.iter() {
        assert!(s.level <= 2, "{skill}: level {}", s.level);
        assert!((0.0..=1.0).contains(&s.score), "{skill}: score {}", s.score);
        assert!(
            !s.reason.is_empty() && !s.reason.contains('\n'),
            "{skill}: reason {:?}",
            s.reason
        );
        for e in &s.evidence {
            assert!(e.start <= e.end, "{skill}: {e:?}");
            let quoted: String = reply.chars().skip(e.start).take(e.end - e.start).collect();
            if e.text.ends_with('…') {
                assert!(quoted.starts_with(e.text.trim_end_matches('…')), "{skill}: {e:?}");
            } else {
                assert_eq!(e.text, quoted, "{skill}: {e:?} in {reply:?}");
            }
            assert!(!e.why.trim().is_empty(), "{skill}: {e:?}");
        }
        if s.level == 0 {
            for e in &s.evidence {
                assert!(e.why.contains("lowered"), "{skill} at level 0 shows {e:?}");
            }
        }
    }
    scores
}

fn level(scores: &Scores, skill: Skill) -> u8 {
    scores.get(skill).level
}

#[test]
fn apology_and_restatement_show_empathy_and_understanding() {
    let s = check(
        "My jacket arrived torn. I waited a week for it!",
        "I'm so sorry this happened, I understand how frustrating it must be to get a torn jacket after waiting a week.",
    );
    assert!(s.empathy.level >= 1, "{:?}", s.empathy);
    assert!(!s.empathy.evidence.is_empty());
    assert!(s.understanding.level >= 1, "{:?}", s.understanding);
    assert!(!s.understanding.evidence.is_empty());
    assert!(
        s.understanding.evidence.iter().any(|e| e.text == "jacket"),
        "{:?}",
        s.understanding
    );
}

#[test]
fn curt_or_dismissive_replies_show_no_empathy() {
    for reply in [
        "Send a photo.",
        "That's not my problem.",
        "Read the FAQ.",
        "Calm down.",
    ] {
        let s = check("", reply);
        assert_eq!(level(&s, Skill::Empathy), 0, "{reply}: {:?}", s.empathy);
    }
    let s = check("", "Calm down.");
    assert_eq!(s.de_escalation.level, 0, "{:?}", s.de_escalation);
    assert!(s.de_escalation.evidence.iter().all(|e| e.why.contains("lowered")));
    let s = check("", "That's not my problem.");
    assert_eq!(s.politeness.level, 0);
    assert_eq!(s.de_escalation.level, 0);
}

#[test]
fn read_the_faq_is_not_a_solution() {
    let s = check("", "Read the FAQ.");
    assert_eq!(s.solution.level, 0, "{:?}", s.solution);
}

#[test]
fn asking_what_happened_is_exploration() {
    let s = check(
        "My parcel was damaged.",
        "Could you tell me what happened when you opened the parcel?",
    );
    assert!(s.exploration.level >= 1, "{:?}", s.exploration);
}

#[test]
fn an_action_with_a_time_frame_is_a_solution() {
    let s = check("", "I've issued a replacement; it ships tomorrow with tracking.");
    assert!(s.solution.level >= 1, "{:?}", s.solution);
    assert!(!s.solution.evidence.is_empty());
}

#[test]
fn apology_for_a_double_charge_shows_empathy_and_calms() {
    let s = check(
        "",
        "I'm so sorry you were charged twice; I understand how frustrating that is. I'm checking your payments now.",
    );
    assert!(s.empathy.level >= 1, "{:?}", s.empathy);
    assert!(s.de_escalation.level >= 1, "{:?}", s.de_escalation);
}

#[test]
fn validation_and_a_refund_calm_and_solve() {
    let s = check(
        "",
        "You're right to be upset, I can see both charges. I've refunded the duplicate and e-mailed you the receipt.",
    );
    assert!(s.solution.level >= 1, "{:?}", s.solution);
    assert!(s.de_escalation.level >= 1, "{:?}", s.de_escalation);
}

#[test]
fn thanks_and_a_refund_date_are_polite_and_a_solution() {
    let s = check(
        "",
        "Thank you for your patience, I know this took too long. The refund reaches your card within 5 days.",
    );
    assert!(s.politeness.level >= 1, "{:?}", s.politeness);
    assert!(s.solution.level >= 1, "{:?}", s.solution);
}

#[test]
fn greeting_and_closing() {
    let s = check("", "Hi Tom, thanks for reaching out. Your order ships on Monday. Is there anything else I can help with? Have a great day!");
    assert!(s.greeting.level >= 1, "{:?}", s.greeting);
    assert!(s.closing.level >= 1, "{:?}", s.closing);
    assert!(s.politeness.level >= 1, "{:?}", s.politeness);
    let s = check("", "Your order ships on Monday.");
    assert_eq!(s.greeting.level, 0);
    assert_eq!(s.closing.level, 0);
    let s = check("", "Guten Tag! Es tut mir leid. Mit freundlichen Grüßen");
    assert!(
        s.greeting.level >= 1 && s.closing.level >= 1 && s.empathy.level >= 1,
        "{s:?}"
    );
}

#[test]
fn clarity_rewards_short_concrete_sentences() {
    let clear = check(
        "",
        "Your refund of 20 EUR was sent today. It reaches your card within 5 days.",
    );
    assert!(clear.clarity.level >= 1, "{:?}", clear.clarity);
    for empty in ["", "ok", "   "] {
        let s = check("", empty);
        assert_eq!(s.clarity.level, 0, "{empty:?}: {:?}", s.clarity);
    }
    let wall = "we have looked into the matter and after consulting the relevant team it appears that the \
                issue with your RMA relates to the SKU mapping in our WMS which means that the item could \
                not be matched and therefore the return was not processed as expected by the system";
    let s = check("", wall);
    assert!(s.clarity.score < clear.clarity.score);
    assert_eq!(s.clarity.level, 0, "{:?}", s.clarity);
}

#[test]
fn negated_cues_do_not_count() {
    let s = check("", "I will not refund this order.");
    assert_eq!(s.solution.level, 0, "{:?}", s.solution);
}

#[test]
fn offsets_are_code_points_in_non_ascii_text() {
    let reply = "Hello 😀 Zoë! 我很抱歉. I'm so sorry this happened — thank you for your patience 🙏.";
    let s = check("", reply);
    assert!(s.empathy.level >= 1);
    let e = s
        .empathy
        .evidence
        .iter()
        .find(|e| e.text.contains("sorry"))
        .unwrap();
    let quoted: String = reply.chars().skip(e.start).take(e.end - e.start).collect();
    assert_eq!(quoted, e.text);
    assert!(s.greeting.level >= 1, "{:?}", s.greeting);
    let g = &s.greeting.evidence[0];
    assert_eq!((g.start, g.end, g.text.as_str()), (0, 5, "Hello"));
    let thanks = s
        .politeness
        .evidence
        .iter()
        .find(|e| e.text.starts_with("thank"))
        .unwrap();
    let byte = reply.find("thank").unwrap();
    assert_eq!(thanks.start, reply[..byte].chars().count());
}

#[test]
fn never_panics_on_odd_input() {
    let long = "sorry ".repeat(50_000);
    let odd = [
        "",
        "\u{0}",
        "?!?!?!",
        "'''---'''",
        "I'",
        "-",
        "\u{feff}\u{200b}",
        "ÅÄÖ!!! ŠOK",
        "日本語のテキスト。ありがとうございます？",
        "1.2.3.4,5:6",
        "e-\u{301}",
        long.as_str(),
    ];
    for t in odd {
        check(t, t);
    }
}

#[test]
fn deterministic() {
    let reply =
        "Hello! I'm sorry about the delay. I've refunded you; it arrives within 3 days. Anything else?";
    assert_eq!(score("ctx", reply), score("ctx", reply));
}

#[test]
fn scores_serialise_with_snake_case_skills() {
    let json = serde_json::to_value(score("", "Hi! Thanks.")).unwrap();
    for skill in Skill::ALL {
        assert!(json.get(skill.as_str()).is_some(), "{skill}");
        assert_eq!(Skill::parse(skill.as_str()), Some(skill));
    }
}

#[test]
fn eval_counts_per_skill() {
    let rows = [
        ("How are you feeling today?", "Question"),
        ("What happened next?", "Question"),
        (
            "You could try talking to your manager about it.",
            "Providing Suggestions",
        ),
        ("That sounds really hard, I'm so sorry.", "Reflection of feelings"),
        ("I went through the same.", "Self-disclosure"),
    ];
    let report = evaluate(rows.iter().copied());
    assert_eq!(report.examples, 5);
    assert_eq!(report.skills.len(), SKILL_STRATEGIES.len());
    let exploration = report
        .skills
        .iter()
        .find(|f| f.skill == Skill::Exploration)
        .unwrap();
    assert_eq!(exploration.support, 2);
    assert!(exploration.recall > 0.99, "{exploration:?}");
    assert!(exploration.roc_auc.is_some());
    let solution = report.skills.iter().find(|f| f.skill == Skill::Solution).unwrap();
    assert_eq!(solution.support, 1);
    assert!((0.0..=1.0).contains(&solution.f1));
}
