//! What the bot did before the message: failed, apologised, offered a person, went in circles.

use super::earlier::similar;
use super::lexicon::{self, Feeds};
use super::pattern::{Hit, WordSet};
use super::score::Acc;
use super::tokens::Tokens;
use super::{span, Context, SignalDetector, Source, MAX_BOT_TURNS};

impl SignalDetector {
    /// The bot's last turn (failure, apology, offer of a person), earlier failures, a bot loop.
    pub(super) fn bot_turn_cues(
        &self,
        text: &str,
        msg: &Tokens,
        context: &Context<'_>,
        frustration: &mut Acc,
        human: &mut Acc,
    ) {
        let turns = &context.bot_turns;
        let Some(last_index) = turns.len().checked_sub(1) else {
            return;
        };
        let last_text = turns.get(last_index).copied().unwrap_or("");
        let last = Tokens::new(last_text);
        let src = Source::BotTurn(last_index);
        for hit in &self.hits(&self.bot, &last) {
            let Some(cue) = self.bot.get(hit.pattern).map(|p| p.data) else {
                continue;
            };
            let Some((start, end)) = span(&last, hit.first, hit.last) else {
                continue;
            };
            match cue.feeds {
                Feeds::BotFailure => frustration.add(cue.name, cue.weight, src, last_text, start, end),
                Feeds::BotOffersPerson if accepts_offer(msg, &self.negators) => {
                    if let Some(first) = msg.list.first() {
                        human.add(
                            "accepted_offer_of_person",
                            0.8,
                            Source::Message,
                            text,
                            first.start,
                            first.end,
                        );
                    }
                }
                _ => {}
            }
        }
        let last_content = self.content_words(&last);
        let from = turns.len().saturating_sub(MAX_BOT_TURNS);
        for (index, turn) in turns.iter().enumerate().take(last_index).skip(from) {
            let tokens = Tokens::new(turn);
            let src = Source::BotTurn(index);
            // An earlier failure: the customer has already been let down before.
            let weight = |h: &Hit| self.bot.get(h.pattern).map_or(0.0, |p| p.data.weight);
            let worst = self
                .hits(&self.bot, &tokens)
                .into_iter()
                .filter(|h| {
                    self.bot
                        .get(h.pattern)
                        .is_some_and(|p| p.data.feeds == Feeds::BotFailure)
                })
                .max_by(|a, b| weight(a).total_cmp(&weight(b)));
            if let Some(h) = worst {
                if let Some((start, end)) = span(&tokens, h.first, h.last) {
                    frustration.add("earlier_bot_failure", 0.2, src, turn, start, end);
                }
            }
            // The bot said (nearly) the same thing again: it is going in circles.
            if similar(&last_content, &self.content_words(&tokens), 0.7) {
                if let Some((s, e)) = span(&last, 0, last.len()) {
                    frustration.add(
                        "bot_repeated_itself",
                        lexicon::CLEAR,
                        Source::BotTurn(last_index),
                        last_text,
                        s,
                        e,
                    );
                }
            }
        }
    }
}

/// The message starts with a yes and does not say no.
fn accepts_offer(msg: &Tokens, negators: &WordSet) -> bool {
    msg.len() <= 8
        && lexicon::AFFIRMATIVE.contains(&msg.norm(0))
        && !(0..msg.len()).any(|i| negators.contains(msg.norm(i)))
}
