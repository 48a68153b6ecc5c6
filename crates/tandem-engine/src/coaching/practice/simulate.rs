//! The simulated customer: how their mood and next line follow from the agent's reply. Pure and
//! deterministic: the same scenario and the same replies always give the same lines and moods,
//! so practice results are fair.
//!
//! - **Mood** (0 calm, 1 furious). Each reply calms the customer by the scenario's weight for every
//!   skill, times the reply's score in it (`mood.calm`). A reply that shows none of the helpful
//!   skills (empathy, understanding, exploration, de-escalation, solution) angers them by up to
//!   `mood.provoke`. So does a hostile tone: the abuse signal (insults, profanity, threats) that
//!   Tandem reads in customers' messages, read in the agent's reply.
//! - **Lines.** The case is resolved when the mood fell below `resolves.mood_below`, the skills in
//!   `resolves.skills` were shown and a reply used one of `resolves.any_words`. The customer gives
//!   up when furious (after two replies at least) or out of turns. Otherwise a question gets the
//!   next hidden fact (if the customer is not angrier), and else a calmer or an angrier line, each
//!   kind in turn.

use serde::{Deserialize, Serialize};
use tandem_nlu::quality::{Scores, Skill};

use crate::pack::practice::Scenario;

/// Skills that help a customer; a reply showing none of them provokes.
const HELPFUL: [Skill; 5] = [
    Skill::Empathy,
    Skill::Understanding,
    Skill::Exploration,
    Skill::DeEscalation,
    Skill::Solution,
];
/// How much a hostile tone (signal score 1) angers the customer.
const HOSTILITY: f64 = 0.3;
/// At or above this mood the customer gives up, once they had [`PATIENCE`] replies.
const FURIOUS: f64 = 0.97;
/// Replies every customer waits for before giving up, however angry.
const PATIENCE: usize = 2;

/// What a customer line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Opening,
    Calmer,
    Angrier,
    Fact,
    Resolved,
    GaveUp,
}

impl LineKind {
    /// The customer stops answering after such a line.
    pub fn ends(self) -> bool {
        matches!(self, LineKind::Resolved | LineKind::GaveUp)
    }
}

/// One turn of a session, as it is stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Turn {
    Customer { text: String, mood: f64, kind: LineKind },
    Agent { text: String, skills: Box<Scores> },
}

/// The customer's opening turn.
pub fn opening(scenario: &Scenario) -> Turn {
    Turn::Customer {
        text: scenario.opening.clone(),
        mood: scenario.mood.start.clamp(0.0, 1.0),
        kind: LineKind::Opening,
    }
}

/// The customer's latest mood and line kind.
pub fn last_customer(turns: &[Turn]) -> Option<(f64, LineKind)> {
    turns.iter().rev().find_map(|t| match t {
        Turn::Customer { mood, kind, .. } => Some((*mood, *kind)),
        Turn::Agent { .. } => None,
    })
}

fn agent_replies(turns: &[Turn]) -> impl Iterator<Item = (&str, &Scores)> {
    turns.iter().filter_map(|t| match t {
        Turn::Agent { text, skills } => Some((text.as_str(), skills.as_ref())),
        Turn::Customer { .. } => None,
    })
}

fn customer_lines(turns: &[Turn], wanted: LineKind) -> usize {
    turns
        .iter()
        .filter(|t| matches!(t, Turn::Customer { kind, .. } if *kind == wanted))
        .count()
}

/// The mood after a reply with these scores; `hostility` is the reply's abuse signal (0 to 1).
pub fn next_mood(scenario: &Scenario, mood: f64, scores: &Scores, hostility: f64) -> f64 {
    let calm: f64 = scenario
        .mood
        .calm
        .iter()
        .filter_map(|(skill, weight)| Skill::parse(skill).map(|s| weight * scores.get(s).score))
        .sum();
    let helpful = HELPFUL
        .into_iter()
        .map(|s| scores.get(s).score)
        .fold(0.0, f64::max);
    let provoked = scenario.mood.provoke * (1.0 - helpful) + HOSTILITY * hostility.clamp(0.0, 1.0);
    (mood - calm + provoked).clamp(0.0, 1.0)
}

/// Whether the replies so far (the new one included in `turns`) resolve the case at `mood`.
fn resolved(scenario: &Scenario, turns: &[Turn], mood: f64) -> bool {
    let wanted = &scenario.resolves;
    let shown = |skill: &String| {
        Skill::parse(skill).is_some_and(|s| agent_replies(turns).any(|(_, scores)| scores.get(s).level >= 1))
    };
    let words = wanted.any_words.is_empty()
        || agent_replies(turns).any(|(text, _)| {
            let text = text.to_lowercase();
            wanted.any_words.iter().any(|w| text.contains(&w.to_lowercase()))
        });
    mood < wanted.mood_below && wanted.skills.iter().all(shown) && words
}

/// The line of `lines` for the `n`-th use of its kind.
fn in_turn(lines: &[String], n: usize) -> String {
    lines.get(n % lines.len().max(1)).cloned().unwrap_or_default()
}

/// The customer's answer to the reply that ends `turns` (the agent's turn is already in).
pub fn answer(scenario: &Scenario, turns: &[Turn], hostility: f64) -> Turn {
    let (mood, _) = last_customer(turns).unwrap_or((scenario.mood.start, LineKind::Opening));
    let Some((_, scores)) = agent_replies(turns).last() else {
        return opening(scenario);
    };
    let asked = scores.exploration.level >= 1;
    let next = next_mood(scenario, mood, scores, hostility);
    let replies = agent_replies(turns).count();
    let max_turns = usize::try_from(scenario.max_turns).unwrap_or(usize::MAX);
    let lines = &scenario.lines;
    let (text, kind) = if resolved(scenario, turns, next) {
        (lines.resolved.clone(), LineKind::Resolved)
    } else if (next >= FURIOUS && replies >= PATIENCE) || replies >= max_turns {
        (lines.gave_up.clone(), LineKind::GaveUp)
    } else if asked && next <= mood {
        let told = customer_lines(turns, LineKind::Fact);
        match scenario.hidden_facts.get(told) {
            Some(fact) => (fact.clone(), LineKind::Fact),
            None => (
                in_turn(&lines.calmer, customer_lines(turns, LineKind::Calmer)),
                LineKind::Calmer,
            ),
        }
    } else if next < mood {
        (
            in_turn(&lines.calmer, customer_lines(turns, LineKind::Calmer)),
            LineKind::Calmer,
        )
    } else {
        (
            in_turn(&lines.angrier, customer_lines(turns, LineKind::Angrier)),
            LineKind::Angrier,
        )
    };
    Turn::Customer {
        text,
        mood: next,
        kind,
    }
}

/// The end of a session: the score (0 to 100) and whether it passed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    pub score: i64,
    pub passed: bool,
}

/// Scores a session: 45% the scenario's skills (their mean score over the replies), 25% how calm
/// the customer ended (1 - mood), 30% whether the case was resolved. It passes when resolved with
/// at least the scenario's pass score.
pub fn outcome(scenario: &Scenario, turns: &[Turn]) -> Outcome {
    let replies: Vec<&Scores> = agent_replies(turns).map(|(_, s)| s).collect();
    let skills: Vec<Skill> = scenario.skills.iter().filter_map(|s| Skill::parse(s)).collect();
    let skill_part = if replies.is_empty() || skills.is_empty() {
        0.0
    } else {
        let per_skill = |s: Skill| {
            replies.iter().map(|r| r.get(s).score).sum::<f64>() / crate::num::usize_to_f64(replies.len())
        };
        skills.iter().map(|s| per_skill(*s)).sum::<f64>() / crate::num::usize_to_f64(skills.len())
    };
    let (mood, kind) = last_customer(turns).unwrap_or((scenario.mood.start, LineKind::Opening));
    let done = kind == LineKind::Resolved;
    let raw = 100.0 * (0.45 * skill_part + 0.25 * (1.0 - mood) + if done { 0.30 } else { 0.0 });
    let score = i64::try_from(crate::num::f64_to_usize(raw.clamp(0.0, 100.0).round())).unwrap_or(100);
    Outcome {
        score,
        passed: done && score >= i64::from(scenario.pass_score),
    }
}

/// The customer's latest line (the context the next reply is scored against).
pub fn last_customer_text(turns: &[Turn]) -> Option<&str> {
    turns.iter().rev().find_map(|t| match t {
        Turn::Customer { text, .. } => Some(text.as_str()),
        Turn::Agent { .. } => None,
    })
}

/// The scores of the agent's replies, in order.
pub fn agent_scores(turns: &[Turn]) -> Vec<&Scores> {
    agent_replies(turns).map(|(_, s)| s).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// Scores with every skill at `score` (level 1 from 0.4, 2 from 0.7), the rest 0.
    fn scores(shown: &[(Skill, f64)]) -> Scores {
        let skills: serde_json::Map<String, serde_json::Value> = Skill::ALL
            .into_iter()
            .map(|s| {
                let score = shown.iter().find(|(k, _)| *k == s).map_or(0.0, |(_, v)| *v);
                let level = if score >= 0.7 { 2 } else { u8::from(score >= 0.4) };
                (
                    s.as_str().to_owned(),
                    serde_json::json!({"level": level, "score": score, "reason": "r", "evidence": []}),
                )
            })
            .collect();
        serde_json::from_value(serde_json::Value::Object(skills)).unwrap()
    }

    fn scenario() -> Scenario {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../packs/demo/practice/double_charge.toml"
        ))
        .unwrap();
        let mut s: Scenario = toml::from_str(&text).unwrap();
        s.id = "double_charge".into();
        s
    }

    fn reply(
        turns: &mut Vec<Turn>,
        s: &Scenario,
        text: &str,
        shown: &[(Skill, f64)],
        hostility: f64,
    ) -> Turn {
        turns.push(Turn::Agent {
            text: text.into(),
            skills: Box::new(scores(shown)),
        });
        let answer = answer(s, turns, hostility);
        turns.push(answer.clone());
        answer
    }

    fn mood(t: &Turn) -> f64 {
        match t {
            Turn::Customer { mood, .. } => *mood,
            Turn::Agent { .. } => f64::NAN,
        }
    }

    #[test]
    fn helpful_replies_calm_the_customer_until_the_case_is_resolved() {
        let s = scenario();
        let mut turns = vec![opening(&s)];
        let warm = [
            (Skill::Empathy, 0.8),
            (Skill::DeEscalation, 0.7),
            (Skill::Understanding, 0.5),
            (Skill::Solution, 0.6),
        ];
        let first = reply(&mut turns, &s, "I'm so sorry, I'm looking into it.", &warm, 0.0);
        assert!(mood(&first) < s.mood.start);
        let second = reply(&mut turns, &s, "I've refunded the duplicate charge.", &warm, 0.0);
        assert!(mood(&second) < mood(&first));
        let last = reply(&mut turns, &s, "It reaches your card within 5 days.", &warm, 0.0);
        assert!(
            matches!(
                last,
                Turn::Customer {
                    kind: LineKind::Resolved,
                    ..
                }
            ),
            "{last:?}"
        );
        let result = outcome(&s, &turns);
        assert!(result.passed && result.score >= 60, "{result:?}");
    }

    #[test]
    fn dismissive_or_hostile_replies_anger_the_customer_and_do_not_pass() {
        let s = scenario();
        let mut turns = vec![opening(&s)];
        let first = reply(&mut turns, &s, "That's not my problem.", &[], 0.0);
        assert!(mood(&first) > s.mood.start);
        assert!(matches!(
            first,
            Turn::Customer {
                kind: LineKind::Angrier,
                ..
            }
        ));
        let hostile = reply(&mut turns, &s, "CALM DOWN!!!", &[], 1.0);
        assert!(
            matches!(
                hostile,
                Turn::Customer {
                    kind: LineKind::GaveUp,
                    ..
                }
            ),
            "{hostile:?}"
        );
        let result = outcome(&s, &turns);
        assert!(!result.passed && result.score < 20, "{result:?}");
    }

    #[test]
    fn a_question_brings_out_the_next_hidden_fact_and_the_same_replies_give_the_same_lines() {
        let s = scenario();
        let run = || {
            let mut turns = vec![opening(&s)];
            let asked = [(Skill::Exploration, 0.8), (Skill::Empathy, 0.6)];
            reply(&mut turns, &s, "I'm sorry. Which order is it?", &asked, 0.0);
            reply(&mut turns, &s, "Did you write to us before?", &asked, 0.0);
            turns
        };
        let turns = run();
        assert!(
            matches!(&turns[2], Turn::Customer { kind: LineKind::Fact, text, .. } if text == &s.hidden_facts[0])
        );
        assert!(
            matches!(&turns[4], Turn::Customer { kind: LineKind::Fact, text, .. } if text == &s.hidden_facts[1])
        );
        assert_eq!(run(), turns);
    }

    #[test]
    fn nothing_said_scores_low_and_the_mood_stays_in_range() {
        let s = scenario();
        let result = outcome(&s, &[opening(&s)]);
        assert!(!result.passed);
        for hostility in [0.0, 1.0, 7.0, -3.0] {
            let m = next_mood(&s, 0.99, &scores(&[]), hostility);
            assert!((0.0..=1.0).contains(&m));
        }
    }
}
