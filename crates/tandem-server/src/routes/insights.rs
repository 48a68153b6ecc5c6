//! Insights: the summary numbers, root causes and topics, and the server-rendered SVG charts.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use tandem_engine::insights::automation::{AutomationReport, Period};
use tandem_engine::insights::root_causes::{ConfirmRootCause, RootCauseReport, RootCauseView};
use tandem_engine::insights::topics::TopicReport;
use tandem_engine::insights::InsightsSummary;

use crate::error::ApiResult;
use crate::extract::{parse_id, ApiJson, ApiQuery, StaffAuth};
use crate::ui::charts;
use crate::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DaysQuery {
    /// How many days back, today included: 1 to 90 (default 14).
    #[param(minimum = 1, maximum = 90)]
    pub days: Option<u32>,
}

fn svg(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// Conversations, automation rate, handoff reasons (in all and per day) and queue sizes.
#[utoipa::path(get, path = "/api/v1/insights/summary", tag = "insights", params(DaysQuery),
    security(("staff_token" = [])),
    responses((status = 200, body = InsightsSummary), (status = 400, description = "days not in 1..=90"), (status = 403)))]
pub async fn summary(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<DaysQuery>,
) -> ApiResult<Json<InsightsSummary>> {
    Ok(Json(
        state
            .engine
            .insights()
            .summary(&auth.staff, query.days.unwrap_or(14))
            .await?,
    ))
}

/// A bar chart of the open conversations per status and per team (SVG).
#[utoipa::path(get, path = "/api/v1/insights/queues.svg", tag = "insights", security(("staff_token" = [])),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 403)))]
pub async fn queues_svg(State(state): State<AppState>, auth: StaffAuth) -> ApiResult<Response> {
    let summary = state.engine.insights().summary(&auth.staff, 1).await?;
    Ok(svg(charts::queues_chart(&summary.queues)))
}

/// A stacked bar chart of the handoffs per day by reason, with a legend (SVG).
#[utoipa::path(get, path = "/api/v1/insights/handoffs.svg", tag = "insights", params(DaysQuery),
    security(("staff_token" = [])),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 400), (status = 403)))]
pub async fn handoffs_svg(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<DaysQuery>,
) -> ApiResult<Response> {
    let days = query.days.unwrap_or(14);
    let summary = state.engine.insights().summary(&auth.staff, days).await?;
    Ok(svg(charts::handoffs_chart(&summary.daily)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AutomationQuery {
    /// How many days back, today included: 1 to 90 (default 30). Ignored when `from` and `to` are given.
    #[param(minimum = 1, maximum = 90)]
    pub days: Option<u32>,
    /// The first day (`YYYY-MM-DD`, UTC), with `to`.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<chrono::NaiveDate>,
    /// The last day, included (`YYYY-MM-DD`, UTC), with `from`; at most 90 days after `from`.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<chrono::NaiveDate>,
}

impl AutomationQuery {
    fn period(&self) -> Result<Period, crate::error::ApiError> {
        match (self.from, self.to) {
            (Some(from), Some(to)) => Ok(Period::Range { from, to }),
            (None, None) => Ok(Period::Days(self.days.unwrap_or(30))),
            _ => Err(crate::error::ApiError::new(
                tandem_core::ErrorCode::InvalidWindow,
                "give both from and to (YYYY-MM-DD), or neither",
            )),
        }
    }
}

/// Containment (conversations the bot finished with no person and no return within a day) and
/// false automation (the bot resolved or answered, then the customer came back unhappy), overall,
/// per intent and per day. See docs/insights.md for the definitions.
#[utoipa::path(get, path = "/api/v1/insights/automation", tag = "insights", params(AutomationQuery),
    security(("staff_token" = [])),
    responses((status = 200, body = AutomationReport),
        (status = 400, description = "invalid_days, or invalid_window: from after to, over 90 days, or only one of them"),
        (status = 403)))]
pub async fn automation(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<AutomationQuery>,
) -> ApiResult<Json<AutomationReport>> {
    let period = query.period()?;
    Ok(Json(
        state.engine.insights().automation(&auth.staff, period).await?,
    ))
}

/// A stacked bar chart of the conversations the bot resolved or answered per day: contained, false
/// automation, the rest (SVG).
#[utoipa::path(get, path = "/api/v1/insights/automation.svg", tag = "insights", params(AutomationQuery),
    security(("staff_token" = [])),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 400), (status = 403)))]
pub async fn automation_svg(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<AutomationQuery>,
) -> ApiResult<Response> {
    let period = query.period()?;
    let report = state.engine.insights().automation(&auth.staff, period).await?;
    Ok(svg(charts::automation_chart(&report.days)))
}

/// Per root cause over the window: its owner, how many cases count under it (confirmed, else
/// suggested) and how many were confirmed, the cases per day and per week, a spike flag (today at
/// least 5 and at least 3 times the other days' average) and the newest conversations behind it.
#[utoipa::path(get, path = "/api/v1/insights/root-causes", tag = "insights", params(DaysQuery),
    security(("staff_token" = [])),
    responses((status = 200, body = RootCauseReport), (status = 400, description = "days not in 1..=90"),
        (status = 401), (status = 403)))]
pub async fn root_causes(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<DaysQuery>,
) -> ApiResult<Json<RootCauseReport>> {
    let days = query.days.unwrap_or(30);
    Ok(Json(
        state.engine.insights().root_causes(&auth.staff, days).await?,
    ))
}

/// A stacked bar chart of the cases per day by root cause, with a legend (SVG).
#[utoipa::path(get, path = "/api/v1/insights/root-causes.svg", tag = "insights", params(DaysQuery),
    security(("staff_token" = [])),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 400), (status = 401),
        (status = 403)))]
pub async fn root_causes_svg(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<DaysQuery>,
) -> ApiResult<Response> {
    let days = query.days.unwrap_or(30);
    let report = state.engine.insights().root_causes(&auth.staff, days).await?;
    Ok(svg(charts::root_causes_chart(&report.causes)))
}

/// Topics of the customer messages the bot did not understand, new and growing ones first, each
/// with a label made of its messages' words, examples and an intent draft.
#[utoipa::path(get, path = "/api/v1/insights/topics", tag = "insights", params(DaysQuery),
    security(("staff_token" = [])),
    responses((status = 200, body = TopicReport), (status = 400, description = "days not in 1..=90"),
        (status = 401), (status = 403)))]
pub async fn topics(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<DaysQuery>,
) -> ApiResult<Json<TopicReport>> {
    let days = query.days.unwrap_or(14);
    Ok(Json(state.engine.insights().topics(&auth.staff, days).await?))
}

/// Confirm or change a conversation's root cause (any staff). The bot's suggestion stays; the
/// conversation's `root:*` tag follows.
#[utoipa::path(put, path = "/api/v1/conversations/{id}/root-cause", tag = "insights",
    params(("id" = String, Path)), request_body = ConfirmRootCause, security(("staff_token" = [])),
    responses((status = 200, body = RootCauseView),
        (status = 400, description = "invalid_root_cause: not one of the six causes"),
        (status = 401), (status = 403), (status = 404)))]
pub async fn confirm_root_cause(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ConfirmRootCause>,
) -> ApiResult<Json<RootCauseView>> {
    Ok(Json(
        state
            .engine
            .insights()
            .confirm_root_cause(&auth.staff, parse_id(&id)?, &input)
            .await?,
    ))
}
