//! The one error type of Tandem's domain. Every variant has a stable snake_case code; the HTTP
//! layer maps variants to statuses and the CLI prints the message.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A value the caller sent is not acceptable (empty text, bad e-mail address...).
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    /// The thing does not exist, or the caller may not know that it exists.
    #[error("{0} not found")]
    NotFound(String),
    /// The request clashes with the current state (duplicate e-mail, stale update...).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
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
    pub fn invalid(code: &'static str, message: impl fmt::Display) -> Self {
        Self::Invalid {
            code,
            message: message.to_string(),
        }
    }

    pub fn not_found(what: impl fmt::Display) -> Self {
        Self::NotFound(what.to_string())
    }

    pub fn conflict(code: &'static str, message: impl fmt::Display) -> Self {
        Self::Conflict {
            code,
            message: message.to_string(),
        }
    }

    pub fn internal(message: impl fmt::Display) -> Self {
        Self::Internal(message.to_string())
    }

    /// The stable, machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { code, .. } | Self::Conflict { code, .. } => code,
            Self::NotFound(_) => "not_found",
            Self::Unauthenticated(_) => "unauthenticated",
            Self::Forbidden(_) => "forbidden",
            Self::RateLimited { .. } => "rate_limited",
            Self::Internal(_) => "internal",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
