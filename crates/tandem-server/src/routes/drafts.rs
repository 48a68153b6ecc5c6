//! Article drafts from people's answers: questions the bot could not answer, with the reply of
//! the agent who resolved the case, grouped by similar question and ranked by how many
//! conversations each would have covered. Trainers, supervisors and admins list them, accept one
//! as an article (the bot then answers such questions from it) or reject it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use tandem_engine::supervision::drafts::{Accepted, DraftAcceptance, DraftView};
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, StaffAuth};
use crate::openapi::ErrorBody;
use crate::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DraftQuery {
    /// `pending` (the default), `accepted` or `rejected`.
    pub status: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DraftList {
    /// Those covering most conversations first, then the most recently joined.
    pub drafts: Vec<DraftView>,
}

#[derive(Serialize, ToSchema)]
pub struct DraftAnswer {
    pub draft: DraftView,
}

/// The body of a rejection: nothing.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {}

/// The drafts (pending ones unless `status` says otherwise), those covering most conversations
/// first. Question and answer have personal data redacted.
#[utoipa::path(get, path = "/api/v1/drafts", tag = "drafts", params(DraftQuery), security(("staff_token" = [])),
    responses((status = 200, body = DraftList),
        (status = 400, body = ErrorBody, description = "invalid_status"),
        (status = 403, description = "only trainers, supervisors and admins")))]
pub async fn list(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<DraftQuery>,
) -> ApiResult<Json<DraftList>> {
    let drafts = state
        .engine
        .drafts()
        .list(&auth.staff, query.status.as_deref())
        .await?;
    Ok(Json(DraftList { drafts }))
}

/// One draft, whatever its status.
#[utoipa::path(get, path = "/api/v1/drafts/{id}", tag = "drafts", params(("id" = String, Path)),
    security(("staff_token" = [])),
    responses((status = 200, body = DraftAnswer),
        (status = 403, description = "only trainers, supervisors and admins"),
        (status = 404, description = "no such draft")))]
pub async fn show(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<DraftAnswer>> {
    let draft = state.engine.drafts().get(&auth.staff, &id).await?;
    Ok(Json(DraftAnswer { draft }))
}

/// Publish a pending draft as an article (created, or an existing one replaced, as with `PUT
/// /content/articles/{slug}`: versioned and audited). With an FAQ intent (`intent`, or by default
/// the bot's guess when it is one) the article gets the intent's tag and the draft's questions
/// become the intent's examples, so the bot answers such questions from the article;
/// `model_updated` says whether the bot runs a retrained model.
#[utoipa::path(post, path = "/api/v1/drafts/{id}/accept", tag = "drafts", params(("id" = String, Path)),
    request_body = DraftAcceptance, security(("staff_token" = [])),
    responses((status = 201, body = Accepted, description = "a new article"),
        (status = 200, body = Accepted, description = "an existing article was replaced"),
        (status = 400, body = ErrorBody, description = "invalid_slug, invalid_title, invalid_article_body, \
            invalid_url or invalid_draft_intent (not an FAQ intent)"),
        (status = 403, description = "only trainers, supervisors and admins"),
        (status = 404, description = "no such draft, or no_active_pack"),
        (status = 409, body = ErrorBody, description = "draft_decided: it was already accepted or rejected")))]
pub async fn accept(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<DraftAcceptance>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    let accepted = state.engine.drafts().accept(&auth.staff, &id, req).await?;
    let status = if accepted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(accepted)))
}

/// Reject a pending draft: it is no longer pending.
#[utoipa::path(post, path = "/api/v1/drafts/{id}/reject", tag = "drafts", params(("id" = String, Path)),
    request_body = RejectRequest, security(("staff_token" = [])),
    responses((status = 200, body = DraftAnswer),
        (status = 403, description = "only trainers, supervisors and admins"),
        (status = 404, description = "no such draft"),
        (status = 409, body = ErrorBody, description = "draft_decided: it was already accepted or rejected")))]
pub async fn reject(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
    ApiJson(_req): ApiJson<RejectRequest>,
) -> ApiResult<Json<DraftAnswer>> {
    let draft = state.engine.drafts().reject(&auth.staff, &id).await?;
    Ok(Json(DraftAnswer { draft }))
}
