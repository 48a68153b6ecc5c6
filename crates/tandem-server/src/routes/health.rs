//! Liveness, readiness and metrics.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use tandem_core::ErrorCode;

use crate::error::ApiResult;
use crate::AppState;

/// The process is up.
pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// The process can serve: the database answers.
pub async fn readyz(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    state
        .engine
        .ready()
        .await
        .map_err(|e| crate::ApiError::new(ErrorCode::NotReady, format!("not ready: {e}")))?;
    Ok(Json(serde_json::json!({ "status": "ready" })))
}

/// Prometheus metrics in the text exposition format.
pub async fn metrics() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::middleware::metrics_handle().render(),
    )
}
