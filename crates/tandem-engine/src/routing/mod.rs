//! Routing: a handed-over case goes to the least-loaded available agent of its team who has room
//! for it; agents can also take the next case from the queue. Both go through the store's guarded
//! assignment, so a case is never assigned twice, even across instances.

use tandem_core::event::Actor;
use tandem_core::model::{Conversation, ConversationStatus, Role};
use tandem_core::permission::Permission;

use crate::auth::Staff;
use crate::{Engine, Result};

/// Assignment, take-next, availability and service levels.
#[derive(Clone, Copy)]
pub struct Routing<'e> {
    pub(crate) engine: &'e Engine,
}

impl Routing<'_> {
    /// Assigns a queued case to the least-loaded available agent of its team (agents with fewer
    /// than `capacity` open cases). Leaves it queued when nobody fits.
    pub(crate) async fn route(
        &self,
        conversation: &Conversation,
        capacity: u32,
    ) -> Result<Option<Conversation>> {
        if conversation.status != ConversationStatus::Queued || conversation.assignee_id.is_some() {
            return Ok(None);
        }
        let loads = self.engine.store.agent_loads().await?;
        let best = loads
            .iter()
            .filter(|l| l.available && l.user.active && l.user.role == Role::Agent)
            .filter(|l| l.open_cases < i64::from(capacity))
            .filter(|l| {
                conversation
                    .team_id
                    .is_none_or(|team| l.user.team_ids.contains(&team))
            })
            .min_by_key(|l| (l.open_cases, l.user.id));
        let Some(best) = best else { return Ok(None) };
        match self
            .engine
            .store
            .assign_if_unassigned(conversation.id, best.user.id, Actor::System)
            .await?
        {
            Some((assigned, _)) => {
                tracing::info!(conversation = %assigned.id, agent = %best.user.id, "case routed");
                self.engine.events().publish_committed().await;
                Ok(Some(assigned))
            }
            None => Ok(None),
        }
    }

    /// Gives the calling agent the most urgent, oldest queued case of their teams (any team's when
    /// they belong to none).
    pub async fn take_next(&self, staff: &Staff) -> Result<Option<Conversation>> {
        staff.require(Permission::ManageConversations)?;
        let claimed = self
            .engine
            .store
            .claim_next(staff.user().id, &staff.user().team_ids)
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
