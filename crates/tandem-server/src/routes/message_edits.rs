//! A staff member edits or deletes their own reply or note within the edit window (see
//! [`tandem_engine::conversations::Conversations::edit_message`]).

use axum::extract::{Path, State};
use axum::Json;
use tandem_core::model::Message;
use tandem_engine::conversations::MessageEdit;

use crate::error::ApiResult;
use crate::extract::{parse_id, ApiJson, StaffAuth};
use crate::AppState;

/// Edit your own reply or internal note within the edit window (10 minutes by default,
/// `message_edit_minutes`). The message gets `edited_at`; the earlier text is not kept. The
/// customer's widget shows a reply as edited at once (never anything about a note).
#[utoipa::path(patch, path = "/api/v1/conversations/{id}/messages/{message_id}", tag = "conversations",
    params(("id" = String, Path), ("message_id" = String, Path)), request_body = MessageEdit,
    security(("staff_token" = [])),
    responses((status = 200, body = Message, description = "the message as it is now"),
        (status = 400, description = "the text is empty or too long"), (status = 401),
        (status = 403, description = "not your own reply or note (a customer's, the bot's or another person's message)"),
        (status = 404, description = "no such message in this conversation"),
        (status = 409, description = "the edit window has passed (`edit_window_passed`), or the message was deleted (`message_deleted`)")))]
pub async fn edit(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path((id, message_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<MessageEdit>,
) -> ApiResult<Json<Message>> {
    Ok(Json(
        state
            .engine
            .conversations()
            .edit_message(&auth.staff, parse_id(&id)?, parse_id(&message_id)?, &req.text)
            .await?,
    ))
}

/// Delete your own reply or internal note within the edit window: its text is gone for good (the
/// message stays, empty, with `deleted_at`), and the customer's widget shows "This message was
/// deleted" at once.
#[utoipa::path(delete, path = "/api/v1/conversations/{id}/messages/{message_id}", tag = "conversations",
    params(("id" = String, Path), ("message_id" = String, Path)), security(("staff_token" = [])),
    responses((status = 200, body = Message, description = "the message as it is now: empty, with `deleted_at`"),
        (status = 401),
        (status = 403, description = "not your own reply or note (a customer's, the bot's or another person's message)"),
        (status = 404, description = "no such message in this conversation"),
        (status = 409, description = "the edit window has passed (`edit_window_passed`), or the message was deleted already (`message_deleted`)")))]
pub async fn delete(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path((id, message_id)): Path<(String, String)>,
) -> ApiResult<Json<Message>> {
    Ok(Json(
        state
            .engine
            .conversations()
            .delete_message(&auth.staff, parse_id(&id)?, parse_id(&message_id)?)
            .await?,
    ))
}
