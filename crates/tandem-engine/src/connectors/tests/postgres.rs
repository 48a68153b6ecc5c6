//! `sql` connectors against PostgreSQL, when `TANDEM_TEST_POSTGRES_URL` is set (a failure when
//! `TANDEM_REQUIRE_SERVICES=1` and it is not, or the server cannot be reached).

use std::collections::BTreeMap;

use serde_json::json;
use sqlx::Connection as _;

use super::*;

/// A connection to the test server, or `None` with a notice.
async fn server() -> Option<(String, sqlx::PgConnection)> {
    tandem_store::testing::postgres_server("the PostgreSQL connector test").await
}

#[tokio::test]
async fn postgres_connector_reads_types_checks_owners_and_cannot_write() {
    let Some((url, mut admin)) = server().await else {
        return;
    };
    let table = format!("tandem_connector_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::raw_sql(&format!(
        "CREATE TABLE {table} (
            id INT4 PRIMARY KEY, email TEXT NOT NULL, status VARCHAR(20) NOT NULL, total NUMERIC(10,2),
            paid BOOL NOT NULL, note TEXT, placed TIMESTAMPTZ NOT NULL, day DATE, ref UUID, meta JSONB,
            score FLOAT8, big INT8, small INT2, tags TEXT[]
        );
        INSERT INTO {table} VALUES
          (1001, 'Ann@Example.com', 'shipped', 59.90, true, NULL, '2024-03-01T10:30:00Z', '2024-03-01',
           'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{{\"gift\": true}}', 0.5, 9007199254740993, -3,
           ARRAY['blue', NULL]),
          (1002, 'bob@example.com', 'processing', -1234567.5, false, 'x', '2024-03-02T00:00:00Z', NULL,
           NULL, NULL, NULL, NULL, NULL, NULL);"
    ))
    .execute(&mut admin)
    .await
    .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let dbs = BTreeMap::from([(
        "pg".to_owned(),
        DatabaseDef {
            url: Some(url.clone()),
            seed: None,
        },
    )]);
    let defs = vec![
        sql_def(
            "order",
            "pg",
            &format!("SELECT * FROM {table} WHERE id = $1"),
            &["order_number"],
            Some("email"),
        ),
        sql_def(
            "since",
            "pg",
            &format!("SELECT id FROM {table} WHERE placed >= $1 AND paid = $2 ORDER BY id"),
            &["since", "paid"],
            None,
        ),
        sql_def(
            "sneaky",
            "pg",
            &format!("WITH d AS (DELETE FROM {table} WHERE id = $1 RETURNING *) SELECT * FROM d"),
            &["order_number"],
            None,
        ),
        sql_def(
            "broken",
            "pg",
            &format!("SELECT nope FROM {table} WHERE id = $1"),
            &["order_number"],
            None,
        ),
    ];
    let c = Connectors::open(defs, &dbs, &BTreeMap::new(), dir.path())
        .await
        .unwrap();
    // The result columns are known without running the statement (templates are checked
    // against them); a statement that names no real column cannot say.
    assert_eq!(c.fields("since").await.unwrap(), Some(vec!["id".to_owned()]));
    assert!(c.fields("broken").await.is_err());

    let out = c
        .run("order", &input(&[("order_number", "1001")], "ann@example.COM"))
        .await
        .unwrap();
    assert_eq!(out.withheld, 0);
    assert_eq!(
        serde_json::Value::Object(out.rows[0].clone()),
        json!({
            "id": 1001, "email": "Ann@Example.com", "status": "shipped", "total": 59.9, "paid": true,
            "note": null, "placed": "2024-03-01T10:30:00Z", "day": "2024-03-01",
            "ref": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "meta": {"gift": true}, "score": 0.5,
            "big": 9007199254740993i64, "small": -3, "tags": ["blue", null]
        })
    );
    let out = c
        .run("order", &input(&[("order_number", "1002")], "ann@example.com"))
        .await
        .unwrap();
    assert_eq!(
        out,
        ConnectorOutput {
            rows: vec![],
            withheld: 1
        }
    );
    let out = c
        .run("order", &input(&[("order_number", "1002")], "bob@example.com"))
        .await
        .unwrap();
    assert_eq!(out.rows[0]["total"], json!(-1234567.5));

    // Parameters take the types PostgreSQL infers; a value that cannot have it finds nothing.
    let out = c
        .run("order", &input(&[("order_number", "A-17")], "ann@example.com"))
        .await
        .unwrap();
    assert_eq!(out, ConnectorOutput::default());
    let out = c
        .run(
            "since",
            &input(&[("since", "2024-03-01T12:00:00Z"), ("paid", "false")], ""),
        )
        .await
        .unwrap();
    assert_eq!(out.rows, vec![Row::from_iter([("id".to_owned(), json!(1002))])]);

    let e = c.run("order", &input(&[], "ann@example.com")).await.unwrap_err();
    assert_eq!(e.kind(), ConnectorErrorKind::MissingValue);

    // Writing is impossible: the transaction is read-only (and rolled back).
    let e = c
        .run("sneaky", &input(&[("order_number", "1001")], ""))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ConnectorErrorKind::Failed, "{e}");
    assert!(e.to_string().contains("read-only"), "{e}");
    let out = c
        .run("order", &input(&[("order_number", "1001")], "ann@example.com"))
        .await
        .unwrap();
    assert_eq!(out.rows.len(), 1, "the row is still there");

    let e = c
        .run("broken", &input(&[("order_number", "1001")], ""))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ConnectorErrorKind::Failed, "{e}");
    assert!(e.to_string().contains("nope"), "{e}");
    assert!(!e.to_string().contains(&url), "{e}");

    c.close().await;
    sqlx::raw_sql(&format!("DROP TABLE {table}"))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
}
