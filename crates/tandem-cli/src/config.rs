//! Configuration: defaults, then `tandem.toml`, then `TANDEM_*` environment variables, then
//! command-line flags, each overriding the one before.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use serde::Deserialize;
use tandem_core::secret::Secret;
use tandem_engine::{EngineConfig, SqliteDurability};
use tandem_server::{MetricsAccess, ServerConfig};

/// Everything `tandem` can be configured with. The engine's and the server's settings are their
/// crates' own sections (with their defaults, written once there); `tandem.toml` and the
/// `TANDEM_*` variables keep flat keys, mapped here.
#[derive(Clone, Debug)]
pub struct Config {
    /// The address the server listens on.
    pub addr: SocketAddr,
    /// `postgres://...` to use PostgreSQL instead of the embedded SQLite database.
    pub database_url: Option<Secret>,
    /// The first admin's e-mail, used on an empty database.
    pub admin_email: String,
    /// The first admin's password; generated and printed once when absent.
    pub admin_password: Option<Secret>,
    pub sqlite_durability: SqliteDurability,
    /// `text` or `json`.
    pub log_format: String,
    /// The data directory (`data_dir`), sessions (`session_ttl_hours`), the identity secret, how
    /// long resolved conversations are kept (`retention_days`).
    pub engine: EngineConfig,
    /// The body limit (`body_limit_bytes`) and the widget's key and origins.
    pub server: ServerConfig,
    /// The sentence-embedding model of triage's semantic tier (a directory, or a distilled static
    /// encoder file); the fast tier alone when absent.
    pub semantic_model: Option<PathBuf>,
    /// A learned layer for the soft-skill scorer (`tandem quality train`); the lexicon alone when
    /// absent.
    pub quality_model: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: None,
            admin_email: "admin@tandem.local".to_owned(),
            admin_password: None,
            sqlite_durability: SqliteDurability::default(),
            log_format: "text".to_owned(),
            engine: EngineConfig::default(),
            server: ServerConfig::default(),
            semantic_model: None,
            quality_model: None,
        }
    }
}

/// The keys `tandem.toml` may hold (all optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    addr: Option<String>,
    database_url: Option<String>,
    admin_email: Option<String>,
    admin_password: Option<String>,
    body_limit_bytes: Option<usize>,
    sqlite_durability: Option<String>,
    session_ttl_hours: Option<u64>,
    log_format: Option<String>,
    identity_secret: Option<String>,
    widget_key: Option<String>,
    widget_origins: Option<String>,
    retention_days: Option<u32>,
    customer_token_days: Option<u32>,
    message_edit_minutes: Option<u64>,
    metrics: Option<String>,
    metrics_token: Option<String>,
    trusted_proxies: Option<String>,
    widget_starts_per_client: Option<usize>,
    widget_messages_per_conversation: Option<usize>,
    widget_messages_per_client: Option<usize>,
    widget_upload_mib_per_client: Option<usize>,
    attachment_max_bytes: Option<usize>,
    attachments_per_message: Option<usize>,
    max_connections: Option<usize>,
    max_connections_per_client: Option<usize>,
    header_read_timeout_secs: Option<u64>,
    semantic_model: Option<PathBuf>,
    quality_model: Option<PathBuf>,
    practice_voice_url: Option<String>,
    practice_voice_model: Option<String>,
    practice_voice_key: Option<String>,
}

/// Flags that override everything else.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub addr: Option<String>,
}

impl Config {
    /// Loads the configuration; `env` is the process environment (a parameter so tests can pass
    /// their own).
    pub fn load(overrides: &Overrides, env: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let mut config = Config::default();
        let file = overrides
            .config_file
            .clone()
            .or_else(|| env("TANDEM_CONFIG").map(PathBuf::from))
            .or_else(|| Some(PathBuf::from("tandem.toml")).filter(|p| p.exists()));
        if let Some(path) = file {
            config.apply_file(&path)?;
        }
        config.apply(Source::Env, &|key| env(&format!("TANDEM_{}", key.to_uppercase())))?;
        if let Some(dir) = &overrides.data_dir {
            config.engine.data_dir = dir.clone();
        }
        if let Some(addr) = &overrides.addr {
            config.addr = parse_addr(addr, "--addr")?;
        }
        Ok(config)
    }

    fn apply_file(&mut self, path: &Path) -> anyhow::Result<()> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
        let file: FileConfig = toml::from_str(&text)
            .with_context(|| format!("the configuration file {} is not valid", path.display()))?;
        let get = |key: &str| -> Option<String> {
            match key {
                "data_dir" => file.data_dir.as_ref().map(|p| p.display().to_string()),
                "addr" => file.addr.clone(),
                "database_url" => file.database_url.clone(),
                "admin_email" => file.admin_email.clone(),
                "admin_password" => file.admin_password.clone(),
                "body_limit_bytes" => file.body_limit_bytes.map(|v| v.to_string()),
                "sqlite_durability" => file.sqlite_durability.clone(),
                "session_ttl_hours" => file.session_ttl_hours.map(|v| v.to_string()),
                "log_format" => file.log_format.clone(),
                "identity_secret" => file.identity_secret.clone(),
                "widget_key" => file.widget_key.clone(),
                "widget_origins" => file.widget_origins.clone(),
                "retention_days" => file.retention_days.map(|v| v.to_string()),
                "customer_token_days" => file.customer_token_days.map(|v| v.to_string()),
                "message_edit_minutes" => file.message_edit_minutes.map(|v| v.to_string()),
                "metrics" => file.metrics.clone(),
                "metrics_token" => file.metrics_token.clone(),
                "trusted_proxies" => file.trusted_proxies.clone(),
                "widget_starts_per_client" => file.widget_starts_per_client.map(|v| v.to_string()),
                "widget_messages_per_conversation" => {
                    file.widget_messages_per_conversation.map(|v| v.to_string())
                }
                "widget_messages_per_client" => file.widget_messages_per_client.map(|v| v.to_string()),
                "widget_upload_mib_per_client" => file.widget_upload_mib_per_client.map(|v| v.to_string()),
                "attachment_max_bytes" => file.attachment_max_bytes.map(|v| v.to_string()),
                "attachments_per_message" => file.attachments_per_message.map(|v| v.to_string()),
                "max_connections" => file.max_connections.map(|v| v.to_string()),
                "max_connections_per_client" => file.max_connections_per_client.map(|v| v.to_string()),
                "header_read_timeout_secs" => file.header_read_timeout_secs.map(|v| v.to_string()),
                "semantic_model" => file.semantic_model.as_ref().map(|p| p.display().to_string()),
                "quality_model" => file.quality_model.as_ref().map(|p| p.display().to_string()),
                "practice_voice_url" => file.practice_voice_url.clone(),
                "practice_voice_model" => file.practice_voice_model.clone(),
                "practice_voice_key" => file.practice_voice_key.clone(),
                _ => None,
            }
        };
        self.apply(Source::File(path), &get)
    }

    /// Applies every key `get` knows, naming the source in errors.
    fn apply(&mut self, source: Source<'_>, get: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        let name = |key: &str| match source {
            Source::Env => format!("TANDEM_{}", key.to_uppercase()),
            Source::File(path) => format!("`{key}` in {}", path.display()),
        };
        if let Some(v) = get("data_dir") {
            self.engine.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("semantic_model") {
            // An empty value turns the semantic tier off (TANDEM_SEMANTIC_MODEL= over a file's).
            self.semantic_model = Some(PathBuf::from(v)).filter(|p| !p.as_os_str().is_empty());
        }
        if let Some(v) = get("quality_model") {
            self.quality_model = Some(PathBuf::from(v)).filter(|p| !p.as_os_str().is_empty());
        }
        if let Some(v) = get("addr") {
            self.addr = parse_addr(&v, &name("addr"))?;
        }
        if let Some(url) = get("practice_voice_url").filter(|v| !v.trim().is_empty()) {
            // An OpenAI-compatible model that words the practice customer's lines (docs/coaching.md).
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                bail!(
                    "{} must be an http:// or https:// URL",
                    name("practice_voice_url")
                );
            }
            let model = get("practice_voice_model")
                .filter(|m| !m.trim().is_empty())
                .with_context(|| {
                    format!(
                        "{} needs {}",
                        name("practice_voice_url"),
                        name("practice_voice_model")
                    )
                })?;
            self.engine.practice_voice = Some(tandem_engine::coaching::practice::voice::VoiceConfig {
                url,
                model,
                api_key: get("practice_voice_key")
                    .filter(|k| !k.is_empty())
                    .map(Secret::new),
            });
        }
        if let Some(v) = get("database_url").filter(|v| !v.trim().is_empty()) {
            self.database_url = Some(Secret::new(v));
        }
        if let Some(v) = get("admin_email") {
            self.admin_email = v;
        }
        if let Some(v) = get("admin_password").filter(|v| !v.is_empty()) {
            self.admin_password = Some(Secret::new(v));
        }
        if let Some(v) = get("body_limit_bytes") {
            self.server.body_limit = v.parse().ok().filter(|n| *n >= 1024).with_context(|| {
                format!(
                    "{} must be a number of bytes of at least 1024",
                    name("body_limit_bytes")
                )
            })?;
        }
        if let Some(v) = get("sqlite_durability") {
            self.sqlite_durability = match v.as_str() {
                "full" => SqliteDurability::Full,
                "normal" => SqliteDurability::Normal,
                _ => bail!("{} must be `full` or `normal`", name("sqlite_durability")),
            };
        }
        if let Some(v) = get("session_ttl_hours") {
            let hours: u64 = v
                .parse()
                .ok()
                .filter(|h| (1..=24 * 90).contains(h))
                .with_context(|| {
                    format!(
                        "{} must be a number of hours from 1 to 2160",
                        name("session_ttl_hours")
                    )
                })?;
            self.engine.session_ttl = Duration::from_secs(hours * 3600);
        }
        if let Some(v) = get("identity_secret").filter(|v| !v.is_empty()) {
            self.engine.identity_secret = Some(Secret::new(v));
        }
        if let Some(v) = get("widget_key") {
            let ok = (1..=64).contains(&v.len())
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !ok {
                bail!(
                    "{} must be 1 to 64 letters, digits, `-` or `_`",
                    name("widget_key")
                );
            }
            self.server.widget_key = v;
        }
        if let Some(v) = get("widget_origins") {
            let ok = !v.trim().is_empty()
                && v.split_whitespace().all(|origin| {
                    origin == "*"
                        || origin == "'self'"
                        || ((origin.starts_with("https://") || origin.starts_with("http://"))
                            && origin
                                .chars()
                                .all(|c| c.is_ascii_graphic() && c != ';' && c != ','))
                });
            if !ok {
                bail!(
                    "{} must be `*` or origins separated by spaces, such as `https://shop.example.com`",
                    name("widget_origins")
                );
            }
            self.server.widget_origins = v.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        if let Some(v) = get("metrics") {
            self.server.metrics = match v.as_str() {
                "loopback" => MetricsAccess::Loopback,
                "public" => MetricsAccess::Public,
                "off" => MetricsAccess::Off,
                "token" => {
                    let token = get("metrics_token").filter(|t| t.len() >= 16).with_context(|| {
                        format!(
                            "{} = `token` needs {} of at least 16 characters",
                            name("metrics"),
                            name("metrics_token")
                        )
                    })?;
                    MetricsAccess::Token(Secret::new(token))
                }
                _ => bail!(
                    "{} must be `loopback`, `public`, `token` or `off`",
                    name("metrics")
                ),
            };
        }
        let limits = &mut self.engine.widget_limits;
        for (key, limit) in [
            ("widget_starts_per_client", &mut limits.starts_per_client),
            (
                "widget_messages_per_conversation",
                &mut limits.messages_per_conversation,
            ),
            ("widget_messages_per_client", &mut limits.messages_per_client),
            ("widget_upload_mib_per_client", &mut limits.upload_mib_per_client),
        ] {
            if let Some(v) = get(key) {
                *limit = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=1_000_000).contains(n))
                    .with_context(|| format!("{} must be a number from 1 to 1000000", name(key)))?;
            }
        }
        let files = &mut self.engine.attachment_limits;
        for (key, limit, range) in [
            (
                "attachment_max_bytes",
                &mut files.max_bytes,
                1024..=100 * 1024 * 1024,
            ),
            ("attachments_per_message", &mut files.per_message, 1..=20),
        ] {
            if let Some(v) = get(key) {
                *limit = v.parse().ok().filter(|n| range.contains(n)).with_context(|| {
                    format!(
                        "{} must be a number from {} to {}",
                        name(key),
                        range.start(),
                        range.end()
                    )
                })?;
            }
        }
        let connections = &mut self.server.connections;
        for (key, limit) in [
            ("max_connections", &mut connections.max_connections),
            (
                "max_connections_per_client",
                &mut connections.max_connections_per_client,
            ),
        ] {
            if let Some(v) = get(key) {
                *limit = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=1_000_000).contains(n))
                    .with_context(|| format!("{} must be a number from 1 to 1000000", name(key)))?;
            }
        }
        if let Some(v) = get("header_read_timeout_secs") {
            let secs: u64 = v
                .parse()
                .ok()
                .filter(|n| (1..=600).contains(n))
                .with_context(|| {
                    format!(
                        "{} must be a number of seconds from 1 to 600",
                        name("header_read_timeout_secs")
                    )
                })?;
            connections.header_read_timeout = Duration::from_secs(secs);
        }
        if let Some(v) = get("trusted_proxies") {
            self.server.trusted_proxies = v
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|s| !s.is_empty())
                .map(|s| s.parse())
                .collect::<Result<_, _>>()
                .ok()
                .with_context(|| {
                    format!(
                        "{} must be IP addresses separated by spaces, such as `127.0.0.1 10.0.0.2`",
                        name("trusted_proxies")
                    )
                })?;
        }
        if let Some(v) = get("retention_days") {
            self.engine.retention_days =
                v.parse()
                    .ok()
                    .filter(|d| (1..=36_500).contains(d))
                    .with_context(|| {
                        format!(
                            "{} must be a number of days from 1 to 36500",
                            name("retention_days")
                        )
                    })?;
        }
        if let Some(v) = get("customer_token_days") {
            let days: u64 = v
                .parse()
                .ok()
                .filter(|d| (1..=3_650).contains(d))
                .with_context(|| {
                    format!(
                        "{} must be a number of days from 1 to 3650",
                        name("customer_token_days")
                    )
                })?;
            self.engine.customer_token_ttl = std::time::Duration::from_secs(days * 24 * 3600);
        }
        if let Some(v) = get("message_edit_minutes") {
            let minutes: u64 = v.parse().ok().filter(|m| *m <= 24 * 60).with_context(|| {
                format!(
                    "{} must be a number of minutes from 0 (never) to 1440",
                    name("message_edit_minutes")
                )
            })?;
            self.engine.message_edit_window = Duration::from_secs(minutes * 60);
        }
        if let Some(v) = get("log_format") {
            if v != "text" && v != "json" {
                bail!("{} must be `text` or `json`", name("log_format"));
            }
            self.log_format = v;
        }
        Ok(())
    }

    /// The database URL: the configured one, or the SQLite file in the data directory.
    pub fn store_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose().to_owned(),
            None => format!("sqlite://{}", self.engine.data_dir.join("tandem.db").display()),
        }
    }

    pub fn uses_postgres(&self) -> bool {
        self.database_url.is_some()
    }
}

#[derive(Clone, Copy)]
enum Source<'a> {
    Env,
    File(&'a Path),
}

fn parse_addr(value: &str, what: &str) -> anyhow::Result<SocketAddr> {
    value.parse().with_context(|| {
        format!("{what} must be HOST:PORT with an IP address, e.g. 127.0.0.1:8080, not {value:?}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults_then_file_then_env_then_flags() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tandem.toml");
        std::fs::write(
            &file,
            "addr = \"127.0.0.1:9000\"\ndata_dir = \"/from/file\"\nlog_format = \"json\"\n",
        )
        .unwrap();
        let overrides = Overrides {
            config_file: Some(file.clone()),
            ..Default::default()
        };

        let c = Config::load(&overrides, &env(&[])).unwrap();
        assert_eq!(c.addr.port(), 9000);
        assert_eq!(c.engine.data_dir, PathBuf::from("/from/file"));
        assert_eq!(c.log_format, "json");
        assert_eq!(c.server.body_limit, 1024 * 1024);

        let c = Config::load(
            &overrides,
            &env(&[
                ("TANDEM_ADDR", "127.0.0.1:9100"),
                ("TANDEM_DATABASE_URL", "postgres://x/y"),
            ]),
        )
        .unwrap();
        assert_eq!(c.addr.port(), 9100);
        assert!(c.uses_postgres());
        assert_eq!(format!("{:?}", c.database_url), "Some(<redacted>)");

        let flags = Overrides {
            addr: Some("127.0.0.1:9200".into()),
            data_dir: Some("/flag".into()),
            ..overrides
        };
        let c = Config::load(&flags, &env(&[("TANDEM_ADDR", "127.0.0.1:9100")])).unwrap();
        assert_eq!(c.addr.port(), 9200);
        assert_eq!(c.engine.data_dir, PathBuf::from("/flag"));
        assert_eq!(c.store_url(), "sqlite:///flag/tandem.db");
    }

    #[test]
    fn bad_values_are_named() {
        let err = Config::load(&Overrides::default(), &env(&[("TANDEM_ADDR", "localhost")])).unwrap_err();
        assert!(err.to_string().contains("TANDEM_ADDR"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tandem.toml");
        std::fs::write(&file, "colour = \"blue\"\n").unwrap();
        let err = Config::load(
            &Overrides {
                config_file: Some(file),
                ..Default::default()
            },
            &env(&[]),
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("unknown field"), "{err:#}");
    }

    #[test]
    fn metrics_are_for_this_machine_unless_configured() {
        let load = |vars: &[(&str, &str)]| Config::load(&Overrides::default(), &env(vars));
        assert_eq!(load(&[]).unwrap().server.metrics, MetricsAccess::Loopback);
        assert_eq!(
            load(&[("TANDEM_METRICS", "off")]).unwrap().server.metrics,
            MetricsAccess::Off
        );
        assert_eq!(
            load(&[("TANDEM_METRICS", "public")]).unwrap().server.metrics,
            MetricsAccess::Public
        );
        let token = load(&[
            ("TANDEM_METRICS", "token"),
            ("TANDEM_METRICS_TOKEN", "a-long-scrape-token"),
        ])
        .unwrap();
        assert!(matches!(token.server.metrics, MetricsAccess::Token(_)));
        assert!(
            !format!("{:?}", token.server).contains("a-long-scrape-token"),
            "the token is never printed"
        );
        for bad in [
            vec![("TANDEM_METRICS", "token")],
            vec![("TANDEM_METRICS", "everyone")],
        ] {
            let err = load(&bad).unwrap_err().to_string();
            assert!(err.contains("TANDEM_METRICS"), "{err}");
        }
    }

    #[test]
    fn trusted_proxies_and_widget_limits_are_read_and_checked() {
        let load = |vars: &[(&str, &str)]| Config::load(&Overrides::default(), &env(vars));
        assert!(load(&[]).unwrap().server.trusted_proxies.is_empty());
        let c = load(&[
            ("TANDEM_TRUSTED_PROXIES", "127.0.0.1, ::1 10.0.0.2"),
            ("TANDEM_WIDGET_MESSAGES_PER_CONVERSATION", "12"),
        ])
        .unwrap();
        assert_eq!(c.server.trusted_proxies.len(), 3);
        assert_eq!(c.engine.widget_limits.messages_per_conversation, 12);
        let files = load(&[("TANDEM_ATTACHMENT_MAX_BYTES", "2097152")]).unwrap();
        assert_eq!(files.engine.attachment_limits.max_bytes, 2 * 1024 * 1024);
        for (key, bad) in [
            ("TANDEM_TRUSTED_PROXIES", "proxy.local"),
            ("TANDEM_WIDGET_STARTS_PER_CLIENT", "0"),
            ("TANDEM_ATTACHMENT_MAX_BYTES", "10"),
            ("TANDEM_ATTACHMENTS_PER_MESSAGE", "0"),
        ] {
            let err = load(&[(key, bad)]).unwrap_err().to_string();
            assert!(err.contains(key), "{err}");
        }
    }

    #[test]
    fn the_semantic_model_is_configured_by_path_and_an_empty_value_turns_it_off() {
        let load = |vars: &[(&str, &str)]| Config::load(&Overrides::default(), &env(vars)).unwrap();
        assert_eq!(load(&[]).semantic_model, None);
        assert_eq!(
            load(&[("TANDEM_SEMANTIC_MODEL", "/models/minilm")]).semantic_model,
            Some(PathBuf::from("/models/minilm"))
        );
        assert_eq!(load(&[("TANDEM_SEMANTIC_MODEL", "")]).semantic_model, None);
        // A path that holds no model is refused when the engine is configured, naming the path.
        let config = load(&[("TANDEM_SEMANTIC_MODEL", "/nonexistent/model")]);
        let err = crate::open::engine_config(&config).unwrap_err();
        assert!(format!("{err:#}").contains("/nonexistent/model"), "{err:#}");
    }

    #[test]
    fn retention_is_a_number_of_days() {
        assert_eq!(
            Config::load(&Overrides::default(), &env(&[]))
                .unwrap()
                .engine
                .retention_days,
            365
        );
        let c = Config::load(&Overrides::default(), &env(&[("TANDEM_RETENTION_DAYS", "400")])).unwrap();
        assert_eq!(c.engine.retention_days, 400);
        for bad in ["0", "-3", "soon"] {
            let err =
                Config::load(&Overrides::default(), &env(&[("TANDEM_RETENTION_DAYS", bad)])).unwrap_err();
            assert!(err.to_string().contains("TANDEM_RETENTION_DAYS"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_message_edit_window_is_minutes() {
        let load = |vars: &[(&str, &str)]| Config::load(&Overrides::default(), &env(vars));
        assert_eq!(
            load(&[]).unwrap().engine.message_edit_window,
            Duration::from_secs(600)
        );
        let c = load(&[("TANDEM_MESSAGE_EDIT_MINUTES", "2")]).unwrap();
        assert_eq!(c.engine.message_edit_window, Duration::from_secs(120));
        let off = load(&[("TANDEM_MESSAGE_EDIT_MINUTES", "0")]).unwrap();
        assert_eq!(off.engine.message_edit_window, Duration::ZERO);
        for bad in ["1441", "-1", "ten"] {
            let err = load(&[("TANDEM_MESSAGE_EDIT_MINUTES", bad)]).unwrap_err();
            assert!(
                err.to_string().contains("TANDEM_MESSAGE_EDIT_MINUTES"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn widget_settings_are_checked() {
        let c = Config::load(
            &Overrides::default(),
            &env(&[
                ("TANDEM_WIDGET_KEY", "acme-shop_1"),
                (
                    "TANDEM_WIDGET_ORIGINS",
                    "https://acme.example  https://www.acme.example",
                ),
            ]),
        )
        .unwrap();
        assert_eq!(c.server.widget_key, "acme-shop_1");
        assert_eq!(
            c.server.widget_origins,
            "https://acme.example https://www.acme.example"
        );
        for (key, value) in [
            ("TANDEM_WIDGET_KEY", "has space"),
            ("TANDEM_WIDGET_KEY", ""),
            ("TANDEM_WIDGET_ORIGINS", "acme.example"),
            ("TANDEM_WIDGET_ORIGINS", "https://a.example; script-src *"),
        ] {
            let err = Config::load(&Overrides::default(), &env(&[(key, value)])).unwrap_err();
            assert!(err.to_string().contains(key), "{key}={value:?}: {err}");
        }
    }
}
