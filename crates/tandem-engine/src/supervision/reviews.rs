//! The review queue: what the bot did not understand (queued by the bot turn itself), bot answers
//! a customer rated unhelpful, answers followed by a return, and bot messages staff flagged. A
//! trainer relabels an item (its redacted text becomes a training example of the intent; the
//! active model does not change until a trainer trains and promotes a candidate) or dismisses it.
//!
//! Every fifth relabel of an intent is held out: it joins the pack's regression set instead of
//! the training data, so candidates are judged on people's corrections they never learnt from.

use serde::Deserialize;
use tandem_core::audit::AuditAction;
use tandem_core::decision::{DecisionKind, HandoffReason};
use tandem_core::ids::{ConversationId, MessageId, ReviewId};
use tandem_core::model::{Author, Message};
use tandem_core::permission::Permission;
use tandem_core::review::{FlagReason, ReviewReason, ReviewStatus};
use tandem_core::{Error, ErrorCode};
pub use tandem_store::{Flag, Review};
use tandem_store::{NewReview, Resolution, ReviewFilter};
use utoipa::ToSchema;

use crate::auth::Staff;
use crate::{Engine, Result};

/// How many items one page of the queue holds by default, and at most.
pub const DEFAULT_REVIEWS: i64 = 200;
pub const MAX_REVIEWS: i64 = 1000;
/// The most items one bulk action closes.
pub const MAX_BULK: usize = 500;
/// One relabel in this many (per intent) is held out for the regression set.
pub const HOLD_OUT_EVERY: i64 = 5;
/// The longest comment a flag keeps.
pub const MAX_FLAG_COMMENT: usize = 2000;

/// The review queue.
#[derive(Clone, Copy)]
pub struct Reviews<'e> {
    pub(crate) engine: &'e Engine,
}

/// How a trainer closes an item: `{intent}` relabels it, `{dismiss: true}` dismisses it.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewAction {
    /// The intent the message is of: the text becomes a training example of it.
    pub intent: Option<String>,
    /// Close the item without a label.
    #[serde(default)]
    pub dismiss: bool,
}

/// Which items to list.
#[derive(Clone, Debug, Default)]
pub struct ReviewQuery {
    pub status: Option<String>,
    pub reason: Option<String>,
    pub intent: Option<String>,
    /// From this moment or day (RFC 3339, or `YYYY-MM-DD` for the start of a UTC day).
    pub since: Option<String>,
    /// Before this moment or day (a day means its end).
    pub until: Option<String>,
    pub limit: Option<String>,
}

/// A moment in a query: RFC 3339, or a UTC day (its start, or with `end_of_day` its end).
fn moment(text: &str, end_of_day: bool) -> Result<chrono::DateTime<chrono::Utc>> {
    let text = text.trim();
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|day| if end_of_day { day.succ_opt() } else { Some(day) })
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|at| at.and_utc())
        .ok_or_else(|| {
            Error::invalid(
                ErrorCode::InvalidDate,
                format!("{text:?} is not a date: give YYYY-MM-DD or an RFC 3339 time"),
            )
        })
}

/// What the bot turn knows about a message it did not act on.
pub(crate) struct Unsure<'a> {
    pub kind: DecisionKind,
    pub handoff_reason: Option<HandoffReason>,
    /// The intent the decision went on with (a value asked for, an intent for people).
    pub acted_on: Option<&'a str>,
    /// The model's best guess.
    pub guess: Option<&'a str>,
    pub confidence: f32,
    pub out_of_scope: bool,
}

impl Unsure<'_> {
    /// Why the message belongs in the queue, if it does: the bot neither acted nor answered
    /// because it did not know what the message was about. A customer who asked for a person, a
    /// sensitive topic or a missing value the bot asked for is no matter for trainers.
    fn reason(&self) -> Option<ReviewReason> {
        match (self.kind, self.handoff_reason) {
            (DecisionKind::Handoff, Some(HandoffReason::OutOfScope)) => Some(ReviewReason::OutOfScope),
            (DecisionKind::Handoff, Some(HandoffReason::LowConfidence)) => Some(ReviewReason::LowConfidence),
            (DecisionKind::Clarify, _) if self.acted_on.is_none() => Some(if self.out_of_scope {
                ReviewReason::OutOfScope
            } else {
                ReviewReason::LowConfidence
            }),
            _ => None,
        }
    }
}

impl Reviews<'_> {
    /// Queues a customer message the bot did not understand (called by the bot turn after its
    /// decision is stored; a failure is logged, never the customer's problem).
    pub(crate) async fn unsure(&self, message: &Message, guess: &Unsure<'_>) {
        let Some(reason) = guess.reason() else {
            return;
        };
        let new = NewReview {
            conversation_id: message.conversation_id,
            message_id: message.id,
            reason,
            text: crate::privacy::redact(&message.text),
            intent: guess.guess.map(str::to_owned),
            confidence: f64::from(guess.confidence),
            flag: None,
        };
        if let Err(e) = self.engine.store.add_review(new).await {
            tracing::error!(error = %e, message = %message.id, "the message could not be queued for review");
        }
    }

    /// Queues the bot's last answer as false automation when the customer, right after it, asks
    /// for a person or is handed over for frustration: the bot acted or answered, and it did not
    /// help (called by the bot turn; a failure is logged).
    pub(crate) async fn after_answer(
        &self,
        earlier: Option<&Message>,
        answered: bool,
        now: Option<HandoffReason>,
    ) {
        let unhappy = matches!(
            now,
            Some(HandoffReason::CustomerRequest | HandoffReason::Frustration)
        );
        let Some(answer) = earlier.filter(|_| answered && unhappy) else {
            return;
        };
        if let Err(e) = self
            .queue_answer(answer, ReviewReason::FalseAutomation, None)
            .await
        {
            tracing::error!(error = %e, message = %answer.id, "the answer could not be queued for review");
        }
    }

    /// The queue, newest first.
    pub async fn list(&self, staff: &Staff, query: ReviewQuery) -> Result<Vec<Review>> {
        staff.require(Permission::ManageModels)?;
        let word = |w: Option<String>| w.map(|w| w.trim().to_owned()).filter(|w| !w.is_empty());
        let filter = ReviewFilter {
            status: word(query.status).map(|s| ReviewStatus::parse(&s)).transpose()?,
            reason: word(query.reason).map(|r| ReviewReason::parse(&r)).transpose()?,
            intent: word(query.intent),
            since: word(query.since).map(|t| moment(&t, false)).transpose()?,
            until: word(query.until).map(|t| moment(&t, true)).transpose()?,
            limit: crate::input::page_limit(query.limit.as_deref(), DEFAULT_REVIEWS, MAX_REVIEWS)?,
        };
        self.engine.store.reviews(&filter).await
    }

    /// A staff member flags a bot message (what is wrong with it, and a comment).
    pub async fn flag(
        &self,
        staff: &Staff,
        message_id: MessageId,
        reason: &str,
        comment: &str,
    ) -> Result<Review> {
        staff.require(Permission::ViewConversations)?;
        let reason = FlagReason::parse(reason.trim())?;
        let comment = comment.trim();
        if comment.chars().count() > MAX_FLAG_COMMENT {
            return Err(Error::invalid(
                ErrorCode::InvalidBody,
                format!("a comment holds at most {MAX_FLAG_COMMENT} characters"),
            ));
        }
        let message = self.bot_message(message_id).await?;
        let flag = Flag {
            reason: reason.as_str().to_owned(),
            comment: crate::privacy::redact(comment),
            by: Some(staff.user().id),
        };
        let review = self
            .queue_answer(&message, ReviewReason::Flagged, Some(flag))
            .await?;
        self.engine
            .audit()
            .record(
                staff.actor(),
                AuditAction::MessageFlagged,
                format!("message:{message_id}"),
                serde_json::json!({ "reason": reason.as_str(), "review": review.id }),
            )
            .await?;
        Ok(review)
    }

    /// A customer rates a bot message in their conversation; an unhelpful one is queued.
    pub async fn customer_feedback(
        &self,
        conversation: ConversationId,
        token: &str,
        message_id: MessageId,
        helpful: bool,
    ) -> Result<()> {
        self.engine.auth().customer(conversation, token).await?;
        let message = self
            .engine
            .store
            .get_message(message_id)
            .await?
            .filter(|m| m.conversation_id == conversation && m.author == Author::Bot)
            .ok_or_else(|| Error::not_found("bot message"))?;
        if !helpful {
            self.queue_answer(&message, ReviewReason::NegativeFeedback, None)
                .await?;
        }
        Ok(())
    }

    /// Queues a bot answer (rated, flagged or followed by a return) with the customer message it
    /// answered and the bot's guess about it. An open item for the same message and reason is
    /// returned as it is.
    pub(crate) async fn queue_answer(
        &self,
        message: &Message,
        reason: ReviewReason,
        flag: Option<Flag>,
    ) -> Result<Review> {
        let store = &self.engine.store;
        let messages = store.list_messages(message.conversation_id, false).await?;
        let asked = messages.iter().rfind(|m| {
            m.author == Author::Customer && m.created_at <= message.created_at && m.id != message.id
        });
        let decisions = store.list_decisions(message.conversation_id).await?;
        let decision = asked.and_then(|q| decisions.iter().rev().find(|d| d.message_id == q.id));
        let new = NewReview {
            conversation_id: message.conversation_id,
            message_id: message.id,
            reason,
            text: asked.map(|q| crate::privacy::redact(&q.text)).unwrap_or_default(),
            intent: decision.and_then(|d| d.intent.clone()),
            confidence: decision.map(|d| f64::from(d.confidence)).unwrap_or_default(),
            flag,
        };
        if let Some(review) = store.add_review(new).await? {
            return Ok(review);
        }
        store
            .open_review(message.id, reason)
            .await?
            .ok_or_else(|| Error::internal("the open review item is gone"))
    }

    async fn bot_message(&self, id: MessageId) -> Result<Message> {
        let message = self
            .engine
            .store
            .get_message(id)
            .await?
            .ok_or_else(|| Error::not_found("message"))?;
        if message.author != Author::Bot {
            return Err(Error::invalid(
                ErrorCode::InvalidBody,
                "only the bot's messages can be flagged for the trainers",
            ));
        }
        Ok(message)
    }

    /// Relabels (the text becomes a training example of the intent) or dismisses an open item.
    pub async fn resolve(&self, staff: &Staff, id: ReviewId, action: &ReviewAction) -> Result<Review> {
        staff.require(Permission::ManageModels)?;
        let intent = action.intent.as_deref().map(str::trim).filter(|i| !i.is_empty());
        let intent = match (intent, action.dismiss) {
            (Some(intent), false) => Some(intent),
            (None, true) => None,
            _ => {
                return Err(Error::invalid(
                    ErrorCode::InvalidResolution,
                    "give either the right `intent` or `dismiss: true`",
                ))
            }
        };
        let review = self
            .engine
            .store
            .review(id)
            .await?
            .ok_or_else(|| Error::not_found("review item"))?;
        if review.status != ReviewStatus::Open {
            return Err(Error::conflict(
                ErrorCode::ReviewClosed,
                format!("this review item is already {}", review.status.as_str()),
            ));
        }
        let Some(intent) = intent else {
            return self.close(staff, &review, None, false).await;
        };
        let known = self
            .engine
            .runtime()
            .bot()
            .is_some_and(|bot| bot.intents.contains_key(intent));
        if !known {
            return Err(Error::invalid(
                ErrorCode::UnknownIntent,
                format!("the pack has no intent `{intent}`; pick one of its intents"),
            ));
        }
        let held_out = (self.engine.store.labelled_reviews(intent).await? + 1) % HOLD_OUT_EVERY == 0;
        if !review.text.trim().is_empty() {
            self.engine
                .content()
                .add_relabelled(staff, intent, &review.text, held_out)
                .await?;
        }
        self.close(staff, &review, Some(intent), held_out).await
    }

    /// Closes many items the same way (bulk relabel of similar messages); stops at the first
    /// failure, having closed the ones before it.
    pub async fn resolve_many(
        &self,
        staff: &Staff,
        ids: &[ReviewId],
        action: &ReviewAction,
    ) -> Result<Vec<Review>> {
        staff.require(Permission::ManageModels)?;
        if ids.is_empty() || ids.len() > MAX_BULK {
            return Err(Error::invalid(
                ErrorCode::InvalidBody,
                format!("give between 1 and {MAX_BULK} review item ids"),
            ));
        }
        let mut done = Vec::with_capacity(ids.len());
        for id in ids {
            done.push(self.resolve(staff, *id, action).await?);
        }
        Ok(done)
    }

    async fn close(
        &self,
        staff: &Staff,
        review: &Review,
        label: Option<&str>,
        held_out: bool,
    ) -> Result<Review> {
        let closed = self
            .engine
            .store
            .resolve_review(
                review.id,
                Resolution {
                    by: Some(staff.user().id),
                    label: label.map(str::to_owned),
                    held_out,
                },
            )
            .await?;
        let action = if label.is_some() {
            AuditAction::ReviewResolved
        } else {
            AuditAction::ReviewDismissed
        };
        self.engine
            .audit()
            .record(
                staff.actor(),
                action,
                format!("review:{}", review.id),
                serde_json::json!({
                    "conversation": review.conversation_id,
                    "message": review.message_id,
                    "reason": review.reason.as_str(),
                    "intent": label,
                    "held_out": held_out,
                }),
            )
            .await?;
        Ok(closed)
    }
}
