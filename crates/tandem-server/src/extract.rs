//! Request extractors: JSON bodies with clear errors, staff and customer credentials, ids.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::Json;
use serde::de::DeserializeOwned;
use tandem_core::ErrorCode;
use tandem_engine::auth::Staff;

use crate::error::ApiError;
use crate::AppState;

/// A JSON body. Malformed JSON is 400, a body of the wrong shape 422, a missing
/// `Content-Type: application/json` 415, and a body over the limit 413.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase())
            .is_some_and(|m| {
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            });
        if !json_type {
            return Err(unsupported_media_type());
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| json_error(JsonRejection::from(e)))?;
        let value = Json::<T>::from_bytes(&bytes).map_err(json_error)?.0;
        // Every body of this API is an object; serde would also take a struct from an array.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(ApiError::new(
                ErrorCode::InvalidBody,
                "the body must be a JSON object",
            ));
        }
        Ok(Self(value))
    }
}

fn unsupported_media_type() -> ApiError {
    ApiError::new(
        ErrorCode::UnsupportedMediaType,
        "send the body as JSON with `Content-Type: application/json`",
    )
}

fn json_error(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonSyntaxError(e) => ApiError::new(
            ErrorCode::MalformedJson,
            format!("the body is not valid JSON: {}", e.body_text()),
        ),
        JsonRejection::JsonDataError(e) => ApiError::new(
            ErrorCode::InvalidBody,
            format!(
                "the JSON body does not have the expected fields: {}",
                e.body_text()
            ),
        ),
        JsonRejection::MissingJsonContentType(_) => unsupported_media_type(),
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(ErrorCode::PayloadTooLarge, "the request body is too large")
        }
        other => ApiError::new(ErrorCode::BadRequest, other.body_text()),
    }
}

/// Query parameters; a malformed query string is 400 with the usual error body.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(query_error(rejection)),
        }
    }
}

fn query_error(rejection: QueryRejection) -> ApiError {
    ApiError::new(ErrorCode::InvalidQuery, rejection.body_text())
}

/// The content revision an edit was made on, from `If-Match: "REVISION"` (absent, or `*`: any).
pub struct IfMatch(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(axum::http::header::IF_MATCH) else {
            return Ok(Self(None));
        };
        let text = value
            .to_str()
            .map_err(|_| ApiError::new(ErrorCode::BadRequest, "If-Match must be text"))?
            .trim();
        let revision = text.trim_start_matches("W/").trim_matches('"');
        Ok(Self(
            (text != "*" && !revision.is_empty()).then(|| revision.to_owned()),
        ))
    }
}

/// A WebSocket upgrade; a plain HTTP request to a live route is 400 with the usual error body.
pub struct Upgrade(pub axum::extract::WebSocketUpgrade);

impl<S: Send + Sync> FromRequestParts<S> for Upgrade {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::WebSocketUpgrade::from_request_parts(parts, state)
            .await
            .map(Self)
            .map_err(|r| {
                ApiError::new(
                    ErrorCode::WebsocketRequired,
                    format!("this route is a WebSocket: {}", r.body_text()),
                )
            })
    }
}

/// The bearer token of the request: the `Authorization: Bearer` header, or, on the live
/// (WebSocket) routes only, where browsers cannot set headers, the `token` query parameter.
pub fn bearer_token(parts: &Parts) -> Option<String> {
    if let Some(value) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let mut words = value.splitn(2, ' ');
        if let (Some(scheme), Some(token)) = (words.next(), words.next()) {
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() {
                return Some(token.trim().to_owned());
            }
        }
    }
    if !parts.uri.path().ends_with("/live") {
        return None;
    }
    parts.uri.query().and_then(|q| {
        q.split('&')
            .find_map(|pair| pair.strip_prefix("token="))
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    })
}

fn missing_token() -> ApiError {
    ApiError::new(
        ErrorCode::Unauthenticated,
        "send a token as `Authorization: Bearer TOKEN`",
    )
}

/// A logged-in staff member.
pub struct StaffAuth {
    pub staff: Staff,
    pub token: String,
}

impl FromRequestParts<AppState> for StaffAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts).ok_or_else(missing_token)?;
        let staff = state.engine.auth().staff(&token).await?;
        Ok(Self { staff, token })
    }
}

/// A customer token; which conversation it opens is checked by the engine.
pub struct CustomerToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for CustomerToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        bearer_token(parts).map(Self).ok_or_else(missing_token)
    }
}

/// Parses an id from a path segment; a malformed id is simply not found.
pub fn parse_id<T: std::str::FromStr<Err = tandem_core::Error>>(raw: &str) -> Result<T, ApiError> {
    raw.parse().map_err(ApiError::from)
}

/// The client's address: the connection's peer, or, when the peer is one of the configured
/// trusted proxies (`trusted_proxies`), the address it forwarded in `X-Forwarded-For` (read from
/// the right, skipping the trusted proxies themselves). A client cannot choose its address by
/// sending the header itself: only a trusted proxy's header is read.
pub struct ClientAddr(pub std::net::IpAddr);

impl ClientAddr {
    pub fn key(&self) -> String {
        self.0.to_string()
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the client address is unknown"))?;
        Ok(Self(client_address(
            peer,
            &state.config.trusted_proxies,
            parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok()),
        )))
    }
}

/// The rule of [`ClientAddr`], on its own.
pub fn client_address<'h>(
    peer: std::net::IpAddr,
    trusted: &[std::net::IpAddr],
    forwarded: impl Iterator<Item = &'h str>,
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded.flat_map(|v| v.split(',')).map(str::trim).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => client = ip,
            Ok(ip) => return ip,
            // Garbage in the chain: what is left of it cannot be trusted either.
            Err(_) => return client,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::client_address;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_proxy_says_who_the_client_is() {
        let proxy = ip("10.0.0.2");
        let trusted = [proxy, ip("10.0.0.3")];
        // Not from a trusted proxy: the header is the client's own claim, ignored.
        assert_eq!(
            client_address(ip("203.0.113.9"), &trusted, ["198.51.100.1"].into_iter()),
            ip("203.0.113.9")
        );
        // From the proxy: the rightmost address that is not a trusted proxy.
        assert_eq!(
            client_address(
                proxy,
                &trusted,
                ["198.51.100.1, 203.0.113.7, 10.0.0.3"].into_iter()
            ),
            ip("203.0.113.7")
        );
        assert_eq!(client_address(proxy, &trusted, ["not-an-ip"].into_iter()), proxy);
        assert_eq!(client_address(proxy, &trusted, std::iter::empty()), proxy);
    }
}
