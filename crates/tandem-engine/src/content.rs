//! Editing the bot's content from the admin and trainer pages: intents and their examples,
//! articles, reply templates, bot texts and canned replies, and trying a connector against the
//! business's data.
//!
//! The active pack is the one source of truth. An edit takes the engine's content lock, reads the
//! active pack, applies one change, and installs the result through the same path as an import
//! (validation, training when the examples changed, storing, swapping the running bot). A change
//! the pack validation refuses is an error and leaves the stored pack as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use serde::{Deserialize, Deserializer, Serialize};
use tandem_core::ids::ConversationId;
use tandem_core::model::Author;
use tandem_core::permission::Permission;
use tandem_core::Error;
use utoipa::ToSchema;

use crate::auth::Staff;
use crate::connectors::{ConnectorInput, Connectors};
use crate::pack::model::{
    Article, BotTexts, CannedReply, ConnectorDef, ConnectorSpec, IntentDef, IntentKind, PolicySettings,
};
use crate::pack::Pack;
use crate::{Engine, Result};

/// The `what` of the not-found error when no pack is installed (handlers give it its own code).
pub const NO_ACTIVE_PACK: &str = "active content pack";

const MAX_EXAMPLE_CHARS: usize = 500;
const MAX_TEXT_CHARS: usize = 4000;
const MAX_TITLE_CHARS: usize = 200;
const MAX_ARTICLE_CHARS: usize = 100_000;
const MAX_TEMPLATE_CHARS: usize = 20_000;
const MAX_CANNED_REPLIES: usize = 200;
const MAX_NAME_CHARS: usize = 80;

/// The whole editable content of the active pack.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ContentView {
    pub name: String,
    pub version: String,
    pub texts: BotTexts,
    pub policy: PolicySettings,
    pub intents: Vec<IntentView>,
    pub articles: Vec<Article>,
    pub templates: Vec<TemplateView>,
    pub connectors: Vec<ConnectorView>,
    pub canned_replies: Vec<CannedReply>,
}

/// An intent as the trainer pages show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct IntentView {
    pub name: String,
    pub description: String,
    pub kind: IntentKind,
    /// Confidence needed to act; the policy's `min_confidence` when null.
    pub threshold: Option<f32>,
    pub examples: Vec<String>,
    pub connector: Option<String>,
    pub template: Option<String>,
    pub team: Option<String>,
    pub priority: Option<String>,
}

impl From<&IntentDef> for IntentView {
    fn from(i: &IntentDef) -> Self {
        Self {
            name: i.name.clone(),
            description: i.description.clone(),
            kind: i.kind,
            threshold: i.threshold,
            examples: i.examples.clone(),
            connector: i.connector.clone(),
            template: i.template.clone(),
            team: i.team.clone(),
            priority: i.priority.clone(),
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TemplateView {
    pub name: String,
    /// minijinja source.
    pub body: String,
}

/// A connector, without its query or request details.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConnectorView {
    pub name: String,
    /// `sql` or `http`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The database name (`sql`) or the URL without its query string (`http`).
    pub target: String,
    /// The values the connector needs: slot names, `customer.email`, `customer.name`.
    pub params: Vec<String>,
    /// The result field holding the owner's e-mail address.
    pub owner_field: Option<String>,
}

impl From<&ConnectorDef> for ConnectorView {
    fn from(c: &ConnectorDef) -> Self {
        let (kind, target, params) = match &c.spec {
            ConnectorSpec::Sql { database, params, .. } => ("sql", database.clone(), params.clone()),
            ConnectorSpec::Http {
                url, headers, body, ..
            } => {
                let target = url.split('?').next().unwrap_or_default().trim().to_owned();
                let mut sources: Vec<&str> = vec![url.as_str()];
                sources.extend(headers.values().map(String::as_str));
                sources.extend(body.as_deref());
                ("http", target, template_variables(&sources))
            }
        };
        Self {
            name: c.name.clone(),
            kind: kind.to_owned(),
            target,
            params,
            owner_field: c.owner_field.clone(),
        }
    }
}

/// The values HTTP connector templates use, as parameter names (`order_id`, `customer.email`).
fn template_variables(sources: &[&str]) -> Vec<String> {
    let mut env = minijinja::Environment::new();
    let mut names = BTreeSet::new();
    for (i, source) in sources.iter().enumerate() {
        let name = i.to_string();
        if env
            .add_template_owned(name.clone(), (*source).to_owned())
            .is_err()
        {
            continue;
        }
        if let Ok(t) = env.get_template(&name) {
            for var in t.undeclared_variables(true) {
                let name = match var.split_once('.') {
                    Some(("slots", slot)) => slot.to_owned(),
                    _ if var == "slots" || var == "customer" => continue,
                    _ => var,
                };
                names.insert(name);
            }
        }
    }
    names.into_iter().collect()
}

/// A new intent.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIntent {
    pub name: String,
    pub description: String,
    pub kind: IntentKind,
    pub examples: Vec<String>,
    #[serde(default)]
    pub threshold: Option<f32>,
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
    /// For `automated`: the connector to run.
    #[serde(default)]
    pub connector: Option<String>,
    /// For `automated` and `acknowledge`: the template to render.
    #[serde(default)]
    pub template: Option<String>,
}

/// A change to an intent; absent fields stay as they are, `null` clears an optional one.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntentChange {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub kind: Option<IntentKind>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<f32>)]
    pub threshold: Option<Option<f32>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub team: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub priority: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub connector: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub template: Option<Option<String>>,
}

/// A present field (even `null`) becomes `Some`, so `null` can mean "clear".
fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// An article to create or replace.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    pub title: String,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Where customers read it; when absent, the article keeps its address, or a new one gets the
    /// address of the other articles' help centre.
    #[serde(default)]
    pub url: Option<String>,
    /// Markdown.
    pub body: String,
}

/// Whether a PUT created something or replaced it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    Created,
    Replaced,
}

/// What a connector test found.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConnectorTest {
    pub ok: bool,
    /// The first record (or the extracted fields) when `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub fields: Option<serde_json::Map<String, serde_json::Value>>,
    /// How many records were found, when `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<usize>,
    /// Why it did not work, when not `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub elapsed_ms: u64,
}

/// Suggestions for an agent working a conversation.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Suggestions {
    pub articles: Vec<SuggestedArticle>,
    pub replies: Vec<CannedReply>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SuggestedArticle {
    pub slug: String,
    pub title: String,
    pub url: String,
    /// The most relevant passage, shortened.
    pub snippet: String,
    /// Relevance in [0, 1].
    pub score: f32,
}

fn no_pack() -> Error {
    Error::not_found(NO_ACTIVE_PACK)
}

fn unknown_intent(name: &str) -> Error {
    Error::not_found(format!("intent `{name}`"))
}

/// Lower-case letters, digits and the given separators; 1 to `MAX_NAME_CHARS` characters.
fn plain_name(name: &str, separators: &[char]) -> bool {
    !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || separators.contains(&c))
}

/// Trimmed, non-empty, at most `max` characters.
fn required_text(value: &str, max: usize, code: &'static str, what: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid(code, format!("{what} must not be empty")));
    }
    if value.chars().count() > max {
        return Err(Error::invalid(
            code,
            format!("{what} is longer than {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// A one-line text (titles, names): no line breaks or other control characters.
fn one_line(value: &str, max: usize, code: &'static str, what: &str) -> Result<String> {
    let value = required_text(value, max, code, what)?;
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(code, format!("{what} must be one line")));
    }
    Ok(value)
}

fn optional_name(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Whether the disclosure says that a bot is speaking.
pub fn discloses_bot(text: &str) -> bool {
    let lower = text.to_lowercase();
    if lower.contains("virtual assistant") || lower.contains("automated") {
        return true;
    }
    lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| matches!(w, "bot" | "bots" | "chatbot" | "ai"))
}

fn check_example(text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid("empty_example", "the example must not be empty"));
    }
    if text.chars().count() > MAX_EXAMPLE_CHARS {
        return Err(Error::invalid(
            "invalid_example",
            format!("an example is at most {MAX_EXAMPLE_CHARS} characters"),
        ));
    }
    Ok(text.to_owned())
}

fn check_threshold(threshold: Option<f32>) -> Result<()> {
    match threshold {
        Some(t) if !(0.0..=1.0).contains(&t) || !t.is_finite() => Err(Error::invalid(
            "invalid_threshold",
            "threshold must be between 0 and 1",
        )),
        _ => Ok(()),
    }
}

fn check_canned(replies: &[CannedReply]) -> Result<Vec<CannedReply>> {
    if replies.len() > MAX_CANNED_REPLIES {
        return Err(Error::invalid(
            "invalid_canned_reply",
            format!("at most {MAX_CANNED_REPLIES} canned replies"),
        ));
    }
    let mut titles = BTreeSet::new();
    let mut out = Vec::with_capacity(replies.len());
    for r in replies {
        let title = one_line(
            &r.title,
            MAX_TITLE_CHARS,
            "invalid_canned_reply",
            "a canned reply's title",
        )?;
        let text = required_text(
            &r.text,
            MAX_TEXT_CHARS,
            "invalid_canned_reply",
            "a canned reply's text",
        )?;
        if !titles.insert(title.to_lowercase()) {
            return Err(Error::conflict(
                "duplicate_canned_reply",
                format!("two canned replies have the title \"{title}\""),
            ));
        }
        out.push(CannedReply { title, text });
    }
    Ok(out)
}

/// The address a new article gets when none is given: the other articles' help centre.
fn default_article_url(pack: &Pack, slug: &str) -> Option<String> {
    pack.articles
        .iter()
        .filter_map(|a| a.url.rsplit_once('/').map(|(base, _)| base))
        .find(|base| base.starts_with("http://") || base.starts_with("https://"))
        .map(|base| format!("{base}/{slug}"))
}

/// The words of a text for comparing replies with a message: lower-case, without short words.
fn content_words(text: &str) -> BTreeSet<String> {
    const STOP: &[&str] = &[
        "the", "and", "for", "you", "your", "are", "was", "with", "this", "that", "have", "has", "not",
        "but", "can", "could", "would", "will", "what", "when", "where", "how", "why", "our", "any", "all",
        "from", "they", "them", "its", "it's", "i'm", "i've", "please", "thanks", "thank", "just", "about",
        "there", "here", "been", "did", "does", "yet", "get", "got",
    ];
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| w.chars().count() >= 3 && !STOP.contains(w))
        .map(|w| {
            w.strip_suffix('s')
                .filter(|s| s.len() >= 3)
                .unwrap_or(w)
                .to_owned()
        })
        .collect()
}

/// Up to `limit` canned replies, those sharing the most words with the message first (ties and
/// replies sharing none keep the pack's order).
pub fn rank_canned_replies(replies: &[CannedReply], message: &str, limit: usize) -> Vec<CannedReply> {
    let words = content_words(message);
    let mut scored: Vec<(usize, usize, &CannedReply)> = replies
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let overlap = content_words(&format!("{} {}", r.title, r.text))
                .intersection(&words)
                .count();
            (overlap, i, r)
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(limit)
        .map(|(_, _, r)| r.clone())
        .collect()
}

fn snippet(text: &str, max_chars: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max_chars {
        return text;
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = match cut.rfind(' ') {
        Some(at) if at > max_chars / 2 => cut[..at].to_owned(),
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

impl ContentView {
    pub fn of(pack: &Pack) -> Self {
        let m = &pack.manifest;
        Self {
            name: m.name.clone(),
            version: m.version.clone(),
            texts: m.texts.clone(),
            policy: m.policy.clone(),
            intents: pack.intents.iter().map(IntentView::from).collect(),
            articles: pack.articles.clone(),
            templates: pack
                .templates
                .iter()
                .map(|(name, body)| TemplateView {
                    name: name.clone(),
                    body: body.clone(),
                })
                .collect(),
            connectors: pack.connectors.iter().map(ConnectorView::from).collect(),
            canned_replies: m.canned_replies.clone(),
        }
    }
}

impl Engine {
    /// The active pack as stored (what another instance may have changed since this one loaded).
    async fn stored_pack(&self) -> Result<Pack> {
        let stored = self.store.active_pack().await?.ok_or_else(no_pack)?;
        serde_json::from_str(&stored.content)
            .map_err(|e| Error::internal(format!("the stored pack cannot be read: {e}")))
    }

    /// Takes the content lock and reads the active pack, for one change.
    async fn begin_edit(
        &self,
        staff: &Staff,
        permission: Permission,
    ) -> Result<(tokio::sync::MutexGuard<'_, ()>, Pack)> {
        staff.require(permission)?;
        let guard = self.content_lock.lock().await;
        let pack = self.stored_pack().await?;
        Ok((guard, pack))
    }

    /// Applies one change to the active pack under the content lock and installs the result.
    async fn edit_pack<T>(
        &self,
        staff: &Staff,
        permission: Permission,
        change: impl FnOnce(&mut Pack) -> Result<T>,
    ) -> Result<T> {
        let (_guard, mut pack) = self.begin_edit(staff, permission).await?;
        let out = change(&mut pack)?;
        self.commit_edit(staff, pack).await?;
        Ok(out)
    }

    /// Installs the changed pack (validation, training when the examples changed, storing); the
    /// stored pack stays as it was when this fails.
    async fn commit_edit(&self, staff: &Staff, pack: Pack) -> Result<()> {
        self.install_pack(pack, true).await?;
        tracing::info!(user = %staff.user.id, "content edited");
        Ok(())
    }

    /// Everything the admin and trainer pages edit.
    pub async fn content(&self, staff: &Staff) -> Result<ContentView> {
        staff.require(Permission::ViewContent)?;
        let bot = self.bot().ok_or_else(no_pack)?;
        Ok(ContentView::of(&bot.pack))
    }

    /// The canned replies agents can insert.
    pub async fn canned_replies(&self, staff: &Staff) -> Result<Vec<CannedReply>> {
        staff.require(Permission::ViewContent)?;
        Ok(self
            .bot()
            .map(|b| b.pack.manifest.canned_replies.clone())
            .unwrap_or_default())
    }

    /// Adds a training example to an intent and retrains.
    pub async fn add_example(&self, staff: &Staff, intent: &str, text: &str) -> Result<IntentView> {
        staff.require(Permission::ManageContent)?;
        let text = check_example(text)?;
        self.edit_pack(staff, Permission::ManageContent, |pack| {
            let def = pack
                .intents
                .iter_mut()
                .find(|i| i.name == intent)
                .ok_or_else(|| unknown_intent(intent))?;
            let normalized = tandem_nlu::text::normalize(&text);
            if def
                .examples
                .iter()
                .any(|e| tandem_nlu::text::normalize(e) == normalized)
            {
                return Err(Error::conflict(
                    "duplicate_example",
                    format!("the intent `{intent}` already has this example"),
                ));
            }
            def.examples.push(text);
            Ok(IntentView::from(&*def))
        })
        .await
    }

    /// Removes a training example from an intent and retrains.
    pub async fn remove_example(&self, staff: &Staff, intent: &str, text: &str) -> Result<IntentView> {
        staff.require(Permission::ManageContent)?;
        let text = text.trim().to_owned();
        self.edit_pack(staff, Permission::ManageContent, |pack| {
            let def = pack
                .intents
                .iter_mut()
                .find(|i| i.name == intent)
                .ok_or_else(|| unknown_intent(intent))?;
            let at = def
                .examples
                .iter()
                .position(|e| e.trim() == text)
                .ok_or_else(|| Error::not_found(format!("example \"{text}\" of the intent `{intent}`")))?;
            if def.examples.len() <= 1 {
                return Err(Error::conflict(
                    "last_example",
                    "an intent keeps at least one example",
                ));
            }
            def.examples.remove(at);
            let distinct: BTreeSet<String> = def
                .examples
                .iter()
                .map(|e| tandem_nlu::text::normalize(e))
                .collect();
            if distinct.len() < crate::pack::load::MIN_EXAMPLES {
                return Err(Error::conflict(
                    "too_few_examples",
                    format!(
                        "an intent needs at least {} distinct examples; add another before removing this one",
                        crate::pack::load::MIN_EXAMPLES
                    ),
                ));
            }
            Ok(IntentView::from(&*def))
        })
        .await
    }

    /// Adds an intent and retrains.
    pub async fn create_intent(&self, staff: &Staff, new: NewIntent) -> Result<IntentView> {
        staff.require(Permission::ManageContent)?;
        let name = new.name.trim().to_owned();
        if !plain_name(&name, &['_']) {
            return Err(Error::invalid(
                "invalid_intent_name",
                format!("an intent name is 1 to {MAX_NAME_CHARS} lower-case letters, digits and `_`"),
            ));
        }
        let description = one_line(
            &new.description,
            MAX_TEXT_CHARS,
            "invalid_description",
            "the description",
        )?;
        check_threshold(new.threshold)?;
        let mut examples = Vec::with_capacity(new.examples.len());
        for e in &new.examples {
            let e = check_example(e)?;
            if !examples.contains(&e) {
                examples.push(e);
            }
        }
        let def = IntentDef {
            name: name.clone(),
            description,
            kind: new.kind,
            examples,
            threshold: new.threshold,
            slots: Vec::new(),
            connector: optional_name(new.connector),
            template: optional_name(new.template),
            article_tags: Vec::new(),
            handoff_reason: None,
            team: optional_name(new.team),
            priority: optional_name(new.priority),
        };
        self.edit_pack(staff, Permission::ManageContent, |pack| {
            if pack.intents.iter().any(|i| i.name == name) {
                return Err(Error::conflict(
                    "intent_exists",
                    format!("there is already an intent `{name}`"),
                ));
            }
            let view = IntentView::from(&def);
            pack.intents.push(def);
            Ok(view)
        })
        .await
    }

    /// Changes an intent's description, kind, threshold, team, priority, connector or template.
    pub async fn update_intent(
        &self,
        staff: &Staff,
        intent: &str,
        change: IntentChange,
    ) -> Result<IntentView> {
        staff.require(Permission::ManageContent)?;
        if let Some(threshold) = change.threshold {
            check_threshold(threshold)?;
        }
        let description = change
            .description
            .as_deref()
            .map(|d| one_line(d, MAX_TEXT_CHARS, "invalid_description", "the description"))
            .transpose()?;
        self.edit_pack(staff, Permission::ManageContent, |pack| {
            let def = pack
                .intents
                .iter_mut()
                .find(|i| i.name == intent)
                .ok_or_else(|| unknown_intent(intent))?;
            if let Some(d) = description {
                def.description = d;
            }
            if let Some(kind) = change.kind {
                def.kind = kind;
            }
            if let Some(t) = change.threshold {
                def.threshold = t;
            }
            if let Some(team) = change.team {
                def.team = optional_name(team);
            }
            if let Some(priority) = change.priority {
                def.priority = optional_name(priority);
            }
            if let Some(connector) = change.connector {
                def.connector = optional_name(connector);
            }
            if let Some(template) = change.template {
                def.template = optional_name(template);
            }
            Ok(IntentView::from(&*def))
        })
        .await
    }

    /// Creates or replaces an article; the knowledge index is rebuilt.
    pub async fn put_article(
        &self,
        staff: &Staff,
        slug: &str,
        input: ArticleInput,
    ) -> Result<(Saved, Article)> {
        staff.require(Permission::ManageContent)?;
        if !plain_name(slug, &['-', '_']) {
            return Err(Error::invalid(
                "invalid_slug",
                format!("a slug is 1 to {MAX_NAME_CHARS} lower-case letters, digits, `-` and `_`"),
            ));
        }
        let title = one_line(&input.title, MAX_TITLE_CHARS, "invalid_title", "the title")?;
        let body = required_text(&input.body, MAX_ARTICLE_CHARS, "invalid_body", "the body")?;
        let tags = match input.tags {
            None => None,
            Some(tags) => {
                let mut out = Vec::new();
                for t in tags {
                    let t = t.trim().to_lowercase();
                    if t.is_empty() {
                        continue;
                    }
                    if !plain_name(&t, &['-', '_']) {
                        return Err(Error::invalid(
                            "invalid_tag",
                            format!("tag \"{t}\": a tag is lower-case letters, digits, `-` and `_`"),
                        ));
                    }
                    if !out.contains(&t) {
                        out.push(t);
                    }
                }
                Some(out)
            }
        };
        let url = match input.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => None,
            Some(u) => {
                let ok = (u.starts_with("https://") || u.starts_with("http://") || u.starts_with('/'))
                    && !u.chars().any(|c| c.is_whitespace() || c.is_control())
                    && u.chars().count() <= 2000;
                if !ok {
                    return Err(Error::invalid(
                        "invalid_url",
                        "the url is an http(s) address or a path starting with `/`, without spaces",
                    ));
                }
                Some(u.to_owned())
            }
        };
        self.edit_pack(staff, Permission::ManageContent, |pack| {
            let existing = pack.articles.iter().position(|a| a.slug == slug);
            let old = existing.and_then(|i| pack.articles.get(i));
            let url = url
                .or_else(|| old.map(|a| a.url.clone()))
                .or_else(|| default_article_url(pack, slug))
                .ok_or_else(|| Error::invalid("url_required", "a new article needs a `url`"))?;
            let tags = tags.or_else(|| old.map(|a| a.tags.clone())).unwrap_or_default();
            let article = Article {
                slug: slug.to_owned(),
                title,
                tags,
                url,
                body,
            };
            let saved = match existing.and_then(|i| pack.articles.get_mut(i)) {
                Some(slot) => {
                    *slot = article.clone();
                    Saved::Replaced
                }
                None => {
                    pack.articles.push(article.clone());
                    Saved::Created
                }
            };
            Ok((saved, article))
        })
        .await
    }

    /// Deletes an article; the knowledge index is rebuilt.
    pub async fn delete_article(&self, staff: &Staff, slug: &str) -> Result<()> {
        staff.require(Permission::ManageContent)?;
        self.edit_pack(staff, Permission::ManageContent, |pack| {
            let at = pack
                .articles
                .iter()
                .position(|a| a.slug == slug)
                .ok_or_else(|| Error::not_found(format!("article `{slug}`")))?;
            pack.articles.remove(at);
            Ok(())
        })
        .await
    }

    /// Creates or replaces a reply template; one that does not compile is refused.
    pub async fn put_template(&self, staff: &Staff, name: &str, body: &str) -> Result<(Saved, TemplateView)> {
        staff.require(Permission::ManageContent)?;
        if !plain_name(name, &['-', '_']) {
            return Err(Error::invalid(
                "invalid_template_name",
                format!("a template name is 1 to {MAX_NAME_CHARS} lower-case letters, digits, `-` and `_`"),
            ));
        }
        if body.trim().is_empty() {
            return Err(Error::invalid(
                "invalid_template",
                "the template must not be empty",
            ));
        }
        if body.chars().count() > MAX_TEMPLATE_CHARS {
            return Err(Error::invalid(
                "invalid_template",
                format!("a template is at most {MAX_TEMPLATE_CHARS} characters"),
            ));
        }
        let mut env = minijinja::Environment::new();
        if let Err(e) = env.add_template_owned(name.to_owned(), body.to_owned()) {
            let at = e.line().map(|l| format!(" at line {l}")).unwrap_or_default();
            let detail = e
                .detail()
                .map(ToOwned::to_owned)
                .unwrap_or_else(|| e.kind().to_string());
            return Err(Error::invalid(
                "invalid_template",
                format!("the template does not compile{at}: {detail}"),
            ));
        }
        let body = body.to_owned();
        self.edit_pack(staff, Permission::ManageContent, |pack| {
            let saved = match pack.templates.insert(name.to_owned(), body.clone()) {
                Some(_) => Saved::Replaced,
                None => Saved::Created,
            };
            Ok((
                saved,
                TemplateView {
                    name: name.to_owned(),
                    body,
                },
            ))
        })
        .await
    }

    /// Replaces the bot's texts; the disclosure must still say that a bot is speaking.
    pub async fn put_texts(&self, staff: &Staff, texts: BotTexts) -> Result<BotTexts> {
        staff.require(Permission::ManageBotTexts)?;
        let texts = BotTexts {
            disclosure: required_text(&texts.disclosure, MAX_TEXT_CHARS, "empty_text", "the disclosure")?,
            handoff: required_text(&texts.handoff, MAX_TEXT_CHARS, "empty_text", "the handoff text")?,
            rephrase: required_text(&texts.rephrase, MAX_TEXT_CHARS, "empty_text", "the rephrase text")?,
            not_found: required_text(
                &texts.not_found,
                MAX_TEXT_CHARS,
                "empty_text",
                "the not-found text",
            )?,
        };
        if !discloses_bot(&texts.disclosure) {
            return Err(Error::invalid(
                "disclosure_required",
                "the disclosure must tell customers they are talking to a bot (say \"bot\", \"virtual assistant\", \"automated\" or \"AI\")",
            ));
        }
        self.edit_pack(staff, Permission::ManageBotTexts, |pack| {
            pack.manifest.texts = texts.clone();
            Ok(texts)
        })
        .await
    }

    /// Replaces the canned replies.
    pub async fn put_canned_replies(
        &self,
        staff: &Staff,
        replies: &[CannedReply],
    ) -> Result<Vec<CannedReply>> {
        staff.require(Permission::ManageContent)?;
        let replies = check_canned(replies)?;
        self.edit_pack(staff, Permission::ManageContent, |pack| {
            pack.manifest.canned_replies = replies.clone();
            Ok(replies)
        })
        .await
    }

    /// Runs a connector of the active pack with the given values, as the bot would. With a
    /// customer e-mail address the owner check applies; without one it is left out.
    pub async fn test_connector(
        &self,
        staff: &Staff,
        name: &str,
        params: BTreeMap<String, String>,
        customer_email: Option<String>,
    ) -> Result<ConnectorTest> {
        staff.require(Permission::ManageContent)?;
        let bot = self.bot().ok_or_else(no_pack)?;
        let def = bot
            .pack
            .connectors
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| Error::not_found(format!("connector `{name}`")))?;
        if params.len() > 50 || params.iter().any(|(k, v)| k.len() > 200 || v.len() > 2000) {
            return Err(Error::invalid(
                "invalid_params",
                "too many or too long parameter values",
            ));
        }
        let email = customer_email
            .or_else(|| params.get("customer.email").cloned())
            .map(|e| e.trim().to_owned())
            .filter(|e| !e.is_empty());
        let input = ConnectorInput {
            customer_name: params.get("customer.name").cloned().unwrap_or_default(),
            customer_email: email.clone().unwrap_or_default(),
            slots: params,
        };
        let started = Instant::now();
        let result = if email.is_none() && def.owner_field.is_some() {
            // No customer to check against: the same connector without its owner check.
            let mut unchecked = def.clone();
            unchecked.owner_field = None;
            let databases = match &def.spec {
                ConnectorSpec::Sql { database, .. } => bot
                    .pack
                    .manifest
                    .databases
                    .iter()
                    .filter(|(n, _)| *n == database)
                    .map(|(n, d)| (n.clone(), d.clone()))
                    .collect(),
                ConnectorSpec::Http { .. } => BTreeMap::new(),
            };
            match Connectors::open(
                vec![unchecked],
                &databases,
                &bot.pack.seeds,
                &self.config.data_dir,
            )
            .await
            {
                Ok(connectors) => {
                    let result = connectors.run(name, &input).await;
                    connectors.close().await;
                    result
                }
                Err(e) => Err(e),
            }
        } else {
            bot.connectors.run(name, &input).await
        };
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let failed = |error: String| ConnectorTest {
            ok: false,
            fields: None,
            rows: None,
            error: Some(error),
            elapsed_ms,
        };
        Ok(match result {
            Err(e) => failed(e.to_string()),
            Ok(output) => match output.rows.first() {
                Some(first) => ConnectorTest {
                    ok: true,
                    fields: Some(first.clone()),
                    rows: Some(output.rows.len()),
                    error: None,
                    elapsed_ms,
                },
                None if output.withheld > 0 => failed(format!(
                    "{} record(s) found belong to another customer than {}; the bot treats them as not found",
                    output.withheld,
                    email.unwrap_or_default()
                )),
                None => failed("no record was found for these values".to_owned()),
            },
        })
    }

    /// Articles and canned replies that fit the customer's latest messages.
    pub async fn suggestions(&self, staff: &Staff, id: ConversationId) -> Result<Suggestions> {
        staff.require(Permission::ViewConversations)?;
        self.store
            .get_conversation(id)
            .await?
            .ok_or_else(|| Error::not_found("conversation"))?;
        let messages = self.store.list_messages(id, false).await?;
        let latest: Vec<&str> = messages
            .iter()
            .rev()
            .filter(|m| m.author == Author::Customer)
            .take(2)
            .map(|m| m.text.as_str())
            .collect();
        let Some(bot) = self.bot() else {
            return Ok(Suggestions {
                articles: Vec::new(),
                replies: Vec::new(),
            });
        };
        let last = latest.first().copied().unwrap_or_default();
        let question = latest.iter().rev().copied().collect::<Vec<_>>().join("\n");
        let threshold = bot.knowledge.threshold();
        let mut articles: Vec<SuggestedArticle> = Vec::new();
        for p in bot.knowledge.search(&question, &[], 10) {
            if p.score < threshold || articles.iter().any(|a| a.slug == p.slug) {
                continue;
            }
            articles.push(SuggestedArticle {
                slug: p.slug,
                title: p.title,
                url: p.url,
                snippet: snippet(&p.text, 240),
                score: p.score,
            });
            if articles.len() == 3 {
                break;
            }
        }
        let replies = rank_canned_replies(&bot.pack.manifest.canned_replies, last, 3);
        Ok(Suggestions { articles, replies })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_disclosure_check_wants_a_word_for_a_bot() {
        assert!(discloses_bot("You're chatting with our virtual assistant."));
        assert!(discloses_bot("I am a BOT."));
        assert!(discloses_bot("An AI answers first."));
        assert!(discloses_bot("This is an automated service."));
        assert!(!discloses_bot("Hello, both of us are here to help, said Aiden."));
        assert!(!discloses_bot(""));
    }

    #[test]
    fn canned_replies_rank_by_shared_words_then_pack_order() {
        let replies = vec![
            CannedReply {
                title: "Hello".into(),
                text: "Hi there".into(),
            },
            CannedReply {
                title: "Refund".into(),
                text: "Your refund has been issued".into(),
            },
            CannedReply {
                title: "Order number".into(),
                text: "Which order number?".into(),
            },
        ];
        let ranked = rank_canned_replies(&replies, "Where is my refund for the order?", 3);
        let titles: Vec<&str> = ranked.iter().map(|r| r.title.as_str()).collect();
        assert_eq!(titles, ["Refund", "Order number", "Hello"]);
        let none = rank_canned_replies(&replies, "zzz", 2);
        assert_eq!(none.len(), 2);
        assert_eq!(none[0].title, "Hello");
    }

    #[test]
    fn canned_replies_need_titles_and_texts_and_unique_titles() {
        let ok = check_canned(&[CannedReply {
            title: " A ".into(),
            text: " b ".into(),
        }])
        .unwrap();
        assert_eq!(ok[0].title, "A");
        assert!(check_canned(&[CannedReply {
            title: "".into(),
            text: "b".into()
        }])
        .is_err());
        assert!(check_canned(&[CannedReply {
            title: "a".into(),
            text: "  ".into()
        }])
        .is_err());
        let dup = check_canned(&[
            CannedReply {
                title: "A".into(),
                text: "b".into(),
            },
            CannedReply {
                title: "a".into(),
                text: "c".into(),
            },
        ]);
        assert_eq!(dup.unwrap_err().code(), "duplicate_canned_reply");
    }

    #[test]
    fn http_connectors_list_the_values_their_templates_use() {
        let vars = template_variables(&[
            "https://x.example/o/{{ order_id }}?k=1",
            "{{ customer.email }} {{ slots.sku }}",
        ]);
        assert_eq!(vars, ["customer.email", "order_id", "sku"]);
    }

    #[test]
    fn snippets_are_short_and_end_at_a_word() {
        let s = snippet("one two three four five six seven", 14);
        assert_eq!(s, "one two three…");
        assert_eq!(snippet("short", 10), "short");
    }

    /// Handlers run these futures on a multi-threaded runtime: they must be `Send`.
    #[allow(dead_code)]
    fn _futures_are_send(e: &Engine, s: &Staff, p: Pack) {
        fn send<T: Send>(_: T) {}
        send(e.begin_edit(s, Permission::ManageContent));
        send(e.commit_edit(s, p));
        send(e.stored_pack());
        send(e.add_example(s, "a", "b"));
    }
}
