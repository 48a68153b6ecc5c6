//! The intent model: features, linear weights, calibration and out-of-scope policy; how it is
//! trained from examples, how it predicts, and its versioned file format.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::calibrate::softmax_in_place;
use super::features::{Scratch, SparseVec, Vectorizer};
use super::linear::LinearWeights;
use super::neighbours::NeighbourSpec;
use super::spelling::Lexicon;
use super::IntentError;
use crate::dense::{builtin_static, quantise_row, DenseEncoder, StaticEncoder};
use crate::num::{u32_to_usize, u64_to_usize};

/// The first bytes of every intent model file.
pub const MODEL_MAGIC: &[u8; 8] = b"TNDMINTC";
/// The version of the model file format this build writes (2: the static-table block; 3: the
/// nearest-example block; 4: the text normalisation rules); it also reads versions 1 to 3.
pub const MODEL_FORMAT_VERSION: u32 = 4;
/// How many intents [`IntentModel::predict`] lists with their probabilities.
pub const DEFAULT_TOP_K: usize = 5;

/// The dense encoder a model was trained with, recorded so the same one can be loaded again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DenseSpec {
    /// [`DenseEncoder::id`] of the encoder.
    pub encoder_id: String,
    /// [`DenseEncoder::dim`] of the encoder.
    pub dim: u32,
    /// Where the encoder was loaded from when training (the CLI reloads it from there).
    pub model_dir: Option<String>,
    /// The dense vector is multiplied by this before it joins the sparse features.
    pub weight: f32,
}

/// The static table (see [`crate::dense::builtin_static`]) whose vectors join the n-gram
/// features. The model file records only its id: the table itself is compiled into tandem.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaticSpec {
    /// [`DenseEncoder::id`] of the table (its dimension and a hash of its bytes).
    pub table_id: String,
    pub dim: u32,
    /// The table's vector is multiplied by this before it joins the sparse features.
    pub weight: f32,
}

/// What training found, kept in the model file for `tandem eval` and for people.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainSummary {
    pub examples: u64,
    pub intents: u32,
    pub features: u64,
    /// Regularisation chosen on the held-out split.
    pub c: f64,
    /// Accuracy of the held-out split with the chosen settings (models trained without it).
    pub holdout_accuracy: Option<f64>,
    /// Softmax temperature fitted on the held-out split.
    pub temperature: f32,
    /// Out-of-scope threshold on the top probability (0: never reject by threshold).
    pub oos_threshold: f32,
    /// How the threshold was chosen: "labelled", "held-out-intents" or "none".
    pub oos_source: String,
}

/// The serialised part of a model.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ModelBody {
    pub labels: Vec<String>,
    /// Index in `labels` of the out-of-scope label, when training had examples of it.
    pub oos_class: Option<u32>,
    /// The out-of-scope label given at training.
    pub oos_label: Option<String>,
    pub vectorizer: Vectorizer,
    /// Features `[sparse, sparse + static dim)`, when the model uses the static table.
    pub static_block: Option<StaticSpec>,
    /// The external encoder's features, after the static block.
    pub dense: Option<DenseSpec>,
    pub n_features: u64,
    /// Feature-major weights quantised per feature row: `row_scale[f] * q[f * k + c] / 127`.
    pub row_scale: Vec<f32>,
    pub quantized: Vec<i8>,
    pub bias: Vec<f32>,
    pub temperature: f32,
    pub oos_threshold: f32,
    pub summary: TrainSummary,
    /// The training examples' dense embeddings, whose nearest one per class adds to the class
    /// scores (only with a dense encoder). After the fields of version 2, so that a version 2
    /// body followed by postcard's `None` (one zero byte) reads as a version 3 body.
    pub neighbours: Option<NeighbourSpec>,
    /// How texts are normalised before the features. Last, so that a version 3 body followed by
    /// an encoded [`TextSpec::default`] (plain rules, no spelling) reads as a version 4 body.
    pub text: TextSpec,
}

/// How a model normalises texts before its features (format version 4).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct TextSpec {
    /// [`crate::text::Rules::code`] of the normalisation rules.
    pub rules: u8,
    /// The training words unknown words are corrected against (empty: no correction).
    pub lexicon: Lexicon,
}

/// The body of format version 1 (no static block), still read so that models stored before
/// version 2 keep working (n-grams and the optional dense encoder only).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct ModelBodyV1 {
    labels: Vec<String>,
    oos_class: Option<u32>,
    oos_label: Option<String>,
    vectorizer: Vectorizer,
    dense: Option<DenseSpec>,
    n_features: u64,
    row_scale: Vec<f32>,
    quantized: Vec<i8>,
    bias: Vec<f32>,
    temperature: f32,
    oos_threshold: f32,
    summary: TrainSummary,
}

impl From<ModelBodyV1> for ModelBody {
    fn from(v: ModelBodyV1) -> Self {
        Self {
            labels: v.labels,
            oos_class: v.oos_class,
            oos_label: v.oos_label,
            vectorizer: v.vectorizer,
            static_block: None,
            dense: v.dense,
            n_features: v.n_features,
            row_scale: v.row_scale,
            quantized: v.quantized,
            bias: v.bias,
            temperature: v.temperature,
            oos_threshold: v.oos_threshold,
            summary: v.summary,
            neighbours: None,
            text: TextSpec::default(),
        }
    }
}

/// The oldest model file format version this build still reads.
const OLDEST_READABLE_VERSION: u32 = 1;

/// One intent and its probability.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ScoredIntent<'m> {
    pub intent: &'m str,
    pub probability: f32,
}

/// What the model says about one message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Prediction<'m> {
    /// The most likely in-scope intent, or `None` when the message is out of scope.
    pub intent: Option<&'m str>,
    /// Probability of the most likely in-scope intent.
    pub confidence: f32,
    /// True when the message is judged out of scope (an explicit out-of-scope class won, or the
    /// top probability is below the threshold tuned at training).
    pub out_of_scope: bool,
    /// The most likely intents (out-of-scope class included when it was trained), best first.
    pub top: Vec<ScoredIntent<'m>>,
}

impl Prediction<'_> {
    /// The best in-scope intent even when the message is judged out of scope.
    pub fn best_in_scope(&self, oos_label: Option<&str>) -> Option<&str> {
        self.top.iter().map(|s| s.intent).find(|i| Some(*i) != oos_label)
    }
}

/// A trained intent classifier. Cheap to share between threads (`&self` methods only).
#[derive(Clone)]
pub struct IntentModel {
    pub(crate) body: ModelBody,
    pub(crate) weights: LinearWeights,
    pub(crate) static_table: Option<Arc<StaticEncoder>>,
    pub(crate) encoder: Option<Arc<dyn DenseEncoder>>,
}

impl fmt::Debug for IntentModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntentModel")
            .field("labels", &self.body.labels.len())
            .field("features", &self.body.n_features)
            .field("static", &self.body.static_block)
            .field("dense", &self.body.dense)
            .field("encoder_attached", &self.encoder.is_some())
            .finish()
    }
}

#[derive(Default)]
pub(crate) struct Buffers {
    scratch: Scratch,
    sparse: SparseVec,
    scores: Vec<f32>,
    dense: Vec<f32>,
    similarities: Vec<f32>,
}

thread_local! {
    static BUFFERS: RefCell<Buffers> = RefCell::new(Buffers::default());
}

fn quantize(weights: &LinearWeights) -> (Vec<f32>, Vec<i8>) {
    let k = weights.n_classes.max(1);
    let mut scales = Vec::with_capacity(weights.n_features);
    let mut q = Vec::with_capacity(weights.weights.len());
    for row in weights.weights.chunks(k) {
        scales.push(quantise_row(row, &mut q));
    }
    (scales, q)
}

fn dequantize(body: &ModelBody) -> LinearWeights {
    let k = body.labels.len();
    let mut weights = Vec::with_capacity(body.quantized.len());
    for (row, scale) in body.quantized.chunks(k.max(1)).zip(&body.row_scale) {
        weights.extend(row.iter().map(|&q| f32::from(q) * scale / 127.0));
    }
    LinearWeights {
        n_classes: k,
        n_features: u64_to_usize(body.n_features),
        weights,
        bias: body.bias.clone(),
    }
}

impl IntentModel {
    pub(crate) fn from_parts(
        mut body: ModelBody,
        weights: &LinearWeights,
        static_table: Option<Arc<StaticEncoder>>,
    ) -> Self {
        let (row_scale, quantized) = quantize(weights);
        body.row_scale = row_scale;
        body.quantized = quantized;
        body.bias = weights.bias.clone();
        let weights = dequantize(&body);
        Self {
            body,
            weights,
            static_table,
            encoder: None,
        }
    }

    /// All labels the model knows (the out-of-scope label included when it was trained).
    pub fn labels(&self) -> &[String] {
        &self.body.labels
    }

    /// The out-of-scope label given at training, if any.
    pub fn oos_label(&self) -> Option<&str> {
        self.body.oos_label.as_deref()
    }

    /// The static table this model uses, if it was trained with one.
    pub fn static_spec(&self) -> Option<&StaticSpec> {
        self.body.static_block.as_ref()
    }

    /// The dense encoder this model needs, if it was trained with one.
    pub fn dense_spec(&self) -> Option<&DenseSpec> {
        self.body.dense.as_ref()
    }

    /// The weight of the nearest training example's similarity in the class scores (0 when the
    /// model keeps no examples).
    pub fn neighbour_weight(&self) -> f32 {
        self.body.neighbours.as_ref().map_or(0.0, |n| n.weight)
    }

    pub fn summary(&self) -> &TrainSummary {
        &self.body.summary
    }

    pub fn temperature(&self) -> f32 {
        self.body.temperature
    }

    pub fn oos_threshold(&self) -> f32 {
        self.body.oos_threshold
    }

    /// Changes the out-of-scope threshold on the top probability (0 never rejects).
    pub fn set_oos_threshold(&mut self, threshold: f32) {
        self.body.oos_threshold = if threshold.is_finite() {
            threshold.clamp(0.0, 1.0)
        } else {
            0.0
        };
    }

    /// Attaches the dense encoder a model trained with one needs; it must be the same encoder.
    pub fn attach_encoder(&mut self, encoder: Arc<dyn DenseEncoder>) -> Result<(), IntentError> {
        match &self.body.dense {
            None => Err(IntentError::EncoderNotUsed),
            Some(spec) if spec.encoder_id != encoder.id() || u32_to_usize(spec.dim) != encoder.dim() => {
                Err(IntentError::EncoderMismatch {
                    expected: spec.encoder_id.clone(),
                    found: encoder.id().to_string(),
                })
            }
            Some(_) => {
                self.encoder = Some(encoder);
                Ok(())
            }
        }
    }

    /// The raw (uncalibrated) class scores of one text into `scores`.
    pub(crate) fn raw_scores(&self, text: &str, buffers: &mut Buffers) -> Result<(), IntentError> {
        self.body
            .vectorizer
            .transform_into(text, &mut buffers.scratch, &mut buffers.sparse);
        self.weights.scores(
            &buffers.sparse.indices,
            &buffers.sparse.values,
            &mut buffers.scores,
        );
        let mut offset = self.body.vectorizer.len();
        if let (Some(spec), Some(table)) = (&self.body.static_block, &self.static_table) {
            table.encode_into(text, &mut buffers.dense);
            add_block(
                &self.weights,
                offset,
                spec.weight,
                &buffers.dense,
                &mut buffers.scores,
            );
            offset += u32_to_usize(spec.dim);
        }
        if let Some(spec) = &self.body.dense {
            let encoder = self.encoder.as_ref().ok_or_else(|| IntentError::EncoderMissing {
                encoder_id: spec.encoder_id.clone(),
                model_dir: spec
                    .model_dir
                    .clone()
                    .unwrap_or_else(|| "(not recorded)".to_string()),
            })?;
            let dense = encoder.encode(text)?;
            let dense = dense
                .get(..dense.len().min(u32_to_usize(spec.dim)))
                .unwrap_or_default();
            add_block(&self.weights, offset, spec.weight, dense, &mut buffers.scores);
            if let Some(neighbours) = &self.body.neighbours {
                neighbours.add_scores(dense, &mut buffers.scores, &mut buffers.similarities);
            }
        }
        Ok(())
    }

    /// Calibrated probabilities of every label (in [`IntentModel::labels`] order).
    pub fn probabilities(&self, text: &str) -> Result<Vec<f32>, IntentError> {
        self.with_buffers(|b| {
            self.raw_scores(text, b)?;
            softmax_in_place(&mut b.scores, self.body.temperature);
            Ok(b.scores.clone())
        })
    }

    fn with_buffers<T>(
        &self,
        f: impl FnOnce(&mut Buffers) -> Result<T, IntentError>,
    ) -> Result<T, IntentError> {
        BUFFERS.with(|cell| match cell.try_borrow_mut() {
            Ok(mut b) => f(&mut b),
            Err(_) => f(&mut Buffers::default()),
        })
    }

    /// Classifies one raw message, listing the [`DEFAULT_TOP_K`] best intents.
    pub fn predict(&self, text: &str) -> Result<Prediction<'_>, IntentError> {
        self.predict_top(text, DEFAULT_TOP_K)
    }

    /// Classifies one raw message, listing the `k` best intents (at least one).
    pub fn predict_top(&self, text: &str, k: usize) -> Result<Prediction<'_>, IntentError> {
        self.with_buffers(|b| {
            self.raw_scores(text, b)?;
            softmax_in_place(&mut b.scores, self.body.temperature);
            Ok(self.decide(&b.scores, k.max(1)))
        })
    }

    /// The decision from calibrated probabilities.
    pub(crate) fn decide(&self, probs: &[f32], k: usize) -> Prediction<'_> {
        let labels = &self.body.labels;
        let oos = self.body.oos_class.map(u32_to_usize);
        let mut top: Vec<(usize, f32)> = Vec::with_capacity(k + 1);
        for (c, &p) in probs.iter().enumerate() {
            if top.len() < k || top.last().is_some_and(|&(_, q)| p > q) {
                let pos = top.partition_point(|&(_, q)| q >= p);
                top.insert(pos, (c, p));
                top.truncate(k);
            }
        }
        let best = top.first().map(|&(c, _)| c);
        let best_in_scope = probs.iter().enumerate().filter(|&(c, _)| Some(c) != oos).fold(
            None::<(usize, f32)>,
            |acc, (c, &p)| match acc {
                Some((_, q)) if q >= p => acc,
                _ => Some((c, p)),
            },
        );
        let (intent, confidence) = best_in_scope.map_or((None, 0.0), |(c, p)| (Some(c), p));
        let out_of_scope =
            intent.is_none() || best == oos && oos.is_some() || confidence < self.body.oos_threshold;
        Prediction {
            intent: if out_of_scope {
                None
            } else {
                intent.and_then(|c| labels.get(c)).map(String::as_str)
            },
            confidence,
            out_of_scope,
            top: top
                .iter()
                .filter_map(|&(c, p)| {
                    labels.get(c).map(|l| ScoredIntent {
                        intent: l.as_str(),
                        probability: p,
                    })
                })
                .collect(),
        }
    }

    /// The model file: magic, format version (u32 little-endian), then the postcard body.
    pub fn to_bytes(&self) -> Result<Vec<u8>, IntentError> {
        let body = postcard::to_allocvec(&self.body).map_err(|e| IntentError::Serialize(e.to_string()))?;
        let mut out = Vec::with_capacity(body.len() + 12);
        out.extend_from_slice(MODEL_MAGIC);
        out.extend_from_slice(&MODEL_FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Reads a model file; another format version or anything else is a clear error, and so is
    /// a model trained with another static table than the one compiled into this build.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, IntentError> {
        Self::from_bytes_with_static(bytes, None)
    }

    /// [`IntentModel::from_bytes`] for a model trained with `table` instead of the built-in
    /// static table (see [`crate::intent::train_with_static`]).
    pub fn from_bytes_with_static(
        bytes: &[u8],
        table: Option<Arc<StaticEncoder>>,
    ) -> Result<Self, IntentError> {
        let magic = bytes.get(..8).ok_or(IntentError::NotAModel)?;
        if magic != MODEL_MAGIC {
            return Err(IntentError::NotAModel);
        }
        let version = bytes
            .get(8..12)
            .and_then(|v| <[u8; 4]>::try_from(v).ok())
            .map(u32::from_le_bytes)
            .ok_or_else(|| IntentError::Corrupt("the header is cut short".into()))?;
        if !(OLDEST_READABLE_VERSION..=MODEL_FORMAT_VERSION).contains(&version) {
            return Err(IntentError::UnsupportedVersion {
                found: version,
                supported: MODEL_FORMAT_VERSION,
            });
        }
        let payload = bytes.get(12..).unwrap_or_default();
        let corrupt = |e: postcard::Error| IntentError::Corrupt(e.to_string());
        let body: ModelBody = match version {
            1 => postcard::from_bytes::<ModelBodyV1>(payload)
                .map_err(corrupt)?
                .into(),
            2 | 3 => {
                let mut v4 = payload.to_vec();
                if version == 2 {
                    v4.push(0); // `neighbours: None`
                }
                // Plain rules, no spelling: one byte and two empty lists.
                v4.extend_from_slice(&[crate::text::Rules::Plain.code(), 0, 0]);
                postcard::from_bytes(&v4).map_err(corrupt)?
            }
            _ => postcard::from_bytes(payload).map_err(corrupt)?,
        };
        Self::check_body(body, table)
    }

    fn check_body(mut body: ModelBody, table: Option<Arc<StaticEncoder>>) -> Result<Self, IntentError> {
        let k = body.labels.len();
        let n_sparse = body.vectorizer.len();
        let n_static = body.static_block.as_ref().map_or(0, |d| u32_to_usize(d.dim));
        let n_dense = body.dense.as_ref().map_or(0, |d| u32_to_usize(d.dim));
        let n = u64_to_usize(body.n_features);
        let bad = |what: &str| Err(IntentError::Corrupt(what.to_string()));
        if k < 2 {
            return bad("fewer than two labels");
        }
        if Some(n)
            != n_sparse
                .checked_add(n_static)
                .and_then(|s| s.checked_add(n_dense))
        {
            return bad("the feature count does not match the vocabulary");
        }
        if body.row_scale.len() != n || Some(body.quantized.len()) != n.checked_mul(k) || body.bias.len() != k
        {
            return bad("the weight matrix has the wrong size");
        }
        if body.oos_class.is_some_and(|c| u32_to_usize(c) >= k) {
            return bad("the out-of-scope class is out of range");
        }
        if !body.vectorizer.restore() {
            return bad("the vocabulary is inconsistent");
        }
        match crate::text::Rules::from_code(body.text.rules) {
            Some(rules) if body.text.lexicon.is_consistent() => {
                body.vectorizer.set_text(rules, &body.text.lexicon);
            }
            _ => return bad("unknown text normalisation rules or an inconsistent lexicon"),
        }
        if let Some(n) = &body.neighbours {
            if !n.weight.is_finite()
                || !n.index.is_consistent(k)
                || Some(n.index.dim) != body.dense.as_ref().map(|d| d.dim)
            {
                return bad("the nearest-example block is inconsistent");
            }
        }
        if !body.temperature.is_finite() || body.temperature <= 0.0 {
            body.temperature = 1.0;
        }
        let static_table = match &body.static_block {
            None => None,
            Some(spec) => {
                let table = match table {
                    Some(t) => t,
                    None => builtin_static()?,
                };
                if table.id() != spec.table_id || table.dim() != u32_to_usize(spec.dim) {
                    return Err(IntentError::StaticTableMismatch {
                        expected: spec.table_id.clone(),
                        found: table.id().to_string(),
                    });
                }
                Some(table)
            }
        };
        let weights = dequantize(&body);
        Ok(Self {
            body,
            weights,
            static_table,
            encoder: None,
        })
    }

    /// Writes the model file.
    pub fn save(&self, path: &std::path::Path) -> Result<(), IntentError> {
        let bytes = self.to_bytes()?;
        std::fs::write(path, bytes).map_err(|e| IntentError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        })
    }

    /// Reads a model file.
    pub fn load(path: &std::path::Path) -> Result<Self, IntentError> {
        let bytes = std::fs::read(path).map_err(|e| IntentError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::from_bytes(&bytes)
    }
}

/// Adds the scores of a dense block of features (`dense` times `weight`, from feature `offset`).
pub(crate) fn add_block(
    weights: &LinearWeights,
    offset: usize,
    weight: f32,
    dense: &[f32],
    scores: &mut [f32],
) {
    let k = weights.n_classes;
    for (j, &v) in dense.iter().enumerate() {
        let x = v * weight;
        if x == 0.0 || !x.is_finite() {
            continue;
        }
        let start = (offset + j) * k;
        if let Some(row) = weights.weights.get(start..start + k) {
            for (s, w) in scores.iter_mut().zip(row) {
                *s += x * w;
            }
        }
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
