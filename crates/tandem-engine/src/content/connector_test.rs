//! Trying a connector of the active pack against the business's data, from the admin page.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;
use tandem_core::permission::Permission;
use tandem_core::{Error, ErrorCode};
use utoipa::ToSchema;

use super::Content;
use crate::auth::Staff;
use crate::connectors::ConnectorInput;
use crate::Result;

/// What a connector test found.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConnectorTest {
    pub ok: bool,
    /// The first record (or the extracted fields) when `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub fields: Option<serde_json::Map<String, serde_json::Value>>,
    /// How many records were found, when `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<usize>,
    /// Why it did not work, when not `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub elapsed_ms: u64,
}

impl Content<'_> {
    /// Runs a connector of the active pack with the given values, as the bot would, owner check
    /// included: a connector that returns a customer's own data needs the customer's e-mail.
    pub async fn test_connector(
        &self,
        staff: &Staff,
        name: &str,
        params: BTreeMap<String, String>,
        customer_email: Option<String>,
    ) -> Result<ConnectorTest> {
        staff.require(Permission::ManageContent)?;
        let bot = self.engine.runtime().running()?;
        let def = bot
            .pack
            .connectors
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| Error::not_found(format!("connector `{name}`")))?;
        if params.len() > 50 || params.iter().any(|(k, v)| k.len() > 200 || v.len() > 2000) {
            return Err(Error::invalid(
                ErrorCode::InvalidParams,
                "too many or too long parameter values",
            ));
        }
        let email = customer_email
            .or_else(|| params.get("customer.email").cloned())
            .map(|e| e.trim().to_owned())
            .filter(|e| !e.is_empty());
        let input = ConnectorInput {
            customer_name: params.get("customer.name").cloned().unwrap_or_default(),
            customer_email: email.clone().unwrap_or_default(),
            slots: params,
        };
        let started = Instant::now();
        if email.is_none() && def.owner_field.is_some() {
            // The owner check is what keeps one customer's data from another: it is never left
            // out, so the test runs as a given customer.
            return Err(Error::invalid(
                ErrorCode::InvalidParams,
                format!(
                    "the connector `{name}` returns a customer's own data: give customer_email to test it as that customer"
                ),
            ));
        }
        let result = bot.connectors.run(name, &input).await;
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let failed = |error: String| ConnectorTest {
            ok: false,
            fields: None,
            rows: None,
            error: Some(error),
            elapsed_ms,
        };
        Ok(match result {
            Err(e) => failed(e.to_string()),
            Ok(output) => match output.rows.first() {
                Some(first) => ConnectorTest {
                    ok: true,
                    fields: Some(first.clone()),
                    rows: Some(output.rows.len()),
                    error: None,
                    elapsed_ms,
                },
                None if output.withheld > 0 => failed(format!(
                    "{} record(s) found belong to another customer than {}; the bot treats them as not found",
                    output.withheld,
                    email.unwrap_or_default()
                )),
                None => failed("no record was found for these values".to_owned()),
            },
        })
    }
}
