//! Staff sessions: a token's hash, its user and when it ends.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tandem_core::ids::UserId;
use tandem_core::model::User;

use crate::Result;

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(&self, token_hash: &str, user: UserId, expires_at: DateTime<Utc>) -> Result<()>;
    /// The active user behind an unexpired session.
    async fn session_user(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<User>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
}
