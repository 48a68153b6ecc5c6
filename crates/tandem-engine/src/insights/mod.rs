//! Insights, numbers only: how much the bot settles itself, why cases go to people, how full the
//! queues are; root causes and their owners, the topics of what the bot did not understand,
//! customers' health and offers, and their satisfaction. The charts are drawn by the server's UI.

pub mod automation;
pub mod csat;
pub mod health;
pub mod profile;
pub mod root_causes;
pub mod topics;

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use tandem_core::decision::{DecisionKind, HandoffReason};
use tandem_core::model::ConversationStatus;
use tandem_core::permission::Permission;
use tandem_core::{Error, ErrorCode};
use utoipa::ToSchema;

use crate::auth::Staff;
use crate::num;
use crate::{Engine, Result};

/// Numbers about automation, handoffs and queues.
#[derive(Clone, Copy)]
pub struct Insights<'e> {
    pub(crate) engine: &'e Engine,
}

pub const MAX_DAYS: u32 = 90;

/// The summary behind the insights page.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InsightsSummary {
    /// The days covered, today (UTC) included.
    pub days: u32,
    /// Conversations started in those days.
    pub conversations: i64,
    /// Decisions the bot made in those days.
    pub bot_decisions: i64,
    /// Of those, the ones it settled itself (resolved with a connector or answered from an article).
    pub automated: i64,
    /// `automated` / (`automated` + handoffs): the share of conclusive decisions the bot settled;
    /// 0 when there were none.
    pub automation_rate: f64,
    /// Handoffs per reason (every reason listed, zeros included).
    pub handoffs: BTreeMap<String, i64>,
    pub queues: Queues,
    /// One entry per day, oldest first.
    pub daily: Vec<DailyHandoffs>,
    /// Customer satisfaction over each conversation's latest rating given in those days.
    pub csat: csat::Csat,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Queues {
    /// Conversations now per status (`bot`, `queued`, `assigned`, `resolved`).
    pub by_status: BTreeMap<String, i64>,
    /// Open (queued or assigned) conversations now per team; every team is listed.
    pub by_team: Vec<TeamQueue>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TeamQueue {
    /// Null for cases without a team.
    pub team_id: Option<String>,
    pub team: String,
    pub open: i64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DailyHandoffs {
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    /// Handoffs that day per reason (only reasons that occurred).
    pub handoffs: BTreeMap<String, i64>,
}

/// Midnight (UTC) at the start of `day`.
pub(crate) fn day_start(day: NaiveDate) -> Result<chrono::DateTime<chrono::Utc>> {
    day.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .ok_or_else(|| Error::internal("no midnight on that day"))
}

/// The last `days` days, today (UTC) included.
pub(crate) struct DaysWindow {
    pub today: NaiveDate,
    pub first: NaiveDate,
    /// Midnight at the start of `first`.
    pub since: chrono::DateTime<chrono::Utc>,
}

pub(crate) fn check_days(days: u32) -> Result<()> {
    if (1..=MAX_DAYS).contains(&days) {
        Ok(())
    } else {
        Err(Error::invalid(
            ErrorCode::InvalidDays,
            format!("days must be between 1 and {MAX_DAYS}"),
        ))
    }
}

impl Insights<'_> {
    /// The window of the last `days` days (1 to 90, else `invalid_days`) by the engine's clock.
    pub(crate) fn window(&self, days: u32) -> Result<DaysWindow> {
        check_days(days)?;
        let today = self.engine.now().date_naive();
        let first = today - Duration::days(i64::from(days) - 1);
        Ok(DaysWindow {
            today,
            first,
            since: day_start(first)?,
        })
    }

    /// Counts over the last `days` days (1 to 90) and the queues now.
    pub async fn summary(&self, staff: &Staff, days: u32) -> Result<InsightsSummary> {
        staff.require(Permission::ViewInsights)?;
        let DaysWindow { first, since, .. } = self.window(days)?;
        let counts = self.engine.store.insight_counts(since).await?;
        let teams = self.engine.store.list_teams().await?;

        let mut bot_decisions = 0;
        let mut automated = 0;
        let mut handoffs: BTreeMap<String, i64> = HandoffReason::ALL
            .iter()
            .map(|r| (r.as_str().to_owned(), 0))
            .collect();
        let mut per_day: BTreeMap<NaiveDate, BTreeMap<String, i64>> = BTreeMap::new();
        for t in &counts.decisions {
            bot_decisions += t.count;
            match t.kind {
                DecisionKind::Resolve | DecisionKind::Answer => automated += t.count,
                DecisionKind::Handoff => {
                    let reason = t.handoff_reason.map(|r| r.as_str()).unwrap_or("policy");
                    *handoffs.entry(reason.to_owned()).or_default() += t.count;
                    *per_day
                        .entry(t.day)
                        .or_default()
                        .entry(reason.to_owned())
                        .or_default() += t.count;
                }
                _ => {}
            }
        }
        let handed: i64 = handoffs.values().sum();
        let automation_rate = if automated + handed > 0 {
            num::i64_to_f64(automated) / num::i64_to_f64(automated + handed)
        } else {
            0.0
        };
        let daily = (0..days)
            .map(|i| {
                let day = first + Duration::days(i64::from(i));
                DailyHandoffs {
                    date: tandem_core::clock::day_name(day),
                    handoffs: per_day.remove(&day).unwrap_or_default(),
                }
            })
            .collect();
        let mut by_status: BTreeMap<String, i64> = ConversationStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), 0))
            .collect();
        for (status, n) in &counts.by_status {
            by_status.insert(status.as_str().to_owned(), *n);
        }
        let mut by_team: Vec<TeamQueue> = teams
            .iter()
            .map(|t| TeamQueue {
                team_id: Some(t.id.to_string()),
                team: t.name.clone(),
                open: counts
                    .open_by_team
                    .iter()
                    .find(|(id, _)| *id == Some(t.id))
                    .map(|(_, n)| *n)
                    .unwrap_or(0),
            })
            .collect();
        by_team.sort_by(|a, b| a.team.cmp(&b.team));
        if let Some((_, n)) = counts.open_by_team.iter().find(|(id, _)| id.is_none()) {
            by_team.push(TeamQueue {
                team_id: None,
                team: "No team".to_owned(),
                open: *n,
            });
        }
        Ok(InsightsSummary {
            days,
            conversations: counts.conversations,
            bot_decisions,
            automated,
            automation_rate,
            handoffs,
            queues: Queues { by_status, by_team },
            daily,
            csat: self.csat_since(since).await?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_must_be_between_1_and_90() {
        assert!(check_days(0).is_err());
        assert!(check_days(91).is_err());
        assert!(check_days(1).is_ok() && check_days(90).is_ok());
    }
}
