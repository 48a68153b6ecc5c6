//! Coaching: agents' replies scored on the soft-skill rubric (live, from the event log), skill
//! profiles with trends, best moments and suggestions from each agent's own conversations, the
//! team view for supervisors, practice with simulated customers, and certifications.
//!
//! The rubric scores observable behaviour in the text, never a person's emotions. Agents see their
//! own scores and profile; supervisors and admins see everyone's (`coach_agents`). Practice results
//! are private to the agent unless they share a session.

pub mod certifications;
pub mod practice;
pub mod profile;
pub mod scoring;
mod tips;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tandem_core::ids::{ConversationId, MessageId, UserId};
use tandem_core::permission::Permission;
use tandem_core::{Error, ErrorCode};
use tandem_nlu::quality::Scores;
use tandem_store::ReplyScore;
use utoipa::ToSchema;

use crate::auth::Staff;
use crate::{Engine, Result};
use profile::{Averages, Highlight, Scored, Suggestion, Week};

/// Scores read for one profile, at most (the newest).
pub const PROFILE_REPLIES: i64 = 1000;
/// Scores read per agent for the team view, at most (the newest).
pub const TEAM_REPLIES: i64 = 200;

/// Reply scoring, profiles and the team view.
#[derive(Clone, Copy)]
pub struct Coaching<'e> {
    pub(crate) engine: &'e Engine,
}

/// One scored reply of a conversation.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReplyQuality {
    #[schema(value_type = String)]
    pub message_id: MessageId,
    #[schema(value_type = String)]
    pub author_id: UserId,
    pub created_at: DateTime<Utc>,
    /// `{skill: {level 0-2, score 0-1, reason, evidence: [{start, end, text, why}]}}`; offsets count
    /// characters (code points) of the reply.
    #[schema(value_type = Object)]
    pub skills: Scores,
}

/// A staff member's coaching profile.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Profile {
    #[schema(value_type = String)]
    pub user_id: UserId,
    pub name: String,
    /// How many scored replies it covers.
    pub replies: usize,
    /// Each skill's average score and count.
    #[schema(value_type = Object)]
    pub skills: Averages,
    /// Week by week, oldest first.
    pub trend: Vec<Week>,
    /// Best moments: for each skill, the reply that showed it best.
    pub highlights: Vec<Highlight>,
    /// For the skills most replies did not show, weakest first; coaching shows one at a time.
    pub suggestions: Vec<Suggestion>,
}

/// One member of the team view.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TeamMember {
    #[schema(value_type = String)]
    pub user_id: UserId,
    pub name: String,
    pub role: String,
    pub replies: usize,
    #[schema(value_type = Object)]
    pub skills: Averages,
    /// The certifications they hold.
    pub certifications: Vec<String>,
}

/// A stored score as the scorer's answer, or `None` (logged) when it cannot be read.
fn scored(stored: ReplyScore) -> Option<Scored> {
    match serde_json::from_value::<Scores>(stored.skills) {
        Ok(scores) => Some(Scored {
            message_id: stored.message_id,
            conversation_id: stored.conversation_id,
            written_at: stored.written_at,
            scores,
        }),
        Err(e) => {
            tracing::error!(error = %e, message = %stored.message_id, "a stored reply score is unreadable");
            None
        }
    }
}

impl Coaching<'_> {
    /// Scores a reply to `context` on the rubric: the one scorer live scoring and practice share
    /// (with the learned layer when `quality_model` is configured).
    pub fn score(&self, context: &str, reply: &str) -> Scores {
        tandem_nlu::quality::score_with(self.engine.config.quality_model.as_deref(), context, reply)
    }

    /// Whether `staff` may see `user`'s scores and coaching: their own, or as a coach.
    pub(crate) fn may_see(staff: &Staff, user: UserId) -> Result<()> {
        if staff.user().id == user {
            Ok(())
        } else {
            staff.require(Permission::CoachAgents)
        }
    }

    /// The scored replies of a conversation, oldest first: an agent sees their own, a coach
    /// everyone's.
    pub async fn conversation(&self, staff: &Staff, id: ConversationId) -> Result<Vec<ReplyQuality>> {
        staff.require(Permission::ViewConversations)?;
        let store = &self.engine.store;
        if store.get_conversation(id).await?.is_none() {
            return Err(Error::missing(ErrorCode::NotFound, "no such conversation"));
        }
        let coach = staff.require(Permission::CoachAgents).is_ok();
        Ok(store
            .conversation_reply_scores(id)
            .await?
            .into_iter()
            .filter(|s| coach || s.author_id == staff.user().id)
            .filter_map(|stored| {
                let author_id = stored.author_id;
                scored(stored).map(|s| ReplyQuality {
                    message_id: s.message_id,
                    author_id,
                    created_at: s.written_at,
                    skills: s.scores,
                })
            })
            .collect())
    }

    /// A staff member's profile from their newest [`PROFILE_REPLIES`] scored replies.
    pub async fn profile(&self, staff: &Staff, user: UserId) -> Result<Profile> {
        Self::may_see(staff, user)?;
        let store = &self.engine.store;
        let person = store
            .get_user(user)
            .await?
            .ok_or_else(|| Error::missing(ErrorCode::NotFound, "no such staff member"))?;
        let replies: Vec<Scored> = store
            .author_reply_scores(user, PROFILE_REPLIES)
            .await?
            .into_iter()
            .filter_map(scored)
            .collect();
        let mut highlights = profile::highlights(&replies);
        let mut suggestions = profile::suggestions(&replies);
        // The texts quoted, each reply read once (one reply is often several skills' example).
        let quoted: std::collections::BTreeSet<MessageId> = highlights
            .iter()
            .map(|h| h.message_id)
            .chain(
                suggestions
                    .iter()
                    .filter_map(|s| s.example.as_ref().map(|e| e.message_id)),
            )
            .collect();
        let mut texts = std::collections::HashMap::new();
        for id in quoted {
            if let Some(m) = store.get_message(id).await? {
                texts.insert(id, m.text);
            }
        }
        for highlight in &mut highlights {
            let text = texts.get(&highlight.message_id);
            if let Some(sentence) = text.and_then(|t| profile::sentence_around(t, highlight.span)) {
                highlight.text = sentence;
            }
        }
        for suggestion in &mut suggestions {
            let Some(example) = suggestion.example.as_mut() else {
                continue;
            };
            match texts.get(&example.message_id) {
                Some(text) if !text.is_empty() => example.quote = text.clone(),
                _ => suggestion.example = None,
            }
        }
        Ok(Profile {
            user_id: user,
            name: person.name,
            replies: replies.len(),
            skills: profile::averages(replies.iter().map(|r| &r.scores)),
            trend: profile::trend(&replies),
            highlights,
            suggestions,
        })
    }

    /// Every active staff member who writes to customers, with their averages and certifications.
    pub async fn team(&self, staff: &Staff) -> Result<Vec<TeamMember>> {
        staff.require(Permission::CoachAgents)?;
        let store = &self.engine.store;
        let certifications = store.certifications(None).await?;
        let mut team = Vec::new();
        for user in store.list_users().await?.into_iter().filter(|u| u.active) {
            let scores: Vec<Scores> = store
                .author_reply_scores(user.id, TEAM_REPLIES)
                .await?
                .into_iter()
                .filter_map(scored)
                .map(|s| s.scores)
                .collect();
            let is_agent = user.role == tandem_core::model::Role::Agent;
            if !is_agent && scores.is_empty() {
                continue;
            }
            team.push(TeamMember {
                user_id: user.id,
                name: user.name,
                role: user.role.as_str().to_owned(),
                replies: scores.len(),
                skills: profile::averages(scores.iter()),
                certifications: certifications
                    .iter()
                    .filter(|c| c.user_id == user.id)
                    .map(|c| c.skill.clone())
                    .collect(),
            });
        }
        Ok(team)
    }
}
