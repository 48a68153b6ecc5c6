//! Connectors to the business's own systems: `sql` and `http`.
//!
//! A connector is defined in the pack ([`ConnectorDef`]) and run by the policy with the values the
//! conversation gathered (slots) and the customer's identity. It returns rows: JSON objects, one
//! per record found. With an `owner_field`, rows that belong to someone else are dropped and
//! counted: to the customer a record of someone else is the same as no record.
//!
//! - `sql`: one read-only `SELECT`/`WITH` statement with parameters `$1..$n`, against SQLite or
//!   PostgreSQL (see [`sql`]). Any column type becomes a JSON value.
//! - `http`: a templated request (minijinja; values are URL-encoded in the URL and JSON-escaped in
//!   the body), with a timeout and retries on connection errors and 5xx (see [`http`]).
//!
//! Errors tell a configuration problem ([`ConnectorErrorKind::Config`]) from a missing value
//! ([`ConnectorErrorKind::MissingValue`]) and from the system failing or timing out
//! ([`ConnectorErrorKind::Failed`], [`ConnectorErrorKind::Timeout`]). Their messages may be shown to
//! an agent: they never contain header values, URLs or database credentials.

mod http;
mod sql;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::pack::model::{ConnectorDef, ConnectorSpec, DatabaseDef};

/// One result row: column or extracted name to value.
pub type Row = serde_json::Map<String, serde_json::Value>;

/// What a connector runs with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectorInput {
    /// Values gathered in the conversation, by slot name.
    pub slots: BTreeMap<String, String>,
    /// The customer's (verified) e-mail address; empty when unknown.
    pub customer_email: String,
    pub customer_name: String,
}

impl ConnectorInput {
    /// The value of a parameter name: a slot, `customer.email` or `customer.name`. Empty values
    /// count as missing.
    pub fn value(&self, name: &str) -> Option<&str> {
        let v = match name {
            "customer.email" => self.customer_email.as_str(),
            "customer.name" => self.customer_name.as_str(),
            _ => self.slots.get(name)?.as_str(),
        };
        (!v.trim().is_empty()).then_some(v)
    }
}

/// What a connector found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConnectorOutput {
    /// The records found that the customer may see.
    pub rows: Vec<Row>,
    /// Records dropped because they belong to someone else.
    pub withheld: usize,
}

/// What kind of failure a [`ConnectorError`] is, for the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectorErrorKind {
    /// The definition is wrong (or names something that does not exist): a person must fix the pack.
    Config,
    /// A value the connector needs was not given: ask the customer.
    MissingValue,
    /// The business's system failed or refused.
    Failed,
    /// The business's system did not answer in time.
    Timeout,
}

/// A connector failure. Messages are safe to show an agent.
#[derive(Debug, thiserror::Error)]
pub enum ConnectorError {
    #[error("there is no connector named `{0}`")]
    Unknown(String),
    /// `subject` is e.g. "connector `order_status`" or "database `shop`".
    #[error("{subject} is misconfigured: {message}")]
    Config { subject: String, message: String },
    #[error("connector `{connector}` needs a value for `{name}`")]
    MissingValue { connector: String, name: String },
    #[error("{subject} failed: {message}")]
    Failed { subject: String, message: String },
    #[error("{subject} did not answer within {millis} ms")]
    Timeout { subject: String, millis: u64 },
}

impl ConnectorError {
    pub fn kind(&self) -> ConnectorErrorKind {
        match self {
            Self::Unknown(_) | Self::Config { .. } => ConnectorErrorKind::Config,
            Self::MissingValue { .. } => ConnectorErrorKind::MissingValue,
            Self::Failed { .. } => ConnectorErrorKind::Failed,
            Self::Timeout { .. } => ConnectorErrorKind::Timeout,
        }
    }

    /// Whether a person must fix the configuration.
    pub fn is_config(&self) -> bool {
        self.kind() == ConnectorErrorKind::Config
    }

    /// Whether the business's system failed or timed out (it may work again later).
    pub fn is_system_failure(&self) -> bool {
        matches!(
            self.kind(),
            ConnectorErrorKind::Failed | ConnectorErrorKind::Timeout
        )
    }

    /// A stable snake_case code for APIs and decision records.
    pub fn code(&self) -> &'static str {
        match self.kind() {
            ConnectorErrorKind::Config => "connector_config",
            ConnectorErrorKind::MissingValue => "connector_missing_value",
            ConnectorErrorKind::Failed => "connector_failed",
            ConnectorErrorKind::Timeout => "connector_timeout",
        }
    }

    pub(crate) fn config(subject: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Config {
            subject: subject.into(),
            message: message.into(),
        }
    }

    pub(crate) fn failed(subject: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Failed {
            subject: subject.into(),
            message: message.into(),
        }
    }
}

fn connector_subject(name: &str) -> String {
    format!("connector `{name}`")
}

fn database_subject(name: &str) -> String {
    format!("database `{name}`")
}

enum Kind {
    Sql {
        database: String,
        query: String,
        params: Vec<String>,
    },
    Http(Box<http::HttpConnector>),
}

struct Entry {
    owner_field: Option<String>,
    kind: Kind,
}

/// The connectors of a pack, ready to run. Cheap to share behind an `Arc`.
pub struct Connectors {
    entries: BTreeMap<String, Entry>,
    databases: BTreeMap<String, sql::Database>,
    client: reqwest::Client,
}

impl std::fmt::Debug for Connectors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connectors")
            .field("connectors", &self.entries.keys().collect::<Vec<_>>())
            .field("databases", &self.databases.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Connectors {
    /// Opens the business databases and checks the connector definitions.
    ///
    /// A database with `seed` and no `url` is the SQLite file `DATA_DIR/business/NAME.db`, created
    /// from the seed's SQL (looked up by file name in `seeds`) only when the file does not exist; a
    /// `sqlite:` URL with a `seed` is created the same way when missing. PostgreSQL pools connect
    /// lazily, so a business database that is down fails the connector runs, not the start.
    pub async fn open(
        defs: Vec<ConnectorDef>,
        databases: &BTreeMap<String, DatabaseDef>,
        seeds: &BTreeMap<String, String>,
        data_dir: &Path,
    ) -> Result<Self, ConnectorError> {
        let mut entries = BTreeMap::new();
        for def in defs {
            let subject = connector_subject(&def.name);
            if def.name.trim().is_empty() {
                return Err(ConnectorError::config("a connector", "its name is empty"));
            }
            if entries.contains_key(&def.name) {
                return Err(ConnectorError::config(subject, "it is defined twice"));
            }
            if def.owner_field.as_deref().is_some_and(|f| f.trim().is_empty()) {
                return Err(ConnectorError::config(subject, "`owner_field` is empty"));
            }
            let kind = match def.spec {
                ConnectorSpec::Sql {
                    database,
                    query,
                    params,
                } => {
                    if !databases.contains_key(&database) {
                        return Err(ConnectorError::config(
                            subject,
                            format!("it queries the database `{database}`, which the pack does not define"),
                        ));
                    }
                    sql::check_query(&query, params.len())
                        .map_err(|m| ConnectorError::config(&subject, m))?;
                    if let Some(p) = params.iter().find(|p| p.trim().is_empty()) {
                        return Err(ConnectorError::config(
                            subject,
                            format!("parameter `{p}` has no name"),
                        ));
                    }
                    Kind::Sql {
                        database,
                        query,
                        params,
                    }
                }
                ConnectorSpec::Http {
                    method,
                    url,
                    headers,
                    body,
                    extract,
                    timeout_ms,
                    retries,
                } => {
                    let spec = http::HttpSpec {
                        method,
                        url,
                        headers,
                        body,
                        extract,
                        timeout_ms,
                        retries,
                    };
                    Kind::Http(Box::new(
                        http::HttpConnector::new(spec).map_err(|m| ConnectorError::config(&subject, m))?,
                    ))
                }
            };
            entries.insert(
                def.name,
                Entry {
                    owner_field: def.owner_field,
                    kind,
                },
            );
        }

        let mut opened = BTreeMap::new();
        for (name, def) in databases {
            let db = sql::Database::open(name, def, seeds, data_dir).await?;
            opened.insert(name.clone(), db);
        }

        let client = reqwest::Client::builder()
            .user_agent(concat!("tandem/", env!("CARGO_PKG_VERSION")))
            // A redirect could carry the headers (keys) to another host: a 3xx is a failure.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ConnectorError::failed("the HTTP client", http::describe(&e)))?;
        Ok(Self {
            entries,
            databases: opened,
            client,
        })
    }

    /// Whether a connector of that name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// The connector names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Runs a connector: finds the records, then drops those that belong to someone else.
    pub async fn run(&self, name: &str, input: &ConnectorInput) -> Result<ConnectorOutput, ConnectorError> {
        let entry = self
            .entries
            .get(name)
            .ok_or_else(|| ConnectorError::Unknown(name.to_owned()))?;
        let rows = match &entry.kind {
            Kind::Sql {
                database,
                query,
                params,
            } => {
                let mut values = Vec::with_capacity(params.len());
                for p in params {
                    let v = input.value(p).ok_or_else(|| ConnectorError::MissingValue {
                        connector: name.to_owned(),
                        name: p.clone(),
                    })?;
                    values.push(v.to_owned());
                }
                let db = self.databases.get(database).ok_or_else(|| {
                    ConnectorError::config(
                        connector_subject(name),
                        format!("database `{database}` is not open"),
                    )
                })?;
                db.query(name, query, &values).await?
            }
            Kind::Http(h) => h.run(&self.client, name, input).await?,
        };
        let output = match &entry.owner_field {
            Some(field) => owner_check(name, field, rows, &input.customer_email)?,
            None => ConnectorOutput { rows, withheld: 0 },
        };
        tracing::debug!(
            connector = name,
            rows = output.rows.len(),
            withheld = output.withheld,
            "connector ran"
        );
        Ok(output)
    }

    /// The fields every record of a connector has, known without running it: a SQL statement's
    /// result columns (prepared, not run) or an HTTP connector's `extract` names. `None` when they
    /// are only known from a response (an HTTP connector without `extract`).
    pub async fn fields(&self, name: &str) -> Result<Option<Vec<String>>, ConnectorError> {
        let entry = self
            .entries
            .get(name)
            .ok_or_else(|| ConnectorError::Unknown(name.to_owned()))?;
        match &entry.kind {
            Kind::Sql { database, query, .. } => {
                let db = self.databases.get(database).ok_or_else(|| {
                    ConnectorError::config(
                        connector_subject(name),
                        format!("database `{database}` is not open"),
                    )
                })?;
                db.columns(name, query).await.map(Some)
            }
            Kind::Http(h) => Ok(h.fields()),
        }
    }

    /// Closes the database pools.
    pub async fn close(&self) {
        for db in self.databases.values() {
            db.close().await;
        }
    }
}

/// Keeps the rows whose `field` is the customer's e-mail address (case-insensitive).
fn owner_check(
    connector: &str,
    field: &str,
    rows: Vec<Row>,
    email: &str,
) -> Result<ConnectorOutput, ConnectorError> {
    let email = email.trim().to_lowercase();
    let mut out = ConnectorOutput::default();
    for row in rows {
        let owner = match row.get(field) {
            Some(v) => v.as_str().map(|s| s.trim().to_lowercase()),
            None => {
                return Err(ConnectorError::config(
                    connector_subject(connector),
                    format!("its result has no field `{field}` (the owner field)"),
                ))
            }
        };
        if !email.is_empty() && owner.as_deref() == Some(email.as_str()) {
            out.rows.push(row);
        } else {
            out.withheld += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
