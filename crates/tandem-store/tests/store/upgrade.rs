//! Upgrading a database made by an earlier Tandem: the outbox migration (0004) keeps every event
//! and its seq, gives it the feed's vocabulary, and lets events without a conversation in.

use sqlx::Connection;
use tandem_core::event::{Actor, EventKind};
use tandem_store::testing::ScratchDatabase;
use tandem_store::{NewEvent, SqliteDurability, Store};

const CONVERSATION: &str = "0190f0f0-0000-7000-8000-000000000001";

/// What an earlier Tandem wrote: a customer, a conversation and its events (seq, kind, data).
const OLD_EVENTS: [(i64, &str, &str); 5] = [
    (
        7,
        "conversation_created",
        r#"{"customer_id":"cu","status":"bot"}"#,
    ),
    (
        8,
        "message_added",
        r#"{"message_id":"m1","author":"customer","internal":false}"#,
    ),
    (9, "status_changed", r#"{"from":"bot","to":"queued"}"#),
    (12, "tagged", r#"{"tag":"vip"}"#),
    (13, "assigned", r#"{"from":null,"to":"u1"}"#),
];

fn seed_sql() -> Vec<String> {
    let mut sql = vec![
        "INSERT INTO customers (id, name, email, created_at) VALUES ('cu', 'Ada', 'ada@x.org', 1)".to_owned(),
        format!(
            "INSERT INTO conversations (id, customer_id, token_hash, status, priority, created_at, \
             updated_at, last_message_at) VALUES ('{CONVERSATION}', 'cu', 'h', 'queued', 'normal', 1, 1, 1)"
        ),
    ];
    for (seq, kind, data) in OLD_EVENTS {
        sql.push(format!(
            "INSERT INTO events (seq, id, conversation_id, kind, actor, data, created_at) VALUES \
             ({seq}, '0190f0f0-0000-7000-8000-0000000000{seq:02}', '{CONVERSATION}', '{kind}', \
             '{{\"type\":\"system\"}}', '{data}', 1)"
        ));
    }
    sql
}

/// The schema up to migration 0003, as an earlier Tandem left it.
fn before_the_outbox(mut migrator: sqlx::migrate::Migrator) -> sqlx::migrate::Migrator {
    migrator.migrations = migrator
        .migrations
        .iter()
        .filter(|m| m.version < 4)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    migrator
}

async fn check_upgraded(store: &dyn Store) {
    store.migrate().await.unwrap();
    let events = store.events_after(0, 100).await.unwrap();
    let read: Vec<(i64, EventKind, Option<&str>)> = events
        .iter()
        .map(|e| (e.seq, e.kind, e.data.get("change").and_then(|c| c.as_str())))
        .collect();
    assert_eq!(
        read,
        [
            (7, EventKind::ConversationCreated, None),
            (8, EventKind::MessageCreated, None),
            (9, EventKind::ConversationUpdated, Some("status")),
            (12, EventKind::ConversationUpdated, Some("tag_added")),
            (13, EventKind::ConversationUpdated, Some("assignee")),
        ]
    );
    assert_eq!(events[2].data["to"], "queued", "the rest of the data is kept");
    assert!(events
        .iter()
        .all(|e| e.conversation_id.map(|c| c.to_string()).as_deref() == Some(CONVERSATION)));
    // New events continue above every old seq, and may have no conversation.
    let next = store
        .append_event(NewEvent {
            conversation_id: None,
            kind: EventKind::ContentChanged,
            actor: Actor::System,
            data: serde_json::json!({}),
        })
        .await
        .unwrap();
    assert!(next.seq > 13, "{}", next.seq);
}

#[tokio::test]
async fn sqlite_events_written_before_the_outbox_read_in_the_new_vocabulary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tandem.db");
    {
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        before_the_outbox(sqlx::migrate!("./migrations/sqlite"))
            .run(&mut conn)
            .await
            .unwrap();
        for sql in seed_sql() {
            sqlx::query(&sql).execute(&mut conn).await.unwrap();
        }
    }
    let store = tandem_store::SqliteStore::open(&path, SqliteDurability::Normal)
        .await
        .unwrap();
    check_upgraded(&store).await;
}

#[tokio::test]
async fn postgres_events_written_before_the_outbox_read_in_the_new_vocabulary() {
    let Some(scratch) = ScratchDatabase::create("the PostgreSQL upgrade case").await else {
        return;
    };
    {
        let mut conn = sqlx::PgConnection::connect(&scratch.url()).await.unwrap();
        before_the_outbox(sqlx::migrate!("./migrations/postgres"))
            .run(&mut conn)
            .await
            .unwrap();
        for sql in seed_sql() {
            sqlx::query(&sql).execute(&mut conn).await.unwrap();
        }
        // The old sequence stood where the last event was.
        sqlx::query("SELECT setval('events_seq_seq', 13)")
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let store = tandem_store::PgStore::connect(&scratch.url()).await.unwrap();
    check_upgraded(&store).await;
    drop(store);
    scratch.drop_database().await;
}

#[cfg(unix)]
#[tokio::test]
async fn the_sqlite_file_and_its_directory_are_their_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("tandem.db");
    let store = tandem_store::StoreConfig::sqlite(&path).open().await.unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    drop(store);
    // An existing file made by someone else's umask is tightened on open.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let _store = tandem_store::SqliteStore::open(&path, SqliteDurability::Normal)
        .await
        .unwrap();
    assert_eq!(mode(&path), 0o600);
}
