//! Preparing a case for people: the team (the intent's, else the pack's default), the priority
//! (the policy's), the service-level targets of that priority, and the summary agents read first.

use tandem_core::decision::HandoffReason;
use tandem_core::model::ConversationStatus;
use tandem_store::ConversationChange;

use super::act::Action;
use super::{policy, summary, Pipeline, Turn};
use crate::Result;

impl Pipeline<'_> {
    /// The change that hands the conversation to people for `reason`.
    pub(crate) async fn handoff(
        &self,
        turn: &Turn<'_>,
        action: &Action,
        reason: HandoffReason,
    ) -> Result<ConversationChange> {
        let bot = &turn.bot;
        let manifest = &bot.pack.manifest;
        let def = action.intent.as_ref().and_then(|i| bot.intents.get(i));
        let team_name = def
            .and_then(|d| d.team.clone())
            .or_else(|| manifest.routing.default_team.clone());
        let team = match team_name {
            Some(name) => self.engine.store.team_by_name(name.as_str()).await?.map(|t| t.id),
            None => None,
        };
        let priority = policy::handoff_priority(def, &turn.triage.signals, &manifest.policy);
        let earlier = self
            .engine
            .store
            .count_customer_conversations(turn.conversation.customer.id)
            .await
            .map(|n| usize::try_from(n.saturating_sub(1)).unwrap_or(0))
            .unwrap_or(0);
        let summary = summary::summarize(&summary::SummaryInput {
            conversation: turn.conversation,
            messages: &turn.messages,
            history: &turn.history,
            triage: &turn.triage,
            reason,
            intent: def,
            intents: &bot.intents,
            earlier_conversations: earlier,
        });
        let sla_due = manifest.routing.sla.get(priority.as_str()).map(|target| {
            let now = self.engine.now();
            let minutes = |m: u32| chrono::Duration::minutes(i64::from(m));
            (
                now + minutes(target.first_response_minutes),
                now + minutes(target.resolution_minutes),
            )
        });
        Ok(ConversationChange {
            status: Some(ConversationStatus::Queued),
            priority: Some(priority),
            team: team.map(Some),
            handoff: Some(reason),
            summary: Some(summary),
            sla_due,
            ..Default::default()
        })
    }
}
