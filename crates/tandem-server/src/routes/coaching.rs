//! Coaching: the soft-skill scores of a conversation's replies, a staff member's coaching profile
//! (skills, trend, best moments, suggestions) and the team view. Agents see their own; supervisors
//! and admins everyone's.

use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use tandem_engine::coaching::{Profile, ReplyQuality, TeamMember};
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{parse_id, StaffAuth};
use crate::openapi::ErrorBody;
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct QualityAnswer {
    /// The scored replies to the customer, oldest first (internal notes are not scored). An agent
    /// sees their own replies' scores; supervisors and admins everyone's.
    pub replies: Vec<ReplyQuality>,
}

#[derive(Serialize, ToSchema)]
pub struct TeamAnswer {
    pub agents: Vec<TeamMember>,
}

/// The soft-skill scores of a conversation's replies: per skill a level (0-2), a score (0-1), a
/// one-line reason and the evidence spans (character offsets into the reply). Replies are scored
/// within seconds of being sent.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/quality", tag = "coaching", params(("id" = String, Path)),
    security(("staff_token" = [])),
    responses((status = 200, body = QualityAnswer), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn quality(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<QualityAnswer>> {
    let replies = state
        .engine
        .coaching()
        .conversation(&auth.staff, parse_id(&id)?)
        .await?;
    Ok(Json(QualityAnswer { replies }))
}

/// A staff member's coaching profile from their scored replies: each skill's average and count, a
/// weekly trend, best moments quoted from their replies, and suggestions for the skills they rarely
/// show. One's own, or anyone's for supervisors and admins.
#[utoipa::path(get, path = "/api/v1/coaching/agents/{id}", tag = "coaching", params(("id" = String, Path)),
    security(("staff_token" = [])),
    responses((status = 200, body = Profile), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn agent(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<Profile>> {
    Ok(Json(
        state
            .engine
            .coaching()
            .profile(&auth.staff, parse_id(&id)?)
            .await?,
    ))
}

/// The team's skills: every agent (and anyone else who replied to customers) with their averages
/// and certifications. Supervisors and admins.
#[utoipa::path(get, path = "/api/v1/coaching/team", tag = "coaching", security(("staff_token" = [])),
    responses((status = 200, body = TeamAnswer), (status = 403, body = ErrorBody)))]
pub async fn team(State(state): State<AppState>, auth: StaffAuth) -> ApiResult<Json<TeamAnswer>> {
    let agents = state.engine.coaching().team(&auth.staff).await?;
    Ok(Json(TeamAnswer { agents }))
}
