//! `practice/*.toml`: the pack's practice scenarios, one per file, named by the file stem. A
//! scenario is a simulated customer (persona, situation, the facts they reveal when asked, their
//! opening line), how their mood reacts to the agent's replies, what resolves it, and the skills
//! it trains. How a session runs is in `crate::coaching::practice`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tandem_nlu::quality::Skill;

/// How hard a scenario is.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

/// One practice scenario.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The file stem (set when the pack is loaded).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub title: String,
    pub difficulty: Difficulty,
    /// The skills it trains (names of the rubric); passing it makes an agent eligible for their
    /// certifications.
    pub skills: Vec<String>,
    /// Who the customer is.
    pub persona: String,
    /// What happened, as the agent is told before the session starts.
    pub situation: String,
    /// What the customer tells, one fact per question the agent asks, in order.
    #[serde(default)]
    pub hidden_facts: Vec<String>,
    /// The customer's first line.
    pub opening: String,
    #[serde(default)]
    pub mood: MoodModel,
    pub resolves: Resolution,
    pub lines: CustomerLines,
    /// The score (0-100) a resolved session needs to pass.
    #[serde(default = "default_pass_score")]
    pub pass_score: u32,
    /// Replies after which the customer stops answering.
    #[serde(default = "default_max_turns")]
    pub max_turns: u32,
}

fn default_pass_score() -> u32 {
    60
}

fn default_max_turns() -> u32 {
    6
}

/// How the customer's mood (0 calm, 1 furious) follows the agent's replies: each reply's skill
/// scores calm them by their weights; a reply that shows none of the helpful skills provokes them.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MoodModel {
    /// The mood of the opening line.
    #[serde(default = "default_start")]
    pub start: f64,
    /// How much a skill shown fully (score 1) calms the customer, by skill name.
    #[serde(default = "default_calm")]
    pub calm: BTreeMap<String, f64>,
    /// How much a reply that shows no helpful skill at all angers them.
    #[serde(default = "default_provoke")]
    pub provoke: f64,
}

fn default_start() -> f64 {
    0.6
}

fn default_provoke() -> f64 {
    0.2
}

fn default_calm() -> BTreeMap<String, f64> {
    [
        ("empathy", 0.12),
        ("understanding", 0.08),
        ("de_escalation", 0.12),
        ("solution", 0.16),
        ("exploration", 0.04),
        ("politeness", 0.04),
    ]
    .into_iter()
    .map(|(s, w)| (s.to_owned(), w))
    .collect()
}

impl Default for MoodModel {
    fn default() -> Self {
        Self {
            start: default_start(),
            calm: default_calm(),
            provoke: default_provoke(),
        }
    }
}

/// What resolves the case: the customer is calm enough and the agent did what fixes it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    /// Skills the agent must have shown (level 1 or more) in some reply, e.g. `solution`.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Words one of the agent's replies must contain (any of them, case-insensitive), e.g.
    /// `refund`; empty: no words needed.
    #[serde(default)]
    pub any_words: Vec<String>,
    /// The mood must have fallen below this.
    #[serde(default = "default_calm_enough")]
    pub mood_below: f64,
}

fn default_calm_enough() -> f64 {
    0.45
}

/// What the customer says. Lines of a kind are used in turn.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CustomerLines {
    /// When the reply calmed them but did not resolve the case yet.
    pub calmer: Vec<String>,
    /// When the reply made them angrier (or did nothing for them).
    pub angrier: Vec<String>,
    /// When the case is resolved.
    pub resolved: String,
    /// When they give up (furious, or out of turns).
    pub gave_up: String,
}

/// Mood values and weights lie in `[0, 1]`.
fn unit(v: f64) -> bool {
    (0.0..=1.0).contains(&v)
}

/// The problems of one scenario, each a sentence.
pub fn check(scenario: &Scenario) -> Vec<String> {
    let mut problems = Vec::new();
    let skill = |name: &str, field: &str, problems: &mut Vec<String>| {
        if Skill::parse(name).is_none() {
            problems.push(format!(
                "{field} names `{name}`, which is not a skill of the rubric ({})",
                Skill::ALL.map(Skill::as_str).join(", ")
            ));
        }
    };
    if scenario.title.trim().is_empty() {
        problems.push("title must not be empty".to_owned());
    }
    if scenario.skills.is_empty() {
        problems.push("skills must name at least one skill it trains".to_owned());
    }
    for s in &scenario.skills {
        skill(s, "skills", &mut problems);
    }
    for s in &scenario.resolves.skills {
        skill(s, "resolves.skills", &mut problems);
    }
    for s in scenario.mood.calm.keys() {
        skill(s, "mood.calm", &mut problems);
    }
    let texts = [
        ("opening", &scenario.opening),
        ("persona", &scenario.persona),
        ("situation", &scenario.situation),
        ("lines.resolved", &scenario.lines.resolved),
        ("lines.gave_up", &scenario.lines.gave_up),
    ];
    for (field, text) in texts {
        if text.trim().is_empty() {
            problems.push(format!("{field} must not be empty"));
        }
    }
    for (field, lines) in [
        ("lines.calmer", &scenario.lines.calmer),
        ("lines.angrier", &scenario.lines.angrier),
    ] {
        if lines.is_empty() || lines.iter().any(|l| l.trim().is_empty()) {
            problems.push(format!("{field} needs at least one line, none empty"));
        }
    }
    if scenario.hidden_facts.iter().any(|f| f.trim().is_empty()) {
        problems.push("hidden_facts must not hold an empty line".to_owned());
    }
    let weights = scenario.mood.calm.values().copied();
    let values = [
        scenario.mood.start,
        scenario.mood.provoke,
        scenario.resolves.mood_below,
    ];
    if !values.into_iter().chain(weights).all(unit) {
        problems.push(
            "mood.start, mood.provoke, mood.calm and resolves.mood_below lie between 0 and 1".to_owned(),
        );
    }
    if scenario.pass_score > 100 {
        problems.push("pass_score is at most 100".to_owned());
    }
    if !(1..=20).contains(&scenario.max_turns) {
        problems.push("max_turns lies between 1 and 20".to_owned());
    }
    problems
}
