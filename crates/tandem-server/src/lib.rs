//! Tandem's HTTP server: the `/api/v1` REST API, live events over WebSocket, the OpenAPI document
//! and its explorer, health checks and Prometheus metrics. Handlers are thin: they parse, call the
//! engine, and map the result.
#![warn(clippy::print_stdout)]

mod error;
mod extract;
mod listener;
mod middleware;
mod openapi;
mod routes;
mod startup;
mod ui;

use std::sync::Arc;

use axum::Router;
use tandem_engine::Engine;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use error::ApiError;
pub use listener::ConnectionLimits;
pub use openapi::ApiDoc;
pub use routes::live::MAX_SOCKETS_PER_TOKEN;
pub use startup::{AppConfig, Application, InitialPack, StartupError};

/// Settings of the HTTP layer.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// The key in the widget's `<script>` tag; the chat window opens only with it.
    pub widget_key: String,
    /// Which sites may show the widget (the CSP `frame-ancestors` source list), `*` for any.
    pub widget_origins: String,
    /// Who may read `/metrics`.
    pub metrics: MetricsAccess,
    /// Reverse proxies whose `X-Forwarded-For` names the client (rate limits and login
    /// throttling then count the real client, not the proxy). Empty: the peer is the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How many connections are admitted, and how long a request's headers may take.
    pub connections: ConnectionLimits,
}

/// Who may read the Prometheus metrics at `/metrics`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum MetricsAccess {
    /// Clients on this machine only (a local Prometheus or agent).
    #[default]
    Loopback,
    /// Anyone who can reach the server.
    Public,
    /// Whoever sends `Authorization: Bearer TOKEN`.
    Token(tandem_core::secret::Secret),
    /// Nobody: `/metrics` is 404.
    Off,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            body_limit: 1024 * 1024,
            widget_key: "default".to_owned(),
            widget_origins: "*".to_owned(),
            metrics: MetricsAccess::default(),
            trusted_proxies: Vec::new(),
            connections: ConnectionLimits::default(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub engine: Arc<Engine>,
    pub config: ServerConfig,
    /// Turns true when the server is shutting down, so long-lived connections close.
    pub shutdown: watch::Receiver<bool>,
    /// Live sockets open per token (capped, see [`routes::live::MAX_SOCKETS_PER_TOKEN`]).
    pub live: Arc<routes::live::LiveSockets>,
}

/// The whole application as an axum router.
pub fn router(state: AppState) -> Router {
    // Install the metrics recorder now, so requests before the first scrape are counted.
    middleware::metrics_handle();
    let body_limit = state.config.body_limit;
    let app = routes::router(state.clone())
        .merge(ui::router().with_state(state.clone()))
        .merge(openapi::explorer())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::content_revision,
        ))
        .layer(axum::middleware::from_fn(middleware::metrics))
        .layer(axum::middleware::from_fn_with_state(
            middleware::BodyLimits {
                body: body_limit,
                upload: state.engine.conversations().attachment_limits().max_bytes,
            },
            middleware::reject_oversized,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(body_limit));
    middleware::with_security_headers(app)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            middleware::panic_response,
        ))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(middleware::request_span::<axum::body::Body>),
        )
}

/// Serves until `shutdown` resolves, then stops accepting and lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    engine: Arc<Engine>,
    config: ServerConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = watch::channel(false);
    let limits = config.connections;
    let app = router(AppState {
        engine,
        config,
        shutdown: stop_rx,
        live: Arc::default(),
    });
    let signal = async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    };
    listener::run(listener, app, limits, signal).await
}
