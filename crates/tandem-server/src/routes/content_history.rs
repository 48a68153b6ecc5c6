//! Content history: the versions of each article, template and intent, of the bot texts and of the
//! canned replies; one version, a line diff of two, and restoring one (which the bot uses at
//! once). Trainers, supervisors and admins restore (admins only the bot texts); every staff member
//! who sees the content may read the history.

use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use tandem_engine::content::history::{ContentKind, VersionDiff, VersionInfo, VersionView};
use tandem_engine::Error;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, StaffAuth};
use crate::AppState;

/// An item's versions, oldest (version 1) first.
#[derive(Serialize, ToSchema)]
pub struct VersionList {
    pub versions: Vec<VersionInfo>,
}

/// The body of a restore: nothing.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestoreRequest {}

/// Which version to compare with.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// The older side of the diff; the version before `version` when absent.
    pub against: Option<i64>,
}

/// A version number from the path; anything else names no version (404).
fn number(kind: ContentKind, version: &str) -> ApiResult<i64> {
    version
        .parse()
        .ok()
        .filter(|n: &i64| *n > 0)
        .ok_or_else(|| Error::not_found(format!("version `{version}` of this {}", kind.name())).into())
}

async fn list(
    state: AppState,
    auth: StaffAuth,
    kind: ContentKind,
    key: &str,
) -> ApiResult<Json<VersionList>> {
    let versions = state.engine.content().versions(&auth.staff, kind, key).await?;
    Ok(Json(VersionList { versions }))
}

async fn one(
    state: AppState,
    auth: StaffAuth,
    kind: ContentKind,
    key: &str,
    version: &str,
) -> ApiResult<Json<VersionView>> {
    let version = number(kind, version)?;
    Ok(Json(
        state
            .engine
            .content()
            .version(&auth.staff, kind, key, version)
            .await?,
    ))
}

async fn diff(
    state: AppState,
    auth: StaffAuth,
    kind: ContentKind,
    key: &str,
    version: &str,
    query: DiffQuery,
) -> ApiResult<Json<VersionDiff>> {
    let version = number(kind, version)?;
    let against = query.against.unwrap_or_else(|| version.saturating_sub(1));
    Ok(Json(
        state
            .engine
            .content()
            .diff(&auth.staff, kind, key, version, against)
            .await?,
    ))
}

async fn restore(
    state: AppState,
    auth: StaffAuth,
    kind: ContentKind,
    key: &str,
    version: &str,
) -> ApiResult<Json<VersionInfo>> {
    let version = number(kind, version)?;
    Ok(Json(
        state
            .engine
            .content()
            .restore(&auth.staff, kind, key, version)
            .await?,
    ))
}

/// The four routes of one kind keyed by a name (articles, templates, intents).
macro_rules! keyed {
    ($module:ident, $kind:expr, $what:tt, $list:tt, $one:tt, $diff:tt, $restore:tt) => {
        pub mod $module {
            use super::*;

            #[doc = concat!("The versions of ", $what, ", oldest (version 1) first.")]
            #[utoipa::path(get, path = $list, tag = "content", params(("key" = String, Path)),
                security(("staff_token" = [])),
                responses((status = 200, body = VersionList), (status = 401), (status = 403), (status = 404)))]
            pub async fn list(State(state): State<AppState>, auth: StaffAuth, Path(key): Path<String>) -> ApiResult<Json<VersionList>> {
                super::list(state, auth, $kind, &key).await
            }

            #[doc = concat!("One version of ", $what, " with its content.")]
            #[utoipa::path(get, path = $one, tag = "content",
                params(("key" = String, Path), ("version" = i64, Path)), security(("staff_token" = [])),
                responses((status = 200, body = VersionView), (status = 401), (status = 403), (status = 404)))]
            pub async fn one(
                State(state): State<AppState>,
                auth: StaffAuth,
                Path((key, version)): Path<(String, String)>,
            ) -> ApiResult<Json<VersionView>> {
                super::one(state, auth, $kind, &key, &version).await
            }

            #[doc = concat!("A line diff of two versions of ", $what, ".")]
            #[utoipa::path(get, path = $diff, tag = "content",
                params(("key" = String, Path), ("version" = i64, Path), DiffQuery), security(("staff_token" = [])),
                responses((status = 200, body = VersionDiff), (status = 400), (status = 401), (status = 403), (status = 404)))]
            pub async fn diff(
                State(state): State<AppState>,
                auth: StaffAuth,
                Path((key, version)): Path<(String, String)>,
                ApiQuery(query): ApiQuery<DiffQuery>,
            ) -> ApiResult<Json<VersionDiff>> {
                super::diff(state, auth, $kind, &key, &version, query).await
            }

            #[doc = concat!("Restores a version of ", $what, ": it is saved again as the newest version, and the bot uses it at once.")]
            #[utoipa::path(post, path = $restore, tag = "content",
                params(("key" = String, Path), ("version" = i64, Path)), request_body = RestoreRequest,
                security(("staff_token" = [])),
                responses((status = 200, body = VersionInfo), (status = 400), (status = 401), (status = 403), (status = 404),
                    (status = 409), (status = 422)))]
            pub async fn restore(
                State(state): State<AppState>,
                auth: StaffAuth,
                Path((key, version)): Path<(String, String)>,
                ApiJson(_restore): ApiJson<RestoreRequest>,
            ) -> ApiResult<Json<VersionInfo>> {
                super::restore(state, auth, $kind, &key, &version).await
            }
        }
    };
}

/// The four routes of a single document (the bot texts, the canned replies).
macro_rules! single {
    ($module:ident, $kind:expr, $what:tt, $list:tt, $one:tt, $diff:tt, $restore:tt) => {
        pub mod $module {
            use super::*;

            #[doc = concat!("The versions of ", $what, ", oldest (version 1) first.")]
            #[utoipa::path(get, path = $list, tag = "content", security(("staff_token" = [])),
                responses((status = 200, body = VersionList), (status = 401), (status = 403), (status = 404)))]
            pub async fn list(State(state): State<AppState>, auth: StaffAuth) -> ApiResult<Json<VersionList>> {
                super::list(state, auth, $kind, "").await
            }

            #[doc = concat!("One version of ", $what, " with its content.")]
            #[utoipa::path(get, path = $one, tag = "content", params(("version" = i64, Path)),
                security(("staff_token" = [])),
                responses((status = 200, body = VersionView), (status = 401), (status = 403), (status = 404)))]
            pub async fn one(State(state): State<AppState>, auth: StaffAuth, Path(version): Path<String>) -> ApiResult<Json<VersionView>> {
                super::one(state, auth, $kind, "", &version).await
            }

            #[doc = concat!("A line diff of two versions of ", $what, ".")]
            #[utoipa::path(get, path = $diff, tag = "content", params(("version" = i64, Path), DiffQuery),
                security(("staff_token" = [])),
                responses((status = 200, body = VersionDiff), (status = 400), (status = 401), (status = 403), (status = 404)))]
            pub async fn diff(
                State(state): State<AppState>,
                auth: StaffAuth,
                Path(version): Path<String>,
                ApiQuery(query): ApiQuery<DiffQuery>,
            ) -> ApiResult<Json<VersionDiff>> {
                super::diff(state, auth, $kind, "", &version, query).await
            }

            #[doc = concat!("Restores a version of ", $what, ": it is saved again as the newest version, and the bot uses it at once.")]
            #[utoipa::path(post, path = $restore, tag = "content", params(("version" = i64, Path)),
                request_body = RestoreRequest, security(("staff_token" = [])),
                responses((status = 200, body = VersionInfo), (status = 400), (status = 401), (status = 403), (status = 404),
                    (status = 409), (status = 422)))]
            pub async fn restore(
                State(state): State<AppState>,
                auth: StaffAuth,
                Path(version): Path<String>,
                ApiJson(_restore): ApiJson<RestoreRequest>,
            ) -> ApiResult<Json<VersionInfo>> {
                super::restore(state, auth, $kind, "", &version).await
            }
        }
    };
}

keyed!(
    articles,
    ContentKind::Article,
    "an article",
    "/api/v1/content/articles/{key}/versions",
    "/api/v1/content/articles/{key}/versions/{version}",
    "/api/v1/content/articles/{key}/versions/{version}/diff",
    "/api/v1/content/articles/{key}/versions/{version}/restore"
);
keyed!(
    templates,
    ContentKind::Template,
    "a reply template",
    "/api/v1/content/templates/{key}/versions",
    "/api/v1/content/templates/{key}/versions/{version}",
    "/api/v1/content/templates/{key}/versions/{version}/diff",
    "/api/v1/content/templates/{key}/versions/{version}/restore"
);
keyed!(
    intents,
    ContentKind::Intent,
    "an intent",
    "/api/v1/content/intents/{key}/versions",
    "/api/v1/content/intents/{key}/versions/{version}",
    "/api/v1/content/intents/{key}/versions/{version}/diff",
    "/api/v1/content/intents/{key}/versions/{version}/restore"
);
single!(
    texts,
    ContentKind::Texts,
    "the bot texts",
    "/api/v1/content/texts/versions",
    "/api/v1/content/texts/versions/{version}",
    "/api/v1/content/texts/versions/{version}/diff",
    "/api/v1/content/texts/versions/{version}/restore"
);
single!(
    canned_replies,
    ContentKind::CannedReplies,
    "the canned replies",
    "/api/v1/content/canned-replies/versions",
    "/api/v1/content/canned-replies/versions/{version}",
    "/api/v1/content/canned-replies/versions/{version}/diff",
    "/api/v1/content/canned-replies/versions/{version}/restore"
);
