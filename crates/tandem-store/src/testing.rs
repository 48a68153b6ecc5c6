//! Support for tests that talk to a real PostgreSQL server (feature `test-support`, for other
//! crates' dev-dependencies): the server comes from `TANDEM_TEST_POSTGRES_URL`; without it a test
//! skips with a notice, unless `TANDEM_REQUIRE_SERVICES=1` makes a missing or unreachable server a
//! failure.
#![allow(
    clippy::panic,
    clippy::print_stderr,
    reason = "test support: a database that cannot be made or removed fails the calling test, and a skipped test says so"
)]

use sqlx::Connection;

/// `TANDEM_REQUIRE_SERVICES=1`: a missing service fails the test instead of skipping it.
pub fn services_required() -> bool {
    std::env::var("TANDEM_REQUIRE_SERVICES").is_ok_and(|v| v == "1")
}

/// The test server's URL and a connection to it, or `None` after printing that `what` is skipped.
/// Panics when services are required but the server is not configured or cannot be reached.
pub async fn postgres_server(what: &str) -> Option<(String, sqlx::PgConnection)> {
    let Ok(url) = std::env::var("TANDEM_TEST_POSTGRES_URL") else {
        assert!(
            !services_required(),
            "TANDEM_REQUIRE_SERVICES=1 but TANDEM_TEST_POSTGRES_URL is not set"
        );
        eprintln!("skipping {what}: TANDEM_TEST_POSTGRES_URL is not set");
        return None;
    };
    match sqlx::PgConnection::connect(&url).await {
        Ok(conn) => Some((url, conn)),
        Err(e) => {
            assert!(
                !services_required(),
                "cannot reach PostgreSQL at TANDEM_TEST_POSTGRES_URL: {e}"
            );
            eprintln!("skipping {what}: cannot connect ({e})");
            None
        }
    }
}

/// A new, empty database of its own on the test server, for one test.
#[derive(Debug)]
pub struct ScratchDatabase {
    admin_url: String,
    name: String,
}

impl ScratchDatabase {
    /// Creates the database, or returns `None` as [`postgres_server`] does.
    pub async fn create(what: &str) -> Option<Self> {
        let (admin_url, mut admin) = postgres_server(what).await?;
        let name = format!("tandem_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
        let _ = admin.close().await;
        Some(Self { admin_url, name })
    }

    /// The URL of the new database.
    pub fn url(&self) -> String {
        with_database(&self.admin_url, &self.name)
    }

    /// Removes the database, closing any connection still open to it.
    pub async fn drop_database(self) {
        let mut admin = sqlx::PgConnection::connect(&self.admin_url)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL to drop {}: {e}", self.name));
        sqlx::query(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("cannot drop the test database {}: {e}", self.name));
    }
}

/// `url` with its database name replaced by `name` (query parameters kept).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
