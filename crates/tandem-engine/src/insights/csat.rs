//! Customer satisfaction: after a case is resolved the widget asks its customer for a rating from
//! 1 to 5 and an optional comment; a second rating replaces the first. A low rating of the bot's
//! work alone puts its last answer in the trainers' review queue. The figures read each
//! conversation's latest rating, for bot-only and human-handled conversations, per intent, team
//! and agent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tandem_core::ids::ConversationId;
use tandem_core::model::{Author, ConversationStatus};
use tandem_core::review::ReviewReason;
use tandem_core::{Error, ErrorCode};
use tandem_store::RatedConversation;
use utoipa::ToSchema;

use super::Insights;
use crate::{num, Result};

/// The longest comment kept (characters); longer ones are cut.
pub const MAX_COMMENT_CHARS: usize = 2_000;
/// A rating this low of a conversation the bot handled alone puts the bot's last answer in the
/// trainers' review queue (as an unhelpful answer).
pub const LOW_SCORE: i64 = 2;

/// A customer's rating of their resolved conversation.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// 1 (very unhappy) to 5 (very happy).
    pub score: i64,
    /// Optional words; personal data in it is redacted before it is kept.
    #[serde(default)]
    pub comment: Option<String>,
}

/// What a rating did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Rated {
    pub score: i64,
    /// It replaced the conversation's earlier rating.
    pub replaced: bool,
}

/// A conversation's rating as an export shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct RatingView {
    pub score: i64,
    /// Personal data in it was redacted when it was given.
    pub comment: String,
    pub rated_at: chrono::DateTime<chrono::Utc>,
}

impl From<tandem_store::Rating> for RatingView {
    fn from(r: tandem_store::Rating) -> Self {
        Self {
            score: r.score,
            comment: r.comment,
            rated_at: r.rated_at,
        }
    }
}

/// An average with how many ratings it is over; `average` is null when there are none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Satisfaction {
    pub average: Option<f64>,
    pub count: i64,
}

/// Satisfaction for one group (an intent, a team, an agent).
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct GroupSatisfaction {
    /// The intent's name, the team's or the agent's (null id: none).
    pub name: String,
    pub id: Option<String>,
    pub average: Option<f64>,
    pub count: i64,
}

/// CSAT over a window: each conversation's latest rating given in it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Csat {
    pub average: Option<f64>,
    pub count: i64,
    /// Conversations the bot handled alone (never handed to a person).
    pub bot: Satisfaction,
    /// Conversations a person took part in.
    pub human: Satisfaction,
    /// Per the first intent the bot recognised (conversations without one are left out).
    pub by_intent: Vec<GroupSatisfaction>,
    /// Per the conversation's team (human-handled ones).
    pub by_team: Vec<GroupSatisfaction>,
    /// Per the agent the conversation is assigned to (human-handled ones).
    pub by_agent: Vec<GroupSatisfaction>,
}

fn satisfaction<'a>(scores: impl Iterator<Item = &'a RatedConversation>) -> Satisfaction {
    let (sum, count) = scores.fold((0_i64, 0_i64), |(s, n), r| (s + r.score, n + 1));
    Satisfaction {
        average: (count > 0).then(|| num::i64_to_f64(sum) / num::i64_to_f64(count)),
        count,
    }
}

fn groups(
    ratings: &[RatedConversation],
    key: impl Fn(&RatedConversation) -> Option<String>,
    name: impl Fn(&str) -> String,
) -> Vec<GroupSatisfaction> {
    let mut by: BTreeMap<String, Vec<&RatedConversation>> = BTreeMap::new();
    for r in ratings {
        if let Some(k) = key(r) {
            by.entry(k).or_default().push(r);
        }
    }
    let mut out: Vec<GroupSatisfaction> = by
        .into_iter()
        .map(|(id, rs)| {
            let s = satisfaction(rs.into_iter());
            GroupSatisfaction {
                name: name(&id),
                id: Some(id),
                average: s.average,
                count: s.count,
            }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    out
}

/// The CSAT figures of these ratings (each conversation's latest).
pub fn csat(
    ratings: &[RatedConversation],
    team_name: impl Fn(&str) -> String,
    agent_name: impl Fn(&str) -> String,
) -> Csat {
    let all = satisfaction(ratings.iter());
    let human: Vec<RatedConversation> = ratings.iter().filter(|r| r.handed_over).cloned().collect();
    Csat {
        average: all.average,
        count: all.count,
        bot: satisfaction(ratings.iter().filter(|r| !r.handed_over)),
        human: satisfaction(human.iter()),
        by_intent: groups(ratings, |r| r.intent.clone(), str::to_owned),
        by_team: groups(&human, |r| r.team_id.map(|t| t.to_string()), team_name),
        by_agent: groups(&human, |r| r.assignee_id.map(|u| u.to_string()), agent_name),
    }
}

/// A rating's score must be 1 to 5.
pub fn check_score(score: i64) -> Result<()> {
    if (1..=5).contains(&score) {
        Ok(())
    } else {
        Err(Error::invalid(
            ErrorCode::InvalidScore,
            format!("a rating is a whole number from 1 to 5, not {score}"),
        ))
    }
}

impl Insights<'_> {
    /// The customer (by their conversation's token) rates their resolved conversation; a second
    /// rating replaces the first.
    pub async fn rate(
        &self,
        conversation: ConversationId,
        token: &str,
        input: &RatingInput,
    ) -> Result<Rated> {
        self.engine.auth().customer(conversation, token).await?;
        check_score(input.score)?;
        let current = self.engine.conversations().existing(conversation).await?;
        if current.status != ConversationStatus::Resolved {
            return Err(Error::conflict(
                ErrorCode::NotResolved,
                "a conversation can be rated once it is resolved",
            ));
        }
        let comment: String = input
            .comment
            .as_deref()
            .unwrap_or("")
            .trim()
            .chars()
            .take(MAX_COMMENT_CHARS)
            .collect();
        let replaced = self
            .engine
            .store
            .put_rating(
                conversation,
                input.score,
                &crate::privacy::redact(&comment),
                self.engine.now(),
            )
            .await?;
        if input.score <= LOW_SCORE {
            if let Err(e) = self.review_bot_answer(&current).await {
                tracing::error!(error = %e, %conversation, "a low rating could not be queued for review");
            }
        }
        Ok(Rated {
            score: input.score,
            replaced,
        })
    }

    /// Queues the bot's last message of a conversation no person took part in for the trainers'
    /// review: the customer rated the bot's work low.
    async fn review_bot_answer(&self, conversation: &tandem_core::model::Conversation) -> Result<()> {
        if conversation.handoff_reason.is_some() || conversation.assignee_id.is_some() {
            return Ok(());
        }
        let messages = self.engine.store.list_messages(conversation.id, false).await?;
        if messages.iter().any(|m| m.author == Author::Agent) {
            return Ok(());
        }
        if let Some(answer) = messages.iter().rfind(|m| m.author == Author::Bot) {
            self.engine
                .reviews()
                .queue_answer(answer, ReviewReason::NegativeFeedback, None)
                .await?;
        }
        Ok(())
    }

    /// CSAT over the ratings given since `since`, with team and agent names.
    pub(crate) async fn csat_since(&self, since: chrono::DateTime<chrono::Utc>) -> Result<Csat> {
        let ratings = self.engine.store.ratings_since(since).await?;
        let teams = self.engine.store.list_teams().await?;
        let users = self.engine.store.list_users().await?;
        Ok(csat(
            &ratings,
            |id| {
                teams
                    .iter()
                    .find(|t| t.id.to_string() == id)
                    .map_or_else(|| "Unknown team".to_owned(), |t| t.name.clone())
            },
            |id| {
                users
                    .iter()
                    .find(|u| u.id.to_string() == id)
                    .map_or_else(|| "Unknown agent".to_owned(), |u| u.name.clone())
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn rated(score: i64, handed_over: bool, intent: Option<&str>) -> RatedConversation {
        RatedConversation {
            conversation_id: ConversationId::new(),
            score,
            rated_at: Utc::now(),
            handed_over,
            team_id: None,
            assignee_id: None,
            intent: intent.map(str::to_owned),
        }
    }

    #[test]
    fn splits_bot_and_human_and_groups_by_intent() {
        let r = [
            rated(5, false, Some("faq")),
            rated(2, true, None),
            rated(3, false, Some("faq")),
        ];
        let c = csat(&r, str::to_owned, str::to_owned);
        assert_eq!(c.count, 3);
        assert!((c.average.unwrap() - 10.0 / 3.0).abs() < 1e-9);
        assert_eq!((c.bot.count, c.bot.average), (2, Some(4.0)));
        assert_eq!((c.human.count, c.human.average), (1, Some(2.0)));
        assert_eq!(c.by_intent.len(), 1);
        assert_eq!(c.by_intent[0].count, 2);
    }

    #[test]
    fn no_ratings_means_null_averages() {
        let c = csat(&[], str::to_owned, str::to_owned);
        assert_eq!(
            (c.count, c.average, c.bot.average, c.human.average),
            (0, None, None, None)
        );
    }

    #[test]
    fn scores_are_1_to_5() {
        assert!(check_score(0).is_err() && check_score(6).is_err());
        assert!(check_score(1).is_ok() && check_score(5).is_ok());
    }
}
