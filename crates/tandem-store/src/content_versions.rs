//! Content history: the saved versions of each article, template, intent, the bot texts and the
//! canned replies. Versions of one item (`kind` + `key`) are numbered 1, 2, ... in the transaction
//! that stores them, never reused; the content is the item's JSON as the engine saved it.

use async_trait::async_trait;
use tandem_core::ids::UserId;

use crate::Result;

/// A version to store.
#[derive(Clone, Debug)]
pub struct NewContentVersion {
    pub kind: String,
    pub key: String,
    /// The item's JSON.
    pub content: String,
    /// Who saved it; `None` for what came with a pack.
    pub author: Option<UserId>,
    /// Store it only when the item has no version yet (a pack's text, recorded once).
    pub only_if_first: bool,
}

/// A stored version.
#[derive(Clone, Debug, PartialEq)]
pub struct ContentVersion {
    pub kind: String,
    pub key: String,
    pub version: i64,
    pub content: String,
    pub author: Option<UserId>,
    /// The author's e-mail address, while the user exists.
    pub author_email: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[async_trait]
pub trait ContentVersionStore: Send + Sync {
    /// Stores these versions in one transaction, each numbered one past its item's last version
    /// (those marked `only_if_first` are skipped when their item has one). Returns the number
    /// given to each, `None` for a skipped one.
    async fn add_content_versions(&self, versions: &[NewContentVersion]) -> Result<Vec<Option<i64>>>;
    /// An item's versions, oldest (version 1) first.
    async fn content_versions(&self, kind: &str, key: &str) -> Result<Vec<ContentVersion>>;
    /// One version of an item.
    async fn content_version(&self, kind: &str, key: &str, version: i64) -> Result<Option<ContentVersion>>;
}
