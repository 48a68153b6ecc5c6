//! Graceful shutdown: `serve` returns once its shutdown future resolves, and open WebSockets are
//! closed rather than left hanging.

use crate::support::{connect_ws, expect_closed, spawn_app, sync_ws, FAILURE_BOUND};

#[tokio::test]
async fn shutdown_closes_live_sockets_and_serve_returns() {
    let mut app = spawn_app().await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let mut staff = connect_ws(&app.ws_url(&format!("/api/v1/live?token={}", app.admin_token))).await;
    sync_ws(&mut staff).await;
    let url = app.ws_url(&format!(
        "/api/v1/widget/conversations/{}/live?token={}",
        ada.conversation_id, ada.token
    ));
    let mut customer = connect_ws(&url).await;
    sync_ws(&mut customer).await;

    let server = app.begin_shutdown();

    assert!(
        expect_closed(&mut staff).await,
        "the staff socket ended without a Close frame"
    );
    assert!(
        expect_closed(&mut customer).await,
        "the customer socket ended without a Close frame"
    );
    let served = tokio::time::timeout(FAILURE_BOUND, server)
        .await
        .expect("serve did not return after shutdown");
    served
        .expect("the server task panicked")
        .expect("serve returned an error");

    // The listener is gone.
    let fresh = reqwest::Client::builder().no_proxy().build().unwrap();
    assert!(
        fresh.get(app.url("/healthz")).send().await.is_err(),
        "the server still accepts requests"
    );
}

#[tokio::test]
async fn serve_returns_on_shutdown_with_an_idle_keep_alive_connection() {
    let mut app = spawn_app().await;
    // spawn_app's login left a pooled keep-alive connection in app.client.
    assert!(app.get("/healthz").send().await.unwrap().status().is_success());
    let server = app.begin_shutdown();
    let served = tokio::time::timeout(FAILURE_BOUND, server)
        .await
        .expect("serve did not return after shutdown");
    served
        .expect("the server task panicked")
        .expect("serve returned an error");
}

/// A second server on the same SQLite file is refused with a clear error (both would otherwise
/// run and fail each other's writes with "database is locked"); once the first is gone, it starts.
#[tokio::test]
async fn a_second_server_on_the_same_sqlite_file_is_refused_until_the_first_stops() {
    let dir = tempfile::tempdir().unwrap();
    let config = || tandem_server::AppConfig {
        addr: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        store: tandem_engine::StoreConfig::sqlite(&dir.path().join("tandem.db")),
        engine: tandem_engine::EngineConfig::default(),
        server: tandem_server::ServerConfig::default(),
        admin_email: crate::support::ADMIN_EMAIL.to_owned(),
        admin_password: Some(tandem_engine::Secret::new(crate::support::ADMIN_PASSWORD)),
        initial_pack: None,
    };
    let first = tandem_server::Application::build(config()).await.unwrap();
    let Err(refused) = tandem_server::Application::build(config()).await else {
        panic!("a second server started on the same data directory");
    };
    let message = refused.to_string();
    assert!(message.contains("already running"), "{message}");
    drop(first);
    tandem_server::Application::build(config()).await.unwrap();
}
