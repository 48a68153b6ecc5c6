//! Customers: their profile (health, value, offers; any staff), the insights page's list of those at
//! risk, and their personal data: lookup (supervisors, admins), export and erasure (admins).

use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use tandem_core::model::Customer;
use tandem_engine::insights::health::Risk;
use tandem_engine::insights::profile::{CustomerProfile, CustomersAtRisk};
use tandem_engine::privacy::{CustomerExport, ErasureInput, ErasureReport};
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{parse_id, ApiJson, ApiQuery, StaffAuth};
use crate::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// The customer's e-mail address (exact match, regardless of case).
    pub email: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CustomerList {
    pub customers: Vec<Customer>,
}

/// Find a customer by e-mail address (supervisor, admin); an empty list when there is none.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", params(CustomerQuery),
    security(("staff_token" = [])),
    responses((status = 200, body = CustomerList), (status = 400), (status = 401), (status = 403)))]
pub async fn find(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<CustomerQuery>,
) -> ApiResult<Json<CustomerList>> {
    Ok(Json(CustomerList {
        customers: state
            .engine
            .privacy()
            .find(&auth.staff, query.email.as_deref())
            .await?,
    }))
}

/// Everything stored about a customer, as JSON (admin; audited).
#[utoipa::path(get, path = "/api/v1/customers/{id}/export", tag = "customers", params(("id" = String, Path)),
    security(("staff_token" = [])),
    responses((status = 200, body = CustomerExport), (status = 401), (status = 403), (status = 404)))]
pub async fn export(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<CustomerExport>> {
    Ok(Json(state.engine.privacy().export(&auth.staff, &id).await?))
}

/// Erase a customer and all their conversations, with a reason (admin; audited).
#[utoipa::path(delete, path = "/api/v1/customers/{id}", tag = "customers", params(("id" = String, Path)),
    request_body = ErasureInput, security(("staff_token" = [])),
    responses((status = 200, body = ErasureReport), (status = 400, description = "no reason given"),
        (status = 401), (status = 403), (status = 404)))]
pub async fn erase(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ErasureInput>,
) -> ApiResult<Json<ErasureReport>> {
    Ok(Json(state.engine.privacy().erase(&auth.staff, &id, input).await?))
}

/// A customer's profile: health (score, risk, reasons), value in the shop's data, the offers that
/// fit them and how many conversations they had (any staff).
#[utoipa::path(get, path = "/api/v1/customers/{id}/profile", tag = "customers",
    params(("id" = String, Path, description = "the customer's id (a conversation's `customer.id`)")),
    security(("staff_token" = [])),
    responses((status = 200, body = CustomerProfile), (status = 400, description = "not a customer id"),
        (status = 401), (status = 404, description = "no such customer")))]
pub async fn profile(
    State(state): State<AppState>,
    auth: StaffAuth,
    Path(id): Path<String>,
) -> ApiResult<Json<CustomerProfile>> {
    Ok(Json(
        state
            .engine
            .customers()
            .profile(&auth.staff, parse_id(&id)?)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AtRiskQuery {
    /// Customers with a conversation in this many days, today included: 1 to 90 (default 30).
    #[param(minimum = 1, maximum = 90)]
    pub days: Option<u32>,
    /// Only customers at this risk level.
    pub risk: Option<Risk>,
}

/// The customers with a conversation in the window, lowest health score first (at most 100).
#[utoipa::path(get, path = "/api/v1/insights/customers", tag = "insights", params(AtRiskQuery),
    security(("staff_token" = [])),
    responses((status = 200, body = CustomersAtRisk),
        (status = 400, description = "days not in 1..=90, or an unknown risk level"), (status = 401)))]
pub async fn at_risk(
    State(state): State<AppState>,
    auth: StaffAuth,
    ApiQuery(query): ApiQuery<AtRiskQuery>,
) -> ApiResult<Json<CustomersAtRisk>> {
    Ok(Json(
        state
            .engine
            .customers()
            .at_risk(&auth.staff, query.days.unwrap_or(30), query.risk)
            .await?,
    ))
}
