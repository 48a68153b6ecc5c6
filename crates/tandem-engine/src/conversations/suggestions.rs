//! Suggestions for an agent working a conversation: the articles that answer the customer's last
//! question and the canned replies that fit it.

use std::collections::BTreeSet;

use serde::Serialize;
use tandem_core::ids::ConversationId;
use tandem_core::model::Author;
use tandem_core::permission::Permission;
use tandem_core::Error;
use utoipa::ToSchema;

use super::{canned, Conversations};
use crate::auth::Staff;
use crate::pack::model::CannedReply;
use crate::Result;

/// Suggestions for an agent working a conversation.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Suggestions {
    pub articles: Vec<SuggestedArticle>,
    /// Up to 3 canned replies that fit the customer's latest message, filled in (see `canned`).
    pub replies: Vec<CannedReply>,
    /// Every canned reply in the pack's order, its variables (`{{customer.first_name}}`,
    /// `{{agent.first_name}}`, `{{order.number}}`) filled in for this conversation and the agent
    /// asking; a variable without a value stays as written.
    pub canned: Vec<CannedReply>,
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

/// Up to `limit` canned replies that share words with the message, those sharing the most first
/// (ties keep the pack's order). A reply that shares nothing with what the customer said is no
/// suggestion ("Refund confirmed" for a torn jacket); every reply stays in the picker.
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
    scored.retain(|(overlap, _, _)| *overlap > 0);
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

impl Conversations<'_> {
    /// Articles and canned replies that fit the customer's latest messages.
    pub async fn suggestions(&self, staff: &Staff, id: ConversationId) -> Result<Suggestions> {
        staff.require(Permission::ViewConversations)?;
        let conversation = self
            .engine
            .store
            .get_conversation(id)
            .await?
            .ok_or_else(|| Error::not_found("conversation"))?;
        let messages = self.engine.store.list_messages(id, false).await?;
        let latest: Vec<&str> = messages
            .iter()
            .rev()
            .filter(|m| m.author == Author::Customer)
            .take(2)
            .map(|m| m.text.as_str())
            .collect();
        let Some(bot) = self.engine.runtime().bot() else {
            return Ok(Suggestions {
                articles: Vec::new(),
                replies: Vec::new(),
                canned: Vec::new(),
            });
        };
        let question = latest.iter().rev().copied().collect::<Vec<_>>().join("\n");
        let threshold = bot.knowledge.threshold();
        let decisions = self.engine.store.list_decisions(id).await?;
        // The articles of the request the bot recognised come first, whatever words the customer
        // used ("a small tear near the pocket" shares none with "faulty or damaged"); then the
        // best passages of the whole knowledge base.
        let own_tags = decisions
            .iter()
            .rev()
            .find_map(|d| d.intent.as_deref())
            .and_then(|i| bot.intents.get(i))
            .map(|def| def.article_tags.clone())
            .unwrap_or_default();
        let own = if own_tags.is_empty() {
            Vec::new()
        } else {
            bot.knowledge.search(&question, &own_tags, 3)
        };
        let mut articles: Vec<SuggestedArticle> = Vec::new();
        for (p, own) in own.into_iter().map(|p| (p, true)).chain(
            bot.knowledge
                .search(&question, &[], 10)
                .into_iter()
                .map(|p| (p, false)),
        ) {
            if !own && p.score < threshold || articles.iter().any(|a| a.slug == p.slug) {
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
        let context = canned::canned_context(&conversation, &staff.user().name, &decisions);
        let canned = canned::fill_all(&bot.pack.manifest.canned_replies, &context);
        let replies = rank_canned_replies(&canned, &question, 3);
        Ok(Suggestions {
            articles,
            replies,
            canned,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(titles, ["Refund", "Order number"]);
        // Nothing in common with the message: no suggestion.
        assert!(rank_canned_replies(&replies, "zzz", 2).is_empty());
    }

    #[test]
    fn snippets_are_short_and_end_at_a_word() {
        let s = snippet("one two three four five six seven", 14);
        assert_eq!(s, "one two three…");
        assert_eq!(snippet("short", 10), "short");
    }
}
