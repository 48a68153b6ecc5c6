//! The identity challenge: a customer without a signed identity proves they own the account by
//! answering a question about its record (the last digits of its phone number, its postcode). The
//! policy decides when to ask; this room checks the answer, in constant time, and counts wrong
//! answers per e-mail address so that a short answer cannot be guessed conversation after
//! conversation.

use subtle::ConstantTimeEq;

use tandem_core::model::{Conversation, Message};

use super::policy;
use crate::connectors::ConnectorInput;
use crate::pack::model::{ChallengeDef, PackManifest};
use crate::runtime::BotRuntime;
use crate::Engine;

/// At most this many words of an answer are read (a real answer is a few characters).
const MAX_ANSWER_WORDS: usize = 40;
/// At most this many neighbouring words are joined into one candidate ("12 34", "SW1A 1AA").
const MAX_JOINED_WORDS: usize = 4;

/// What the policy knows about who the customer is (see [`policy::Identity`]).
pub(crate) fn as_policy_sees_it(
    engine: &Engine,
    manifest: &PackManifest,
    conversation: &Conversation,
    message: &Message,
) -> policy::Identity {
    let challenge = manifest.identity.challenge.as_ref();
    let tries_left = engine
        .widget_guards
        .identity_failures
        .blocked(&[&address_key(&conversation.customer.email)])
        .is_none();
    policy::Identity {
        verification: manifest.verification(),
        verified: conversation.customer_verified,
        challenge: challenge.is_some() && tries_left,
        answer_given: challenge.is_some_and(|c| looks_like_answer(&message.text, c.last)),
    }
}

/// Counts a wrong answer against the address, over all its conversations.
pub(crate) fn count_wrong_answer(engine: &Engine, email: &str) {
    engine
        .widget_guards
        .identity_failures
        .fail(&[&address_key(email)]);
}

/// The key wrong answers are counted under: the address, whatever its case.
fn address_key(email: &str) -> String {
    email.to_lowercase()
}

/// What checking an answer found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Check {
    Match,
    /// A wrong answer, or no record for the address (the same, so nothing leaks).
    Mismatch,
}

/// Runs the challenge's connector for the conversation's e-mail address and compares the answer
/// with the record. `Err` when the connector failed (the case goes to a person).
pub(crate) async fn check(
    bot: &BotRuntime,
    challenge: &ChallengeDef,
    customer_email: &str,
    customer_name: &str,
    answer: &str,
) -> Result<Check, String> {
    let input = ConnectorInput {
        slots: Default::default(),
        customer_email: customer_email.to_owned(),
        customer_name: customer_name.to_owned(),
    };
    let output = bot
        .connectors
        .run(&challenge.connector, &input)
        .await
        .map_err(|e| format!("identity connector `{}` failed: {e}", challenge.connector))?;
    let expected = output
        .rows
        .first()
        .and_then(|row| row.get(&challenge.field))
        .and_then(value_text)
        .map(|v| expected_answer(&v, challenge.last))
        .filter(|v| !v.is_empty());
    Ok(match expected {
        Some(expected) if answer_matches(answer, &expected) => Check::Match,
        _ => Check::Mismatch,
    })
}

fn value_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The letters and digits of a value, lower-case: what an answer is compared with.
fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The part of the record's value the customer must give: its last `last` letters and digits, or
/// all of them when `last` is 0.
pub(crate) fn expected_answer(value: &str, last: usize) -> String {
    let all: Vec<char> = normalize(value).chars().collect();
    let skip = if last == 0 {
        0
    } else {
        all.len().saturating_sub(last)
    };
    all.into_iter().skip(skip).collect()
}

/// Whether the message holds something shaped like an answer: a candidate (see [`answer_matches`])
/// of `last` characters with a digit in it, or with `last` 0 any word with a digit.
pub(crate) fn looks_like_answer(text: &str, last: usize) -> bool {
    let words = answer_words(text);
    if last == 0 {
        return words.iter().any(|w| w.chars().any(|c| c.is_numeric()));
    }
    !candidates(&words, last, true).is_empty()
}

fn answer_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .take(MAX_ANSWER_WORDS)
        .map(normalize)
        .filter(|w| !w.is_empty())
        .collect()
}

/// One word, or up to four neighbouring words read together, of `len` letters and digits (with a
/// digit in it when `needs_digit`).
fn candidates(words: &[String], len: usize, needs_digit: bool) -> std::collections::BTreeSet<String> {
    let mut found = std::collections::BTreeSet::new();
    for start in 0..words.len() {
        let mut joined = String::new();
        for word in words.iter().skip(start).take(MAX_JOINED_WORDS) {
            joined.push_str(word);
            if joined.chars().count() == len && (!needs_digit || joined.chars().any(|c| c.is_numeric())) {
                found.insert(joined.clone());
            }
        }
    }
    found
}

/// Whether the customer's message gives the expected value: one word, or up to four neighbouring
/// words read together, equal to it once punctuation and case are dropped ("0148", "01 48",
/// "it's 0148.", "sw1a 1aa"). The message must hold exactly one candidate of the value's length
/// (with a digit in it when the value has digits), so a list of guesses is a wrong answer, not
/// several tries. The comparison takes constant time.
pub(crate) fn answer_matches(answer: &str, expected: &str) -> bool {
    if expected.is_empty() {
        return false;
    }
    let needs_digit = expected.chars().any(|c| c.is_numeric());
    let candidates = candidates(&answer_words(answer), expected.chars().count(), needs_digit);
    match candidates.first() {
        Some(only) if candidates.len() == 1 => only.as_bytes().ct_eq(expected.as_bytes()).into(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_digits_of_a_phone_number() {
        assert_eq!(expected_answer("+1 617 555 0148", 4), "0148");
        assert_eq!(expected_answer("SW1A 1AA", 0), "sw1a1aa");
        assert_eq!(expected_answer("12", 4), "12");
    }

    #[test]
    fn answers_in_the_words_customers_use() {
        for answer in [
            "0148",
            "01 48",
            "It's 0148.",
            "the last four are 0148 thanks",
            "0-1-4-8",
        ] {
            assert!(answer_matches(answer, "0148"), "{answer}");
        }
        assert!(answer_matches("my postcode is SW1A 1AA", "sw1a1aa"));
        let guesses = ["0148 0149", "0 1 4 8 9 9", "0147, 0148 or 0149"];
        for answer in ["", "0149", "148", "10148", "01489", "0148a"]
            .iter()
            .chain(&guesses)
        {
            assert!(!answer_matches(answer, "0148"), "{answer}");
        }
        assert!(
            !answer_matches("anything", ""),
            "an empty record value matches nothing"
        );
    }

    #[test]
    fn what_looks_like_an_answer() {
        for text in ["0148", "it's 01 48", "0-1-4-8"] {
            assert!(looks_like_answer(text, 4), "{text}");
        }
        for text in ["What is your return policy?", "order A1001", "12345"] {
            assert!(!looks_like_answer(text, 4), "{text}");
        }
        assert!(looks_like_answer("SW1A 1AA", 0));
    }
}
