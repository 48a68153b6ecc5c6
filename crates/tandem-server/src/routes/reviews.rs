//! The review queue: what the bot did not understand, answers customers rated unhelpful and bot
//! messages staff flagged; trainers relabel (the text becomes a training example) or dismiss.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use tandem_core::ids::{ConversationId, MessageId, ReviewId};
use tandem_engine::supervision::reviews::{Review, ReviewAction, ReviewQuery};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiResult;
use crate::extract::{parse_id, ApiJson, ApiQuery, CustomerToken, StaffAuth};
use crate::AppState;

/// An agent's flag on a bot message.
#[derive(Serialize, ToSchema)]
pub struct ReviewFlag {
    /// incorrect, incomplete, outdated, inappropriate or other.
    pub reason: String,
    pub comment: String,
    /// The staff member who flagged it.
    pub by: Option<String>,
}

/// An item of the review queue.
#[derive(Serialize, ToSchema)]
pub struct ReviewItem {
    pub id: ReviewId,
    pub conversation_id: ConversationId,
    /// out_of_scope / low_confidence: the customer message not understood; negative_feedback /
    /// false_automation / flagged: the bot message.
    pub message_id: MessageId,
    /// out_of_scope, low_confidence, negative_feedback, false_automation or flagged.
    pub reason: String,
    /// open, resolved or dismissed.
    pub status: String,
    /// The customer's words concerned (for a bot message: what it answered), personal data
    /// redacted.
    pub text: String,
    /// The bot's guess.
    pub intent: Option<String>,
    pub confidence: f64,
    pub flag: Option<ReviewFlag>,
    /// The intent a trainer set.
    pub label: Option<String>,
    /// The relabelled text joined the regression set instead of the training data.
    pub held_out: bool,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<Review> for ReviewItem {
    fn from(r: Review) -> Self {
        Self {
            id: r.id,
            conversation_id: r.conversation_id,
            message_id: r.message_id,
            reason: r.reason.as_str().to_owned(),
            status: r.status.as_str().to_owned(),
            text: r.text,
            intent: r.intent,
            confidence: r.confidence,
            flag: r.flag.map(|f| ReviewFlag {
                reason: f.reason,
                comment: f.comment,
                by: f.by.map(|u| u.to_string()),
            }),
            label: r.label,
            held_out: r.held_out,
            resolved_by: r.resolved_by.map(|u| u.to_string()),
            resolved_at: r.resolved_at,
            created_at: r.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReviewList {
    /// Newest first.
    pub reviews: Vec<ReviewItem>,
}

#[derive(Deserialize, IntoParams)]
pub struct ReviewParams {
    /// open, resolved or dismissed (every status when left out).
    pub status: Option<String>,
    /// out_of_scope, low_confidence, negative_feedback, false_automation or flagged.
    pub reason: Option<String>,
    /// The bot's guess or the label set.
    pub intent: Option<String>,
    /// From this day (YYYY-MM-DD, UTC) or moment (RFC 3339).
    pub since: Option<String>,
    /// Until this day (inclusive) or before this moment.
    pub until: Option<String>,
    /// At most this many (200 by default, 1000 at most).
    pub limit: Option<String>,
}

/// The review queue, newest first.
#[utoipa::path(get, path = "/api/v1/reviews", tag = "supervision", params(ReviewParams),
    security(("staff_token" = [])),
    responses((status = 200, body = ReviewList), (status = 400), (status = 401),
        (status = 403, description = "trainers, supervisors and admins only")))]
pub async fn list(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(p): ApiQuery<ReviewParams>,
) -> ApiResult<Json<ReviewList>> {
    let query = ReviewQuery {
        status: p.status,
        reason: p.reason,
        intent: p.intent,
        since: p.since,
        until: p.until,
        limit: p.limit,
    };
    let reviews = state.engine.reviews().list(&auth.staff, query).await?;
    Ok(Json(ReviewList {
        reviews: reviews.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct ReviewAnswer {
    pub review: ReviewItem,
}

/// Relabel an item with the right intent (its text becomes a training example of it; the active
/// model does not change until a candidate is trained and promoted) or dismiss it.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/resolve", tag = "supervision",
    params(("id" = String, Path)), request_body = ReviewAction, security(("staff_token" = [])),
    responses((status = 200, body = ReviewAnswer), (status = 400), (status = 401), (status = 403),
        (status = 404), (status = 409, description = "already resolved or dismissed (`review_closed`)"),
        (status = 422, description = "the pack has no such intent (`unknown_intent`)")))]
pub async fn resolve(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
    ApiJson(action): ApiJson<ReviewAction>,
) -> ApiResult<Json<ReviewAnswer>> {
    let review = state
        .engine
        .reviews()
        .resolve(&auth.staff, parse_id(&id)?, &action)
        .await?;
    Ok(Json(ReviewAnswer {
        review: review.into(),
    }))
}

/// Several items closed the same way.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkResolve {
    pub ids: Vec<String>,
    pub intent: Option<String>,
    #[serde(default)]
    pub dismiss: bool,
}

/// Relabel or dismiss several items at once (similar messages); stops at the first that fails.
#[utoipa::path(post, path = "/api/v1/reviews/resolve", tag = "supervision", request_body = BulkResolve,
    security(("staff_token" = [])),
    responses((status = 200, body = ReviewList), (status = 400), (status = 401), (status = 403),
        (status = 404), (status = 409), (status = 422)))]
pub async fn resolve_many(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiJson(req): ApiJson<BulkResolve>,
) -> ApiResult<Json<ReviewList>> {
    let ids = req
        .ids
        .iter()
        .map(|id| parse_id(id))
        .collect::<Result<Vec<ReviewId>, _>>()?;
    let action = ReviewAction {
        intent: req.intent,
        dismiss: req.dismiss,
    };
    let reviews = state
        .engine
        .reviews()
        .resolve_many(&auth.staff, &ids, &action)
        .await?;
    Ok(Json(ReviewList {
        reviews: reviews.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagRequest {
    /// incorrect, incomplete, outdated, inappropriate or other.
    pub reason: String,
    #[serde(default)]
    pub comment: String,
}

/// Flag a bot message for the trainers (any staff member).
#[utoipa::path(post, path = "/api/v1/messages/{message_id}/flags", tag = "supervision",
    params(("message_id" = String, Path)), request_body = FlagRequest, security(("staff_token" = [])),
    responses((status = 201, body = ReviewAnswer), (status = 400), (status = 401), (status = 403),
        (status = 404)))]
pub async fn flag(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(message_id): Path<String>,
    ApiJson(req): ApiJson<FlagRequest>,
) -> ApiResult<(StatusCode, Json<ReviewAnswer>)> {
    let review = state
        .engine
        .reviews()
        .flag(&auth.staff, parse_id(&message_id)?, &req.reason, &req.comment)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ReviewAnswer {
            review: review.into(),
        }),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    /// Whether the bot's answer helped.
    pub helpful: bool,
}

/// The customer rates a bot answer; an unhelpful one goes to the trainers' review queue.
#[utoipa::path(post, path = "/api/v1/widget/conversations/{id}/messages/{message_id}/feedback",
    tag = "widget", params(("id" = String, Path), ("message_id" = String, Path)),
    request_body = FeedbackRequest, security(("customer_token" = [])),
    responses((status = 204, description = "recorded"), (status = 400), (status = 401), (status = 403),
        (status = 404, description = "no such bot message in this conversation")))]
pub async fn feedback(
    State(state): State<AppState>,
    Path((id, message_id)): Path<(String, String)>,
    customer: CustomerToken,
    ApiJson(req): ApiJson<FeedbackRequest>,
) -> ApiResult<StatusCode> {
    state
        .engine
        .reviews()
        .customer_feedback(parse_id(&id)?, &customer.0, parse_id(&message_id)?, req.helpful)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
