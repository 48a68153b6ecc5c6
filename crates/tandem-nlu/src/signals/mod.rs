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
//! score and it stays in `[0, 1]`. Frustration keeps two noisy-ORs: what the message says, and what
//! happened before it (the bot failed, apologised or repeated itself; the customer had to repeat
//! a request). Cues of satisfaction (thanks, praise, agreement) damp only the first, multiplying it
//! by `Π(1 - d)` but never below 0.35 of it: a polite "no, thanks" after a failed booking still
//! follows a failure. The two parts combine with the same noisy-OR.
//!
//! The most telling cue of dissatisfaction is an answer that rejects what the bot just did: "No"
//! to details the bot asked to confirm (the bot misunderstood) weighs 0.6, "No" to a proposal or
//! an answer 0.45, while "No" to "anything else?" (done) or to a question about a preference
//! ("no preference") does not count as dissatisfaction.
//!
//! Nothing is trained on a data set. The USS turns in `shared/data/uss` (no licence) are used only
//! to measure with `tandem signals eval`. The lexicons and tiers were written first and measured
//! once; afterwards the cue families for answers to the bot (rejected confirmation or proposal,
//! "not that one either", "what?", "are you still there?", "try again") were added after reading
//! the dissatisfied turns of the first half of each USS file only, and checked on the second half,
//! which was never read. No weight was searched or fitted.
//!
//! A negator ("not", "don't", "never", "no", "without") up to four words earlier in the same clause
//! cancels a negatable cue, so "I don't need a human" does not ask for a person.
//!
//! Build a [`SignalDetector`] once (or use [`analyze`], which shares one); analysing a message then
//! takes microseconds.

mod lexicon;
mod pattern;
mod tokens;

use std::borrow::Cow;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use lexicon::{Cue, Feeds};
use pattern::{Hit, PatternSet, WordSet};
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
    /// `Context::bot_turns[i]`.
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

fn compile(entries: &'static [(&'static str, Feeds, &'static str, f32, bool)]) -> PatternSet<Cue> {
    PatternSet::new(entries.iter().map(|&(p, feeds, name, weight, negatable)| {
        (
            p,
            Cue {
                feeds,
                name,
                weight,
                negatable,
            },
        )
    }))
}

/// Collects the raising and lowering cues of one signal.
#[derive(Debug, Default)]
struct Acc {
    /// Π(1 - w) over raising cues found in the message.
    raise: f32,
    /// Π(1 - w) over raising cues found in the context (bot turns, earlier messages).
    raise_context: f32,
    /// Π(1 - d) over lowering cues.
    lower: f32,
    evidence: Vec<Evidence>,
    counts: Vec<(&'static str, u8)>,
}

/// The same cue counts at most this many times in a score.
const MAX_SAME_CUE: u8 = 3;

impl Acc {
    fn new() -> Acc {
        Acc {
            raise: 1.0,
            raise_context: 1.0,
            lower: 1.0,
            ..Acc::default()
        }
    }

    fn add(&mut self, cue: &'static str, weight: f32, source: Source, text: &str, start: usize, end: usize) {
        let count = match self.counts.iter_mut().find(|(c, _)| *c == cue) {
            Some((_, n)) => n,
            None => {
                self.counts.push((cue, 0));
                match self.counts.last_mut() {
                    Some((_, n)) => n,
                    None => return,
                }
            }
        };
        if *count >= MAX_SAME_CUE {
            return;
        }
        *count += 1;
        let w = weight.clamp(-1.0, 1.0);
        if w >= 0.0 {
            if source == Source::Message {
                self.raise *= 1.0 - w;
            } else {
                self.raise_context *= 1.0 - w;
            }
        } else {
            self.lower *= 1.0 + w;
        }
        self.evidence.push(Evidence {
            cue: Cow::Borrowed(cue),
            source,
            start,
            end,
            text: clip(text, start, end),
            weight: w,
        });
    }

    /// Lowering cues damp what the message itself says (never below `floor` of it); what happened
    /// before (the bot failed, the customer had to repeat) is not undone by a polite "thanks".
    fn finish(mut self, floor: f32) -> Signal {
        let said = (1.0 - self.raise) * self.lower.max(floor);
        let before = 1.0 - self.raise_context;
        let score = 1.0 - (1.0 - said) * (1.0 - before);
        if self.evidence.len() > MAX_EVIDENCE {
            self.evidence
                .sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
            self.evidence.truncate(MAX_EVIDENCE);
        }
        self.evidence.sort_by_key(|e| (e.source, e.start, e.end));
        Signal {
            score: score.clamp(0.0, 1.0),
            evidence: self.evidence,
        }
    }
}

/// `text[start..end]`, shortened at a char boundary when long.
fn clip(text: &str, start: usize, end: usize) -> String {
    let Some(span) = text.get(start..end) else {
        return String::new();
    };
    if span.len() <= MAX_EVIDENCE_TEXT {
        return span.to_string();
    }
    let mut cut = MAX_EVIDENCE_TEXT;
    while !span.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut out = span[..cut].to_string();
    out.push('…');
    out
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
            message: compile(lexicon::MESSAGE),
            bot: compile(lexicon::BOT),
            asks: compile(lexicon::BOT_ASKS),
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

        let msg = Tokens::new(text);
        let hits = self.hits(&self.message, &msg);
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
                Feeds::BotFailure
                | Feeds::BotOffersPerson
                | Feeds::BotProposes
                | Feeds::BotConfirms
                | Feeds::BotCloses
                | Feeds::BotAsksPreference => {}
            }
        }

        self.structural_message_cues(text, &msg, &hits, &mut frustration, &mut human);
        let intensity = tone_intensity(&msg) + intense_cues;

        self.bot_turn_cues(text, &msg, context, &mut frustration, &mut human);
        self.answer_cues(text, &msg, context, &mut frustration);
        self.earlier_message_cues(text, &msg, intensity, context, &mut frustration);

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

    /// Punctuation, capitals, an opening "no", negations, a bare "agent".
    fn structural_message_cues(
        &self,
        text: &str,
        msg: &Tokens,
        hits: &[Hit],
        frustration: &mut Acc,
        human: &mut Acc,
    ) {
        let src = Source::Message;
        let mut negations = 0;
        for (i, t) in msg.list.iter().enumerate() {
            if self.negators.contains(msg.norm(i)) && negations < 3 {
                negations += 1;
                frustration.add("negation", lexicon::FAINT, src, text, t.start, t.end);
            }
        }
        // Emphatic punctuation: "!!", "???", "?!".
        if msg.exclamations >= 2 || msg.longest_punct_run >= 3 || text.contains("?!") || text.contains("!?") {
            if let Some(at) = ["?!", "!?", "!!", "??"].iter().filter_map(|p| text.find(p)).min() {
                frustration.add("emphatic_punctuation", lexicon::MILD, src, text, at, at + 2);
            }
        }
        // Capitals: shouting when most letters are capitals, otherwise a few emphasised words.
        let words = msg.len();
        if words >= 3 && msg.letters >= 8 && msg.upper * 5 >= msg.letters * 4 {
            if let Some((s, e)) = span(msg, 0, words) {
                frustration.add("shouting", lexicon::CLEAR, src, text, s, e);
            }
        } else if words >= 3 {
            let long_caps = (0..words)
                .filter(|&i| msg.list[i].caps && msg.norm(i).chars().count() >= 3)
                .take(2);
            for i in long_caps {
                let t = msg.list[i];
                frustration.add("capitals", 0.15, src, text, t.start, t.end);
            }
        }
        // A very short message that names a person: "agent", "human please", "Representative!".
        let has_human_hit = hits.iter().any(|h| {
            self.message
                .get(h.pattern)
                .is_some_and(|p| p.data.feeds == Feeds::Human)
        });
        if !has_human_hit && (1..=3).contains(&words) {
            let negated = (0..words).any(|i| self.negators.contains(msg.norm(i)));
            if !negated {
                if let Some(i) = (0..words).find(|&i| lexicon::PERSON_WORDS.contains(&msg.norm(i))) {
                    let t = msg.list[i];
                    human.add("asked_for_person", 0.8, src, text, t.start, t.end);
                    frustration.add("asked_for_person", 0.24, src, text, t.start, t.end);
                }
            }
        }
    }

    /// How the message answers the bot's last turn: rejecting a proposal or the details the bot
    /// asked to confirm, "not that one either", "what?", "hello? are you there?".
    fn answer_cues(&self, text: &str, msg: &Tokens, context: &Context<'_>, frustration: &mut Acc) {
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
        if lexicon::REJECTIONS.contains(&opening) || negated_answer {
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
        for i in 1..msg.len() {
            let word = msg.norm(i);
            let as_well = word == "well" && msg.norm(i - 1) == "as";
            if !(lexicon::AGAIN_AFTER_NEGATION.contains(&word) || as_well) {
                continue;
            }
            let clause = msg.list[i].clause;
            let negated = (0..i)
                .rev()
                .take_while(|&j| msg.list[j].clause == clause)
                .any(|j| self.negators.contains(msg.norm(j)));
            if negated || word == "neither" {
                let t = msg.list[i];
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

    /// The bot's last turn (failure, apology, offer of a person), earlier failures, a bot loop.
    fn bot_turn_cues(
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

    /// Repetition of the customer's own earlier messages, and tone rising above them.
    fn earlier_message_cues(
        &self,
        text: &str,
        msg: &Tokens,
        intensity: usize,
        context: &Context<'_>,
        frustration: &mut Acc,
    ) {
        let earlier = &context.earlier_messages;
        if earlier.is_empty() {
            return;
        }
        let from = earlier.len().saturating_sub(MAX_EARLIER_MESSAGES);
        let content = self.content_words(msg);
        let mut loudest = 0usize;
        for (index, message) in earlier.iter().enumerate().skip(from) {
            let tokens = Tokens::new(message);
            if !content.is_empty() && similar(&content, &self.content_words(&tokens), 0.5) {
                if let Some((s, e)) = span(&tokens, 0, tokens.len()) {
                    frustration.add(
                        "repeated_request",
                        0.35,
                        Source::EarlierMessage(index),
                        message,
                        s,
                        e,
                    );
                }
            }
            let hits = self.hits(&self.message, &tokens);
            let intense = hits
                .iter()
                .filter(|h| {
                    self.message.get(h.pattern).is_some_and(|p| {
                        (p.data.feeds == Feeds::Frustration && p.data.weight >= lexicon::CLEAR)
                            || p.data.feeds == Feeds::Abuse
                    })
                })
                .count();
            loudest = loudest.max(tone_intensity(&tokens) + intense);
        }
        if intensity >= 2 && intensity > loudest {
            if let Some((s, e)) = span(msg, 0, msg.len()) {
                frustration.add("escalating_tone", 0.3, Source::Message, text, s, e);
            }
        }
    }

    /// Distinct content words (no stop words), sorted, at most [`MAX_CONTENT_WORDS`].
    fn content_words<'t>(&self, tokens: &'t Tokens) -> Vec<&'t str> {
        let mut words: Vec<&str> = (0..tokens.len())
            .map(|i| tokens.norm(i))
            .filter(|w| !w.is_empty() && !self.stopwords.contains(w))
            .take(MAX_CONTENT_WORDS * 4)
            .collect();
        words.sort_unstable();
        words.dedup();
        words.truncate(MAX_CONTENT_WORDS);
        words
    }
}

/// Exclamation marks and words in capitals, each counted up to three.
fn tone_intensity(tokens: &Tokens) -> usize {
    let caps = tokens
        .list
        .iter()
        .enumerate()
        .filter(|(i, t)| t.caps && tokens.norm(*i).chars().count() >= 3)
        .count();
    tokens.exclamations.min(3) + caps.min(3)
}

/// The message starts with a yes and does not say no.
fn accepts_offer(msg: &Tokens, negators: &WordSet) -> bool {
    msg.len() <= 8
        && lexicon::AFFIRMATIVE.contains(&msg.norm(0))
        && !(0..msg.len()).any(|i| negators.contains(msg.norm(i)))
}

/// Jaccard similarity of two sorted word sets reaches `threshold` (and they share two words, or are
/// the same non-empty set).
fn similar(a: &[&str], b: &[&str], threshold: f32) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - shared;
    let same = shared == a.len() && shared == b.len();
    (shared >= 2 || same) && shared as f32 >= threshold * union as f32
}
