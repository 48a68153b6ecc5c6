//! The rules single values of a pack follow (names, examples, thresholds, texts, canned
//! replies, the bot's disclosure), in one place: the pack validation and the content editor both
//! call them, and each refusal carries its error code.

use std::collections::BTreeSet;

use tandem_core::{Error, ErrorCode};

use super::model::CannedReply;
use crate::Result;

pub const MAX_EXAMPLE_CHARS: usize = 500;
pub const MAX_TEXT_CHARS: usize = 4000;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_ARTICLE_CHARS: usize = 100_000;
pub const MAX_TEMPLATE_CHARS: usize = 20_000;
pub const MAX_CANNED_REPLIES: usize = 200;
pub const MAX_NAME_CHARS: usize = 80;

/// The kinds of name a pack uses, each with its characters and error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Name {
    Intent,
    Slug,
    Tag,
    Template,
}

impl Name {
    fn separators(self) -> &'static [char] {
        match self {
            Name::Intent => &['_'],
            Name::Slug | Name::Tag | Name::Template => &['-', '_'],
        }
    }
}

/// Lower-case letters, digits and the kind's separators; 1 to `MAX_NAME_CHARS` characters.
pub fn check_name(name: &str, kind: Name) -> Result<()> {
    let separators = kind.separators();
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || separators.contains(&c));
    if ok {
        return Ok(());
    }
    let (code, message) = match kind {
        Name::Intent => (
            ErrorCode::InvalidIntentName,
            format!("an intent name is 1 to {MAX_NAME_CHARS} lower-case letters, digits and `_`"),
        ),
        Name::Slug => (
            ErrorCode::InvalidSlug,
            format!("a slug is 1 to {MAX_NAME_CHARS} lower-case letters, digits, `-` and `_`"),
        ),
        Name::Tag => (
            ErrorCode::InvalidTag,
            format!("tag \"{name}\": a tag is lower-case letters, digits, `-` and `_`"),
        ),
        Name::Template => (
            ErrorCode::InvalidTemplateName,
            format!("a template name is 1 to {MAX_NAME_CHARS} lower-case letters, digits, `-` and `_`"),
        ),
    };
    Err(Error::invalid(code, message))
}

/// Trimmed, non-empty, at most `max` characters.
pub fn required_text(value: &str, max: usize, code: ErrorCode, what: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid(code, format!("{what} must not be empty")));
    }
    if value.chars().count() > max {
        return Err(Error::invalid(
            code,
            format!("{what} is longer than {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// A one-line text (titles, names): no line breaks or other control characters.
pub fn one_line(value: &str, max: usize, code: ErrorCode, what: &str) -> Result<String> {
    let value = required_text(value, max, code, what)?;
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(code, format!("{what} must be one line")));
    }
    Ok(value)
}

/// Whether the disclosure says that a bot is speaking.
pub fn discloses_bot(text: &str) -> bool {
    let lower = text.to_lowercase();
    if lower.contains("virtual assistant") || lower.contains("automated") {
        return true;
    }
    lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| matches!(w, "bot" | "bots" | "chatbot" | "ai"))
}

/// A training example as it is kept: trimmed, not empty, not too long, personal data redacted.
pub fn check_example(text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid(
            ErrorCode::EmptyExample,
            "the example must not be empty",
        ));
    }
    if text.chars().count() > MAX_EXAMPLE_CHARS {
        return Err(Error::invalid(
            ErrorCode::InvalidExample,
            format!("an example is at most {MAX_EXAMPLE_CHARS} characters"),
        ));
    }
    // A training example is kept in every pack revision and learned by the model: it holds no
    // personal data (a pasted customer message keeps its words, not their e-mail or card number).
    Ok(crate::privacy::redact(text))
}

pub fn check_threshold(threshold: Option<f32>) -> Result<()> {
    match threshold {
        Some(t) if !(0.0..=1.0).contains(&t) || !t.is_finite() => Err(Error::invalid(
            ErrorCode::InvalidThreshold,
            "threshold must be between 0 and 1",
        )),
        _ => Ok(()),
    }
}

pub fn check_canned(replies: &[CannedReply]) -> Result<Vec<CannedReply>> {
    if replies.len() > MAX_CANNED_REPLIES {
        return Err(Error::invalid(
            ErrorCode::InvalidCannedReply,
            format!("at most {MAX_CANNED_REPLIES} canned replies"),
        ));
    }
    let mut titles = BTreeSet::new();
    let mut out = Vec::with_capacity(replies.len());
    for r in replies {
        let title = one_line(
            &r.title,
            MAX_TITLE_CHARS,
            ErrorCode::InvalidCannedReply,
            "a canned reply's title",
        )?;
        let text = required_text(
            &r.text,
            MAX_TEXT_CHARS,
            ErrorCode::InvalidCannedReply,
            "a canned reply's text",
        )?;
        if !titles.insert(title.to_lowercase()) {
            return Err(Error::conflict(
                ErrorCode::DuplicateCannedReply,
                format!("two canned replies have the title \"{title}\""),
            ));
        }
        out.push(CannedReply { title, text });
    }
    Ok(out)
}

/// The disclosure must tell customers they are talking to a bot.
pub fn check_disclosure(text: &str) -> Result<()> {
    if discloses_bot(text) {
        Ok(())
    } else {
        Err(Error::invalid(
            ErrorCode::DisclosureRequired,
            "the disclosure must tell customers they are talking to a bot (say \"bot\", \"virtual assistant\", \"automated\" or \"AI\")",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_disclosure_check_wants_a_word_for_a_bot() {
        assert!(discloses_bot("You're chatting with our virtual assistant."));
        assert!(discloses_bot("I am a BOT."));
        assert!(discloses_bot("An AI answers first."));
        assert!(discloses_bot("This is an automated service."));
        assert!(!discloses_bot("Hello, both of us are here to help, said Aiden."));
        assert!(!discloses_bot(""));
    }

    #[test]
    fn canned_replies_need_titles_and_texts_and_unique_titles() {
        let ok = check_canned(&[CannedReply {
            title: " A ".into(),
            text: " b ".into(),
        }])
        .unwrap();
        assert_eq!(ok[0].title, "A");
        assert!(check_canned(&[CannedReply {
            title: "".into(),
            text: "b".into()
        }])
        .is_err());
        assert!(check_canned(&[CannedReply {
            title: "a".into(),
            text: "  ".into()
        }])
        .is_err());
        let dup = check_canned(&[
            CannedReply {
                title: "A".into(),
                text: "b".into(),
            },
            CannedReply {
                title: "a".into(),
                text: "c".into(),
            },
        ]);
        assert_eq!(dup.unwrap_err().code(), "duplicate_canned_reply");
    }
}
