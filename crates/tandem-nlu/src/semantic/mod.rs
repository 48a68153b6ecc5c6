//! The optional semantic tier (cargo feature `semantic`): dense sentence features that join the
//! fast tier's sparse n-gram features through [`crate::dense::DenseEncoder`].
//!
//! Two encoders:
//!
//! - [`SentenceEncoder`]: a sentence-transformers BERT model (for example all-MiniLM-L6-v2:
//!   `config.json`, `tokenizer.json`, `model.safetensors`) run on the CPU with candle, mean-pooled
//!   and L2-normalised. Milliseconds per message. `scripts/install-semantic-model.sh` installs one.
//! - [`StaticEncoder`]: the same model distilled (Model2Vec-style) into one static vector per
//!   vocabulary piece and frequent corpus word; a message is the weighted mean of its pieces'
//!   vectors. Microseconds per message, a few MB on disk, no model needed at run time. Built by
//!   [`distil`] / [`distil_from_dir`], stored in a compact versioned file ([`StaticEncoder::save`],
//!   [`StaticEncoder::load`]).
//!
//! Nothing here downloads anything: models are read from local paths only.

mod distil;
mod pca;
mod sentence;
mod static_encoder;
mod wordpiece;

use std::path::Path;

pub use distil::{distil, distil_from_dir, DistilConfig, DistilError, TokenPooling};
pub use sentence::{SentenceEncoder, DEFAULT_BATCH_SIZE, MAX_INPUT_BYTES};
pub use static_encoder::{StaticEncoder, STATIC_FORMAT_VERSION, STATIC_MAGIC};

use crate::dense::DenseError;

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

pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, DenseError> {
    std::fs::read(path).map_err(|e| DenseError::Load {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

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
