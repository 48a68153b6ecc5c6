//! Live events over WebSocket: a projection of the committed events for each audience. Staff get
//! every event; a customer gets the messages (never internal notes) and status changes of their own
//! conversation (the rule lives in [`tandem_engine::Committed::for_customer`]). Each event is one
//! JSON text frame carrying its `seq`; with `?after=SEQ` the socket first replays what the client
//! missed. `{"type":"resync"}` tells a client that fell too far behind to reload.

use std::time::Duration;

use axum::extract::ws::{Message as WsMessage, WebSocket};
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use tandem_core::event::EventKind;
use tandem_core::ids::{ConversationId, UserId};
use tandem_engine::events::{feed_position, CustomerView};
use tandem_engine::{Committed, LiveEvent};
use tokio::sync::broadcast::error::RecvError;

use super::live_input::Speaker;
use crate::error::ApiResult;
use crate::extract::{parse_id, ApiQuery, CustomerToken, StaffAuth, Upgrade};
use crate::AppState;

/// The frames a live socket sends (JSON text frames; every event frame carries `seq`):
/// `message_created` {conversation_id, message}, `message_updated` {conversation_id, message} (an
/// edited or deleted message as it is now; customers only for replies of their own conversation,
/// never notes), `conversation_updated` {event, conversation}
/// (staff; `event` is the kind of event that changed it, e.g. `handed_off`),
/// `decision_made` {conversation_id, data} (staff), `conversation_erased` {conversation_id} (staff:
/// drop it from view), `status_changed` {conversation_id, status}
/// (customers), `resync` (reload: too much was missed).
///
/// Ephemeral frames (no `seq`, not stored, not replayed, local to the server instance; see
/// `live_input.rs`): `presence` {conversation_id, user_id, name, activity: viewing | reply | note
/// | left} (staff: a colleague on a case), `typing` {conversation_id, author: customer} (staff) or
/// {conversation_id, author: agent, name} (customers: an agent typing a reply, named as replies
/// are signed), `read` {conversation_id} (staff: you read it on another tab or device), `error`
/// {error: {code, message}} (a frame the client sent was refused). Clients send
/// `{"type":"presence","conversation_id","activity"}` (staff) or `{"type":"typing"}` (customers).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct LiveFrame {
    #[schema(example = "message_created")]
    r#type: String,
    seq: Option<i64>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LiveQuery {
    /// Replay the events after this `seq` first (what a reconnecting client missed).
    pub after: Option<String>,
}

/// Who is listening, which decides what they are sent.
#[derive(Clone)]
enum Audience {
    /// Staff, with their id and session token, checked again when their sessions change.
    Staff(UserId, String),
    Customer(ConversationId),
}

impl Audience {
    async fn frame(&self, state: &AppState, committed: &Committed) -> Option<serde_json::Value> {
        let seq = committed.seq();
        let event = &committed.event;
        match self {
            Audience::Staff(..) => match (&committed.message, &committed.conversation) {
                // `message_created` or `message_updated`: the message as it is now.
                (Some(message), _) => Some(json!({
                    "type": event.kind, "seq": seq,
                    "conversation_id": event.conversation_id, "message": message,
                })),
                (None, Some(conversation)) => Some(json!({
                    "type": "conversation_updated", "seq": seq, "event": event.kind, "conversation": conversation,
                })),
                (None, None) if event.kind == EventKind::DecisionMade => Some(json!({
                    "type": "decision_made", "seq": seq,
                    "conversation_id": event.conversation_id, "data": event.data,
                })),
                (None, None) if event.kind == EventKind::ConversationErased => Some(json!({
                    "type": "conversation_erased", "seq": seq,
                    "conversation_id": event.data.get("conversation_id"),
                })),
                (None, None) => None,
            },
            Audience::Customer(own) => match committed.for_customer(*own)? {
                CustomerView::Message(message) => {
                    // Signed as the customer is shown it; unsigned if the signer cannot be read now.
                    let shown = state
                        .engine
                        .conversations()
                        .as_customer_sees(std::slice::from_ref(message))
                        .await
                        .ok()
                        .and_then(|mut shown| shown.pop())
                        .unwrap_or_else(|| tandem_core::model::CustomerMessage::from(message));
                    Some(json!({
                        "type": event.kind, "seq": seq,
                        "conversation_id": own, "message": shown,
                    }))
                }
                CustomerView::Status(conversation) => Some(json!({
                    "type": "status_changed", "seq": seq,
                    "conversation_id": own, "status": conversation.status,
                })),
            },
        }
    }
}

fn after(query: &LiveQuery) -> ApiResult<Option<i64>> {
    Ok(match query.after.as_deref() {
        None => None,
        Some(_) => Some(feed_position(query.after.as_deref(), None)?.0),
    })
}

/// The most live sockets one token may hold open (tabs, devices); more are 429.
pub const MAX_SOCKETS_PER_TOKEN: usize = 8;

/// How many live sockets each token holds open.
#[derive(Default)]
pub struct LiveSockets(std::sync::Mutex<std::collections::HashMap<String, usize>>);

/// One socket's place for its token; given back when the socket ends.
pub struct SocketPlace {
    sockets: std::sync::Arc<LiveSockets>,
    token: String,
}

impl LiveSockets {
    fn open(self: &std::sync::Arc<Self>, token: &str) -> ApiResult<SocketPlace> {
        let mut open = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(token.to_owned()).or_insert(0);
        if *n >= MAX_SOCKETS_PER_TOKEN {
            return Err(tandem_core::Error::RateLimited { retry_after_secs: 30 }.into());
        }
        *n += 1;
        Ok(SocketPlace {
            sockets: self.clone(),
            token: token.to_owned(),
        })
    }
}

impl Drop for SocketPlace {
    fn drop(&mut self) {
        let mut open = self.sockets.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.token) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.token);
            }
        }
    }
}

/// An idle socket costs little: small buffers, frames written at once, and what a client may
/// send (small presence and typing frames) kept small.
fn lean(ws: Upgrade) -> axum::extract::WebSocketUpgrade {
    ws.0.read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(16 * 1024)
        .max_frame_size(16 * 1024)
}

/// Staff's live feed (token in `Authorization` or `?token=`).
#[utoipa::path(get, path = "/api/v1/live", tag = "live", params(LiveQuery), security(("staff_token" = [])),
    responses((status = 101, description = "WebSocket of LiveFrame JSON frames"), (status = 400), (status = 401),
        (status = 429, description = "too many live sockets for this token")))]
pub async fn staff(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<LiveQuery>,
    connection: Option<axum::Extension<crate::listener::ConnectionPlace>>,
    ws: Upgrade,
) -> ApiResult<Response> {
    let after = after(&query)?;
    let place = (state.live.open(&auth.token)?, connection);
    // Subscribe before answering 101, so no event between the upgrade and the pump is lost.
    let events = state.engine.bus().subscribe();
    let speaker = Speaker::staff(auth.staff.user().id, auth.token.clone());
    let audience = Audience::Staff(auth.staff.user().id, auth.token);
    Ok(lean(ws).on_upgrade(move |socket| async move {
        pump(socket, state, events, audience, after, speaker).await;
        drop(place);
    }))
}

/// A customer's live feed of their conversation (token in `Authorization` or `?token=`).
#[utoipa::path(get, path = "/api/v1/widget/conversations/{id}/live", tag = "widget",
    params(("id" = String, Path), LiveQuery), security(("customer_token" = [])),
    responses((status = 101, description = "WebSocket of LiveFrame JSON frames"), (status = 400), (status = 401),
        (status = 403), (status = 429, description = "too many live sockets for this token")))]
pub async fn customer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    customer: CustomerToken,
    ApiQuery(query): ApiQuery<LiveQuery>,
    connection: Option<axum::Extension<crate::listener::ConnectionPlace>>,
    ws: Upgrade,
) -> ApiResult<Response> {
    let id: ConversationId = parse_id(&id)?;
    state.engine.auth().customer(id, &customer.0).await?;
    let after = after(&query)?;
    let place = (state.live.open(&customer.0)?, connection);
    let events = state.engine.bus().subscribe();
    let speaker = Speaker::customer(id, customer.0.clone());
    Ok(lean(ws).on_upgrade(move |socket| async move {
        pump(socket, state, events, Audience::Customer(id), after, speaker).await;
        drop(place);
    }))
}

fn text(frame: &serde_json::Value) -> WsMessage {
    WsMessage::Text(frame.to_string().into())
}

/// Sends what was committed after `after`; returns the last `seq` looked at, or `None` when the
/// socket closed. A client further behind than a replay holds gets a `resync` (reload) instead.
async fn replay(socket: &mut WebSocket, state: &AppState, audience: &Audience, after: i64) -> Option<i64> {
    let resync = text(&json!({ "type": "resync" }));
    let missed = match state.engine.events().replay(after).await {
        Ok(missed) if missed.complete => missed.events,
        Ok(missed) => {
            socket.send(resync).await.ok()?;
            return Some(missed.events.last().map_or(after, Committed::seq));
        }
        Err(_) => {
            socket.send(resync).await.ok()?;
            return Some(after);
        }
    };
    let mut position = after;
    for committed in &missed {
        if let Some(frame) = audience.frame(state, committed).await {
            socket.send(text(&frame)).await.ok()?;
        }
        position = committed.seq();
    }
    Some(position)
}

async fn pump(
    mut socket: WebSocket,
    state: AppState,
    mut events: tokio::sync::broadcast::Receiver<LiveEvent>,
    audience: Audience,
    after: Option<i64>,
    mut speaker: Speaker,
) {
    // Events the replay already covered are not sent twice.
    let mut position = match after {
        Some(after) => match replay(&mut socket, &state, &audience, after).await {
            Some(position) => position,
            None => return,
        },
        None => 0,
    };
    let mut shutdown = state.shutdown.clone();
    let mut ping = tokio::time::interval(Duration::from_secs(25));
    ping.tick().await;
    loop {
        let outgoing = tokio::select! {
            received = events.recv() => match received {
                Ok(LiveEvent::StaffSessionsChanged { user_id }) => match &audience {
                    // A staff socket lives only as long as its session.
                    Audience::Staff(own, token) if *own == user_id => {
                        if state.engine.auth().staff(token).await.is_err() {
                            break;
                        }
                        continue;
                    }
                    _ => continue,
                },
                Ok(LiveEvent::Committed(committed)) if committed.seq() > position => {
                    position = committed.seq();
                    // A customer socket ends with the access of its token (erased, revoked).
                    if matches!(audience, Audience::Customer(own) if committed.ends_customer_access() == Some(own)) {
                        break;
                    }
                    match audience.frame(&state, &committed).await {
                        Some(frame) => text(&frame),
                        None => continue,
                    }
                }
                Ok(LiveEvent::Committed(_)) => continue,
                Ok(LiveEvent::Ephemeral(event)) => match speaker.project(&event) {
                    Some(frame) => text(&frame),
                    None => continue,
                },
                Err(RecvError::Lagged(_)) => text(&json!({ "type": "resync" })),
                Err(RecvError::Closed) => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(WsMessage::Text(said))) => match speaker.receive(&state, said.as_str()).await {
                    Some(answer) => text(&answer),
                    None => continue,
                },
                Some(Ok(_)) => continue,
            },
            _ = ping.tick() => {
                // Sessions also expire on their own.
                if let Audience::Staff(_, token) = &audience {
                    if state.engine.auth().staff(token).await.is_err() {
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
    speaker.close(&state).await;
    let _ = socket.send(WsMessage::Close(None)).await;
}
