//! Staff login and logout.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tandem_core::model::User;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{ApiJson, ClientAddr, StaffAuth};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer TOKEN`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

/// Log in with e-mail and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, description = "wrong e-mail or password"),
        (status = 429, description = "too many failed attempts; see Retry-After")))]
pub async fn login(
    State(state): State<AppState>,
    client: ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let outcome = state
        .engine
        .auth()
        .login(&req.email, &req.password, &client.key())
        .await?;
    Ok(Json(LoginResponse {
        token: outcome.token,
        expires_at: outcome.expires_at,
        user: outcome.user,
    }))
}

/// End this session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("staff_token" = [])),
    responses((status = 204), (status = 401)))]
pub async fn logout(State(state): State<AppState>, auth: StaffAuth) -> ApiResult<StatusCode> {
    state.engine.auth().logout(&auth.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    #[serde(flatten)]
    pub user: User,
    /// Whether new cases may be routed to you.
    pub available: bool,
    /// What your role may do (`manage_content`, `manage_staff`, ...): the pages show only the
    /// forms you can use. The server checks every call regardless.
    #[schema(example = json!(["view_conversations", "reply_to_conversations"]))]
    pub permissions: Vec<&'static str>,
}

/// Who is logged in.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("staff_token" = [])),
    responses((status = 200, body = Me), (status = 401)))]
pub async fn me(State(state): State<AppState>, auth: StaffAuth) -> ApiResult<Json<Me>> {
    let available = state.engine.routing().availability(&auth.staff).await?;
    let user = auth.staff.user().clone();
    Ok(Json(Me {
        permissions: user.role.permission_names(),
        user,
        available,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct AvailabilityRequest {
    /// Whether new cases may be routed to you.
    pub available: bool,
}

/// Set whether new cases may be routed to you.
#[utoipa::path(put, path = "/api/v1/auth/me/availability", tag = "auth", request_body = AvailabilityRequest,
    security(("staff_token" = [])), responses((status = 204), (status = 401)))]
pub async fn availability(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiJson(req): ApiJson<AvailabilityRequest>,
) -> ApiResult<StatusCode> {
    state
        .engine
        .routing()
        .set_availability(&auth.staff, req.available)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
