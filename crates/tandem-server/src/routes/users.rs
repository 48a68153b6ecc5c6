//! Staff accounts (admins change them; every staff member may list them).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use tandem_core::model::User;
use tandem_engine::staff::{NewStaff, StaffUpdate};
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{parse_id, ApiJson, StaffAuth};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub users: Vec<User>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedUser {
    pub user: User,
    /// Present when no password was given: shown once, never stored in clear.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_password: Option<String>,
}

/// All staff accounts.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("staff_token" = [])),
    responses((status = 200, body = UserList), (status = 401)))]
pub async fn list(State(state): State<AppState>, auth: StaffAuth) -> ApiResult<Json<UserList>> {
    Ok(Json(UserList {
        users: state.engine.staff().list_users(&auth.staff).await?,
    }))
}

/// Create a staff account (admin).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewStaff, security(("staff_token" = [])),
    responses((status = 201, body = CreatedUser), (status = 400), (status = 403), (status = 409)))]
pub async fn create(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiJson(new): ApiJson<NewStaff>,
) -> ApiResult<(StatusCode, Json<CreatedUser>)> {
    let (user, generated_password) = state.engine.staff().create_user(&auth.staff, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedUser {
            user,
            generated_password,
        }),
    ))
}

/// Change a staff account: name, role, active, teams (admin).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)),
    request_body = StaffUpdate, security(("staff_token" = [])),
    responses((status = 200, body = User), (status = 403), (status = 404), (status = 409)))]
pub async fn update(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
    ApiJson(update): ApiJson<StaffUpdate>,
) -> ApiResult<Json<User>> {
    Ok(Json(
        state
            .engine
            .staff()
            .update_user(&auth.staff, parse_id(&id)?, update)
            .await?,
    ))
}
