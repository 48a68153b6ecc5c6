//! The content editor's checks of what it receives.

use std::collections::BTreeSet;

use tandem_core::{Error, ErrorCode};

use crate::pack::model::CannedReply;
use crate::pack::Pack;
use crate::Result;

pub(super) const MAX_EXAMPLE_CHARS: usize = 500;
pub(super) const MAX_TEXT_CHARS: usize = 4000;
pub(super) const MAX_TITLE_CHARS: usize = 200;
pub(super) const MAX_ARTICLE_CHARS: usize = 100_000;
pub(super) const MAX_TEMPLATE_CHARS: usize = 20_000;
pub(super) const MAX_CANNED_REPLIES: usize = 200;
pub(super) const MAX_NAME_CHARS: usize = 80;

pub(super) fn no_pack() -> Error {
    Error::missing(
        ErrorCode::NoActivePack,
        "no content pack is installed; import one with `tandem import`",
    )
}

pub(super) fn unknown_intent(name: &str) -> Error {
    Error::not_found(format!("intent `{name}`"))
}

/// Lower-case letters, digits and the given separators; 1 to `MAX_NAME_CHARS` characters.
pub(super) fn plain_name(name: &str, separators: &[char]) -> bool {
    !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || separators.contains(&c))
}

/// Trimmed, non-empty, at most `max` characters.
pub(super) fn required_text(value: &str, max: usize, code: ErrorCode, what: &str) -> Result<String> {
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
pub(super) fn one_line(value: &str, max: usize, code: ErrorCode, what: &str) -> Result<String> {
    let value = required_text(value, max, code, what)?;
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(code, format!("{what} must be one line")));
    }
    Ok(value)
}

pub(super) fn optional_name(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
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

pub(super) fn check_example(text: &str) -> Result<String> {
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
    Ok(text.to_owned())
}

pub(super) fn check_threshold(threshold: Option<f32>) -> Result<()> {
    match threshold {
        Some(t) if !(0.0..=1.0).contains(&t) || !t.is_finite() => Err(Error::invalid(
            ErrorCode::InvalidThreshold,
            "threshold must be between 0 and 1",
        )),
        _ => Ok(()),
    }
}

pub(super) fn check_canned(replies: &[CannedReply]) -> Result<Vec<CannedReply>> {
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

/// The address a new article gets when none is given: the other articles' help centre.
pub(super) fn default_article_url(pack: &Pack, slug: &str) -> Option<String> {
    pack.articles
        .iter()
        .filter_map(|a| a.url.rsplit_once('/').map(|(base, _)| base))
        .find(|base| base.starts_with("http://") || base.starts_with("https://"))
        .map(|base| format!("{base}/{slug}"))
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
