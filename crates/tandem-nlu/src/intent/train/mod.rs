//! Training: a stratified held-out split picks the regularisation and fits the softmax
//! temperature, the out-of-scope threshold is tuned on held-out data, and the final model is
//! trained on every example.
//!
//! The threshold (`oos_source` in the summary) is the one that rejects at most
//! `max_in_scope_rejection` of the held-out in-scope messages, lowered when out-of-scope samples
//! show that rejecting does not pay: "labelled" when the examples have an out-of-scope label
//! (its held-out examples are the samples), "held-out-intents" otherwise with three labels or
//! more (a few intents are held out and play the unseen ones), "none" when nothing is held out
//! or there are only two labels (then nothing is rejected by threshold).
//!
//! - `fit`: the linear models fitted on a subset of the examples, and their scores.
//! - `split`: the stratified held-out split.
//! - `search`: the grid search on it (regularisation, block weights, nearest-example weight).
//! - `oos`: the out-of-scope threshold.

mod fit;
mod oos;
mod search;
mod split;

use std::sync::Arc;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::calibrate::{
    choose_oos_threshold, fit_temperature, rejection_rate_threshold, OosSample,
    DEFAULT_MAX_IN_SCOPE_REJECTION,
};
use super::features::FeatureConfig;
use super::model::{DenseSpec, IntentModel, ModelBody, StaticSpec, TextSpec, TrainSummary};
use super::neighbours::NeighbourSpec;
use super::IntentError;
use crate::dense::{builtin_static, DenseEncoder, StaticEncoder};
use crate::num::{u32_to_usize, usize_to_u32, usize_to_u64};
use fit::{fit, Blocks, Prepared};
use oos::{pseudo_oos_threshold, sample};
use search::{example_index, neighbour_grid, search, Best, Grids};
use split::stratified_split;

/// One labelled text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    pub text: String,
    pub label: String,
}

impl Example {
    pub fn new(text: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            label: label.into(),
        }
    }
}

/// Training settings. The defaults were chosen by cross-validation on training data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    /// Examples with this label are out of scope: they are learnt as their own class and tune
    /// the out-of-scope threshold.
    pub oos_label: Option<String>,
    pub features: FeatureConfig,
    /// Candidate regularisation values; the best on the held-out split is kept.
    pub c_grid: Vec<f64>,
    /// Fraction of each intent's examples held out for the choices above.
    pub holdout_fraction: f64,
    /// Fraction of intents held out as pretend out-of-scope when no out-of-scope example exists.
    pub pseudo_oos_fraction: f64,
    /// Balance positive and negative costs in each one-vs-rest problem.
    pub balanced: bool,
    /// Weight of the dense vector next to the sparse blocks (each of norm 1), when
    /// `dense_weight_grid` is empty.
    pub dense_weight: f32,
    /// Candidate weights of the dense vector; with an encoder, the best on the held-out split is
    /// kept (chosen together with the regularisation).
    pub dense_weight_grid: Vec<f32>,
    /// Where the dense encoder was loaded from (recorded in the model).
    pub dense_model_dir: Option<String>,
    /// Join the vectors of the static table compiled into tandem
    /// ([`crate::dense::builtin_static`]) to the n-gram features.
    #[serde(default = "default_true")]
    pub static_features: bool,
    /// Candidate weights of the static table's vector; the best on the held-out split is kept
    /// (chosen together with the regularisation and the dense weight).
    #[serde(default = "default_static_grid")]
    pub static_weight_grid: Vec<f32>,
    /// Candidate weights of the nearest training example's similarity in the class scores (see
    /// [`super::neighbours`]; only with a dense encoder, 0 for none); the best on the held-out
    /// split is kept. Choosing is free: the linear models are not retrained for it.
    #[serde(default = "default_neighbour_grid")]
    pub neighbour_weight_grid: Vec<f32>,
    /// The largest fraction of in-scope messages the out-of-scope threshold may reject, as
    /// measured on the held-out split (0: never reject by threshold, only by an out-of-scope
    /// class; 1: no bound, the threshold that best separates in-scope from out-of-scope samples).
    #[serde(default = "default_max_in_scope_rejection")]
    pub max_in_scope_rejection: f64,
    /// Correct the spelling of words the training examples do not have (see
    /// [`super::spelling`]).
    #[serde(default = "default_true")]
    pub spelling: bool,
    /// Normalise texts with [`crate::text::Rules::Canonical`] (chat spellings and contractions
    /// written out) rather than [`crate::text::Rules::Plain`].
    #[serde(default = "default_true")]
    pub canonical_text: bool,
    pub seed: u64,
}

fn default_max_in_scope_rejection() -> f64 {
    DEFAULT_MAX_IN_SCOPE_REJECTION
}

fn default_true() -> bool {
    true
}

/// Weight 2, chosen on five stratified folds of the Banking77 training split: fixed at 2 the fast
/// tier scored 91.65% against 91.60% when 1, 2 and 3 were searched on the one held-out split
/// (which picks by noise and triples the training time); with the sentence encoder (weight 2),
/// 92.98% against 92.87% for weight 1.
fn default_static_grid() -> Vec<f32> {
    vec![2.0]
}

/// Off or weight 3, chosen on the held-out split: on five stratified folds of the Banking77
/// training split weight 3 did best (see [`super::neighbours`]), and searching the whole range 0–6
/// on the held-out split did no better (93.43% against 93.47% in the prototype); keeping 0 in the
/// grid leaves the block off for data where it does not help.
fn default_neighbour_grid() -> Vec<f32> {
    vec![0.0, 3.0]
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            oos_label: None,
            features: FeatureConfig::default(),
            c_grid: vec![0.5, 1.0],
            holdout_fraction: 0.2,
            pseudo_oos_fraction: 0.2,
            balanced: false,
            dense_weight: 1.0,
            // Measured on five stratified folds of the Banking77 training split with
            // all-MiniLM-L6-v2: weight 2 fixed 92.98%, weight 3 fixed 92.98%, searching 1, 2
            // and 3 on the one held-out split 92.91% in three times the training time.
            dense_weight_grid: vec![2.0],
            dense_model_dir: None,
            static_features: true,
            static_weight_grid: default_static_grid(),
            neighbour_weight_grid: default_neighbour_grid(),
            max_in_scope_rejection: DEFAULT_MAX_IN_SCOPE_REJECTION,
            spelling: true,
            canonical_text: true,
            seed: 0x7a4d_e3c1,
        }
    }
}

/// Where training is, for progress bars: `step` of `total` done, and what happens now.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainProgress {
    pub step: u64,
    pub total: u64,
    pub message: String,
}

/// Tells `progress` where training is: one step per [`Reporter::report`].
struct Reporter<'p> {
    step: u64,
    total: u64,
    progress: &'p mut dyn FnMut(TrainProgress),
}

impl Reporter<'_> {
    fn report(&mut self, message: &str) {
        (self.progress)(TrainProgress {
            step: self.step,
            total: self.total,
            message: message.to_string(),
        });
        self.step += 1;
    }

    /// Counts `n` steps as done without reporting them.
    fn skip(&mut self, n: u64) {
        self.step += n;
    }
}

/// Trains an intent model. Unless `options.static_features` is off, the vectors of the static
/// table compiled into tandem join the n-gram features. `encoder` adds further dense features
/// (recorded in the model, which then needs the same encoder attached to predict). `progress` is
/// told where training is.
pub fn train(
    examples: &[Example],
    options: &TrainOptions,
    encoder: Option<Arc<dyn DenseEncoder>>,
    progress: &mut dyn FnMut(TrainProgress),
) -> Result<IntentModel, IntentError> {
    let table = if options.static_features {
        Some(builtin_static()?)
    } else {
        None
    };
    train_with_static(examples, options, table, encoder, progress)
}

/// A candidate grid: the finite positive values of `grid`, else `fallback`.
fn positive_grid<T: Copy + PartialOrd + Default>(
    grid: &[T],
    fallback: T,
    finite: impl Fn(T) -> bool,
) -> Vec<T> {
    let g: Vec<T> = grid
        .iter()
        .copied()
        .filter(|&v| finite(v) && v > T::default())
        .collect();
    if g.is_empty() {
        vec![fallback]
    } else {
        g
    }
}

/// [`train`] with `table` as the static table (or none), whatever `options.static_features`
/// says. A model trained with another table than the built-in one is read back with
/// [`IntentModel::from_bytes_with_static`].
pub fn train_with_static(
    examples: &[Example],
    options: &TrainOptions,
    table: Option<Arc<StaticEncoder>>,
    encoder: Option<Arc<dyn DenseEncoder>>,
    progress: &mut dyn FnMut(TrainProgress),
) -> Result<IntentModel, IntentError> {
    if examples.is_empty() {
        return Err(IntentError::NoExamples);
    }
    let mut labels: Vec<String> = examples.iter().map(|e| e.label.clone()).collect();
    labels.sort_unstable();
    labels.dedup();
    let n_classes = labels.len();
    let oos_class = options
        .oos_label
        .as_ref()
        .and_then(|l| labels.binary_search(l).ok());
    let n_in_scope = n_classes - usize::from(oos_class.is_some());
    if n_classes < 2 || n_in_scope < 1 {
        return Err(IntentError::TooFewIntents(n_in_scope));
    }
    let y: Vec<u32> = examples
        .iter()
        .map(|e| labels.binary_search(&e.label).map_or(0, usize_to_u32))
        .collect();
    let c_grid = positive_grid(&options.c_grid, 1.0, f64::is_finite);
    let weight_grid = if encoder.is_some() {
        positive_grid(&options.dense_weight_grid, options.dense_weight, f32::is_finite)
    } else {
        vec![options.dense_weight]
    };
    let static_grid = if table.is_some() {
        positive_grid(&options.static_weight_grid, 1.0, f32::is_finite)
    } else {
        vec![1.0]
    };
    let candidates = usize_to_u64(c_grid.len() * weight_grid.len() * static_grid.len());
    let total = 2 + candidates + 1 + u64::from(encoder.is_some()) + u64::from(table.is_some());
    let mut reporter = Reporter {
        step: 0,
        total,
        progress,
    };

    let mut blocks = Blocks {
        statics: table.as_ref().map(|t| StaticSpec {
            table_id: t.id().to_string(),
            dim: usize_to_u32(t.dim()),
            weight: static_grid.first().copied().unwrap_or(1.0),
        }),
        dense: encoder.as_ref().map(|e| DenseSpec {
            encoder_id: e.id().to_string(),
            dim: usize_to_u32(e.dim()),
            model_dir: options.dense_model_dir.clone(),
            weight: options.dense_weight,
        }),
    };
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    let check = |vectors: &[Vec<f32>], dim: usize| {
        if vectors.len() != texts.len() || vectors.iter().any(|v| v.len() != dim) {
            Err(IntentError::Dense(crate::dense::DenseError::Encode(
                "the encoder returned vectors of the wrong number or size".into(),
            )))
        } else {
            Ok(())
        }
    };
    let statics = match &table {
        Some(t) => {
            reporter.report("encoding texts with the static table");
            let vectors: Vec<Vec<f32>> = texts
                .par_chunks(256)
                .flat_map_iter(|chunk| {
                    chunk.iter().map(|text| {
                        let mut v = Vec::new();
                        t.encode_into(text, &mut v);
                        v
                    })
                })
                .collect();
            check(&vectors, t.dim())?;
            Some(vectors)
        }
        None => None,
    };
    let dense = match &encoder {
        Some(enc) => {
            reporter.report("encoding texts with the dense encoder");
            let vectors = enc.encode_batch(&texts)?;
            check(&vectors, enc.dim())?;
            Some(vectors)
        }
        None => None,
    };
    let prep = Prepared {
        texts,
        y,
        statics,
        dense,
    };

    // 1. Regularisation, block weights and temperature on a stratified held-out split.
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let (train_rows, held_rows) = stratified_split(&prep.y, n_classes, options.holdout_fraction, &mut rng);
    let grids = Grids {
        neighbour_weight: neighbour_grid(&options.neighbour_weight_grid, prep.dense.is_some()),
        c: c_grid,
        dense_weight: weight_grid,
        static_weight: static_grid,
    };
    let best = search(
        &prep,
        &train_rows,
        &held_rows,
        n_classes,
        options,
        &blocks,
        &grids,
        &mut reporter,
    );
    let neighbour_weight = match &best {
        Some(b) => {
            blocks = b.blocks.clone();
            b.neighbour_weight
        }
        None => {
            reporter.skip(candidates);
            // Nothing to choose on: the largest weight asked for.
            grids.neighbour_weight.iter().copied().fold(0.0, f32::max)
        }
    };
    let (holdout_accuracy, c, temperature) = match &best {
        Some(Best {
            accuracy, c, scores, ..
        }) => {
            let truth: Vec<usize> = held_rows.iter().map(|&i| u32_to_usize(prep.label(i))).collect();
            (Some(*accuracy), *c, fit_temperature(scores, &truth))
        }
        None => (None, grids.c.first().copied().unwrap_or(1.0), 1.0),
    };

    // 2. Out-of-scope threshold.
    reporter.report("tuning the out-of-scope threshold");
    // The held-out messages as the final model will see them (its classes, its temperature).
    let held_samples: Vec<OosSample> = best.as_ref().map_or_else(Vec::new, |b| {
        b.scores
            .iter()
            .zip(&held_rows)
            .map(|(s, &i)| sample(s, temperature, oos_class, Some(u32_to_usize(prep.label(i)))))
            .collect()
    });
    let target = options.max_in_scope_rejection;
    let (oos_threshold, oos_source) = match (oos_class, &best) {
        (Some(_), Some(_)) => (choose_oos_threshold(&held_samples, target), "labelled"),
        (None, Some(_)) if n_classes >= 3 => {
            let bound = rejection_rate_threshold(&held_samples, target);
            // Intents held out to play unseen ones can only lower a bound above zero.
            let unseen = if bound > 0.0 {
                pseudo_oos_threshold(
                    &prep,
                    &train_rows,
                    &held_rows,
                    n_classes,
                    options,
                    &blocks,
                    c,
                    neighbour_weight,
                    &mut rng,
                )
            } else {
                0.0
            };
            (unseen.min(bound), "held-out-intents")
        }
        _ => (0.0, "none"),
    };

    // 3. The final model on every example.
    reporter.report("training the final model on every example");
    let all: Vec<usize> = (0..prep.texts.len()).collect();
    let label_of = |i: usize| prep.label(i);
    let fitted = fit(&prep, &all, &label_of, n_classes, options, &blocks, c);
    let neighbours = if neighbour_weight > 0.0 {
        example_index(&prep, &all, &label_of).map(|index| NeighbourSpec {
            weight: neighbour_weight,
            index,
        })
    } else {
        None
    };
    reporter.report("done");
    let n_features = usize_to_u64(fitted.vectorizer.len() + blocks.dim());
    let summary = TrainSummary {
        examples: usize_to_u64(examples.len()),
        intents: usize_to_u32(n_in_scope),
        features: n_features,
        c,
        holdout_accuracy,
        temperature,
        oos_threshold,
        oos_source: oos_source.to_string(),
    };
    let text = TextSpec {
        rules: fitted.vectorizer.rules().code(),
        lexicon: fitted.vectorizer.lexicon().cloned().unwrap_or_default(),
    };
    let body = ModelBody {
        labels,
        oos_class: oos_class.map(usize_to_u32),
        oos_label: options.oos_label.clone(),
        vectorizer: fitted.vectorizer,
        static_block: blocks.statics,
        dense: blocks.dense,
        n_features,
        row_scale: Vec::new(),
        quantized: Vec::new(),
        bias: Vec::new(),
        temperature,
        oos_threshold,
        summary,
        text,
        neighbours,
    };
    let mut model = IntentModel::from_parts(body, &fitted.weights, table);
    if let Some(enc) = encoder {
        model.attach_encoder(enc)?;
    }
    Ok(model)
}
