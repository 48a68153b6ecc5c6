//! Practice with simulated customers: the pack's scenarios, sessions (start, reply, finish), one's
//! own sessions (private unless shared), and learning paths.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use tandem_engine::coaching::practice::{
    Answered, Finished, Path as LearningPath, ScenarioView, SessionSummary, SessionView, Started,
};
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{parse_id, ApiJson, ApiQuery, StaffAuth};
use crate::openapi::ErrorBody;
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct ScenarioList {
    /// Easiest first.
    pub scenarios: Vec<ScenarioView>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartRequest {
    /// A scenario's id.
    pub scenario: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    pub text: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareRequest {
    pub shared: bool,
}

/// `user`: `me` (the default) or a staff member's id (supervisors and admins see the sessions
/// they shared).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    pub user: Option<String>,
}

/// `user_id`: whose paths (default: the caller's).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PathQuery {
    pub user_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SessionList {
    /// Newest first.
    pub sessions: Vec<SessionSummary>,
}

#[derive(Serialize, ToSchema)]
pub struct PathList {
    pub paths: Vec<LearningPath>,
}

/// The caller, or the staff member `raw` names.
fn who(auth: &StaffAuth, raw: Option<&str>) -> ApiResult<tandem_core::ids::UserId> {
    match raw.map(str::trim) {
        None | Some("") | Some("me") => Ok(auth.staff.user().id),
        Some(id) => parse_id(id),
    }
}

/// The active pack's practice scenarios.
#[utoipa::path(get, path = "/api/v1/practice/scenarios", tag = "practice", security(("staff_token" = [])),
    responses((status = 200, body = ScenarioList), (status = 404, body = ErrorBody, description = "no_active_pack")))]
pub async fn scenarios(State(state): State<AppState>, auth: StaffAuth) -> ApiResult<Json<ScenarioList>> {
    let scenarios = state.engine.practice().scenarios(&auth.staff)?;
    Ok(Json(ScenarioList { scenarios }))
}

/// Start a session: the simulated customer opens (their mood: 0 calm, 1 furious).
#[utoipa::path(post, path = "/api/v1/practice/sessions", tag = "practice", request_body = StartRequest,
    security(("staff_token" = [])),
    responses((status = 201, body = Started), (status = 404, body = ErrorBody, description = "unknown_scenario")))]
pub async fn start(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiJson(body): ApiJson<StartRequest>,
) -> ApiResult<(StatusCode, Json<Started>)> {
    let started = state.engine.practice().start(&auth.staff, &body.scenario).await?;
    Ok((StatusCode::CREATED, Json(started)))
}

/// Reply to the simulated customer: the reply is scored on the rubric, and the customer's mood and
/// next line follow from it (the same replies always get the same answers).
#[utoipa::path(post, path = "/api/v1/practice/sessions/{id}/replies", tag = "practice", params(("id" = String, Path)),
    request_body = ReplyRequest, security(("staff_token" = [])),
    responses((status = 200, body = Answered), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "practice_finished")))]
pub async fn reply(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReplyRequest>,
) -> ApiResult<Json<Answered>> {
    Ok(Json(
        state
            .engine
            .practice()
            .reply(&auth.staff, &id, &body.text)
            .await?,
    ))
}

/// Finish a session: its score (0-100), whether it passed, and each skill's average.
#[utoipa::path(post, path = "/api/v1/practice/sessions/{id}/finish", tag = "practice", params(("id" = String, Path)),
    security(("staff_token" = [])),
    responses((status = 200, body = Finished), (status = 404, body = ErrorBody)))]
pub async fn finish(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<Finished>> {
    Ok(Json(state.engine.practice().finish(&auth.staff, &id).await?))
}

/// Practice sessions: one's own (`user=me`), or the ones an agent shared (supervisors, admins).
#[utoipa::path(get, path = "/api/v1/practice/sessions", tag = "practice", params(UserQuery),
    security(("staff_token" = [])),
    responses((status = 200, body = SessionList), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such staff member")))]
pub async fn list(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<UserQuery>,
) -> ApiResult<Json<SessionList>> {
    let user = who(&auth, query.user.as_deref())?;
    let sessions = state.engine.practice().list(&auth.staff, user).await?;
    Ok(Json(SessionList { sessions }))
}

/// One session with its turns: one's own, or a shared one (supervisors, admins).
#[utoipa::path(get, path = "/api/v1/practice/sessions/{id}", tag = "practice", params(("id" = String, Path)),
    security(("staff_token" = [])),
    responses((status = 200, body = SessionView), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<SessionView>> {
    Ok(Json(state.engine.practice().get(&auth.staff, &id).await?))
}

/// Share one's own session with supervisors, or stop sharing it.
#[utoipa::path(post, path = "/api/v1/practice/sessions/{id}/share", tag = "practice", params(("id" = String, Path)),
    request_body = ShareRequest, security(("staff_token" = [])),
    responses((status = 200, body = SessionSummary), (status = 404, body = ErrorBody)))]
pub async fn share(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ShareRequest>,
) -> ApiResult<Json<SessionSummary>> {
    Ok(Json(
        state
            .engine
            .practice()
            .share(&auth.staff, &id, body.shared)
            .await?,
    ))
}

/// Learning paths: per skill, the scenarios that train it, which were passed, and whether that
/// makes the staff member eligible for (or holding) its certification.
#[utoipa::path(get, path = "/api/v1/practice/paths", tag = "practice", params(PathQuery),
    security(("staff_token" = [])),
    responses((status = 200, body = PathList), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such staff member, or no active pack")))]
pub async fn paths(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<PathQuery>,
) -> ApiResult<Json<PathList>> {
    let user = who(&auth, query.user_id.as_deref())?;
    let paths = state.engine.practice().paths(&auth.staff, user).await?;
    Ok(Json(PathList { paths }))
}
