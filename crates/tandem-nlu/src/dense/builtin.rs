//! The static table compiled into tandem, which the fast tier's default training joins to its
//! n-gram features: all-MiniLM-L6-v2 (Apache-2.0) distilled over its WordPiece vocabulary, PCA
//! to 256 dimensions, fitted to the transformer on WordNet glosses, int8 (`assets/README.md`
//! says how it was made and how to make it again: `scripts/distil-static-encoder.sh`). A text's
//! vector is the mean and the element-wise maximum of its pieces' vectors. No intent data set
//! went into it.

use std::sync::{Arc, OnceLock};

use super::{DenseError, StaticEncoder};

/// The bytes of the built-in static table file.
pub static BUILTIN_STATIC_BYTES: &[u8] = include_bytes!("../../assets/minilm-l6-static.tst");

/// The built-in static table, parsed once (a few milliseconds) and shared.
pub fn builtin_static() -> Result<Arc<StaticEncoder>, DenseError> {
    static TABLE: OnceLock<Result<Arc<StaticEncoder>, String>> = OnceLock::new();
    TABLE
        .get_or_init(|| StaticEncoder::from_bytes(BUILTIN_STATIC_BYTES).map(|t| Arc::new(t.with_max_pool())))
        .clone()
        .map_err(|reason| DenseError::Load {
            path: "(the static table built into tandem)".into(),
            reason,
        })
}
