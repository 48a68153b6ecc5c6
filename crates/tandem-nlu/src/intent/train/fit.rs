//! Fitting the linear models on a subset of the examples, and scoring other examples with them.

use rayon::prelude::*;

use super::super::features::{Scratch, SparseVec, Vectorizer};
use super::super::linear::{train_ovr_svm, Csr, LinearWeights, SvmParams};
use super::super::model::{add_block, DenseSpec, StaticSpec};
use super::TrainOptions;
use crate::num::u32_to_usize;

/// Examples turned into indices and (optionally) static and dense vectors once.
pub(super) struct Prepared<'a> {
    pub texts: Vec<&'a str>,
    pub y: Vec<u32>,
    pub statics: Option<Vec<Vec<f32>>>,
    pub dense: Option<Vec<Vec<f32>>>,
}

impl<'a> Prepared<'a> {
    /// The text of example `i` (empty past the end).
    pub fn text(&self, i: usize) -> &'a str {
        self.texts.get(i).copied().unwrap_or("")
    }

    /// The class of example `i` (0 past the end).
    pub fn label(&self, i: usize) -> u32 {
        self.y.get(i).copied().unwrap_or(0)
    }
}

/// The dense blocks that follow the sparse features, with their weights.
#[derive(Clone, Debug, Default)]
pub(super) struct Blocks {
    pub statics: Option<StaticSpec>,
    pub dense: Option<DenseSpec>,
}

impl Blocks {
    pub fn dim(&self) -> usize {
        self.statics.as_ref().map_or(0, |s| u32_to_usize(s.dim))
            + self.dense.as_ref().map_or(0, |s| u32_to_usize(s.dim))
    }

    /// The weighted dense values of example `i`, static block first, into `out`.
    pub fn values_into(&self, prep: &Prepared<'_>, i: usize, out: &mut Vec<f32>) {
        out.clear();
        if let Some(s) = &self.statics {
            if let Some(v) = prep.statics.as_ref().and_then(|d| d.get(i)) {
                out.extend(v.iter().take(u32_to_usize(s.dim)).map(|x| x * s.weight));
            }
        }
        if let Some(s) = &self.dense {
            if let Some(v) = prep.dense.as_ref().and_then(|d| d.get(i)) {
                out.extend(v.iter().take(u32_to_usize(s.dim)).map(|x| x * s.weight));
            }
        }
    }
}

/// A model trained on a subset, with what is needed to score other texts.
pub(super) struct Fitted {
    pub vectorizer: Vectorizer,
    pub weights: LinearWeights,
}

impl Fitted {
    fn scores(&self, prep: &Prepared<'_>, i: usize, blocks: &Blocks, scratch: &mut Scratch) -> Vec<f32> {
        let mut sparse = SparseVec::default();
        self.vectorizer.transform_into(prep.text(i), scratch, &mut sparse);
        let mut scores = Vec::new();
        self.weights.scores(&sparse.indices, &sparse.values, &mut scores);
        if blocks.dim() > 0 {
            let mut values = Vec::with_capacity(blocks.dim());
            blocks.values_into(prep, i, &mut values);
            add_block(&self.weights, self.vectorizer.len(), 1.0, &values, &mut scores);
        }
        scores
    }
}

pub(super) fn fit(
    prep: &Prepared<'_>,
    rows: &[usize],
    labels_of: &dyn Fn(usize) -> u32,
    n_classes: usize,
    options: &TrainOptions,
    blocks: &Blocks,
    c: f64,
) -> Fitted {
    let texts: Vec<&str> = rows.iter().map(|&i| prep.text(i)).collect();
    let rules = if options.canonical_text {
        crate::text::Rules::Canonical
    } else {
        crate::text::Rules::Plain
    };
    let vectorizer = Vectorizer::fit_with(&options.features, &texts, rules, options.spelling);
    let x = build_matrix(&vectorizer, prep, rows, blocks);
    let y: Vec<u32> = rows.iter().map(|&i| labels_of(i)).collect();
    let params = SvmParams {
        c,
        balanced: options.balanced,
        ..SvmParams::default()
    };
    let weights = train_ovr_svm(&x, &y, n_classes, &params, options.seed);
    Fitted { vectorizer, weights }
}

fn build_matrix(vectorizer: &Vectorizer, prep: &Prepared<'_>, rows: &[usize], blocks: &Blocks) -> Csr {
    let n_dense = blocks.dim();
    let offset = vectorizer.len();
    let vectors: Vec<SparseVec> = rows
        .par_chunks(256)
        .flat_map_iter(|chunk| {
            let mut scratch = Scratch::default();
            chunk
                .iter()
                .map(|&i| {
                    let mut v = SparseVec::default();
                    vectorizer.transform_into(prep.text(i), &mut scratch, &mut v);
                    v
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let mut x = Csr::new(offset + n_dense);
    let mut scaled = Vec::with_capacity(n_dense);
    for (v, &i) in vectors.iter().zip(rows) {
        let dense = if n_dense > 0 {
            blocks.values_into(prep, i, &mut scaled);
            Some((scaled.as_slice(), offset))
        } else {
            None
        };
        x.push(v, dense);
    }
    x
}

/// The scores of `rows` by a fitted model.
pub(super) fn held_scores(
    fitted: &Fitted,
    prep: &Prepared<'_>,
    rows: &[usize],
    blocks: &Blocks,
) -> Vec<Vec<f32>> {
    rows.par_chunks(256)
        .flat_map_iter(|chunk| {
            let mut scratch = Scratch::default();
            chunk
                .iter()
                .map(|&i| fitted.scores(prep, i, blocks, &mut scratch))
                .collect::<Vec<_>>()
        })
        .collect()
}

pub(super) fn argmax(v: &[f32]) -> usize {
    v.iter()
        .enumerate()
        .fold(
            (0, f32::NEG_INFINITY),
            |acc, (i, &x)| if x > acc.1 { (i, x) } else { acc },
        )
        .0
}
