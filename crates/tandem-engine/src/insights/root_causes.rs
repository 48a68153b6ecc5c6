//! Root causes (service as a sensor): when the bot hands a case over it suggests what the case is a
//! symptom of (a wrong manual, a broken promise, a sales mistake, a defect, a process), quoting the
//! customer's words that point at it; an agent confirms or changes it in one click, which the
//! next suggestions learn from. Each cause has an owner in the pack, who sees their causes per
//! day and week, the conversations behind them and a spike flag, and gets a daily digest.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tandem_core::clock::{day_name, week_start};
use tandem_core::event::{Actor, EventKind};
use tandem_core::ids::{ConversationId, MessageId, UserId};
use tandem_core::model::{Author, Conversation, ConversationStatus, Message};
use tandem_core::permission::Permission;
use tandem_core::root_cause::RootCause;
use tandem_core::Error;
use tandem_nlu::causes::CauseClassifier;
use tandem_store::{ConversationChange, NewEvent, NewRootCauseSuggestion, RootCauseRecord};
use utoipa::ToSchema;

use super::{day_start, DaysWindow, Insights};
use crate::auth::Staff;
use crate::pack::model::PackManifest;
use crate::{num, Engine, Result};

/// How many confirmations the suggestions learn from (the newest).
const LEARN_FROM: i64 = 2_000;
/// How many of a conversation's latest messages a suggestion reads when a person takes the case
/// from the bot (the bot's own handoff reads its turn's window).
const TAKEN_READS: i64 = 20;
/// How many example conversations a cause lists.
const EXAMPLES: usize = 5;
/// A cause spikes when today has at least this many cases...
const SPIKE_MIN: i64 = 5;
/// ...and at least this many times the daily average of the window's other days.
const SPIKE_FACTOR: f64 = 3.0;

/// Words quoted from the customer's messages that point at the suggested cause.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CauseEvidence {
    /// Verbatim from the customer's message.
    pub text: String,
    pub message_id: MessageId,
    /// Where in the message (byte offsets).
    pub start: usize,
    pub end: usize,
    /// Why these words point at the cause.
    pub why: String,
}

/// A conversation's root cause as agents see it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct RootCauseView {
    /// The bot's suggestion when it handed the case over (null: nothing pointed at a cause, or
    /// never handed over).
    pub suggested: Option<RootCause>,
    /// How sure the suggestion is, 0 to 1.
    pub confidence: f32,
    pub evidence: Vec<CauseEvidence>,
    /// The cause a person confirmed or chose.
    pub confirmed: Option<RootCause>,
    pub confirmed_by: Option<UserId>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

impl From<RootCauseRecord> for RootCauseView {
    fn from(r: RootCauseRecord) -> Self {
        Self {
            suggested: r.suggested,
            confidence: r.confidence,
            evidence: serde_json::from_value(r.evidence).unwrap_or_default(),
            confirmed: r.confirmed,
            confirmed_by: r.confirmed_by,
            confirmed_at: r.confirmed_at,
        }
    }
}

/// The request that confirms (or changes) a conversation's root cause.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRootCause {
    /// documentation, product_promise, sales_advice, technical_defect, process or other.
    pub cause: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct DayCount {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub count: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct WeekCount {
    /// The Monday the ISO week starts on, `YYYY-MM-DD`.
    pub week: String,
    pub count: i64,
}

/// One cause over the window.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CauseTrend {
    pub cause: RootCause,
    /// Who removes it: `Content team <docs@acme.example>`.
    pub owner: String,
    /// Cases that count under it: its confirmed cause, else its suggested one.
    pub count: i64,
    /// Of those, the ones a person confirmed.
    pub confirmed: i64,
    /// Each day of the window, oldest first.
    pub per_day: Vec<DayCount>,
    /// Each ISO week the window touches, oldest first.
    pub per_week: Vec<WeekCount>,
    /// Today's cases against the window's other days: at least 5, and at least 3 times their
    /// daily average.
    pub spike: bool,
    /// The daily average of the window's other days.
    pub average: f64,
    /// The newest conversations behind it (at most 5), newest first.
    pub examples: Vec<ConversationId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct RootCauseReport {
    pub days: u32,
    /// One per cause, in the order of the closed set.
    pub causes: Vec<CauseTrend>,
}

/// What suggestions are made with: the built-in cues and what people confirmed, rebuilt when a
/// confirmation is made, changed or erased.
#[derive(Default)]
pub(crate) struct Learned(std::sync::Mutex<Option<Stamped>>);

/// A classifier with the stamp of the confirmations it learned from.
type Stamped = ((i64, i64), Arc<CauseClassifier>);

/// What a tag change does to the confirmed root cause (see [`Insights::plan_root_tags`]).
pub(crate) struct RootTagPlan {
    /// `Some(Some(cause))` confirms it, `Some(None)` clears the confirmation.
    confirm: Option<Option<RootCause>>,
    /// The conversation's other `root:*` tags, to remove with the change.
    pub(crate) stale: Vec<String>,
}

/// The owner of a cause as the pack names it; causes without one stay with customer care.
pub fn owner_of(manifest: Option<&PackManifest>, cause: RootCause) -> String {
    manifest
        .and_then(|m| m.root_causes.get(cause.as_str()))
        .map_or_else(|| "Customer care".to_owned(), |o| o.display())
}

/// Whether today's count is a spike against the other days' counts (see [`CauseTrend::spike`]).
pub fn is_spike(today: i64, other_days: &[i64]) -> bool {
    let average = average(other_days);
    today >= SPIKE_MIN && num::i64_to_f64(today) >= SPIKE_FACTOR * average
}

fn average(counts: &[i64]) -> f64 {
    if counts.is_empty() {
        0.0
    } else {
        num::i64_to_f64(counts.iter().sum()) / num::usize_to_f64(counts.len())
    }
}

/// Counts the records under each cause over the `days` days ending `today`.
pub fn trends(
    records: &[RootCauseRecord],
    manifest: Option<&PackManifest>,
    today: NaiveDate,
    days: u32,
) -> Vec<CauseTrend> {
    let first = today - Duration::days(i64::from(days) - 1);
    RootCause::ALL
        .iter()
        .map(|&cause| {
            let mine: Vec<&RootCauseRecord> = records
                .iter()
                .filter(|r| r.effective() == Some(cause))
                .filter(|r| r.handed_over_at.date_naive() >= first)
                .collect();
            let mut by_day: BTreeMap<NaiveDate, i64> = BTreeMap::new();
            for r in &mine {
                *by_day.entry(r.handed_over_at.date_naive()).or_default() += 1;
            }
            let days_list: Vec<NaiveDate> = (0..days).map(|i| first + Duration::days(i64::from(i))).collect();
            let per_day: Vec<DayCount> = days_list
                .iter()
                .map(|d| DayCount {
                    day: day_name(*d),
                    count: by_day.get(d).copied().unwrap_or(0),
                })
                .collect();
            let mut weeks: BTreeMap<NaiveDate, i64> = BTreeMap::new();
            for d in &days_list {
                let monday = week_start(*d);
                *weeks.entry(monday).or_default() += by_day.get(d).copied().unwrap_or(0);
            }
            let other: Vec<i64> = days_list
                .iter()
                .filter(|d| **d != today)
                .map(|d| by_day.get(d).copied().unwrap_or(0))
                .collect();
            let today_count = by_day.get(&today).copied().unwrap_or(0);
            let mut newest = mine.clone();
            newest.sort_by(|a, b| {
                b.handed_over_at
                    .cmp(&a.handed_over_at)
                    .then(b.conversation_id.to_string().cmp(&a.conversation_id.to_string()))
            });
            CauseTrend {
                cause,
                owner: owner_of(manifest, cause),
                count: i64::try_from(mine.len()).unwrap_or(i64::MAX),
                confirmed: i64::try_from(mine.iter().filter(|r| r.confirmed.is_some()).count())
                    .unwrap_or(i64::MAX),
                per_day,
                per_week: weeks
                    .into_iter()
                    .map(|(week, count)| WeekCount {
                        week: day_name(week),
                        count,
                    })
                    .collect(),
                spike: is_spike(today_count, &other),
                average: average(&other),
                examples: newest.iter().take(EXAMPLES).map(|r| r.conversation_id).collect(),
            }
        })
        .collect()
}

impl Insights<'_> {
    /// A conversation's root cause (all empty when it has none).
    pub async fn root_cause(&self, staff: &Staff, conversation: ConversationId) -> Result<RootCauseView> {
        staff.require(Permission::ViewConversations)?;
        Ok(self
            .engine
            .store
            .root_cause(conversation)
            .await?
            .map(RootCauseView::from)
            .unwrap_or_default())
    }

    /// Confirms or changes a conversation's root cause (the suggestion stays) and mirrors it in
    /// its `root:*` tag.
    pub async fn confirm_root_cause(
        &self,
        staff: &Staff,
        conversation: ConversationId,
        input: &ConfirmRootCause,
    ) -> Result<RootCauseView> {
        staff.require(Permission::ManageConversations)?;
        let cause = RootCause::parse(input.cause.trim())?;
        let current = self.engine.conversations().existing(conversation).await?;
        self.set_confirmed(staff, &current, Some(cause)).await?;
        let stale: Vec<String> = current
            .tags
            .iter()
            .filter(|t| t.starts_with(tandem_core::root_cause::TAG_PREFIX) && **t != cause.tag())
            .cloned()
            .collect();
        if !current.tags.contains(&cause.tag()) || !stale.is_empty() {
            self.engine
                .store
                .update_conversation(
                    conversation,
                    ConversationChange {
                        add_tags: vec![cause.tag()],
                        remove_tags: stale,
                        ..Default::default()
                    },
                    staff.actor(),
                )
                .await?;
            self.engine.events().publish_committed().await;
        }
        self.root_cause(staff, conversation).await
    }

    /// What a tag change means for the root cause: adding `root:CAUSE` confirms it (and the
    /// conversation's other `root:*` tags are to go), removing the confirmed cause's tag clears it.
    /// Checked before the tag change is stored, so a `root:` tag naming no cause (or two causes at
    /// once) is refused and nothing changes; [`Insights::apply_root_tags`] carries it out after.
    pub(crate) async fn plan_root_tags(
        &self,
        conversation: &Conversation,
        add: &[String],
        remove: &[String],
    ) -> Result<RootTagPlan> {
        let mut added = None;
        for tag in add {
            if let Some(cause) = RootCause::of_tag(tag)? {
                if added.is_some_and(|a| a != cause) {
                    return Err(Error::invalid(
                        tandem_core::ErrorCode::InvalidRootCause,
                        "a conversation has one root cause: add one root: tag at a time",
                    ));
                }
                added = Some(cause);
            }
        }
        if let Some(cause) = added {
            let stale = conversation
                .tags
                .iter()
                .filter(|t| t.starts_with(tandem_core::root_cause::TAG_PREFIX) && **t != cause.tag())
                .cloned()
                .collect();
            return Ok(RootTagPlan {
                confirm: Some(Some(cause)),
                stale,
            });
        }
        let current = self.engine.store.root_cause(conversation.id).await?;
        let confirmed = current.and_then(|r| r.confirmed);
        let cleared = confirmed.is_some_and(|c| remove.iter().any(|t| *t == c.tag()));
        Ok(RootTagPlan {
            confirm: cleared.then_some(None),
            stale: Vec::new(),
        })
    }

    /// Carries out a [`RootTagPlan`] once the tag change is stored.
    pub(crate) async fn apply_root_tags(
        &self,
        staff: &Staff,
        conversation: &Conversation,
        plan: RootTagPlan,
    ) -> Result<()> {
        match plan.confirm {
            Some(cause) => self.set_confirmed(staff, conversation, cause).await,
            None => Ok(()),
        }
    }

    async fn set_confirmed(
        &self,
        staff: &Staff,
        conversation: &Conversation,
        cause: Option<RootCause>,
    ) -> Result<()> {
        let done = self
            .engine
            .store
            .confirm_root_cause(conversation.id, cause, Some(staff.user().id), self.engine.now())
            .await?;
        if done {
            self.engine.events().publish_committed().await;
        }
        if done || cause.is_none() {
            Ok(())
        } else {
            Err(Error::not_found("conversation"))
        }
    }

    /// Per cause over the last `days` days (1 to 90): owner, counts, trends, spike, examples.
    pub async fn root_causes(&self, staff: &Staff, days: u32) -> Result<RootCauseReport> {
        staff.require(Permission::ViewInsights)?;
        let DaysWindow { today, since, .. } = self.window(days)?;
        let records = self.engine.store.root_causes_since(since).await?;
        let bot = self.engine.runtime().bot();
        let manifest = bot.as_ref().map(|b| &b.pack.manifest);
        Ok(RootCauseReport {
            days,
            causes: trends(&records, manifest, today, days),
        })
    }
}

impl Engine {
    /// The classifier suggestions are made with, rebuilt when confirmations changed.
    async fn cause_classifier(&self) -> Result<Arc<CauseClassifier>> {
        let stamp = self.store.root_cause_stamp().await?;
        if let Ok(cached) = self.root_cause_learned.0.lock() {
            if let Some((at, classifier)) = cached.as_ref() {
                if *at == stamp {
                    return Ok(Arc::clone(classifier));
                }
            }
        }
        let confirmed = self.store.confirmed_root_causes(LEARN_FROM).await?;
        let pairs: Vec<(&str, &str)> = confirmed
            .iter()
            .map(|c| (c.text.as_str(), c.cause.as_str()))
            .collect();
        let classifier = Arc::new(CauseClassifier::new(&pairs));
        if let Ok(mut cached) = self.root_cause_learned.0.lock() {
            *cached = Some((stamp, Arc::clone(&classifier)));
        }
        Ok(classifier)
    }

    /// Suggests the root cause of a case just handed over from its customer's messages. A failure
    /// is logged: the handoff itself is done.
    pub(crate) async fn suggest_root_cause(&self, conversation: &Conversation, messages: &[Message]) {
        match self.try_suggest_root_cause(conversation, messages).await {
            Ok(()) => self.events().publish_committed().await,
            Err(e) => tracing::error!(error = %e, conversation = %conversation.id, "no root cause suggested"),
        }
    }

    /// A person took a case from the bot (its status went from `bot` to the queue or to them):
    /// it is handed over too, so its root cause is suggested from the customer's latest messages.
    pub(crate) async fn taken_from_bot(&self, before: &Conversation, after: &Conversation) {
        if before.status != ConversationStatus::Bot || after.status == ConversationStatus::Bot {
            return;
        }
        if after.status == ConversationStatus::Resolved {
            return;
        }
        match self.store.recent_messages(after.id, false, TAKEN_READS).await {
            Ok(messages) => self.suggest_root_cause(after, &messages).await,
            Err(e) => tracing::error!(error = %e, conversation = %after.id, "no root cause suggested"),
        }
    }

    async fn try_suggest_root_cause(&self, conversation: &Conversation, messages: &[Message]) -> Result<()> {
        let said: Vec<&Message> = messages
            .iter()
            .filter(|m| m.author == Author::Customer && !m.internal)
            .collect();
        let texts: Vec<&str> = said.iter().map(|m| m.text.as_str()).collect();
        let classifier = self.cause_classifier().await?;
        let suggestion = classifier.suggest(&texts);
        let (suggested, confidence, evidence) = match suggestion {
            Some(s) => {
                let evidence: Vec<CauseEvidence> = s
                    .evidence
                    .iter()
                    .filter_map(|e| {
                        Some(CauseEvidence {
                            text: e.text.clone(),
                            message_id: said.get(e.message)?.id,
                            start: e.start,
                            end: e.end,
                            why: e.why.clone(),
                        })
                    })
                    .collect();
                let cause = RootCause::parse(s.cause).ok().filter(|_| !evidence.is_empty());
                (cause, s.confidence.clamp(0.0, 1.0), evidence)
            }
            None => (None, 0.0, Vec::new()),
        };
        let text = texts
            .iter()
            .map(|t| crate::privacy::redact(t))
            .collect::<Vec<_>>()
            .join("\n");
        self.store
            .suggest_root_cause(NewRootCauseSuggestion {
                conversation_id: conversation.id,
                suggested,
                confidence: if suggested.is_some() { confidence } else { 0.0 },
                evidence: serde_json::to_value(if suggested.is_some() { evidence } else { Vec::new() })
                    .map_err(|e| Error::internal(format!("cannot encode evidence: {e}")))?,
                text,
                handed_over_at: self.now(),
            })
            .await
    }

    /// Produces yesterday's digest for each owner, once (whichever instance is first): an event
    /// per owner with their causes' cases that day, the week before and example conversations.
    pub async fn root_cause_digests(&self) -> Result<usize> {
        let yesterday = self.now().date_naive() - Duration::days(1);
        let day = day_name(yesterday);
        let since = day_start(yesterday - Duration::days(6))?;
        let records = self.store.root_causes_since(since).await?;
        let till = day_start(yesterday + Duration::days(1))?;
        let records: Vec<RootCauseRecord> = records.into_iter().filter(|r| r.handed_over_at < till).collect();
        if records.is_empty() || !self.store.claim_digest_day(&day).await? {
            return Ok(0);
        }
        let bot = self.runtime().bot();
        let manifest = bot.as_ref().map(|b| &b.pack.manifest);
        let mut by_owner: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
        for trend in trends(&records, manifest, yesterday, 7) {
            let on_day = trend.per_day.last().map_or(0, |d| d.count);
            if trend.count == 0 {
                continue;
            }
            by_owner
                .entry(trend.owner.clone())
                .or_default()
                .push(serde_json::json!({
                    "cause": trend.cause, "count": on_day, "week": trend.count, "confirmed": trend.confirmed,
                    "spike": trend.spike, "per_day": trend.per_day, "examples": trend.examples,
                }));
        }
        let mut produced = 0;
        for (owner, causes) in by_owner {
            self.store
                .append_event(NewEvent {
                    conversation_id: None,
                    kind: EventKind::RootCauseDigest,
                    actor: Actor::System,
                    data: serde_json::json!({ "owner": owner, "day": day, "causes": causes }),
                })
                .await?;
            produced += 1;
        }
        self.events().publish_committed().await;
        Ok(produced)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(cause: RootCause, confirmed: bool, days_ago: i64) -> RootCauseRecord {
        RootCauseRecord {
            conversation_id: ConversationId::new(),
            suggested: Some(if confirmed { RootCause::Other } else { cause }),
            confidence: 0.5,
            evidence: serde_json::json!([]),
            confirmed: confirmed.then_some(cause),
            confirmed_by: None,
            confirmed_at: None,
            handed_over_at: Utc::now() - Duration::days(days_ago),
        }
    }

    #[test]
    fn a_spike_needs_five_today_and_three_times_the_usual_day() {
        assert!(!is_spike(2, &[0; 29]), "one or two cases never");
        assert!(is_spike(5, &[0; 29]));
        assert!(!is_spike(4, &[0; 29]));
        assert!(is_spike(6, &[2, 2, 2]) && !is_spike(5, &[2, 2, 2]));
        assert!(is_spike(5, &[]), "a one-day window compares with nothing");
    }

    #[test]
    fn cases_count_under_their_confirmed_else_suggested_cause_per_day_and_week() {
        let today = Utc::now().date_naive();
        let records = [
            record(RootCause::Documentation, true, 0),
            record(RootCause::Documentation, false, 3),
            record(RootCause::Process, false, 40),
        ];
        let t = trends(&records, None, today, 30);
        assert_eq!(t.len(), RootCause::ALL.len());
        let doc = t.iter().find(|c| c.cause == RootCause::Documentation).unwrap();
        assert_eq!((doc.count, doc.confirmed), (2, 1));
        assert_eq!(doc.per_day.len(), 30);
        assert_eq!(doc.per_day.last().map(|d| d.count), Some(1));
        assert_eq!(doc.per_week.iter().map(|w| w.count).sum::<i64>(), 2);
        assert_eq!(
            doc.examples.first(),
            Some(&records[0].conversation_id),
            "newest first"
        );
        let other = t.iter().find(|c| c.cause == RootCause::Other).unwrap();
        assert_eq!(other.count, 0, "a confirmed cause replaces the suggestion");
        let process = t.iter().find(|c| c.cause == RootCause::Process).unwrap();
        assert_eq!(process.count, 0, "outside the window");
        assert_eq!(doc.owner, "Customer care", "no pack: customer care owns it");
    }
}
