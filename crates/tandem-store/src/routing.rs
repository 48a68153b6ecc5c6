//! Routing: who is available with how many cases, guarded assignment, service levels.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_core::event::{Actor, Event};
use tandem_core::ids::{ConversationId, TeamId, UserId};
use tandem_core::model::Conversation;

use crate::Result;

/// How many open (assigned, not resolved) cases an agent holds.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentLoad {
    pub user: tandem_core::model::User,
    pub available: bool,
    pub open_cases: i64,
}

#[async_trait]
pub trait RoutingStore: Send + Sync {
    /// Every active staff member with availability and the number of assigned, unresolved cases.
    async fn agent_loads(&self) -> Result<Vec<AgentLoad>>;
    /// Whether new cases may be routed to the user; `None` for an unknown user.
    async fn available(&self, user: UserId) -> Result<Option<bool>>;
    async fn set_available(&self, user: UserId, available: bool) -> Result<()>;
    /// Assigns a queued, unassigned conversation to the user; `None` when someone else already
    /// holds it (the row is locked while checking, so a case is never assigned twice).
    async fn assign_if_unassigned(
        &self,
        conversation: ConversationId,
        user: UserId,
        actor: Actor,
    ) -> Result<Option<(Conversation, Vec<Event>)>>;
    /// Takes the most urgent, oldest queued case (of one of the teams, or any when `teams` is empty)
    /// for the user, passing over snoozed ones and those handed over for one of the `withheld`
    /// reasons (cases that need a certification the user lacks). Concurrent callers never get the
    /// same case.
    async fn claim_next(
        &self,
        user: UserId,
        teams: &[TeamId],
        withheld: &[String],
    ) -> Result<Option<(Conversation, Vec<Event>)>>;
    /// Marks open cases whose first-response or resolution target has passed and records one
    /// `sla_breached` event per missed target (each target is recorded once).
    async fn record_sla_breaches(&self, now: DateTime<Utc>) -> Result<Vec<Event>>;
}
