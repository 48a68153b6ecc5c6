//! Containment and false automation (docs/insights.md defines both): how many conversations the
//! bot finished itself, and how often the customer came back unhappy after the bot resolved or
//! answered, per intent and per day.
//!
//! A conversation counts once, on the UTC day and under the intent of the bot's first resolve or
//! answer in it ("automated conversations"). It is *contained* when no person took part (no
//! handoff, no agent reply) and the customer did not come back within [`RETURN_WINDOW`] of the
//! bot's last resolve or answer (no message the bot then had to ask about again or hand over, no
//! reopening, no new conversation), and it is no false automation. It is a *false automation* when, within [`RETURN_WINDOW`] of a
//! resolve or answer, in the same conversation or another of the same customer, the customer
//! showed frustration (the frustration signal at or above the pack's handoff threshold), asked for
//! a person, or reopened the conversation. The predicates are pure functions over the store's
//! [`AutomationTrail`]s, so the review queue can use them too.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use tandem_core::decision::{Decision, DecisionKind, HandoffReason};
use tandem_core::ids::{ConversationId, CustomerId, MessageId};
use tandem_core::model::{Author, Message};
use tandem_core::permission::Permission;
use tandem_core::{Error, ErrorCode};
use tandem_store::{AutomationStep, AutomationTrail};
use utoipa::ToSchema;

use super::{Insights, MAX_DAYS};
use crate::auth::Staff;
use crate::num;
use crate::Result;

/// How long after the bot resolved or answered a customer coming back counts against it.
pub const RETURN_WINDOW: Duration = Duration::hours(24);

/// Why a resolve or answer of the bot counts as a false automation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unhappy {
    /// A later message's frustration signal reached the pack's handoff threshold.
    Frustration,
    /// The customer asked for a person (the bot handed over for `customer_request`).
    AskedForPerson,
    /// The customer reopened the conversation.
    Reopened,
}

/// A resolve or answer of the bot after which the customer came back unhappy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FalseAutomation {
    /// The conversation of the bot's resolve or answer.
    pub conversation_id: ConversationId,
    /// The customer message the bot resolved or answered.
    pub message_id: MessageId,
    /// The bot's reply to it, when it wrote one.
    pub bot_message_id: Option<MessageId>,
    pub intent: Option<String>,
    pub why: Unhappy,
    /// When the customer showed it.
    pub at: DateTime<Utc>,
}

fn automated(step: &AutomationStep) -> bool {
    matches!(step.kind, DecisionKind::Resolve | DecisionKind::Answer)
}

/// A conversation's decisions as [`false_automation`] reads them, from the records: the reply to a
/// decision is the bot's first message after the message decided about (`messages` oldest first).
pub fn steps(decisions: &[Decision], messages: &[Message]) -> Vec<AutomationStep> {
    decisions
        .iter()
        .map(|d| {
            let reply_id = messages
                .iter()
                .skip_while(|m| m.id != d.message_id)
                .skip(1)
                .find(|m| m.author == Author::Bot)
                .map(|m| m.id);
            AutomationStep {
                conversation_id: d.conversation_id,
                message_id: d.message_id,
                reply_id,
                kind: d.kind,
                intent: d.intent.clone(),
                handoff_reason: d.handoff_reason,
                frustration: d.signals.frustration.score,
                at: d.created_at,
            }
        })
        .collect()
}

/// The first resolve or answer in `steps` (one conversation's decisions, oldest first) after which
/// the customer came back unhappy within [`RETURN_WINDOW`]: in the same conversation (a later
/// decision with `frustration` at or above `threshold`, or a handoff because they asked for a
/// person), by reopening it (`reopened`), or in another of their conversations (`elsewhere`: those
/// conversations' decisions). The sign is blamed on the latest resolve or answer before it.
pub fn false_automation(
    steps: &[AutomationStep],
    reopened: &[DateTime<Utc>],
    elsewhere: &[AutomationStep],
    threshold: f32,
) -> Option<FalseAutomation> {
    let sign = |s: &AutomationStep| {
        if s.kind == DecisionKind::Handoff && s.handoff_reason == Some(HandoffReason::CustomerRequest) {
            Some(Unhappy::AskedForPerson)
        } else if s.frustration >= threshold {
            Some(Unhappy::Frustration)
        } else {
            None
        }
    };
    // The earliest sign wins, blamed on the resolve or answer (its index) before it.
    let mut found: Option<(DateTime<Utc>, usize, Unhappy)> = None;
    let mut consider = |at: DateTime<Utc>, blamed: Option<usize>, why: Unhappy| {
        let Some(blamed) = blamed.filter(|b| steps.get(*b).is_some_and(|a| at <= a.at + RETURN_WINDOW))
        else {
            return;
        };
        if found.as_ref().is_none_or(|(first, _, _)| at < *first) {
            found = Some((at, blamed, why));
        }
    };
    // The latest resolve or answer among the first `n` steps, or before a moment.
    let latest = |n: usize, before: Option<DateTime<Utc>>| {
        steps
            .get(..n)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .rev()
            .find(|(_, a)| automated(a) && before.is_none_or(|at| a.at < at))
            .map(|(i, _)| i)
    };
    for (i, s) in steps.iter().enumerate() {
        if let Some(why) = sign(s) {
            consider(s.at, latest(i, None), why);
        }
    }
    for at in reopened {
        consider(*at, latest(steps.len(), Some(*at)), Unhappy::Reopened);
    }
    for s in elsewhere {
        if let Some(why) = sign(s) {
            consider(s.at, latest(steps.len(), Some(s.at)), why);
        }
    }
    let (at, blamed, why) = found?;
    let blamed = steps.get(blamed)?;
    Some(FalseAutomation {
        conversation_id: blamed.conversation_id,
        message_id: blamed.message_id,
        bot_message_id: blamed.reply_id,
        intent: blamed.intent.clone(),
        why,
        at,
    })
}

/// Whether the bot finished the conversation itself: it resolved or answered, no person took part,
/// and within [`RETURN_WINDOW`] of its last resolve or answer the customer neither wrote something
/// it had to ask about again or hand over, nor reopened the conversation, nor started another
/// (`others_started`: when the customer's other conversations began).
pub fn contained(trail: &AutomationTrail, others_started: &[DateTime<Utc>]) -> bool {
    let Some((last, finished)) = trail.steps.iter().enumerate().rev().find(|(_, s)| automated(s)) else {
        return false;
    };
    let finished = finished.at;
    let within = |at: DateTime<Utc>| at > finished && at <= finished + RETURN_WINDOW;
    let handed_over = trail.with_people || trail.steps.iter().any(|s| s.kind == DecisionKind::Handoff);
    let asked_again = trail
        .steps
        .iter()
        .skip(last + 1)
        .any(|s| s.kind == DecisionKind::Clarify && s.at <= finished + RETURN_WINDOW);
    let returned = trail.reopened.iter().any(|at| within(*at)) || others_started.iter().any(|at| within(*at));
    !handed_over && !asked_again && !returned
}

/// The figures of a set of automated conversations.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct AutomationFigures {
    /// Conversations in which the bot resolved or answered.
    pub conversations: i64,
    /// Of those, the ones the bot finished itself.
    pub contained: i64,
    /// `contained` / `conversations` (0 without conversations).
    pub containment: f64,
    /// Of those, the ones after which the customer came back unhappy.
    pub false_automation: i64,
    /// `false_automation` / `conversations` (0 without conversations).
    pub false_automation_rate: f64,
}

impl AutomationFigures {
    fn add(&mut self, contained: bool, false_automation: bool) {
        self.conversations += 1;
        self.contained += i64::from(contained);
        self.false_automation += i64::from(false_automation);
        let all = num::i64_to_f64(self.conversations);
        self.containment = num::i64_to_f64(self.contained) / all;
        self.false_automation_rate = num::i64_to_f64(self.false_automation) / all;
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct IntentAutomation {
    pub intent: String,
    #[serde(flatten)]
    pub figures: AutomationFigures,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DayAutomation {
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    #[serde(flatten)]
    pub figures: AutomationFigures,
}

/// The days covered, both included (UTC).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AutomationWindow {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Containment and false automation over a window.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AutomationReport {
    pub window: AutomationWindow,
    /// How long after a resolve or answer a return counts (hours).
    pub return_window_hours: i64,
    pub overall: AutomationFigures,
    /// Per intent of the bot's first resolve or answer, most conversations first.
    pub intents: Vec<IntentAutomation>,
    /// One entry per day of the window, oldest first.
    pub days: Vec<DayAutomation>,
}

/// Which days to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// The last `n` days, today (UTC) included.
    Days(u32),
    /// From one day to another, both included.
    Range { from: NaiveDate, to: NaiveDate },
}

/// The first and last day of a period (at most [`MAX_DAYS`] days).
pub fn window(period: Period, today: NaiveDate) -> Result<(NaiveDate, NaiveDate)> {
    let (from, to) = match period {
        Period::Days(days) => {
            super::check_days(days)?;
            (today - Duration::days(i64::from(days) - 1), today)
        }
        Period::Range { from, to } => (from, to),
    };
    if from > to || (to - from).num_days() >= i64::from(MAX_DAYS) {
        return Err(Error::invalid(
            ErrorCode::InvalidWindow,
            format!("from must not be after to, and the window at most {MAX_DAYS} days"),
        ));
    }
    Ok((from, to))
}

fn midnight(day: NaiveDate) -> Result<DateTime<Utc>> {
    day.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .ok_or_else(|| Error::internal("no midnight on a day"))
}

/// The figures of the conversations whose first resolve or answer falls on a day of the window.
pub fn report(
    trails: &[AutomationTrail],
    from: NaiveDate,
    to: NaiveDate,
    threshold: f32,
) -> AutomationReport {
    let mut by_customer: BTreeMap<CustomerId, Vec<&AutomationTrail>> = BTreeMap::new();
    for t in trails {
        by_customer.entry(t.customer_id).or_default().push(t);
    }
    let mut overall = AutomationFigures::default();
    let mut intents: BTreeMap<String, AutomationFigures> = BTreeMap::new();
    let mut days: BTreeMap<NaiveDate, AutomationFigures> = BTreeMap::new();
    for trail in trails {
        let Some(first) = trail.steps.iter().find(|s| automated(s)) else {
            continue;
        };
        let day = first.at.date_naive();
        if day < from || day > to {
            continue;
        }
        let others: Vec<&AutomationTrail> = by_customer
            .get(&trail.customer_id)
            .map(|all| {
                all.iter()
                    .filter(|o| o.conversation_id != trail.conversation_id)
                    .copied()
                    .collect()
            })
            .unwrap_or_default();
        let started: Vec<DateTime<Utc>> = others.iter().map(|o| o.started_at).collect();
        let elsewhere: Vec<AutomationStep> = others.iter().flat_map(|o| o.steps.iter().cloned()).collect();
        let unhappy = false_automation(&trail.steps, &trail.reopened, &elsewhere, threshold).is_some();
        let contained = contained(trail, &started) && !unhappy;
        overall.add(contained, unhappy);
        let intent = first.intent.clone().unwrap_or_else(|| "unknown".to_owned());
        intents.entry(intent).or_default().add(contained, unhappy);
        days.entry(day).or_default().add(contained, unhappy);
    }
    let mut intents: Vec<IntentAutomation> = intents
        .into_iter()
        .map(|(intent, figures)| IntentAutomation { intent, figures })
        .collect();
    intents.sort_by_key(|i| std::cmp::Reverse(i.figures.conversations));
    let days = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|d| DayAutomation {
            date: tandem_core::clock::day_name(d),
            figures: days.remove(&d).unwrap_or_default(),
        })
        .collect();
    AutomationReport {
        window: AutomationWindow { from, to },
        return_window_hours: RETURN_WINDOW.num_hours(),
        overall,
        intents,
        days,
    }
}

impl Insights<'_> {
    /// Containment and false automation over the period, overall, per intent and per day.
    pub async fn automation(&self, staff: &Staff, period: Period) -> Result<AutomationReport> {
        staff.require(Permission::ViewInsights)?;
        let (from, to) = window(period, self.engine.now().date_naive())?;
        let start = midnight(from)?;
        let end = midnight(to)?
            .checked_add_signed(Duration::days(1))
            .ok_or_else(|| Error::invalid(ErrorCode::InvalidWindow, "the window is out of range"))?;
        let trails = self.engine.store.automation_trails(start, end).await?;
        let threshold = self
            .engine
            .runtime()
            .bot()
            .map(|b| b.pack.manifest.policy.frustration_handoff)
            .unwrap_or_else(|| crate::pack::model::PolicySettings::default().frustration_handoff);
        Ok(report(&trails, from, to, threshold))
    }
}

#[cfg(test)]
#[path = "automation_tests.rs"]
mod tests;
