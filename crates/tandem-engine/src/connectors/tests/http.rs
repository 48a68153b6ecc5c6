//! `http` connectors against a small local server.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::*;

#[derive(Default)]
struct Seen {
    uris: Mutex<Vec<String>>,
    flaky: AtomicUsize,
    broken: AtomicUsize,
    bad_request: AtomicUsize,
}

async fn order(
    State(seen): State<Arc<Seen>>,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
) -> (StatusCode, Json<Value>) {
    seen.uris.lock().unwrap().push(uri.to_string());
    if id == "missing" {
        return (StatusCode::NOT_FOUND, Json(json!({"error": "no such order"})));
    }
    let owner = if id.starts_with("B") {
        "bob@example.com"
    } else {
        "Ann@Example.com"
    };
    (
        StatusCode::OK,
        Json(
            json!({"order": {"id": id, "status": "shipped", "owner": {"email": owner}}, "items": [{"sku": "X1"}]}),
        ),
    )
}

async fn flaky(State(seen): State<Arc<Seen>>) -> (StatusCode, Json<Value>) {
    if seen.flaky.fetch_add(1, Ordering::SeqCst) == 0 {
        (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({})))
    } else {
        (StatusCode::OK, Json(json!({"ok": true})))
    }
}

async fn broken(State(seen): State<Arc<Seen>>) -> StatusCode {
    seen.broken.fetch_add(1, Ordering::SeqCst);
    StatusCode::BAD_GATEWAY
}

async fn bad_request(State(seen): State<Arc<Seen>>) -> StatusCode {
    seen.bad_request.fetch_add(1, Ordering::SeqCst);
    StatusCode::BAD_REQUEST
}

async fn slow() -> Json<Value> {
    tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    Json(json!({"late": true}))
}

async fn echo(headers: HeaderMap, Json(body): Json<Value>) -> Json<Value> {
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    Json(
        json!({"body": body, "key": header("x-api-key"), "who": header("x-customer"), "type": header("content-type")}),
    )
}

async fn auth(headers: HeaderMap) -> StatusCode {
    if headers.get("authorization").is_some_and(|v| v == "Bearer right") {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    }
}

async fn list() -> Json<Value> {
    Json(json!([
        {"id": 1, "contact": {"email": "ann@example.com"}},
        {"id": 2, "contact": {"email": "bob@example.com"}},
        {"unrelated": true}
    ]))
}

async fn server() -> (String, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let app = Router::new()
        .route("/orders/{id}", get(order))
        .route("/flaky", get(flaky))
        .route("/broken", get(broken))
        .route("/bad", get(bad_request))
        .route("/slow", get(slow))
        .route("/echo", post(echo))
        .route("/auth", get(auth))
        .route("/list", get(list))
        .route("/text", get(|| async { "this is not json" }))
        .route("/empty", get(|| async { "" }))
        .route(
            "/moved",
            get(|| async { (StatusCode::FOUND, [("location", "/list")]) }),
        )
        .with_state(Arc::clone(&seen));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}"), seen)
}

struct Http {
    method: &'static str,
    url: String,
    headers: Vec<(&'static str, &'static str)>,
    body: Option<&'static str>,
    extract: Vec<(&'static str, &'static str)>,
    timeout_ms: u64,
    retries: u32,
    owner: Option<&'static str>,
}

impl Http {
    fn get(url: String) -> Self {
        Self {
            method: "GET",
            url,
            headers: vec![],
            body: None,
            extract: vec![],
            timeout_ms: 3000,
            retries: 0,
            owner: None,
        }
    }

    fn def(self, name: &str) -> ConnectorDef {
        ConnectorDef {
            name: name.to_owned(),
            spec: ConnectorSpec::Http {
                method: self.method.to_owned(),
                url: self.url,
                headers: self
                    .headers
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
                body: self.body.map(str::to_owned),
                extract: self
                    .extract
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
                timeout_ms: self.timeout_ms,
                retries: self.retries,
            },
            owner_field: self.owner.map(str::to_owned),
        }
    }
}

async fn open(defs: Vec<ConnectorDef>) -> Result<Connectors, ConnectorError> {
    let dir = tempfile::tempdir().unwrap();
    Connectors::open(defs, &BTreeMap::new(), &BTreeMap::new(), dir.path()).await
}

fn order_def(base: &str) -> ConnectorDef {
    Http {
        extract: vec![
            ("id", "/order/id"),
            ("status", "/order/status"),
            ("owner", "/order/owner/email"),
            ("sku", "/items/0/sku"),
        ],
        owner: Some("owner"),
        ..Http::get(format!(
            "{base}/orders/{{{{ order_number }}}}?email={{{{ customer.email }}}}"
        ))
    }
    .def("order")
}

/// Its fields are the `extract` names; without `extract` they are known only from a response.
#[tokio::test]
async fn an_http_connectors_fields_are_its_extract_names() {
    let c = open(vec![
        order_def("http://127.0.0.1:9"),
        Http::get("http://127.0.0.1:9/all".into()).def("whole"),
    ])
    .await
    .unwrap();
    assert_eq!(
        c.fields("order").await.unwrap(),
        Some(["id", "owner", "sku", "status"].map(str::to_owned).to_vec())
    );
    assert_eq!(c.fields("whole").await.unwrap(), None);
}

#[tokio::test]
async fn extracts_fields_checks_the_owner_and_encodes_the_url() {
    let (base, seen) = server().await;
    let c = open(vec![order_def(&base)]).await.unwrap();

    let out = c
        .run(
            "order",
            &input(&[("order_number", "A 1/2?x=y&z#")], "ann+shop@example.com"),
        )
        .await
        .unwrap();
    // The owner check compares with the customer's own address: Ann's order, another address.
    assert_eq!(
        out,
        ConnectorOutput {
            rows: vec![],
            withheld: 1
        }
    );
    assert_eq!(
        seen.uris.lock().unwrap().last().unwrap(),
        "/orders/A%201%2F2%3Fx%3Dy%26z%23?email=ann%2Bshop%40example.com"
    );

    let out = c
        .run("order", &input(&[("order_number", "A 1/2")], "ann@example.com"))
        .await
        .unwrap();
    assert_eq!(out.withheld, 0);
    assert_eq!(
        Value::Object(out.rows[0].clone()),
        json!({"id": "A 1/2", "status": "shipped", "owner": "Ann@Example.com", "sku": "X1"})
    );

    let out = c
        .run("order", &input(&[("order_number", "B7")], "ann@example.com"))
        .await
        .unwrap();
    assert_eq!(
        out,
        ConnectorOutput {
            rows: vec![],
            withheld: 1
        }
    );
}

#[tokio::test]
async fn not_found_is_zero_rows() {
    let (base, _) = server().await;
    let c = open(vec![order_def(&base)]).await.unwrap();
    let out = c
        .run("order", &input(&[("order_number", "missing")], "ann@example.com"))
        .await
        .unwrap();
    assert_eq!(out, ConnectorOutput::default());
}

#[tokio::test]
async fn server_errors_are_retried_and_client_errors_are_not() {
    let (base, seen) = server().await;
    let c = open(vec![
        Http {
            retries: 1,
            ..Http::get(format!("{base}/flaky"))
        }
        .def("flaky"),
        Http {
            retries: 2,
            ..Http::get(format!("{base}/broken"))
        }
        .def("broken"),
        Http {
            retries: 3,
            ..Http::get(format!("{base}/bad"))
        }
        .def("bad"),
    ])
    .await
    .unwrap();

    let out = c.run("flaky", &input(&[], "")).await.unwrap();
    assert_eq!(out.rows, vec![Row::from_iter([("ok".to_owned(), json!(true))])]);
    assert_eq!(seen.flaky.load(Ordering::SeqCst), 2);

    let e = c.run("broken", &input(&[], "")).await.unwrap_err();
    assert_eq!(e.kind(), ConnectorErrorKind::Failed);
    assert!(e.to_string().contains("502"), "{e}");
    assert_eq!(seen.broken.load(Ordering::SeqCst), 3, "one try and two retries");

    let e = c.run("bad", &input(&[], "")).await.unwrap_err();
    assert_eq!(e.kind(), ConnectorErrorKind::Failed);
    assert!(e.to_string().contains("400"), "{e}");
    assert_eq!(seen.bad_request.load(Ordering::SeqCst), 1, "4xx is not retried");
}

#[tokio::test]
async fn a_slow_system_times_out() {
    let (base, _) = server().await;
    let c = open(vec![Http {
        timeout_ms: 200,
        ..Http::get(format!("{base}/slow"))
    }
    .def("slow")])
    .await
    .unwrap();
    let e = c.run("slow", &input(&[], "")).await.unwrap_err();
    assert_eq!(e.kind(), ConnectorErrorKind::Timeout, "{e}");
    assert!(e.to_string().contains("200 ms"), "{e}");
}

#[tokio::test]
async fn connection_errors_are_retried_then_fail_without_leaking_the_url() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = open(vec![Http {
        retries: 1,
        ..Http::get(format!("http://127.0.0.1:{port}/x?api_key=SECRETKEY"))
    }
    .def("down")])
    .await
    .unwrap();
    let e = c.run("down", &input(&[], "")).await.unwrap_err();
    assert_eq!(e.kind(), ConnectorErrorKind::Failed, "{e}");
    let text = e.to_string();
    assert!(text.contains("cannot connect"), "{text}");
    assert!(
        !text.contains("SECRETKEY") && !text.contains("127.0.0.1"),
        "{text}"
    );
}

#[tokio::test]
async fn headers_and_body_are_templated_and_escaped() {
    let (base, _) = server().await;
    let c = open(vec![Http {
        method: "post",
        headers: vec![("X-Api-Key", "k-123"), ("X-Customer", "{{ customer.name }} <{{ customer.email }}>")],
        body: Some(r#"{"order": "{{ order_number }}", "note": "{{ slots.note }}", "raw": {{ order_number|tojson }}}"#),
        ..Http::get(format!("{base}/echo"))
    }
    .def("echo")])
    .await
    .unwrap();
    let note = "he said \"hi\"\n}, \"admin\": true, {\\";
    let mut i = input(&[("order_number", "A-1"), ("note", note)], "ann@example.com");
    i.customer_name = "Ann\r\nX-Injected: yes".to_owned();
    let out = c.run("echo", &i).await.unwrap();
    let row = Value::Object(out.rows[0].clone());
    assert_eq!(row["body"], json!({"order": "A-1", "note": note, "raw": "A-1"}));
    assert_eq!(row["key"], "k-123");
    assert_eq!(row["who"], "Ann  X-Injected: yes <ann@example.com>");
    assert_eq!(row["type"], "application/json");
}

#[tokio::test]
async fn header_values_never_appear_in_errors() {
    let (base, _) = server().await;
    let c = open(vec![
        Http {
            headers: vec![("Authorization", "Bearer wrong-s3cret")],
            ..Http::get(format!("{base}/auth"))
        }
        .def("auth"),
        Http {
            headers: vec![("Authorization", "Bearer s3cret\u{7f}{{ x }}")],
            ..Http::get(format!("{base}/auth"))
        }
        .def("invalid"),
    ])
    .await
    .unwrap();
    let e = c.run("auth", &input(&[], "")).await.unwrap_err();
    assert_eq!(e.kind(), ConnectorErrorKind::Failed);
    assert!(
        e.to_string().contains("401") && !e.to_string().contains("s3cret"),
        "{e}"
    );
    let e = c.run("invalid", &input(&[("x", "y")], "")).await.unwrap_err();
    assert!(e.is_config(), "{e}");
    assert!(!e.to_string().contains("s3cret"), "{e}");
}

#[tokio::test]
async fn missing_template_values_are_errors() {
    let (base, _) = server().await;
    let c = open(vec![order_def(&base)]).await.unwrap();
    let e = c.run("order", &input(&[], "ann@example.com")).await.unwrap_err();
    assert!(
        matches!(&e, ConnectorError::MissingValue { name, .. } if name == "order_number"),
        "{e:?}"
    );
    let e = c
        .run("order", &input(&[("order_number", "1")], " "))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ConnectorError::MissingValue { name, .. } if name == "customer.email"),
        "{e:?}"
    );
}

#[tokio::test]
async fn arrays_become_rows_and_odd_answers_are_handled() {
    let (base, _) = server().await;
    let c = open(vec![
        Http {
            extract: vec![("id", "/id"), ("email", "/contact/email")],
            owner: Some("email"),
            ..Http::get(format!("{base}/list"))
        }
        .def("list"),
        Http::get(format!("{base}/list")).def("whole"),
        Http::get(format!("{base}/text")).def("text"),
        Http::get(format!("{base}/empty")).def("empty"),
        Http::get(format!("{base}/moved")).def("moved"),
    ])
    .await
    .unwrap();
    let out = c.run("list", &input(&[], "bob@example.com")).await.unwrap();
    assert_eq!(
        out.rows,
        vec![Row::from_iter([
            ("email".to_owned(), json!("bob@example.com")),
            ("id".to_owned(), json!(2))
        ])]
    );
    assert_eq!(
        out.withheld, 1,
        "the element without any extracted field is no row"
    );

    let out = c.run("whole", &input(&[], "")).await.unwrap();
    assert_eq!(out.rows.len(), 3);
    assert_eq!(
        out.rows[2],
        Row::from_iter([("unrelated".to_owned(), json!(true))])
    );

    let e = c.run("text", &input(&[], "")).await.unwrap_err();
    assert_eq!(e.kind(), ConnectorErrorKind::Failed);
    assert!(e.to_string().contains("not JSON"), "{e}");

    assert_eq!(
        c.run("empty", &input(&[], "")).await.unwrap(),
        ConnectorOutput::default()
    );

    // Redirects are not followed (they could carry the headers elsewhere).
    let e = c.run("moved", &input(&[], "")).await.unwrap_err();
    assert!(e.to_string().contains("302"), "{e}");
}

#[tokio::test]
async fn http_configuration_errors() {
    let base = "http://127.0.0.1:9".to_owned();
    let cases: Vec<(ConnectorDef, &str)> = vec![
        (
            Http {
                method: "GE T",
                ..Http::get(format!("{base}/x"))
            }
            .def("c"),
            "HTTP method",
        ),
        (Http::get("ftp://x/y".to_owned()).def("c"), "http://"),
        (
            Http::get(format!("{base}/{{{{ unclosed")).def("c"),
            "URL template",
        ),
        (
            Http {
                extract: vec![("a", "order.id")],
                ..Http::get(format!("{base}/x"))
            }
            .def("c"),
            "JSON pointer",
        ),
        (
            Http {
                headers: vec![("Bad Header", "v")],
                ..Http::get(format!("{base}/x"))
            }
            .def("c"),
            "header name",
        ),
        (
            Http {
                timeout_ms: 0,
                ..Http::get(format!("{base}/x"))
            }
            .def("c"),
            "timeout_ms",
        ),
        (
            Http {
                retries: 99,
                ..Http::get(format!("{base}/x"))
            }
            .def("c"),
            "retries",
        ),
        (
            Http {
                body: Some("{% if %}"),
                ..Http::get(format!("{base}/x"))
            }
            .def("c"),
            "body template",
        ),
    ];
    for (def, expected) in cases {
        let e = open(vec![def]).await.unwrap_err();
        assert!(e.is_config(), "{e}");
        assert!(e.to_string().contains(expected), "{e} (expected {expected:?})");
    }

    // A body that is not JSON once filled in is found at run time.
    let c = open(vec![Http {
        body: Some("{\"a\": {{ n }}}"),
        ..Http::get(format!("{base}/x"))
    }
    .def("c")])
    .await
    .unwrap();
    let e = c
        .run("c", &input(&[("n", "not a number")], ""))
        .await
        .unwrap_err();
    assert!(e.is_config() && e.to_string().contains("not valid JSON"), "{e}");
}
