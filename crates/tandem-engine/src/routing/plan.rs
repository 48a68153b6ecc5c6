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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use tandem_core::decision::HandoffReason;
    use tandem_core::model::User;

    fn agent(n: u128, name: &str, open_cases: i64, team: Option<TeamId>) -> AgentLoad {
        let user: User = serde_json::from_value(serde_json::json!({
            "id": uuid::Uuid::from_u128(n).to_string(),
            "email": format!("{n}@x.org"),
            "name": name,
            "role": "agent",
            "active": true,
            "team_ids": team.map(|t| vec![t.to_string()]).unwrap_or_default(),
            "created_at": "2026-12-01T00:00:00Z",
        }))
        .unwrap();
        AgentLoad {
            user,
            available: true,
            open_cases,
        }
    }

    fn rule(when_none: WhenNoneCertified) -> CertificationRule {
        CertificationRule {
            handoff_reason: HandoffReason::Frustration,
            certification: "de_escalation".into(),
            when_none,
        }
    }

    #[test]
    fn without_a_requirement_the_least_loaded_agent_of_the_team_gets_the_case() {
        let team: TeamId = uuid::Uuid::from_u128(9).to_string().parse().unwrap();
        let loads = [
            agent(1, "Ana", 2, Some(team)),
            agent(2, "Ben", 1, Some(team)),
            agent(3, "Cy", 0, None),
        ];
        let plan = choose(&Candidates {
            loads: &loads,
            team: Some(team),
            capacity: 5,
            rule: None,
            certified: &[],
        });
        assert_eq!(plan.agent, Some(loads[1].user.id));
        assert!(plan.reasons[0].starts_with("Routed to Ben"), "{:?}", plan.reasons);
    }

    #[test]
    fn a_required_certification_passes_over_busier_uncertified_agents_and_says_so() {
        let loads = [agent(1, "Ana", 3, None), agent(2, "Ben", 0, None)];
        let certified = [loads[0].user.id];
        let r = rule(WhenNoneCertified::Wait);
        let plan = choose(&Candidates {
            loads: &loads,
            team: None,
            capacity: 5,
            rule: Some(&r),
            certified: &certified,
        });
        assert_eq!(plan.agent, Some(loads[0].user.id), "Ana is certified, Ben is not");
        let text = plan.reasons.join(" ");
        assert!(
            text.contains("Needs an agent certified in de_escalation"),
            "{text}"
        );
        assert!(text.contains("Not Ben: not certified"), "{text}");
        assert!(text.contains("Routed to Ana"), "{text}");
    }

    #[test]
    fn when_nobody_certified_fits_the_case_waits_or_goes_to_anyone_as_the_pack_says() {
        let loads = [agent(1, "Ana", 5, None), agent(2, "Ben", 0, None)];
        let certified = [loads[0].user.id];
        let wait = rule(WhenNoneCertified::Wait);
        let candidates = |r| Candidates {
            loads: &loads,
            team: None,
            capacity: 5,
            rule: Some(r),
            certified: &certified,
        };
        let waiting = choose(&candidates(&wait));
        assert_eq!(waiting.agent, None, "Ana is full, Ben is not certified");
        assert!(waiting
            .reasons
            .last()
            .unwrap()
            .starts_with("Waits in the queue: no available agent certified"));
        let anyone = rule(WhenNoneCertified::Anyone);
        let fallback = choose(&candidates(&anyone));
        assert_eq!(fallback.agent, Some(loads[1].user.id));
        assert!(fallback
            .reasons
            .last()
            .unwrap()
            .contains("nobody certified in de_escalation was available"));
    }
}
