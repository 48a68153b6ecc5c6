//! Article drafts from people's answers (DESIGN §6): when an agent resolves a case the bot could
//! not answer and the agent's reply answered it, the customer's question and the reply, both
//! redacted, become a case of a draft for trainers. Similar questions join one draft ([`similar`]),
//! and drafts are listed by how many conversations they would have covered. A trainer accepts a
//! draft (it becomes an article, through the content editor, so it is versioned and audited like
//! any edit, and the bot learns to answer such questions from it) or rejects it.
//!
//! Drafts are made in the background ([`Drafts::catch_up`], run by [`crate::jobs`]): the worker
//! follows the event log from a stored cursor, so a status change never waits for it or fails
//! because of it, and a restart goes on where it stopped. A conversation becomes a case once:
//! resolving it again, or reopening and resolving it, adds nothing.

pub mod case;
pub mod similar;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tandem_core::audit::AuditAction;
use tandem_core::event::{Change, Event, EventKind};
use tandem_core::ids::{ConversationId, UserId};
use tandem_core::model::ConversationStatus;
use tandem_core::permission::Permission;
use tandem_core::{Error, ErrorCode};
use tandem_store::{Draft, DraftDecision, DraftStatus, DraftTarget, NewDraftCase};
use utoipa::ToSchema;

use crate::auth::Staff;
use crate::content::{ArticleInput, Saved};
use crate::events::LogWorker;
use crate::pack::model::{Article, IntentKind};
use crate::privacy::redact;
use crate::{Engine, Result};
use similar::{similarity, Features, SAME_QUESTION};

/// How many drafts a list returns at most.
pub const LISTED_DRAFTS: i64 = 200;
/// How many pending drafts a new case is compared with (those with most cases first).
pub const COMPARED_DRAFTS: i64 = 500;
/// How many questions of a draft a new case is compared with (its oldest).
pub const COMPARED_QUESTIONS: usize = 10;
/// How many of a draft's questions a view lists, and an acceptance teaches the intent.
pub const MAX_QUESTIONS: usize = 10;

/// Article drafts.
#[derive(Clone, Copy)]
pub struct Drafts<'e> {
    pub(crate) engine: &'e Engine,
}

/// A draft as trainers see it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DraftView {
    pub id: String,
    /// `pending`, `accepted` or `rejected`.
    pub status: &'static str,
    /// The question the bot could not answer (its first conversation's), personal data redacted.
    pub question: String,
    /// The reply a person answered it with, personal data redacted.
    pub answer: String,
    /// The conversations whose question it answers, oldest first.
    #[schema(value_type = Vec<String>)]
    pub conversation_ids: Vec<ConversationId>,
    /// How many conversations it would have covered (the length of `conversation_ids`).
    pub count: usize,
    /// The distinct questions of its conversations (at most 10), the first one first.
    pub questions: Vec<String>,
    /// The bot's most frequent guess of the questions' intent, when it had one.
    pub intent: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When a conversation last joined it.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    #[schema(value_type = Option<String>)]
    pub decided_by: Option<UserId>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The slug of the article it became (accepted drafts).
    pub article: Option<String>,
}

/// The distinct questions of a draft's cases, oldest first.
fn questions(draft: &Draft) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for case in &draft.cases {
        let normalized = tandem_nlu::text::normalize(&case.question);
        if !out.iter().any(|q| tandem_nlu::text::normalize(q) == normalized) {
            out.push(case.question.clone());
        }
    }
    out
}

/// The most frequent intent guess of a draft's cases (the earliest among equals).
fn guess(draft: &Draft) -> Option<String> {
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (at, intent) in draft
        .cases
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i, c.intent.as_deref()?)))
    {
        counts.entry(intent).or_insert((0, at)).0 += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
        .map(|(intent, _)| intent.to_owned())
}

impl From<&Draft> for DraftView {
    fn from(d: &Draft) -> Self {
        let first = d.cases.first();
        let mut listed = questions(d);
        listed.truncate(MAX_QUESTIONS);
        Self {
            id: d.id.clone(),
            status: d.status.as_str(),
            question: first.map(|c| c.question.clone()).unwrap_or_default(),
            answer: first.map(|c| c.answer.clone()).unwrap_or_default(),
            conversation_ids: d.cases.iter().map(|c| c.conversation_id).collect(),
            count: d.cases.len(),
            questions: listed,
            intent: d.intent.clone().or_else(|| guess(d)),
            created_at: d.created_at,
            updated_at: d.updated_at,
            decided_by: d.decided_by,
            decided_at: d.decided_at,
            article: d.article.clone(),
        }
    }
}

/// What a trainer publishes from a draft: the article (edited as they see fit) and, optionally,
/// the FAQ intent whose questions it answers.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftAcceptance {
    /// The article's slug: a new article, or an existing one the answer is added to.
    pub slug: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// The article's tags; absent: an existing article's own (none for a new one). The intent's
    /// tag is added either way.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Where customers read it (as for `PUT /content/articles/{slug}`).
    #[serde(default)]
    pub url: Option<String>,
    /// An FAQ intent: the article gets its tag (so the bot answers the intent from it) and the
    /// draft's questions become its examples (so the model learns them). Absent: the bot's guess
    /// when it is an FAQ intent; `null`: none (the article alone).
    #[serde(default, deserialize_with = "crate::input::double_option")]
    #[schema(value_type = Option<String>)]
    pub intent: Option<Option<String>>,
}

/// What accepting a draft did.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Accepted {
    pub draft: DraftView,
    pub article: Article,
    /// Whether the article is new (or an existing one was replaced).
    pub created: bool,
    /// The FAQ intent the article was tagged like and taught to.
    pub intent: Option<String>,
    /// The draft's questions added to the intent's examples.
    pub examples_added: Vec<String>,
    /// Questions that were not added, with why (already an example, or refused by the editor).
    pub examples_skipped: Vec<Skipped>,
    /// Whether the bot now runs another intent model (retrained on the new examples).
    pub model_updated: bool,
    /// The model the bot runs now.
    pub model_id: String,
}

/// A question not added as an example.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Skipped {
    pub text: String,
    pub code: String,
    pub reason: String,
}

/// Whether the event may have resolved a conversation (the worker then looks for new cases).
pub fn resolves(event: &Event) -> bool {
    event.kind == EventKind::ConversationUpdated
        && event.data.get("change").and_then(|c| c.as_str()) == Some(Change::Status.as_str())
        && event.data.get("to").and_then(|c| c.as_str()) == Some(ConversationStatus::Resolved.as_str())
}

fn not_pending(draft: &Draft) -> Result<()> {
    if draft.status == DraftStatus::Pending {
        Ok(())
    } else {
        Err(Error::conflict(
            ErrorCode::DraftDecided,
            format!("the draft was already {}", draft.status.as_str()),
        ))
    }
}

impl Drafts<'_> {
    /// The drafts with this status (`pending` when absent), those covering most conversations
    /// first.
    pub async fn list(&self, staff: &Staff, status: Option<&str>) -> Result<Vec<DraftView>> {
        staff.require(Permission::ManageContent)?;
        let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
            None => DraftStatus::Pending,
            Some(s) => DraftStatus::parse(s).ok_or_else(|| {
                Error::invalid(
                    ErrorCode::InvalidStatus,
                    "status is pending, accepted or rejected",
                )
            })?,
        };
        let drafts = self.engine.store.drafts(status, LISTED_DRAFTS).await?;
        Ok(drafts.iter().map(DraftView::from).collect())
    }

    async fn existing(&self, id: &str) -> Result<Draft> {
        self.engine
            .store
            .draft(id)
            .await?
            .ok_or_else(|| Error::not_found("draft"))
    }

    /// One draft.
    pub async fn get(&self, staff: &Staff, id: &str) -> Result<DraftView> {
        staff.require(Permission::ManageContent)?;
        Ok(DraftView::from(&self.existing(id).await?))
    }

    /// Publishes a pending draft as an article through the content editor (versioned, audited,
    /// the knowledge index rebuilt) and, with an FAQ intent, tags the article like the intent and
    /// adds the draft's questions to the intent's examples (one edit, which trains a candidate as
    /// any example edit does). The draft is then accepted.
    pub async fn accept(&self, staff: &Staff, id: &str, input: DraftAcceptance) -> Result<Accepted> {
        staff.require(Permission::ManageContent)?;
        let draft = self.existing(id).await?;
        not_pending(&draft)?;
        let bot = self.engine.runtime().running()?;
        let intent = match input.intent {
            Some(Some(name)) => {
                let name = name.trim().to_owned();
                match bot.intents.get(&name) {
                    Some(def) if def.kind == IntentKind::Faq => Some(name),
                    Some(_) => {
                        return Err(Error::invalid(
                            ErrorCode::InvalidDraftIntent,
                            format!(
                                "`{name}` is not an FAQ intent: only FAQ intents are answered from articles"
                            ),
                        ))
                    }
                    None => {
                        return Err(Error::invalid(
                            ErrorCode::InvalidDraftIntent,
                            format!("there is no intent `{name}`"),
                        ))
                    }
                }
            }
            Some(None) => None,
            None => guess(&draft).filter(|g| bot.intents.get(g).is_some_and(|d| d.kind == IntentKind::Faq)),
        };
        let mut tags = input
            .tags
            .or_else(|| {
                bot.pack
                    .articles
                    .iter()
                    .find(|a| a.slug == input.slug.trim())
                    .map(|a| a.tags.clone())
            })
            .unwrap_or_default();
        let intent_tag = intent
            .as_ref()
            .and_then(|i| bot.intents.get(i))
            .and_then(|d| d.article_tags.first().cloned());
        if let Some(tag) = intent_tag {
            if !tags.iter().any(|t| t.trim().eq_ignore_ascii_case(&tag)) {
                tags.push(tag);
            }
        }
        drop(bot);
        let content = self.engine.content();
        let (saved, article) = content
            .put_article(
                staff,
                input.slug.trim(),
                ArticleInput {
                    title: input.title,
                    tags: Some(tags),
                    url: input.url,
                    body: input.body,
                },
            )
            .await?;
        let (examples_added, examples_skipped, model) = match &intent {
            Some(intent) => {
                let mut asked = questions(&draft);
                asked.truncate(MAX_QUESTIONS);
                let taught = content.add_examples(staff, intent, &asked).await?;
                let skipped = taught
                    .skipped
                    .into_iter()
                    .map(|(text, e)| Skipped {
                        text,
                        code: e.code().as_str().to_owned(),
                        reason: e.to_string(),
                    })
                    .collect();
                (taught.added, skipped, taught.model)
            }
            None => (Vec::new(), Vec::new(), None),
        };
        let model_updated = model.as_ref().is_some_and(|m| m.promoted);
        let model_id = match model {
            Some(m) => m.active,
            None => self.engine.runtime().running()?.model_id.clone(),
        };
        let decided = self
            .engine
            .store
            .decide_draft(
                id,
                DraftDecision::Accepted {
                    by: staff.user().id,
                    article: article.slug.clone(),
                    intent: intent.clone(),
                },
            )
            .await?;
        self.engine
            .audit()
            .record(
                staff.actor(),
                AuditAction::DraftAccepted,
                format!("draft:{id}"),
                serde_json::json!({
                    "article": article.slug,
                    "intent": intent,
                    "conversations": decided.cases.len(),
                    "examples_added": examples_added.len(),
                    "model_updated": model_updated,
                }),
            )
            .await?;
        Ok(Accepted {
            draft: DraftView::from(&decided),
            article,
            created: saved == Saved::Created,
            intent,
            examples_added,
            examples_skipped,
            model_updated,
            model_id,
        })
    }

    /// Rejects a pending draft: it is no longer listed as pending.
    pub async fn reject(&self, staff: &Staff, id: &str) -> Result<DraftView> {
        staff.require(Permission::ManageContent)?;
        let draft = self.existing(id).await?;
        not_pending(&draft)?;
        let decided = self
            .engine
            .store
            .decide_draft(id, DraftDecision::Rejected { by: staff.user().id })
            .await?;
        self.engine
            .audit()
            .record(
                staff.actor(),
                AuditAction::DraftRejected,
                format!("draft:{id}"),
                serde_json::json!({ "conversations": decided.cases.len() }),
            )
            .await?;
        Ok(DraftView::from(&decided))
    }

    /// Handles the events committed since the worker's cursor: each conversation they resolved is
    /// considered once for a draft. Returns how many cases were added. A conversation that cannot
    /// be read is logged and skipped (considering it again adds nothing twice).
    pub async fn catch_up(&self) -> Result<usize> {
        let mut log = self.engine.events().follow(LogWorker::Drafts).await?;
        let mut added = 0;
        while let Some(events) = log.next().await? {
            for event in events.iter().filter(|e| resolves(e)) {
                let Some(conversation) = event.conversation_id else {
                    continue;
                };
                match self.consider(conversation).await {
                    Ok(true) => added += 1,
                    Ok(false) => {}
                    Err(e) => {
                        tracing::error!(error = %e, %conversation, "a resolved conversation could not be considered for a draft");
                    }
                }
            }
            log.handled(&events).await?;
        }
        Ok(added)
    }

    /// Adds the conversation to a draft when the bot could not answer its question and a person's
    /// reply did: to the pending draft with the most similar question, or a new one. `false` when
    /// it is not such a case or is a case already.
    pub(crate) async fn consider(&self, conversation: ConversationId) -> Result<bool> {
        let store = &self.engine.store;
        if store.draft_of_conversation(conversation).await?.is_some() {
            return Ok(false);
        }
        let decisions = store.list_decisions(conversation).await?;
        let messages = store.list_messages(conversation, false).await?;
        // The guess is an intent of the pack that is not its out-of-scope examples.
        let bot = self.engine.runtime().bot();
        let guessable = |intent: &str| {
            bot.as_ref()
                .and_then(|b| b.intents.get(intent))
                .is_some_and(|def| def.kind != IntentKind::OutOfScope)
        };
        let Some(found) = case::find(&decisions, &messages, guessable) else {
            return Ok(false);
        };
        drop(bot);
        let question = redact(&found.question.text);
        let answer = redact(&found.answer.text);
        let features = Features::default();
        let asked = features.of(&question);
        let pending = store.drafts(DraftStatus::Pending, COMPARED_DRAFTS).await?;
        let best = pending
            .iter()
            .map(|d| {
                let score = d
                    .cases
                    .iter()
                    .take(COMPARED_QUESTIONS)
                    .map(|c| similarity(&asked, &features.of(&c.question)))
                    .fold(0.0_f32, f32::max);
                (score, d)
            })
            .filter(|(score, _)| *score >= SAME_QUESTION)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let target = best.map_or(DraftTarget::New, |(_, d)| DraftTarget::Join(d.id.clone()));
        let added = store
            .add_draft_case(
                NewDraftCase {
                    conversation_id: conversation,
                    question,
                    answer,
                    question_message_id: found.question.id,
                    answer_message_id: found.answer.id,
                    intent: found.intent,
                },
                target,
            )
            .await?;
        Ok(added.is_some())
    }
}
