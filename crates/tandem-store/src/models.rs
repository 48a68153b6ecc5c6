//! The model registry: every trained intent model with its status. Exactly one model is `active`
//! at a time (the one the bot runs); a trained-but-not-promoted one is a `candidate`; a candidate
//! the promotion gate turned down is `refused`; a model another one replaced is `retired`. A
//! promotion remembers which model it replaced, so a rollback restores it.

use async_trait::async_trait;
use tandem_core::ids::UserId;

use crate::Result;

/// Where a model stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelStatus {
    Active,
    Candidate,
    Retired,
    Refused,
}

impl ModelStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Candidate => "candidate",
            Self::Retired => "retired",
            Self::Refused => "refused",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "active" => Some(Self::Active),
            "candidate" => Some(Self::Candidate),
            "retired" => Some(Self::Retired),
            "refused" => Some(Self::Refused),
            _ => None,
        }
    }
}

/// A model in the registry (without its bytes: see [`ModelStore::model_bytes`]).
#[derive(Clone, Debug)]
pub struct ModelRecord {
    pub id: String,
    pub pack_id: String,
    pub status: ModelStatus,
    /// How many training examples it was trained on.
    pub examples: i64,
    /// Its metrics (JSON, as the engine wrote them).
    pub metrics: String,
    pub training_set_hash: String,
    /// Who trained it; `None` for a model trained by Tandem itself (an import or a content edit).
    pub trained_by: Option<UserId>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub promoted_by: Option<UserId>,
    pub promoted_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Promoted by an admin over the gate's refusal, with their reason.
    pub forced: bool,
    pub force_reason: Option<String>,
    /// The comparison with the active model made when it was trained (JSON).
    pub comparison: Option<String>,
}

/// A candidate to store.
#[derive(Clone, Debug)]
pub struct NewCandidate {
    pub pack_id: String,
    pub bytes: Vec<u8>,
    pub metrics: String,
    pub training_set_hash: String,
    pub examples: i64,
    pub trained_by: Option<UserId>,
    pub comparison: Option<String>,
}

/// Who makes a model the active one, and whether over a refusal.
#[derive(Clone, Debug, Default)]
pub struct Promotion {
    pub by: Option<UserId>,
    pub forced: bool,
    pub reason: Option<String>,
}

#[async_trait]
pub trait ModelStore: Send + Sync {
    /// Stores a trained model as a candidate; the active model does not change.
    async fn save_candidate(&self, candidate: NewCandidate) -> Result<ModelRecord>;
    /// The newest `limit` models, newest first.
    async fn models(&self, limit: i64) -> Result<Vec<ModelRecord>>;
    async fn model(&self, id: &str) -> Result<Option<ModelRecord>>;
    async fn model_bytes(&self, id: &str) -> Result<Option<Vec<u8>>>;
    /// The active model, whichever pack revision it was trained for.
    async fn current_model(&self) -> Result<Option<ModelRecord>>;
    /// Makes a model (a candidate, a refused or a retired one) the active one and retires the
    /// active one, in one transaction; the retired one is remembered for a rollback.
    /// `model_state` when it is already active, `not_found` when unknown.
    async fn promote_model(&self, id: &str, promotion: Promotion) -> Result<ModelRecord>;
    /// Marks a candidate refused (the gate turned it down). `model_state` when it is not a
    /// candidate.
    async fn refuse_model(&self, id: &str) -> Result<ModelRecord>;
    /// Retires the active model and makes the one it replaced active again, in one transaction;
    /// returns the model now active. `model_state` when there is no earlier model.
    async fn rollback_model(&self, by: Option<UserId>) -> Result<ModelRecord>;
}
