//! A customer's health: a score from 0 to 100 (100 = healthy), a risk level and the reasons, in
//! words an agent reads, computed from what Tandem saw of the customer (their conversations and
//! the bot's decision records). Every rule is here, and docs/customers.md states them.
//!
//! The score starts at 100 and each rule that finds trouble takes points off (each rule at most
//! its cap), looking back 90 days:
//!
//! | rule | points | cap |
//! | --- | --- | --- |
//! | frustrated in a conversation of the last 30 days | 20 each | 40 |
//! | frustrated in a conversation 31 to 90 days ago | 10 each | 20 |
//! | a risk intent (cancellation, complaint ...) in a conversation | 20 each | 40 |
//! | 3 or more conversations started within 7 days (in the last 30) | 10 | 10 |
//! | the bot could not help (handed over after repeated failures or a failed action) | 5 each | 10 |
//! | came back after a case was resolved (reopened) | 10 each | 20 |
//! | a case waiting for or with a person now | 5 each | 10 |
//!
//! A conversation is *frustrated* when a message in it scored [`FRUSTRATED`] or more on the
//! frustration signal, or it was handed over for frustration. Risk is high below 40, medium below
//! 70, low from 70; and whatever the score, frustration or a risk intent in the last 30 days makes
//! it at least medium, and both together make it high: a customer who is angry and asks to cancel
//! is at risk even if they were content for years. The customer's value never changes the score.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use tandem_core::decision::{DecisionKind, HandoffReason};
use tandem_core::model::ConversationStatus;
use tandem_store::{CustomerCase, CustomerHistory, CustomerStep};
use utoipa::ToSchema;

/// How far back the rules look.
pub const LOOKBACK_DAYS: i64 = 90;
/// What counts as recent.
pub const RECENT_DAYS: i64 = 30;
/// The frustration score from which a message counts as frustrated: the detector judges the
/// customer more frustrated than not.
pub const FRUSTRATED: f32 = 0.5;
/// Conversations started within [`BURST_DAYS`] that count as repeated contacts.
const BURST_CONTACTS: usize = 3;
const BURST_DAYS: i64 = 7;

/// Points off per occurrence and the most a rule takes off.
struct Weight {
    each: u32,
    cap: u32,
}

const FRUSTRATED_RECENT: Weight = Weight { each: 20, cap: 40 };
const FRUSTRATED_OLDER: Weight = Weight { each: 10, cap: 20 };
const RISK_INTENT: Weight = Weight { each: 20, cap: 40 };
const REPEATED_CONTACTS: Weight = Weight { each: 10, cap: 10 };
const BOT_FAILED: Weight = Weight { each: 5, cap: 10 };
const REOPENED: Weight = Weight { each: 10, cap: 20 };
const OPEN_CASE: Weight = Weight { each: 5, cap: 10 };

/// Scores below this are high risk.
const HIGH_BELOW: u32 = 40;
/// Scores below this (and from [`HIGH_BELOW`]) are medium risk.
const MEDIUM_BELOW: u32 = 70;

/// How likely the customer is to leave.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    #[default]
    Low,
    Medium,
    High,
}

impl Risk {
    pub const ALL: [Risk; 3] = [Risk::Low, Risk::Medium, Risk::High];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text.trim())
    }
}

/// A customer's health.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Health {
    /// 0 to 100; 100 is healthy.
    pub score: u32,
    pub risk: Risk,
    /// Why, in plain words, the weightiest first.
    pub reasons: Vec<String>,
}

/// The health and what the offers' rules read from the same history.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    pub health: Health,
    /// Conversations in the last 30 days in which the customer was frustrated.
    pub frustrated_recent: usize,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn day(at: DateTime<Utc>) -> String {
    tandem_core::clock::day_name(at.date_naive())
}

/// Whether the customer was frustrated in the conversation.
pub fn frustrated(case: &CustomerCase) -> bool {
    case.handoff_reason == Some(HandoffReason::Frustration)
        || case
            .steps
            .iter()
            .any(|s| s.frustration >= FRUSTRATED || s.handoff_reason == Some(HandoffReason::Frustration))
}

/// Whether a decision shows the customer asking for its intent: the bot acted on it, or asked
/// for a value it needs (not a "did you mean ...?" or "please rephrase").
fn asked_for(step: &CustomerStep) -> bool {
    step.intent.is_some() && (step.kind != DecisionKind::Clarify || step.slot.is_some())
}

/// The most conversations started within `BURST_DAYS` of one another.
fn densest_burst(starts: &[DateTime<Utc>]) -> usize {
    let mut sorted = starts.to_vec();
    sorted.sort();
    let window = Duration::days(BURST_DAYS);
    let mut best = 0;
    let mut first = 0;
    for (last, at) in sorted.iter().enumerate() {
        while sorted.get(first).is_some_and(|f| *at - *f >= window) {
            first += 1;
        }
        best = best.max(last + 1 - first);
    }
    best
}

/// The customer's health from their history, as of `now`. `risk_intents` maps intent names to the
/// words a reason says them in (`[customers] risk_intents` of the pack).
pub fn assess(
    history: &CustomerHistory,
    risk_intents: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Assessment {
    let lookback = now - Duration::days(LOOKBACK_DAYS);
    let recent_from = now - Duration::days(RECENT_DAYS);
    let cases: Vec<&CustomerCase> = history
        .cases
        .iter()
        .filter(|c| c.last_message_at >= lookback)
        .collect();
    let recent: Vec<&CustomerCase> = cases
        .iter()
        .copied()
        .filter(|c| c.last_message_at >= recent_from)
        .collect();
    let older: Vec<&CustomerCase> = cases
        .iter()
        .copied()
        .filter(|c| c.last_message_at < recent_from)
        .collect();
    // (points off, the rule's weight, reason), in the order the rules are listed above.
    let mut found: Vec<(u32, u32, String)> = Vec::new();
    let take = |found: &mut Vec<(u32, u32, String)>, weight: &Weight, n: usize, reason: String| {
        if n > 0 {
            let points = weight.each.saturating_mul(count(n)).min(weight.cap);
            found.push((points, weight.each, reason));
        }
    };

    let frustrated_recent = recent.iter().filter(|c| frustrated(c)).count();
    take(
        &mut found,
        &FRUSTRATED_RECENT,
        frustrated_recent,
        format!(
            "Frustrated in {frustrated_recent} of {} in the last {RECENT_DAYS} days",
            plural(recent.len(), "conversation")
        ),
    );
    let frustrated_older = older.iter().filter(|c| frustrated(c)).count();
    take(
        &mut found,
        &FRUSTRATED_OLDER,
        frustrated_older,
        format!(
            "Frustrated in {frustrated_older} of {} {RECENT_DAYS} to {LOOKBACK_DAYS} days ago",
            plural(older.len(), "conversation")
        ),
    );

    // Each risk intent: the conversations it was asked for in, and when last.
    let mut risky: BTreeMap<&str, (usize, DateTime<Utc>)> = BTreeMap::new();
    let mut risky_recent = false;
    for case in &cases {
        let mut seen: Vec<&str> = Vec::new();
        for step in case.steps.iter().filter(|s| asked_for(s)) {
            let Some(intent) = step.intent.as_deref() else {
                continue;
            };
            if !risk_intents.contains_key(intent) {
                continue;
            }
            risky_recent |= step.at >= recent_from;
            let entry = risky.entry(intent).or_insert((0, step.at));
            entry.1 = entry.1.max(step.at);
            if !seen.contains(&intent) {
                seen.push(intent);
                entry.0 += 1;
            }
        }
    }
    let mut risk_reasons: Vec<(DateTime<Utc>, usize, String)> = risky
        .iter()
        .map(|(intent, (n, last))| {
            let words = risk_intents.get(*intent).map(|w| w.trim()).unwrap_or(*intent);
            let text = if *n == 1 {
                format!("{words} on {}", day(*last))
            } else {
                format!("{words} in {n} conversations, last on {}", day(*last))
            };
            (*last, *n, capitalised(&text))
        })
        .collect();
    risk_reasons.sort_by_key(|r| std::cmp::Reverse(r.0));
    // The intents share one cap (the latest take their points first); each gets its own reason.
    let mut left = RISK_INTENT.cap;
    for (_, n, reason) in risk_reasons {
        let points = left.min(RISK_INTENT.each.saturating_mul(count(n)));
        left -= points;
        found.push((points, RISK_INTENT.each, reason));
    }

    let starts: Vec<DateTime<Utc>> = recent.iter().map(|c| c.started_at).collect();
    let burst = densest_burst(&starts);
    if burst >= BURST_CONTACTS {
        take(
            &mut found,
            &REPEATED_CONTACTS,
            1,
            format!("{burst} contacts within {BURST_DAYS} days"),
        );
    }
    let failed = cases
        .iter()
        .filter(|c| {
            c.steps.iter().any(|s| {
                matches!(
                    s.handoff_reason,
                    Some(HandoffReason::RepeatedFailure | HandoffReason::ActionFailed)
                )
            })
        })
        .count();
    take(
        &mut found,
        &BOT_FAILED,
        failed,
        format!("The bot could not help in {}", plural(failed, "conversation")),
    );
    let reopened: Vec<DateTime<Utc>> = cases
        .iter()
        .flat_map(|c| c.reopened.iter().copied())
        .filter(|at| *at >= lookback)
        .collect();
    if let Some(last) = reopened.iter().max() {
        let times = if reopened.len() == 1 {
            "once".to_owned()
        } else {
            format!("{} times", reopened.len())
        };
        take(
            &mut found,
            &REOPENED,
            reopened.len(),
            format!(
                "Came back after a case was resolved {times}, last on {}",
                day(*last)
            ),
        );
    }
    let open = history
        .cases
        .iter()
        .filter(|c| {
            matches!(
                c.status,
                ConversationStatus::Queued | ConversationStatus::Assigned
            )
        })
        .count();
    take(
        &mut found,
        &OPEN_CASE,
        open,
        format!(
            "{open} open case{} with a person, not resolved yet",
            if open == 1 { "" } else { "s" }
        ),
    );

    let lost: u32 = found.iter().map(|(p, _, _)| *p).sum();
    let score = 100u32.saturating_sub(lost);
    let mut risk = if score < HIGH_BELOW {
        Risk::High
    } else if score < MEDIUM_BELOW {
        Risk::Medium
    } else {
        Risk::Low
    };
    let floor = match (frustrated_recent > 0, risky_recent) {
        (true, true) => Risk::High,
        (true, false) | (false, true) => Risk::Medium,
        (false, false) => Risk::Low,
    };
    risk = risk.max(floor);
    // The weightiest rules first; equal ones in the order of the rules.
    found.sort_by_key(|f| std::cmp::Reverse(f.1));
    let mut reasons: Vec<String> = found.into_iter().map(|(_, _, r)| r).collect();
    if reasons.is_empty() {
        reasons.push(if cases.is_empty() {
            format!("No conversation in the last {LOOKBACK_DAYS} days")
        } else {
            format!(
                "No sign of trouble in {} in the last {LOOKBACK_DAYS} days",
                plural(cases.len(), "conversation")
            )
        });
    }
    Assessment {
        health: Health { score, risk, reasons },
        frustrated_recent,
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

#[cfg(test)]
#[path = "health_tests.rs"]
mod tests;
