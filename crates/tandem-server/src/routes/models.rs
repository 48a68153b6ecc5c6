//! The model registry: the trained intent models, training a candidate, promoting it through the
//! regression gate (or forcing it, an admin with a reason), rolling back.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use tandem_engine::supervision::gate::Regression;
use tandem_engine::supervision::models::{Comparison, ModelView, Scores};
use tandem_engine::supervision::replay::{Replay, DEFAULT_LIMIT};
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, StaffAuth};
use crate::AppState;

/// Overall scores on the regression set (each in [0, 1]).
#[derive(Serialize, ToSchema)]
pub struct ModelScores {
    pub accuracy: f64,
    pub macro_f1: f64,
}

impl From<Scores> for ModelScores {
    fn from(s: Scores) -> Self {
        Self {
            accuracy: s.accuracy,
            macro_f1: s.macro_f1,
        }
    }
}

/// A trained model.
#[derive(Serialize, ToSchema)]
pub struct Model {
    pub id: String,
    /// `active` (the one the bot runs; exactly one), `candidate`, `retired` or `refused`.
    pub status: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// How many training examples it learnt from.
    pub examples: i64,
    /// Its scores on the regression set (the pack's evaluation messages) when it was trained.
    pub metrics: ModelScores,
    pub trained_by: Option<String>,
    pub promoted_by: Option<String>,
    pub promoted_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Promoted by an admin over the gate's refusal.
    pub forced: bool,
    pub force_reason: Option<String>,
}

impl From<ModelView> for Model {
    fn from(m: ModelView) -> Self {
        Self {
            id: m.id,
            status: m.status.to_owned(),
            created_at: m.created_at,
            examples: m.examples,
            metrics: m.metrics.into(),
            trained_by: m.trained_by,
            promoted_by: m.promoted_by,
            promoted_at: m.promoted_at,
            forced: m.forced,
            force_reason: m.force_reason,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ModelList {
    /// Newest first.
    pub models: Vec<Model>,
}

/// An intent recognised less often by the candidate: its recall before and after.
#[derive(Serialize, ToSchema)]
pub struct IntentRegression {
    pub intent: String,
    pub before: f64,
    pub after: f64,
}

impl From<Regression> for IntentRegression {
    fn from(r: Regression) -> Self {
        Self {
            intent: r.intent,
            before: r.before,
            after: r.after,
        }
    }
}

/// The active model and the candidate on the regression set (the pack's evaluation messages).
#[derive(Serialize, ToSchema)]
pub struct ModelComparison {
    pub active: ModelScores,
    pub candidate: ModelScores,
    pub regressions: Vec<IntentRegression>,
    /// The promotion gate's sentences; empty when the candidate would be promoted.
    pub reasons: Vec<String>,
}

impl From<Comparison> for ModelComparison {
    fn from(c: Comparison) -> Self {
        Self {
            active: c.active.into(),
            candidate: c.candidate.into(),
            regressions: c.regressions.into_iter().map(Into::into).collect(),
            reasons: c.reasons,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TrainedModel {
    pub model: Model,
    pub comparison: ModelComparison,
}

#[derive(Serialize, ToSchema)]
pub struct ModelAnswer {
    pub model: Model,
}

/// Nothing to say: the candidate is trained from the active content.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct TrainRequest {}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PromoteRequest {
    /// Promote over the gate's refusal (admins only; needs a `reason`).
    #[serde(default)]
    pub force: bool,
    /// Why, when forcing (kept with the model and in the audit log).
    #[serde(default)]
    pub reason: Option<String>,
}

/// The models, newest first; exactly one is `active`.
#[utoipa::path(get, path = "/api/v1/models", tag = "models", security(("staff_token" = [])),
    responses((status = 200, body = ModelList), (status = 401),
        (status = 403, description = "only trainers, supervisors and admins")))]
pub async fn list(State(state): State<AppState>, auth: StaffAuth) -> ApiResult<Json<ModelList>> {
    let models = state.engine.models().list(&auth.staff).await?;
    Ok(Json(ModelList {
        models: models.into_iter().map(Into::into).collect(),
    }))
}

/// Train a candidate from the active content and compare it with the active model on the
/// regression set. The active model does not change.
#[utoipa::path(post, path = "/api/v1/models", tag = "models", security(("staff_token" = [])),
    request_body = TrainRequest,
    responses((status = 201, body = TrainedModel), (status = 401),
        (status = 403, description = "only trainers, supervisors and admins"),
        (status = 404, description = "no_active_pack: no content is installed yet")))]
pub async fn train(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiJson(_req): ApiJson<TrainRequest>,
) -> ApiResult<(StatusCode, Json<TrainedModel>)> {
    let trained = state.engine.models().train(&auth.staff).await?;
    Ok((
        StatusCode::CREATED,
        Json(TrainedModel {
            model: trained.model.into(),
            comparison: trained.comparison.into(),
        }),
    ))
}

/// Make the model the active one (the bot uses it at once; the old one is retired), when it is not
/// worse than the active model on the regression set. `force` with a `reason` (admins) promotes
/// over a refusal.
#[utoipa::path(post, path = "/api/v1/models/{id}/promote", tag = "models", security(("staff_token" = [])),
    params(("id" = String, Path)), request_body = PromoteRequest,
    responses((status = 200, body = ModelAnswer),
        (status = 400, description = "reason_required: forcing needs a reason"), (status = 401),
        (status = 403, description = "only trainers, supervisors and admins; forcing: only admins"),
        (status = 404, description = "no such model"),
        (status = 409, body = ErrorBody, description = "promotion_refused: the candidate is worse; \
            `error.reasons` names the intents that got worse (the model is now `refused`); or \
            model_state: it is already active")))]
pub async fn promote(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PromoteRequest>,
) -> ApiResult<Json<ModelAnswer>> {
    let model = state
        .engine
        .models()
        .promote(&auth.staff, &id, req.force, req.reason.as_deref())
        .await?;
    Ok(Json(ModelAnswer { model: model.into() }))
}

/// Make the model the active one replaced active again (the bot uses it at once).
#[utoipa::path(post, path = "/api/v1/models/rollback", tag = "models", security(("staff_token" = [])),
    request_body = TrainRequest,
    responses((status = 200, body = ModelAnswer), (status = 401),
        (status = 403, description = "only trainers, supervisors and admins"),
        (status = 409, description = "model_state: there is no earlier model")))]
pub async fn rollback(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiJson(_req): ApiJson<TrainRequest>,
) -> ApiResult<Json<ModelAnswer>> {
    let model = state.engine.models().rollback(&auth.staff).await?;
    Ok(Json(ModelAnswer { model: model.into() }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReplayQuery {
    /// How many of the latest customer messages to replay: 1 to 1000 (default 200).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// Which of the latest customer messages (across conversations, newest first) the model would
/// decide differently from the active one: each decided as the first message of a conversation,
/// triaged by each model and run through the active pack's policy (connectors not run). Texts are
/// redacted.
#[utoipa::path(get, path = "/api/v1/models/{id}/replay", tag = "models", security(("staff_token" = [])),
    params(("id" = String, Path), ReplayQuery),
    responses((status = 200, body = Replay),
        (status = 400, description = "invalid_limit: limit not in 1..=1000"), (status = 401),
        (status = 403, description = "only trainers, supervisors and admins"),
        (status = 404, description = "no such model, or no_active_pack"),
        (status = 409, description = "model_state: the model was trained for another triage tier")))]
pub async fn replay(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ReplayQuery>,
) -> ApiResult<Json<Replay>> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    Ok(Json(state.engine.models().replay(&auth.staff, &id, limit).await?))
}

use crate::openapi::ErrorBody;
