//! What a client may say over its live socket, and the ephemeral frames it is sent (presence,
//! typing, reads; see [`tandem_engine::events::Ephemeral`]). Nothing of it is stored.
//!
//! A staff socket sends `{"type":"presence","conversation_id":ID,"activity":A}` with `A` one of
//! `viewing` (has the case open), `reply` or `note` (is writing one: sent again every few seconds
//! while typing; it expires ~6 s after the last), `left`; it always speaks as the staff member of
//! its session (a `user_id` naming anyone else is refused). A customer socket sends
//! `{"type":"typing"}` (a `conversation_id`, if given, must be its own). A frame the server cannot
//! accept is answered with `{"type":"error","error":{"code","message"}}`.
//!
//! Each socket is throttled: a writing frame (typing, reply, note) repeating the last one within
//! [`REPEAT_INTERVAL`] is dropped, and beyond [`MAX_FRAMES`] frames per [`WINDOW`] every frame is
//! dropped until the window ends.
//!
//! A staff socket is on at most one case at a time: opening another, closing the socket or
//! sending `left` tells colleagues it left.

use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{json, Value};
use tandem_core::ids::{ConversationId, UserId};
use tandem_core::{Error, ErrorCode};
use tandem_engine::auth::Staff;
use tandem_engine::events::{Activity, Ephemeral};

use crate::AppState;

/// A writing frame that repeats the last one within this is dropped.
pub const REPEAT_INTERVAL: Duration = Duration::from_secs(2);
/// The most frames a socket may send per [`WINDOW`]; more are dropped.
pub const MAX_FRAMES: u32 = 30;
pub const WINDOW: Duration = Duration::from_secs(10);

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientFrame {
    Presence {
        conversation_id: String,
        activity: String,
        #[serde(default)]
        user_id: Option<String>,
    },
    Typing {
        #[serde(default)]
        conversation_id: Option<String>,
    },
}

/// Who speaks on the socket.
enum Voice {
    /// A staff member (their id and session token), and the case they have open.
    Staff {
        user: UserId,
        token: String,
        open: Option<(ConversationId, Staff)>,
    },
    /// The customer of one conversation, with their token.
    Customer { own: ConversationId, token: String },
}

/// One socket's side of presence and typing.
pub struct Speaker {
    voice: Voice,
    /// The last writing frame forwarded (what, when).
    last: Option<(ConversationId, Activity, Instant)>,
    window: (Instant, u32),
}

/// Why a frame is not forwarded.
enum Refusal {
    /// Dropped without an answer (throttled).
    Quiet,
    Error(Error),
}

impl From<Error> for Refusal {
    fn from(e: Error) -> Self {
        Refusal::Error(e)
    }
}

fn invalid(message: &str) -> Refusal {
    Refusal::Error(Error::invalid(ErrorCode::BadRequest, message))
}

impl Speaker {
    pub fn staff(user: UserId, token: String) -> Self {
        Self::new(Voice::Staff {
            user,
            token,
            open: None,
        })
    }

    pub fn customer(own: ConversationId, token: String) -> Self {
        Self::new(Voice::Customer { own, token })
    }

    fn new(voice: Voice) -> Self {
        Self {
            voice,
            last: None,
            window: (Instant::now(), 0),
        }
    }

    /// The frame this socket is sent for an ephemeral event, if any.
    pub fn project(&self, event: &Ephemeral) -> Option<Value> {
        match &self.voice {
            Voice::Staff { user, .. } => event.for_staff(*user),
            Voice::Customer { own, .. } => event.for_customer(*own),
        }
    }

    /// Handles a text frame from the client; returns the answer to send back, if any.
    pub async fn receive(&mut self, state: &AppState, text: &str) -> Option<Value> {
        match self.handle(state, text).await {
            Ok(()) | Err(Refusal::Quiet) => None,
            Err(Refusal::Error(e)) => {
                let message = match &e {
                    Error::Internal(_) => "The frame could not be handled; try again.".to_owned(),
                    other => other.to_string(),
                };
                Some(json!({ "type": "error", "error": { "code": e.code(), "message": message } }))
            }
        }
    }

    async fn handle(&mut self, state: &AppState, text: &str) -> Result<(), Refusal> {
        let now = Instant::now();
        if now.duration_since(self.window.0) >= WINDOW {
            self.window = (now, 0);
        }
        if self.window.1 >= MAX_FRAMES {
            return Err(Refusal::Quiet);
        }
        self.window.1 += 1;
        let frame: ClientFrame = serde_json::from_str(text).map_err(|_| {
            invalid("A live frame must be JSON: {\"type\":\"presence\"} for staff or {\"type\":\"typing\"} for customers.")
        })?;
        match (&mut self.voice, frame) {
            (
                Voice::Staff { user, token, open },
                ClientFrame::Presence {
                    conversation_id,
                    activity,
                    user_id,
                },
            ) => {
                if user_id.is_some_and(|u| u != user.to_string()) {
                    return Err(
                        Error::Forbidden("A staff socket speaks only for its own user.".into()).into(),
                    );
                }
                let id: ConversationId = conversation_id
                    .parse()
                    .map_err(|_| invalid("conversation_id must be a conversation id."))?;
                let activity = Activity::parse(&activity)
                    .ok_or_else(|| invalid("activity must be viewing, reply, note or left."))?;
                if activity.writing() {
                    if let Some((last_id, last_activity, at)) = self.last {
                        if last_id == id
                            && last_activity == activity
                            && now.duration_since(at) < REPEAT_INTERVAL
                        {
                            return Err(Refusal::Quiet);
                        }
                    }
                }
                let staff = state.engine.auth().staff(token.as_str()).await?;
                let conversations = state.engine.conversations();
                // Opening another case leaves the one open before.
                if let Some((before, _)) = open.as_ref().filter(|(before, _)| *before != id) {
                    conversations
                        .staff_activity(&staff, *before, Activity::Left)
                        .await?;
                    *open = None;
                }
                conversations.staff_activity(&staff, id, activity).await?;
                *open = (activity != Activity::Left).then_some((id, staff));
                if activity.writing() {
                    self.last = Some((id, activity, now));
                }
                Ok(())
            }
            (Voice::Customer { own, token }, ClientFrame::Typing { conversation_id }) => {
                if conversation_id.is_some_and(|c| c != own.to_string()) {
                    return Err(Error::Forbidden(
                        "A customer socket speaks only for its own conversation.".into(),
                    )
                    .into());
                }
                if let Some((_, _, at)) = self.last {
                    if now.duration_since(at) < REPEAT_INTERVAL {
                        return Err(Refusal::Quiet);
                    }
                }
                state
                    .engine
                    .conversations()
                    .customer_typing(*own, token.as_str())
                    .await?;
                self.last = Some((*own, Activity::Reply, now));
                Ok(())
            }
            (Voice::Staff { .. }, ClientFrame::Typing { .. }) => Err(invalid(
                "Staff send presence frames: {\"type\":\"presence\",\"activity\":\"reply\"}.",
            )),
            (Voice::Customer { .. }, ClientFrame::Presence { .. }) => {
                Err(Error::Forbidden("Customers send typing frames only.".into()).into())
            }
        }
    }

    /// The socket closed: colleagues are told that the case it had open was left.
    pub async fn close(self, state: &AppState) {
        if let Voice::Staff {
            open: Some((id, staff)),
            ..
        } = self.voice
        {
            let _ = state
                .engine
                .conversations()
                .staff_activity(&staff, id, Activity::Left)
                .await;
        }
    }
}
