//! A reply template may only use fields a reply can fill (issue 16): what the bot renders it with
//! is `customer.name`, `customer.email`, `slots.NAME` (the intent's slots), `row.COLUMN` (the first
//! record of the intent's connector) and `rows` (all of them), as `pipeline::reply::template_context`
//! builds them. A saved template that uses anything else is
//! refused with the field named, instead of rendering an empty gap to customers.
//!
//! The connector's columns are known without running it: a SQL statement's result columns (from
//! preparing it) or an HTTP connector's `extract` names. What cannot be known before a run (an
//! HTTP connector that returns its response as is, a business database that cannot be reached,
//! fields inside `rows` or a loop) is not checked.

use std::collections::BTreeSet;

use tandem_core::{Error, ErrorCode};

use crate::runtime::BotRuntime;
use crate::Result;

/// What a template can use, in words (the editor's hint says the same).
pub const TEMPLATE_VARIABLES: &str =
    "customer.name, customer.email, slots.NAME (the intent's slots), row.COLUMN (the first record of the intent's connector) and rows (all records)";

/// The customer's fields in a template.
const CUSTOMER_FIELDS: &[&str] = &["name", "email"];

/// The variables a template reads without setting them, with the attribute path they read
/// (`row.status`, `customer`), sorted.
fn used_variables(name: &str, source: &str) -> Result<BTreeSet<String>> {
    let mut env = crate::pack::rules::template_environment();
    env.add_template_owned(name.to_owned(), source.to_owned())
        .map_err(|e| {
            Error::invalid(
                ErrorCode::InvalidTemplate,
                format!("the template does not compile: {e}"),
            )
        })?;
    let template = env.get_template(name).map_err(|e| {
        Error::invalid(
            ErrorCode::InvalidTemplate,
            format!("the template does not compile: {e}"),
        )
    })?;
    let globals: BTreeSet<String> = env.globals().map(|(g, _)| g.to_owned()).collect();
    Ok(template
        .undeclared_variables(true)
        .into_iter()
        .filter(|v| !globals.contains(v.split('.').next().unwrap_or_default()))
        .collect())
}

fn unknown(field: &str, why: String) -> Error {
    Error::invalid(
        ErrorCode::InvalidTemplate,
        format!("the template uses `{field}`, {why}"),
    )
}

/// Refuses a template that uses a field no reply can fill, for every intent that renders it (a
/// template no intent uses yet is checked against what any reply has).
pub(crate) async fn check_template_fields(bot: &BotRuntime, name: &str, source: &str) -> Result<()> {
    let used = used_variables(name, source)?;
    // Fields every reply has, whichever intent renders it.
    for field in &used {
        let mut parts = field.split('.');
        let root = parts.next().unwrap_or_default();
        let attribute = parts.next();
        match (root, attribute) {
            ("customer", Some(a)) if !CUSTOMER_FIELDS.contains(&a) => {
                return Err(unknown(
                    field,
                    format!("but a customer has only `customer.name` and `customer.email`; a template can use {TEMPLATE_VARIABLES}"),
                ))
            }
            ("customer" | "slots" | "row" | "rows", _) => {}
            _ => {
                return Err(unknown(
                    field,
                    format!("which no reply has; a template can use {TEMPLATE_VARIABLES}"),
                ))
            }
        }
    }
    // Fields that depend on the intent: its slots and its connector's columns.
    for intent in bot
        .pack
        .intents
        .iter()
        .filter(|i| i.template.as_deref() == Some(name))
    {
        let slots: BTreeSet<&str> = intent.slots.iter().map(|s| s.name.as_str()).collect();
        let columns = match &intent.connector {
            // A business database that is down must not stop the editing of replies: the
            // columns are then not checked (the connector's own failure shows elsewhere).
            Some(connector) => bot.connectors.fields(connector).await.unwrap_or_else(|e| {
                tracing::warn!(connector = %connector, error = %e, "the connector's columns are unknown; the template's row fields are not checked");
                None
            }),
            None => Some(Vec::new()),
        };
        for field in &used {
            let mut parts = field.split('.');
            let root = parts.next().unwrap_or_default();
            let Some(attribute) = parts.next() else {
                continue;
            };
            if root == "slots" && !slots.contains(attribute) {
                let known = if slots.is_empty() {
                    "none".to_owned()
                } else {
                    slots.iter().copied().collect::<Vec<_>>().join(", ")
                };
                return Err(unknown(
                    field,
                    format!(
                        "but the intent `{}` has no slot `{attribute}` (its slots: {known})",
                        intent.name
                    ),
                ));
            }
            if root != "row" {
                continue;
            }
            let Some(columns) = &columns else {
                continue;
            };
            if columns.iter().any(|c| c == attribute) {
                continue;
            }
            return Err(match &intent.connector {
                Some(connector) => unknown(
                    field,
                    format!(
                        "but the connector `{connector}` of the intent `{}` returns no column `{attribute}` (it returns: {})",
                        intent.name,
                        columns.join(", ")
                    ),
                ),
                None => unknown(
                    field,
                    format!(
                        "but the intent `{}` runs no connector, so there is no `row`",
                        intent.name
                    ),
                ),
            });
        }
    }
    Ok(())
}
