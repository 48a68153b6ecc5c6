//! Dense sentence features that can join the fast tier's sparse n-gram features.
//!
//! The semantic tier (feature `semantic`) implements [`DenseEncoder`] with a sentence-embedding
//! model run locally; the intent classifier accepts any encoder, so tests can use a tiny one.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum DenseError {
    #[error("cannot load the sentence-embedding model from {path}: {reason}")]
    Load { path: String, reason: String },
    #[error("cannot encode the text: {0}")]
    Encode(String),
}

/// Turns a text into a fixed-size dense vector (L2-normalised).
pub trait DenseEncoder: Send + Sync {
    /// A stable identifier of the encoder (model name and dimension). A model trained with one
    /// encoder records it and refuses to run with another.
    fn id(&self) -> &str;
    /// The length of every vector [`DenseEncoder::encode`] returns.
    fn dim(&self) -> usize;
    /// The L2-normalised embedding of one raw text.
    fn encode(&self, text: &str) -> Result<Vec<f32>, DenseError>;
    /// Embeddings of many texts; encoders override this when batching is faster.
    fn encode_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, DenseError> {
        texts.iter().map(|t| self.encode(t)).collect()
    }
}
