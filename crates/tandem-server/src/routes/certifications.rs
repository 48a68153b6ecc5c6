//! Certifications: supervisors and admins certify an agent in a skill (once the agent passed a
//! practice scenario that trains it) or revoke it, with a reason the audit log keeps. Routing
//! sends the kinds of case the pack reserves for a certification only to agents who hold it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use tandem_engine::coaching::certifications::CertificationView;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{parse_id, ApiJson, ApiQuery, StaffAuth};
use crate::openapi::ErrorBody;
use crate::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificationRequest {
    pub user_id: String,
    /// A skill of the rubric, e.g. `de_escalation`.
    pub skill: String,
    /// Why (kept in the audit log); required to revoke.
    pub reason: Option<String>,
}

/// `user_id`: whose certifications (supervisors and admins may omit it for everyone's).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CertificationQuery {
    pub user_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CertificationList {
    pub certifications: Vec<CertificationView>,
}

#[derive(Serialize, ToSchema)]
pub struct CertificationAnswer {
    pub certification: CertificationView,
}

#[derive(Serialize, ToSchema)]
pub struct Revoked {
    pub revoked: bool,
}

/// The certifications held: one staff member's (one's own, or anyone's for supervisors and
/// admins), or everyone's.
#[utoipa::path(get, path = "/api/v1/certifications", tag = "coaching", params(CertificationQuery),
    security(("staff_token" = [])),
    responses((status = 200, body = CertificationList), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such staff member")))]
pub async fn list(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<CertificationQuery>,
) -> ApiResult<Json<CertificationList>> {
    let user = query
        .user_id
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(parse_id)
        .transpose()?;
    let certifications = state.engine.certifications().list(&auth.staff, user).await?;
    Ok(Json(CertificationList { certifications }))
}

/// Certify an agent in a skill (supervisors, admins). The agent must have passed a practice
/// scenario that trains it.
#[utoipa::path(post, path = "/api/v1/certifications", tag = "coaching", request_body = CertificationRequest,
    security(("staff_token" = [])),
    responses((status = 201, body = CertificationAnswer), (status = 400, body = ErrorBody, description = "invalid_skill"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody, description = "no such staff member"),
        (status = 409, body = ErrorBody, description = "already_certified"),
        (status = 422, body = ErrorBody, description = "not_eligible")))]
pub async fn grant(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiJson(body): ApiJson<CertificationRequest>,
) -> ApiResult<(StatusCode, Json<CertificationAnswer>)> {
    let certification = state
        .engine
        .certifications()
        .grant(
            &auth.staff,
            parse_id(body.user_id.trim())?,
            &body.skill,
            body.reason.as_deref(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(CertificationAnswer { certification })))
}

/// Revoke a certification, with a reason (supervisors, admins).
#[utoipa::path(post, path = "/api/v1/certifications/revoke", tag = "coaching", request_body = CertificationRequest,
    security(("staff_token" = [])),
    responses((status = 200, body = Revoked), (status = 400, body = ErrorBody, description = "reason_required"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody, description = "not_certified")))]
pub async fn revoke(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiJson(body): ApiJson<CertificationRequest>,
) -> ApiResult<Json<Revoked>> {
    state
        .engine
        .certifications()
        .revoke(
            &auth.staff,
            parse_id(body.user_id.trim())?,
            &body.skill,
            body.reason.as_deref(),
        )
        .await?;
    Ok(Json(Revoked { revoked: true }))
}
