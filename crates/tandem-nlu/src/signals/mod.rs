//! Signal detectors: frustration / dissatisfaction, wish for a person, urgency, abuse and threats.
//!
//! [`analyze`] reads one customer message together with its [`Context`] (the bot's earlier turns and
//! the customer's earlier messages in the same conversation) and returns [`Signals`]: for each
//! signal a score in `[0, 1]` and the [`Evidence`] that raised or lowered it, with byte spans into
//! the text it was found in, so an agent can see why.
//!
//! # How the scores are built
//!
//! Every cue is a hand-written lexicon pattern (see `lexicon.rs`) or a structural check
//! (punctuation, capitals, repetition of earlier messages, how the message answers the bot's last
//! turn) with a weight read as "how likely is this cue, alone, to mean the signal". Weights come in
//! a few tiers chosen by judgement, not fitted: strong explicit emotion 0.6, a clear complaint or
//! correction 0.45, a mild rejection or the bot apologising 0.25, a faint marker 0.1.
//!
//! Independent cues combine with a noisy-OR, `1 - Π(1 - w)`, so more evidence always raises the
//! score and it stays in `[0, 1]`. Frustration keeps two noisy-ORs: what the message says, and how
//! it follows what happened before it (the customer reacts to a failure of the bot, or has to
//! repeat a request). Cues of satisfaction (thanks, praise, agreement) damp only the first,
//! multiplying it by `Π(1 - d)` but never below 0.35 of it: a polite "no, thanks" after a failed
//! booking still reacts to a failure. The two parts combine with the same noisy-OR.
//!
//! # Only the customer's words are evidence
//!
//! Frustration comes from the customer's own words and behaviour; every evidence span points into
//! a customer message (the one analysed, or an earlier one it repeats). The bot's turns are read
//! only to interpret the customer's words, never as evidence by themselves:
//!
//! - The most telling cue of dissatisfaction is an answer that rejects what the bot just did: "No"
//!   to details the bot asked to confirm (the bot misunderstood) weighs 0.6, "No" to a proposal or
//!   an answer 0.45, while "No" to "anything else?" (done) or to a question about a preference
//!   ("no preference") does not count as dissatisfaction.
//! - When the bot's last turn failed (did not understand, found nothing, could not, apologised,
//!   or said the same as before), the customer's *reaction* to it — a "no", a cue of
//!   dissatisfaction, the request asked again — weighs what the failure weighs (`reaction_to_failure`,
//!   quoting the customer's words; a faint cue such as "but" carries part of it). A calm new
//!   question after "there is no …" gets nothing from the failure.
//! - Repetition means asking the same thing again: the same question words and (nearly) the same
//!   content words, not shared topic words. "Where is order A1001?" and "When will order A1001
//!   arrive?", or "the return policy for a coat" and "… for a jacket", are different requests.
//!
//! The wish for a person is read from patterns over word classes (a verb of talking, of being put
//! through or of getting hold of someone, and a target: "a real person", "your supervisor",
//! "customer service", "someone from your team"), with typo tolerance for the nouns
//! ("represenative", "operater", "humna"); see `person.rs`.
//!
//! Nothing is trained on a data set. The USS turns in `shared/data/uss` (no licence) are used only
//! to measure with `tandem signals eval`. The lexicons and tiers were written first and measured
//! once; afterwards the cue families for answers to the bot (rejected confirmation or proposal,
//! "not that one either", "what?", "are you still there?", "try again") were added after reading
//! the dissatisfied turns of the first half of each USS file only, and checked on the second half,
//! which was never read. No weight was searched or fitted. Reading the bot's turns only as an
//! interpretation aid (above) was checked on all three files: the ROC AUC did not drop (it rose a
//! little on each).
//!
//! A negator ("not", "don't", "never", "no", "without") up to four words earlier in the same clause
//! cancels a negatable cue, so "I don't need a human" does not ask for a person.
//!
//! Build a [`SignalDetector`] once (or use [`analyze`], which shares one); analysing a message then
//! takes microseconds.

mod answer;
mod bot_turns;
mod earlier;
mod lexicon;
mod message;
mod pattern;
mod person;
mod score;
mod tokens;

use std::borrow::Cow;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use lexicon::{Cue, Feeds};
use message::tone_intensity;
use pattern::{Hit, PatternSet, WordSet};
use score::Acc;
use tokens::Tokens;

/// Score at or above which a signal counts as present (`Signal::is_present`).
pub const PRESENT: f32 = 0.5;

/// At most this many evidence items are kept per signal (the heaviest).
pub const MAX_EVIDENCE: usize = 32;

/// Evidence text longer than this many bytes is shortened (the offsets stay exact).
pub const MAX_EVIDENCE_TEXT: usize = 200;

/// Only the first this many bytes of the message and of each context text are read (a chat message
/// is far shorter; the bound keeps a pathological input cheap). Evidence offsets stay exact.
pub const MAX_ANALYZED_BYTES: usize = 64 * 1024;

/// Bot turns and earlier customer messages beyond the most recent ones are ignored.
const MAX_BOT_TURNS: usize = 6;
const MAX_EARLIER_MESSAGES: usize = 12;
/// Content words compared when looking for repeated requests.
const MAX_CONTENT_WORDS: usize = 256;
/// Words looked back for a negator.
const NEGATION_WINDOW: usize = 4;
/// Floor of the multiplier applied by calming cues.
const CALM_FLOOR: f32 = 0.35;
/// Floor of the multiplier applied by "no rush" cues.
const PATIENT_FLOOR: f32 = 0.2;

/// What is known of the conversation before the message being analysed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context<'a> {
    /// The bot's (or system's) turns, oldest first; the last one came right before the message.
    pub bot_turns: Vec<&'a str>,
    /// The customer's earlier messages in this conversation, oldest first.
    pub earlier_messages: Vec<&'a str>,
}

impl<'a> Context<'a> {
    /// No conversation so far.
    pub fn new() -> Context<'a> {
        Context::default()
    }

    /// Adds a bot turn (call in conversation order).
    pub fn with_bot_turn(mut self, turn: &'a str) -> Context<'a> {
        self.bot_turns.push(turn);
        self
    }

    /// Adds an earlier customer message (call in conversation order).
    pub fn with_earlier_message(mut self, message: &'a str) -> Context<'a> {
        self.earlier_messages.push(message);
        self
    }
}

/// Which text an evidence span points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "in", content = "index", rename_all = "snake_case")]
pub enum Source {
    /// The message being analysed.
    Message,
    /// `Context::bot_turns[i]`. The built-in detectors no longer point here (the bot's turns only
    /// help to read the customer's words); the variant stays for records made before.
    BotTurn(usize),
    /// `Context::earlier_messages[i]`.
    EarlierMessage(usize),
}

/// One reason a score moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Stable snake_case name of the cue, e.g. `bot_not_understood`, `restated_request`, `insult`.
    pub cue: Cow<'static, str>,
    /// The text the span points into.
    pub source: Source,
    /// Byte offset of the span's start (always on a char boundary).
    pub start: usize,
    /// Byte offset just past the span's end (always on a char boundary).
    pub end: usize,
    /// The text of the span (shortened to about [`MAX_EVIDENCE_TEXT`] bytes when longer).
    pub text: String,
    /// The cue's weight: positive raises the score, negative lowers it (share removed).
    pub weight: f32,
}

/// One signal: a score in `[0, 1]` and its evidence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    pub score: f32,
    pub evidence: Vec<Evidence>,
}

impl Signal {
    /// The score reaches [`PRESENT`].
    pub fn is_present(&self) -> bool {
        self.score >= PRESENT
    }
}

/// All signals of one message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Signals {
    /// Frustration / dissatisfaction with the conversation so far.
    pub frustration: Signal,
    /// The customer wants a person.
    pub human_request: Signal,
    /// The customer needs it fast.
    pub urgency: Signal,
    /// Insults, profanity, threats of violence or legal action.
    pub abuse: Signal,
}

/// The compiled lexicons. Build once, share freely (it is `Send + Sync`).
#[derive(Debug, Clone)]
pub struct SignalDetector {
    message: PatternSet<Cue>,
    bot: PatternSet<Cue>,
    asks: PatternSet<Cue>,
    negators: WordSet,
    stopwords: WordSet,
}

impl Default for SignalDetector {
    fn default() -> Self {
        SignalDetector::new()
    }
}

static DETECTOR: LazyLock<SignalDetector> = LazyLock::new(SignalDetector::new);

/// The shared built-in detector.
pub fn detector() -> &'static SignalDetector {
    &DETECTOR
}

/// Analyses `text` with the shared built-in detector.
pub fn analyze(text: &str, context: &Context<'_>) -> Signals {
    DETECTOR.analyze(text, context)
}

fn compile(entries: &[&'static [lexicon::Entry]]) -> PatternSet<Cue> {
    PatternSet::new(
        entries
            .iter()
            .flat_map(|e| e.iter())
            .map(|&(p, feeds, name, weight, negatable)| {
                (
                    p,
                    Cue {
                        feeds,
                        name,
                        weight,
                        negatable,
                    },
                )
            }),
    )
}

/// The customer's reaction to a failure of the bot's last turn (weighing `failure`): a "no", a
/// cue of dissatisfaction in the message, or the request asked again. The evidence quotes the
/// customer's words; a faint cue ("but", one "not") carries part of the failure's weight, and a
/// cue that names a topic rather than a reaction ("refund", "problem") or may be an acronym
/// ("DHL" in capitals) none. A message without any such cue (a calm new question after "there is
/// no …") gets nothing.
fn reaction_cues(
    text: &str,
    msg: &Tokens,
    failure: f32,
    repeated: Option<(usize, usize)>,
    frustration: &mut Acc,
) {
    let opening = msg.norm(0);
    let rejects = answer::opens_with_rejection(msg)
        || (lexicon::NEGATED_ANSWERS.contains(&opening) && !lexicon::LITOTES.contains(&msg.norm(1)));
    let reaction = match (
        msg.list.first(),
        repeated,
        frustration.strongest_in_message(lexicon::NOT_REACTIONS),
    ) {
        (Some(first), _, _) if rejects => Some((first.start, first.end, 1.0)),
        (_, Some((s, e)), _) => Some((s, e, 1.0)),
        (_, None, Some((s, e, w))) => Some((s, e, (w / lexicon::MILD).min(1.0))),
        _ => None,
    };
    if let Some((start, end, strength)) = reaction {
        frustration.add_reaction("reaction_to_failure", failure * strength, text, start, end);
    }
}

/// Byte span of tokens `[first, last)`.
fn span(tokens: &Tokens, first: usize, last: usize) -> Option<(usize, usize)> {
    let a = tokens.list.get(first)?;
    let b = tokens.list.get(last.checked_sub(1)?)?;
    Some((a.start, b.end))
}
impl SignalDetector {
    /// Compiles the built-in lexicons.
    pub fn new() -> SignalDetector {
        SignalDetector {
            message: compile(&[lexicon::MESSAGE, person::ENTRIES]),
            bot: compile(&[lexicon::BOT]),
            asks: compile(&[lexicon::BOT_ASKS]),
            negators: lexicon::NEGATORS.iter().copied().collect(),
            stopwords: lexicon::STOPWORDS.iter().copied().collect(),
        }
    }

    /// Signals of `text`, read in its `context`.
    pub fn analyze(&self, text: &str, context: &Context<'_>) -> Signals {
        let mut frustration = Acc::new();
        let mut human = Acc::new();
        let mut urgency = Acc::new();
        let mut abuse = Acc::new();

        let mut msg = Tokens::new(text);
        msg.correct(person::typo_of);
        let mut hits = self.hits(&self.message, &msg);
        self.drop_blocked_requests(&mut hits);
        let mut intense_cues = 0usize;
        for hit in &hits {
            let Some(cue) = self.message.get(hit.pattern).map(|p| p.data) else {
                continue;
            };
            let Some((start, end)) = span(&msg, hit.first, hit.last) else {
                continue;
            };
            let src = Source::Message;
            match cue.feeds {
                Feeds::Frustration => {
                    if cue.weight >= lexicon::CLEAR {
                        intense_cues += 1;
                    }
                    frustration.add(cue.name, cue.weight, src, text, start, end);
                }
                Feeds::Calm => frustration.add(cue.name, -cue.weight, src, text, start, end),
                Feeds::Human => {
                    human.add(cue.name, cue.weight, src, text, start, end);
                    if cue.weight >= PRESENT {
                        frustration.add("asked_for_person", 0.3 * cue.weight, src, text, start, end);
                    }
                }
                Feeds::Urgency => urgency.add(cue.name, cue.weight, src, text, start, end),
                Feeds::Patient => urgency.add(cue.name, -cue.weight, src, text, start, end),
                Feeds::Abuse => {
                    intense_cues += 1;
                    abuse.add(cue.name, cue.weight, src, text, start, end);
                    frustration.add(cue.name, 0.7 * cue.weight, src, text, start, end);
                }
                Feeds::NotHuman
                | Feeds::BotFailure
                | Feeds::BotOffersPerson
                | Feeds::BotProposes
                | Feeds::BotConfirms
                | Feeds::BotCloses
                | Feeds::BotAsksPreference => {}
            }
        }

        self.structural_message_cues(text, &msg, &hits, &mut frustration, &mut human);
        let intensity = tone_intensity(&msg) + intense_cues;

        let failure = self.bot_turn_cues(text, &msg, context, &mut human);
        self.answer_cues(text, &msg, context, &mut frustration);
        let repeated = self.earlier_message_cues(text, &msg, intensity, context, &mut frustration);
        if failure > 0.0 {
            reaction_cues(text, &msg, failure, repeated, &mut frustration);
        }

        Signals {
            frustration: frustration.finish(CALM_FLOOR),
            human_request: human.finish(0.0),
            urgency: urgency.finish(PATIENT_FLOOR),
            abuse: abuse.finish(0.0),
        }
    }

    /// Pattern hits that survive negation, without hits inside a longer hit of the same kind.
    fn hits(&self, set: &PatternSet<Cue>, tokens: &Tokens) -> Vec<Hit> {
        let mut raw = Vec::new();
        set.find(tokens, &mut raw);
        raw.retain(|h| match set.get(h.pattern) {
            Some(p) => !(p.data.negatable && self.negated(tokens, h.first)),
            None => false,
        });
        // Longest first at each start, then drop hits contained in an earlier kept hit of the same kind.
        raw.sort_by(|a, b| a.first.cmp(&b.first).then(b.last.cmp(&a.last)));
        let mut kept: Vec<Hit> = Vec::with_capacity(raw.len());
        for h in raw {
            let feeds = set.get(h.pattern).map(|p| p.data.feeds);
            let inside = kept.iter().rev().take(8).any(|k| {
                k.first <= h.first && h.last <= k.last && set.get(k.pattern).map(|p| p.data.feeds) == feeds
            });
            if !inside {
                kept.push(h);
            }
        }
        kept
    }

    /// Drops the requests for a person that overlap a mention of one ("I was speaking to an
    /// agent", "staff discount"); the mentions stay (they block the short-message rule too).
    fn drop_blocked_requests(&self, hits: &mut Vec<Hit>) {
        let feeds = |h: &Hit| self.message.get(h.pattern).map(|p| p.data.feeds);
        let blocks: Vec<(usize, usize)> = hits
            .iter()
            .filter(|h| feeds(h) == Some(Feeds::NotHuman))
            .map(|h| (h.first, h.last))
            .collect();
        if blocks.is_empty() {
            return;
        }
        hits.retain(|h| {
            feeds(h) != Some(Feeds::Human) || !blocks.iter().any(|&(a, b)| h.first < b && a < h.last)
        });
    }

    /// A negator stands shortly before token `at`, in the same clause.
    fn negated(&self, tokens: &Tokens, at: usize) -> bool {
        let Some(clause) = tokens.list.get(at).map(|t| t.clause) else {
            return false;
        };
        let from = at.saturating_sub(NEGATION_WINDOW);
        (from..at).rev().any(|j| {
            if tokens.list.get(j).map(|t| t.clause) != Some(clause) {
                return false;
            }
            let word = tokens.norm(j);
            if !self.negators.contains(word) {
                return false;
            }
            let next = tokens.norm(j + 1);
            // "don't you ..." is a question, not a negation; "no, I want ..." answers the bot.
            if matches!(next, "you" | "u") {
                return false;
            }
            if matches!(word, "no" | "nope")
                && matches!(
                    next,
                    "i" | "im" | "id" | "we" | "just" | "please" | "pls" | "thanks" | "thank"
                )
            {
                return false;
            }
            true
        })
    }
}
