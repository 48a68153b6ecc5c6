//! Choosing the agent for a case handed to people, with the reasons in words: the least-loaded
//! available agent of the case's team with room for it, among those holding the certification the
//! pack requires for its kind of case. When nobody certified fits, the case waits in the queue
//! (or, when the pack says so, goes to any agent), and the reasons say so.

use tandem_core::ids::{TeamId, UserId};
use tandem_core::model::Role;
use tandem_store::AgentLoad;

use crate::pack::model::{CertificationRule, WhenNoneCertified};

/// Who gets the case (nobody: it waits) and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub agent: Option<UserId>,
    pub reasons: Vec<String>,
}

/// What the choice is made from.
pub struct Candidates<'a> {
    pub loads: &'a [AgentLoad],
    pub team: Option<TeamId>,
    pub capacity: u32,
    /// The pack's requirement for this kind of case.
    pub rule: Option<&'a CertificationRule>,
    /// Who holds the required certification.
    pub certified: &'a [UserId],
}

/// Names listed in a reason, at most.
const NAMED: usize = 5;

fn names<'a>(loads: impl Iterator<Item = &'a AgentLoad>) -> String {
    let all: Vec<&str> = loads.map(|l| l.user.name.as_str()).collect();
    let mut shown = all.iter().take(NAMED).copied().collect::<Vec<_>>().join(", ");
    if all.len() > NAMED {
        shown.push_str(&format!(" and {} more", all.len() - NAMED));
    }
    shown
}

/// The least-loaded of `loads` (ties: the lowest id, so the choice is repeatable).
fn least_loaded<'a>(loads: impl Iterator<Item = &'a AgentLoad>) -> Option<&'a AgentLoad> {
    loads.min_by_key(|l| (l.open_cases, l.user.id))
}

pub fn choose(c: &Candidates<'_>) -> Plan {
    let capacity = i64::from(c.capacity);
    let fitting: Vec<&AgentLoad> = c
        .loads
        .iter()
        .filter(|l| l.available && l.user.active && l.user.role == Role::Agent)
        .filter(|l| l.open_cases < capacity)
        .filter(|l| c.team.is_none_or(|team| l.user.team_ids.contains(&team)))
        .collect();
    let routed = |l: &AgentLoad, why: &str| {
        format!(
            "Routed to {}{why} ({} of {} cases open).",
            l.user.name, l.open_cases, c.capacity
        )
    };
    let Some(rule) = c.rule else {
        return match least_loaded(fitting.iter().copied()) {
            Some(best) => Plan {
                agent: Some(best.user.id),
                reasons: vec![routed(best, ", the least-loaded available agent of the team")],
            },
            None => Plan {
                agent: None,
                reasons: vec!["Waits in the queue: no available agent of the team has room.".to_owned()],
            },
        };
    };
    let skill = rule.certification.as_str();
    let mut reasons = vec![format!(
        "Needs an agent certified in {skill}: handed over for {}.",
        rule.handoff_reason.as_str()
    )];
    let (certified, uncertified): (Vec<&AgentLoad>, Vec<&AgentLoad>) =
        fitting.iter().partition(|l| c.certified.contains(&l.user.id));
    if !uncertified.is_empty() {
        reasons.push(format!(
            "Not {}: not certified in {skill}.",
            names(uncertified.iter().copied())
        ));
    }
    if let Some(best) = least_loaded(certified.iter().copied()) {
        reasons.push(routed(
            best,
            &format!(
                ", certified in {skill}, the least-loaded of {} such agents",
                certified.len()
            ),
        ));
        return Plan {
            agent: Some(best.user.id),
            reasons,
        };
    }
    match rule.when_none {
        WhenNoneCertified::Wait => {
            reasons.push(format!(
                "Waits in the queue: no available agent certified in {skill} has room."
            ));
            Plan { agent: None, reasons }
        }
        WhenNoneCertified::Anyone => match least_loaded(uncertified.iter().copied()) {
            Some(best) => {
                reasons.push(routed(
                    best,
                    &format!(": nobody certified in {skill} was available and the pack lets anyone take it"),
                ));
                Plan {
                    agent: Some(best.user.id),
                    reasons,
                }
            }
            None => {
                reasons.push("Waits in the queue: no available agent of the team has room.".to_owned());
                Plan { agent: None, reasons }
            }
        },
    }
}
