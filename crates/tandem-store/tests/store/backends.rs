//! Fresh stores for the contract tests.

use std::sync::Arc;

use tandem_store::testing::ScratchDatabase;
use tandem_store::{SqliteDurability, Store};

pub struct TestDb {
    pub store: Arc<dyn Store>,
    _dir: Option<tempfile::TempDir>,
    scratch: Option<ScratchDatabase>,
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
        scratch: None,
    }
}

/// A store on a new, empty PostgreSQL database, or `None` (with a notice) when no server is
/// configured. Panics when one is required but missing or unreachable.
pub async fn postgres() -> Option<TestDb> {
    let scratch = ScratchDatabase::create("the PostgreSQL contract case").await?;
    let store = tandem_store::open(&scratch.url(), SqliteDurability::Full)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    Some(TestDb {
        store,
        _dir: None,
        scratch: Some(scratch),
    })
}

impl TestDb {
    /// Removes the test database (PostgreSQL only).
    pub async fn drop_database(self) {
        drop(self.store);
        if let Some(scratch) = self.scratch {
            scratch.drop_database().await;
        }
    }
}
