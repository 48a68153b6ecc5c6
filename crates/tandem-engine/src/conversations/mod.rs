//! Conversations from both sides: customers start them and write; staff read, reply, write
//! internal notes, assign, change status and priority, and tag.

mod attachments;
mod bulk;
mod canned;
mod edits;
mod presence;
mod reads;
mod signature;
mod snooze;
mod suggestions;
mod widget_limits;

use serde::Deserialize;
use tandem_core::decision::Decision;
use tandem_core::event::{Actor, Event};
use tandem_core::ids::{AttachmentId, ConversationId, TeamId, UserId};
use tandem_core::model::{Author, Conversation, ConversationStatus, Message, Priority};
use tandem_core::permission::Permission;
use tandem_core::validate::{DisplayName, Email, SearchText, Tag};
use tandem_core::{Error, ErrorCode};
use tandem_store::{
    AssigneeFilter, ConversationChange, ConversationFilter, ConversationPage, NewConversation, NewMessage,
};

use crate::auth::{new_customer_token, token_hash, Staff};
use crate::{ingest, Engine, Result};
pub use attachments::{AttachmentPart, Download, Upload};
pub use bulk::{BulkError, BulkOutcome, BulkUpdate, MAX_BULK};
pub use edits::{MessageEdit, DEFAULT_EDIT_WINDOW};
pub use reads::UnreadPage;
pub use snooze::{parse_until, MAX_SNOOZE_DAYS};
pub use suggestions::{rank_canned_replies, SuggestedArticle, Suggestions};
pub(crate) use widget_limits::WidgetGuards;
pub use widget_limits::{WidgetLimits, IDENTITY_FAILURES_PER_DAY};

/// Conversations from both sides.
#[derive(Clone, Copy)]
pub struct Conversations<'e> {
    pub(crate) engine: &'e Engine,
    /// The client (its address) a customer request comes from: the widget's rate limits apply
    /// to it (see [`Conversations::from_client`]).
    pub(crate) client: Option<&'e str>,
}

fn rate_limited(retry_after_secs: u64) -> Error {
    Error::RateLimited { retry_after_secs }
}

/// The most conversations one list request returns.
pub const MAX_PAGE_SIZE: i64 = 100;
/// The most tags one change adds (or removes).
pub const MAX_TAGS_PER_CHANGE: usize = 50;

/// A conversation just opened from the widget, with the token that opens it.
#[derive(Clone, Debug)]
pub struct StartedConversation {
    pub conversation: Conversation,
    pub customer_token: String,
}

/// Staff's query over conversations, as it arrives from outside (all fields optional text).
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConversationQuery {
    /// `bot`, `queued`, `assigned`, `resolved`, or `open` (queued or assigned).
    pub status: Option<String>,
    /// Only this customer's conversations (a customer id).
    pub customer: Option<String>,
    /// `me`, `none` (unassigned) or a user id.
    pub assignee: Option<String>,
    /// A team id.
    pub team: Option<String>,
    /// Only conversations with this tag.
    pub tag: Option<String>,
    /// Text to find in the customer's name, e-mail or any message.
    pub q: Option<String>,
    /// `breached`: only open cases that missed a service-level target.
    pub sla: Option<String>,
    /// Cases snoozed until a later time: `only`, `include` or `hide`. Lists of open work
    /// (status `open`, `queued` or `assigned`, or `sla`) hide them by default, others include them.
    pub snoozed: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    /// Conversations per page, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// What staff may change on a conversation; absent fields stay as they are. `assignee_id` and
/// `team_id` take `null` to clear.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ConversationUpdate {
    pub status: Option<ConversationStatus>,
    pub priority: Option<Priority>,
    #[serde(default, deserialize_with = "crate::input::double_option")]
    #[schema(value_type = Option<String>)]
    pub assignee_id: Option<Option<UserId>>,
    #[serde(default, deserialize_with = "crate::input::double_option")]
    #[schema(value_type = Option<String>)]
    pub team_id: Option<Option<TeamId>>,
    #[serde(default)]
    pub add_tags: Vec<String>,
    #[serde(default)]
    pub remove_tags: Vec<String>,
}

impl<'e> Conversations<'e> {
    /// The conversation, or `not_found`.
    pub(crate) async fn existing(&self, id: ConversationId) -> Result<Conversation> {
        self.engine
            .store
            .get_conversation(id)
            .await?
            .ok_or_else(|| Error::not_found("conversation"))
    }

    // --- customer side ---------------------------------------------------------------------

    /// Opens a conversation for a customer writing from the widget.
    /// `identity_signature` is the business site's HMAC of the e-mail address (see
    /// [`crate::auth::identity_signature`]); without it the address is only claimed.
    /// The same service for a customer request from this client address: the widget's rate
    /// limits apply (429 with the seconds to wait).
    pub fn from_client(self, client: &'e str) -> Self {
        Self {
            client: Some(client),
            ..self
        }
    }

    pub async fn start(
        &self,
        name: &str,
        email: &str,
        identity_signature: Option<&str>,
    ) -> Result<StartedConversation> {
        if let Some(client) = self.client {
            self.engine
                .widget_guards
                .starts
                .admit(&[client])
                .map_err(rate_limited)?;
        }
        let name = DisplayName::parse(name)?;
        let email = Email::parse(email)?;
        let customer_verified = self
            .engine
            .auth()
            .verify_identity(email.as_str(), identity_signature)?;
        let customer_token = new_customer_token();
        let (conversation, _) = self
            .engine
            .store
            .create_conversation(NewConversation {
                customer_name: name.into_string(),
                customer_email: email.into_string(),
                token_hash: token_hash(&customer_token),
                customer_verified,
                status: ConversationStatus::Bot,
                priority: Priority::Normal,
            })
            .await?;
        self.engine.events().publish_committed().await;
        Ok(StartedConversation {
            conversation,
            customer_token,
        })
    }

    /// Runs the bot on a customer message. A failure (the database busy, a connector down) is
    /// retried twice; when the bot still cannot answer, the case goes to people, so no message is
    /// left without an answer. A turn writes its decision and reply in one transaction, so a failed
    /// attempt leaves nothing half-written.
    async fn bot_turn(&self, conversation: &Conversation, message: &Message) -> Result<()> {
        const BACKOFF_MS: [u64; 2] = [50, 250];
        let mut attempt = 0;
        loop {
            match self.engine.pipeline().run(conversation, message).await {
                Ok(()) => return Ok(()),
                Err(e) => match BACKOFF_MS.get(attempt) {
                    Some(ms) if e.code() == ErrorCode::Internal.as_str() => {
                        tracing::warn!(conversation = %conversation.id, error = %e, attempt, "a bot turn failed; retrying");
                        tokio::time::sleep(std::time::Duration::from_millis(*ms)).await;
                        attempt += 1;
                    }
                    _ => {
                        tracing::error!(conversation = %conversation.id, error = %e, "the bot could not handle a message; the case goes to people");
                        let change = ConversationChange {
                            status: Some(ConversationStatus::Queued),
                            ..Default::default()
                        };
                        self.engine
                            .store
                            .update_conversation(conversation.id, change, Actor::System)
                            .await?;
                        self.engine.events().publish_committed().await;
                        return Ok(());
                    }
                },
            }
        }
    }

    /// Stores a customer's message, written or sent by picking one of the bot's `choice`s (an
    /// intent of the active pack, or `human`). A message on a resolved conversation reopens it.
    pub async fn customer_message(
        &self,
        id: ConversationId,
        token: &str,
        text: &str,
        choice: Option<&str>,
    ) -> Result<Message> {
        self.customer_message_with(id, token, text, choice, &[]).await
    }

    /// [`Self::customer_message`] with files the customer uploaded (then the text may be empty;
    /// the bot answers words only, so a message of files alone gets no bot turn).
    pub async fn customer_message_with(
        &self,
        id: ConversationId,
        token: &str,
        text: &str,
        choice: Option<&str>,
        files: &[AttachmentId],
    ) -> Result<Message> {
        self.engine.auth().customer(id, token).await?;
        let files = self.message_files(files)?;
        if let Some(choice) = choice {
            crate::pipeline::choices::check_choice(self.engine.runtime().bot().as_deref(), choice)?;
        }
        if let Some(client) = self.client {
            let guards = &self.engine.widget_guards;
            guards
                .conversation_messages
                .admit(&[&id.to_string()])
                .map_err(rate_limited)?;
            guards.client_messages.admit(&[client]).map_err(rate_limited)?;
        }
        let ingested = attachments::message_text(text, &files)?;
        let (message, _) = self
            .engine
            .store
            .append_message(NewMessage {
                conversation_id: id,
                author: Author::Customer,
                author_user_id: None,
                preview: ingested.preview,
                text: ingested.text,
                internal: false,
                sources: Vec::new(),
                choices: Vec::new(),
                choice: choice.map(ToOwned::to_owned),
                actor: Actor::Customer,
                attachments: files,
            })
            .await?;
        if !ingested.masked.is_empty() {
            // The customer sees the mask in their own message, and why.
            self.engine
                .store
                .append_message(NewMessage {
                    conversation_id: id,
                    author: Author::System,
                    author_user_id: None,
                    text: ingest::PAYMENT_NOTE.to_owned(),
                    preview: ingest::PAYMENT_NOTE.to_owned(),
                    internal: false,
                    sources: Vec::new(),
                    choices: Vec::new(),
                    choice: None,
                    actor: Actor::System,
                    attachments: Vec::new(),
                })
                .await?;
        }
        self.engine.events().publish_committed().await;
        let mut conversation = self.existing(id).await?;
        if conversation.status == ConversationStatus::Bot && !message.text.is_empty() {
            // The customer's message is committed; a failing bot must not take it back, nor leave
            // it unanswered.
            self.bot_turn(&conversation, &message).await?;
            conversation = self.existing(id).await?;
        }
        // A customer who writes wakes a snoozed case and reopens a resolved one.
        let mut change = ConversationChange::default();
        if conversation.snoozed_until.is_some() {
            change.snooze = Some(None);
        }
        if conversation.status == ConversationStatus::Resolved {
            change.status = Some(if conversation.assignee_id.is_some() {
                ConversationStatus::Assigned
            } else {
                ConversationStatus::Queued
            });
        }
        if change.snooze.is_some() || change.status.is_some() {
            self.engine
                .store
                .update_conversation(id, change, Actor::Customer)
                .await?;
            self.engine.events().publish_committed().await;
        }
        Ok(message)
    }

    /// The messages a customer sees: everything but internal notes.
    pub async fn customer_messages(&self, id: ConversationId, token: &str) -> Result<Vec<Message>> {
        self.engine.auth().customer(id, token).await?;
        self.engine.store.list_messages(id, false).await
    }

    /// The conversation as the customer may see it.
    pub async fn customer_conversation(&self, id: ConversationId, token: &str) -> Result<Conversation> {
        self.engine.auth().customer(id, token).await?;
        self.existing(id).await
    }

    /// The customer ends their session on this device ("forget this chat"): the token opens
    /// nothing from now on, and their live sockets close. The conversation stays for staff.
    pub async fn end_customer_session(&self, id: ConversationId, token: &str) -> Result<()> {
        self.engine.auth().customer(id, token).await?;
        self.replace_customer_token(id, Actor::Customer).await
    }

    /// Staff revoke a customer's token (a shared computer, a leaked link): it opens nothing from
    /// now on and its live sockets close. The customer starts a new conversation to write again.
    pub async fn revoke_customer_token(&self, staff: &Staff, id: ConversationId) -> Result<()> {
        staff.require(Permission::ManageConversations)?;
        // An unknown conversation is `not_found` from the update itself.
        self.replace_customer_token(id, staff.actor()).await
    }

    /// Gives the conversation the hash of a fresh token that nobody is told.
    async fn replace_customer_token(&self, id: ConversationId, actor: Actor) -> Result<()> {
        let change = ConversationChange {
            customer_token_hash: Some(token_hash(&new_customer_token())),
            ..Default::default()
        };
        self.engine.store.update_conversation(id, change, actor).await?;
        self.engine.events().publish_committed().await;
        Ok(())
    }

    // --- staff side ------------------------------------------------------------------------

    pub async fn list(&self, staff: &Staff, query: &ConversationQuery) -> Result<ConversationPage> {
        staff.require(Permission::ViewConversations)?;
        let blank = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let open_only = blank(&query.status).as_deref() == Some("open");
        let status = blank(&query.status)
            .filter(|_| !open_only)
            .map(|s| ConversationStatus::parse(&s))
            .transpose()?;
        let customer = blank(&query.customer)
            .map(|c| {
                c.parse::<tandem_core::ids::CustomerId>()
                    .map_err(|_| Error::invalid(ErrorCode::InvalidCustomer, "customer must be a customer id"))
            })
            .transpose()?;
        let assignee = match blank(&query.assignee).as_deref() {
            None => None,
            Some("me") => Some(AssigneeFilter::User(staff.user().id)),
            Some("none") => Some(AssigneeFilter::Unassigned),
            Some(other) => Some(AssigneeFilter::User(other.parse().map_err(|_| {
                Error::invalid(
                    ErrorCode::InvalidAssignee,
                    "assignee must be `me`, `none` or a user id",
                )
            })?)),
        };
        let team = blank(&query.team)
            .map(|t| {
                t.parse::<TeamId>()
                    .map_err(|_| Error::invalid(ErrorCode::InvalidTeam, "team must be a team id"))
            })
            .transpose()?;
        let tag = blank(&query.tag)
            .map(|t| Tag::parse(&t).map(|t| t.as_str().to_owned()))
            .transpose()?;
        let per_page = query.per_page.unwrap_or(50);
        if !(1..=MAX_PAGE_SIZE).contains(&per_page) {
            return Err(Error::invalid(
                ErrorCode::InvalidPage,
                format!("per_page must be between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
        let page = query.page.unwrap_or(1);
        if !(1..=1_000_000).contains(&page) {
            return Err(Error::invalid(
                ErrorCode::InvalidPage,
                "page must be a positive number",
            ));
        }
        let sla_breached = match blank(&query.sla).as_deref() {
            None => false,
            Some("breached") => true,
            Some(_) => return Err(Error::invalid(ErrorCode::InvalidSla, "sla must be `breached`")),
        };
        let open_work = open_only
            || sla_breached
            || matches!(
                status,
                Some(ConversationStatus::Queued | ConversationStatus::Assigned)
            );
        let snoozed = snooze::snooze_filter(blank(&query.snoozed).as_deref(), open_work)?;
        let filter = ConversationFilter {
            customer,
            open_only,
            snoozed,
            sla_breached,
            status,
            assignee,
            team,
            tag,
            text: query
                .q
                .as_deref()
                .map(SearchText::parse)
                .transpose()?
                .flatten()
                .map(SearchText::into_string),
            limit: per_page,
            offset: (page - 1) * per_page,
        };
        self.engine.store.list_conversations(&filter).await
    }

    pub async fn show(&self, staff: &Staff, id: ConversationId) -> Result<(Conversation, Vec<Message>)> {
        staff.require(Permission::ViewConversations)?;
        let conversation = self.existing(id).await?;
        let messages = self.engine.store.list_messages(id, true).await?;
        Ok((conversation, messages))
    }

    pub async fn events(&self, staff: &Staff, id: ConversationId) -> Result<Vec<Event>> {
        staff.require(Permission::ViewConversations)?;
        self.existing(id).await?;
        self.engine.store.list_events(id).await
    }

    /// An agent's reply (or, with `internal`, a note only staff see). A reply to a conversation
    /// nobody holds yet assigns it to the one who replies, so the bot stays out of it.
    pub async fn staff_message(
        &self,
        staff: &Staff,
        id: ConversationId,
        text: &str,
        internal: bool,
    ) -> Result<Message> {
        self.staff_message_with(staff, id, text, internal, &[]).await
    }

    /// [`Self::staff_message`] with files the staff member uploaded (then the text may be empty).
    pub async fn staff_message_with(
        &self,
        staff: &Staff,
        id: ConversationId,
        text: &str,
        internal: bool,
        files: &[AttachmentId],
    ) -> Result<Message> {
        staff.require(Permission::ReplyToConversations)?;
        let files = self.message_files(files)?;
        let ingested = attachments::message_text(text, &files)?;
        let conversation = self.existing(id).await?;
        let actor = staff.actor();
        let (message, _) = self
            .engine
            .store
            .append_message(NewMessage {
                conversation_id: id,
                author: Author::Agent,
                author_user_id: Some(staff.user().id),
                text: ingested.text,
                preview: ingested.preview,
                internal,
                sources: Vec::new(),
                choices: Vec::new(),
                choice: None,
                actor: actor.clone(),
                attachments: files,
            })
            .await?;
        self.engine.events().publish_committed().await;
        let unheld = conversation.assignee_id.is_none()
            && matches!(
                conversation.status,
                ConversationStatus::Bot | ConversationStatus::Queued
            );
        if !internal && unheld {
            let change = ConversationChange {
                status: Some(ConversationStatus::Assigned),
                assignee: Some(Some(staff.user().id)),
                ..Default::default()
            };
            self.engine.store.update_conversation(id, change, actor).await?;
            self.engine.events().publish_committed().await;
        }
        Ok(message)
    }

    /// Changes status, priority, assignee, team and tags in one step, keeping them consistent:
    /// an assignee means `assigned`; removing the assignee of an assigned case puts it back in the
    /// queue; `assigned` without anyone named means the caller takes it.
    pub async fn update(
        &self,
        staff: &Staff,
        id: ConversationId,
        update: ConversationUpdate,
    ) -> Result<Conversation> {
        staff.require(Permission::ManageConversations)?;
        let current = self.existing(id).await?;
        if let Some(Some(user)) = update.assignee_id {
            match self.engine.store.get_user(user).await? {
                Some(u) if u.active => {}
                _ => {
                    return Err(Error::invalid(
                        ErrorCode::InvalidAssignee,
                        "the assignee is not an active staff member",
                    ))
                }
            }
        }
        if let Some(Some(team)) = update.team_id {
            if self.engine.store.get_team(team).await?.is_none() {
                return Err(Error::invalid(ErrorCode::InvalidTeam, "there is no such team"));
            }
        }
        let parse_tags = |tags: &[String]| -> Result<Vec<String>> {
            if tags.len() > MAX_TAGS_PER_CHANGE {
                return Err(Error::invalid(
                    ErrorCode::InvalidTag,
                    format!("at most {MAX_TAGS_PER_CHANGE} tags can be added or removed at once"),
                ));
            }
            tags.iter()
                .map(|t| Tag::parse(t).map(|t| t.as_str().to_owned()))
                .collect()
        };
        let mut change = ConversationChange {
            status: update.status,
            priority: update.priority,
            assignee: update.assignee_id,
            team: update.team_id,
            add_tags: parse_tags(&update.add_tags)?,
            remove_tags: parse_tags(&update.remove_tags)?,
            ..Default::default()
        };
        let assignee_before = change.assignee.unwrap_or(current.assignee_id);
        match (change.assignee, change.status) {
            (Some(Some(_)), None) if current.status != ConversationStatus::Resolved => {
                change.status = Some(ConversationStatus::Assigned);
            }
            (Some(None), None) if current.status == ConversationStatus::Assigned => {
                change.status = Some(ConversationStatus::Queued);
            }
            (None, Some(ConversationStatus::Assigned)) if assignee_before.is_none() => {
                change.assignee = Some(Some(staff.user().id));
            }
            // Back to the queue (or to the bot) releases the case.
            (None, Some(ConversationStatus::Queued | ConversationStatus::Bot))
                if current.assignee_id.is_some() =>
            {
                change.assignee = Some(None);
            }
            _ => {}
        }
        let status_after = change.status.unwrap_or(current.status);
        let assignee_after = change.assignee.unwrap_or(current.assignee_id);
        // A case leaving the open work (resolved, back to the bot) sleeps no more.
        if current.snoozed_until.is_some()
            && !matches!(
                status_after,
                ConversationStatus::Queued | ConversationStatus::Assigned
            )
        {
            change.snooze = Some(None);
        }
        if status_after == ConversationStatus::Assigned && assignee_after.is_none() {
            return Err(Error::invalid(
                ErrorCode::InvalidUpdate,
                "an assigned conversation needs an assignee",
            ));
        }
        if matches!(status_after, ConversationStatus::Queued | ConversationStatus::Bot)
            && assignee_after.is_some()
        {
            return Err(Error::invalid(
                ErrorCode::InvalidUpdate,
                "a queued conversation has no assignee: assign it (status assigned) or clear the assignee",
            ));
        }
        // A `root:*` tag is the confirmed root cause: checked before storing, kept in step after.
        let insights = self.engine.insights();
        let root = (insights.plan_root_tags(&current, &change.add_tags, &change.remove_tags)).await?;
        change.remove_tags.extend(root.stale.iter().cloned());
        let updated = self.change_by(staff, id, change).await?;
        insights.apply_root_tags(staff, &updated, root).await?;
        self.engine.taken_from_bot(&current, &updated).await;
        Ok(updated)
    }

    /// Stores a staff member's change to a conversation and publishes its events, if any.
    async fn change_by(
        &self,
        staff: &Staff,
        id: ConversationId,
        change: ConversationChange,
    ) -> Result<Conversation> {
        let (conversation, events) = self
            .engine
            .store
            .update_conversation(id, change, staff.actor())
            .await?;
        if !events.is_empty() {
            self.engine.events().publish_committed().await;
        }
        Ok(conversation)
    }

    /// The decisions of a conversation, for staff.
    pub async fn decisions(
        &self,
        staff: &crate::auth::Staff,
        conversation: ConversationId,
    ) -> Result<Vec<Decision>> {
        staff.require(tandem_core::permission::Permission::ViewConversations)?;
        self.engine
            .store
            .get_conversation(conversation)
            .await?
            .ok_or_else(|| Error::not_found("conversation"))?;
        self.engine.store.list_decisions(conversation).await
    }
}
