//! Upgrading to the model registry (migration 0012): an earlier Tandem kept one active model per
//! pack revision; after the upgrade only the active revision's newest one is active, the others
//! are retired, and each model's example count is read from its metrics.

use sqlx::Connection;
use tandem_store::testing::ScratchDatabase;
use tandem_store::{ModelStatus, SqliteDurability, Store};

fn before_the_registry(mut migrator: sqlx::migrate::Migrator) -> sqlx::migrate::Migrator {
    migrator.migrations = migrator
        .migrations
        .iter()
        .filter(|m| m.version < 12)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    migrator
}

/// Two revisions (the second active), each with an active model, and an older model of the second.
fn seed_sql(truth: &str, falsity: &str) -> Vec<String> {
    let mut sql = vec![
        format!("INSERT INTO content_packs (id, name, version, content, imported_at, active) VALUES ('p1', 'p', '1', '{{}}', 1, {falsity})"),
        format!("INSERT INTO content_packs (id, name, version, content, imported_at, active) VALUES ('p2', 'p', '1', '{{}}', 2, {truth})"),
    ];
    for (id, pack, examples, at, active) in [
        ("m1", "p1", 5, 10, truth),
        ("m2", "p2", 9, 30, truth),
        ("m3", "p2", 8, 20, falsity),
    ] {
        sql.push(format!(
            "INSERT INTO models (id, pack_id, bytes, metrics, training_set_hash, created_at, active) \
             VALUES ('{id}', '{pack}', 'x', '{{\"examples\": {examples}, \"intents\": 3}}', 'h', {at}, {active})"
        ));
    }
    sql
}

async fn check_upgraded(store: &dyn Store) {
    store.migrate().await.unwrap();
    let current = store.current_model().await.unwrap().unwrap();
    assert_eq!(current.id, "m2");
    assert_eq!(current.examples, 9);
    let listed: Vec<(String, ModelStatus, i64)> = store
        .models(10)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.id, m.status, m.examples))
        .collect();
    assert_eq!(
        listed,
        vec![
            ("m2".to_owned(), ModelStatus::Active, 9),
            ("m3".to_owned(), ModelStatus::Retired, 8),
            ("m1".to_owned(), ModelStatus::Retired, 5),
        ]
    );
    assert!(store.active_model("p1").await.unwrap().is_none());
    assert_eq!(store.active_model("p2").await.unwrap().unwrap().id, "m2");
}

#[tokio::test]
async fn sqlite_models_upgrade_to_one_active() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tandem.db");
    {
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        before_the_registry(sqlx::migrate!("./migrations/sqlite"))
            .run(&mut conn)
            .await
            .unwrap();
        for sql in seed_sql("1", "0") {
            sqlx::query(&sql).execute(&mut conn).await.unwrap();
        }
    }
    let store = tandem_store::SqliteStore::open(&path, SqliteDurability::Normal)
        .await
        .unwrap();
    check_upgraded(&store).await;
}

#[tokio::test]
async fn postgres_models_upgrade_to_one_active() {
    let Some(scratch) = ScratchDatabase::create("the PostgreSQL model registry upgrade").await else {
        return;
    };
    {
        let mut conn = sqlx::PgConnection::connect(&scratch.url()).await.unwrap();
        before_the_registry(sqlx::migrate!("./migrations/postgres"))
            .run(&mut conn)
            .await
            .unwrap();
        for sql in seed_sql("TRUE", "FALSE") {
            let sql = sql.replace("'x'", "'\\x78'::bytea");
            sqlx::query(&sql).execute(&mut conn).await.unwrap();
        }
    }
    let store = tandem_store::PgStore::connect(&scratch.url()).await.unwrap();
    check_upgraded(&store).await;
    drop(store);
    scratch.drop_database().await;
}
