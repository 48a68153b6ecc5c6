//! The agent side of conversations: inbox, detail, replies and notes, changes, event log.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use tandem_core::decision::Decision;
use tandem_core::event::Event;
use tandem_core::model::{Conversation, Message};
use tandem_engine::conversations::{ConversationQuery, ConversationUpdate};
use tandem_engine::insights::root_causes::RootCauseView;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{parse_id, ApiJson, ApiQuery, StaffAuth};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct ConversationList {
    pub conversations: Vec<ConversationItem>,
    /// How many conversations match in all.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A conversation in a list, with how many of its customer messages the caller has not read.
#[derive(Serialize, ToSchema)]
pub struct ConversationItem {
    #[serde(flatten)]
    pub conversation: Conversation,
    pub unread: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ConversationDetail {
    #[serde(flatten)]
    pub conversation: Conversation,
    /// How many of its customer messages the caller has not read (before opening marks them).
    pub unread: i64,
    /// Every message, internal notes included, oldest first.
    pub messages: Vec<Message>,
    /// What the case is a symptom of: the bot's suggestion at handoff, with the customer's words
    /// that point at it, and the cause a person confirmed.
    pub root_cause: RootCauseView,
    /// The customer's profile: health, value, fitting offers (null when it cannot be computed).
    pub customer_profile: Option<tandem_engine::insights::profile::CustomerProfile>,
}

#[derive(Deserialize, ToSchema)]
pub struct StaffMessageRequest {
    /// May be empty (`""`) when the message carries files.
    pub text: String,
    /// Files uploaded before (`POST .../attachments`) to send with this message.
    #[serde(default)]
    pub attachment_ids: Vec<tandem_core::ids::AttachmentId>,
    /// An internal note, seen by staff only.
    #[serde(default)]
    pub internal: bool,
}

#[derive(Serialize, ToSchema)]
pub struct EventList {
    pub events: Vec<Event>,
}

/// The inbox: conversations matching the filters, most recent activity first.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "conversations", params(ConversationQuery),
    security(("staff_token" = [])), responses((status = 200, body = ConversationList), (status = 400), (status = 401)))]
pub async fn list(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<ConversationQuery>,
) -> ApiResult<Json<ConversationList>> {
    let tandem_engine::conversations::UnreadPage { page, unread } = state
        .engine
        .conversations()
        .list_with_unread(&auth.staff, &query)
        .await?;
    Ok(Json(ConversationList {
        conversations: (page.conversations.into_iter())
            .map(|conversation| ConversationItem {
                unread: unread.get(&conversation.id).copied().unwrap_or(0),
                conversation,
            })
            .collect(),
        total: page.total,
        page: query.page.unwrap_or(1),
        per_page: query.per_page.unwrap_or(50),
    }))
}

/// One conversation with all its messages.
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "conversations", params(("id" = String, Path)),
    security(("staff_token" = [])), responses((status = 200, body = ConversationDetail), (status = 404)))]
pub async fn show(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<ConversationDetail>> {
    let (conversation, messages, unread) = state
        .engine
        .conversations()
        .show_with_unread(&auth.staff, parse_id(&id)?)
        .await?;
    let root_cause = (state.engine.insights())
        .root_cause(&auth.staff, conversation.id)
        .await?;
    let customer_profile = state
        .engine
        .customers()
        .profile(&auth.staff, conversation.customer.id)
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "the conversation's customer profile failed"))
        .ok();
    Ok(Json(ConversationDetail {
        conversation,
        unread,
        messages,
        root_cause,
        customer_profile,
    }))
}

/// Change status, priority, assignee, team or tags.
#[utoipa::path(patch, path = "/api/v1/conversations/{id}", tag = "conversations", params(("id" = String, Path)),
    request_body = ConversationUpdate, security(("staff_token" = [])),
    responses((status = 200, body = Conversation), (status = 400), (status = 404), (status = 422)))]
pub async fn update(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
    ApiJson(update): ApiJson<ConversationUpdate>,
) -> ApiResult<Json<Conversation>> {
    Ok(Json(
        state
            .engine
            .conversations()
            .update(&auth.staff, parse_id(&id)?, update)
            .await?,
    ))
}

/// Reply to the customer, or write an internal note.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "conversations",
    params(("id" = String, Path)), request_body = StaffMessageRequest, security(("staff_token" = [])),
    responses((status = 201, body = Message), (status = 400), (status = 404)))]
pub async fn post_message(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<StaffMessageRequest>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    let message = state
        .engine
        .conversations()
        .staff_message_with(
            &auth.staff,
            parse_id(&id)?,
            &req.text,
            req.internal,
            &req.attachment_ids,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// The conversation's event log (the audit trail), oldest first.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/events", tag = "conversations",
    params(("id" = String, Path)), security(("staff_token" = [])),
    responses((status = 200, body = EventList), (status = 404)))]
pub async fn events(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<EventList>> {
    Ok(Json(EventList {
        events: state
            .engine
            .conversations()
            .events(&auth.staff, parse_id(&id)?)
            .await?,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct DecisionList {
    pub decisions: Vec<Decision>,
}

/// The bot's decisions in this conversation, oldest first, each with its inputs and reasons.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/decisions", tag = "conversations",
    params(("id" = String, Path)), security(("staff_token" = [])),
    responses((status = 200, body = DecisionList), (status = 404)))]
pub async fn decisions(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<DecisionList>> {
    Ok(Json(DecisionList {
        decisions: state
            .engine
            .conversations()
            .decisions(&auth.staff, parse_id(&id)?)
            .await?,
    }))
}

/// Revoke the customer's token (a shared computer, a leaked link): it opens nothing from now on and
/// the customer's live sockets close. The conversation stays; the customer starts a new one.
#[utoipa::path(delete, path = "/api/v1/conversations/{id}/customer-token", tag = "conversations",
    params(("id" = String, Path)), security(("staff_token" = [])),
    responses((status = 204, description = "the token opens nothing any more"), (status = 404)))]
pub async fn revoke_customer_token(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .engine
        .conversations()
        .revoke_customer_token(&auth.staff, parse_id(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take the most urgent, oldest queued case of your teams. 204 when the queue is empty.
#[utoipa::path(post, path = "/api/v1/conversations/next", tag = "conversations", security(("staff_token" = [])),
    responses((status = 200, body = Conversation), (status = 204, description = "nothing is waiting")))]
pub async fn take_next(
    State(state): State<AppState>,
    auth: StaffAuth,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    Ok(match state.engine.routing().take_next(&auth.staff).await? {
        Some(conversation) => Json(conversation).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// Suggestions for the agent: the knowledge base's best passages for the customer's latest
/// messages (up to 3, none when nothing is relevant) and up to 3 canned replies, those sharing the
/// most words with the latest message first; canned replies come with their variables
/// (`{{customer.first_name}}`, `{{agent.first_name}}`, `{{order.number}}`) filled in, a variable
/// without a value left as written.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/suggestions", tag = "conversations",
    params(("id" = String, Path)), security(("staff_token" = [])),
    responses((status = 200, body = tandem_engine::conversations::Suggestions), (status = 404)))]
pub async fn suggestions(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<tandem_engine::conversations::Suggestions>> {
    Ok(Json(
        state
            .engine
            .conversations()
            .suggestions(&auth.staff, parse_id(&id)?)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct SnoozeRequest {
    /// When the case comes back (RFC 3339, in the future, at most a year ahead).
    #[schema(example = "2026-12-01T09:00:00Z")]
    pub until: String,
}

/// Snooze an open case until a time: the open lists hide it until then, or until the customer
/// writes again.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/snooze", tag = "conversations",
    params(("id" = String, Path)), request_body = SnoozeRequest, security(("staff_token" = [])),
    responses((status = 200, body = Conversation), (status = 400), (status = 401), (status = 403),
        (status = 404), (status = 422)))]
pub async fn snooze(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SnoozeRequest>,
) -> ApiResult<Json<Conversation>> {
    Ok(Json(
        state
            .engine
            .conversations()
            .snooze(&auth.staff, parse_id(&id)?, &req.until)
            .await?,
    ))
}

/// Wake a snoozed case now.
#[utoipa::path(delete, path = "/api/v1/conversations/{id}/snooze", tag = "conversations",
    params(("id" = String, Path)), security(("staff_token" = [])),
    responses((status = 200, body = Conversation), (status = 400), (status = 401), (status = 403), (status = 404)))]
pub async fn unsnooze(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<Conversation>> {
    Ok(Json(
        state
            .engine
            .conversations()
            .unsnooze(&auth.staff, parse_id(&id)?)
            .await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct BulkResults {
    /// One per distinct id, in the order given.
    pub results: Vec<tandem_engine::conversations::BulkOutcome>,
}

/// The same change (assign, tag, resolve...) for up to 100 conversations: each goes through the
/// rules of `PATCH /api/v1/conversations/{id}`, and the answer says for each what happened.
#[utoipa::path(post, path = "/api/v1/conversations/bulk", tag = "conversations",
    request_body = tandem_engine::conversations::BulkUpdate, security(("staff_token" = [])),
    responses((status = 200, body = BulkResults), (status = 400), (status = 401), (status = 403), (status = 422)))]
pub async fn bulk(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiJson(req): ApiJson<tandem_engine::conversations::BulkUpdate>,
) -> ApiResult<Json<BulkResults>> {
    Ok(Json(BulkResults {
        results: state.engine.conversations().bulk_update(&auth.staff, req).await?,
    }))
}
