//! Emerging topics: the customer messages the bot did not understand (it asked again without
//! recognising an intent, or handed the case over for low confidence or as out of scope), grouped
//! into topics with labels made of their own words, new and growing ones first. Each topic comes
//! with an intent draft (a name, and its messages as examples) that a trainer reviews in the
//! content editor before it becomes an intent.

use chrono::Duration;
use serde::Serialize;
use tandem_core::ids::MessageId;
use tandem_core::permission::Permission;
use tandem_core::Error;
use tandem_nlu::topics::{cluster, TopicOptions};
use tandem_store::UnrecognisedMessage;
use utoipa::ToSchema;

use super::{DaysWindow, Insights};
use crate::auth::Staff;
use crate::Result;

/// The newest messages clustered (older ones in the window are left out).
pub const MAX_MESSAGES: i64 = 2_000;
/// A topic has at least this many messages; fewer are noise.
pub const MIN_SIZE: usize = 2;
/// How many examples a topic shows.
const EXAMPLES: usize = 5;
/// How many intent examples a draft carries.
const DRAFT_EXAMPLES: usize = 50;
/// "Recent": today and yesterday (UTC).
const RECENT_DAYS: i64 = 2;

/// A new intent proposed from a topic, for a trainer to review, name and save.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct IntentDraft {
    /// A name made of the label's words (`dog_coats`).
    pub name: String,
    pub description: String,
    /// The topic's messages (the most typical first), as training examples.
    pub examples: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Topic {
    /// Stable while the topic's most typical message stays its most typical.
    pub id: String,
    /// Words from its messages.
    pub label: String,
    /// Its messages in the window.
    pub count: i64,
    /// Of those, the ones from today and yesterday (UTC).
    pub recent: i64,
    /// Every message of it is recent (and the window is longer than that).
    pub new: bool,
    /// Its recent share is at least twice what an even spread over the window would give.
    pub growing: bool,
    /// At most 5 of its messages, verbatim, the most typical first.
    pub examples: Vec<String>,
    /// Its messages (the most typical first).
    pub message_ids: Vec<MessageId>,
    pub draft: IntentDraft,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct TopicReport {
    pub days: u32,
    /// How many messages the bot did not understand were grouped (the window's newest 2,000 at
    /// most).
    pub messages: i64,
    /// New and growing topics first, then by size.
    pub topics: Vec<Topic>,
}

/// An intent name from a label: its words joined by `_`.
fn draft_name(label: &str) -> String {
    let words: Vec<String> = label
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        "new_topic".to_owned()
    } else {
        words.join("_")
    }
}

/// Groups the messages into topics (pure: the clock's today and the window are given).
pub fn topics(messages: &[UnrecognisedMessage], today: chrono::NaiveDate, days: u32) -> Vec<Topic> {
    let texts: Vec<&str> = messages.iter().map(|m| m.text.as_str()).collect();
    let clustering = cluster(&texts, &TopicOptions::default());
    let recent_from = today - Duration::days(RECENT_DAYS - 1);
    let mut out: Vec<Topic> = clustering
        .clusters
        .iter()
        .filter(|c| c.members.len() >= MIN_SIZE)
        .filter_map(|c| {
            let members: Vec<&UnrecognisedMessage> =
                c.members.iter().filter_map(|&i| messages.get(i)).collect();
            let first = members.first()?;
            let count = i64::try_from(members.len()).unwrap_or(i64::MAX);
            let recent = i64::try_from(
                members
                    .iter()
                    .filter(|m| m.at.date_naive() >= recent_from)
                    .count(),
            )
            .unwrap_or(i64::MAX);
            let window = i64::from(days);
            let examples: Vec<String> = members.iter().take(EXAMPLES).map(|m| m.text.clone()).collect();
            Some(Topic {
                id: format!("topic-{}", first.message_id),
                label: c.label.clone(),
                count,
                recent,
                new: window > RECENT_DAYS && recent == count,
                growing: window > RECENT_DAYS && recent >= 2 && recent * window >= 2 * RECENT_DAYS * count,
                examples,
                message_ids: members.iter().map(|m| m.message_id).collect(),
                draft: IntentDraft {
                    name: draft_name(&c.label),
                    description: format!(
                        "Customers asking about {} (from {} messages the bot did not understand).",
                        c.label, count
                    ),
                    examples: members
                        .iter()
                        .take(DRAFT_EXAMPLES)
                        .map(|m| m.text.clone())
                        .collect(),
                },
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (b.new || b.growing)
            .cmp(&(a.new || a.growing))
            .then(b.count.cmp(&a.count))
            .then(a.label.cmp(&b.label))
    });
    out
}

impl Insights<'_> {
    /// The topics of the messages the bot did not understand in the last `days` days (1 to 90).
    pub async fn topics(&self, staff: &Staff, days: u32) -> Result<TopicReport> {
        staff.require(Permission::ViewInsights)?;
        let DaysWindow { today, since, .. } = self.window(days)?;
        let messages = self
            .engine
            .store
            .unrecognised_messages(since, MAX_MESSAGES)
            .await?;
        let count = i64::try_from(messages.len()).unwrap_or(i64::MAX);
        // Clustering a few thousand texts takes a while: off the async workers.
        let topics = tokio::task::spawn_blocking(move || topics(&messages, today, days))
            .await
            .map_err(|e| Error::internal(format!("grouping topics failed: {e}")))?;
        Ok(TopicReport {
            days,
            messages: count,
            topics,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draft_names_are_the_label_words() {
        assert_eq!(draft_name("dog coats"), "dog_coats");
        assert_eq!(draft_name("In-store pickup"), "in_store_pickup");
        assert_eq!(draft_name(""), "new_topic");
    }
}
