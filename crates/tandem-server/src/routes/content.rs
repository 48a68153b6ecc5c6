//! The bot's content for the admin and trainer pages: intents and examples, articles, templates,
//! bot texts, connectors (with a test run) and canned replies. Every edit retrains or reindexes
//! through the engine and takes effect at once. Responses carry the content revision as `ETag`;
//! an edit sent with `If-Match: "REVISION"` is refused with 409 `stale_content` when the content
//! changed since.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use tandem_engine::content::{
    ArticleInput, ConnectorTest, ContentView, IntentChange, IntentView, NewIntent, Saved, TemplateView,
};
use tandem_engine::pack::model::{Article, BotTexts, CannedReply};
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{ApiJson, IfMatch, StaffAuth};
use crate::AppState;

fn status(saved: Saved) -> StatusCode {
    match saved {
        Saved::Created => StatusCode::CREATED,
        Saved::Replaced => StatusCode::OK,
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExampleRequest {
    pub text: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateRequest {
    /// minijinja source.
    pub body: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectorTestRequest {
    /// Values by parameter name (slot names; `customer.email` may be given here too).
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// With it, records of other customers count as not found, as for the bot.
    #[serde(default)]
    pub customer_email: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannedReplyList {
    pub canned_replies: Vec<CannedReply>,
}

/// The active pack's content.
#[utoipa::path(get, path = "/api/v1/content", tag = "content", security(("staff_token" = [])),
    responses((status = 200, body = ContentView), (status = 403), (status = 404, description = "no_active_pack")))]
pub async fn show(State(state): State<AppState>, auth: StaffAuth) -> ApiResult<Json<ContentView>> {
    Ok(Json(state.engine.content().view(&auth.staff).await?))
}

/// Add a training example; the intent model is retrained and used at once.
#[utoipa::path(post, path = "/api/v1/content/intents/{name}/examples", tag = "content",
    params(("name" = String, Path), ("If-Match" = Option<String>, Header, description = "the content revision the edit was made on")),
    request_body = ExampleRequest, security(("staff_token" = [])),
    responses((status = 201, body = IntentView), (status = 400), (status = 403), (status = 404),
        (status = 409, description = "duplicate_example, or stale_content (see If-Match)"), (status = 422)))]
pub async fn add_example(
    State(state): State<AppState>,
    auth: StaffAuth,
    if_match: IfMatch,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<ExampleRequest>,
) -> ApiResult<(StatusCode, Json<IntentView>)> {
    let intent = state
        .engine
        .content()
        .expecting(if_match.0)
        .add_example(&auth.staff, &name, &req.text)
        .await?;
    Ok((StatusCode::CREATED, Json(intent)))
}

/// Remove a training example (an intent keeps enough of them); the model is retrained.
#[utoipa::path(delete, path = "/api/v1/content/intents/{name}/examples", tag = "content",
    params(("name" = String, Path), ("If-Match" = Option<String>, Header, description = "the content revision the edit was made on")),
    request_body = ExampleRequest, security(("staff_token" = [])),
    responses((status = 200, body = IntentView), (status = 403), (status = 404),
        (status = 409, description = "last_example, or stale_content (see If-Match)"), (status = 422)))]
pub async fn remove_example(
    State(state): State<AppState>,
    auth: StaffAuth,
    if_match: IfMatch,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<ExampleRequest>,
) -> ApiResult<Json<IntentView>> {
    Ok(Json(
        state
            .engine
            .content()
            .expecting(if_match.0)
            .remove_example(&auth.staff, &name, &req.text)
            .await?,
    ))
}

/// Add an intent (the pack's rules apply: at least 10 examples, an automated intent names its
/// connector and template).
#[utoipa::path(post, path = "/api/v1/content/intents", tag = "content", request_body = NewIntent,
    params(("If-Match" = Option<String>, Header, description = "the content revision the edit was made on")),
    security(("staff_token" = [])),
    responses((status = 201, body = IntentView), (status = 400), (status = 403), (status = 409), (status = 422)))]
pub async fn create_intent(
    State(state): State<AppState>,
    auth: StaffAuth,
    if_match: IfMatch,
    ApiJson(req): ApiJson<NewIntent>,
) -> ApiResult<(StatusCode, Json<IntentView>)> {
    let intent = state
        .engine
        .content()
        .expecting(if_match.0)
        .create_intent(&auth.staff, req)
        .await?;
    Ok((StatusCode::CREATED, Json(intent)))
}

/// Change an intent; `null` clears threshold, team, priority, connector or template.
#[utoipa::path(patch, path = "/api/v1/content/intents/{name}", tag = "content",
    params(("name" = String, Path), ("If-Match" = Option<String>, Header, description = "the content revision the edit was made on")),
    request_body = IntentChange, security(("staff_token" = [])),
    responses((status = 200, body = IntentView), (status = 400), (status = 403), (status = 404),
        (status = 409, description = "stale_content: the content changed since the If-Match revision"), (status = 422)))]
pub async fn update_intent(
    State(state): State<AppState>,
    auth: StaffAuth,
    if_match: IfMatch,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<IntentChange>,
) -> ApiResult<Json<IntentView>> {
    Ok(Json(
        state
            .engine
            .content()
            .expecting(if_match.0)
            .update_intent(&auth.staff, &name, req)
            .await?,
    ))
}

/// Create (201) or replace (200) an article; the knowledge index is rebuilt.
#[utoipa::path(put, path = "/api/v1/content/articles/{slug}", tag = "content",
    params(("slug" = String, Path), ("If-Match" = Option<String>, Header, description = "the content revision the edit was made on")),
    request_body = ArticleInput, security(("staff_token" = [])),
    responses((status = 200, body = Article), (status = 201, body = Article), (status = 400), (status = 403),
        (status = 409, description = "stale_content: the content changed since the If-Match revision"), (status = 422)))]
pub async fn put_article(
    State(state): State<AppState>,
    auth: StaffAuth,
    if_match: IfMatch,
    Path(slug): Path<String>,
    ApiJson(req): ApiJson<ArticleInput>,
) -> ApiResult<(StatusCode, Json<Article>)> {
    let (saved, article) = state
        .engine
        .content()
        .expecting(if_match.0)
        .put_article(&auth.staff, &slug, req)
        .await?;
    Ok((status(saved), Json(article)))
}

/// Delete an article.
#[utoipa::path(delete, path = "/api/v1/content/articles/{slug}", tag = "content",
    params(("slug" = String, Path), ("If-Match" = Option<String>, Header, description = "the content revision the edit was made on")),
    security(("staff_token" = [])),
    responses((status = 204), (status = 400), (status = 403), (status = 404),
        (status = 409, description = "stale_content: the content changed since the If-Match revision")))]
pub async fn delete_article(
    State(state): State<AppState>,
    auth: StaffAuth,
    if_match: IfMatch,
    Path(slug): Path<String>,
) -> ApiResult<StatusCode> {
    state
        .engine
        .content()
        .expecting(if_match.0)
        .delete_article(&auth.staff, &slug)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Create (201) or replace (200) a reply template; one that does not compile is refused
/// (`invalid_template`, with the line).
#[utoipa::path(put, path = "/api/v1/content/templates/{name}", tag = "content",
    params(("name" = String, Path), ("If-Match" = Option<String>, Header, description = "the content revision the edit was made on")),
    request_body = TemplateRequest, security(("staff_token" = [])),
    responses((status = 200, body = TemplateView), (status = 201, body = TemplateView), (status = 400),
        (status = 403), (status = 409, description = "stale_content: the content changed since the If-Match revision"), (status = 422)))]
pub async fn put_template(
    State(state): State<AppState>,
    auth: StaffAuth,
    if_match: IfMatch,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<TemplateRequest>,
) -> ApiResult<(StatusCode, Json<TemplateView>)> {
    let (saved, template) = state
        .engine
        .content()
        .expecting(if_match.0)
        .put_template(&auth.staff, &name, &req.body)
        .await?;
    Ok((status(saved), Json(template)))
}

/// Replace the bot's texts (admins). The disclosure must say that a bot is speaking.
#[utoipa::path(put, path = "/api/v1/content/texts", tag = "content", request_body = BotTexts,
    params(("If-Match" = Option<String>, Header, description = "the content revision the edit was made on")),
    security(("staff_token" = [])),
    responses((status = 200, body = BotTexts), (status = 400, description = "disclosure_required or empty_text"),
        (status = 403), (status = 409, description = "stale_content: the content changed since the If-Match revision"), (status = 422)))]
pub async fn put_texts(
    State(state): State<AppState>,
    auth: StaffAuth,
    if_match: IfMatch,
    ApiJson(req): ApiJson<BotTexts>,
) -> ApiResult<Json<BotTexts>> {
    Ok(Json(
        state
            .engine
            .content()
            .expecting(if_match.0)
            .put_texts(&auth.staff, req)
            .await?,
    ))
}

/// Run a connector against the business's data with the given values, as the bot would.
#[utoipa::path(post, path = "/api/v1/content/connectors/{name}/test", tag = "content",
    params(("name" = String, Path)), request_body = ConnectorTestRequest, security(("staff_token" = [])),
    responses((status = 200, body = ConnectorTest), (status = 400), (status = 403), (status = 404), (status = 422)))]
pub async fn test_connector(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<ConnectorTestRequest>,
) -> ApiResult<Json<ConnectorTest>> {
    Ok(Json(
        state
            .engine
            .content()
            .test_connector(&auth.staff, &name, req.params, req.customer_email)
            .await?,
    ))
}

/// The canned replies agents can insert.
#[utoipa::path(get, path = "/api/v1/canned-replies", tag = "content", security(("staff_token" = [])),
    responses((status = 200, body = CannedReplyList), (status = 403)))]
pub async fn canned_replies(
    State(state): State<AppState>,
    auth: StaffAuth,
) -> ApiResult<Json<CannedReplyList>> {
    Ok(Json(CannedReplyList {
        canned_replies: state.engine.content().canned_replies(&auth.staff).await?,
    }))
}

/// Replace the canned replies (titles unique, nothing empty).
#[utoipa::path(put, path = "/api/v1/content/canned-replies", tag = "content", request_body = CannedReplyList,
    params(("If-Match" = Option<String>, Header, description = "the content revision the edit was made on")),
    security(("staff_token" = [])),
    responses((status = 200, body = CannedReplyList), (status = 400), (status = 403), (status = 409), (status = 422)))]
pub async fn put_canned_replies(
    State(state): State<AppState>,
    auth: StaffAuth,
    if_match: IfMatch,
    ApiJson(req): ApiJson<CannedReplyList>,
) -> ApiResult<Json<CannedReplyList>> {
    Ok(Json(CannedReplyList {
        canned_replies: state
            .engine
            .content()
            .expecting(if_match.0)
            .put_canned_replies(&auth.staff, &req.canned_replies)
            .await?,
    }))
}
