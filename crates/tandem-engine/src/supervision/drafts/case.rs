//! Which question of a resolved conversation the bot could not answer, and which reply of a person
//! answered it. Pure: it reads the conversation's decisions and messages and nothing else.
//!
//! The question is found from the conversation's latest handoff backwards: messages that only
//! ask for a person (a `customer_request` handoff, a click on "talk to a person") and small talk
//! the bot acknowledged (greetings, thanks) are skipped; the first message left is the question
//! when its decision shows that the bot did not understand it or had nothing to answer it with —
//! a clarification without a value asked for (the bot asked to rephrase, or offered choices), or
//! a handoff for being out of scope or of low confidence (which includes an FAQ no article
//! answered well enough). Any other decision there (an answer, a resolved request, a value asked
//! for, a sensitive topic handed to people on purpose) means the bot understood the latest
//! request: no case. The answer is the first reply a person sent the customer (not a note, not
//! deleted) after the handoff.

use tandem_core::decision::{Decision, DecisionKind, HandoffReason};
use tandem_core::ids::MessageId;
use tandem_core::model::{Author, Message, HUMAN_CHOICE};

/// A question the bot could not answer and the reply that answered it, as they are in the
/// conversation (not redacted yet).
#[derive(Clone, Debug, PartialEq)]
pub struct Found<'a> {
    pub question: &'a Message,
    pub answer: &'a Message,
    /// The bot's best guess of the question's intent: the decision's intent, else the first of
    /// its top intents that `guessable` accepts.
    pub intent: Option<String>,
}

/// The decision asks for a person and nothing else.
fn asks_for_person(decision: &Decision, messages: &[Message]) -> bool {
    let clicked_person =
        message(messages, decision.message_id).is_some_and(|m| m.choice.as_deref() == Some(HUMAN_CHOICE));
    clicked_person
        || (decision.kind == DecisionKind::Handoff
            && decision.handoff_reason == Some(HandoffReason::CustomerRequest))
}

/// The decision shows the bot did not understand the message, or had nothing to answer it with.
fn not_understood(decision: &Decision) -> bool {
    match decision.kind {
        DecisionKind::Clarify => decision.slot.is_none(),
        DecisionKind::Handoff => matches!(
            decision.handoff_reason,
            Some(HandoffReason::OutOfScope | HandoffReason::LowConfidence)
        ),
        DecisionKind::Resolve | DecisionKind::Answer | DecisionKind::Acknowledge => false,
    }
}

fn message(messages: &[Message], id: MessageId) -> Option<&Message> {
    messages.iter().find(|m| m.id == id)
}

/// A message with words in it (not deleted, not only whitespace).
fn has_text(m: &Message) -> bool {
    m.deleted_at.is_none() && !m.text.trim().is_empty()
}

/// The question the bot could not answer and the person's reply to it, when the conversation has
/// both. `decisions` and `messages` (notes included or not) are oldest first; `guessable` says
/// which intents may be the question's guess (not the pack's out-of-scope examples, say).
pub fn find<'a>(
    decisions: &[Decision],
    messages: &'a [Message],
    guessable: impl Fn(&str) -> bool,
) -> Option<Found<'a>> {
    let handoff = decisions.iter().rposition(|d| d.kind == DecisionKind::Handoff)?;
    let before = decisions.get(..=handoff)?;
    let asked = before
        .iter()
        .rev()
        .find(|d| !asks_for_person(d, messages) && d.kind != DecisionKind::Acknowledge)?;
    if !not_understood(asked) {
        return None;
    }
    let question = message(messages, asked.message_id)
        .filter(|m| m.author == Author::Customer && m.choice.is_none() && has_text(m))?;
    // The reply comes after the message the bot handed the case over on.
    let handed_at = decisions
        .get(handoff)
        .and_then(|d| messages.iter().position(|m| m.id == d.message_id))?;
    let answer = messages
        .iter()
        .skip(handed_at.saturating_add(1))
        .find(|m| m.author == Author::Agent && !m.internal && has_text(m))?;
    let intent = asked
        .intent
        .iter()
        .chain(asked.top_intents.iter().map(|i| &i.intent))
        .find(|i| guessable(i))
        .cloned();
    Some(Found {
        question,
        answer,
        intent,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use tandem_core::decision::IntentScore;
    use tandem_core::ids::ConversationId;

    fn msg(author: Author, text: &str) -> Message {
        Message {
            id: MessageId::new(),
            conversation_id: ConversationId::new(),
            author,
            author_user_id: None,
            text: text.to_owned(),
            internal: false,
            sources: Vec::new(),
            choices: Vec::new(),
            choice: None,
            created_at: chrono::Utc::now(),
            attachments: Vec::new(),
            edited_at: None,
            deleted_at: None,
        }
    }

    fn decided(
        m: &Message,
        kind: DecisionKind,
        reason: Option<HandoffReason>,
        slot: Option<&str>,
    ) -> Decision {
        Decision {
            conversation_id: m.conversation_id,
            message_id: m.id,
            kind,
            intent: None,
            confidence: 0.3,
            top_intents: vec![IntentScore {
                intent: "contact_hours".into(),
                score: 0.3,
                words: Vec::new(),
            }],
            signals: Default::default(),
            reasons: Vec::new(),
            handoff_reason: reason,
            slot: slot.map(str::to_owned),
            entities: serde_json::Value::Null,
            created_at: chrono::Utc::now(),
        }
    }

    use DecisionKind::*;

    fn any(_: &str) -> bool {
        true
    }

    #[test]
    fn the_question_not_understood_before_asking_for_a_person() {
        let q = msg(Author::Customer, "Do you have a store in Milan?");
        let person = msg(Author::Customer, "Can I talk to a person, please?");
        let note = Message {
            internal: true,
            ..msg(Author::Agent, "Checking with the shop team")
        };
        let reply = msg(Author::Agent, "Only in Portland.");
        let later = msg(Author::Agent, "Anything else?");
        let decisions = [
            decided(&q, Clarify, None, None),
            decided(&person, Handoff, Some(HandoffReason::CustomerRequest), None),
        ];
        let messages = [q.clone(), person, note, reply.clone(), later];
        let found = find(&decisions, &messages, any).unwrap();
        assert_eq!(found.question.id, q.id);
        assert_eq!(found.answer.id, reply.id, "the first reply, not the note");
        assert_eq!(found.intent.as_deref(), Some("contact_hours"), "the best guess");
        let none = find(&decisions, &messages, |i| i != "contact_hours").unwrap();
        assert_eq!(none.intent, None, "no guess the caller accepts");
    }

    #[test]
    fn a_low_confidence_handoff_is_its_own_question() {
        let hi = msg(Author::Customer, "Hello");
        let q = msg(Author::Customer, "Is there a shop in Milan?");
        let reply = msg(Author::Agent, "Portland only.");
        let mut handoff = decided(&q, Handoff, Some(HandoffReason::LowConfidence), None);
        handoff.intent = Some("contact_hours".into());
        let decisions = [decided(&hi, Acknowledge, None, None), handoff];
        let messages = [hi, q.clone(), reply];
        let found = find(&decisions, &messages, any).unwrap();
        assert_eq!(found.question.id, q.id);
        assert_eq!(found.intent.as_deref(), Some("contact_hours"));
    }

    #[test]
    fn no_case_when_the_bot_understood_or_nobody_answered_or_nobody_took_over() {
        let q = msg(Author::Customer, "What is your return policy?");
        let person = msg(Author::Customer, "agent please");
        let reply = msg(Author::Agent, "Here you go.");
        // The bot answered; the customer still wanted a person.
        let answered = [
            decided(&q, Answer, None, None),
            decided(&person, Handoff, Some(HandoffReason::CustomerRequest), None),
        ];
        let messages = [q.clone(), person.clone(), reply.clone()];
        assert!(find(&answered, &messages, any).is_none());
        // A sensitive topic goes to people on purpose.
        let sensitive = [decided(&q, Handoff, Some(HandoffReason::SensitiveTopic), None)];
        assert!(find(&sensitive, &messages, any).is_none());
        // The bot asked for a value: it understood.
        let slot = [
            decided(&q, Clarify, None, Some("order_id")),
            decided(&person, Handoff, Some(HandoffReason::CustomerRequest), None),
        ];
        assert!(find(&slot, &messages, any).is_none());
        // Only a request for a person: no question.
        let only_person = [decided(
            &person,
            Handoff,
            Some(HandoffReason::CustomerRequest),
            None,
        )];
        assert!(find(&only_person, &[person.clone(), reply.clone()], any).is_none());
        // Never handed over.
        let never = [decided(&q, Clarify, None, None)];
        assert!(find(&never, &messages, any).is_none());
        // Handed over, but no person replied (a note is not a reply; a deleted reply neither).
        let handed = [decided(&q, Handoff, Some(HandoffReason::OutOfScope), None)];
        let note = Message {
            internal: true,
            ..msg(Author::Agent, "note")
        };
        let deleted = Message {
            deleted_at: Some(chrono::Utc::now()),
            text: String::new(),
            ..msg(Author::Agent, "")
        };
        assert!(find(&handed, &[q.clone(), note, deleted], any).is_none());
        assert!(find(&handed, &[q, reply], any).is_some());
    }

    #[test]
    fn a_reply_before_the_handoff_does_not_count() {
        let q = msg(Author::Customer, "Gift wrapping?");
        let early = msg(Author::Agent, "Hi!");
        let person = msg(Author::Customer, "A person please");
        let decisions = [
            decided(&q, Clarify, None, None),
            decided(&person, Handoff, Some(HandoffReason::CustomerRequest), None),
        ];
        assert!(find(&decisions, &[q.clone(), early, person.clone()], any).is_none());
        let reply = msg(Author::Agent, "Not yet.");
        let messages = [q, person, reply.clone()];
        let found = find(&decisions, &messages, any).unwrap();
        assert_eq!(found.answer.id, reply.id);
    }
}
