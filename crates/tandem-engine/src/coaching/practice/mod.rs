//! Practice with simulated customers: an agent picks a scenario of the pack, the customer opens,
//! and every reply is scored by the same rubric as real replies; the customer's mood and next
//! line follow from it ([`simulate`]). A session is private to its agent unless they share it.
//! Learning paths: per skill, the scenarios that train it; passing one makes the agent eligible
//! for that skill's certification, which a supervisor signs off.

pub mod simulate;
pub mod voice;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tandem_core::ids::UserId;
use tandem_core::permission::Permission;
use tandem_core::validate::MessageText;
use tandem_core::{Error, ErrorCode};
use tandem_nlu::quality::{Scores, Skill};
use tandem_nlu::signals::{self, Context};
use tandem_store::PracticeSession;
use utoipa::ToSchema;

use super::profile::{self, Averages};
use super::tips::tip;
use crate::auth::Staff;
use crate::pack::practice::{Difficulty, Scenario};
use crate::runtime::BotRuntime;
use crate::{Engine, Result};
use simulate::{LineKind, Turn};

/// Sessions listed, at most (the newest).
pub const LISTED_SESSIONS: i64 = 200;

#[derive(Clone, Copy)]
pub struct Practice<'e> {
    pub(crate) engine: &'e Engine,
}

/// A scenario as agents see it before they start (the hidden facts stay hidden).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ScenarioView {
    pub id: String,
    pub title: String,
    pub skills: Vec<String>,
    /// `easy`, `medium` or `hard`.
    #[schema(value_type = String)]
    pub difficulty: Difficulty,
    pub persona: String,
    pub situation: String,
}

impl From<&Scenario> for ScenarioView {
    fn from(s: &Scenario) -> Self {
        Self {
            id: s.id.clone(),
            title: s.title.clone(),
            skills: s.skills.clone(),
            difficulty: s.difficulty,
            persona: s.persona.clone(),
            situation: s.situation.clone(),
        }
    }
}

/// What the simulated customer says, and their mood (0 calm, 1 furious).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CustomerLine {
    pub text: String,
    pub mood: f64,
}

/// A session just started.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Started {
    pub id: String,
    pub scenario: String,
    pub customer: CustomerLine,
    pub done: bool,
}

/// The rubric's feedback on one practice reply.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Feedback {
    /// `{skill: {level, score, reason, evidence}}`.
    #[schema(value_type = Object)]
    pub skills: Scores,
    /// One thing to try next (or what went well).
    pub tip: String,
}

/// The customer's answer to a reply.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Answered {
    pub customer: CustomerLine,
    /// The customer stopped answering (resolved, or gave up): finish the session.
    pub done: bool,
    pub feedback: Feedback,
}

/// A finished session's result.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Finished {
    /// 0 to 100.
    pub score: i64,
    pub passed: bool,
    #[schema(value_type = Object)]
    pub skills: Averages,
}

/// A session in a list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SessionSummary {
    pub id: String,
    pub scenario: String,
    /// The scenario's title (its id when the pack no longer has it).
    pub title: String,
    pub score: Option<i64>,
    pub passed: Option<bool>,
    pub finished: bool,
    pub shared: bool,
    pub created_at: DateTime<Utc>,
}

/// A whole session: its turns with moods and feedback.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SessionView {
    #[serde(flatten)]
    pub summary: SessionSummary,
    #[schema(value_type = Vec<Object>)]
    pub turns: Vec<Turn>,
}

/// A skill's learning path for one staff member.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Path {
    pub skill: &'static str,
    pub scenarios: Vec<PathStep>,
    /// Passed a scenario that trains it: a supervisor may certify them.
    pub eligible: bool,
    pub certified: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PathStep {
    pub id: String,
    pub title: String,
    #[schema(value_type = String)]
    pub difficulty: Difficulty,
    pub passed: bool,
}

/// The scenarios of `practice` that train `skill` and were `passed`: what makes an agent eligible
/// for the skill's certification (one is enough).
pub(crate) fn passed_training<'a>(
    practice: &'a [Scenario],
    skill: Skill,
    passed: &[String],
) -> Vec<&'a Scenario> {
    practice
        .iter()
        .filter(|s| passed.contains(&s.id) && s.skills.iter().any(|k| k == skill.as_str()))
        .collect()
}

fn unknown_scenario(id: &str) -> Error {
    Error::missing(
        ErrorCode::UnknownScenario,
        format!("the pack has no practice scenario `{id}`"),
    )
}

fn no_session() -> Error {
    Error::missing(ErrorCode::NotFound, "no such practice session")
}

fn turns_of(session: &PracticeSession) -> Result<Vec<Turn>> {
    serde_json::from_value(session.turns.clone())
        .map_err(|e| Error::internal(format!("a practice session's turns are unreadable: {e}")))
}

fn encode(turns: &[Turn]) -> Result<serde_json::Value> {
    serde_json::to_value(turns)
        .map_err(|e| Error::internal(format!("a practice session could not be encoded: {e}")))
}

fn summary(session: &PracticeSession, bot: Option<&BotRuntime>) -> SessionSummary {
    let title = bot
        .and_then(|b| b.pack.practice.iter().find(|s| s.id == session.scenario))
        .map_or_else(|| session.scenario.clone(), |s| s.title.clone());
    SessionSummary {
        id: session.id.clone(),
        scenario: session.scenario.clone(),
        title,
        score: session.score,
        passed: session.finished().then_some(session.passed),
        finished: session.finished(),
        shared: session.shared,
        created_at: session.created_at,
    }
}

/// The tip after a reply: the scenario's skill it showed least, or praise when it showed them all.
fn feedback_tip(scenario: &Scenario, scores: &Scores) -> String {
    let skills = scenario.skills.iter().filter_map(|s| Skill::parse(s));
    let weakest = skills
        .clone()
        .filter(|s| scores.get(*s).level == 0)
        .min_by(|a, b| scores.get(*a).score.total_cmp(&scores.get(*b).score));
    match weakest {
        Some(skill) => format!("Try next ({}): {}", skill.as_str().replace('_', "-"), tip(skill)),
        None => format!(
            "Well done: this reply shows {}.",
            skills
                .map(|s| s.as_str().replace('_', "-"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

impl Practice<'_> {
    fn scenario(&self, id: &str) -> Result<(Arc<BotRuntime>, Scenario)> {
        let bot = self.engine.runtime().running()?;
        let scenario = bot
            .pack
            .practice
            .iter()
            .find(|s| s.id == id)
            .cloned()
            .ok_or_else(|| unknown_scenario(id))?;
        Ok((bot, scenario))
    }

    /// The calling staff member's own session (another's is not found).
    async fn own(&self, staff: &Staff, id: &str) -> Result<PracticeSession> {
        match self.engine.store.practice_session(id).await? {
            Some(s) if s.user_id == staff.user().id => Ok(s),
            _ => Err(no_session()),
        }
    }

    /// The active pack's scenarios, easiest first.
    pub fn scenarios(&self, _staff: &Staff) -> Result<Vec<ScenarioView>> {
        let bot = self.engine.runtime().running()?;
        let mut all: Vec<&Scenario> = bot.pack.practice.iter().collect();
        all.sort_by(|a, b| a.difficulty.cmp(&b.difficulty).then(a.id.cmp(&b.id)));
        Ok(all.into_iter().map(ScenarioView::from).collect())
    }

    /// Starts a session: the customer opens.
    pub async fn start(&self, staff: &Staff, scenario: &str) -> Result<Started> {
        let (_, scenario) = self.scenario(scenario.trim())?;
        let first = simulate::opening(&scenario);
        let session = self
            .engine
            .store
            .create_practice_session(
                staff.user().id,
                &scenario.id,
                encode(std::slice::from_ref(&first))?,
            )
            .await?;
        let (text, mood) = match first {
            Turn::Customer { text, mood, .. } => (text, mood),
            Turn::Agent { text, .. } => (text, scenario.mood.start),
        };
        Ok(Started {
            id: session.id,
            scenario: scenario.id,
            customer: CustomerLine { text, mood },
            done: false,
        })
    }

    /// Scores the agent's reply and has the customer answer it.
    pub async fn reply(&self, staff: &Staff, id: &str, text: &str) -> Result<Answered> {
        let text = MessageText::parse(text)?;
        let session = self.own(staff, id).await?;
        let finished = || Error::conflict(ErrorCode::PracticeFinished, "the practice session is finished");
        if session.finished() {
            return Err(finished());
        }
        let mut turns = turns_of(&session)?;
        if simulate::last_customer(&turns).is_some_and(|(_, kind)| kind.ends()) {
            return Err(Error::conflict(
                ErrorCode::PracticeFinished,
                "the customer has stopped answering; finish the session to see the result",
            ));
        }
        let (_, scenario) = self.scenario(&session.scenario)?;
        let said = turns.len();
        let context = match simulate::last_customer_text(&turns) {
            Some(line) => line.to_owned(),
            None => String::new(),
        };
        let scores = self.engine.coaching().score(&context, text.as_str());
        // Hostility is what the abuse signal reads (insults, profanity, threats). Not frustration:
        // an agent who names the customer's frustration ("I understand how frustrating") shows
        // empathy, and the frustration cues would read it as the agent's own.
        let hostility = signals::analyze(text.as_str(), &Context::new()).abuse.score;
        let tip = feedback_tip(&scenario, &scores);
        turns.push(Turn::Agent {
            text: text.as_str().to_owned(),
            skills: Box::new(scores.clone()),
        });
        let mut answer = simulate::answer(&scenario, &turns, f64::from(hostility));
        if let (Some(config), Turn::Customer { text, mood, kind }) =
            (&self.engine.config.practice_voice, &mut answer)
        {
            let body = voice::request(config, &scenario, &turns, text, *kind, *mood);
            if let Some(line) = voice::say(config, &body).await {
                *text = line;
            }
        }
        turns.push(answer.clone());
        let stored = self
            .engine
            .store
            .update_practice_turns(id, said, encode(&turns)?)
            .await?;
        if stored.is_none() {
            return Err(Error::conflict(
                ErrorCode::PracticeFinished,
                "the session changed meanwhile (finished, or answered in another window); reload it",
            ));
        }
        let (text, mood, kind) = match answer {
            Turn::Customer { text, mood, kind } => (text, mood, kind),
            Turn::Agent { text, .. } => (text, 0.0, LineKind::GaveUp),
        };
        Ok(Answered {
            customer: CustomerLine { text, mood },
            done: kind.ends(),
            feedback: Feedback { skills: scores, tip },
        })
    }

    /// Ends a session with its score; finishing it again gives the same result.
    pub async fn finish(&self, staff: &Staff, id: &str) -> Result<Finished> {
        let session = self.own(staff, id).await?;
        let turns = turns_of(&session)?;
        let averages = profile::averages(simulate::agent_scores(&turns).into_iter());
        if let (Some(score), true) = (session.score, session.finished()) {
            return Ok(Finished {
                score,
                passed: session.passed,
                skills: averages,
            });
        }
        let (_, scenario) = self.scenario(&session.scenario)?;
        let outcome = simulate::outcome(&scenario, &turns);
        let done = self
            .engine
            .store
            .finish_practice_session(id, outcome.score, outcome.passed)
            .await?;
        let (score, passed) = match done {
            Some(s) => (s.score.unwrap_or(outcome.score), s.passed),
            // Finished meanwhile (another window): its stored result stands.
            None => {
                let s = self.own(staff, id).await?;
                (s.score.unwrap_or(outcome.score), s.passed)
            }
        };
        Ok(Finished {
            score,
            passed,
            skills: averages,
        })
    }

    /// `user`'s sessions, newest first: one's own, or as a coach those another agent shared.
    pub async fn list(&self, staff: &Staff, user: UserId) -> Result<Vec<SessionSummary>> {
        let own = staff.user().id == user;
        if !own {
            staff.require(Permission::CoachAgents)?;
        }
        let bot = self.engine.runtime().bot();
        Ok(self
            .engine
            .store
            .practice_sessions(user, LISTED_SESSIONS)
            .await?
            .iter()
            .filter(|s| own || s.shared)
            .map(|s| summary(s, bot.as_deref()))
            .collect())
    }

    /// One session with its turns: one's own, or a shared one for a coach.
    pub async fn get(&self, staff: &Staff, id: &str) -> Result<SessionView> {
        let session = match self.engine.store.practice_session(id).await? {
            Some(s) if s.user_id == staff.user().id => s,
            Some(s) if s.shared && staff.require(Permission::CoachAgents).is_ok() => s,
            _ => return Err(no_session()),
        };
        let bot = self.engine.runtime().bot();
        Ok(SessionView {
            summary: summary(&session, bot.as_deref()),
            turns: turns_of(&session)?,
        })
    }

    /// Shares one's own session with supervisors, or stops sharing it.
    pub async fn share(&self, staff: &Staff, id: &str, shared: bool) -> Result<SessionSummary> {
        self.own(staff, id).await?;
        let session = self
            .engine
            .store
            .share_practice_session(id, shared)
            .await?
            .ok_or_else(no_session)?;
        let bot = self.engine.runtime().bot();
        Ok(summary(&session, bot.as_deref()))
    }

    /// Each skill's learning path for `user` (oneself, or anyone for a coach): the scenarios that
    /// train it, which they passed (for a coach: in the sessions they shared), whether they are
    /// eligible for its certification, and whether they hold it.
    pub async fn paths(&self, staff: &Staff, user: UserId) -> Result<Vec<Path>> {
        super::Coaching::may_see(staff, user)?;
        let bot = self.engine.runtime().running()?;
        let store = &self.engine.store;
        let passed = store.passed_scenarios(user).await?;
        // Practice results are the agent's own: a coach sees which scenarios they passed only in
        // the sessions they shared, and whether they are eligible (what a sign-off needs).
        let shown: Vec<String> = if staff.user().id == user {
            passed.clone()
        } else {
            store
                .practice_sessions(user, LISTED_SESSIONS)
                .await?
                .into_iter()
                .filter(|s| s.shared && s.passed)
                .map(|s| s.scenario)
                .collect()
        };
        let held = store.certifications(Some(user)).await?;
        Ok(Skill::ALL
            .into_iter()
            .map(|skill| {
                let mut scenarios: Vec<&Scenario> = bot
                    .pack
                    .practice
                    .iter()
                    .filter(|s| s.skills.iter().any(|k| k == skill.as_str()))
                    .collect();
                scenarios.sort_by(|a, b| a.difficulty.cmp(&b.difficulty).then(a.id.cmp(&b.id)));
                let steps: Vec<PathStep> = scenarios
                    .into_iter()
                    .map(|s| PathStep {
                        id: s.id.clone(),
                        title: s.title.clone(),
                        difficulty: s.difficulty,
                        passed: shown.contains(&s.id),
                    })
                    .collect();
                Path {
                    skill: skill.as_str(),
                    eligible: !passed_training(&bot.pack.practice, skill, &passed).is_empty(),
                    certified: held.iter().any(|c| c.skill == skill.as_str()),
                    scenarios: steps,
                }
            })
            .collect())
    }
}
