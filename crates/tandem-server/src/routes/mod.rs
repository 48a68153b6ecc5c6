//! The routes, one module per resource.

pub mod auth;
pub mod conversations;
pub mod health;
pub mod live;
pub mod teams;
pub mod users;
pub mod widget;

use axum::routing::{get, patch, post, put};
use axum::Router;

use crate::AppState;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/widget/conversations", post(widget::start))
        .route("/widget/conversations/{id}", get(widget::show))
        .route(
            "/widget/conversations/{id}/messages",
            post(widget::post_message).get(widget::messages),
        )
        .route("/widget/conversations/{id}/live", get(live::customer))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/me", get(auth::me))
        .route("/conversations", get(conversations::list))
        .route(
            "/conversations/{id}",
            get(conversations::show).patch(conversations::update),
        )
        .route("/conversations/{id}/messages", post(conversations::post_message))
        .route("/conversations/{id}/events", get(conversations::events))
        .route("/conversations/{id}/decisions", get(conversations::decisions))
        .route("/conversations/next", post(conversations::take_next))
        .route("/auth/me/availability", put(auth::availability))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", patch(users::update))
        .route("/teams", get(teams::list).post(teams::create))
        .route("/live", get(live::staff))
        .fallback(not_found);
    Router::new()
        .nest("/api/v1", api)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .with_state(state)
}

async fn not_found() -> crate::ApiError {
    crate::ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "not_found",
        "there is no such API route",
    )
}
