//! Content packs and trained models, as versioned rows with one active of each. A pack's id is its
//! content revision.

use async_trait::async_trait;
use tandem_core::ids::UserId;

use crate::Result;

/// A content pack as stored (the JSON of the engine's pack type).
#[derive(Clone, Debug)]
pub struct StoredPack {
    pub id: String,
    pub name: String,
    pub version: String,
    pub content: String,
    pub imported_at: chrono::DateTime<chrono::Utc>,
}

/// A trained model as stored.
#[derive(Clone, Debug)]
pub struct StoredModel {
    pub id: String,
    pub pack_id: String,
    pub bytes: Vec<u8>,
    pub metrics: String,
    pub training_set_hash: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// How many pack revisions (with their models) are kept, the active one included; older ones are
/// deleted when a new one is saved, so an edited-away example does not live on in old copies.
pub const KEEP_REVISIONS: i64 = 50;

#[async_trait]
pub trait ContentStore: Send + Sync {
    /// Stores a content pack (JSON) as a new revision and makes it the active one, deleting the
    /// revisions older than the last [`KEEP_REVISIONS`] with their models. With
    /// `expected_active`, only while that revision is still the active one (checked under a row
    /// lock): a stale edit gets `stale_content` and stores nothing.
    async fn save_pack(
        &self,
        name: &str,
        version: &str,
        content: &str,
        expected_active: Option<&str>,
    ) -> Result<StoredPack>;
    async fn active_pack(&self) -> Result<Option<StoredPack>>;
    /// Stores a trained model for a pack and makes it the active model (the one active before,
    /// of any revision, is retired and remembered for a rollback: see [`crate::ModelStore`]).
    async fn save_model(
        &self,
        pack_id: &str,
        bytes: &[u8],
        metrics: &str,
        training_set_hash: &str,
        promoted_by: Option<UserId>,
    ) -> Result<StoredModel>;
    /// The active model when it was trained for this pack revision.
    async fn active_model(&self, pack_id: &str) -> Result<Option<StoredModel>>;
}
