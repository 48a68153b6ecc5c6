//! Fresh stores for the contract tests.

use std::sync::Arc;

use sqlx::Connection;
use tandem_store::{SqliteDurability, Store};

pub struct TestDb {
    pub store: Arc<dyn Store>,
    _dir: Option<tempfile::TempDir>,
    admin_url: Option<String>,
    name: Option<String>,
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let store = tandem_store::open(
        dir.path().join("tandem.db").to_str().unwrap(),
        SqliteDurability::Normal,
    )
    .await
    .unwrap();
    store.migrate().await.unwrap();
    TestDb {
        store,
        _dir: Some(dir),
        admin_url: None,
        name: None,
    }
}

fn required() -> bool {
    std::env::var("TANDEM_REQUIRE_SERVICES").is_ok_and(|v| v == "1")
}

/// A store on a new, empty PostgreSQL database, or `None` (with a notice) when no server is
/// configured. Panics when one is required but missing or unreachable.
pub async fn postgres() -> Option<TestDb> {
    let Ok(url) = std::env::var("TANDEM_TEST_POSTGRES_URL") else {
        if required() {
            panic!("TANDEM_REQUIRE_SERVICES=1 but TANDEM_TEST_POSTGRES_URL is not set");
        }
        eprintln!("skipping the PostgreSQL contract case: TANDEM_TEST_POSTGRES_URL is not set");
        return None;
    };
    let name = format!("tandem_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = match sqlx::PgConnection::connect(&url).await {
        Ok(c) => c,
        Err(e) => {
            if required() {
                panic!("cannot reach PostgreSQL at TANDEM_TEST_POSTGRES_URL: {e}");
            }
            eprintln!("skipping the PostgreSQL contract case: cannot connect ({e})");
            return None;
        }
    };
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
    let store = tandem_store::open(&with_database(&url, &name), SqliteDurability::Full)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    Some(TestDb {
        store,
        _dir: None,
        admin_url: Some(url),
        name: Some(name),
    })
}

/// The same server URL with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

impl TestDb {
    /// Removes the test database (PostgreSQL only).
    pub async fn drop_database(self) {
        let (Some(url), Some(name)) = (self.admin_url, self.name) else {
            return;
        };
        drop(self.store);
        let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await
            .unwrap();
    }
}

#[test]
fn database_name_is_replaced() {
    assert_eq!(
        with_database("postgres://u@h:5432/test", "x"),
        "postgres://u@h:5432/x"
    );
    assert_eq!(
        with_database("postgres://h/test?sslmode=disable", "x"),
        "postgres://h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}
