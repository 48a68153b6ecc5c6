//! The audit log. The database refuses to change or delete an entry (see the 0005 migration).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Transaction, Type};
use tandem_core::audit::{AuditAction, AuditEntry, NewAuditEntry};
use tandem_core::event::{Event, EventKind};
use tandem_core::ids::AuditId;
use tandem_core::Error;

use super::{Dialect, SqlStore};
use crate::audit::AuditStore;
use crate::codec::{db_error, id, json, micros, time, to_json};
use crate::Result;

const AUDIT_COLUMNS: &str = "id, at, actor, action, target, details FROM audit_log";

type AuditRow = (String, i64, String, String, String, String);

fn entry((entry_id, at, actor, action, target, details): AuditRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: id(&entry_id)?,
        at: time(at)?,
        actor: json(&actor)?,
        action: AuditAction::parse(&action)
            .ok_or_else(|| Error::internal("the audit log holds an unknown action"))?,
        target,
        details: json(&details)?,
    })
}

impl<DB> SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    /// Appends an entry and its `audit_recorded` event inside the caller's transaction.
    pub(super) async fn insert_audit(
        tx: &mut Transaction<'_, DB>,
        new: NewAuditEntry,
        at: DateTime<Utc>,
    ) -> Result<(AuditEntry, Event)> {
        let stored = AuditEntry {
            id: AuditId::new(),
            at: time(micros(at))?,
            actor: new.actor,
            action: new.action,
            target: new.target,
            details: new.details,
        };
        sqlx::query(
            "INSERT INTO audit_log (id, at, actor, action, target, details) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(stored.id.to_string())
        .bind(micros(at))
        .bind(to_json(&stored.actor)?)
        .bind(stored.action.as_str().to_owned())
        .bind(stored.target.clone())
        .bind(to_json(&stored.details)?)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
        let data = serde_json::to_value(&stored)
            .map_err(|e| Error::internal(format!("cannot encode an audit entry: {e}")))?;
        let event = Self::insert_event(tx, None, EventKind::AuditRecorded, &stored.actor, data, at).await?;
        Ok((stored, event))
    }
}

#[async_trait]
impl<DB> AuditStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
{
    async fn append_audit(&self, new: NewAuditEntry) -> Result<(AuditEntry, Event)> {
        let mut tx = self.writer().begin().await.map_err(db_error)?;
        let stored = Self::insert_audit(&mut tx, new, self.now()).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(stored)
    }

    async fn list_audit(&self, limit: i64, before: Option<AuditId>) -> Result<Vec<AuditEntry>> {
        let rows: Vec<AuditRow> = match before {
            Some(before) => sqlx::query_as(&format!(
                "SELECT {AUDIT_COLUMNS} WHERE seq < (SELECT seq FROM audit_log WHERE id = $1) \
                 ORDER BY seq DESC LIMIT $2"
            ))
            .bind(before.to_string())
            .bind(limit)
            .fetch_all(self.reader())
            .await
            .map_err(db_error)?,
            None => sqlx::query_as(&format!("SELECT {AUDIT_COLUMNS} ORDER BY seq DESC LIMIT $1"))
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(db_error)?,
        };
        rows.into_iter().map(entry).collect()
    }
}
