//! Editing the bot's content from the admin and trainer pages: intents and their examples,
//! articles, reply templates, bot texts and canned replies, and trying a connector against the
//! business's data.
//!
//! The active pack is the one source of truth. An edit takes the engine's content lock, reads the
//! active pack, applies one change, and installs the result through the same path as an import
//! (validation, training when the examples changed, storing, swapping the running bot). A change
//! the pack validation refuses is an error and leaves the stored pack as it was.

mod connector_test;
mod diff;
pub mod history;
mod inputs;
mod relabel;
mod template_fields;
mod validate;
mod views;

use std::collections::BTreeSet;

use tandem_core::audit::AuditAction;
use tandem_core::permission::Permission;
use tandem_core::{Error, ErrorCode};

use crate::auth::Staff;
use crate::pack::model::{Article, BotTexts, CannedReply, IntentDef};
pub use crate::pack::rules::discloses_bot;
use crate::pack::rules::{check_label, MAX_CHOICE_LABEL_CHARS};
use crate::pack::Pack;
use crate::runtime::{ModelChange, ModelOutcome};
use crate::{Engine, Result};
pub use connector_test::ConnectorTest;
pub use inputs::{ArticleInput, IntentChange, NewIntent, Saved};
pub(crate) use template_fields::check_template_fields;
pub use template_fields::TEMPLATE_VARIABLES;
use validate::*;
pub use views::{ConnectorView, ContentView, IntentView, TemplateView};

/// Editing the bot's content.
#[derive(Clone)]
pub struct Content<'e> {
    pub(crate) engine: &'e Engine,
    /// The revision the caller last read (HTTP `If-Match`): an edit made on an older one is
    /// refused with `stale_content` instead of overwriting what it has not seen.
    pub(crate) expected: Option<String>,
}

/// What one content edit changed, for the audit log: `kind:name` and a verb.
pub(crate) struct Edit {
    target: String,
    change: &'static str,
}

impl Edit {
    fn new(target: String, change: &'static str) -> Self {
        Self { target, change }
    }
}

impl Content<'_> {
    /// Edits only when `revision` (when given) is still the active revision.
    pub fn expecting(self, revision: Option<String>) -> Self {
        Self {
            expected: revision,
            ..self
        }
    }

    /// The active pack as stored (what another instance may have changed since this one loaded),
    /// with its revision.
    async fn stored_pack(&self) -> Result<(String, Pack)> {
        let stored = self.engine.store.active_pack().await?.ok_or_else(no_pack)?;
        let pack = serde_json::from_str(&stored.content)
            .map_err(|e| Error::internal(format!("the stored pack cannot be read: {e}")))?;
        Ok((stored.id, pack))
    }

    /// Takes the content lock and reads the active pack, for one change.
    async fn begin_edit(
        &self,
        staff: &Staff,
        permission: Permission,
    ) -> Result<(tokio::sync::MutexGuard<'_, ()>, String, Pack)> {
        staff.require(permission)?;
        let guard = self.engine.content_lock.lock().await;
        let (revision, pack) = self.stored_pack().await?;
        if self
            .expected
            .as_deref()
            .is_some_and(|expected| expected != revision)
        {
            return Err(Error::conflict(
                ErrorCode::StaleContent,
                "the content changed since you loaded it; reload it and make the change again",
            ));
        }
        Ok((guard, revision, pack))
    }

    /// Applies one change to the active pack under the content lock and installs the result; a
    /// change to the training examples trains a candidate that the gate promotes or keeps out.
    async fn edit_pack<T>(
        &self,
        staff: &Staff,
        permission: Permission,
        edit: Edit,
        change: impl FnOnce(&mut Pack) -> Result<T>,
    ) -> Result<T> {
        Ok(self
            .edit_pack_with(staff, permission, edit, ModelChange::Gate, change)
            .await?
            .0)
    }

    /// [`Self::edit_pack`], saying what `model` the install does and what happened to it.
    pub(crate) async fn edit_pack_with<T>(
        &self,
        staff: &Staff,
        permission: Permission,
        edit: Edit,
        model: ModelChange,
        change: impl FnOnce(&mut Pack) -> Result<T>,
    ) -> Result<(T, ModelOutcome)> {
        let (_guard, revision, mut pack) = self.begin_edit(staff, permission).await?;
        let before = history::snapshot_of(&pack, &edit.target);
        let out = change(&mut pack)?;
        let outcome = self
            .commit_edit(staff, &revision, pack, edit, before, model)
            .await?;
        Ok((out, outcome))
    }

    /// Installs the changed pack (validation, a gated candidate when the examples changed,
    /// storing) and records the edit in the audit log and the content history (`before`: the item
    /// as it was); the stored pack stays as it was when this fails.
    async fn commit_edit(
        &self,
        staff: &Staff,
        revision: &str,
        pack: Pack,
        edit: Edit,
        before: Option<serde_json::Value>,
        model: ModelChange,
    ) -> Result<ModelOutcome> {
        let after = history::snapshot_of(&pack, &edit.target);
        let installed = self
            .engine
            .runtime()
            .install(pack, model, Some(revision), staff.actor())
            .await?;
        tracing::info!(user = %staff.user().id, target = %edit.target, "content edited");
        history::record_edit(self.engine, staff, &edit.target, before, after).await;
        self.engine
            .audit()
            .record(
                staff.actor(),
                AuditAction::ContentUpdated,
                edit.target,
                serde_json::json!({
                    "change": edit.change,
                    "from_revision": revision,
                    "revision": installed.pack_id,
                    "model": installed.model,
                }),
            )
            .await?;
        Ok(installed.model)
    }

    /// Everything the admin and trainer pages edit.
    pub async fn view(&self, staff: &Staff) -> Result<ContentView> {
        staff.require(Permission::ViewContent)?;
        let bot = self.engine.runtime().running()?;
        Ok(ContentView::of(&bot.pack_id, &bot.pack))
    }

    /// The canned replies agents can insert.
    pub async fn canned_replies(&self, staff: &Staff) -> Result<Vec<CannedReply>> {
        staff.require(Permission::ViewContent)?;
        Ok(self
            .engine
            .runtime()
            .bot()
            .map(|b| b.pack.manifest.canned_replies.clone())
            .unwrap_or_default())
    }

    /// Adds a training example to an intent and retrains.
    pub async fn add_example(&self, staff: &Staff, intent: &str, text: &str) -> Result<IntentView> {
        staff.require(Permission::ManageContent)?;
        let text = check_example(text)?;
        let (mut view, model) = self
            .edit_pack_with(
                staff,
                Permission::ManageContent,
                Edit::new(format!("intent:{intent}"), "example_added"),
                ModelChange::Gate,
                |pack| {
                    let def = intent_mut(pack, intent)?;
                    if has_example(def, &text) {
                        return Err(duplicate_example(intent));
                    }
                    def.examples.push(text);
                    Ok(IntentView::from(&*def))
                },
            )
            .await?;
        view.model = Some(model);
        Ok(view)
    }

    /// Removes a training example from an intent and retrains.
    pub async fn remove_example(&self, staff: &Staff, intent: &str, text: &str) -> Result<IntentView> {
        staff.require(Permission::ManageContent)?;
        let text = text.trim().to_owned();
        let (mut view, model) = self
            .edit_pack_with(
                staff,
                Permission::ManageContent,
                Edit::new(format!("intent:{intent}"), "example_removed"),
                ModelChange::Gate,
                |pack| {
                    let def = intent_mut(pack, intent)?;
                    let at = def
                        .examples
                        .iter()
                        .position(|e| e.trim() == text)
                        .ok_or_else(|| {
                            Error::not_found(format!("example \"{text}\" of the intent `{intent}`"))
                        })?;
                    if def.examples.len() <= 1 {
                        return Err(Error::conflict(
                            ErrorCode::LastExample,
                            "an intent keeps at least one example",
                        ));
                    }
                    def.examples.remove(at);
                    let distinct: BTreeSet<String> = def
                        .examples
                        .iter()
                        .map(|e| tandem_nlu::text::normalize(e))
                        .collect();
                    if distinct.len() < crate::pack::MIN_EXAMPLES {
                        return Err(Error::conflict(
                            ErrorCode::TooFewExamples,
                            format!(
                        "an intent needs at least {} distinct examples; add another before removing this one",
                        crate::pack::MIN_EXAMPLES
                    ),
                        ));
                    }
                    Ok(IntentView::from(&*def))
                },
            )
            .await?;
        view.model = Some(model);
        Ok(view)
    }

    /// Adds an intent and retrains.
    pub async fn create_intent(&self, staff: &Staff, new: NewIntent) -> Result<IntentView> {
        staff.require(Permission::ManageContent)?;
        let name = new.name.trim().to_owned();
        check_name(&name, Name::Intent)?;
        let description = one_line(
            &new.description,
            MAX_TEXT_CHARS,
            ErrorCode::InvalidDescription,
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
            label: new.label.as_deref().map(check_label).transpose()?,
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
        let (mut view, model) = self
            .edit_pack_with(
                staff,
                Permission::ManageContent,
                Edit::new(format!("intent:{name}"), "created"),
                ModelChange::Gate,
                |pack| {
                    if pack.intents.iter().any(|i| i.name == name) {
                        return Err(Error::conflict(
                            ErrorCode::IntentExists,
                            format!("there is already an intent `{name}`"),
                        ));
                    }
                    let view = IntentView::from(&def);
                    pack.intents.push(def);
                    Ok(view)
                },
            )
            .await?;
        view.model = Some(model);
        Ok(view)
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
            .map(|d| {
                one_line(
                    d,
                    MAX_TEXT_CHARS,
                    ErrorCode::InvalidDescription,
                    "the description",
                )
            })
            .transpose()?;
        let label = change
            .label
            .map(|l| l.as_deref().map(check_label).transpose())
            .transpose()?;
        let (mut view, model) = self
            .edit_pack_with(
                staff,
                Permission::ManageContent,
                Edit::new(format!("intent:{intent}"), "updated"),
                ModelChange::Gate,
                |pack| {
                    let def = intent_mut(pack, intent)?;
                    if let Some(d) = description {
                        def.description = d;
                    }
                    if let Some(l) = label {
                        def.label = l;
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
                },
            )
            .await?;
        view.model = Some(model);
        Ok(view)
    }

    /// Creates or replaces an article; the knowledge index is rebuilt.
    pub async fn put_article(
        &self,
        staff: &Staff,
        slug: &str,
        input: ArticleInput,
    ) -> Result<(Saved, Article)> {
        staff.require(Permission::ManageContent)?;
        check_name(slug, Name::Slug)?;
        let title = one_line(
            &input.title,
            MAX_TITLE_CHARS,
            ErrorCode::InvalidTitle,
            "the title",
        )?;
        let body = required_text(
            &input.body,
            MAX_ARTICLE_CHARS,
            ErrorCode::InvalidArticleBody,
            "the body",
        )?;
        let tags = match input.tags {
            None => None,
            Some(tags) => {
                let mut out = Vec::new();
                for t in tags {
                    let t = t.trim().to_lowercase();
                    if t.is_empty() {
                        continue;
                    }
                    check_name(&t, Name::Tag)?;
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
                        ErrorCode::InvalidUrl,
                        "the url is an http(s) address or a path starting with `/`, without spaces",
                    ));
                }
                Some(u.to_owned())
            }
        };
        self.edit_pack(
            staff,
            Permission::ManageContent,
            Edit::new(format!("article:{slug}"), "saved"),
            |pack| {
                let existing = pack.articles.iter().position(|a| a.slug == slug);
                let old = existing.and_then(|i| pack.articles.get(i));
                let url = url
                    .or_else(|| old.map(|a| a.url.clone()))
                    .or_else(|| default_article_url(pack, slug))
                    .ok_or_else(|| Error::invalid(ErrorCode::UrlRequired, "a new article needs a `url`"))?;
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
            },
        )
        .await
    }

    /// Deletes an article; the knowledge index is rebuilt.
    pub async fn delete_article(&self, staff: &Staff, slug: &str) -> Result<()> {
        staff.require(Permission::ManageContent)?;
        self.edit_pack(
            staff,
            Permission::ManageContent,
            Edit::new(format!("article:{slug}"), "deleted"),
            |pack| {
                let at = pack
                    .articles
                    .iter()
                    .position(|a| a.slug == slug)
                    .ok_or_else(|| Error::not_found(format!("article `{slug}`")))?;
                pack.articles.remove(at);
                Ok(())
            },
        )
        .await
    }

    /// Creates or replaces a reply template; one that does not compile, or uses a field no reply
    /// of its intents can fill, is refused.
    pub async fn put_template(&self, staff: &Staff, name: &str, body: &str) -> Result<(Saved, TemplateView)> {
        staff.require(Permission::ManageContent)?;
        check_name(name, Name::Template)?;
        if body.trim().is_empty() {
            return Err(Error::invalid(
                ErrorCode::InvalidTemplate,
                "the template must not be empty",
            ));
        }
        if body.chars().count() > MAX_TEMPLATE_CHARS {
            return Err(Error::invalid(
                ErrorCode::InvalidTemplate,
                format!("a template is at most {MAX_TEMPLATE_CHARS} characters"),
            ));
        }
        crate::pack::rules::check_template(name, body)?;
        let bot = self.engine.runtime().running()?;
        template_fields::check_template_fields(&bot, name, body).await?;
        let body = body.to_owned();
        self.edit_pack(
            staff,
            Permission::ManageContent,
            Edit::new(format!("template:{name}"), "saved"),
            |pack| {
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
            },
        )
        .await
    }

    /// Replaces the bot's texts; the disclosure must still say that a bot is speaking.
    pub async fn put_texts(&self, staff: &Staff, texts: BotTexts) -> Result<BotTexts> {
        staff.require(Permission::ManageBotTexts)?;
        let texts = BotTexts {
            disclosure: required_text(
                &texts.disclosure,
                MAX_TEXT_CHARS,
                ErrorCode::EmptyText,
                "the disclosure",
            )?,
            handoff: required_text(
                &texts.handoff,
                MAX_TEXT_CHARS,
                ErrorCode::EmptyText,
                "the handoff text",
            )?,
            rephrase: required_text(
                &texts.rephrase,
                MAX_TEXT_CHARS,
                ErrorCode::EmptyText,
                "the rephrase text",
            )?,
            not_found: required_text(
                &texts.not_found,
                MAX_TEXT_CHARS,
                ErrorCode::EmptyText,
                "the not-found text",
            )?,
            choose: required_text(
                &texts.choose,
                MAX_TEXT_CHARS,
                ErrorCode::EmptyText,
                "the text above choices",
            )?,
            dropped: required_text(
                &texts.dropped,
                MAX_TEXT_CHARS,
                ErrorCode::EmptyText,
                "the text said when a request is called off",
            )?,
            talk_to_person: required_text(
                &texts.talk_to_person,
                MAX_CHOICE_LABEL_CHARS,
                ErrorCode::EmptyText,
                "the label of the choice that asks for a person",
            )?,
            privacy: texts
                .privacy
                .as_deref()
                .map(|p| required_text(p, MAX_TEXT_CHARS, ErrorCode::EmptyText, "the privacy notice"))
                .transpose()?,
            agent_name: texts
                .agent_name
                .as_deref()
                .map(|n| {
                    required_text(
                        n,
                        MAX_CHOICE_LABEL_CHARS,
                        ErrorCode::EmptyText,
                        "the name agents' replies are signed with",
                    )
                })
                .transpose()?,
        };
        check_disclosure(&texts.disclosure)?;
        self.edit_pack(
            staff,
            Permission::ManageBotTexts,
            Edit::new("texts".to_owned(), "saved"),
            |pack| {
                pack.manifest.texts = texts.clone();
                Ok(texts)
            },
        )
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
        self.edit_pack(
            staff,
            Permission::ManageContent,
            Edit::new("canned_replies".to_owned(), "saved"),
            |pack| {
                pack.manifest.canned_replies = replies.clone();
                Ok(replies)
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Handlers run these futures on a multi-threaded runtime: they must be `Send`.
    #[allow(dead_code)]
    fn _futures_are_send(e: &Engine, s: &Staff, p: Pack) {
        fn send<T: Send>(_: T) {}
        send(e.content().begin_edit(s, Permission::ManageContent));
        send(e.content().commit_edit(
            s,
            "r",
            p,
            Edit::new("texts".to_owned(), "saved"),
            None,
            ModelChange::Gate,
        ));
        send(e.content().stored_pack());
        send(e.content().add_example(s, "a", "b"));
    }
}
