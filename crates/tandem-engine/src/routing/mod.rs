//! Routing: a handed-over case goes to the least-loaded available agent of its team who has room
//! for it and holds the certification the pack requires for its kind of case (`routing.require`);
//! agents can also take the next case from the queue, except cases kept for a certification they
//! lack. Both go through the store's guarded assignment, so a case is never assigned twice, even
//! across instances. Why an agent was or was not chosen goes into the decision record.

mod plan;

use tandem_core::decision::HandoffReason;
use tandem_core::event::Actor;
use tandem_core::ids::{TeamId, UserId};
use tandem_core::model::{Conversation, ConversationStatus};
use tandem_core::permission::Permission;

use crate::pack::model::{RoutingSettings, WhenNoneCertified};
pub(crate) use plan::Plan;

use crate::auth::Staff;
use crate::{Engine, Result};

/// Assignment, take-next, availability and service levels.
#[derive(Clone, Copy)]
pub struct Routing<'e> {
    pub(crate) engine: &'e Engine,
}

impl Routing<'_> {
    /// Chooses who a case handed over for `reason` to `team` goes to (see [`plan::choose`]); the
    /// reasons go into the decision record.
    pub(crate) async fn plan(
        &self,
        team: Option<TeamId>,
        reason: HandoffReason,
        settings: &RoutingSettings,
    ) -> Result<Plan> {
        let loads = self.engine.store.agent_loads().await?;
        let rule = settings.require.iter().find(|r| r.handoff_reason == reason);
        let certified = match rule {
            Some(rule) => self
                .engine
                .store
                .certifications(None)
                .await?
                .into_iter()
                .filter(|c| c.skill == rule.certification)
                .map(|c| c.user_id)
                .collect(),
            None => Vec::new(),
        };
        Ok(plan::choose(&plan::Candidates {
            loads: &loads,
            team,
            capacity: settings.agent_capacity,
            rule,
            certified: &certified,
        }))
    }

    /// Assigns a queued case to the planned agent. `None` when it is not queued any more, someone
    /// else holds it, or there is nobody to assign it to.
    pub(crate) async fn assign(
        &self,
        conversation: &Conversation,
        agent: Option<UserId>,
    ) -> Result<Option<Conversation>> {
        let Some(agent) = agent else { return Ok(None) };
        if conversation.status != ConversationStatus::Queued || conversation.assignee_id.is_some() {
            return Ok(None);
        }
        match self
            .engine
            .store
            .assign_if_unassigned(conversation.id, agent, Actor::System)
            .await?
        {
            Some((assigned, _)) => {
                tracing::info!(conversation = %assigned.id, %agent, "case routed");
                self.engine.events().publish_committed().await;
                Ok(Some(assigned))
            }
            None => Ok(None),
        }
    }

    /// The handoff reasons whose cases `staff` may not take: those the pack keeps for a
    /// certification they do not hold (unless the pack lets anyone take them).
    async fn withheld(&self, staff: &Staff) -> Result<Vec<String>> {
        let Some(bot) = self.engine.runtime().bot() else {
            return Ok(Vec::new());
        };
        let rules = &bot.pack.manifest.routing.require;
        if rules.is_empty() {
            return Ok(Vec::new());
        }
        let held = self.engine.store.certifications(Some(staff.user().id)).await?;
        Ok(rules
            .iter()
            .filter(|r| r.when_none == WhenNoneCertified::Wait)
            .filter(|r| !held.iter().any(|c| c.skill == r.certification))
            .map(|r| r.handoff_reason.as_str().to_owned())
            .collect())
    }

    /// Gives the calling agent the most urgent, oldest queued case of their teams (any team's when
    /// they belong to none).
    pub async fn take_next(&self, staff: &Staff) -> Result<Option<Conversation>> {
        staff.require(Permission::ManageConversations)?;
        let withheld = self.withheld(staff).await?;
        let claimed = self
            .engine
            .store
            .claim_next(staff.user().id, &staff.user().team_ids, &withheld)
            .await?;
        if claimed.is_some() {
            self.engine.events().publish_committed().await;
        }
        Ok(claimed.map(|(c, _)| c))
    }

    /// Whether new cases may be routed to the calling staff member.
    pub async fn availability(&self, staff: &Staff) -> Result<bool> {
        Ok(self
            .engine
            .store
            .available(staff.user().id)
            .await?
            .unwrap_or(true))
    }

    /// Marks the calling staff member as available (or not) for new cases.
    pub async fn set_availability(&self, staff: &Staff, available: bool) -> Result<()> {
        self.engine.store.set_available(staff.user().id, available).await
    }
}

impl Routing<'_> {
    /// Records the service-level targets that have passed since the last check (one
    /// `sla_breached` event per missed target) and tells live clients. Returns how many.
    pub async fn check_sla(&self) -> Result<usize> {
        let events = self.engine.store.record_sla_breaches(self.engine.now()).await?;
        for event in &events {
            tracing::warn!(conversation = ?event.conversation_id, target = %event.data.get("target").unwrap_or(&serde_json::Value::Null), "service level missed");
        }
        if !events.is_empty() {
            self.engine.events().publish_committed().await;
        }
        Ok(events.len())
    }
}
