//! Liveness, readiness and metrics.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap};
use axum::response::IntoResponse;
use axum::Json;
use tandem_core::ErrorCode;

use crate::error::ApiResult;
use crate::{ApiError, AppState, MetricsAccess};

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

/// Prometheus metrics in the text exposition format, for whom the configuration allows
/// ([`crate::MetricsAccess`]).
pub async fn metrics(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    match &state.config.metrics {
        MetricsAccess::Public => {}
        MetricsAccess::Off => return Err(ApiError::new(ErrorCode::NotFound, "metrics are turned off")),
        MetricsAccess::Loopback if peer.ip().is_loopback() => {}
        MetricsAccess::Loopback => {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "metrics are served to this machine only (see the `metrics` setting)",
            ))
        }
        MetricsAccess::Token(token) => {
            let sent = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or_default();
            let expected = token.expose().as_bytes();
            let same = sent.len() == expected.len()
                && sent.bytes().zip(expected).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
            if !same {
                return Err(ApiError::new(
                    ErrorCode::Unauthenticated,
                    "send the metrics token as `Authorization: Bearer TOKEN`",
                ));
            }
        }
    }
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::middleware::metrics_handle().render(),
    ))
}
