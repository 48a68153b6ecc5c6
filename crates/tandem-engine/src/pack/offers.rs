//! `offers/*.toml` and `[customers]` in `pack.toml`: what agents may offer a customer, and how
//! Tandem reads a customer's value and risk from the business's data and the bot's decisions.
//!
//! An offer is one file, named by its stem (`loyalty_voucher.toml`): a title, a description, what
//! the agent can say or do, and eligibility rules. Every rule an offer sets must hold for a customer
//! to get it, and the customer is told nothing: the offer is a suggestion for the agent, with a
//! sentence saying why it fits, built from the rules it met and the customer's own values.
//! How a customer's health is computed is in `crate::insights::health`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{ConnectorDef, ConnectorSpec, IntentDef};
use super::rules;
use crate::insights::health::Risk;

/// `[customers]` in `pack.toml`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CustomerSettings {
    /// The connector that reads a customer's value from the business's data, called with the
    /// customer's e-mail address (`customer.email`). Its first row's fields `orders`, `spend`,
    /// `currency`, `customer_since` (`YYYY-MM-DD`), `last_order_at` and `average_order_value`
    /// are read; any may be missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_connector: Option<String>,
    /// Intents that signal the customer may leave (a cancellation, a complaint), each with the
    /// words the health reasons say it in ("asked to cancel an order").
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub risk_intents: BTreeMap<String, String>,
}

impl CustomerSettings {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// One offer (`offers/ID.toml`). The rules are all optional, but an offer sets at least one.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    /// The file stem (set when the pack is loaded).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub title: String,
    /// What the offer is, for the agent.
    pub description: String,
    /// What the agent can say or do to make the offer.
    pub script: String,
    /// Only customers at one of these risk levels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risk: Vec<Risk>,
    /// Only customers of the shop for at least this many days (its `customer_since`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_customer_days: Option<u32>,
    /// Only customers of the shop for at most this many days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_customer_days: Option<u32>,
    /// Only customers with at least this many orders (any status) in the shop's data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_orders: Option<u32>,
    /// Only customers with at most this many orders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_orders: Option<u32>,
    /// Only customers who spent at least this much (in the shop's currency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_spend: Option<f64>,
    /// Only customers frustrated in at least this many conversations in the last 30 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_frustrated: Option<u32>,
}

/// What the eligibility rules read about a customer. Values from the shop's data are `None` when
/// they are unknown; a rule about an unknown value does not hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomerFacts {
    pub risk: Risk,
    pub customer_since: Option<NaiveDate>,
    /// Days since `customer_since`.
    pub customer_days: Option<i64>,
    pub orders: Option<i64>,
    pub spend: Option<f64>,
    pub currency: Option<String>,
    /// Conversations in the last 30 days in which the customer was frustrated.
    pub frustrated: usize,
}

/// How long someone has been a customer, in words: "3 years", "1 year", "5 months", "12 days".
pub fn tenure(days: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    if days >= 365 {
        plural(days / 365, "year")
    } else if days >= 60 {
        plural(days / 30, "month")
    } else {
        plural(days.max(0), "day")
    }
}

/// "a", "a and b", "a, b and c", with the first letter in upper case and a full stop.
pub fn sentence(parts: &[String]) -> String {
    let text = match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => text,
    }
}

fn orders_words(n: i64) -> String {
    format!("{n} order{}", if n == 1 { "" } else { "s" })
}

impl Offer {
    /// Whether the offer sets any rule at all.
    fn has_rules(&self) -> bool {
        !self.risk.is_empty()
            || self.min_customer_days.is_some()
            || self.max_customer_days.is_some()
            || self.min_orders.is_some()
            || self.max_orders.is_some()
            || self.min_spend.is_some()
            || self.min_frustrated.is_some()
    }

    /// When every rule holds for the customer: why the offer fits, one sentence built from the
    /// rules it met with the customer's values ("Customer since 2023-12-01 (3 years) and at high
    /// risk."). `None` when a rule does not hold (or its value is unknown).
    pub fn why(&self, facts: &CustomerFacts) -> Option<String> {
        let mut parts = Vec::new();
        if !self.risk.is_empty() {
            if !self.risk.contains(&facts.risk) {
                return None;
            }
            parts.push(format!("at {} risk", facts.risk.as_str()));
        }
        if self.min_customer_days.is_some() || self.max_customer_days.is_some() {
            let (since, days) = facts.customer_since.zip(facts.customer_days)?;
            let min = self.min_customer_days.map_or(i64::MIN, i64::from);
            let max = self.max_customer_days.map_or(i64::MAX, i64::from);
            if !(min..=max).contains(&days) {
                return None;
            }
            parts.push(format!("customer since {since} ({})", tenure(days)));
        }
        if self.min_orders.is_some() || self.max_orders.is_some() {
            let orders = facts.orders?;
            let min = self.min_orders.map_or(i64::MIN, i64::from);
            let max = self.max_orders.map_or(i64::MAX, i64::from);
            if !(min..=max).contains(&orders) {
                return None;
            }
            parts.push(orders_words(orders));
        }
        if let Some(min) = self.min_spend {
            let spend = facts.spend.filter(|s| *s >= min)?;
            let currency = facts.currency.as_deref().unwrap_or_default();
            parts.push(format!("{spend:.2} {currency} spent").replace("  ", " "));
        }
        if let Some(min) = self.min_frustrated {
            let n = facts.frustrated;
            if u32::try_from(n).unwrap_or(u32::MAX) < min {
                return None;
            }
            let s = if n == 1 { "" } else { "s" };
            parts.push(format!("frustrated in {n} conversation{s} in the last 30 days"));
        }
        (!parts.is_empty()).then(|| sentence(&parts))
    }

    /// The problems of one offer, each a sentence.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(e) = rules::check_name(&self.id, rules::Name::Slug) {
            problems.push(format!("the file name: {e}"));
        }
        for (field, text) in [
            ("title", &self.title),
            ("description", &self.description),
            ("script", &self.script),
        ] {
            if text.trim().is_empty() {
                problems.push(format!("{field} must not be empty"));
            }
        }
        if !self.has_rules() {
            problems.push(
                "an offer needs at least one eligibility rule (risk, min_customer_days, max_customer_days, \
                 min_orders, max_orders, min_spend, min_frustrated)"
                    .to_owned(),
            );
        }
        let ordered = |min: Option<u32>, max: Option<u32>| min.zip(max).is_none_or(|(a, b)| a <= b);
        if !ordered(self.min_customer_days, self.max_customer_days) {
            problems.push("min_customer_days is larger than max_customer_days".to_owned());
        }
        if !ordered(self.min_orders, self.max_orders) {
            problems.push("min_orders is larger than max_orders".to_owned());
        }
        if self.min_spend.is_some_and(|s| !s.is_finite() || s < 0.0) {
            problems.push("min_spend must be a number of 0 or more".to_owned());
        }
        problems
    }
}

/// The problems of `[customers]` (reported on `pack.toml`) and of the offers (on their files).
pub(super) fn check(
    customers: &CustomerSettings,
    offers: &[Offer],
    intents: &[IntentDef],
    connectors: &BTreeMap<&str, &ConnectorDef>,
    report: &mut impl FnMut(String, String),
) {
    if let Some(name) = &customers.value_connector {
        match connectors.get(name.as_str()).map(|c| &c.spec) {
            None => report(
                "pack.toml".into(),
                format!("customers.value_connector `{name}` does not exist in connectors/"),
            ),
            Some(ConnectorSpec::Sql { params, .. }) if params.iter().any(|p| !p.starts_with("customer.")) => {
                report(
                    "pack.toml".into(),
                    format!(
                        "customers.value_connector `{name}` may only take customer.email and customer.name"
                    ),
                )
            }
            Some(_) => {}
        }
    }
    for (intent, words) in &customers.risk_intents {
        if !intents.iter().any(|i| &i.name == intent) {
            report(
                "pack.toml".into(),
                format!("customers.risk_intents names `{intent}`, which is not an intent of intents/"),
            );
        }
        if words.trim().is_empty() {
            report(
                "pack.toml".into(),
                format!("customers.risk_intents.{intent} must say in words what the customer did"),
            );
        }
    }
    let mut titles = BTreeMap::new();
    for offer in offers {
        let file = format!("offers/{}.toml", offer.id);
        for problem in offer.check() {
            report(file.clone(), problem);
        }
        let title = offer.title.trim().to_lowercase();
        if let Some(other) = titles.insert(title, offer.id.as_str()) {
            report(file.clone(), format!("the offer `{other}` has the same title"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer() -> Offer {
        Offer {
            id: "loyalty".into(),
            title: "Loyalty voucher".into(),
            description: "20% off".into(),
            script: "Offer the voucher.".into(),
            risk: Vec::new(),
            min_customer_days: None,
            max_customer_days: None,
            min_orders: None,
            max_orders: None,
            min_spend: None,
            min_frustrated: None,
        }
    }

    fn oliver() -> CustomerFacts {
        CustomerFacts {
            risk: Risk::High,
            customer_since: NaiveDate::from_ymd_opt(2023, 12, 1),
            customer_days: Some(1101),
            orders: Some(2),
            spend: Some(214.0),
            currency: Some("USD".into()),
            frustrated: 2,
        }
    }

    #[test]
    fn every_rule_must_hold_and_the_why_names_the_values() {
        let loyal = Offer {
            risk: vec![Risk::High],
            min_customer_days: Some(365),
            ..offer()
        };
        assert_eq!(
            loyal.why(&oliver()).as_deref(),
            Some("At high risk and customer since 2023-12-01 (3 years).")
        );
        let calm = CustomerFacts {
            risk: Risk::Low,
            ..oliver()
        };
        assert_eq!(loyal.why(&calm), None, "the risk rule fails");
        let new = CustomerFacts {
            customer_days: Some(20),
            ..oliver()
        };
        assert_eq!(loyal.why(&new), None, "the tenure rule fails");
        let unknown = CustomerFacts {
            customer_since: None,
            customer_days: None,
            ..oliver()
        };
        assert_eq!(loyal.why(&unknown), None, "an unknown value fails its rule");
    }

    #[test]
    fn each_rule_can_fail_on_its_own() {
        let facts = oliver();
        let fails = |o: Offer| o.why(&facts).is_none();
        assert!(fails(Offer {
            min_orders: Some(3),
            ..offer()
        }));
        assert!(fails(Offer {
            max_orders: Some(1),
            ..offer()
        }));
        assert!(fails(Offer {
            max_customer_days: Some(100),
            ..offer()
        }));
        assert!(fails(Offer {
            min_spend: Some(500.0),
            ..offer()
        }));
        assert!(fails(Offer {
            min_frustrated: Some(3),
            ..offer()
        }));
        assert!(fails(Offer {
            risk: vec![Risk::Low, Risk::Medium],
            ..offer()
        }));
        let all = Offer {
            min_orders: Some(2),
            max_orders: Some(5),
            min_spend: Some(100.0),
            min_frustrated: Some(1),
            ..offer()
        };
        assert_eq!(
            all.why(&facts).as_deref(),
            Some("2 orders, 214.00 USD spent and frustrated in 2 conversations in the last 30 days.")
        );
        let no_orders = CustomerFacts {
            orders: None,
            ..oliver()
        };
        assert!(Offer {
            max_orders: Some(5),
            ..offer()
        }
        .why(&no_orders)
        .is_none());
    }

    #[test]
    fn an_offer_needs_words_and_a_rule_in_order() {
        let problems = offer().check();
        assert!(
            problems
                .iter()
                .any(|p| p.contains("at least one eligibility rule")),
            "{problems:?}"
        );
        let bad = Offer {
            title: " ".into(),
            min_orders: Some(5),
            max_orders: Some(2),
            min_spend: Some(-1.0),
            ..offer()
        };
        let problems = bad.check().join(" | ");
        assert!(problems.contains("title must not be empty"), "{problems}");
        assert!(problems.contains("min_orders is larger"), "{problems}");
        assert!(problems.contains("min_spend"), "{problems}");
        assert!(Offer {
            risk: vec![Risk::High],
            ..offer()
        }
        .check()
        .is_empty());
    }

    #[test]
    fn customers_settings_name_a_known_connector_and_known_intents() {
        let pack = crate::pack::load_dir(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../packs/demo"
        )))
        .unwrap();
        let connectors: BTreeMap<&str, &ConnectorDef> =
            pack.connectors.iter().map(|c| (c.name.as_str(), c)).collect();
        let problems = |customers: &CustomerSettings, offers: &[Offer]| {
            let mut found = Vec::new();
            check(
                customers,
                offers,
                &pack.intents,
                &connectors,
                &mut |file, message| found.push(format!("{file}: {message}")),
            );
            found
        };
        assert_eq!(
            problems(&pack.manifest.customers, &pack.offers),
            Vec::<String>::new()
        );
        assert!(pack.offers.len() >= 3);
        let wrong = CustomerSettings {
            value_connector: Some("crm".into()),
            risk_intents: BTreeMap::from([("churn".to_owned(), "left".to_owned())]),
        };
        let found = problems(&wrong, &[]).join(" | ");
        assert!(
            found.contains("pack.toml: customers.value_connector `crm` does not exist"),
            "{found}"
        );
        assert!(
            found.contains("pack.toml: customers.risk_intents names `churn`"),
            "{found}"
        );
        let slot_connector = CustomerSettings {
            value_connector: Some("order_status".into()),
            ..CustomerSettings::default()
        };
        assert!(problems(&slot_connector, &[])
            .join(" ")
            .contains("may only take customer.email"));
        let twice = [
            Offer {
                risk: vec![Risk::High],
                ..offer()
            },
            Offer {
                id: "other".into(),
                risk: vec![Risk::High],
                ..offer()
            },
        ];
        let found = problems(&CustomerSettings::default(), &twice).join(" | ");
        assert!(
            found.contains("offers/other.toml: the offer `loyalty` has the same title"),
            "{found}"
        );
    }

    #[test]
    fn tenure_and_sentences_read_naturally() {
        assert_eq!(tenure(1101), "3 years");
        assert_eq!(tenure(400), "1 year");
        assert_eq!(tenure(90), "3 months");
        assert_eq!(tenure(1), "1 day");
        assert_eq!(sentence(&["a".into()]), "A.");
        assert_eq!(sentence(&["a".into(), "b".into(), "c".into()]), "A, b and c.");
    }
}
