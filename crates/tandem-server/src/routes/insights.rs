//! Insights: the summary numbers and the server-rendered SVG charts.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use tandem_engine::insights::InsightsSummary;

use crate::error::ApiResult;
use crate::extract::{ApiQuery, StaffAuth};
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
