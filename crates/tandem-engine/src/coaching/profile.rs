//! A staff member's skill profile from their scored replies: each skill's average and count, a
//! weekly trend, their best moments (for each skill the reply that showed it best, quoted) and
//! suggestions for the skills they rarely show. Pure: the service reads the scores, this adds them up.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tandem_core::ids::{ConversationId, MessageId};
use tandem_nlu::quality::{Scores, Skill};
use utoipa::ToSchema;

use super::tips::tip;
use crate::num::usize_to_f64;

/// One scored reply.
#[derive(Clone, Debug)]
pub struct Scored {
    pub message_id: MessageId,
    pub conversation_id: ConversationId,
    pub written_at: DateTime<Utc>,
    pub scores: Scores,
}

/// A skill's average score (0 to 1) over `count` replies.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct SkillAverage {
    pub average: f64,
    pub count: usize,
}

/// Every skill's average, by skill name.
pub type Averages = BTreeMap<&'static str, SkillAverage>;

/// One week of a profile (weeks start on Monday).
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Week {
    /// The week's Monday, `YYYY-MM-DD`.
    pub week: String,
    pub count: usize,
    /// Each skill's average that week.
    #[schema(value_type = Object)]
    pub skills: BTreeMap<&'static str, f64>,
}

/// A reply that showed a skill well, with the words that show it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Highlight {
    #[schema(value_type = String)]
    pub message_id: MessageId,
    #[schema(value_type = String)]
    pub conversation_id: ConversationId,
    pub skill: &'static str,
    /// A quote of the reply: the sentence with the words that show the skill.
    pub text: String,
    pub score: f64,
    /// The words that show it, as character offsets into the reply.
    #[serde(skip)]
    pub span: (usize, usize),
}

/// A reply where a suggestion would have helped.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Example {
    #[schema(value_type = String)]
    pub message_id: MessageId,
    #[schema(value_type = String)]
    pub conversation_id: ConversationId,
    pub quote: String,
}

/// One thing to try, for a skill the replies rarely show.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Suggestion {
    pub skill: &'static str,
    pub text: String,
    /// One of the agent's own replies that did not show it.
    pub example: Option<Example>,
}

/// Each skill's mean score and how many replies it covers.
pub fn averages<'a>(scores: impl Iterator<Item = &'a Scores> + Clone) -> Averages {
    Skill::ALL
        .into_iter()
        .map(|skill| {
            let (sum, count) = scores
                .clone()
                .fold((0.0, 0usize), |(sum, n), s| (sum + s.get(skill).score, n + 1));
            let average = if count == 0 {
                0.0
            } else {
                sum / usize_to_f64(count)
            };
            (skill.as_str(), SkillAverage { average, count })
        })
        .collect()
}

/// The Monday of the week `at` falls in.
fn monday(at: DateTime<Utc>) -> NaiveDate {
    tandem_core::clock::week_start(at.date_naive())
}

/// One entry per week with replies, oldest first.
pub fn trend(replies: &[Scored]) -> Vec<Week> {
    let mut weeks: BTreeMap<NaiveDate, Vec<&Scores>> = BTreeMap::new();
    for r in replies {
        weeks.entry(monday(r.written_at)).or_default().push(&r.scores);
    }
    weeks
        .into_iter()
        .map(|(week, scores)| Week {
            week: tandem_core::clock::day_name(week),
            count: scores.len(),
            skills: averages(scores.iter().copied())
                .into_iter()
                .map(|(skill, a)| (skill, a.average))
                .collect(),
        })
        .collect()
}

/// The words of a reply that show a skill best (its longest evidence span) and where they are.
fn quote(scores: &Scores, skill: Skill) -> Option<(String, (usize, usize))> {
    scores
        .get(skill)
        .evidence
        .iter()
        .max_by_key(|e| e.text.chars().count())
        .map(|e| (e.text.clone(), (e.start, e.end)))
}

/// The sentence of `text` around the characters `start..end` (the span itself when it crosses
/// sentences), trimmed: a quote that reads on its own.
pub fn sentence_around(text: &str, (start, end): (usize, usize)) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    if start >= end || end > chars.len() {
        return None;
    }
    let stops = |c: &char| matches!(c, '.' | '!' | '?' | ';' | '\n');
    let from = chars.iter().take(start).rposition(stops).map_or(0, |i| i + 1);
    let to = chars
        .iter()
        .skip(end)
        .position(stops)
        .map_or(chars.len(), |i| end + i + 1);
    let sentence: String = chars.get(from..to)?.iter().collect();
    Some(sentence.trim().to_owned())
}

/// For each skill, the reply that showed it best when it reached level 1 or more (the newest of
/// equals).
pub fn highlights(replies: &[Scored]) -> Vec<Highlight> {
    Skill::ALL
        .into_iter()
        .filter_map(|skill| {
            let best = replies
                .iter()
                .filter(|r| r.scores.get(skill).level >= 1)
                .max_by(|a, b| {
                    a.scores
                        .get(skill)
                        .score
                        .total_cmp(&b.scores.get(skill).score)
                        .then(a.written_at.cmp(&b.written_at))
                })?;
            let (text, span) = quote(&best.scores, skill)?;
            Some(Highlight {
                message_id: best.message_id,
                conversation_id: best.conversation_id,
                skill: skill.as_str(),
                text,
                score: best.scores.get(skill).score,
                span,
            })
        })
        .collect()
}

/// A suggestion for each skill that most replies did not show (level 0 in more than half of
/// them), weakest first; none for a skill every reply showed. Greeting and closing belong to the
/// first and last reply of a conversation, so they are judged on whether a conversation had them
/// at all, not reply by reply.
/// Each example's `quote` is left empty for the caller to fill with the reply's text.
pub fn suggestions(replies: &[Scored]) -> Vec<Suggestion> {
    let mut weak: Vec<(f64, Suggestion)> = Skill::ALL
        .into_iter()
        .filter_map(|skill| {
            let shown = shown_share(replies, skill)?;
            if shown >= 0.5 {
                return None;
            }
            let missed = replies
                .iter()
                .filter(|r| r.scores.get(skill).level == 0)
                .max_by_key(|r| r.written_at)?;
            let example = Some(Example {
                message_id: missed.message_id,
                conversation_id: missed.conversation_id,
                quote: String::new(),
            });
            Some((
                shown,
                Suggestion {
                    skill: skill.as_str(),
                    text: tip(skill).to_owned(),
                    example,
                },
            ))
        })
        .collect();
    weak.sort_by(|a, b| a.0.total_cmp(&b.0));
    weak.into_iter().map(|(_, s)| s).collect()
}

/// The share (0 to 1) of units that showed the skill: replies, or for greeting and closing,
/// conversations. `None` when there is nothing to judge.
fn shown_share(replies: &[Scored], skill: Skill) -> Option<f64> {
    let per_conversation = matches!(skill, Skill::Greeting | Skill::Closing);
    let (shown, total) = if per_conversation {
        let mut by_conversation: BTreeMap<ConversationId, bool> = BTreeMap::new();
        for r in replies {
            *by_conversation.entry(r.conversation_id).or_default() |= r.scores.get(skill).level >= 1;
        }
        (
            by_conversation.values().filter(|s| **s).count(),
            by_conversation.len(),
        )
    } else {
        (
            replies.iter().filter(|r| r.scores.get(skill).level >= 1).count(),
            replies.len(),
        )
    };
    (total > 0).then(|| usize_to_f64(shown) / usize_to_f64(total))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use chrono::{Datelike, Duration};

    fn scored(conversation: u128, minutes: i64, reply: &str) -> Scored {
        Scored {
            message_id: uuid::Uuid::now_v7().to_string().parse().unwrap(),
            conversation_id: uuid::Uuid::from_u128(conversation).to_string().parse().unwrap(),
            written_at: DateTime::<Utc>::from_timestamp(1_764_000_000, 0).unwrap()
                + Duration::minutes(minutes),
            scores: tandem_nlu::quality::score("My jacket arrived torn.", reply),
        }
    }

    #[test]
    fn averages_count_every_reply_and_stay_in_range() {
        let replies = [
            scored(1, 0, "I'm so sorry, I understand how frustrating that is."),
            scored(1, 1, "Send a photo."),
        ];
        let avg = averages(replies.iter().map(|r| &r.scores));
        assert_eq!(avg.len(), 9);
        assert!(avg
            .values()
            .all(|a| a.count == 2 && (0.0..=1.0).contains(&a.average)));
        assert!(averages(std::iter::empty::<&Scores>())
            .values()
            .all(|a| a.count == 0 && a.average == 0.0));
    }

    #[test]
    fn a_quote_is_the_sentence_around_the_evidence() {
        let text = "Hi Tom! I'm so sorry, I understand how frustrating it is. I've refunded it.";
        let start = text.find("I understand").unwrap();
        let span = (start, start + "I understand how".len());
        assert_eq!(
            sentence_around(text, span).unwrap(),
            "I'm so sorry, I understand how frustrating it is."
        );
        assert_eq!(
            sentence_around("Über 😊 so sorry", (7, 9)).unwrap(),
            "Über 😊 so sorry"
        );
        assert_eq!(sentence_around("short", (2, 9)), None);
    }

    #[test]
    fn the_trend_groups_replies_by_monday() {
        let replies = [scored(1, 0, "Hello"), scored(1, 60 * 24 * 7, "Hello")];
        let weeks = trend(&replies);
        assert_eq!(weeks.len(), 2);
        assert!(weeks[0].week < weeks[1].week);
        let monday = NaiveDate::parse_from_str(&weeks[0].week, "%Y-%m-%d").unwrap();
        assert_eq!(monday.weekday(), chrono::Weekday::Mon);
    }

    #[test]
    fn a_skill_no_reply_shows_gets_a_suggestion_and_one_every_reply_shows_gets_none() {
        let curt = [scored(1, 0, "Send a photo."), scored(2, 1, "Read the FAQ.")];
        let tips = suggestions(&curt);
        let empathy = tips
            .iter()
            .find(|s| s.skill == "empathy")
            .expect("an empathy tip");
        assert_eq!(
            empathy.example.as_ref().unwrap().message_id,
            curt[1].message_id,
            "the newest miss"
        );
        let warm = [scored(
            1,
            0,
            "I'm so sorry this happened, I understand how frustrating it must be.",
        )];
        assert!(warm[0].scores.empathy.level >= 1);
        assert!(suggestions(&warm).iter().all(|s| s.skill != "empathy"));
        let best = highlights(&warm);
        let h = best.iter().find(|h| h.skill == "empathy").unwrap();
        assert!(!h.text.is_empty());
    }
}
