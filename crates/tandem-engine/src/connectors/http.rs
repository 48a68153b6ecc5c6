//! `http` connectors: one templated HTTP request, its JSON answer turned into rows.
//!
//! Templates (minijinja) see every slot by name, `slots` (all of them) and `customer` (`email`,
//! `name`). Every value written into the URL is percent-encoded (a slot cannot add a path segment
//! or a query parameter), values in header templates lose control characters, and values in the
//! body template are escaped for use inside a JSON string (`{"order": "{{ order_number }}"}`;
//! `{{ x|tojson }}` writes a JSON value). A value a template uses that was not given is a
//! [`ConnectorError::MissingValue`].
//!
//! The answer: 404 finds nothing; other non-2xx statuses are failures; connection errors and 5xx
//! are retried `retries` times with a short backoff (4xx are not). The JSON body becomes rows: a
//! top-level array gives one row per element, anything else one row. With `extract`, a row has the
//! extracted names (JSON pointers into the element; missing ones are null, and an element where
//! every pointer is missing is no row); without it, a row is the element's own fields.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::time::Duration;

use minijinja::value::Value as JinjaValue;
use minijinja::{Environment, UndefinedBehavior};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::{connector_subject, ConnectorError, ConnectorInput, Row};

/// Largest response body read.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
const MAX_TIMEOUT_MS: u64 = 120_000;
const MAX_RETRIES: u32 = 10;
const BACKOFF_START: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(2);

/// The `http` variant of a connector definition.
pub(super) struct HttpSpec {
    pub method: String,
    pub url: String,
    pub headers: BTreeMap<String, String>,
    pub body: Option<String>,
    pub extract: BTreeMap<String, String>,
    pub timeout_ms: u64,
    pub retries: u32,
}

pub(super) struct HttpConnector {
    method: Method,
    /// Renders values percent-encoded; holds the template `url`.
    url_env: Environment<'static>,
    /// Renders values without control characters; holds one template per header, by index.
    header_env: Environment<'static>,
    /// Renders values JSON-escaped; holds the template `body` when there is one.
    body_env: Environment<'static>,
    headers: Vec<HeaderName>,
    has_body: bool,
    extract: Vec<(String, String)>,
    timeout: Duration,
    retries: u32,
    /// Variables the templates use (`customer.email`, `order_number`, ...).
    variables: BTreeSet<String>,
}

fn environment(formatter: fn(&mut String, &JinjaValue)) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(crate::pack::rules::TEMPLATE_FUEL));
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_formatter(move |out, _state, value| {
        let mut s = String::new();
        formatter(&mut s, value);
        out.write_str(&s)?;
        Ok(())
    });
    env
}

fn value_text(value: &JinjaValue) -> String {
    if value.is_undefined() || value.is_none() {
        String::new()
    } else {
        value.to_string()
    }
}

fn url_formatter(out: &mut String, value: &JinjaValue) {
    percent_encode(&value_text(value), out);
}

fn header_formatter(out: &mut String, value: &JinjaValue) {
    out.extend(
        value_text(value)
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c }),
    );
}

fn body_formatter(out: &mut String, value: &JinjaValue) {
    if value.is_safe() {
        // `tojson` output, or a template author's explicit `|safe`.
        out.push_str(&value_text(value));
    } else if value.is_none() || value.is_undefined() {
        out.push_str("null");
    } else {
        let text = value.to_string();
        let quoted = serde_json::to_string(&text).unwrap_or_default();
        // Without the surrounding quotes: the template supplies them.
        out.push_str(quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or_default());
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(s: &str, out: &mut String) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

fn compile(env: &mut Environment<'static>, name: String, source: String, what: &str) -> Result<(), String> {
    env.add_template_owned(name, source)
        .map_err(|e| format!("its {what} template is not valid: {}", template_error(&e)))
}

/// A template error without the rendered values.
fn template_error(e: &minijinja::Error) -> String {
    match e.detail() {
        Some(d) => format!("{}: {d}", e.kind()),
        None => e.kind().to_string(),
    }
}

fn collect_variables(env: &Environment<'static>, name: &str, into: &mut BTreeSet<String>) {
    if let Ok(t) = env.get_template(name) {
        into.extend(t.undeclared_variables(true));
    }
}

impl HttpConnector {
    /// The names a record has when `extract` names them; `None` when a record is the response
    /// itself (its fields are known only from a response).
    pub(super) fn fields(&self) -> Option<Vec<String>> {
        if self.extract.is_empty() {
            None
        } else {
            Some(self.extract.iter().map(|(name, _)| name.clone()).collect())
        }
    }

    pub(super) fn new(spec: HttpSpec) -> Result<Self, String> {
        let method = Method::from_bytes(spec.method.trim().to_ascii_uppercase().as_bytes())
            .map_err(|_| format!("`{}` is not an HTTP method", spec.method))?;
        if spec.timeout_ms == 0 || spec.timeout_ms > MAX_TIMEOUT_MS {
            return Err(format!("`timeout_ms` must be between 1 and {MAX_TIMEOUT_MS}"));
        }
        if spec.retries > MAX_RETRIES {
            return Err(format!("`retries` must be at most {MAX_RETRIES}"));
        }
        let url = spec.url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err("its URL must start with http:// or https://".to_owned());
        }

        let mut variables = BTreeSet::new();
        let mut url_env = environment(url_formatter);
        compile(&mut url_env, "url".to_owned(), url.to_owned(), "URL")?;
        collect_variables(&url_env, "url", &mut variables);

        let mut header_env = environment(header_formatter);
        let mut headers = Vec::new();
        for (i, (name, value)) in spec.headers.into_iter().enumerate() {
            let header = HeaderName::from_bytes(name.trim().as_bytes())
                .map_err(|_| format!("`{name}` is not a valid header name"))?;
            compile(&mut header_env, i.to_string(), value, &format!("`{name}` header"))?;
            collect_variables(&header_env, &i.to_string(), &mut variables);
            headers.push(header);
        }

        let mut body_env = environment(body_formatter);
        let has_body = spec.body.is_some();
        if let Some(body) = spec.body {
            compile(&mut body_env, "body".to_owned(), body, "body")?;
            collect_variables(&body_env, "body", &mut variables);
        }

        let mut extract = Vec::new();
        for (name, pointer) in spec.extract {
            if !(pointer.is_empty() || pointer.starts_with('/')) {
                return Err(format!(
                    "`extract.{name}` must be a JSON pointer such as `/order/status`"
                ));
            }
            extract.push((name, pointer));
        }

        Ok(Self {
            method,
            url_env,
            header_env,
            body_env,
            headers,
            has_body,
            extract,
            timeout: Duration::from_millis(spec.timeout_ms),
            retries: spec.retries,
            variables,
        })
    }

    /// The template context; errors with the first variable the templates use that has no value.
    fn context(&self, connector: &str, input: &ConnectorInput) -> Result<JinjaValue, ConnectorError> {
        for var in &self.variables {
            let missing = match var.split_once('.') {
                Some(("customer", field)) => input.value(&format!("customer.{field}")).is_none(),
                Some(("slots", slot)) => input.value(slot).is_none(),
                _ if var == "customer" || var == "slots" => false,
                _ => input.value(var).is_none(),
            };
            if missing {
                return Err(ConnectorError::MissingValue {
                    connector: connector.to_owned(),
                    name: var.clone(),
                });
            }
        }
        let mut ctx: BTreeMap<String, JinjaValue> = BTreeMap::new();
        for (k, v) in &input.slots {
            if !v.trim().is_empty() {
                ctx.insert(k.clone(), JinjaValue::from(v.as_str()));
            }
        }
        let slots: BTreeMap<&str, &str> = input
            .slots
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        ctx.insert("slots".to_owned(), JinjaValue::from_serialize(&slots));
        let customer = BTreeMap::from([
            ("email", input.customer_email.as_str()),
            ("name", input.customer_name.as_str()),
        ]);
        ctx.insert("customer".to_owned(), JinjaValue::from_serialize(&customer));
        Ok(JinjaValue::from_serialize(&ctx))
    }

    fn render(
        env: &Environment<'static>,
        name: &str,
        ctx: &JinjaValue,
        connector: &str,
        what: &str,
    ) -> Result<String, ConnectorError> {
        env.get_template(name)
            .and_then(|t| crate::pack::rules::render_capped(&t, ctx))
            .map_err(|e| {
                ConnectorError::config(
                    connector_subject(connector),
                    format!("its {what} template failed: {}", template_error(&e)),
                )
            })
    }

    pub(super) async fn run(
        &self,
        client: &reqwest::Client,
        connector: &str,
        input: &ConnectorInput,
    ) -> Result<Vec<Row>, ConnectorError> {
        let subject = connector_subject(connector);
        let ctx = self.context(connector, input)?;
        let url = Self::render(&self.url_env, "url", &ctx, connector, "URL")?;
        let url = reqwest::Url::parse(url.trim()).map_err(|e| {
            ConnectorError::config(&subject, format!("its URL is not valid once filled in: {e}"))
        })?;
        let mut headers = reqwest::header::HeaderMap::new();
        for (i, name) in self.headers.iter().enumerate() {
            let value = Self::render(
                &self.header_env,
                &i.to_string(),
                &ctx,
                connector,
                &format!("`{name}` header"),
            )?;
            let mut value = HeaderValue::from_str(value.trim()).map_err(|_| {
                // Never the value itself: headers carry secrets.
                ConnectorError::config(&subject, format!("the `{name}` header's value is not valid"))
            })?;
            value.set_sensitive(true);
            headers.insert(name.clone(), value);
        }
        let body = if self.has_body {
            let text = Self::render(&self.body_env, "body", &ctx, connector, "body")?;
            let json: Value = serde_json::from_str(&text).map_err(|e| {
                ConnectorError::config(
                    &subject,
                    format!(
                        "its body is not valid JSON once filled in (line {}, column {})",
                        e.line(),
                        e.column()
                    ),
                )
            })?;
            Some(json)
        } else {
            None
        };

        let mut attempt = 0u32;
        loop {
            let mut request = client
                .request(self.method.clone(), url.clone())
                .headers(headers.clone())
                .timeout(self.timeout);
            if let Some(body) = &body {
                request = request.json(body);
            }
            let retry = attempt < self.retries;
            match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    if status == StatusCode::NOT_FOUND {
                        return Ok(Vec::new());
                    }
                    if status.is_server_error() && retry {
                        tracing::debug!(connector, %status, attempt, "http connector: retrying");
                    } else if !status.is_success() {
                        return Err(ConnectorError::failed(
                            subject,
                            format!("the system answered HTTP {status}"),
                        ));
                    } else {
                        let bytes = read_body(response)
                            .await
                            .map_err(|e| self.transport_error(&subject, &e))?;
                        let Some(bytes) = bytes else {
                            return Err(ConnectorError::failed(
                                subject,
                                format!("the answer is larger than {MAX_BODY_BYTES} bytes"),
                            ));
                        };
                        if bytes.iter().all(u8::is_ascii_whitespace) {
                            return Ok(Vec::new());
                        }
                        let json: Value = serde_json::from_slice(&bytes)
                            .map_err(|_| ConnectorError::failed(&subject, "the answer is not JSON"))?;
                        return Ok(self.rows(json));
                    }
                }
                Err(e) if e.is_connect() && retry => {
                    tracing::debug!(connector, error = %describe(&e), attempt, "http connector: retrying");
                }
                Err(e) => return Err(self.transport_error(&subject, &e)),
            }
            let backoff = BACKOFF_START
                .saturating_mul(2u32.saturating_pow(attempt))
                .min(BACKOFF_MAX);
            tokio::time::sleep(backoff).await;
            attempt += 1;
        }
    }

    fn transport_error(&self, subject: &str, e: &reqwest::Error) -> ConnectorError {
        if e.is_timeout() {
            ConnectorError::Timeout {
                subject: subject.to_owned(),
                millis: u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX),
            }
        } else if e.is_builder() {
            ConnectorError::config(subject, format!("the request cannot be built: {}", describe(e)))
        } else {
            ConnectorError::failed(subject, describe(e))
        }
    }

    fn rows(&self, json: Value) -> Vec<Row> {
        let elements = match json {
            Value::Array(items) => items,
            Value::Null => Vec::new(),
            other => vec![other],
        };
        let mut rows = Vec::new();
        for element in elements.into_iter().take(super::sql::MAX_ROWS) {
            if self.extract.is_empty() {
                match element {
                    Value::Object(map) => rows.push(map),
                    Value::Null => {}
                    other => rows.push(Row::from_iter([("value".to_owned(), other)])),
                }
            } else {
                let mut row = Row::new();
                let mut found = false;
                for (name, pointer) in &self.extract {
                    let v = element.pointer(pointer).cloned();
                    found |= v.is_some();
                    row.insert(name.clone(), v.unwrap_or(Value::Null));
                }
                if found {
                    rows.push(row);
                }
            }
        }
        rows
    }
}

/// The body, or `None` when it is larger than `MAX_BODY_BYTES`.
async fn read_body(mut response: reqwest::Response) -> Result<Option<Vec<u8>>, reqwest::Error> {
    if response
        .content_length()
        .is_some_and(|n| usize::try_from(n).map_or(true, |n| n > MAX_BODY_BYTES))
    {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// A transport error with its causes, without the URL (it may carry a key).
pub(super) fn describe(e: &reqwest::Error) -> String {
    let top = if e.is_timeout() {
        "the request timed out".to_owned()
    } else if e.is_connect() {
        "cannot connect".to_owned()
    } else if e.is_body() || e.is_decode() {
        "the answer could not be read".to_owned()
    } else if e.is_redirect() {
        "too many redirects".to_owned()
    } else if e.is_builder() {
        "invalid request".to_owned()
    } else {
        "the request failed".to_owned()
    };
    let mut message = top;
    let mut source = std::error::Error::source(e);
    let mut depth = 0;
    while let Some(s) = source {
        let text = s.to_string();
        // Causes describe the connection (refused, reset, DNS); skip any that repeat a URL.
        if !text.contains("://") && !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
        depth += 1;
        if depth >= 4 {
            break;
        }
    }
    message
}
