//! `sql` connectors against a seeded SQLite database.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;
use sqlx::Connection as _;

use super::*;

const SEED: &str = "
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    status TEXT NOT NULL,
    total REAL,
    paid BOOLEAN NOT NULL,
    note TEXT,
    receipt BLOB
);
INSERT INTO orders VALUES (1001, 'Ann@Example.com', 'shipped', 59.9, 1, NULL, x'0102');
INSERT INTO orders VALUES (1002, 'bob@example.com', 'processing', 12, 0, 'gift wrap', NULL);
INSERT INTO orders VALUES (1003, 'ann@example.com', 'delivered', NULL, 1, 'left at the door', NULL);
";

fn databases() -> BTreeMap<String, DatabaseDef> {
    BTreeMap::from([(
        "shop".to_owned(),
        DatabaseDef {
            url: None,
            seed: Some("shop.sql".to_owned()),
        },
    )])
}

fn seeds() -> BTreeMap<String, String> {
    BTreeMap::from([("shop.sql".to_owned(), SEED.to_owned())])
}

fn defs() -> Vec<ConnectorDef> {
    vec![
        sql_def(
            "order_status",
            "shop",
            "SELECT id, email, status, total, paid, note, receipt FROM orders WHERE id = $1",
            &["order_number"],
            Some("email"),
        ),
        sql_def(
            "my_orders",
            "shop",
            "-- the customer's orders\nSELECT id, status FROM orders WHERE lower(email) = lower($1) ORDER BY id",
            &["customer.email"],
            None,
        ),
        sql_def(
            "computed",
            "shop",
            "WITH x AS (SELECT 1 AS i, 2.5 AS r, 'text' AS t, NULL AS n, $1 AS echoed) SELECT * FROM x",
            &["word"],
            None,
        ),
    ]
}

async fn open(dir: &Path, defs: Vec<ConnectorDef>) -> Result<Connectors, ConnectorError> {
    Connectors::open(defs, &databases(), &seeds(), dir).await
}

#[tokio::test]
async fn owner_check_against_a_seeded_database() {
    let dir = tempfile::tempdir().unwrap();
    let c = open(dir.path(), defs()).await.unwrap();
    assert!(dir.path().join("business/shop.db").is_file());

    // Ann's own order, whatever the case of her address. (Run on another task: the connectors and
    // their futures can be shared across threads.)
    let c = std::sync::Arc::new(c);
    let shared = std::sync::Arc::clone(&c);
    let out = tokio::spawn(async move {
        shared
            .run(
                "order_status",
                &input(&[("order_number", "1001")], "ANN@example.com"),
            )
            .await
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(out.withheld, 0);
    assert_eq!(out.rows.len(), 1);
    assert_eq!(out.rows[0]["status"], "shipped");

    // Bob's order is not found for Ann, and counted.
    let out = c
        .run(
            "order_status",
            &input(&[("order_number", "1002")], "ann@example.com"),
        )
        .await
        .unwrap();
    assert_eq!(
        out,
        ConnectorOutput {
            rows: vec![],
            withheld: 1
        }
    );

    // No such order: nothing, nothing withheld.
    let out = c
        .run(
            "order_status",
            &input(&[("order_number", "9999")], "ann@example.com"),
        )
        .await
        .unwrap();
    assert_eq!(out, ConnectorOutput::default());

    // A value that cannot be an order number finds nothing.
    let out = c
        .run(
            "order_status",
            &input(&[("order_number", "abc' OR 1=1 --")], "ann@example.com"),
        )
        .await
        .unwrap();
    assert_eq!(out, ConnectorOutput::default());

    // The customer's e-mail as a parameter.
    let out = c.run("my_orders", &input(&[], "ann@example.com")).await.unwrap();
    let ids: Vec<_> = out.rows.iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids, vec![json!(1001), json!(1003)]);
    c.close().await;
}

#[tokio::test]
async fn column_types_become_json() {
    let dir = tempfile::tempdir().unwrap();
    let c = open(dir.path(), defs()).await.unwrap();
    let out = c
        .run(
            "order_status",
            &input(&[("order_number", "1001")], "ann@example.com"),
        )
        .await
        .unwrap();
    assert_eq!(
        serde_json::Value::Object(out.rows[0].clone()),
        json!({
            "id": 1001, "email": "Ann@Example.com", "status": "shipped", "total": 59.9,
            "paid": true, "note": null, "receipt": "AQI="
        })
    );
    let out = c
        .run(
            "order_status",
            &input(&[("order_number", "1002")], "bob@example.com"),
        )
        .await
        .unwrap();
    assert_eq!(out.rows[0]["total"], json!(12.0));
    assert_eq!(out.rows[0]["paid"], json!(false));
    assert_eq!(out.rows[0]["receipt"], json!(null));

    let out = c.run("computed", &input(&[("word", "héllo")], "")).await.unwrap();
    assert_eq!(
        serde_json::Value::Object(out.rows[0].clone()),
        json!({"i": 1, "r": 2.5, "t": "text", "n": null, "echoed": "héllo"})
    );
}

#[tokio::test]
async fn missing_values_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let c = open(dir.path(), defs()).await.unwrap();
    for slots in [
        &[][..],
        &[("order_number", "")][..],
        &[("order_number", "  ")][..],
    ] {
        let e = c
            .run("order_status", &input(slots, "ann@example.com"))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, ConnectorError::MissingValue { connector, name } if connector == "order_status" && name == "order_number"),
            "{e:?}"
        );
    }
    let e = c.run("my_orders", &input(&[], "")).await.unwrap_err();
    assert!(
        matches!(&e, ConnectorError::MissingValue { name, .. } if name == "customer.email"),
        "{e:?}"
    );
    let e = c.run("nope", &input(&[], "")).await.unwrap_err();
    assert!(matches!(&e, ConnectorError::Unknown(n) if n == "nope"));
    assert!(e.is_config());
}

#[tokio::test]
async fn statements_that_write_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for query in [
        "DELETE FROM orders WHERE id = $1",
        "update orders set status = 'x' where id = $1",
        "INSERT INTO orders (id) VALUES ($1)",
        "SELECT 1 WHERE 1 = $1; DELETE FROM orders",
    ] {
        let e = open(
            dir.path(),
            vec![sql_def("bad", "shop", query, &["order_number"], None)],
        )
        .await
        .unwrap_err();
        assert!(e.is_config(), "{query}: {e}");
        let text = e.to_string();
        assert!(text.contains("connector `bad`"), "{text}");
        assert!(
            text.contains("SELECT or WITH") || text.contains("more than one statement"),
            "{text}"
        );
    }

    // A WITH that writes passes the first check but cannot write: the connection is query-only
    // and the transaction is rolled back.
    let sneaky = sql_def(
        "sneaky",
        "shop",
        "WITH x AS (SELECT 1) DELETE FROM orders WHERE id = $1 RETURNING id",
        &["order_number"],
        None,
    );
    let mut all = defs();
    all.push(sneaky);
    let c = open(dir.path(), all).await.unwrap();
    let e = c
        .run("sneaky", &input(&[("order_number", "1001")], ""))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ConnectorErrorKind::Failed, "{e}");
    let out = c
        .run(
            "order_status",
            &input(&[("order_number", "1001")], "ann@example.com"),
        )
        .await
        .unwrap();
    assert_eq!(out.rows.len(), 1, "the order is still there");
}

#[tokio::test]
async fn the_seed_runs_only_when_the_file_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let c = open(dir.path(), defs()).await.unwrap();
    c.close().await;
    // The business changes its data.
    let path = dir.path().join("business/shop.db");
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    sqlx::query("UPDATE orders SET status = 'returned' WHERE id = 1001")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();

    let c = open(dir.path(), defs()).await.unwrap();
    let out = c
        .run(
            "order_status",
            &input(&[("order_number", "1001")], "ann@example.com"),
        )
        .await
        .unwrap();
    assert_eq!(out.rows[0]["status"], "returned");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("business"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("seeding"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn database_configuration_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let only = |name: &str, def: DatabaseDef| BTreeMap::from([(name.to_owned(), def)]);

    // A connector on a database the pack does not define.
    let e = open(d, vec![sql_def("c", "elsewhere", "SELECT 1", &[], None)])
        .await
        .unwrap_err();
    assert!(e.is_config() && e.to_string().contains("elsewhere"), "{e}");

    // Neither url nor seed; an unknown seed; a missing SQLite file; an unknown scheme.
    let cases = [
        DatabaseDef {
            url: None,
            seed: None,
        },
        DatabaseDef {
            url: None,
            seed: Some("missing.sql".into()),
        },
        DatabaseDef {
            url: Some("sqlite:nope/none.db".into()),
            seed: None,
        },
        DatabaseDef {
            url: Some("mysql://u:secretpw@h/db".into()),
            seed: None,
        },
        DatabaseDef {
            url: Some("postgres://u:secretpw@h:notaport/db".into()),
            seed: None,
        },
    ];
    for def in cases {
        let e = Connectors::open(vec![], &only("db", def.clone()), &seeds(), d)
            .await
            .unwrap_err();
        assert!(e.is_config(), "{def:?}: {e}");
        assert!(!e.to_string().contains("secretpw"), "{e}");
    }

    // Seed SQL that fails leaves no file behind, so the next start tries again.
    let bad = BTreeMap::from([(
        "bad.sql".to_owned(),
        "CREATE TABLE t (x); INSERT INTO nope VALUES (1);".to_owned(),
    )]);
    let e = Connectors::open(
        vec![],
        &only(
            "broken",
            DatabaseDef {
                url: None,
                seed: Some("bad.sql".into()),
            },
        ),
        &bad,
        d,
    )
    .await
    .unwrap_err();
    assert!(e.is_config() && e.to_string().contains("seed"), "{e}");
    assert_eq!(std::fs::read_dir(d.join("business")).unwrap().count(), 0);

    // Names that would leave the business directory are refused.
    let e = Connectors::open(
        vec![],
        &only(
            "../x",
            DatabaseDef {
                url: None,
                seed: Some("shop.sql".into()),
            },
        ),
        &seeds(),
        d,
    )
    .await
    .unwrap_err();
    assert!(e.is_config(), "{e}");

    // A duplicate connector name.
    let e = open(d, vec![defs()[0].clone(), defs()[0].clone()])
        .await
        .unwrap_err();
    assert!(e.is_config() && e.to_string().contains("twice"), "{e}");
}

#[tokio::test]
async fn sqlite_urls_are_relative_to_the_data_dir_and_seeded_when_missing() {
    let dir = tempfile::tempdir().unwrap();
    let dbs = BTreeMap::from([(
        "shop".to_owned(),
        DatabaseDef {
            url: Some("sqlite:other/place.db".into()),
            seed: Some("business/shop.sql".into()),
        },
    )]);
    let c = Connectors::open(defs(), &dbs, &seeds(), dir.path())
        .await
        .unwrap();
    assert!(dir.path().join("other/place.db").is_file());
    let out = c.run("my_orders", &input(&[], "bob@example.com")).await.unwrap();
    assert_eq!(out.rows.len(), 1);
}

#[tokio::test]
async fn an_unreachable_postgres_is_a_system_failure_not_a_start_failure() {
    let dir = tempfile::tempdir().unwrap();
    // A port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dbs = BTreeMap::from([(
        "pg".to_owned(),
        DatabaseDef {
            url: Some(format!("postgres://tandem:secretpw@127.0.0.1:{port}/none")),
            seed: None,
        },
    )]);
    let c = Connectors::open(
        vec![sql_def("c", "pg", "SELECT 1", &[], None)],
        &dbs,
        &seeds(),
        dir.path(),
    )
    .await
    .unwrap();
    let e = c.run("c", &input(&[], "")).await.unwrap_err();
    assert!(e.is_system_failure(), "{e}");
    assert!(!e.to_string().contains("secretpw"), "{e}");
}

/// The columns a template may use are known without running the statement (issue 16: the
/// template editor refuses a field the connector does not return).
#[tokio::test]
async fn a_connectors_fields_are_its_result_columns_known_without_running_it() {
    let dir = tempfile::tempdir().unwrap();
    let c = open(dir.path(), defs()).await.unwrap();
    assert_eq!(
        c.fields("order_status").await.unwrap(),
        Some(
            ["id", "email", "status", "total", "paid", "note", "receipt"]
                .map(str::to_owned)
                .to_vec()
        )
    );
    assert_eq!(
        c.fields("computed").await.unwrap(),
        Some(["i", "r", "t", "n", "echoed"].map(str::to_owned).to_vec())
    );
    assert!(matches!(c.fields("nope").await, Err(ConnectorError::Unknown(_))));
}
