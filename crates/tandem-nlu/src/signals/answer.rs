//! How the message answers the bot's last turn.

use super::lexicon::{self, Feeds};
use super::pattern::Hit;
use super::score::Acc;
use super::tokens::Tokens;
use super::{Context, SignalDetector, Source};

impl SignalDetector {
    /// How the message answers the bot's last turn: rejecting a proposal or the details the bot
    /// asked to confirm, "not that one either", "what?", "hello? are you there?".
    pub(super) fn answer_cues(&self, text: &str, msg: &Tokens, context: &Context<'_>, frustration: &mut Acc) {
        let Some(first) = msg.list.first().copied() else {
            return;
        };
        let src = Source::Message;
        let opening = msg.norm(0);
        // What the bot's last turn asked for (read only when the answer needs it).
        let asked = || {
            context.bot_turns.last().and_then(|turn| {
                let tokens = Tokens::new(turn);
                let mut hits = Vec::new();
                self.asks.find(&tokens, &mut hits);
                let feeds = |h: &Hit| self.asks.get(h.pattern).map(|p| p.data.feeds);
                // An offer of a person wins; otherwise the last question asked is the one answered.
                hits.iter()
                    .max_by_key(|h| (feeds(h) == Some(Feeds::BotOffersPerson), h.last, h.first))
                    .and_then(feeds)
            })
        };
        let negated_answer = lexicon::NEGATED_ANSWERS.contains(&opening)
            && !context.bot_turns.is_empty()
            && !lexicon::LITOTES.contains(&msg.norm(1));
        if opens_with_rejection(msg) || negated_answer {
            // "No" rejects what the bot said or proposed, unless the bot asked whether there is anything
            // else ("no" = done) or about a preference ("no" = none); without a bot turn it is mild.
            let (cue, weight) = match asked() {
                Some(Feeds::BotConfirms) => ("rejected_confirmation", lexicon::STRONG),
                Some(Feeds::BotCloses | Feeds::BotOffersPerson) => ("", 0.0),
                Some(Feeds::BotAsksPreference) => ("rejection", lexicon::MILD),
                _ if context.bot_turns.is_empty() => ("rejection", lexicon::MILD),
                _ => ("rejected_proposal", lexicon::CLEAR),
            };
            if weight > 0.0 {
                frustration.add(cue, weight, src, text, first.start, first.end);
            }
        } else if lexicon::CORRECTION_OPENERS.contains(&opening) && asked() == Some(Feeds::BotConfirms) {
            frustration.add(
                "corrected_confirmation",
                lexicon::CLEAR,
                src,
                text,
                first.start,
                first.end,
            );
        }
        // "Not that one either", "that wouldn't work either", "not this one as well".
        for (i, t) in msg.list.iter().enumerate().skip(1) {
            let word = msg.norm(i);
            let as_well = word == "well" && msg.norm(i - 1) == "as";
            if !(lexicon::AGAIN_AFTER_NEGATION.contains(&word) || as_well) {
                continue;
            }
            let negated = msg
                .list
                .iter()
                .enumerate()
                .take(i)
                .rev()
                .take_while(|(_, u)| u.clause == t.clause)
                .any(|(j, _)| self.negators.contains(msg.norm(j)));
            if negated || word == "neither" {
                frustration.add("rejected_again", lexicon::CLEAR, src, text, t.start, t.end);
                break;
            }
        }
        // A bare "what?" or "hello?" mid-conversation.
        if msg.len() <= 2 && msg.questions > 0 {
            if lexicon::BEWILDERED.contains(&opening) {
                frustration.add("bewildered", lexicon::CLEAR, src, text, first.start, first.end);
            } else if lexicon::GREETINGS.contains(&opening) && !context.bot_turns.is_empty() {
                frustration.add(
                    "still_there_check",
                    lexicon::STRONG,
                    src,
                    text,
                    first.start,
                    first.end,
                );
            }
        }
    }
}

/// The message opens with "no", "nope", "wrong" … and not with "no problem", "no worries".
pub(super) fn opens_with_rejection(msg: &Tokens) -> bool {
    lexicon::REJECTIONS.contains(&msg.norm(0)) && !lexicon::REASSURANCES.contains(&msg.norm(1))
}
