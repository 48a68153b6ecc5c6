//! Unread markers: marking a conversation read, and the count of cases with unread customer
//! messages (the inbox's tab title). Lists and details carry each conversation's `unread` count.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{parse_id, StaffAuth};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct UnreadCount {
    /// Open cases in the caller's inbox (queued or assigned, to them or to nobody) with customer
    /// messages they have not read.
    pub cases: i64,
}

/// Mark every message now in the conversation as read by you (the inbox does when you open it).
/// Your other tabs and devices get a `read` live frame.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/read", tag = "conversations",
    params(("id" = String, Path)), security(("staff_token" = [])),
    responses((status = 204, description = "read up to the latest message"), (status = 401), (status = 403),
        (status = 404)))]
pub async fn mark_read(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .engine
        .conversations()
        .mark_read(&auth.staff, parse_id(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How many open cases in your inbox hold customer messages you have not read.
#[utoipa::path(get, path = "/api/v1/conversations/unread", tag = "conversations",
    security(("staff_token" = [])),
    responses((status = 200, body = UnreadCount), (status = 401), (status = 403)))]
pub async fn unread(State(state): State<AppState>, auth: StaffAuth) -> ApiResult<Json<UnreadCount>> {
    Ok(Json(UnreadCount {
        cases: state.engine.conversations().unread_cases(&auth.staff).await?,
    }))
}
