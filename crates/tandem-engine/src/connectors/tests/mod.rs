use super::*;
use crate::pack::model::{ConnectorDef, ConnectorSpec, DatabaseDef};

mod http;
mod postgres;
mod sqlite;

fn input(slots: &[(&str, &str)], email: &str) -> ConnectorInput {
    ConnectorInput {
        slots: slots
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        customer_email: email.to_owned(),
        customer_name: "Ann Example".to_owned(),
    }
}

fn sql_def(name: &str, database: &str, query: &str, params: &[&str], owner: Option<&str>) -> ConnectorDef {
    ConnectorDef {
        name: name.to_owned(),
        spec: ConnectorSpec::Sql {
            database: database.to_owned(),
            query: query.to_owned(),
            params: params.iter().map(|p| (*p).to_owned()).collect(),
        },
        owner_field: owner.map(str::to_owned),
    }
}

#[test]
fn input_values_resolve_slots_and_customer_fields() {
    let i = input(&[("order_number", "1001"), ("blank", "  ")], "ann@example.com");
    assert_eq!(i.value("order_number"), Some("1001"));
    assert_eq!(i.value("customer.email"), Some("ann@example.com"));
    assert_eq!(i.value("customer.name"), Some("Ann Example"));
    assert_eq!(i.value("blank"), None);
    assert_eq!(i.value("nope"), None);
    assert_eq!(input(&[], "").value("customer.email"), None);
}

#[test]
fn owner_check_drops_and_counts_rows_of_others() {
    let row =
        |owner: serde_json::Value| Row::from_iter([("id".to_owned(), 1.into()), ("owner".to_owned(), owner)]);
    let rows = vec![
        row("Ann@Example.com ".into()),
        row("bob@example.com".into()),
        row(serde_json::Value::Null),
        row(7.into()),
    ];
    let out = owner_check("c", "owner", rows.clone(), "ann@EXAMPLE.com").unwrap();
    assert_eq!(out.rows, vec![rows[0].clone()]);
    assert_eq!(out.withheld, 3);
    // Nobody is the owner of anything when the customer's address is unknown.
    let out = owner_check("c", "owner", rows.clone(), "").unwrap();
    assert_eq!((out.rows.len(), out.withheld), (0, 4));
    // A result without the owner field is a configuration error, not "not found".
    let e = owner_check("c", "email", rows, "ann@example.com").unwrap_err();
    assert!(e.is_config(), "{e}");
    assert!(e.to_string().contains("`email`"), "{e}");
}

#[test]
fn error_kinds_and_codes() {
    let e = ConnectorError::Unknown("x".into());
    assert_eq!(
        (e.kind(), e.code()),
        (ConnectorErrorKind::Config, "connector_config")
    );
    let e = ConnectorError::MissingValue {
        connector: "c".into(),
        name: "n".into(),
    };
    assert_eq!(e.kind(), ConnectorErrorKind::MissingValue);
    assert!(!e.is_config() && !e.is_system_failure());
    let e = ConnectorError::Timeout {
        subject: "connector `c`".into(),
        millis: 5,
    };
    assert!(e.is_system_failure());
    assert_eq!(e.to_string(), "connector `c` did not answer within 5 ms");
    assert_eq!(ConnectorError::failed("s", "m").code(), "connector_failed");
}
