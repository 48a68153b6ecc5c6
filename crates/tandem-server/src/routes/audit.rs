//! The audit log (supervisors, admins): `GET /api/v1/audit?limit=N&before=ID`, newest first.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use tandem_core::audit::AuditEntry;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{ApiQuery, StaffAuth};
use crate::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// At most this many entries, 1 to 500 (default 100).
    pub limit: Option<String>,
    /// Only entries older than this one (an entry id): the next page.
    pub before: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditEntry>,
}

/// Administrative and automated actions, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    security(("staff_token" = [])),
    responses((status = 200, body = AuditPage), (status = 400), (status = 401), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    Ok(Json(AuditPage {
        entries: state
            .engine
            .audit()
            .list(&auth.staff, query.limit.as_deref(), query.before.as_deref())
            .await?,
    }))
}
