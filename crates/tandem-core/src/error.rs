//! The one error type of Tandem's domain. Every error has a stable code from [`ErrorCode`] (which
//! also gives its HTTP status); the HTTP layer answers `{"error": {"code", "message"}}` and the CLI
//! prints the message.

use std::fmt;

pub use crate::error_code::ErrorCode;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A value the caller sent is not acceptable (empty text, bad e-mail address...).
    #[error("{message}")]
    Invalid { code: ErrorCode, message: String },
    /// The thing does not exist, or the caller may not know that it exists.
    #[error("{message}")]
    NotFound { code: ErrorCode, message: String },
    /// The request clashes with the current state (duplicate e-mail, stale update...).
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },
    /// The request clashes with the current state for reasons the caller is shown one by one
    /// (a model promotion the gate refused: the intents that got worse).
    #[error("{message}")]
    Refused {
        code: ErrorCode,
        message: String,
        reasons: Vec<String>,
    },
    /// No valid credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// Valid credentials, but not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts; retry after the given number of seconds.
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    /// Something failed inside Tandem (storage, I/O). The message is safe to show.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(code: ErrorCode, message: impl fmt::Display) -> Self {
        Self::Invalid {
            code,
            message: message.to_string(),
        }
    }

    /// `what` does not exist (code `not_found`, message "WHAT not found").
    pub fn not_found(what: impl fmt::Display) -> Self {
        Self::missing(ErrorCode::NotFound, format!("{what} not found"))
    }

    /// Something does not exist, with a more specific code (`no_active_pack`, `unknown_inbox`).
    pub fn missing(code: ErrorCode, message: impl fmt::Display) -> Self {
        Self::NotFound {
            code,
            message: message.to_string(),
        }
    }

    pub fn conflict(code: ErrorCode, message: impl fmt::Display) -> Self {
        Self::Conflict {
            code,
            message: message.to_string(),
        }
    }

    /// A conflict with the reasons listed (the answer's `reasons`).
    pub fn refused(code: ErrorCode, message: impl fmt::Display, reasons: Vec<String>) -> Self {
        Self::Refused {
            code,
            message: message.to_string(),
            reasons,
        }
    }

    /// The reasons of a [`Error::Refused`], none for any other error.
    pub fn reasons(&self) -> Option<&[String]> {
        match self {
            Self::Refused { reasons, .. } => Some(reasons),
            _ => None,
        }
    }

    pub fn internal(message: impl fmt::Display) -> Self {
        Self::Internal(message.to_string())
    }

    /// The stable, machine-readable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid { code, .. }
            | Self::Conflict { code, .. }
            | Self::NotFound { code, .. }
            | Self::Refused { code, .. } => *code,
            Self::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
