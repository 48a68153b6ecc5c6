//! Parse, don't validate: values from outside become these types once, at the edge, and the rest
//! of Tandem can rely on them.

use crate::{Error, ErrorCode};

/// The longest message text Tandem stores, in characters.
pub const MAX_MESSAGE_CHARS: usize = 20_000;
const MAX_NAME_CHARS: usize = 200;
const MAX_TAG_CHARS: usize = 64;
/// Passwords shorter than this are refused.
pub const MIN_PASSWORD_CHARS: usize = 10;
const MAX_PASSWORD_CHARS: usize = 1024;

/// A syntactically plausible e-mail address, trimmed and lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let email = raw.trim().to_lowercase();
        let bad = || {
            Error::invalid(
                ErrorCode::InvalidEmail,
                format!("{raw:?} is not a valid e-mail address"),
            )
        };
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = email.split_once('@').ok_or_else(bad)?;
        if local.is_empty() || domain.contains('@') || !domain.contains('.') {
            return Err(bad());
        }
        if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
            return Err(bad());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A person's display name: trimmed, 1 to 200 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(Error::invalid(
                ErrorCode::InvalidName,
                "the name must not be empty",
            ));
        }
        if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(Error::invalid(
                ErrorCode::InvalidName,
                format!("the name must be at most {MAX_NAME_CHARS} characters without control characters"),
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// The text of a message: not blank, at most [`MAX_MESSAGE_CHARS`] characters. Leading and
/// trailing whitespace is removed; the text inside is kept as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageText(String);

impl MessageText {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(Error::invalid(
                ErrorCode::EmptyMessage,
                "the message text must not be empty",
            ));
        }
        if text.chars().count() > MAX_MESSAGE_CHARS {
            return Err(Error::invalid(
                ErrorCode::MessageTooLong,
                format!("the message text must be at most {MAX_MESSAGE_CHARS} characters"),
            ));
        }
        // Keep newlines and tabs; drop other control characters, which no person means to send.
        let clean: String = text
            .chars()
            .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
            .collect();
        Ok(Self(clean))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A conversation tag: lower-case letters, digits, `-`, `_`, `:` and `.`, 1 to 64 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(String);

impl Tag {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let tag = raw.trim().to_lowercase();
        let ok = !tag.is_empty()
            && tag.chars().count() <= MAX_TAG_CHARS
            && tag
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'));
        if ok {
            Ok(Self(tag))
        } else {
            Err(Error::invalid(
                ErrorCode::InvalidTag,
                format!("{raw:?} is not a valid tag: use 1 to {MAX_TAG_CHARS} letters, digits, '-', '_', ':' or '.'"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Text staff search conversations for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchText(String);

/// The longest search text (`q=`).
pub const MAX_SEARCH_CHARS: usize = 200;

impl SearchText {
    /// Text to search for: trimmed, at most [`MAX_SEARCH_CHARS`] characters, no control characters
    /// (a NUL byte is refused the same way on every backend). `None` when blank.
    pub fn parse(raw: &str) -> Result<Option<Self>, Error> {
        let text = raw.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().count() > MAX_SEARCH_CHARS || text.chars().any(char::is_control) {
            return Err(Error::invalid(
                ErrorCode::InvalidQuery,
                format!("q must be at most {MAX_SEARCH_CHARS} characters without control characters"),
            ));
        }
        Ok(Some(Self(text.to_owned())))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A new password: at least [`MIN_PASSWORD_CHARS`] characters.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let n = raw.chars().count();
        if n < MIN_PASSWORD_CHARS {
            return Err(Error::invalid(
                ErrorCode::WeakPassword,
                format!("the password must have at least {MIN_PASSWORD_CHARS} characters"),
            ));
        }
        if n > MAX_PASSWORD_CHARS {
            return Err(Error::invalid(
                ErrorCode::InvalidPassword,
                "the password is too long",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse("  Ada@Example.ORG ").unwrap().as_str(),
            "ada@example.org"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "a b@example.org",
            "a@b",
            "a@.b.c",
            "a@b..c",
            "a@b@c.d",
        ] {
            assert_eq!(Email::parse(bad).unwrap_err().code(), "invalid_email", "{bad}");
        }
    }

    #[test]
    fn message_text() {
        assert_eq!(
            MessageText::parse("  hi\u{0007} there\n ").unwrap().as_str(),
            "hi there"
        );
        assert_eq!(MessageText::parse(" \n\t ").unwrap_err().code(), "empty_message");
        let long = "x".repeat(MAX_MESSAGE_CHARS + 1);
        assert_eq!(MessageText::parse(&long).unwrap_err().code(), "message_too_long");
    }

    #[test]
    fn tags_and_names_and_passwords() {
        assert_eq!(Tag::parse(" Billing:Refund ").unwrap().as_str(), "billing:refund");
        assert!(Tag::parse("two words").is_err());
        assert!(DisplayName::parse("  ").is_err());
        assert!(Password::parse("short").is_err());
        assert_eq!(
            format!("{:?}", Password::parse("long enough secret").unwrap()),
            "Password(<redacted>)"
        );
    }
}
