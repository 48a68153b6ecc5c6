//! The feed of every committed event, for integrations: `GET /api/v1/events?after=SEQ&limit=N`.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use tandem_core::event::Event;
use tandem_engine::events::feed_position;

use crate::error::ApiResult;
use crate::extract::{ApiQuery, StaffAuth};
use crate::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// Only events with a larger `seq` (default 0: from the beginning).
    pub after: Option<String>,
    /// At most this many events, 1 to 1000 (default 100).
    pub limit: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FeedPage {
    /// Ascending by `seq`.
    pub events: Vec<FeedEvent>,
    /// The `seq` of the last event returned, or `after` when none is: ask with it next.
    pub next_after: i64,
}

/// One committed event.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FeedEvent {
    /// Global, strictly increasing, never reused.
    pub seq: i64,
    /// `conversation_created`, `message_created`, `conversation_updated`, `decision_made`,
    /// `handed_off`, `sla_breached`, `content_changed`, `audit_recorded` (data: the audit entry),
    /// `conversation_erased` (the tombstone: data.conversation_id, data.reason).
    #[serde(rename = "type")]
    pub kind: String,
    pub conversation_id: Option<String>,
    /// When it was committed (RFC 3339).
    pub at: String,
    /// What changed (for `message_created`: `message_id` and `author`).
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl From<Event> for FeedEvent {
    fn from(event: Event) -> Self {
        Self {
            seq: event.seq,
            kind: event.kind.as_str().to_owned(),
            conversation_id: event.conversation_id.map(|c| c.to_string()),
            at: event.created_at.to_rfc3339(),
            data: event.data,
        }
    }
}

/// Every committed event after `after`, in order; follow `next_after` to read on without missing one.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(FeedQuery),
    security(("staff_token" = [])),
    responses((status = 200, body = FeedPage), (status = 400, description = "after or limit out of range"),
        (status = 401), (status = 403, description = "only supervisors and admins read the feed")))]
pub async fn feed(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<FeedQuery>,
) -> ApiResult<Json<FeedPage>> {
    let (after, limit) = feed_position(query.after.as_deref(), query.limit.as_deref())?;
    let page = state.engine.events().feed(&auth.staff, after, limit).await?;
    Ok(Json(FeedPage {
        events: page.events.into_iter().map(FeedEvent::from).collect(),
        next_after: page.next_after,
    }))
}
