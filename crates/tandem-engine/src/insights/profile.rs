//! The customer profile agents see beside a conversation, and the insights page's list of
//! customers at risk: who the customer is, their health (`super::health`), their value in the
//! business's own data (the pack's `[customers] value_connector`) and the pack's offers that fit
//! them (`crate::pack::offers`).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use tandem_core::ids::CustomerId;
use tandem_core::model::Customer;
use tandem_core::permission::Permission;
use tandem_core::Error;
use tandem_store::{CustomerHistory, CustomerScope};
use utoipa::ToSchema;

use super::health::{self, Health, Risk, LOOKBACK_DAYS};
use crate::auth::Staff;
use crate::connectors::{ConnectorInput, Row};
use crate::pack::offers::{tenure, CustomerFacts, Offer};
use crate::runtime::BotRuntime;
use crate::{Engine, Result};

/// The most customers the at-risk list shows.
pub const MAX_LISTED: usize = 100;
/// How many value look-ups the at-risk list runs at once.
const CONCURRENT_LOOKUPS: usize = 8;

/// Customer profiles and the at-risk list.
#[derive(Clone, Copy)]
pub struct Customers<'e> {
    pub(crate) engine: &'e Engine,
}

/// Whether the shop's data was read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ValueStatus {
    /// The customer was found in the shop's data.
    Found,
    /// The shop's data has no customer with this e-mail address.
    NotFound,
    /// The look-up failed (the failure is logged); the values are unknown.
    Unavailable,
    /// The pack names no `[customers] value_connector`.
    #[default]
    NotConfigured,
}

/// What the customer is worth to the business, from its own data. Every value is null when the
/// look-up found nothing, failed or is not configured.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct CustomerValue {
    pub status: ValueStatus,
    /// Orders in the shop's data, any status.
    pub orders: Option<i64>,
    /// What the customer spent (in `currency`).
    pub spend: Option<f64>,
    pub currency: Option<String>,
    /// `YYYY-MM-DD`: when they became a customer of the shop.
    pub customer_since: Option<String>,
    /// Days since `customer_since`.
    pub customer_days: Option<i64>,
    pub last_order_at: Option<String>,
    pub average_order_value: Option<f64>,
}

/// An offer of the pack that fits the customer.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct OfferMatch {
    pub id: String,
    pub title: String,
    pub description: String,
    /// What the agent can say or do.
    pub script: String,
    /// Why it fits: the rules it met, with the customer's values.
    pub why: String,
}

/// Everything an agent should know about a customer before answering them.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CustomerProfile {
    pub customer: Customer,
    pub health: Health,
    pub value: CustomerValue,
    pub offers: Vec<OfferMatch>,
    /// The customer's conversations in Tandem.
    pub conversations: i64,
}

/// A customer of the at-risk list.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CustomerAtRisk {
    pub customer: Customer,
    pub health: Health,
    pub value: CustomerValue,
    pub conversations: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CustomersAtRisk {
    /// Lowest score first, at most 100.
    pub customers: Vec<CustomerAtRisk>,
}

/// A number from a connector's field: a JSON number, or a string holding one.
fn number(row: &Row, field: &str) -> Option<f64> {
    let value: Option<f64> = match row.get(field)? {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    value.filter(|v| v.is_finite())
}

fn text(row: &Row, field: &str) -> Option<String> {
    match row.get(field)? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads the value connector's first row.
pub fn value_of(row: &Row, today: NaiveDate) -> CustomerValue {
    let since = text(row, "customer_since")
        .and_then(|s| NaiveDate::parse_from_str(s.get(..10).unwrap_or(s.as_str()), "%Y-%m-%d").ok());
    let orders = match row.get("orders") {
        Some(serde_json::Value::Number(n)) => n.as_i64(),
        _ => text(row, "orders").and_then(|s| s.parse().ok()),
    };
    let money = |field: &str| number(row, field).map(|v| (v * 100.0).round() / 100.0);
    CustomerValue {
        status: ValueStatus::Found,
        orders,
        spend: money("spend"),
        currency: text(row, "currency"),
        customer_since: since.map(tandem_core::clock::day_name),
        customer_days: since.map(|d| (today - d).num_days()),
        last_order_at: text(row, "last_order_at"),
        average_order_value: money("average_order_value"),
    }
}

/// The reason the customer's value adds: what they are worth, or that the shop does not know them.
/// It never changes the score.
fn value_reason(value: &CustomerValue) -> Option<String> {
    match value.status {
        ValueStatus::NotFound => Some("Not found in the shop's data (by e-mail address)".to_owned()),
        ValueStatus::Found => {
            let mut parts = Vec::new();
            if let (Some(since), Some(days)) = (&value.customer_since, value.customer_days) {
                parts.push(format!("Customer since {since} ({})", tenure(days)));
            }
            if let Some(n) = value.orders {
                parts.push(format!("{n} order{}", if n == 1 { "" } else { "s" }));
            }
            if let Some(spend) = value.spend {
                let currency = value.currency.as_deref().unwrap_or_default();
                parts.push(format!("{spend:.2} {currency} spent").replace("  ", " "));
            }
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        ValueStatus::Unavailable | ValueStatus::NotConfigured => None,
    }
}

/// The offers whose every rule holds for the customer, in the pack's order.
pub fn matching_offers(offers: &[Offer], facts: &CustomerFacts) -> Vec<OfferMatch> {
    offers
        .iter()
        .filter_map(|o| {
            o.why(facts).map(|why| OfferMatch {
                id: o.id.clone(),
                title: o.title.clone(),
                description: o.description.clone(),
                script: o.script.clone(),
                why,
            })
        })
        .collect()
}

/// Health, value and offers of one history.
fn evaluate(
    history: &CustomerHistory,
    bot: Option<&BotRuntime>,
    value: CustomerValue,
    now: DateTime<Utc>,
) -> (Health, CustomerValue, Vec<OfferMatch>) {
    let empty = BTreeMap::new();
    let risk_intents = bot.map_or(&empty, |b| &b.pack.manifest.customers.risk_intents);
    let assessed = health::assess(history, risk_intents, now);
    let mut health = assessed.health;
    if let Some(reason) = value_reason(&value) {
        health.reasons.push(reason);
    }
    let facts = CustomerFacts {
        risk: health.risk,
        customer_since: value
            .customer_since
            .as_deref()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()),
        customer_days: value.customer_days,
        orders: value.orders,
        spend: value.spend,
        currency: value.currency.clone(),
        frustrated: assessed.frustrated_recent,
    };
    let offers = bot.map_or_else(Vec::new, |b| matching_offers(&b.pack.offers, &facts));
    (health, value, offers)
}

impl Customers<'_> {
    /// The customer's value from the business's data. A failing look-up is logged and leaves the
    /// values unknown: it never fails the profile.
    async fn value(&self, bot: Option<&BotRuntime>, customer: &Customer) -> CustomerValue {
        let Some(bot) = bot else {
            return CustomerValue::default();
        };
        let Some(connector) = bot.pack.manifest.customers.value_connector.as_deref() else {
            return CustomerValue::default();
        };
        let input = ConnectorInput {
            slots: BTreeMap::new(),
            customer_email: customer.email.clone(),
            customer_name: customer.name.clone(),
        };
        match bot.connectors.run(connector, &input).await {
            Ok(out) => match out.rows.first() {
                Some(row) => value_of(row, self.engine.now().date_naive()),
                None => CustomerValue {
                    status: ValueStatus::NotFound,
                    ..CustomerValue::default()
                },
            },
            Err(e) => {
                tracing::warn!(connector, customer = %customer.id, error = %e, "the customer value look-up failed");
                CustomerValue {
                    status: ValueStatus::Unavailable,
                    ..CustomerValue::default()
                }
            }
        }
    }

    /// One customer's profile (any staff member who can read conversations).
    pub async fn profile(&self, staff: &Staff, id: CustomerId) -> Result<CustomerProfile> {
        staff.require(Permission::ViewConversations)?;
        let now = self.engine.now();
        let since = now - Duration::days(LOOKBACK_DAYS);
        let history = self
            .engine
            .store
            .customer_histories(CustomerScope::One(id), since)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| Error::not_found("customer"))?;
        let bot = self.engine.runtime().bot();
        let value = self.value(bot.as_deref(), &history.customer).await;
        let (health, value, offers) = evaluate(&history, bot.as_deref(), value, now);
        Ok(CustomerProfile {
            conversations: history.conversations,
            customer: history.customer,
            health,
            value,
            offers,
        })
    }

    /// The customers with a conversation in the last `days` days (1 to 90), lowest score first
    /// (at most 100), optionally only those at one risk level.
    pub async fn at_risk(&self, staff: &Staff, days: u32, risk: Option<Risk>) -> Result<CustomersAtRisk> {
        use futures::StreamExt;
        staff.require(Permission::ViewInsights)?;
        super::check_days(days)?;
        let now = self.engine.now();
        let active = now - Duration::days(i64::from(days));
        let histories = self
            .engine
            .store
            .customer_histories(
                CustomerScope::ActiveSince(active),
                now - Duration::days(LOOKBACK_DAYS),
            )
            .await?;
        let bot = self.engine.runtime().bot();
        // The score does not depend on the value, so only the listed customers are looked up.
        let empty = BTreeMap::new();
        let risk_intents = bot
            .as_deref()
            .map_or(&empty, |b| &b.pack.manifest.customers.risk_intents);
        let mut scored: Vec<(Health, &CustomerHistory)> = histories
            .iter()
            .map(|h| (health::assess(h, risk_intents, now).health, h))
            .filter(|(health, _)| risk.is_none_or(|r| health.risk == r))
            .collect();
        scored.sort_by(|a, b| {
            a.0.score
                .cmp(&b.0.score)
                .then_with(|| b.0.risk.cmp(&a.0.risk))
                .then_with(|| a.1.customer.name.cmp(&b.1.customer.name))
        });
        scored.truncate(MAX_LISTED);
        let bot = bot.as_deref();
        // The look-ups own what they read, so that the stream's futures borrow nothing per item.
        let listed: Vec<Customer> = scored.iter().map(|(_, h)| h.customer.clone()).collect();
        let values: Vec<CustomerValue> = futures::stream::iter(listed)
            .map(|customer| async move { self.value(bot, &customer).await })
            .buffered(CONCURRENT_LOOKUPS)
            .collect()
            .await;
        let customers = scored
            .into_iter()
            .zip(values)
            .map(|((_, history), value)| {
                let (health, value, _) = evaluate(history, bot, value, now);
                CustomerAtRisk {
                    customer: history.customer.clone(),
                    health,
                    value,
                    conversations: history.conversations,
                }
            })
            .collect();
        Ok(CustomersAtRisk { customers })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn row(json: serde_json::Value) -> Row {
        json.as_object().cloned().unwrap()
    }

    #[test]
    fn the_value_row_is_read_from_numbers_or_text() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let v = value_of(
            &row(serde_json::json!({
                "orders": 2, "spend": 214.004, "currency": "USD", "customer_since": "2023-12-01",
                "last_order_at": "2026-11-20", "average_order_value": "214.0"
            })),
            today,
        );
        assert_eq!(v.status, ValueStatus::Found);
        assert_eq!(v.orders, Some(2));
        assert_eq!(v.spend, Some(214.0));
        assert_eq!(v.customer_since.as_deref(), Some("2023-12-01"));
        assert_eq!(v.customer_days, Some(1101));
        assert_eq!(v.average_order_value, Some(214.0));
        assert_eq!(
            value_reason(&v).as_deref(),
            Some("Customer since 2023-12-01 (3 years), 2 orders, 214.00 USD spent")
        );
        let odd = value_of(
            &row(serde_json::json!({"orders": "7", "customer_since": "2020-01-05 10:00:00", "spend": "x"})),
            today,
        );
        assert_eq!(odd.orders, Some(7));
        assert_eq!(odd.customer_since.as_deref(), Some("2020-01-05"));
        assert_eq!(odd.spend, None);
        let unknown = CustomerValue {
            status: ValueStatus::NotFound,
            ..CustomerValue::default()
        };
        assert_eq!(
            value_reason(&unknown).as_deref(),
            Some("Not found in the shop's data (by e-mail address)")
        );
        assert_eq!(value_reason(&CustomerValue::default()), None);
    }
}
