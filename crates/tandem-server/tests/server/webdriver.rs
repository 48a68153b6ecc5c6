//! A small W3C WebDriver client over reqwest, enough to drive Debian's headless Chromium through
//! chromedriver: open pages, find elements by CSS, click, type, read text, switch frames, run a
//! script, wait for a condition, and save screenshots.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::Client;
use serde_json::{json, Value};

use crate::support::FAILURE_BOUND;

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Where chromedriver and Chromium are, or `None` (with the reason) when they are missing.
pub fn browser_binaries() -> Result<(PathBuf, PathBuf), String> {
    let driver = std::env::var("TANDEM_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let chromium = std::env::var("TANDEM_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    for path in [&driver, &chromium] {
        if !Path::new(path).exists() {
            return Err(format!(
                "{path} is missing (apt-get install chromium chromium-driver)"
            ));
        }
    }
    Ok((driver.into(), chromium.into()))
}

/// A running chromedriver; killed on drop.
pub struct Driver {
    child: Child,
    base: String,
    chromium: PathBuf,
    client: Client,
}

impl Driver {
    pub async fn start(driver: &Path, chromium: &Path) -> Driver {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let client = Client::new();
        let started = Instant::now();
        loop {
            if let Ok(r) = client.get(format!("{base}/status")).send().await {
                let v: Value = r.json().await.unwrap_or_default();
                if v["value"]["ready"].as_bool() == Some(true) {
                    break;
                }
            }
            assert!(
                started.elapsed() < FAILURE_BOUND * 3,
                "chromedriver did not become ready"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Driver {
            child,
            base,
            chromium: chromium.to_path_buf(),
            client,
        }
    }

    /// A new headless browser window of the given size.
    pub async fn session(&self, width: u32, height: u32) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            // Keeps what the pages write to the console, for `console_errors`.
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": self.chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        }}});
        let v: Value = self
            .client
            .post(format!("{}/session", self.base))
            .json(&caps)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("a browser session starts: {v}"))
            .to_owned();
        Browser {
            url: format!("{}/session/{id}", self.base),
            client: self.client.clone(),
            _profile: profile,
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser window.
pub struct Browser {
    url: String,
    client: Client,
    _profile: tempfile::TempDir,
}

#[derive(Clone, Debug)]
pub struct Element(String);

impl Browser {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.client.request(method, format!("{}{path}", self.url));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let v: Value = request.send().await.unwrap().json().await.unwrap();
        v["value"].clone()
    }

    async fn try_call(&self, method: reqwest::Method, path: &str, body: Value) -> Result<Value, String> {
        let v = self.call(method, path, Some(body)).await;
        match v.get("error") {
            Some(e) => Err(format!("{e}: {}", v["message"])),
            None => Ok(v),
        }
    }

    pub async fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    pub async fn current_url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    async fn find_now(&self, css: &str) -> Option<Element> {
        let v = self
            .try_call(
                reqwest::Method::POST,
                "/element",
                json!({"using": "css selector", "value": css}),
            )
            .await
            .ok()?;
        v[ELEMENT_KEY].as_str().map(|id| Element(id.to_owned()))
    }

    /// Waits for an element matching `css` to exist.
    pub async fn find(&self, css: &str) -> Element {
        let started = Instant::now();
        loop {
            if let Some(e) = self.find_now(css).await {
                return e;
            }
            if started.elapsed() > FAILURE_BOUND {
                let body = self
                    .script("return document.body ? document.body.innerText : ''", json!([]))
                    .await;
                panic!("no element matches {css:?}; the page says: {body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for a visible element matching `css` whose text contains `text`.
    pub async fn find_with_text(&self, css: &str, text: &str) -> Element {
        let started = Instant::now();
        loop {
            let found = self
                .script(
                    "const [css, text] = arguments; \
                     return [...document.querySelectorAll(css)].find(e => e.innerText.includes(text) && e.offsetParent !== null) || null;",
                    json!([css, text]),
                )
                .await;
            if let Some(id) = found.get(ELEMENT_KEY).and_then(Value::as_str) {
                return Element(id.to_owned());
            }
            if started.elapsed() > FAILURE_BOUND {
                let body = self
                    .script("return document.body ? document.body.innerText : ''", json!([]))
                    .await;
                panic!("no {css:?} says {text:?}; the page says: {body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn click(&self, css: &str) {
        let e = self.find(css).await;
        self.click_element(&e).await;
    }

    pub async fn click_element(&self, e: &Element) {
        let started = Instant::now();
        // An element may be covered for a moment (a transition); retry until clickable.
        while let Err(err) = self
            .try_call(
                reqwest::Method::POST,
                &format!("/element/{}/click", e.0),
                json!({}),
            )
            .await
        {
            assert!(started.elapsed() < FAILURE_BOUND, "click failed: {err}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        let started = Instant::now();
        // A field may not be interactable yet (shown once an answer arrives); retry until it is.
        while let Err(err) = self
            .try_call(
                reqwest::Method::POST,
                &format!("/element/{}/clear", e.0),
                json!({}),
            )
            .await
        {
            assert!(
                started.elapsed() < FAILURE_BOUND,
                "the field {css} never became usable: {err}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.try_call(
            reqwest::Method::POST,
            &format!("/element/{}/value", e.0),
            json!({ "text": text }),
        )
        .await
        .unwrap();
    }

    /// Presses keys on the focused element (WebDriver key codes, e.g. "\u{E007}" for Enter).
    pub async fn keys(&self, css: &str, keys: &str) {
        let e = self.find(css).await;
        self.try_call(
            reqwest::Method::POST,
            &format!("/element/{}/value", e.0),
            json!({ "text": keys }),
        )
        .await
        .unwrap();
    }

    /// Presses and releases each key in turn, wherever the focus is (as a person would).
    pub async fn press(&self, keys: &[&str]) {
        let actions: Vec<Value> = keys
            .iter()
            .flat_map(|k| {
                [
                    json!({"type": "keyDown", "value": k}),
                    json!({"type": "keyUp", "value": k}),
                ]
            })
            .collect();
        self.key_actions(actions).await;
    }

    /// Holds `modifier` while pressing `key` (e.g. Control + Enter).
    pub async fn chord(&self, modifier: &str, key: &str) {
        self.key_actions(vec![
            json!({"type": "keyDown", "value": modifier}),
            json!({"type": "keyDown", "value": key}),
            json!({"type": "keyUp", "value": key}),
            json!({"type": "keyUp", "value": modifier}),
        ])
        .await;
    }

    async fn key_actions(&self, actions: Vec<Value>) {
        self.try_call(
            reqwest::Method::POST,
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        )
        .await
        .unwrap();
    }

    pub async fn text(&self, css: &str) -> String {
        let e = self.find(css).await;
        self.call(reqwest::Method::GET, &format!("/element/{}/text", e.0), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Runs `script` in the page; a script that throws fails the test (a test step that silently
    /// did nothing would let the test pass for the wrong reason).
    pub async fn script(&self, script: &str, args: Value) -> Value {
        self.try_call(
            reqwest::Method::POST,
            "/execute/sync",
            json!({ "script": script, "args": args }),
        )
        .await
        .unwrap_or_else(|e| panic!("the script failed: {e}\n{script}"))
    }

    /// Whether the first element matching `css` is displayed: it and its ancestors take up room
    /// (not `hidden`, not `display: none`) and it is not `visibility: hidden`. Fixed elements count.
    pub async fn shown(&self, css: &str) -> bool {
        self.script(
            "const e = document.querySelector(arguments[0]); \
             return !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';",
            json!([css]),
        )
        .await
        .as_bool()
        .unwrap_or(false)
    }

    /// Waits until `script` returns true.
    pub async fn wait_for(&self, what: &str, script: &str) {
        let started = Instant::now();
        loop {
            if self.script(script, json!([])).await.as_bool() == Some(true) {
                return;
            }
            if started.elapsed() > FAILURE_BOUND {
                let body = self
                    .script("return document.body ? document.body.innerText : ''", json!([]))
                    .await;
                panic!("timed out waiting for {what}; the page says: {body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn enter_frame(&self, css: &str) {
        let e = self.find(css).await;
        self.try_call(
            reqwest::Method::POST,
            "/frame",
            json!({ "id": { ELEMENT_KEY: e.0 } }),
        )
        .await
        .unwrap();
    }

    pub async fn leave_frame(&self) {
        self.try_call(reqwest::Method::POST, "/frame", json!({ "id": null }))
            .await
            .unwrap();
    }

    /// Saves a PNG screenshot of the window to `dir/name.png` and returns its path.
    pub async fn screenshot(&self, dir: &Path, name: &str) -> PathBuf {
        let data = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Resizes the window (the page's viewport) to `width` × `height` CSS pixels.
    pub async fn set_window(&self, width: u32, height: u32) {
        self.try_call(
            reqwest::Method::POST,
            "/window/rect",
            json!({ "width": width, "height": height }),
        )
        .await
        .unwrap_or_else(|e| panic!("the window resizes to {width}x{height}: {e}"));
        let inner = self.script("return window.innerWidth", json!([])).await;
        assert_eq!(inner, json!(width), "the viewport is as wide as the window");
    }

    /// Saves a screenshot of the window as `page-WIDTH.png` in the screenshot directory.
    pub async fn snapshot(&self, page: &str) -> PathBuf {
        let width = self.script("return window.innerWidth", json!([])).await;
        self.screenshot(&crate::browser::screenshot_dir(), &format!("{page}-{width}"))
            .await
    }

    /// Asserts that the page fits its window: nothing makes it wider than the window (no sideways
    /// scrolling), and nothing in the top navigation overflows its box (no stray scroll bars,
    /// nothing cut off or off screen). Saves a screenshot `page-WIDTH.png` either way.
    pub async fn assert_fits(&self, page: &str) {
        let shot = self.snapshot(page).await;
        let found = self
            .script(
                "const width = window.innerWidth; \
                 const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') \
                   + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : ''); \
                 const clipped = (e) => { \
                   for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) \
                     if (getComputedStyle(a).overflowX !== 'visible') return true; \
                   return false; }; \
                 const problems = []; \
                 const doc = document.documentElement; \
                 if (doc.scrollWidth > width) problems.push(`the page is ${doc.scrollWidth} px wide in a ${width} px window`); \
                 for (const e of document.querySelectorAll('body *')) { \
                   const r = e.getBoundingClientRect(); \
                   if (r.width > 0 && r.right > width + 1 && getComputedStyle(e).position !== 'fixed' \
                       && !e.closest('.visually-hidden, .skip-link') && !clipped(e)) \
                     problems.push(`${name(e)} reaches ${Math.round(r.right)} px`); \
                 } \
                 const bar = document.querySelector('.topbar'); \
                 for (const e of bar ? [bar, ...bar.querySelectorAll('*')] : []) { \
                   if (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0) \
                     problems.push(`${name(e)} in the top bar overflows sideways (${e.scrollWidth} > ${e.clientWidth})`); \
                   if (e.scrollHeight > e.clientHeight + 1 && e.clientHeight > 0) \
                     problems.push(`${name(e)} in the top bar overflows downwards (${e.scrollHeight} > ${e.clientHeight})`); \
                 } \
                 return problems.slice(0, 20);",
                json!([]),
            )
            .await;
        assert_eq!(
            found,
            json!([]),
            "{page} does not fit its window (screenshot: {})",
            shot.display()
        );
    }

    /// The errors in the browser console (script errors, `console.error`, failed loads) since the
    /// last call.
    pub async fn console_errors(&self) -> Vec<String> {
        let entries = self
            .call(
                reqwest::Method::POST,
                "/se/log",
                Some(json!({ "type": "browser" })),
            )
            .await;
        let entries = entries
            .as_array()
            .unwrap_or_else(|| panic!("chromedriver returns the console log: {entries}"));
        entries
            .iter()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Fails the test when anything was written to the browser console as an error since the
    /// last look (`when` names the moment), except the failed requests the test provoked on
    /// purpose (`expected`: parts of their messages, e.g. "/api/v1/teams - ... 400").
    pub async fn assert_console_clean(&self, when: &str, expected: &[&str]) {
        let errors = self.unexpected_console_errors(expected).await;
        assert!(
            errors.is_empty(),
            "errors in the browser console ({when}): {errors:?}"
        );
    }

    async fn unexpected_console_errors(&self, expected: &[&str]) -> Vec<String> {
        let mut errors = self.console_errors().await;
        errors.retain(|e| !expected.iter().any(|x| e.contains(x)));
        errors
    }

    /// Ends the session; fails the test when anything was written to the browser console as an
    /// error since the last look (every browser test ends here, so none can miss one).
    pub async fn quit(self) {
        let errors = self.unexpected_console_errors(&[]).await;
        let _ = self.client.delete(&self.url).send().await;
        assert!(
            errors.is_empty(),
            "errors in the browser console (at the end): {errors:?}"
        );
    }
}
