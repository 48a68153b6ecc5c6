//! Live events over WebSocket. Staff get every event; a customer gets the messages (never internal
//! notes) and status changes of their own conversation. Events reach a socket only after the change
//! is committed. Each event is one JSON text frame; `{"type":"resync"}` tells a client that fell
//! behind to reload.

use std::time::Duration;

use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use tandem_core::ids::ConversationId;
use tandem_engine::LiveEvent;
use tokio::sync::broadcast::error::RecvError;

use crate::error::ApiResult;
use crate::extract::{parse_id, CustomerToken, StaffAuth};
use crate::AppState;

/// Who is listening, which decides what they are sent.
#[derive(Clone, Copy)]
enum Audience {
    Staff,
    Customer(ConversationId),
}

impl Audience {
    fn frame(self, event: &LiveEvent) -> Option<serde_json::Value> {
        match self {
            Audience::Staff => serde_json::to_value(event).ok(),
            Audience::Customer(own) if event.conversation_id() != own => None,
            Audience::Customer(_) => match event {
                LiveEvent::MessageCreated { message, .. } if message.internal => None,
                LiveEvent::MessageCreated { .. } => serde_json::to_value(event).ok(),
                LiveEvent::ConversationUpdated { conversation } => Some(json!({
                    "type": "status_changed",
                    "conversation_id": conversation.id,
                    "status": conversation.status,
                })),
            },
        }
    }
}

/// Staff's live feed (token in `Authorization` or `?token=`).
#[utoipa::path(get, path = "/api/v1/live", tag = "live", security(("staff_token" = [])),
    responses((status = 101, description = "WebSocket of LiveEvent JSON frames"), (status = 401)))]
pub async fn staff(State(state): State<AppState>, _auth: StaffAuth, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| pump(socket, state, Audience::Staff))
}

/// A customer's live feed of their conversation (token in `Authorization` or `?token=`).
#[utoipa::path(get, path = "/api/v1/widget/conversations/{id}/live", tag = "widget", params(("id" = String, Path)),
    security(("customer_token" = [])),
    responses((status = 101, description = "WebSocket of JSON frames"), (status = 401), (status = 403)))]
pub async fn customer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    customer: CustomerToken,
    ws: WebSocketUpgrade,
) -> ApiResult<Response> {
    let id: ConversationId = parse_id(&id)?;
    state.engine.authenticate_customer(id, &customer.0).await?;
    Ok(ws.on_upgrade(move |socket| pump(socket, state, Audience::Customer(id))))
}

async fn pump(mut socket: WebSocket, state: AppState, audience: Audience) {
    let mut events = state.engine.bus().subscribe();
    let mut shutdown = state.shutdown.clone();
    let mut ping = tokio::time::interval(Duration::from_secs(25));
    ping.tick().await;
    loop {
        let outgoing = tokio::select! {
            received = events.recv() => match received {
                Ok(event) => match audience.frame(&event) {
                    Some(frame) => WsMessage::Text(frame.to_string().into()),
                    None => continue,
                },
                Err(RecvError::Lagged(_)) => WsMessage::Text(json!({ "type": "resync" }).to_string().into()),
                Err(RecvError::Closed) => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => continue,
            },
            _ = ping.tick() => WsMessage::Ping(Vec::new().into()),
            _ = shutdown.changed() => break,
        };
        if socket.send(outgoing).await.is_err() {
            break;
        }
    }
    let _ = socket.send(WsMessage::Close(None)).await;
}
