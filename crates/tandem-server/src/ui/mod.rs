//! The web UI, served from the binary: server-rendered page shells (askama) and small ES-module
//! scripts and stylesheets embedded at build time. No front-end build step, nothing fetched from
//! the internet.
//!
//! Pages hold no customer data: a page is a shell (layout, navigation, forms with their labels)
//! and its script fills it from the same `/api/v1` the API clients use, with the staff member's
//! bearer token (kept in the browser's local storage, never in a cookie, so there is nothing a
//! cross-site request could ride on). The customer widget is an iframe served by this origin, so
//! a business's site only needs one `<script>` tag and no cross-origin API access.

mod assets;
pub(crate) mod charts;
mod pages;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::AppState;

/// The content security policy of staff pages: only this origin's scripts, styles and sockets,
/// and no framing.
const STAFF_CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
     connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::root))
        .route("/app", get(pages::root))
        .route("/app/", get(pages::root))
        .route("/app/login", get(pages::login))
        .route("/app/inbox", get(pages::inbox))
        .route("/app/insights", get(pages::insights))
        .route("/app/training", get(pages::training))
        .route("/app/coaching", get(pages::coaching))
        .route("/app/team", get(pages::team))
        .route("/app/admin/{page}", get(pages::admin))
        .route("/app/{*rest}", get(pages::not_found))
        .route("/widget.js", get(assets::widget_loader))
        .route("/widget/frame", get(pages::widget_frame))
        .route("/demo", get(pages::demo_shop))
        .route("/assets/{*path}", get(assets::asset))
}

/// Renders a page shell with the staff pages' security policy.
fn html(body: String, csp: &str) -> Response {
    let mut response = axum::response::Html(body).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
