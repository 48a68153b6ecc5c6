//! Dense sentence features that can join the fast tier's sparse n-gram features.
//!
//! - [`StaticEncoder`]: a table of static word and word-piece vectors; a text is the weighted
//!   mean of its pieces' vectors. Microseconds per message, no model needed at run time.
//!   [`builtin_static`] is the table compiled into this crate (distilled from all-MiniLM-L6-v2,
//!   see `assets/README.md`), which the fast tier's default training joins to its n-grams.
//! - The semantic tier (feature `semantic`) implements [`DenseEncoder`] with a sentence-embedding
//!   model run locally, and distils such models into static tables.
//!
//! The intent classifier accepts any encoder, so tests can use a tiny one.

mod builtin;
mod static_encoder;
pub(crate) mod wordpiece;

use std::path::Path;

use thiserror::Error;

use crate::num::quantise_i8;

pub use builtin::{builtin_static, BUILTIN_STATIC_BYTES};
#[cfg(feature = "semantic")]
pub(crate) use static_encoder::TableV1;
pub use static_encoder::{StaticEncoder, STATIC_FORMAT_VERSION, STATIC_MAGIC};

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

/// 64-bit FNV-1a: a stable fingerprint for encoder ids (not a security hash).
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Scales `v` to unit L2 norm; a (near-)zero vector is left as it is.
pub(crate) fn l2_normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 1e-12 && norm.is_finite() {
        for x in v {
            *x /= norm;
        }
    }
}

/// Appends `row` as int8 codes scaled to its largest magnitude and returns that magnitude, so that
/// `row[i] ≈ codes[i] * magnitude / 127`. A row of zeros, or one whose largest magnitude is not
/// finite, becomes zeros with magnitude 0. Shared by the static tables, the intent model's weights
/// and its stored example embeddings.
pub(crate) fn quantise_row(row: &[f32], codes: &mut Vec<i8>) -> f32 {
    let max = row.iter().fold(0f32, |m, x| m.max(x.abs()));
    let max = if max > 0.0 && max.is_finite() { max } else { 0.0 };
    codes.extend(row.iter().map(|&x| {
        if max > 0.0 {
            quantise_i8(x / max * 127.0)
        } else {
            0
        }
    }));
    max
}

pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, DenseError> {
    std::fs::read(path).map_err(|e| DenseError::Load {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// Texts longer than this (in bytes) are cut before tokenising.
pub const MAX_INPUT_BYTES: usize = 32 * 1024;

/// `text` cut to at most `max` bytes, at a character boundary.
pub(crate) fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
