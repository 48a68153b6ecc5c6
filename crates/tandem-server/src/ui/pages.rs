//! Page shells, one askama template each (templates/), sharing `base.html`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tandem_core::ErrorCode;

use super::{html, STAFF_CSP};
use crate::{ApiError, AppState};

/// A section of the staff navigation: (path segment, label, who sees it).
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub key: &'static str,
    /// Shown only to these roles (empty: everyone). The server checks permissions on every API
    /// call; this only keeps the menu short.
    pub roles: &'static str,
}

const fn nav(href: &'static str, label: &'static str, key: &'static str, roles: &'static str) -> NavItem {
    NavItem {
        href,
        label,
        key,
        roles,
    }
}

const NAV: &[NavItem] = &[
    nav("/app/inbox", "Inbox", "inbox", ""),
    nav("/app/insights", "Insights", "insights", ""),
    nav("/app/coaching", "Coaching", "coaching", ""),
    nav("/app/team", "Team", "team", "supervisor,admin"),
    nav(
        "/app/training",
        "Training",
        "training",
        "trainer,supervisor,admin",
    ),
    nav("/app/admin/intents", "Intents", "intents", ""),
    nav("/app/admin/articles", "Articles", "articles", ""),
    nav("/app/admin/templates", "Templates", "templates", ""),
    nav("/app/admin/connectors", "Connectors", "connectors", ""),
    nav("/app/admin/texts", "Bot texts", "texts", ""),
    nav("/app/admin/users", "Users", "users", "admin"),
    nav("/app/admin/teams", "Teams", "teams", ""),
    nav("/app/admin/widget", "Widget", "widget", "admin"),
];

/// The admin and trainer pages: key, title, one-line purpose.
const ADMIN_PAGES: &[(&str, &str, &str)] = &[
    (
        "intents",
        "Intents",
        "What customers ask for, with the examples the bot learns from, their kind and confidence threshold.",
    ),
    (
        "articles",
        "Articles",
        "The knowledge base the bot quotes from, with its sources.",
    ),
    (
        "templates",
        "Reply templates",
        "The bot's replies for automated intents, filled from the business's data.",
    ),
    (
        "connectors",
        "Connectors",
        "How the bot reads the business's own systems. Test one against the real data.",
    ),
    (
        "texts",
        "Bot texts",
        "What the bot says about itself, when it hands over, and when it did not understand.",
    ),
    (
        "users",
        "Users and roles",
        "Who works in Tandem and what they may do.",
    ),
    (
        "teams",
        "Teams and skills",
        "Where cases are routed, and the skills each team brings.",
    ),
    (
        "widget",
        "Web widget",
        "The chat window for the business's site: one script tag.",
    ),
];

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage;

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    nav: &'static [NavItem],
    active: &'static str,
    /// How long after sending staff may edit or delete their own messages (the buttons go then).
    edit_window_secs: u64,
}

#[derive(Template)]
#[template(path = "insights.html")]
struct InsightsPage {
    nav: &'static [NavItem],
    active: &'static str,
}

/// The trainers' page: the review queue, the model registry, article drafts.
#[derive(Template)]
#[template(path = "training.html")]
struct TrainingPage {
    nav: &'static [NavItem],
    active: &'static str,
}

/// Everyone's learning page: their soft skills, the coaching feed, practice with a simulated
/// customer, and the learning paths towards a certification.
#[derive(Template)]
#[template(path = "coaching.html")]
struct CoachingPage {
    nav: &'static [NavItem],
    active: &'static str,
}

/// The supervisors' page: the team's skills, each agent's coaching profile, certifications.
#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    nav: &'static [NavItem],
    active: &'static str,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    nav: &'static [NavItem],
    active: &'static str,
    title: &'static str,
    purpose: &'static str,
    widget_key: String,
    /// What a reply template can use (the template editor's hint).
    template_variables: &'static str,
}

/// What a staff member sees at an address under `/app` that is no page: the frame with its
/// navigation, and a way on.
#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    nav: &'static [NavItem],
    active: &'static str,
    path: String,
}

#[derive(Template)]
#[template(path = "widget_frame.html")]
struct WidgetFrame {
    key: String,
    /// The sites that may embed the frame and hand it a signed identity (space-separated
    /// origins, or `*`).
    origins: String,
    /// What the widget says, in the customer's language (from the pack).
    texts: tandem_engine::pack::widget::WidgetTexts,
    /// The same, as JSON for the frame's script.
    texts_json: String,
}

impl WidgetFrame {
    fn t(&self, key: &str) -> &str {
        self.texts.get(key)
    }
}

#[derive(Template)]
#[template(path = "demo.html")]
struct DemoShop {
    key: String,
    /// The language the shop asks the widget to speak (its language switch), if any.
    lang: Option<String>,
}

#[derive(Deserialize)]
pub struct DemoQuery {
    #[serde(default)]
    lang: Option<String>,
}

fn render(page: &impl Template, csp: &str) -> Response {
    match page.render() {
        Ok(body) => html(body, csp),
        Err(e) => {
            tracing::error!(error = %e, "a page template failed to render");
            ApiError::new(ErrorCode::Internal, "the page could not be rendered").into_response()
        }
    }
}

pub async fn root() -> Redirect {
    Redirect::temporary("/app/inbox")
}

pub async fn login() -> Response {
    render(&LoginPage, STAFF_CSP)
}

pub async fn inbox(State(state): State<AppState>) -> Response {
    render(
        &InboxPage {
            nav: NAV,
            active: "inbox",
            edit_window_secs: state.engine.conversations().edit_window().as_secs(),
        },
        STAFF_CSP,
    )
}

pub async fn insights() -> Response {
    render(
        &InsightsPage {
            nav: NAV,
            active: "insights",
        },
        STAFF_CSP,
    )
}

pub async fn training() -> Response {
    render(
        &TrainingPage {
            nav: NAV,
            active: "training",
        },
        STAFF_CSP,
    )
}

pub async fn coaching() -> Response {
    render(
        &CoachingPage {
            nav: NAV,
            active: "coaching",
        },
        STAFF_CSP,
    )
}

pub async fn team() -> Response {
    render(
        &TeamPage {
            nav: NAV,
            active: "team",
        },
        STAFF_CSP,
    )
}

pub async fn admin(State(state): State<AppState>, Path(page): Path<String>) -> Response {
    let Some(&(key, title, purpose)) = ADMIN_PAGES.iter().find(|(key, ..)| *key == page) else {
        return not_found_page(format!("/app/admin/{page}"));
    };
    render(
        &AdminPage {
            nav: NAV,
            active: key,
            title,
            purpose,
            widget_key: state.config.widget_key.clone(),
            template_variables: tandem_engine::content::TEMPLATE_VARIABLES,
        },
        STAFF_CSP,
    )
}

/// `GET /app/{*rest}` for anything that is not a page: an HTML "page not found" (404), not the
/// API's JSON error.
pub async fn not_found(uri: Uri) -> Response {
    not_found_page(uri.path().to_owned())
}

fn not_found_page(path: String) -> Response {
    let page = NotFoundPage {
        nav: NAV,
        active: "",
        path,
    };
    (StatusCode::NOT_FOUND, render(&page, STAFF_CSP)).into_response()
}

#[derive(Deserialize)]
pub struct FrameQuery {
    #[serde(default)]
    key: String,
    /// The language the site asks for (the loader's `data-lang`, else the browser's).
    #[serde(default)]
    lang: Option<String>,
}

/// The chat window inside the business's page (an iframe of this origin).
pub async fn widget_frame(
    State(state): State<AppState>,
    Query(q): Query<FrameQuery>,
    headers: axum::http::HeaderMap,
) -> Response {
    if q.key != state.config.widget_key {
        return ApiError::new(
            ErrorCode::UnknownInbox,
            "no inbox has this key; copy the script tag from the Widget page",
        )
        .into_response();
    }
    let csp = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; \
         frame-ancestors {}; base-uri 'none'; form-action 'self'",
        state.config.widget_origins
    );
    let texts = crate::routes::widget::texts_for(&state, q.lang.as_deref(), &headers);
    render(
        &WidgetFrame {
            key: q.key,
            origins: state.config.widget_origins.clone(),
            texts_json: serde_json::to_string(&texts.texts).unwrap_or_else(|_| "{}".to_owned()),
            texts,
        },
        &csp,
    )
}

/// A small demo shop page with the widget on it, as a business's site would have it.
pub async fn demo_shop(State(state): State<AppState>, Query(q): Query<DemoQuery>) -> Response {
    let lang = q
        .lang
        .map(|l| l.to_ascii_lowercase())
        .filter(|l| tandem_engine::pack::widget::is_language_tag(l));
    render(
        &DemoShop {
            key: state.config.widget_key.clone(),
            lang,
        },
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         frame-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
}
