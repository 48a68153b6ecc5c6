//! Clarity, read from the shape of the reply rather than from a lexicon: short sentences,
//! concrete specifics (numbers, dates, times), no unexplained abbreviations, not a wall of text; an
//! empty or one- or two-word reply is not clear.

use super::cues::FAINT;
use super::skills::{cut_offs, Cue, Lexicon, MAX_EVIDENCE};
use super::spans::Text;
use super::{Evidence, Skill, SkillScore};
use crate::num::usize_to_f64;

fn is_specific(norm: &str, number: bool) -> bool {
    number
        || matches!(
            norm,
            "today"
                | "tomorrow"
                | "tonight"
                | "monday"
                | "tuesday"
                | "wednesday"
                | "thursday"
                | "friday"
                | "saturday"
                | "sunday"
                | "january"
                | "february"
                | "march"
                | "april"
                | "june"
                | "july"
                | "august"
                | "september"
                | "october"
                | "november"
                | "december"
        )
        || (norm.chars().any(|c| c.is_ascii_digit()) && norm.chars().any(char::is_alphabetic))
}

/// Clarity from the shape of the reply: short sentences, concrete specifics, no unexplained
/// abbreviations, not a wall of text; an empty or one-word reply is not clear.
pub(super) fn clarity(text: &Text, lex: &Lexicon) -> SkillScore {
    let words = text.words();
    if words == 0 {
        return SkillScore {
            level: 0,
            score: 0.0,
            reason: "The reply is empty.".to_owned(),
            evidence: Vec::new(),
        };
    }
    if words < 3 {
        return SkillScore {
            level: 0,
            score: 0.15,
            reason: "A reply of one or two words says too little to be clear.".to_owned(),
            evidence: Vec::new(),
        };
    }
    let mut cues: Vec<Cue> = Vec::new();
    let sentences = text.sentences.len().max(1);
    let avg = usize_to_f64(words) / usize_to_f64(sentences);
    let mut score: f64 = 0.6;
    let mut notes: Vec<String> = Vec::new();
    if avg <= 20.0 {
        score += 0.15;
    }
    let longest = text
        .sentences
        .iter()
        .max_by_key(|s| s.end_tok.saturating_sub(s.first_tok));
    if let Some(s) = longest {
        let n = s.end_tok.saturating_sub(s.first_tok);
        if n > 35 {
            score -= 0.25;
            notes.push(format!("a sentence of {n} words"));
            cues.push(Cue {
                skill: Skill::Clarity,
                weight: -0.25,
                source: 0,
                first: s.first_tok,
                last_excl: s.end_tok,
                start: s.start,
                end: s.end,
                why: format!("A sentence of {n} words is hard to follow, which lowered the score."),
            });
        }
    }
    let lines = text.chars.iter().filter(|&&c| c == '\n').count();
    if words > 150 && lines < 2 {
        score -= 0.25;
        notes.push(format!("{words} words in one block"));
    }
    let mut specifics = 0usize;
    let mut jargon = 0usize;
    for (i, t) in text.toks.iter().enumerate() {
        if is_specific(&t.norm, t.number) && specifics < 4 {
            specifics += 1;
            if specifics <= 2 {
                score += 0.1;
            }
            cues.push(Cue {
                skill: Skill::Clarity,
                weight: FAINT,
                source: 1,
                first: i,
                last_excl: i + 1,
                start: t.start,
                end: t.end,
                why: "A concrete specific (a number, a date or a time).".to_owned(),
            });
        }
        let explained = text
            .chars
            .get(t.end..t.end.saturating_add(3))
            .is_some_and(|s| s.contains(&'('));
        if t.caps
            && !t.number
            && t.norm.chars().count() <= 6
            && !lex.plain_caps.contains(t.norm.as_str())
            && !explained
            && jargon < 3
        {
            jargon += 1;
            score -= 0.1;
            cues.push(Cue {
                skill: Skill::Clarity,
                weight: -0.1,
                source: 2,
                first: i,
                last_excl: i + 1,
                start: t.start,
                end: t.end,
                why: "An abbreviation the reply does not explain, which lowered the score.".to_owned(),
            });
        }
    }
    let score = score.clamp(0.0, 1.0);
    let (cut1, cut2) = cut_offs(Skill::Clarity);
    let level = if score >= cut2 {
        2
    } else if score >= cut1 {
        1
    } else {
        0
    };
    if level >= 1 && !cues.iter().any(|c| c.weight > 0.0) {
        if let Some(s) = text
            .sentences
            .iter()
            .min_by_key(|s| s.end_tok.saturating_sub(s.first_tok))
        {
            let n = s.end_tok.saturating_sub(s.first_tok);
            cues.push(Cue {
                skill: Skill::Clarity,
                weight: FAINT,
                source: 3,
                first: s.first_tok,
                last_excl: s.end_tok,
                start: s.start,
                end: s.end,
                why: format!("A short sentence ({n} words) that is easy to follow."),
            });
        }
    }
    let reason = match level {
        0 => format!(
            "Hard to follow: {}.",
            if notes.is_empty() {
                "unexplained abbreviations".to_owned()
            } else {
                notes.join(", ")
            }
        ),
        _ => {
            let mut r = format!("Easy to follow: {sentences} sentence(s) of about {avg:.0} words");
            if specifics > 0 {
                r.push_str(&format!(", with {specifics} concrete specific(s)"));
            }
            r.push('.');
            if !notes.is_empty() {
                r.push_str(&format!(" Held back by {}.", notes.join(", ")));
            }
            r
        }
    };
    let mut evidence: Vec<Evidence> = cues
        .iter()
        .filter(|c| level >= 1 || c.weight < 0.0)
        .map(|c| c.evidence(text))
        .collect();
    evidence.sort_by_key(|e| (e.start, e.end));
    evidence.truncate(MAX_EVIDENCE);
    SkillScore {
        level,
        score,
        reason,
        evidence,
    }
}
