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

pub use distil::{distil, distil_from_dir, DistilConfig, DistilError, TokenPooling};
pub use sentence::{SentenceEncoder, DEFAULT_BATCH_SIZE, MAX_INPUT_BYTES};
// The static encoder lives in `crate::dense` (the fast tier uses it without this feature).
pub use crate::dense::{StaticEncoder, STATIC_FORMAT_VERSION, STATIC_MAGIC};
