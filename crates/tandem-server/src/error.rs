//! Every error leaves as `{"error": {"code": "...", "message": "..."}}`, with the status its code
//! has (see [`ErrorCode`]).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tandem_core::{Error, ErrorCode};

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub retry_after: Option<u64>,
    /// The reasons of a refusal, listed in the body as `reasons` (only `promotion_refused` has them).
    pub reasons: Option<Vec<String>>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after: None,
            reasons: None,
        }
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        let retry_after = match &err {
            Error::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        Self {
            code: err.code(),
            message: err.to_string(),
            retry_after,
            reasons: err.reasons().map(<[String]>::to_vec),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match self.reasons {
            Some(reasons) => serde_json::json!({
                "error": { "code": self.code, "message": self.message, "reasons": reasons }
            }),
            None => serde_json::json!({ "error": { "code": self.code, "message": self.message } }),
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
