//! Questions a customer answers with one click. When the bot is unsure what a message means it
//! offers choices: the likeliest intents, in words a customer understands, and a person. A click
//! comes back as a message with the choice's intent, which the policy reads as if the bot had
//! recognised it.

use std::collections::BTreeMap;

use tandem_core::model::{Choice, HUMAN_CHOICE};
use tandem_core::{Error, ErrorCode};

use super::triage::Triage;
use crate::pack::model::{IntentDef, IntentKind};
use crate::runtime::BotRuntime;
use crate::Result;

/// At most this many intents are offered (a person is offered besides them).
pub const MAX_INTENT_CHOICES: usize = 3;

/// An intent is offered when its score is at least this share of the best one's: a far less
/// likely intent is noise, not a choice.
const RELATIVE_FLOOR: f32 = 0.15;

/// A customer may pick an intent of the active pack or a person; anything else (the pack's
/// out-of-scope examples included) is refused.
pub(crate) fn check_choice(bot: Option<&BotRuntime>, choice: &str) -> Result<()> {
    let offerable = |b: &BotRuntime| {
        b.intents
            .get(choice)
            .is_some_and(|d| d.kind != IntentKind::OutOfScope)
    };
    if choice == HUMAN_CHOICE || bot.is_some_and(offerable) {
        return Ok(());
    }
    Err(Error::invalid(
        ErrorCode::UnknownChoice,
        "that choice is not one the bot offers: send an intent of the active pack or `human`",
    ))
}

/// The choices for a question about a message the bot is unsure of: up to
/// [`MAX_INTENT_CHOICES`] of its likeliest intents (greetings and thanks are never offered),
/// then a person.
pub(crate) fn offer(
    triage: &Triage,
    intents: &BTreeMap<String, IntentDef>,
    talk_to_person: &str,
) -> Vec<Choice> {
    let candidates: Vec<(&str, &IntentDef, f32)> = triage
        .top_intents
        .iter()
        .filter_map(|s| {
            let def = intents.get(&s.intent)?;
            matches!(
                def.kind,
                IntentKind::Automated | IntentKind::Faq | IntentKind::Human
            )
            .then_some((s.intent.as_str(), def, s.score))
        })
        .collect();
    let best = candidates.first().map_or(0.0, |c| c.2);
    let mut choices: Vec<Choice> = candidates
        .into_iter()
        .enumerate()
        .filter(|(i, c)| *i == 0 || c.2 >= best * RELATIVE_FLOOR)
        .take(MAX_INTENT_CHOICES)
        .map(|(_, (name, def, _))| Choice {
            intent: name.to_owned(),
            label: label(name, def),
        })
        .collect();
    choices.push(Choice {
        intent: HUMAN_CHOICE.to_owned(),
        label: talk_to_person.to_owned(),
    });
    choices
}

/// The intent's label, or its name spelled out ("track_order" reads "Track order").
pub fn label(name: &str, def: &IntentDef) -> String {
    if let Some(label) = def.label.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        return label.to_owned();
    }
    let words = name.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_core::decision::IntentScore;
    use tandem_nlu::signals::Signals;

    fn def(kind: IntentKind, label: Option<&str>) -> IntentDef {
        IntentDef {
            name: String::new(),
            description: String::new(),
            label: label.map(ToOwned::to_owned),
            kind,
            examples: Vec::new(),
            threshold: None,
            slots: Vec::new(),
            connector: None,
            template: None,
            article_tags: Vec::new(),
            handoff_reason: None,
            team: None,
            priority: None,
        }
    }

    fn triage(scores: &[(&str, f32)]) -> Triage {
        Triage {
            intent: scores.first().map(|s| s.0.to_owned()),
            confidence: scores.first().map_or(0.0, |s| s.1),
            out_of_scope: true,
            top_intents: scores
                .iter()
                .map(|(intent, score)| IntentScore {
                    intent: (*intent).to_owned(),
                    score: *score,
                    words: Vec::new(),
                })
                .collect(),
            signals: Signals::default(),
            entities: Vec::new(),
        }
    }

    #[test]
    fn the_likeliest_intents_then_a_person() {
        let intents = BTreeMap::from([
            (
                "track_order".to_owned(),
                def(IntentKind::Automated, Some("Where is my order?")),
            ),
            ("delivery_problem".to_owned(), def(IntentKind::Human, None)),
            ("greeting".to_owned(), def(IntentKind::Acknowledge, None)),
            ("return_policy".to_owned(), def(IntentKind::Faq, None)),
            ("size_guide".to_owned(), def(IntentKind::Faq, None)),
        ]);
        let t = triage(&[
            ("track_order", 0.40),
            ("greeting", 0.30),
            ("delivery_problem", 0.20),
            ("unknown", 0.05),
            ("return_policy", 0.04),
            ("size_guide", 0.01),
        ]);
        let choices = offer(&t, &intents, "A person, please");
        let got: Vec<(&str, &str)> = choices
            .iter()
            .map(|c| (c.intent.as_str(), c.label.as_str()))
            .collect();
        // Greetings are never offered, unknown intents neither, and 0.01 is far below 0.40.
        assert_eq!(
            got,
            vec![
                ("track_order", "Where is my order?"),
                ("delivery_problem", "Delivery problem"),
                ("human", "A person, please"),
            ]
        );
        // Nothing likely: still a person, and the best guess.
        let choices = offer(&triage(&[("size_guide", 0.02)]), &intents, "Talk to a person");
        assert_eq!(choices.len(), 2);
    }

    #[test]
    fn only_pack_intents_and_a_person_may_be_picked() {
        assert!(check_choice(None, HUMAN_CHOICE).is_ok());
        let refused = check_choice(None, "track_order").unwrap_err();
        assert_eq!(refused.code(), ErrorCode::UnknownChoice);
    }
}
