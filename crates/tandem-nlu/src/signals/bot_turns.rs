//! What the bot did before the message: failed, apologised, offered a person, went in circles.
//!
//! The bot's words are never evidence of frustration themselves: a calm customer who moves on to
//! another question after "there is no …" or "sorry, I couldn't find …" is not frustrated. They
//! only tell how to read the customer's answer: a "no", a complaint or a repeated request right
//! after a failure weighs what the failure weighs (see `reaction_cues`).

use super::earlier::similar;
use super::lexicon::{self, Feeds};
use super::pattern::WordSet;
use super::score::Acc;
use super::tokens::Tokens;
use super::{Context, SignalDetector, Source, MAX_BOT_TURNS};

/// The same failure cue counts at most this many times in the failure of one bot turn.
const MAX_SAME_FAILURE: usize = 2;

impl SignalDetector {
    /// How badly the bot's last turn failed, in `[0, 1]` (0 when it did not): the noisy-OR of its
    /// failure cues (did not understand, found nothing, could not, apologised), and of its going in
    /// circles (it said nearly the same as in one of its earlier turns). An accepted offer of a
    /// person raises the wish for one.
    pub(super) fn bot_turn_cues(
        &self,
        text: &str,
        msg: &Tokens,
        context: &Context<'_>,
        human: &mut Acc,
    ) -> f32 {
        let turns = &context.bot_turns;
        let Some(last_index) = turns.len().checked_sub(1) else {
            return 0.0;
        };
        let last_text = turns.get(last_index).copied().unwrap_or("");
        let last = Tokens::new(last_text);
        let mut kept = 1.0f32;
        let mut seen: Vec<(&'static str, usize)> = Vec::new();
        for hit in &self.hits(&self.bot, &last) {
            let Some(cue) = self.bot.get(hit.pattern).map(|p| p.data) else {
                continue;
            };
            match cue.feeds {
                Feeds::BotFailure => {
                    let n = match seen.iter_mut().find(|(c, _)| *c == cue.name) {
                        Some((_, n)) => n,
                        None => {
                            seen.push((cue.name, 0));
                            match seen.last_mut() {
                                Some((_, n)) => n,
                                None => continue,
                            }
                        }
                    };
                    if *n < MAX_SAME_FAILURE {
                        *n += 1;
                        kept *= 1.0 - cue.weight;
                    }
                }
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
        let looped = turns
            .iter()
            .take(last_index)
            .skip(from)
            .any(|turn| similar(&last_content, &self.content_words(&Tokens::new(turn)), 0.7));
        if looped {
            kept *= 1.0 - lexicon::CLEAR;
        }
        (1.0 - kept).clamp(0.0, 1.0)
    }
}

/// The message starts with a yes and does not say no.
fn accepts_offer(msg: &Tokens, negators: &WordSet) -> bool {
    msg.len() <= 8
        && lexicon::AFFIRMATIVE.contains(&msg.norm(0))
        && !(0..msg.len()).any(|i| negators.contains(msg.norm(i)))
}
