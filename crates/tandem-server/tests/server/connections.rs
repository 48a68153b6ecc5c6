//! What a client that opens connections and sends nothing can do: its idle and half-sent
//! connections are closed after the header-read timeout, and past its share the server closes new
//! connections at once, so everyone else (and `/healthz`) is still served.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tandem_server::{ConnectionLimits, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{spawn_app_with, TestApp, FAILURE_BOUND};

async fn app_with(limits: ConnectionLimits) -> TestApp {
    spawn_app_with(
        ServerConfig {
            connections: limits,
            ..ServerConfig::default()
        },
        tandem_engine::EngineConfig::default(),
    )
    .await
}

/// Waits until the server closes the connection (end of stream), failing after the bound.
async fn closed_by_server(stream: &mut TcpStream) -> Duration {
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(FAILURE_BOUND, stream.read(&mut buf)).await {
            Err(_) => panic!("the server kept the connection open for {FAILURE_BOUND:?}"),
            Ok(Ok(0)) | Ok(Err(_)) => return started.elapsed(),
            Ok(Ok(_)) => {} // a 408 answer may come first
        }
    }
}

#[tokio::test]
async fn idle_and_half_sent_connections_are_closed_after_the_header_timeout() {
    let app = app_with(ConnectionLimits {
        header_read_timeout: Duration::from_secs(1),
        ..ConnectionLimits::default()
    })
    .await;
    let mut idle = TcpStream::connect(app.addr).await.unwrap();
    let mut half = TcpStream::connect(app.addr).await.unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    closed_by_server(&mut idle).await;
    closed_by_server(&mut half).await;
    // A keep-alive connection that went quiet after a request is closed the same way.
    let mut kept = TcpStream::connect(app.addr).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    closed_by_server(&mut kept).await;
}

#[tokio::test]
async fn past_its_share_a_client_gets_no_more_connections_and_others_are_served() {
    let app = app_with(ConnectionLimits {
        max_connections_per_client: 8,
        ..ConnectionLimits::default()
    })
    .await;
    let mut flood = Vec::new();
    for _ in 0..8 {
        flood.push(TcpStream::connect(app.addr).await.unwrap());
    }
    // The ninth is closed at once, without an answer.
    let mut ninth = TcpStream::connect(app.addr).await.unwrap();
    let _ = ninth.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let waited = closed_by_server(&mut ninth).await;
    assert!(waited < FAILURE_BOUND);
    // Once the flood lets go, the same client is served again.
    drop(flood);
    let started = Instant::now();
    loop {
        match app.get("/healthz").send().await {
            Ok(r) if r.status() == StatusCode::OK => break,
            _ => {
                assert!(started.elapsed() < FAILURE_BOUND, "/healthz never answered again");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// A live socket keeps its connection's place after the upgrade: sockets count against the
/// per-client limit until they close.
#[tokio::test]
async fn live_sockets_count_against_the_connection_limit() {
    // Four places: the test client's pooled HTTP connection and three sockets.
    let app = app_with(ConnectionLimits {
        max_connections_per_client: 4,
        ..ConnectionLimits::default()
    })
    .await;
    let ada = app.start_conversation("Ada", "ada@example.org").await;
    let url = app.ws_url(&format!(
        "/api/v1/widget/conversations/{}/live?token={}",
        ada.conversation_id, ada.token
    ));
    let mut sockets = Vec::new();
    for _ in 0..3 {
        let mut socket = crate::support::connect_ws(&url).await;
        crate::support::sync_ws(&mut socket).await;
        sockets.push(socket);
    }
    let mut fourth = TcpStream::connect(app.addr).await.unwrap();
    let _ = fourth
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    closed_by_server(&mut fourth).await;
    drop(sockets);
    let started = Instant::now();
    while app.get("/healthz").send().await.map(|r| r.status()).ok() != Some(StatusCode::OK) {
        assert!(started.elapsed() < FAILURE_BOUND, "the places never came back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
