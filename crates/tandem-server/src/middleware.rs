//! Cross-cutting layers: body size, security headers, request metrics, panics.

use std::time::Instant;
use tandem_core::ErrorCode;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The largest bodies accepted: of any request, and of a file upload (`POST .../attachments`).
#[derive(Clone, Copy, Debug)]
pub struct BodyLimits {
    pub body: usize,
    pub upload: usize,
}

/// Whether the request uploads a file (its body is read up to the attachment limit instead).
pub fn is_upload(req: &Request) -> bool {
    *req.method() == axum::http::Method::POST && req.uri().path().ends_with("/attachments")
}

/// Refuses a body whose declared length is over the limit before reading it, so a client that
/// sent `Expect: 100-continue` never has to upload it. Bodies without a length are cut by axum's
/// `DefaultBodyLimit` while they are read.
pub async fn reject_oversized(State(limits): State<BodyLimits>, req: Request, next: Next) -> Response {
    let upload = is_upload(&req);
    let limit = if upload { limits.upload } else { limits.body };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > u64::try_from(limit).unwrap_or(u64::MAX)) {
        if upload {
            return ApiError::from(tandem_engine::attachments::too_large(limit)).into_response();
        }
        return ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("the request body is larger than the limit of {limit} bytes"),
        )
        .into_response();
    }
    next.run(req).await
}

/// Content answers carry the revision this instance serves as `ETag`, so the admin pages can send
/// it back with their next edit (`If-Match`).
pub async fn content_revision(State(state): State<crate::AppState>, req: Request, next: Next) -> Response {
    let content = req.uri().path().starts_with("/api/v1/content");
    let mut response = next.run(req).await;
    if content && response.status().is_success() {
        if let Some(revision) = state.engine.runtime().revision() {
            if let Ok(value) = HeaderValue::from_str(&format!("\"{revision}\"")) {
                response.headers_mut().insert(header::ETAG, value);
            }
        }
    }
    response
}

/// The span every request is logged in: method and path, never the query string, which may carry
/// an e-mail address, a search term or a token.
pub fn request_span<B>(req: &axum::http::Request<B>) -> tracing::Span {
    tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
}

/// Counts requests and their latency per route and status.
pub async fn metrics(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("tandem_http_requests_total", &labels).increment(1);
    metrics::histogram!("tandem_http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Adds headers that keep browsers from sniffing, framing or leaking. A response that says who may
/// frame it (a `Content-Security-Policy` allowing some `frame-ancestors`, as the customer widget's
/// frame does) keeps that policy instead of `X-Frame-Options: DENY`.
pub fn with_security_headers(router: axum::Router) -> axum::Router {
    router.layer(axum::middleware::from_fn(security_headers))
}

async fn security_headers(request: Request, next: Next) -> Response {
    // API answers may carry personal data: no browser or proxy may keep a copy. (Static assets
    // set their own caching.)
    let explorer = request.uri().path().starts_with("/api/v1/docs");
    let api = request.uri().path().starts_with("/api/v1/") && !explorer;
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if explorer {
        // The API explorer runs only its own scripts (Swagger UI sets inline styles).
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
             connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ));
    }
    if api {
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    let framing_policy = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|csp| csp.contains("frame-ancestors") && !csp.contains("frame-ancestors 'none'"));
    let defaults = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    for (name, value) in defaults {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
    if !framing_policy {
        headers
            .entry(header::X_FRAME_OPTIONS)
            .or_insert(HeaderValue::from_static("DENY"));
    }
    response
}

/// A panic in a handler becomes a 500 with the usual error body (and is logged), never a dropped
/// connection.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    ApiError::new(ErrorCode::Internal, "an internal error occurred").into_response()
}

/// The process-wide Prometheus recorder, installed on first use.
pub fn metrics_handle() -> &'static metrics_exporter_prometheus::PrometheusHandle {
    static HANDLE: std::sync::OnceLock<metrics_exporter_prometheus::PrometheusHandle> =
        std::sync::OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        // Fails only if another recorder was installed first; then ours renders nothing, which
        // is visible in /metrics and harmless.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}
