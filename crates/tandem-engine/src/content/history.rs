//! Content history: every saved version of an article, template, intent, the bot texts and the
//! canned replies, with who saved it; listing, one version, a line diff of two, and restoring one.
//!
//! Importing a pack records version 1 of every item that has none yet (no author). Every edit
//! through [`Content`] records the item as it was saved, by its editor, after the edit is installed;
//! an item edited for the first time in a database made before versions existed first gets the
//! pack's text (as it was before the edit) as version 1. A deleted article records nothing: its last
//! version stays listed and restoring it re-creates the article. Restoring installs the version's
//! content as a new edit (so it becomes the newest version, by the restorer) and the bot uses it at
//! once, as after any edit.

use serde::Serialize;
use serde_json::Value;
use tandem_core::audit::AuditAction;
use tandem_core::permission::Permission;
use tandem_core::Error;
use tandem_store::{ContentVersion, NewContentVersion};
use utoipa::ToSchema;

use super::{ArticleInput, Content, Edit, IntentView};
use crate::auth::Staff;
use crate::pack::model::{Article, BotTexts, CannedReply, IntentDef};
use crate::pack::Pack;
use crate::{Engine, Result};

pub use super::diff::{line_diff, DiffLine};

/// What kind of content an item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentKind {
    Article,
    Template,
    Intent,
    /// The bot texts: one document.
    Texts,
    /// The canned replies: one list.
    CannedReplies,
}

impl ContentKind {
    /// The stored name of the kind.
    pub fn name(self) -> &'static str {
        match self {
            Self::Article => "article",
            Self::Template => "template",
            Self::Intent => "intent",
            Self::Texts => "texts",
            Self::CannedReplies => "canned_replies",
        }
    }

    /// The fixed key of a single document.
    fn single_key(self) -> Option<&'static str> {
        match self {
            Self::Texts => Some("texts"),
            Self::CannedReplies => Some("canned_replies"),
            _ => None,
        }
    }

    /// The permission that changes this kind.
    fn manage(self) -> Permission {
        match self {
            Self::Texts => Permission::ManageBotTexts,
            _ => Permission::ManageContent,
        }
    }

    fn what(self, key: &str) -> String {
        match self.single_key() {
            Some(_) => self.name().replace('_', " "),
            None => format!("{} `{key}`", self.name()),
        }
    }
}

/// One version in a list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VersionInfo {
    /// 1, 2, ... per item; 1 is the pack's text when the item came with the pack.
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The e-mail address of who saved it; null for the pack's text (or a deleted user).
    pub author: Option<String>,
}

/// One version with its content.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VersionView {
    #[serde(flatten)]
    pub info: VersionInfo,
    /// The item as saved: an article's slug, title, tags, url and body; a template's `{body}`; an
    /// intent's definition; the bot texts; the canned replies list (an array: any JSON value).
    pub content: Value,
}

/// A line diff from version `against` to version `version`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct VersionDiff {
    pub version: i64,
    pub against: i64,
    pub lines: Vec<DiffLine>,
}

fn info(v: &ContentVersion) -> VersionInfo {
    VersionInfo {
        version: v.version,
        created_at: v.created_at,
        author: v.author_email.clone(),
    }
}

/// The item an edit target (`article:SLUG`, `intent:NAME`, `template:NAME`, `texts`,
/// `canned_replies`) names.
fn item_of(target: &str) -> Option<(ContentKind, &str)> {
    match target.split_once(':') {
        Some(("article", key)) => Some((ContentKind::Article, key)),
        Some(("template", key)) => Some((ContentKind::Template, key)),
        Some(("intent", key)) => Some((ContentKind::Intent, key)),
        None if target == "texts" => Some((ContentKind::Texts, "texts")),
        None if target == "canned_replies" => Some((ContentKind::CannedReplies, "canned_replies")),
        _ => None,
    }
}

/// The item's content in a pack, as JSON; `None` when the pack does not have it.
fn snapshot(pack: &Pack, kind: ContentKind, key: &str) -> Option<Value> {
    let value = match kind {
        ContentKind::Article => serde_json::to_value(pack.articles.iter().find(|a| a.slug == key)?),
        ContentKind::Template => Ok(serde_json::json!({ "body": pack.templates.get(key)? })),
        ContentKind::Intent => serde_json::to_value(pack.intents.iter().find(|i| i.name == key)?),
        ContentKind::Texts => serde_json::to_value(&pack.manifest.texts),
        ContentKind::CannedReplies => serde_json::to_value(&pack.manifest.canned_replies),
    };
    value.ok()
}

/// The content an edit of `target` touches, as it is in `pack` (before or after the change).
pub(crate) fn snapshot_of(pack: &Pack, target: &str) -> Option<Value> {
    let (kind, key) = item_of(target)?;
    snapshot(pack, kind, key)
}

fn new_version(kind: ContentKind, key: &str, content: &Value, author: Option<&Staff>) -> NewContentVersion {
    NewContentVersion {
        kind: kind.name().to_owned(),
        key: key.to_owned(),
        content: content.to_string(),
        author: author.map(|s| s.user().id),
        only_if_first: author.is_none(),
    }
}

/// Version 1 (no author) of every item of a pack that has no version yet.
pub(crate) fn pack_versions(pack: &Pack) -> Vec<NewContentVersion> {
    let mut items: Vec<(ContentKind, String)> = Vec::new();
    items.extend(
        pack.articles
            .iter()
            .map(|a| (ContentKind::Article, a.slug.clone())),
    );
    items.extend(pack.templates.keys().map(|k| (ContentKind::Template, k.clone())));
    items.extend(pack.intents.iter().map(|i| (ContentKind::Intent, i.name.clone())));
    items.push((ContentKind::Texts, "texts".to_owned()));
    items.push((ContentKind::CannedReplies, "canned_replies".to_owned()));
    items
        .into_iter()
        .filter_map(|(kind, key)| snapshot(pack, kind, &key).map(|c| new_version(kind, &key, &c, None)))
        .collect()
}

/// Stores a pack's first versions (see [`pack_versions`]).
pub(crate) async fn record_pack(engine: &Engine, versions: Vec<NewContentVersion>) -> Result<()> {
    engine.store.add_content_versions(&versions).await?;
    Ok(())
}

/// Records an installed edit of `target`: the content before it as version 1 when the item has no
/// version yet (a database from before content history), then the content saved, by `staff`. A
/// failure is logged, not returned: the edit itself is installed.
pub(crate) async fn record_edit(
    engine: &Engine,
    staff: &Staff,
    target: &str,
    before: Option<Value>,
    after: Option<Value>,
) {
    let Some((kind, key)) = item_of(target) else {
        return;
    };
    let mut versions = Vec::new();
    if let Some(before) = &before {
        versions.push(new_version(kind, key, before, None));
    }
    if let Some(after) = &after {
        versions.push(new_version(kind, key, after, Some(staff)));
    }
    if versions.is_empty() {
        return;
    }
    if let Err(e) = engine.store.add_content_versions(&versions).await {
        tracing::error!(error = %e, target, "the content version could not be recorded");
    }
}

/// The text a diff compares: an article as its fields and body, a template as its source, the rest
/// as indented JSON.
fn text_of(kind: ContentKind, content: &Value) -> String {
    let field = |name: &str| {
        content
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    match kind {
        ContentKind::Article => {
            let tags: Vec<&str> = content
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| t.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            format!(
                "title: {}\ntags: {}\nurl: {}\n\n{}",
                field("title"),
                tags.join(", "),
                field("url"),
                field("body")
            )
        }
        ContentKind::Template => field("body"),
        _ => serde_json::to_string_pretty(content).unwrap_or_default(),
    }
}

fn decode<T: serde::de::DeserializeOwned>(v: &ContentVersion) -> Result<T> {
    serde_json::from_str(&v.content)
        .map_err(|e| Error::internal(format!("a stored content version cannot be read: {e}")))
}

impl Content<'_> {
    fn key_of(kind: ContentKind, key: &str) -> &str {
        kind.single_key().unwrap_or(key)
    }

    /// Records version 1 (no author) of every item of the active pack that has no version yet: for
    /// a database made before content history, when a server starts on it.
    pub async fn record_pack_history(&self) -> Result<()> {
        match self.engine.runtime().bot() {
            Some(bot) => record_pack(self.engine, pack_versions(&bot.pack)).await,
            None => Ok(()),
        }
    }

    /// An item's versions, oldest (version 1) first.
    pub async fn versions(&self, staff: &Staff, kind: ContentKind, key: &str) -> Result<Vec<VersionInfo>> {
        staff.require(Permission::ViewContent)?;
        let key = Self::key_of(kind, key);
        let versions = self.engine.store.content_versions(kind.name(), key).await?;
        if versions.is_empty() {
            return Err(Error::not_found(format!("the history of the {}", kind.what(key))));
        }
        Ok(versions.iter().map(info).collect())
    }

    async fn stored_version(&self, kind: ContentKind, key: &str, version: i64) -> Result<ContentVersion> {
        self.engine
            .store
            .content_version(kind.name(), key, version)
            .await?
            .ok_or_else(|| Error::not_found(format!("version {version} of the {}", kind.what(key))))
    }

    /// One version of an item with its content.
    pub async fn version(
        &self,
        staff: &Staff,
        kind: ContentKind,
        key: &str,
        version: i64,
    ) -> Result<VersionView> {
        staff.require(Permission::ViewContent)?;
        let key = Self::key_of(kind, key);
        let v = self.stored_version(kind, key, version).await?;
        let content = decode(&v)?;
        Ok(VersionView {
            info: info(&v),
            content,
        })
    }

    /// What changed from version `against` to version `version`, line by line.
    pub async fn diff(
        &self,
        staff: &Staff,
        kind: ContentKind,
        key: &str,
        version: i64,
        against: i64,
    ) -> Result<VersionDiff> {
        staff.require(Permission::ViewContent)?;
        let key = Self::key_of(kind, key);
        let new: Value = decode(&self.stored_version(kind, key, version).await?)?;
        let old: Value = decode(&self.stored_version(kind, key, against).await?)?;
        Ok(VersionDiff {
            version,
            against,
            lines: line_diff(&text_of(kind, &old), &text_of(kind, &new)),
        })
    }

    /// Installs a version's content as a new edit by `staff` (which becomes the newest version);
    /// the bot uses it at once. A deleted article is created again.
    pub async fn restore(
        &self,
        staff: &Staff,
        kind: ContentKind,
        key: &str,
        version: i64,
    ) -> Result<VersionInfo> {
        staff.require(kind.manage())?;
        let key = Self::key_of(kind, key);
        let v = self.stored_version(kind, key, version).await?;
        match kind {
            ContentKind::Article => {
                let a: Article = decode(&v)?;
                let input = ArticleInput {
                    title: a.title,
                    body: a.body,
                    tags: Some(a.tags),
                    url: Some(a.url),
                };
                self.put_article(staff, key, input).await?;
            }
            ContentKind::Template => {
                let body: Value = decode(&v)?;
                let body = body.get("body").and_then(Value::as_str).unwrap_or_default();
                self.put_template(staff, key, body).await?;
            }
            ContentKind::Intent => {
                let def: IntentDef = decode(&v)?;
                self.put_intent(staff, key, def).await?;
            }
            ContentKind::Texts => {
                let texts: BotTexts = decode(&v)?;
                self.put_texts(staff, texts).await?;
            }
            ContentKind::CannedReplies => {
                let replies: Vec<CannedReply> = decode(&v)?;
                self.put_canned_replies(staff, &replies).await?;
            }
        }
        self.engine
            .audit()
            .record(
                staff.actor(),
                AuditAction::ContentRestored,
                match kind.single_key() {
                    Some(k) => k.to_owned(),
                    None => format!("{}:{key}", kind.name()),
                },
                serde_json::json!({ "version": version }),
            )
            .await?;
        let newest = self.engine.store.content_versions(kind.name(), key).await?;
        newest
            .last()
            .map(info)
            .ok_or_else(|| Error::internal("the restored version was not recorded"))
    }

    /// Replaces (or re-creates) an intent with a whole definition, and retrains.
    async fn put_intent(&self, staff: &Staff, name: &str, mut def: IntentDef) -> Result<IntentView> {
        def.name = name.to_owned();
        self.edit_pack(
            staff,
            Permission::ManageContent,
            Edit::new(format!("intent:{name}"), "restored"),
            |pack| {
                let view = IntentView::from(&def);
                match pack.intents.iter_mut().find(|i| i.name == name) {
                    Some(slot) => *slot = def,
                    None => pack.intents.push(def),
                }
                Ok(view)
            },
        )
        .await
    }
}
