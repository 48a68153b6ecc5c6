//! The routes, one module per resource.

pub mod attachments;
pub mod audit;
pub mod auth;
pub mod certifications;
pub mod coaching;
pub mod content;
pub mod content_history;
pub mod conversations;
pub mod customers;
pub mod drafts;
pub mod events;
pub mod health;
pub mod insights;
pub mod live;
mod live_input;
pub mod message_edits;
pub mod models;
pub mod practice;
pub mod reads;
pub mod reviews;
pub mod teams;
pub mod users;
pub mod widget;

use axum::routing::{delete, get, patch, post, put};
use axum::Router;
use tandem_core::ErrorCode;

use crate::{ApiError, AppState};

pub fn router(state: AppState) -> Router {
    // One flat router (no `nest`), so the JSON fallbacks below cover every route.
    Router::new()
        .route("/api/v1/widget/conversations", post(widget::start))
        .route("/api/v1/widget/privacy", get(widget::privacy))
        .route("/api/v1/widget/texts", get(widget::texts))
        .route("/api/v1/widget/conversations/{id}", get(widget::show))
        .route(
            "/api/v1/widget/conversations/{id}/messages",
            post(widget::post_message).get(widget::messages),
        )
        .route("/api/v1/widget/conversations/{id}/live", get(live::customer))
        .route("/api/v1/widget/conversations/{id}/rating", post(widget::rate))
        .route(
            "/api/v1/widget/conversations/{id}/attachments",
            post(attachments::customer_upload),
        )
        .route(
            "/api/v1/widget/conversations/{id}/attachments/{attachment_id}",
            get(attachments::customer_file),
        )
        .route(
            "/api/v1/widget/conversations/{id}/attachments/{attachment_id}/thumbnail",
            get(attachments::customer_thumbnail),
        )
        .route(
            "/api/v1/widget/conversations/{id}/token",
            delete(widget::end_session),
        )
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/auth/me", get(auth::me))
        .route("/api/v1/auth/me/availability", put(auth::availability))
        .route("/api/v1/conversations", get(conversations::list))
        .route("/api/v1/conversations/next", post(conversations::take_next))
        .route("/api/v1/conversations/bulk", post(conversations::bulk))
        .route("/api/v1/conversations/unread", get(reads::unread))
        .route("/api/v1/models", get(models::list).post(models::train))
        .route("/api/v1/models/rollback", post(models::rollback))
        .route("/api/v1/models/{id}/promote", post(models::promote))
        .route("/api/v1/reviews", get(reviews::list))
        .route("/api/v1/reviews/resolve", post(reviews::resolve_many))
        .route("/api/v1/reviews/{id}/resolve", post(reviews::resolve))
        .route("/api/v1/messages/{message_id}/flags", post(reviews::flag))
        .route(
            "/api/v1/widget/conversations/{id}/messages/{message_id}/feedback",
            post(reviews::feedback),
        )
        .route("/api/v1/conversations/{id}/quality", get(coaching::quality))
        .route("/api/v1/coaching/agents/{id}", get(coaching::agent))
        .route("/api/v1/coaching/team", get(coaching::team))
        .route("/api/v1/practice/scenarios", get(practice::scenarios))
        .route(
            "/api/v1/practice/sessions",
            post(practice::start).get(practice::list),
        )
        .route("/api/v1/practice/sessions/{id}", get(practice::show))
        .route("/api/v1/practice/sessions/{id}/replies", post(practice::reply))
        .route("/api/v1/practice/sessions/{id}/finish", post(practice::finish))
        .route("/api/v1/practice/sessions/{id}/share", post(practice::share))
        .route("/api/v1/practice/paths", get(practice::paths))
        .route(
            "/api/v1/certifications",
            get(certifications::list).post(certifications::grant),
        )
        .route("/api/v1/certifications/revoke", post(certifications::revoke))
        .route("/api/v1/drafts", get(drafts::list))
        .route("/api/v1/drafts/{id}", get(drafts::show))
        .route("/api/v1/drafts/{id}/accept", post(drafts::accept))
        .route("/api/v1/drafts/{id}/reject", post(drafts::reject))
        .route("/api/v1/models/{id}/replay", get(models::replay))
        .route("/api/v1/conversations/{id}/read", post(reads::mark_read))
        .route(
            "/api/v1/conversations/{id}/snooze",
            post(conversations::snooze).delete(conversations::unsnooze),
        )
        .route(
            "/api/v1/conversations/{id}",
            get(conversations::show).patch(conversations::update),
        )
        .route(
            "/api/v1/conversations/{id}/messages",
            post(conversations::post_message),
        )
        .route(
            "/api/v1/conversations/{id}/messages/{message_id}",
            patch(message_edits::edit).delete(message_edits::delete),
        )
        .route("/api/v1/conversations/{id}/events", get(conversations::events))
        .route(
            "/api/v1/conversations/{id}/attachments",
            post(attachments::staff_upload),
        )
        .route(
            "/api/v1/conversations/{id}/attachments/{attachment_id}",
            get(attachments::staff_file),
        )
        .route(
            "/api/v1/conversations/{id}/attachments/{attachment_id}/thumbnail",
            get(attachments::staff_thumbnail),
        )
        .route(
            "/api/v1/conversations/{id}/decisions",
            get(conversations::decisions),
        )
        .route(
            "/api/v1/conversations/{id}/customer-token",
            delete(conversations::revoke_customer_token),
        )
        .route(
            "/api/v1/conversations/{id}/suggestions",
            get(conversations::suggestions),
        )
        .route("/api/v1/content", get(content::show))
        .route("/api/v1/content/intents", post(content::create_intent))
        .route("/api/v1/content/intents/{name}", patch(content::update_intent))
        .route(
            "/api/v1/content/intents/{name}/examples",
            post(content::add_example).delete(content::remove_example),
        )
        .route(
            "/api/v1/content/articles/{slug}",
            put(content::put_article).delete(content::delete_article),
        )
        .route("/api/v1/content/templates/{name}", put(content::put_template))
        .route("/api/v1/content/texts", put(content::put_texts))
        .route(
            "/api/v1/content/connectors/{name}/test",
            post(content::test_connector),
        )
        .route("/api/v1/content/canned-replies", put(content::put_canned_replies))
        .route("/api/v1/canned-replies", get(content::canned_replies))
        .route(
            "/api/v1/content/articles/{key}/versions",
            get(content_history::articles::list),
        )
        .route(
            "/api/v1/content/articles/{key}/versions/{version}",
            get(content_history::articles::one),
        )
        .route(
            "/api/v1/content/articles/{key}/versions/{version}/diff",
            get(content_history::articles::diff),
        )
        .route(
            "/api/v1/content/articles/{key}/versions/{version}/restore",
            post(content_history::articles::restore),
        )
        .route(
            "/api/v1/content/templates/{key}/versions",
            get(content_history::templates::list),
        )
        .route(
            "/api/v1/content/templates/{key}/versions/{version}",
            get(content_history::templates::one),
        )
        .route(
            "/api/v1/content/templates/{key}/versions/{version}/diff",
            get(content_history::templates::diff),
        )
        .route(
            "/api/v1/content/templates/{key}/versions/{version}/restore",
            post(content_history::templates::restore),
        )
        .route(
            "/api/v1/content/intents/{key}/versions",
            get(content_history::intents::list),
        )
        .route(
            "/api/v1/content/intents/{key}/versions/{version}",
            get(content_history::intents::one),
        )
        .route(
            "/api/v1/content/intents/{key}/versions/{version}/diff",
            get(content_history::intents::diff),
        )
        .route(
            "/api/v1/content/intents/{key}/versions/{version}/restore",
            post(content_history::intents::restore),
        )
        .route(
            "/api/v1/content/texts/versions",
            get(content_history::texts::list),
        )
        .route(
            "/api/v1/content/texts/versions/{version}",
            get(content_history::texts::one),
        )
        .route(
            "/api/v1/content/texts/versions/{version}/diff",
            get(content_history::texts::diff),
        )
        .route(
            "/api/v1/content/texts/versions/{version}/restore",
            post(content_history::texts::restore),
        )
        .route(
            "/api/v1/content/canned-replies/versions",
            get(content_history::canned_replies::list),
        )
        .route(
            "/api/v1/content/canned-replies/versions/{version}",
            get(content_history::canned_replies::one),
        )
        .route(
            "/api/v1/content/canned-replies/versions/{version}/diff",
            get(content_history::canned_replies::diff),
        )
        .route(
            "/api/v1/content/canned-replies/versions/{version}/restore",
            post(content_history::canned_replies::restore),
        )
        .route("/api/v1/insights/summary", get(insights::summary))
        .route("/api/v1/insights/queues.svg", get(insights::queues_svg))
        .route("/api/v1/insights/handoffs.svg", get(insights::handoffs_svg))
        .route("/api/v1/insights/automation", get(insights::automation))
        .route("/api/v1/insights/automation.svg", get(insights::automation_svg))
        .route("/api/v1/insights/root-causes", get(insights::root_causes))
        .route("/api/v1/insights/root-causes.svg", get(insights::root_causes_svg))
        .route("/api/v1/insights/topics", get(insights::topics))
        .route(
            "/api/v1/conversations/{id}/root-cause",
            put(insights::confirm_root_cause),
        )
        .route("/api/v1/users", get(users::list).post(users::create))
        .route("/api/v1/users/{id}", patch(users::update))
        .route("/api/v1/teams", get(teams::list).post(teams::create))
        .route("/api/v1/customers", get(customers::find))
        .route("/api/v1/customers/{id}", delete(customers::erase))
        .route("/api/v1/customers/{id}/export", get(customers::export))
        .route("/api/v1/customers/{id}/profile", get(customers::profile))
        .route("/api/v1/insights/customers", get(customers::at_risk))
        .route("/api/v1/audit", get(audit::list))
        .route("/api/v1/events", get(events::feed))
        .route("/api/v1/live", get(live::staff))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "there is no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "this route does not take this method",
    )
}
