//! The OpenAPI 3 document, generated from the handlers, and the offline API explorer.

use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "Tandem API", description = "Customer service where software and people work in tandem."),
    paths(
        routes::widget::start,
        routes::widget::show,
        routes::widget::post_message,
        routes::widget::messages,
        routes::widget::end_session,
        routes::widget::privacy,
        routes::widget::texts,
        routes::widget::rate,
        routes::attachments::customer_upload,
        routes::attachments::customer_file,
        routes::attachments::customer_thumbnail,
        routes::attachments::staff_upload,
        routes::attachments::staff_file,
        routes::attachments::staff_thumbnail,
        routes::live::customer,
        routes::auth::login,
        routes::auth::logout,
        routes::auth::me,
        routes::auth::availability,
        routes::conversations::list,
        routes::conversations::show,
        routes::conversations::update,
        routes::conversations::post_message,
        routes::message_edits::edit,
        routes::message_edits::delete,
        routes::conversations::events,
        routes::conversations::decisions,
        routes::conversations::take_next,
        routes::conversations::revoke_customer_token,
        routes::conversations::suggestions,
        routes::conversations::snooze,
        routes::conversations::unsnooze,
        routes::conversations::bulk,
        routes::reads::mark_read,
        routes::reads::unread,
        routes::content::show,
        routes::content::add_example,
        routes::content::remove_example,
        routes::content::create_intent,
        routes::content::update_intent,
        routes::content::put_article,
        routes::content::delete_article,
        routes::content::put_template,
        routes::content::put_texts,
        routes::content::test_connector,
        routes::content::canned_replies,
        routes::content::put_canned_replies,
        routes::content_history::articles::list,
        routes::content_history::articles::one,
        routes::content_history::articles::diff,
        routes::content_history::articles::restore,
        routes::content_history::templates::list,
        routes::content_history::templates::one,
        routes::content_history::templates::diff,
        routes::content_history::templates::restore,
        routes::content_history::intents::list,
        routes::content_history::intents::one,
        routes::content_history::intents::diff,
        routes::content_history::intents::restore,
        routes::content_history::texts::list,
        routes::content_history::texts::one,
        routes::content_history::texts::diff,
        routes::content_history::texts::restore,
        routes::content_history::canned_replies::list,
        routes::content_history::canned_replies::one,
        routes::content_history::canned_replies::diff,
        routes::content_history::canned_replies::restore,
        routes::insights::summary,
        routes::insights::queues_svg,
        routes::insights::handoffs_svg,
        routes::insights::automation,
        routes::insights::automation_svg,
        routes::insights::root_causes,
        routes::insights::root_causes_svg,
        routes::insights::topics,
        routes::insights::confirm_root_cause,
        routes::users::list,
        routes::users::create,
        routes::users::update,
        routes::teams::list,
        routes::teams::create,
        routes::live::staff,
        routes::events::feed,
        routes::customers::find,
        routes::customers::export,
        routes::customers::erase,
        routes::customers::profile,
        routes::customers::at_risk,
        routes::audit::list,
        routes::models::list,
        routes::models::train,
        routes::models::promote,
        routes::models::rollback,
        routes::reviews::list,
        routes::reviews::resolve,
        routes::reviews::resolve_many,
        routes::reviews::flag,
        routes::reviews::feedback,
        routes::drafts::list,
        routes::drafts::show,
        routes::drafts::accept,
        routes::drafts::reject,
        routes::models::replay,
        routes::coaching::quality,
        routes::coaching::agent,
        routes::coaching::team,
        routes::practice::scenarios,
        routes::practice::start,
        routes::practice::reply,
        routes::practice::finish,
        routes::practice::list,
        routes::practice::show,
        routes::practice::share,
        routes::practice::paths,
        routes::certifications::list,
        routes::certifications::grant,
        routes::certifications::revoke,
    ),
    components(schemas(routes::live::LiveFrame, ErrorBody, ErrorDetail, tandem_core::ErrorCode)),
    modifiers(&BearerTokens, &CommonAnswers, &WireNames),
    tags(
        (name = "widget", description = "The customer side: start a conversation, write, read, listen"),
        (name = "auth", description = "Staff login"),
        (name = "conversations", description = "The agent side"),
        (name = "users", description = "Staff accounts"),
        (name = "teams", description = "Teams and skills"),
        (name = "live", description = "Live events over WebSocket"),
        (name = "events", description = "The feed of every committed event, in seq order, for integrations"),
        (name = "content", description = "The bot's content: intents, examples, articles, templates, texts, connectors, canned replies"),
        (name = "customers", description = "Customers: profile (health, value, offers); personal data: lookup, export, erasure"),
        (name = "audit", description = "The append-only log of administrative and automated actions"),
        (name = "models", description = "The model registry: candidates, the promotion gate, rollback, replay"),
        (name = "supervision", description = "The review queue: what the bot got wrong, relabelled by trainers; flags on bot messages"),
        (name = "drafts", description = "Article drafts from agents' answers to questions the bot could not answer: accept or reject"),
        (name = "coaching", description = "Soft-skill scores of agents' replies with evidence, coaching profiles, the team view, certifications"),
        (name = "practice", description = "Practice with simulated customers: scenarios, sessions, learning paths"),
        (name = "insights", description = "Automation, handoff reasons and queues, as numbers and SVG charts; customers at risk"),
    )
)]
pub struct ApiDoc;

/// The shape of every error response.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorDetail {
    /// Stable snake_case code, e.g. `empty_message`; every code Tandem answers with is listed.
    code: tandem_core::ErrorCode,
    /// A sentence for people.
    message: String,
    /// Only with `promotion_refused`: one sentence per regression, naming the intent.
    reasons: Option<Vec<String>>,
}

/// The answers every operation of a kind can give, declared once: 401 where a token is needed,
/// 400/415/422 where a JSON body is read, 404 where a path names a record, 413 for bodies, 429 and
/// 500 everywhere. A handler documents what is particular to it.
struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::ResponseBuilder;
        let answer = |text: &str| ResponseBuilder::new().description(text).build();
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ];
            for operation in operations.into_iter().flatten() {
                let responses = &mut operation.responses.responses;
                let mut add = |code: &str, text: &str| {
                    responses
                        .entry(code.to_owned())
                        .or_insert_with(|| answer(text).into());
                };
                if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    add("401", "no valid token");
                }
                if operation.request_body.is_some() {
                    add("400", "malformed JSON or a bad value");
                    add("413", "the body is too large");
                    add("415", "the body is not sent as application/json");
                    add("422", "the JSON body does not have the expected shape");
                }
                if path.contains('{') {
                    add("404", "no such record");
                }
                add("429", "too many requests; see Retry-After");
                add("500", "an internal error");
            }
        }
    }
}

/// Enums whose derived schema would list the Rust variant names instead of the names they are sent
/// as (the derive does not see serde's renames inside the macro that declares them, as with
/// [`tandem_core::ErrorCode`]): their schema is written from the enum's own list.
struct WireNames;

impl Modify for WireNames {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let actions = tandem_core::audit::AuditAction::ALL.iter().map(|a| a.as_str());
        let schema = ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("What was done: `object.verb`."))
            .enum_values(Some(actions));
        openapi
            .components
            .get_or_insert_with(Default::default)
            .schemas
            .insert("AuditAction".to_owned(), schema.into());
    }
}

struct BearerTokens;

impl Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for name in ["staff_token", "customer_token"] {
            components.add_security_scheme(
                name,
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// `/api/v1/openapi.json` and the explorer at `/api/v1/docs`, its assets embedded in the binary.
pub fn explorer() -> Router {
    SwaggerUi::new("/api/v1/docs")
        .url("/api/v1/openapi.json", ApiDoc::openapi())
        .into()
}
