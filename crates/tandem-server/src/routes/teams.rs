//! Teams of staff members and the skills they cover.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use tandem_core::model::Team;
use tandem_engine::staff::TeamInput;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{ApiJson, StaffAuth};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct TeamList {
    pub teams: Vec<Team>,
}

/// All teams.
#[utoipa::path(get, path = "/api/v1/teams", tag = "teams", security(("staff_token" = [])),
    responses((status = 200, body = TeamList), (status = 401)))]
pub async fn list(State(state): State<AppState>, auth: StaffAuth) -> ApiResult<Json<TeamList>> {
    Ok(Json(TeamList {
        teams: state.engine.staff().list_teams(&auth.staff).await?,
    }))
}

/// Create a team (admin).
#[utoipa::path(post, path = "/api/v1/teams", tag = "teams", request_body = TeamInput, security(("staff_token" = [])),
    responses((status = 201, body = Team), (status = 400), (status = 403), (status = 409)))]
pub async fn create(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiJson(input): ApiJson<TeamInput>,
) -> ApiResult<(StatusCode, Json<Team>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.engine.staff().create_team(&auth.staff, input).await?),
    ))
}
