//! `spawn_app()`: a real server on 127.0.0.1:0 over a SQLite file in a temporary directory, with
//! an admin logged in through the real login endpoint, and helpers to drive it over HTTP and
//! WebSocket.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use tandem_engine::pack::Pack;
use tandem_engine::{Engine, EngineConfig, Secret, StoreConfig};
use tandem_server::{AppConfig, Application, InitialPack, ServerConfig};
use tempfile::TempDir;
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const ADMIN_EMAIL: &str = "admin@example.org";
pub const ADMIN_PASSWORD: &str = "admin password 123";

/// An upper bound for anything that should happen "soon": it turns a hang into a failure and is
/// never used to judge speed.
pub const FAILURE_BOUND: Duration = Duration::from_secs(10);

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub admin_token: String,
    pub admin_id: String,
    pub engine: Arc<Engine>,
    pub client: Client,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    // Dropped last: the database lives here.
    _dir: TempDir,
}

/// A customer's handle on one conversation.
pub struct Customer {
    pub conversation_id: String,
    pub token: String,
}

/// A staff member created through the admin API and logged in.
pub struct StaffMember {
    pub id: String,
    pub email: String,
    pub password: String,
    pub token: String,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(ServerConfig::default(), EngineConfig::default()).await
}

pub async fn spawn_app_with(server_config: ServerConfig, engine_config: EngineConfig) -> TestApp {
    spawn(server_config, engine_config, None).await
}

/// The application `tandem serve` runs ([`Application::build`]), on port 0 over a SQLite file in a
/// temporary directory, with the first admin and, when given, an initial pack.
async fn spawn(server_config: ServerConfig, engine_config: EngineConfig, pack: Option<Pack>) -> TestApp {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let config = AppConfig {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        store: StoreConfig::sqlite(&dir.path().join("tandem.db")),
        engine: engine_config,
        server: server_config,
        admin_email: ADMIN_EMAIL.to_owned(),
        admin_password: Some(Secret::new(ADMIN_PASSWORD)),
        initial_pack: pack.map(InitialPack::ready),
    };
    let application = Application::build(config).await.expect("the application starts");
    let addr = application.local_addr().expect("the bound address");
    let engine = application.engine().clone();
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let shutdown = async move {
        // A dropped sender also shuts the server down.
        let _ = stop_rx.await;
    };
    let server = tokio::spawn(application.run_until(shutdown));

    let client = Client::builder().no_proxy().build().expect("an HTTP client");
    let base = format!("http://{addr}");
    let mut app = TestApp {
        addr,
        base,
        admin_token: String::new(),
        admin_id: String::new(),
        engine,
        client,
        shutdown: Some(stop_tx),
        server: Some(server),
        _dir: dir,
    };
    let login = app.login_ok(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.admin_token = login["token"].as_str().expect("a token").to_owned();
    app.admin_id = login["user"]["id"].as_str().expect("a user id").to_owned();
    app
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn ws_url(&self, path: &str) -> String {
        format!("ws://{}{path}", self.addr)
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client.get(self.url(path))
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.client.post(self.url(path))
    }

    pub fn patch(&self, path: &str) -> RequestBuilder {
        self.client.patch(self.url(path))
    }

    pub fn put(&self, path: &str) -> RequestBuilder {
        self.client.put(self.url(path))
    }

    pub fn delete(&self, path: &str) -> RequestBuilder {
        self.client.delete(self.url(path))
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post("/api/v1/auth/login")
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .expect("login request")
    }

    /// Logs in and returns the login response body; fails the test on anything but 200.
    pub async fn login_ok(&self, email: &str, password: &str) -> Value {
        body(self.login(email, password).await, StatusCode::OK).await
    }

    /// Creates a staff account through the admin API and logs it in.
    pub async fn create_staff(&self, email: &str, role: &str) -> StaffMember {
        let password = format!("{role} password 123");
        let created = self
            .post("/api/v1/users")
            .bearer_auth(&self.admin_token)
            .json(&json!({ "email": email, "name": format!("Test {role}"), "role": role, "password": password }))
            .send()
            .await
            .expect("create user request");
        let created = body(created, StatusCode::CREATED).await;
        let login = self.login_ok(email, &password).await;
        StaffMember {
            id: created["user"]["id"].as_str().expect("a user id").to_owned(),
            email: email.to_owned(),
            password,
            token: login["token"].as_str().expect("a token").to_owned(),
        }
    }

    pub async fn start_conversation(&self, name: &str, email: &str) -> Customer {
        let response = self
            .post("/api/v1/widget/conversations")
            .json(&json!({ "name": name, "email": email }))
            .send()
            .await
            .expect("start request");
        let started = body(response, StatusCode::CREATED).await;
        Customer {
            conversation_id: started["conversation_id"]
                .as_str()
                .expect("a conversation id")
                .to_owned(),
            token: started["customer_token"]
                .as_str()
                .expect("a customer token")
                .to_owned(),
        }
    }

    /// A customer writes; returns the stored message.
    pub async fn customer_says(&self, customer: &Customer, text: &str) -> Value {
        let response = self
            .post(&format!(
                "/api/v1/widget/conversations/{}/messages",
                customer.conversation_id
            ))
            .bearer_auth(&customer.token)
            .json(&json!({ "text": text }))
            .send()
            .await
            .expect("customer message request");
        body(response, StatusCode::CREATED).await
    }

    /// The messages as the customer sees them.
    pub async fn customer_messages(&self, customer: &Customer) -> Vec<Value> {
        let response = self
            .get(&format!(
                "/api/v1/widget/conversations/{}/messages",
                customer.conversation_id
            ))
            .bearer_auth(&customer.token)
            .send()
            .await
            .expect("customer messages request");
        let list = body(response, StatusCode::OK).await;
        list["messages"].as_array().expect("a messages array").clone()
    }

    /// A staff reply (or internal note); returns the stored message.
    pub async fn staff_says(&self, token: &str, conversation: &str, text: &str, internal: bool) -> Value {
        let response = self
            .post(&format!("/api/v1/conversations/{conversation}/messages"))
            .bearer_auth(token)
            .json(&json!({ "text": text, "internal": internal }))
            .send()
            .await
            .expect("staff message request");
        body(response, StatusCode::CREATED).await
    }

    /// The conversation with all its messages, as staff see it.
    pub async fn detail(&self, conversation: &str) -> Value {
        let response = self
            .get(&format!("/api/v1/conversations/{conversation}"))
            .bearer_auth(&self.admin_token)
            .send()
            .await
            .expect("detail request");
        body(response, StatusCode::OK).await
    }

    /// The bot's decisions about a conversation, oldest first, as the admin sees them.
    pub async fn decisions(&self, conversation: &str) -> Vec<Value> {
        let response = self
            .get(&format!("/api/v1/conversations/{conversation}/decisions"))
            .bearer_auth(&self.admin_token)
            .send()
            .await
            .expect("decisions request");
        let list = body(response, StatusCode::OK).await;
        list["decisions"].as_array().expect("a decisions array").clone()
    }

    /// The active content (`GET /api/v1/content`) as the admin sees it.
    pub async fn content(&self) -> Value {
        let response = self
            .get("/api/v1/content")
            .bearer_auth(&self.admin_token)
            .send()
            .await
            .expect("content request");
        body(response, StatusCode::OK).await
    }

    pub async fn update(&self, token: &str, conversation: &str, change: Value) -> Response {
        self.patch(&format!("/api/v1/conversations/{conversation}"))
            .bearer_auth(token)
            .json(&change)
            .send()
            .await
            .expect("update request")
    }

    pub async fn events(&self, conversation: &str) -> Vec<Value> {
        let response = self
            .get(&format!("/api/v1/conversations/{conversation}/events"))
            .bearer_auth(&self.admin_token)
            .send()
            .await
            .expect("events request");
        let list = body(response, StatusCode::OK).await;
        list["events"].as_array().expect("an events array").clone()
    }

    /// Resolves the shutdown future of `serve` and returns its task, which should then finish.
    pub fn begin_shutdown(&mut self) -> JoinHandle<std::io::Result<()>> {
        if let Some(stop) = self.shutdown.take() {
            let _ = stop.send(());
        }
        self.server.take().expect("the server was already shut down")
    }
}

/// `GET /api/v1/conversations{query}` as `token`; the page, which must be 200.
pub async fn list(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app
        .get(&format!("/api/v1/conversations{query}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("list request");
    body(response, StatusCode::OK).await
}

/// A message as its customer is shown it: without the staff member who wrote it.
pub fn as_customer_sees(message: &Value) -> Value {
    let mut shown = message.clone();
    if let Some(fields) = shown.as_object_mut() {
        fields.remove("author_user_id");
    }
    shown
}

/// Checks the status (showing the body when it is wrong) and returns the JSON body.
pub async fn body(response: Response, expected: StatusCode) -> Value {
    let status = response.status();
    let url = response.url().clone();
    let text = response.text().await.expect("a response body");
    assert_eq!(status, expected, "{url} answered {status} with body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: the body is not JSON ({e}): {text}"))
}

/// Checks that the response is an error with this status and code, in the one error shape
/// `{"error": {"code": "...", "message": "..."}}`, and returns the body.
pub async fn error(response: Response, expected: StatusCode, code: &str) -> Value {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let value = body(response, expected).await;
    assert_error_shape(&value);
    assert!(
        content_type.starts_with("application/json"),
        "an error is JSON, not {content_type:?}"
    );
    assert_eq!(value["error"]["code"], code, "wrong error code in {value}");
    value
}

pub fn assert_error_shape(value: &Value) {
    let error = value
        .get("error")
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("no `error` object: {value}"));
    let code = error
        .get("code")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no error code: {value}"));
    assert!(
        !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
        "the code is not snake_case: {code:?}"
    );
    let message = error
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no message: {value}"));
    assert!(!message.trim().is_empty(), "an empty error message: {value}");
}

/// The ids of a conversation list, in order.
pub fn ids(list: &Value) -> Vec<String> {
    list["conversations"]
        .as_array()
        .expect("a conversations array")
        .iter()
        .map(|c| c["id"].as_str().expect("an id").to_owned())
        .collect()
}

// --- WebSocket ----------------------------------------------------------------------------------

pub async fn connect_ws(url: &str) -> Ws {
    let (ws, response) = tokio::time::timeout(FAILURE_BOUND, tokio_tungstenite::connect_async(url))
        .await
        .expect("the WebSocket handshake did not finish")
        .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    assert_eq!(response.status(), 101);
    ws
}

/// Waits until the server's side of the socket is reading, which it does only after subscribing
/// to events: anything published after this returns reaches the socket. Returns the event frames
/// that arrived before the pong.
pub async fn sync_ws(ws: &mut Ws) -> Vec<Value> {
    ws.send(WsMessage::Ping(b"sync".to_vec().into()))
        .await
        .expect("send a ping");
    let mut before = Vec::new();
    loop {
        match next_frame(ws).await {
            WsMessage::Pong(payload) if payload.as_ref() == b"sync" => return before,
            WsMessage::Text(text) => before.push(parse_frame(text.as_str())),
            _ => {}
        }
    }
}

/// The next event frame (pings and pongs skipped); fails if none comes or the socket closes.
pub async fn next_event(ws: &mut Ws) -> Value {
    loop {
        match next_frame(ws).await {
            WsMessage::Text(text) => return parse_frame(text.as_str()),
            WsMessage::Close(frame) => panic!("the socket closed while an event was expected: {frame:?}"),
            _ => {}
        }
    }
}

async fn next_frame(ws: &mut Ws) -> WsMessage {
    match tokio::time::timeout(FAILURE_BOUND, ws.next()).await {
        Err(_) => panic!("no WebSocket frame arrived within {FAILURE_BOUND:?}"),
        Ok(None) => panic!("the WebSocket ended"),
        Ok(Some(Err(e))) => panic!("WebSocket error: {e}"),
        Ok(Some(Ok(message))) => message,
    }
}

fn parse_frame(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("a frame that is not JSON ({e}): {text}"))
}

/// Reads until the server closes the socket. Returns whether it sent a Close frame (rather than
/// just dropping the connection); fails on an event frame or when nothing happens.
pub async fn expect_closed(ws: &mut Ws) -> bool {
    loop {
        match tokio::time::timeout(FAILURE_BOUND, ws.next()).await {
            Err(_) => panic!("the server did not close the WebSocket within {FAILURE_BOUND:?}"),
            Ok(None) | Ok(Some(Err(_))) => return false,
            Ok(Some(Ok(WsMessage::Close(_)))) => return true,
            Ok(Some(Ok(WsMessage::Text(text)))) => panic!("an event arrived instead of the close: {text}"),
            Ok(Some(Ok(_))) => {}
        }
    }
}

/// The HTTP status with which a WebSocket handshake was refused.
pub async fn ws_refused(url: &str) -> u16 {
    match tokio::time::timeout(FAILURE_BOUND, tokio_tungstenite::connect_async(url))
        .await
        .expect("the WebSocket handshake did not finish")
    {
        Ok(_) => panic!("{url} accepted the WebSocket"),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("{url}: unexpected handshake error {other}"),
    }
}

// --- the demo pack ------------------------------------------------------------------------------

/// The demo content pack, read from `packs/demo`.
pub fn demo_pack() -> tandem_engine::pack::Pack {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../packs/demo");
    tandem_engine::pack::load_dir(std::path::Path::new(dir))
        .unwrap_or_else(|e| panic!("packs/demo does not load: {e}"))
}

/// A server with the demo pack imported (its business database in a temporary data directory).
pub struct DemoApp {
    pub app: TestApp,
    _data: TempDir,
}

impl std::ops::Deref for DemoApp {
    type Target = TestApp;
    fn deref(&self) -> &TestApp {
        &self.app
    }
}

/// [`spawn_app`] with the demo pack imported (this trains its intent model: a few seconds).
pub async fn spawn_demo_app() -> DemoApp {
    let data = tempfile::tempdir().expect("a temporary data directory");
    let config = EngineConfig {
        data_dir: data.path().to_path_buf(),
        ..EngineConfig::default()
    };
    let app = spawn(ServerConfig::default(), config, Some(demo_pack())).await;
    assert!(
        app.engine.runtime().bot().is_some(),
        "the demo pack is installed at start"
    );
    DemoApp { app, _data: data }
}
