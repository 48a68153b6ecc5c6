//! Fast-tier intent classification: learns a business's intents from examples in seconds and
//! says in microseconds which intent a message is, or that it is out of scope, with calibrated
//! probabilities.
//!
//! - [`features`]: normalised word n-grams and character n-grams within word boundaries, sublinear
//!   tf-idf, L2-normalised per block; [`spelling`] corrects words the training examples do not
//!   have first.
//! - [`linear`]: one-vs-rest L2-loss linear SVMs solved by dual coordinate descent.
//! - [`neighbours`]: the training examples' sentence embeddings; the nearest one per intent adds
//!   to the semantic tier's class scores.
//! - [`calibrate`]: softmax temperature and out-of-scope threshold fitted on held-out data.
//! - [`train()`]: the training procedure; [`IntentModel`]: prediction and the model file.
//! - [`evaluate`]: accuracy, macro-F1, per-intent scores, confusions, out-of-scope figures and
//!   latency, as an [`EvalReport`].
//! - [`perturb`]: realistic variants of messages (misspellings, chat spellings, spacing, case,
//!   emoji, punctuation) and the accuracy on them, [`perturb::evaluate_robustness`].
//!
//! An optional [`crate::dense::DenseEncoder`] adds dense sentence features to the sparse ones.

pub mod calibrate;
pub mod eval;
pub mod features;
pub mod linear;
pub mod model;
pub mod neighbours;
pub mod perturb;
pub mod spelling;
pub mod train;

use thiserror::Error;

pub use eval::{evaluate, ConfusedPair, EvalReport, IntentScores, Latency};
pub use features::FeatureConfig;
pub use model::{
    DenseSpec, IntentModel, Prediction, ScoredIntent, StaticSpec, TrainSummary, DEFAULT_TOP_K,
    MODEL_FORMAT_VERSION, MODEL_MAGIC,
};
pub use perturb::{evaluate_robustness, Perturbation, RobustnessReport};
pub use train::{train, train_with_static, Example, TrainOptions, TrainProgress};

/// What can go wrong when training, loading or running an intent model.
#[derive(Debug, Error)]
pub enum IntentError {
    #[error("there are no training examples")]
    NoExamples,
    #[error("training needs at least two labels and one in-scope intent (found {0} in-scope intents)")]
    TooFewIntents(usize),
    #[error("this is not a Tandem intent model file (the magic header is missing)")]
    NotAModel,
    #[error(
        "this intent model has file format version {found}, but this build reads version {supported}; \
         train the model again with this version of tandem"
    )]
    UnsupportedVersion { found: u32, supported: u32 },
    #[error("the intent model file is damaged: {0}")]
    Corrupt(String),
    #[error("cannot serialise the intent model: {0}")]
    Serialize(String),
    #[error("cannot access {path}: {reason}")]
    Io { path: String, reason: String },
    #[error(
        "this model was trained with the dense encoder `{encoder_id}` (from {model_dir}); \
         attach that encoder before predicting"
    )]
    EncoderMissing { encoder_id: String, model_dir: String },
    #[error("this model was trained with the dense encoder `{expected}`, not `{found}`")]
    EncoderMismatch { expected: String, found: String },
    #[error(
        "this model was trained with the static table `{expected}`, but this build of tandem has \
         `{found}`; train the model again with this version of tandem"
    )]
    StaticTableMismatch { expected: String, found: String },
    #[error("this model was trained without dense features; no encoder can be attached")]
    EncoderNotUsed,
    #[error(transparent)]
    Dense(#[from] crate::dense::DenseError),
}

impl IntentError {
    /// The model file was written by another version of tandem (another file format or another
    /// built-in static table): the model has to be trained again from its examples.
    pub fn needs_retraining(&self) -> bool {
        matches!(
            self,
            Self::UnsupportedVersion { .. } | Self::StaticTableMismatch { .. }
        )
    }
}
