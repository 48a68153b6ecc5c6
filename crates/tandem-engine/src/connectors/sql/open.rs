//! Opening a business database: a PostgreSQL pool, an SQLite file, or an SQLite file created
//! from the pack's seed SQL.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

use super::{Database, ACQUIRE_TIMEOUT, MAX_CONNECTIONS};
use crate::connectors::{database_subject, ConnectorError};
use crate::pack::model::DatabaseDef;

fn sqlite_path(rest: &str, data_dir: &Path) -> PathBuf {
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let rest = rest.split_once('?').map_or(rest, |(p, _)| p);
    let path = Path::new(rest);
    if path.is_absolute() {
        path.to_owned()
    } else {
        data_dir.join(path)
    }
}

fn find_seed<'a>(seeds: &'a BTreeMap<String, String>, seed: &str) -> Option<&'a String> {
    if let Some(sql) = seeds.get(seed) {
        return Some(sql);
    }
    let file = Path::new(seed).file_name()?.to_str()?;
    seeds.get(file).or_else(|| {
        seeds
            .iter()
            .find(|(k, _)| Path::new(k.as_str()).file_name().and_then(|f| f.to_str()) == Some(file))
            .map(|(_, v)| v)
    })
}

fn valid_database_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !name.starts_with('-')
}

/// Creates the SQLite file at `path` from `sql`: built beside it under a temporary name and moved
/// in place only when complete, so a failure never leaves a half-filled database behind.
async fn seed_sqlite(db: &str, path: &Path, sql: &str) -> Result<(), ConnectorError> {
    let subject = database_subject(db);
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| ConnectorError::failed(&subject, format!("cannot create its directory: {e}")))?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".seeding-{}", uuid::Uuid::new_v4().simple()));
    let tmp = PathBuf::from(tmp);
    let options = SqliteConnectOptions::new()
        .filename(&tmp)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Delete);
    let result = async {
        // A one-connection pool rather than a bare connection: `raw_sql` on `&mut
        // SqliteConnection` makes the future `Send` only for one lifetime, and handlers that
        // install a pack need it `Send` (the content editing routes).
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(|e| ConnectorError::failed(&subject, format!("cannot create the SQLite file: {e}")))?;
        let seeded = sqlx::raw_sql(sql).execute(&pool).await;
        pool.close().await;
        seeded.map_err(|e| ConnectorError::config(&subject, format!("its seed SQL failed: {e}")))?;
        tokio::fs::rename(&tmp, path).await.map_err(|e| {
            ConnectorError::failed(&subject, format!("cannot move the seeded file in place: {e}"))
        })
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    result
}

impl Database {
    pub(in crate::connectors) async fn open(
        name: &str,
        def: &DatabaseDef,
        seeds: &BTreeMap<String, String>,
        data_dir: &Path,
    ) -> Result<Self, ConnectorError> {
        let subject = database_subject(name);
        let seed = match &def.seed {
            Some(seed) => Some(find_seed(seeds, seed).ok_or_else(|| {
                ConnectorError::config(&subject, format!("its seed `{seed}` is not in the pack"))
            })?),
            None => None,
        };
        let path = match def.url.as_deref().map(str::trim) {
            None | Some("") => {
                if seed.is_none() {
                    return Err(ConnectorError::config(subject, "it needs a `url` or a `seed`"));
                }
                if !valid_database_name(name) {
                    return Err(ConnectorError::config(
                        subject,
                        "a seeded database's name may only have letters, digits, `_` and `-`",
                    ));
                }
                data_dir.join("business").join(format!("{name}.db"))
            }
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                let options = PgConnectOptions::from_str(url).map_err(|_| {
                    // The parser's message may repeat the URL, password included.
                    ConnectorError::config(&subject, "its PostgreSQL URL is not valid")
                })?;
                let pool = PgPoolOptions::new()
                    .max_connections(MAX_CONNECTIONS)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_lazy_with(options);
                return Ok(Self::Postgres(pool));
            }
            Some(url) => match url.strip_prefix("sqlite:") {
                Some(rest) if !rest.is_empty() && !rest.starts_with(":memory:") => {
                    sqlite_path(rest, data_dir)
                }
                _ => {
                    return Err(ConnectorError::config(
                        subject,
                        "its URL must be `sqlite:PATH` or `postgres://...`",
                    ))
                }
            },
        };
        let exists = tokio::fs::try_exists(&path).await.unwrap_or(false);
        if !exists {
            match seed {
                Some(sql) => seed_sqlite(name, &path, sql).await?,
                None => {
                    return Err(ConnectorError::config(
                        subject,
                        format!("the SQLite file `{}` does not exist", path.display()),
                    ))
                }
            }
        }
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(false)
            .pragma("query_only", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy_with(options);
        Ok(Self::Sqlite(pool))
    }
}
