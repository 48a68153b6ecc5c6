//! How cues become the nine skills' scores, levels, reasons and evidence.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::cues::{self, CLEAR, DAMP, ENTRIES, MILD, STRONG};
use super::spans::{self, PatternSet, Text};
use super::{Evidence, Scores, Skill, SkillScore};

/// Score at or above which a skill is shown (level 1) and shown clearly (level 2). Chosen by
/// judgement of what one clear cue (0.45) and two or more cues mean, then checked (not searched)
/// on ESConv's training split; see `docs/quality.md`.
pub(super) fn cut_offs(skill: Skill) -> (f64, f64) {
    match skill {
        Skill::Empathy => (0.42, 0.75),
        Skill::Understanding => (0.42, 0.75),
        Skill::Exploration => (0.55, 0.8),
        Skill::DeEscalation => (0.42, 0.75),
        Skill::Clarity => (0.55, 0.8),
        Skill::Politeness => (0.42, 0.75),
        Skill::Solution => (0.42, 0.75),
        Skill::Greeting => (0.42, 0.75),
        Skill::Closing => (0.42, 0.75),
    }
}

/// At most this many evidence items per skill (the heaviest).
pub(super) const MAX_EVIDENCE: usize = 12;
/// Evidence text longer than this many code points is shortened (offsets stay exact).
const MAX_EVIDENCE_CHARS: usize = 160;
/// The same lexicon entry counts at most this many times in a score.
const MAX_SAME_CUE: usize = 3;
/// Words looked back for a negator.
const NEGATION_WINDOW: usize = 3;
/// Words that make a following "you ..." a question rather than a statement about the person.
const ASKING: &[&str] = &[
    "do", "did", "does", "how", "why", "what", "when", "where", "are", "were", "if", "would", "could", "can",
    "will", "have", "whether",
];

pub(super) struct Lexicon {
    patterns: PatternSet,
    negators: HashSet<&'static str>,
    stopwords: HashSet<&'static str>,
    pub(super) plain_caps: HashSet<&'static str>,
    instruction_verbs: HashSet<&'static str>,
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| Lexicon {
    patterns: PatternSet::new(ENTRIES.iter().map(|e| e.0)),
    negators: cues::NEGATORS.iter().copied().collect(),
    stopwords: cues::STOPWORDS.iter().copied().collect(),
    plain_caps: cues::PLAIN_CAPS.iter().copied().collect(),
    instruction_verbs: cues::INSTRUCTION_VERBS.iter().copied().collect(),
});

/// One cue found in the reply.
#[derive(Debug, Clone)]
pub(super) struct Cue {
    pub(super) skill: Skill,
    pub(super) weight: f64,
    /// Lexicon entry index, or `usize::MAX - k` for structural cues.
    pub(super) source: usize,
    /// Words `first..last_excl` (for overlap), code points `start..end`.
    pub(super) first: usize,
    pub(super) last_excl: usize,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) why: String,
}

impl Cue {
    /// The whole sentence `s` asks the person a question.
    fn question(s: &spans::Sentence, weight: f64) -> Cue {
        Cue {
            skill: Skill::Exploration,
            weight,
            source: STRUCT_QUESTION,
            first: s.first_tok,
            last_excl: s.end_tok,
            start: s.start,
            end: s.end,
            why: "Asks the person a question.".to_owned(),
        }
    }

    /// The cue's words in `text` as evidence.
    pub(super) fn evidence(&self, text: &Text) -> Evidence {
        Evidence {
            start: self.start,
            end: self.end,
            text: clip(text, self.start, self.end),
            why: self.why.clone(),
        }
    }
}

const STRUCT_QUESTION: usize = usize::MAX;
const STRUCT_INSTRUCTION: usize = usize::MAX - 1;
const STRUCT_RESTATES: usize = usize::MAX - 2;
const STRUCT_SHOUTING: usize = usize::MAX - 3;

fn negated(text: &Text, lex: &Lexicon, at: usize) -> bool {
    let Some(tok) = text.tok(at) else {
        return false;
    };
    (at.saturating_sub(NEGATION_WINDOW)..at).any(|i| {
        text.tok(i)
            .is_some_and(|t| t.sentence == tok.sentence && lex.negators.contains(t.norm.as_str()))
    })
}

/// Char span of words `first..last_excl`.
fn span(text: &Text, first: usize, last_excl: usize) -> (usize, usize) {
    let start = text.tok(first).map_or(0, |t| t.start);
    let end = last_excl
        .checked_sub(1)
        .and_then(|i| text.tok(i))
        .map_or(start, |t| t.end);
    (start, end)
}

fn lexicon_cues(text: &Text, lex: &Lexicon, out: &mut Vec<Cue>) {
    let first_sentence_end = text.sentences.first().map_or(0, |s| s.end_tok);
    let sentences = text.sentences.len();
    for hit in lex.patterns.find(text) {
        let Some(&(_, feeds, why, negatable)) = ENTRIES.get(hit.id) else {
            continue;
        };
        if negatable && negated(text, lex, hit.start) {
            continue;
        }
        let (start, end) = span(text, hit.start, hit.end);
        let sentence = text.tok(hit.start).map_or(0, |t| t.sentence);
        // "Do you feel ...?", "How are you feeling?": a question about feelings, not a reflection.
        let asked = text.tok(hit.start).is_some_and(|t| t.norm.starts_with("you"))
            && hit
                .start
                .checked_sub(1)
                .and_then(|i| text.tok(i))
                .is_some_and(|t| t.sentence == sentence && ASKING.contains(&t.norm.as_str()));
        for &(skill, weight) in feeds {
            if asked && matches!(skill, Skill::Empathy | Skill::Understanding | Skill::DeEscalation) {
                continue;
            }
            let weight = match skill {
                // An opening counts at the start of the reply only.
                Skill::Greeting if hit.start >= first_sentence_end.max(6) => continue,
                // A closing in the first of several sentences is weaker.
                Skill::Closing if sentences > 2 && sentence == 0 => weight / 2.0,
                _ => weight,
            };
            out.push(Cue {
                skill,
                weight,
                source: hit.id,
                first: hit.start,
                last_excl: hit.end,
                start,
                end,
                why: why.to_owned(),
            });
        }
    }
}

/// Questions, instructions, shouting: cues read from the shape of a sentence.
fn structural_cues(text: &Text, lex: &Lexicon, lexical: &[Cue], out: &mut Vec<Cue>) {
    for s in &text.sentences {
        let in_sentence = |skill: Skill| {
            lexical.iter().any(|c| {
                c.skill == skill && c.weight >= CLEAR && c.first >= s.first_tok && c.first < s.end_tok
            })
        };
        let words = s.end_tok.saturating_sub(s.first_tok);
        if s.question && words > 0 {
            // A suggestion, a check of understanding or an offer to close phrased as a question
            // asks less about the person's situation.
            let weight = if in_sentence(Skill::Closing) {
                CLEAR
            } else if in_sentence(Skill::Solution) || in_sentence(Skill::Understanding) {
                MILD
            } else if words * 5 >= text.words() * 2 {
                STRONG
            } else {
                // A question that is a small part of a longer reply.
                CLEAR
            };
            out.push(Cue::question(s, weight));
        }
        // A question without its question mark: "do you ...", "what made you ...".
        let opener = text.tok(s.first_tok).map(|t| t.norm.as_str());
        let second = text.tok(s.first_tok + 1).map(|t| t.norm.as_str());
        let asks = match opener {
            Some("what" | "how" | "why" | "when" | "where" | "which" | "who" | "whats" | "hows") => {
                words >= 3
            }
            Some(
                "do" | "did" | "does" | "have" | "has" | "are" | "were" | "is" | "was" | "can" | "could"
                | "would" | "will",
            ) => {
                matches!(
                    second,
                    Some(
                        "you"
                            | "your"
                            | "there"
                            | "it"
                            | "they"
                            | "he"
                            | "she"
                            | "that"
                            | "this"
                            | "anyone"
                            | "someone"
                            | "things"
                    )
                )
            }
            _ => false,
        };
        if asks && !s.question {
            out.push(Cue::question(s, CLEAR));
        }
        // An instruction: the sentence opens with a verb of doing (after "please", "just", ...).
        let mut k = s.first_tok;
        while text.tok(k).is_some_and(|t| {
            matches!(
                t.norm.as_str(),
                "please"
                    | "just"
                    | "so"
                    | "then"
                    | "and"
                    | "also"
                    | "first"
                    | "next"
                    | "now"
                    | "simply"
                    | "maybe"
                    | "definitely"
                    | "bitte"
            )
        }) && k < s.end_tok
        {
            k += 1;
        }
        let opens_with_verb = text
            .tok(k)
            .is_some_and(|t| lex.instruction_verbs.contains(t.norm.as_str()));
        let care = text.tok(k + 1).is_some_and(|t| t.norm == "care");
        if opens_with_verb && !s.question && words >= 3 && !care {
            out.push(Cue {
                skill: Skill::Solution,
                weight: CLEAR,
                source: STRUCT_INSTRUCTION,
                first: k,
                last_excl: s.end_tok,
                start: text.tok(k).map_or(s.start, |t| t.start),
                end: s.end,
                why: "Tells the person what to do.".to_owned(),
            });
        }
    }
    // Shouting: several words in capitals that are not common abbreviations.
    let shouted: Vec<usize> = (0..text.toks.len())
        .filter(|&i| {
            text.tok(i).is_some_and(|t| {
                t.caps && t.norm.chars().count() >= 3 && !lex.plain_caps.contains(t.norm.as_str())
            })
        })
        .collect();
    let bangs = text.sentences.iter().map(|s| s.bangs).max().unwrap_or(0);
    if shouted.len() >= 2 || bangs >= 2 {
        let (first, last) = match (shouted.first(), shouted.last()) {
            (Some(&f), Some(&l)) if shouted.len() >= 2 => (f, l + 1),
            _ => (0, text.toks.len()),
        };
        let (start, end) = span(text, first, last);
        for skill in [Skill::DeEscalation, Skill::Politeness] {
            out.push(Cue {
                skill,
                weight: DAMP,
                source: STRUCT_SHOUTING,
                first,
                last_excl: last,
                start,
                end,
                why: "Shouts (capitals or repeated exclamation marks), which lowered the score.".to_owned(),
            });
        }
    }
}

/// Content words of the context the reply says again: the reply shows it took in what the person
/// said ("a torn jacket after waiting a week" to "My jacket arrived torn. I waited a week").
fn restatement_cues(text: &Text, context: &str, lex: &Lexicon, out: &mut Vec<Cue>) {
    if context.trim().is_empty() {
        return;
    }
    let ctx = Text::new(context);
    let stems: HashSet<String> = ctx
        .toks
        .iter()
        .filter(|t| !t.number && t.norm.chars().count() >= 3 && !lex.stopwords.contains(t.norm.as_str()))
        .map(|t| spans::stem(&t.norm))
        .collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut hits: Vec<usize> = Vec::new();
    for (i, t) in text.toks.iter().enumerate() {
        if t.number || t.norm.chars().count() < 3 || lex.stopwords.contains(t.norm.as_str()) {
            continue;
        }
        let st = spans::stem(&t.norm);
        if stems.contains(&st) && seen.insert(st) {
            hits.push(i);
        }
    }
    let weight = match hits.len() {
        0 | 1 => return,
        2 => MILD,
        3 => CLEAR,
        _ => STRONG,
    };
    // One cue (its weight from how many words it restates), evidence for each word.
    for (n, &i) in hits.iter().enumerate() {
        let (start, end) = span(text, i, i + 1);
        let word = text.slice(start, end);
        out.push(Cue {
            skill: Skill::Understanding,
            weight: if n == 0 { weight } else { 0.0 },
            source: STRUCT_RESTATES,
            first: i,
            last_excl: i + 1,
            start,
            end,
            why: if n == 0 {
                format!(
                    "Restates the person's own words ({} of them, first '{word}').",
                    hits.len()
                )
            } else {
                format!("Restates the person's own word '{word}'.")
            },
        });
    }
}

pub(super) fn clip(text: &Text, start: usize, end: usize) -> String {
    if end.saturating_sub(start) <= MAX_EVIDENCE_CHARS {
        return text.slice(start, end);
    }
    let mut s = text.slice(start, start + MAX_EVIDENCE_CHARS);
    s.push('…');
    s
}

/// A skill's cues → score, level, reason and evidence.
fn finish(skill: Skill, text: &Text, mut cues: Vec<Cue>) -> SkillScore {
    // Overlapping cues of one skill count once (the heaviest); the same entry at most 3 times.
    cues.sort_by(|a, b| {
        b.weight
            .abs()
            .total_cmp(&a.weight.abs())
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<Cue> = Vec::new();
    for c in cues {
        let overlaps = kept.iter().any(|k| {
            (k.weight >= 0.0) == (c.weight >= 0.0)
                && k.source != STRUCT_RESTATES
                && c.first < k.last_excl
                && k.first < c.last_excl
        });
        let same = kept.iter().filter(|k| k.source == c.source).count();
        if !overlaps && (same < MAX_SAME_CUE || c.source == STRUCT_RESTATES) {
            kept.push(c);
        }
    }
    let mut raise = 1.0;
    let mut lower = 1.0;
    for c in &kept {
        if c.weight >= 0.0 {
            raise *= 1.0 - c.weight.min(1.0);
        } else {
            lower *= 1.0 + c.weight.max(-1.0);
        }
    }
    let score = ((1.0 - raise) * lower).clamp(0.0, 1.0);
    let (cut1, cut2) = cut_offs(skill);
    let level = if score >= cut2 {
        2
    } else if score >= cut1 {
        1
    } else {
        0
    };
    let strongest = kept
        .iter()
        .filter(|c| c.weight > 0.0)
        .max_by(|a, b| a.weight.total_cmp(&b.weight).then(b.start.cmp(&a.start)));
    let lowering = kept.iter().find(|c| c.weight < 0.0);
    let reason = reason(skill, level, text, strongest, lowering);
    let mut evidence: Vec<&Cue> = kept.iter().filter(|c| level >= 1 || c.weight < 0.0).collect();
    evidence.truncate(MAX_EVIDENCE);
    evidence.sort_by_key(|c| (c.start, c.end));
    let evidence = evidence.into_iter().map(|c| c.evidence(text)).collect();
    SkillScore {
        level,
        score,
        reason,
        evidence,
    }
}

fn quote(text: &Text, c: &Cue) -> String {
    let q = clip(text, c.start, c.end);
    let q: String = if q.chars().count() > 60 {
        let mut s: String = q.chars().take(60).collect();
        s.push('…');
        s
    } else {
        q
    };
    q.replace('\n', " ")
}

fn absent(skill: Skill) -> &'static str {
    match skill {
        Skill::Empathy => "No words that acknowledge the person's feelings or situation.",
        Skill::Understanding => "Does not reflect or restate what the person said or feels.",
        Skill::Exploration => "Asks nothing about the person's situation.",
        Skill::DeEscalation => "Nothing that calms the situation (no acknowledgement, apology or ownership).",
        Skill::Clarity => "Hard to follow.",
        Skill::Politeness => "No courteous words (please, thank you, sorry).",
        Skill::Solution => "No concrete next step, action or suggestion.",
        Skill::Greeting => "Does not open with a greeting.",
        Skill::Closing => "Does not close (no offer of more help, no good wishes, no sign-off).",
    }
}

fn reason(skill: Skill, level: u8, text: &Text, strongest: Option<&Cue>, lowering: Option<&Cue>) -> String {
    let lowered = lowering
        .map(|c| format!(" '{}' lowered it.", quote(text, c)))
        .unwrap_or_default();
    match (level, strongest) {
        (0, Some(c)) => format!(
            "Only a faint sign ('{}'), not enough to count.{lowered}",
            quote(text, c)
        ),
        (0, None) => format!("{}{lowered}", absent(skill)),
        (l, Some(c)) => {
            let what = c.why.trim_end_matches('.');
            let clearly = if l >= 2 { " Shown clearly." } else { "" };
            format!("{what} ('{}').{clearly}{lowered}", quote(text, c))
        }
        (_, None) => absent(skill).to_owned(),
    }
}

/// Scores `reply` given `context` (see [`super::score`]).
pub(crate) fn score(context: &str, reply: &str) -> Scores {
    let lex = &*LEXICON;
    let text = Text::new(reply);
    let mut cues: Vec<Cue> = Vec::new();
    lexicon_cues(&text, lex, &mut cues);
    let lexical = cues.clone();
    structural_cues(&text, lex, &lexical, &mut cues);
    restatement_cues(&text, context, lex, &mut cues);
    let of = |skill: Skill| -> SkillScore {
        let mine: Vec<Cue> = cues.iter().filter(|c| c.skill == skill).cloned().collect();
        finish(skill, &text, mine)
    };
    Scores {
        empathy: of(Skill::Empathy),
        understanding: of(Skill::Understanding),
        exploration: of(Skill::Exploration),
        de_escalation: of(Skill::DeEscalation),
        clarity: super::clarity::clarity(&text, lex),
        politeness: of(Skill::Politeness),
        solution: of(Skill::Solution),
        greeting: of(Skill::Greeting),
        closing: of(Skill::Closing),
    }
}
