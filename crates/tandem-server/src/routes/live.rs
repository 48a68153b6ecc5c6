//! Live events over WebSocket. Staff get every event; a customer gets the messages (never internal
//! notes) and status changes of their own conversation. Events reach a socket only after the change
//! is committed. Each event is one JSON text frame; `{"type":"resync"}` tells a client that fell
//! behind to reload.

use std::time::Duration;

use axum::extract::ws::{Message as WsMessage, WebSocket};
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use tandem_core::ids::ConversationId;
use tandem_engine::LiveEvent;
use tokio::sync::broadcast::error::RecvError;

use crate::error::ApiResult;
use crate::extract::{parse_id, CustomerToken, StaffAuth, Upgrade};
use crate::AppState;

/// Who is listening, which decides what they are sent.
#[derive(Clone)]
enum Audience {
    /// Staff, with their id and session token, checked again when their sessions change.
    Staff(tandem_core::ids::UserId, String),
    Customer(ConversationId),
}

impl Audience {
    fn frame(&self, event: &LiveEvent) -> Option<serde_json::Value> {
        match self {
            _ if matches!(event, LiveEvent::StaffSessionsChanged { .. }) => None,
            Audience::Staff(..) => serde_json::to_value(event).ok(),
            Audience::Customer(own) if event.conversation_id() != Some(*own) => None,
            Audience::Customer(_) => match event {
                LiveEvent::MessageCreated { message, .. } if message.internal => None,
                LiveEvent::MessageCreated { .. } => serde_json::to_value(event).ok(),
                LiveEvent::StaffSessionsChanged { .. } => None,
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
pub async fn staff(State(state): State<AppState>, auth: StaffAuth, ws: Upgrade) -> Response {
    // Subscribe before answering 101, so no event between the upgrade and the pump is lost.
    let events = state.engine.bus().subscribe();
    ws.0.on_upgrade(move |socket| {
        pump(
            socket,
            state,
            events,
            Audience::Staff(auth.staff.user.id, auth.token),
        )
    })
}

/// A customer's live feed of their conversation (token in `Authorization` or `?token=`).
#[utoipa::path(get, path = "/api/v1/widget/conversations/{id}/live", tag = "widget", params(("id" = String, Path)),
    security(("customer_token" = [])),
    responses((status = 101, description = "WebSocket of JSON frames"), (status = 401), (status = 403)))]
pub async fn customer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    customer: CustomerToken,
    ws: Upgrade,
) -> ApiResult<Response> {
    let id: ConversationId = parse_id(&id)?;
    state.engine.authenticate_customer(id, &customer.0).await?;
    let events = state.engine.bus().subscribe();
    Ok(ws
        .0
        .on_upgrade(move |socket| pump(socket, state, events, Audience::Customer(id))))
}

async fn pump(
    mut socket: WebSocket,
    state: AppState,
    mut events: tokio::sync::broadcast::Receiver<LiveEvent>,
    audience: Audience,
) {
    let mut shutdown = state.shutdown.clone();
    let mut ping = tokio::time::interval(Duration::from_secs(25));
    ping.tick().await;
    loop {
        let outgoing = tokio::select! {
            received = events.recv() => match received {
                Ok(LiveEvent::StaffSessionsChanged { user_id }) => match &audience {
                    // A staff socket lives only as long as its session.
                    Audience::Staff(own, token) if *own == user_id => {
                        if state.engine.authenticate_staff(token).await.is_err() {
                            break;
                        }
                        continue;
                    }
                    _ => continue,
                },
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
            _ = ping.tick() => {
                // Sessions also expire on their own.
                if let Audience::Staff(_, token) = &audience {
                    if state.engine.authenticate_staff(token).await.is_err() {
                        break;
                    }
                }
                WsMessage::Ping(Vec::new().into())
            }
            _ = shutdown.changed() => break,
        };
        if socket.send(outgoing).await.is_err() {
            break;
        }
    }
    let _ = socket.send(WsMessage::Close(None)).await;
}
