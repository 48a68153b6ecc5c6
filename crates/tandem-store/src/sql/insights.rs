//! The counts insights are computed from.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};
use tandem_core::decision::{DecisionKind, HandoffReason};
use tandem_core::event::{Actor, Change};
use tandem_core::ids::{ConversationId, TeamId};
use tandem_core::model::ConversationStatus;
use tandem_core::Error;

use std::collections::BTreeMap;

use super::{Dialect, SqlStore};
use crate::codec::{db_error, id, micros, time};
use crate::insights::{
    AutomationStep, AutomationTrail, CustomerCase, CustomerHistory, CustomerScope, CustomerStep,
    DecisionTally, InsightCounts, InsightStore,
};
use crate::Result;

const MICROS_PER_DAY: i64 = 86_400_000_000;

/// The conversations active since `$1` of the customers for whom the bot resolved or answered a
/// message in [`$1`, `$2`).
const TRAIL_CONVERSATIONS: &str = "SELECT c.id FROM conversations c WHERE c.last_message_at >= $1 \
     AND c.customer_id IN (SELECT a.customer_id FROM decisions d JOIN conversations a ON a.id = d.conversation_id \
     WHERE d.kind IN ('resolve', 'answer') AND d.created_at >= $1 AND d.created_at < $2)";

/// The part of a decision's detail the figures read: the frustration score.
#[derive(serde::Deserialize, Default)]
struct Detail {
    #[serde(default)]
    signals: DetailSignals,
}

#[derive(serde::Deserialize, Default)]
struct DetailSignals {
    #[serde(default)]
    frustration: DetailScore,
}

#[derive(serde::Deserialize, Default)]
struct DetailScore {
    #[serde(default)]
    score: f32,
}

/// Whether a `conversation_updated` event (its actor and data, as stored) is the customer reopening
/// a resolved conversation by writing in it.
fn reopens(actor: &str, data: &str) -> bool {
    let actor: Option<Actor> = serde_json::from_str(actor).ok();
    let data: serde_json::Value = serde_json::from_str(data).unwrap_or_default();
    actor == Some(Actor::Customer)
        && data.get("change") == Some(&serde_json::json!(Change::Status))
        && data.get("from").and_then(serde_json::Value::as_str) == Some("resolved")
}

/// The customers a history query covers, as the inside of `IN (...)`: the parameter `param` is the
/// customer's id or the moment of activity.
fn scope_filter(scope: CustomerScope, param: &str) -> String {
    match scope {
        CustomerScope::One(_) => param.to_owned(),
        CustomerScope::ActiveSince(_) => {
            format!("SELECT a.customer_id FROM conversations a WHERE a.last_message_at >= {param}")
        }
    }
}

type CustomerCountRow = (String, String, String, i64, i64);
type CaseRow = (String, String, String, i64, i64, Option<String>);
type CustomerStepRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    i64,
);

type StepRow = (
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    String,
    i64,
);

#[async_trait]
impl<DB> InsightStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    async fn insight_counts(&self, since: DateTime<Utc>) -> Result<InsightCounts> {
        let (conversations,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM conversations WHERE created_at >= $1")
                .bind(micros(since))
                .fetch_one(self.reader())
                .await
                .map_err(db_error)?;
        let rows: Vec<(i64, String, Option<String>, i64)> = sqlx::query_as(&format!(
            "SELECT created_at / {MICROS_PER_DAY} AS day, kind, handoff_reason, COUNT(*) FROM decisions \
             WHERE created_at >= $1 GROUP BY created_at / {MICROS_PER_DAY}, kind, handoff_reason ORDER BY 1, 2, 3"
        ))
        .bind(micros(since))
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        let mut decisions = Vec::with_capacity(rows.len());
        for (day, kind, reason, count) in rows {
            let day = DateTime::<Utc>::from_timestamp(day.saturating_mul(86_400), 0)
                .ok_or_else(|| Error::internal("a decision has an impossible date"))?
                .date_naive();
            decisions.push(DecisionTally {
                day,
                kind: DecisionKind::parse(&kind)?,
                handoff_reason: reason.as_deref().map(HandoffReason::parse).transpose()?,
                count,
            });
        }
        let statuses: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, COUNT(*) FROM conversations GROUP BY status ORDER BY status")
                .fetch_all(self.reader())
                .await
                .map_err(db_error)?;
        let by_status = statuses
            .into_iter()
            .map(|(s, n)| Ok((ConversationStatus::parse(&s)?, n)))
            .collect::<Result<Vec<_>>>()?;
        let teams: Vec<(Option<String>, i64)> = sqlx::query_as(
            "SELECT team_id, COUNT(*) FROM conversations WHERE status IN ('queued', 'assigned') \
             GROUP BY team_id ORDER BY team_id",
        )
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        let open_by_team = teams
            .into_iter()
            .map(|(t, n)| Ok((t.as_deref().map(id::<TeamId>).transpose()?, n)))
            .collect::<Result<Vec<_>>>()?;
        Ok(InsightCounts {
            conversations,
            decisions,
            by_status,
            open_by_team,
        })
    }

    async fn automation_trails(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<AutomationTrail>> {
        let conversations: Vec<(String, String, i64, i64)> = sqlx::query_as(&format!(
            "SELECT c.id, c.customer_id, c.created_at, CAST(CASE WHEN c.handoff_reason IS NOT NULL OR EXISTS \
             (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.author = 'agent') THEN 1 ELSE 0 END \
             AS BIGINT) FROM conversations c WHERE c.id IN ({TRAIL_CONVERSATIONS}) ORDER BY c.created_at, c.id"
        ))
        .bind(micros(from))
        .bind(micros(to))
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        let mut trails = Vec::with_capacity(conversations.len());
        let mut index: BTreeMap<ConversationId, usize> = BTreeMap::new();
        for (conversation, customer, started, people) in conversations {
            let conversation_id: ConversationId = id(&conversation)?;
            index.insert(conversation_id, trails.len());
            trails.push(AutomationTrail {
                conversation_id,
                customer_id: id(&customer)?,
                started_at: time(started)?,
                with_people: people != 0,
                reopened: Vec::new(),
                steps: Vec::new(),
            });
        }
        let steps: Vec<StepRow> = sqlx::query_as(&format!(
            "SELECT d.conversation_id, d.message_id, (SELECT b.id FROM messages b WHERE b.conversation_id = \
             d.conversation_id AND b.author = 'bot' AND b.seq > m.seq ORDER BY b.seq LIMIT 1), d.kind, d.intent, \
             d.handoff_reason, d.detail, d.created_at FROM decisions d JOIN messages m ON m.id = d.message_id \
             WHERE d.conversation_id IN ({TRAIL_CONVERSATIONS}) ORDER BY d.seq"
        ))
        .bind(micros(from))
        .bind(micros(to))
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        for (conversation, message, reply, kind, intent, reason, detail, at) in steps {
            let conversation_id: ConversationId = id(&conversation)?;
            let Some(trail) = index.get(&conversation_id).and_then(|i| trails.get_mut(*i)) else {
                continue;
            };
            let detail: Detail = serde_json::from_str(&detail).unwrap_or_default();
            trail.steps.push(AutomationStep {
                conversation_id,
                message_id: id(&message)?,
                reply_id: reply.as_deref().map(id).transpose()?,
                kind: DecisionKind::parse(&kind)?,
                intent,
                handoff_reason: reason.as_deref().map(HandoffReason::parse).transpose()?,
                frustration: detail.signals.frustration.score,
                at: time(at)?,
            });
        }
        // A customer's message on a resolved conversation reopens it: a status change from
        // `resolved` that the customer made.
        let updates: Vec<(String, String, String, i64)> = sqlx::query_as(&format!(
            "SELECT e.conversation_id, e.actor, e.data, e.created_at FROM events e WHERE e.kind = 'conversation_updated' \
             AND e.data LIKE '%resolved%' AND e.conversation_id IN ({TRAIL_CONVERSATIONS}) ORDER BY e.seq"
        ))
        .bind(micros(from))
        .bind(micros(to))
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        for (conversation, actor, data, at) in updates {
            if !reopens(&actor, &data) {
                continue;
            }
            let conversation_id: ConversationId = id(&conversation)?;
            if let Some(trail) = index.get(&conversation_id).and_then(|i| trails.get_mut(*i)) {
                trail.reopened.push(time(at)?);
            }
        }
        Ok(trails)
    }

    async fn customer_histories(
        &self,
        scope: CustomerScope,
        since: DateTime<Utc>,
    ) -> Result<Vec<CustomerHistory>> {
        // The scope's value is bound after `since` (`$1`) when a query reads both.
        macro_rules! bound {
            ($query:expr) => {
                match scope {
                    CustomerScope::One(customer) => $query.bind(customer.to_string()),
                    CustomerScope::ActiveSince(at) => $query.bind(micros(at)),
                }
            };
        }
        let sql = format!(
            "SELECT u.id, u.name, u.email, u.created_at, (SELECT COUNT(*) FROM conversations x WHERE \
             x.customer_id = u.id) FROM customers u WHERE u.id IN ({}) ORDER BY u.name, u.id",
            scope_filter(scope, "$1")
        );
        let customers: Vec<CustomerCountRow> = bound!(sqlx::query_as(&sql))
            .fetch_all(self.reader())
            .await
            .map_err(db_error)?;
        let mut histories = Vec::with_capacity(customers.len());
        let mut by_customer: BTreeMap<String, usize> = BTreeMap::new();
        for (customer_id, name, email, created_at, conversations) in customers {
            by_customer.insert(customer_id.clone(), histories.len());
            histories.push(CustomerHistory {
                customer: super::privacy::customer((customer_id, name, email, created_at))?,
                conversations,
                cases: Vec::new(),
            });
        }
        let cases_of = format!(
            "SELECT c.id FROM conversations c WHERE c.last_message_at >= $1 AND c.customer_id IN ({})",
            scope_filter(scope, "$2")
        );
        let sql = format!(
            "SELECT c.id, c.customer_id, c.status, c.created_at, c.last_message_at, c.handoff_reason \
             FROM conversations c WHERE c.id IN ({cases_of}) ORDER BY c.created_at, c.id"
        );
        let cases: Vec<CaseRow> = bound!(sqlx::query_as(&sql).bind(micros(since)))
            .fetch_all(self.reader())
            .await
            .map_err(db_error)?;
        // Where each conversation's case is: (history, case).
        let mut index: BTreeMap<ConversationId, (usize, usize)> = BTreeMap::new();
        for (conversation, customer, status, started, last, reason) in cases {
            let Some(h) = by_customer.get(&customer).copied() else {
                continue;
            };
            let Some(history) = histories.get_mut(h) else {
                continue;
            };
            let conversation_id: ConversationId = id(&conversation)?;
            index.insert(conversation_id, (h, history.cases.len()));
            history.cases.push(CustomerCase {
                conversation_id,
                status: ConversationStatus::parse(&status)?,
                started_at: time(started)?,
                last_message_at: time(last)?,
                handoff_reason: reason.as_deref().map(HandoffReason::parse).transpose()?,
                reopened: Vec::new(),
                steps: Vec::new(),
            });
        }
        let sql = format!(
            "SELECT d.conversation_id, d.kind, d.intent, d.handoff_reason, d.slot, d.detail, d.created_at \
             FROM decisions d WHERE d.conversation_id IN ({cases_of}) ORDER BY d.seq"
        );
        let steps: Vec<CustomerStepRow> = bound!(sqlx::query_as(&sql).bind(micros(since)))
            .fetch_all(self.reader())
            .await
            .map_err(db_error)?;
        for (conversation, kind, intent, reason, slot, detail, at) in steps {
            let Some(found) = case_mut(&mut histories, &index, &conversation)? else {
                continue;
            };
            let detail: Detail = serde_json::from_str(&detail).unwrap_or_default();
            found.steps.push(CustomerStep {
                kind: DecisionKind::parse(&kind)?,
                intent,
                handoff_reason: reason.as_deref().map(HandoffReason::parse).transpose()?,
                slot,
                frustration: detail.signals.frustration.score,
                at: time(at)?,
            });
        }
        let sql = format!(
            "SELECT e.conversation_id, e.actor, e.data, e.created_at FROM events e WHERE e.kind = 'conversation_updated' \
             AND e.data LIKE '%resolved%' AND e.conversation_id IN ({cases_of}) ORDER BY e.seq"
        );
        let updates: Vec<(String, String, String, i64)> = bound!(sqlx::query_as(&sql).bind(micros(since)))
            .fetch_all(self.reader())
            .await
            .map_err(db_error)?;
        for (conversation, actor, data, at) in updates {
            if !reopens(&actor, &data) {
                continue;
            }
            if let Some(found) = case_mut(&mut histories, &index, &conversation)? {
                found.reopened.push(time(at)?);
            }
        }
        Ok(histories)
    }
}

/// The case of a conversation in the histories being built, when it is one of them.
fn case_mut<'h>(
    histories: &'h mut [CustomerHistory],
    index: &BTreeMap<ConversationId, (usize, usize)>,
    conversation: &str,
) -> Result<Option<&'h mut CustomerCase>> {
    let conversation_id: ConversationId = id(conversation)?;
    Ok(index.get(&conversation_id).and_then(|(h, c)| {
        histories
            .get_mut(*h)
            .and_then(|history| history.cases.get_mut(*c))
    }))
}
