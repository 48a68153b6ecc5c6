//! The bot's decisions, each written with its reply and the change to the conversation.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};
use tandem_core::decision::Decision;
use tandem_core::event::{Actor, EventKind};
use tandem_core::ids::ConversationId;
use tandem_core::Error;

use super::{Dialect, SqlStore};
use crate::codec::{db_error, id, micros, time, to_json, DecisionDetail, DecisionRow};
use crate::decisions::{BotTurn, BotTurnOutcome, DecisionStore, UnrecognisedMessage};
use crate::Result;

const DECISION_COLUMNS: &str =
    "conversation_id, message_id, kind, intent, confidence, handoff_reason, slot, \
     detail, created_at FROM decisions";

#[async_trait]
impl<DB> DecisionStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> f64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
{
    async fn record_bot_turn(&self, turn: BotTurn) -> Result<Option<BotTurnOutcome>> {
        let now = self.now();
        let conversation = turn.conversation_id;
        let d = turn.decision;
        let detail = DecisionDetail {
            top_intents: d.top_intents,
            signals: d.signals,
            reasons: d.reasons,
            entities: d.entities,
        };
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        // Only a conversation still with the bot takes a bot turn: a turn that lost the race to
        // another (which handed the case over) writes nothing.
        let status: Option<(String,)> = sqlx::query_as(&format!(
            "SELECT status FROM conversations WHERE id = $1{}",
            DB::FOR_UPDATE
        ))
        .bind(conversation.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        match status {
            None => return Err(Error::not_found("conversation")),
            Some((status,)) if status != "bot" => return Ok(None),
            Some(_) => {}
        }
        let mut events = Vec::new();
        let reply = match turn.reply {
            Some(message) => {
                let (message, event) = Self::append_message_tx(&mut tx, message, now).await?;
                events.push(event);
                Some(message)
            }
            None => None,
        };
        sqlx::query(
            "INSERT INTO decisions (conversation_id, message_id, kind, intent, confidence, handoff_reason, \
             slot, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(conversation.to_string())
        .bind(d.message_id.to_string())
        .bind(d.verdict.kind().as_str().to_owned())
        .bind(d.intent.clone())
        .bind(f64::from(d.confidence))
        .bind(d.verdict.handoff_reason().map(|r| r.as_str().to_owned()))
        .bind(d.verdict.slot().map(str::to_owned))
        .bind(to_json(&detail)?)
        .bind(micros(now))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let data = serde_json::json!({
            "message_id": d.message_id,
            "kind": d.verdict.kind(),
            "intent": d.intent,
            "handoff_reason": d.verdict.handoff_reason(),
        });
        events.push(
            Self::insert_event(
                &mut tx,
                Some(conversation),
                EventKind::DecisionMade,
                &Actor::Bot,
                data,
                now,
            )
            .await?,
        );
        events.extend(
            Self::update_conversation_tx(&mut tx, conversation, turn.change, &Actor::Bot, now).await?,
        );
        tx.commit().await.map_err(db_error)?;
        let conversation = self.read_conversation(conversation).await?;
        Ok(Some(BotTurnOutcome {
            reply,
            conversation,
            events,
        }))
    }

    async fn list_decisions(&self, conversation: ConversationId) -> Result<Vec<Decision>> {
        self.recent_decisions(conversation, i64::MAX).await
    }

    async fn recent_decisions(&self, conversation: ConversationId, limit: i64) -> Result<Vec<Decision>> {
        let mut rows: Vec<DecisionRow> = sqlx::query_as(&format!(
            "SELECT {DECISION_COLUMNS} WHERE conversation_id = $1 ORDER BY seq DESC LIMIT $2"
        ))
        .bind(conversation.to_string())
        .bind(limit)
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        rows.reverse();
        rows.into_iter().map(Decision::try_from).collect()
    }

    async fn unrecognised_messages(
        &self,
        since: chrono::DateTime<chrono::Utc>,
        limit: i64,
    ) -> Result<Vec<UnrecognisedMessage>> {
        let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT m.id, m.conversation_id, m.text, d.created_at FROM decisions d \
             JOIN messages m ON m.id = d.message_id \
             WHERE d.created_at >= $1 AND m.author = 'customer' AND m.text <> '' \
             AND ((d.kind = 'clarify' AND d.intent IS NULL) \
                  OR (d.kind = 'handoff' AND d.handoff_reason IN ('low_confidence', 'out_of_scope'))) \
             ORDER BY d.seq DESC LIMIT $2",
        )
        .bind(micros(since))
        .bind(limit)
        .fetch_all(self.reader())
        .await
        .map_err(db_error)?;
        rows.into_iter()
            .map(|(message, conversation, text, at)| {
                Ok(UnrecognisedMessage {
                    message_id: id(&message)?,
                    conversation_id: id(&conversation)?,
                    text,
                    at: time(at)?,
                })
            })
            .collect()
    }
}
