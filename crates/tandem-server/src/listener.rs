//! Accepting connections, with the limits a server on the internet needs: a client that opens
//! connections and sends nothing (or half a request) is cut off after `header_read_timeout`, and no
//! client holds more than `max_connections_per_client` connections, nor all clients together more
//! than `max_connections` (live sockets included: a WebSocket keeps its connection's place). A
//! refused connection is closed at once, so a flood from one address cannot use up the process's
//! files and `/healthz` keeps answering everyone else.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// How many connections are admitted, and how long a request's headers may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    pub max_connections_per_client: usize,
    /// A connection that has not sent a whole request head within this time (idle keep-alive
    /// connections included) is closed.
    pub header_read_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: 16_384,
            max_connections_per_client: 256,
            header_read_timeout: Duration::from_secs(15),
        }
    }
}

/// Counts open connections, in total and per client address.
struct Gate {
    limits: ConnectionLimits,
    open: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

/// One admitted connection's place; given back when dropped.
struct Place {
    gate: Arc<Gate>,
    client: IpAddr,
}

/// The place of the connection a request came on, in the request's extensions: a live socket
/// keeps it after the upgrade, so sockets count against the connection limits until they close.
#[derive(Clone)]
pub struct ConnectionPlace(#[allow(dead_code)] Arc<Place>);

impl Gate {
    fn admit(self: &Arc<Self>, client: IpAddr) -> Option<Place> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let (total, per_client) = &mut *open;
        let mine = per_client.get(&client).copied().unwrap_or(0);
        if *total >= self.limits.max_connections || mine >= self.limits.max_connections_per_client {
            return None;
        }
        *total += 1;
        per_client.insert(client, mine + 1);
        Some(Place {
            gate: self.clone(),
            client,
        })
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut open = self.gate.open.lock().unwrap_or_else(|p| p.into_inner());
        let (total, per_client) = &mut *open;
        *total = total.saturating_sub(1);
        if let Some(n) = per_client.get_mut(&self.client) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                per_client.remove(&self.client);
            }
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves; then stops accepting and waits (up to
/// 10 s) for the requests in flight.
pub async fn run(
    listener: TcpListener,
    app: axum::Router,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let gate = Arc::new(Gate {
        limits,
        open: Mutex::new((0, HashMap::new())),
    });
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer): (tokio::net::TcpStream, SocketAddr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of files or a connection reset before it was accepted: wait a moment.
                    tracing::warn!(error = %e, "a connection could not be accepted");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(place) = gate.admit(peer.ip()).map(Arc::new) else {
            tracing::debug!(client = %peer.ip(), "connection refused: too many open");
            continue; // dropping the stream closes it
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let held = ConnectionPlace(place.clone());
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            request.extensions_mut().insert(held.clone());
            app.clone().oneshot(request)
        });
        let builder = builder.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            // The protocol is told from the first bytes, before hyper's own header timeout
            // runs: a client that sends nothing at all is cut off here.
            let mut first = [0u8; 1];
            match tokio::time::timeout(limits.header_read_timeout, stream.peek(&mut first)).await {
                Ok(Ok(n)) if n > 0 => {}
                _ => return,
            }
            let connection = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), service)
                .into_owned();
            let _ = watcher.watch(connection).await;
            drop(place);
        });
    }
    drop(listener);
    if tokio::time::timeout(Duration::from_secs(10), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("some connections were still busy 10 s after shutdown began");
    }
    Ok(())
}
