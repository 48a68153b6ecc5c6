//! The customer side: what the web widget (or a business's own client) calls.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use tandem_core::ids::{AttachmentId, ConversationId};
use tandem_core::model::{ConversationStatus, CustomerMessage};
use tandem_core::ErrorCode;
use tandem_engine::insights::csat::{Rated, RatingInput};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};
use crate::extract::{parse_id, ApiJson, ApiQuery, ClientAddr, CustomerToken};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
pub struct StartRequest {
    /// The customer's name.
    pub name: String,
    /// The customer's e-mail address.
    pub email: String,
    /// `hex(HMAC-SHA256(identity secret, lower-cased e-mail))`, computed by the business's own
    /// site for a signed-in customer. Without it the e-mail address is only claimed.
    #[serde(default)]
    pub identity_signature: Option<String>,
    /// The inbox key of the widget's `<script>` tag. API clients may leave it out; when given it
    /// must be this installation's key.
    #[serde(default)]
    pub inbox_key: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct StartResponse {
    pub conversation_id: ConversationId,
    /// Opens this conversation (and only it): send it as `Authorization: Bearer TOKEN`.
    pub customer_token: String,
    pub status: ConversationStatus,
}

#[derive(Deserialize, ToSchema)]
pub struct MessageRequest {
    /// May be empty (`""`) when the message carries files.
    pub text: String,
    /// Files uploaded before (`POST .../attachments`) to send with this message.
    #[serde(default)]
    pub attachment_ids: Vec<AttachmentId>,
    /// Sent when the customer clicked one of the bot's choices: its `intent` (the text is its
    /// label). An intent the bot does not know is `unknown_choice`.
    #[serde(default)]
    pub choice: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MessageList {
    pub messages: Vec<CustomerMessage>,
}

#[derive(Serialize, ToSchema)]
pub struct CustomerConversation {
    pub id: ConversationId,
    pub status: ConversationStatus,
}

/// Start a conversation.
#[utoipa::path(post, path = "/api/v1/widget/conversations", tag = "widget", request_body = StartRequest,
    responses((status = 201, body = StartResponse), (status = 400, description = "invalid name or e-mail"), (status = 404, description = "unknown inbox key"), (status = 429, description = "too many conversations from this client; see Retry-After")))]
pub async fn start(
    State(state): State<AppState>,
    client: ClientAddr,
    ApiJson(req): ApiJson<StartRequest>,
) -> ApiResult<(StatusCode, Json<StartResponse>)> {
    if req
        .inbox_key
        .as_deref()
        .is_some_and(|key| key != state.config.widget_key)
    {
        return Err(ApiError::new(
            ErrorCode::UnknownInbox,
            "no inbox has this key; copy the script tag from the Widget page",
        ));
    }
    let client = client.key();
    let started = state
        .engine
        .conversations()
        .from_client(&client)
        .start(&req.name, &req.email, req.identity_signature.as_deref())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(StartResponse {
            conversation_id: started.conversation.id,
            customer_token: started.customer_token,
            status: started.conversation.status,
        }),
    ))
}

/// The conversation's status, as the customer may see it.
#[utoipa::path(get, path = "/api/v1/widget/conversations/{id}", tag = "widget",
    params(("id" = String, Path)), security(("customer_token" = [])),
    responses((status = 200, body = CustomerConversation), (status = 401), (status = 403)))]
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    customer: CustomerToken,
) -> ApiResult<Json<CustomerConversation>> {
    let conversation = state
        .engine
        .conversations()
        .customer_conversation(parse_id(&id)?, &customer.0)
        .await?;
    Ok(Json(CustomerConversation {
        id: conversation.id,
        status: conversation.status,
    }))
}

/// Write a message as the customer.
#[utoipa::path(post, path = "/api/v1/widget/conversations/{id}/messages", tag = "widget",
    params(("id" = String, Path)), request_body = MessageRequest, security(("customer_token" = [])),
    responses((status = 201, body = CustomerMessage), (status = 400), (status = 401), (status = 403), (status = 413), (status = 429, description = "too many messages; see Retry-After")))]
pub async fn post_message(
    State(state): State<AppState>,
    client: ClientAddr,
    Path(id): Path<String>,
    customer: CustomerToken,
    ApiJson(req): ApiJson<MessageRequest>,
) -> ApiResult<(StatusCode, Json<CustomerMessage>)> {
    let client = client.key();
    let message = state
        .engine
        .conversations()
        .from_client(&client)
        .customer_message_with(
            parse_id(&id)?,
            &customer.0,
            &req.text,
            req.choice.as_deref(),
            &req.attachment_ids,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(CustomerMessage::from(&message))))
}

/// The conversation's messages as the customer sees them (no internal notes).
#[utoipa::path(get, path = "/api/v1/widget/conversations/{id}/messages", tag = "widget",
    params(("id" = String, Path)), security(("customer_token" = [])),
    responses((status = 200, body = MessageList), (status = 401), (status = 403)))]
pub async fn messages(
    State(state): State<AppState>,
    Path(id): Path<String>,
    customer: CustomerToken,
) -> ApiResult<Json<MessageList>> {
    let conversations = state.engine.conversations();
    let messages = conversations
        .customer_messages(parse_id(&id)?, &customer.0)
        .await?;
    Ok(Json(MessageList {
        messages: conversations.as_customer_sees(&messages).await?,
    }))
}

/// What the widget tells customers about their data (public): what is stored and for how long,
/// that a bot answers first.
#[utoipa::path(get, path = "/api/v1/widget/privacy", tag = "widget",
    responses((status = 200, body = tandem_engine::privacy::PrivacyNotice)))]
pub async fn privacy(State(state): State<AppState>) -> Json<tandem_engine::privacy::PrivacyNotice> {
    Json(state.engine.privacy().notice())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TextsQuery {
    /// The language wanted (for example `de` or `de-AT`); without it, `Accept-Language` decides.
    pub lang: Option<String>,
}

/// What the widget says to customers (labels, buttons, status lines), from the pack, in the
/// language asked for (`lang`, else `Accept-Language`), else the pack's own (public). For a
/// business's own chat client.
#[utoipa::path(get, path = "/api/v1/widget/texts", tag = "widget", params(TextsQuery),
    responses((status = 200, body = tandem_engine::pack::widget::WidgetTexts), (status = 400)))]
pub async fn texts(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<TextsQuery>,
    headers: axum::http::HeaderMap,
) -> Json<tandem_engine::pack::widget::WidgetTexts> {
    Json(texts_for(&state, query.lang.as_deref(), &headers))
}

/// The widget's texts for a request: the language asked for by name first, then the browser's.
pub fn texts_for(
    state: &AppState,
    lang: Option<&str>,
    headers: &axum::http::HeaderMap,
) -> tandem_engine::pack::widget::WidgetTexts {
    use tandem_engine::pack::widget::accepted_languages;
    let mut wanted: Vec<String> = lang.map(accepted_languages).unwrap_or_default();
    if let Some(header) = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    {
        wanted.extend(accepted_languages(header));
    }
    state.engine.runtime().widget_texts(&wanted)
}

/// The customer ends their session on this device ("forget this chat"): the token opens nothing
/// from now on and its live sockets close. To write again, the customer starts a new conversation.
#[utoipa::path(delete, path = "/api/v1/widget/conversations/{id}/token", tag = "widget",
    params(("id" = String, Path)), security(("customer_token" = [])),
    responses((status = 204, description = "the token opens nothing any more"), (status = 401), (status = 403)))]
pub async fn end_session(
    State(state): State<AppState>,
    Path(id): Path<String>,
    customer: CustomerToken,
) -> ApiResult<StatusCode> {
    state
        .engine
        .conversations()
        .end_customer_session(parse_id(&id)?, &customer.0)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The customer rates their resolved conversation from 1 to 5, with an optional comment; a second
/// rating replaces the first.
#[utoipa::path(post, path = "/api/v1/widget/conversations/{id}/rating", tag = "widget",
    params(("id" = String, Path)), request_body = RatingInput, security(("customer_token" = [])),
    responses((status = 201, body = Rated, description = "rated"),
        (status = 200, body = Rated, description = "the earlier rating was replaced"),
        (status = 400, description = "invalid_score: not 1 to 5"), (status = 401), (status = 403),
        (status = 404), (status = 409, description = "not_resolved: the conversation is still open")))]
pub async fn rate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    customer: CustomerToken,
    ApiJson(input): ApiJson<RatingInput>,
) -> ApiResult<(StatusCode, Json<Rated>)> {
    let rated = state
        .engine
        .insights()
        .rate(parse_id(&id)?, &customer.0, &input)
        .await?;
    let status = if rated.replaced {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(rated)))
}
