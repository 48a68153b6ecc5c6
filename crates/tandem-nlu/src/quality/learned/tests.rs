#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use super::*;
use crate::quality::{score, score_with};

fn row(reply: &str, skills: &[Skill]) -> Labelled {
    Labelled {
        context: String::new(),
        reply: reply.to_owned(),
        skills: skills.to_vec(),
    }
}

/// Replies where the made-up word "zorbly" decides the solution skill, nothing else does.
fn synthetic() -> (Vec<Labelled>, Vec<Labelled>) {
    let fillers = [
        "the weather is mild today",
        "we talked about the garden",
        "my cat sleeps on the chair",
        "a train left the station",
        "the report is on the desk",
        "lunch was late again",
        "the river runs past the mill",
        "music played in the hall",
    ];
    let mut train = Vec::new();
    let mut valid = Vec::new();
    for (k, f) in fillers.iter().enumerate() {
        for n in 0..4 {
            let pos = row(&format!("{f} zorbly {n}"), &[Skill::Solution]);
            let neg = row(&format!("{f} number {n}"), &[]);
            if k % 4 == 3 {
                valid.push(pos);
                valid.push(neg);
            } else {
                train.push(pos);
                train.push(neg);
            }
        }
    }
    (train, valid)
}

#[test]
fn learns_the_word_that_decides_a_skill() {
    let (train, valid) = synthetic();
    let model = super::train(&train, &valid);
    assert_eq!(model.skills().len(), 1);
    assert_eq!(model.skills()[0].skill, Skill::Solution);
    let yes = score_with(Some(&model), "", "the kettle is zorbly warm");
    let no = score_with(Some(&model), "", "the kettle is quite warm");
    assert!(yes.solution.level >= 1, "{:?}", yes.solution);
    assert_eq!(no.solution.level, 0, "{:?}", no.solution);
    assert!(yes.solution.score > no.solution.score);
    assert!(yes.solution.reason.contains("trained model"));
    assert!(
        yes.solution.evidence.iter().any(|e| e.text.contains("zorbly")),
        "{:?}",
        yes.solution.evidence
    );
}

#[test]
fn training_twice_gives_identical_bytes_that_round_trip() {
    let (train, valid) = synthetic();
    let a = super::train(&train, &valid).to_bytes();
    let b = super::train(&train, &valid).to_bytes();
    assert_eq!(a, b);
    let back = LearnedModel::from_bytes(&a).unwrap();
    assert_eq!(back.to_bytes(), a);
}

#[test]
fn apply_keeps_untrained_skills() {
    let (train, valid) = synthetic();
    let model = super::train(&train, &valid);
    for reply in [
        "I'm so sorry to hear that. How are you feeling? Thank you, goodbye!",
        "Hello, zorbly you could try restarting it.",
    ] {
        let lexicon = score("my order is late", reply);
        let learned = model.apply("my order is late", reply, lexicon.clone());
        for (skill, s) in lexicon.iter() {
            if skill != Skill::Solution {
                assert_eq!(learned.get(skill), s, "{skill}");
            }
        }
    }
    assert_eq!(score_with(None, "ctx", "Thanks!"), score("ctx", "Thanks!"));
}

#[test]
fn evidence_offsets_are_valid_on_non_ascii_text() {
    let (train, valid) = synthetic();
    let model = super::train(&train, &valid);
    let reply = "Ça va? Übel 😀 — zorbly Änderung naïve 東京 zorbly.";
    let scores = score_with(Some(&model), "Größe falsch", reply);
    let s = &scores.solution;
    assert!(s.level >= 1, "{s:?}");
    assert!(!s.evidence.is_empty() && s.evidence.len() <= 3, "{s:?}");
    for e in &s.evidence {
        let quoted: String = reply.chars().skip(e.start).take(e.end - e.start).collect();
        assert_eq!(quoted, e.text, "{e:?}");
        assert_eq!(e.why, MODEL_WHY);
    }
    for (_, s) in scores.iter() {
        assert!((0.0..=1.0).contains(&s.score) && s.level <= 2);
        if s.level == 0 {
            assert!(s.evidence.iter().all(is_lowering), "{s:?}");
        }
    }
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    assert_eq!(LearnedModel::from_bytes(b""), Err(LearnedError::Magic));
    assert_eq!(
        LearnedModel::from_bytes(b"not a model at all"),
        Err(LearnedError::Magic)
    );
    let mut v = LEARNED_MAGIC.to_vec();
    assert!(matches!(
        LearnedModel::from_bytes(&v),
        Err(LearnedError::Decode(_))
    ));
    v.extend_from_slice(&7u32.to_le_bytes());
    let err = LearnedModel::from_bytes(&v).unwrap_err();
    assert_eq!(err, LearnedError::Version { found: 7 });
    assert!(err.to_string().contains("version 7"));
    let mut v = LEARNED_MAGIC.to_vec();
    v.extend_from_slice(&LEARNED_FORMAT_VERSION.to_le_bytes());
    v.extend_from_slice(&[0xff; 64]);
    assert!(LearnedModel::from_bytes(&v).is_err());
    let (train, valid) = synthetic();
    let good = super::train(&train, &valid).to_bytes();
    for cut in [12, good.len() / 2, good.len() - 1] {
        assert!(LearnedModel::from_bytes(&good[..cut]).is_err(), "cut at {cut}");
    }
}

#[test]
fn an_empty_training_set_trains_nothing() {
    let model = super::train(&[], &[]);
    assert!(model.skills().is_empty());
    let reply = "How are you?";
    assert_eq!(model.apply("", reply, score("", reply)), score("", reply));
}
