//! The grid search on the held-out split: regularisation, block weights and the nearest-example
//! weight, and the nearest-example similarities it blends into the linear scores.

use rayon::prelude::*;

use super::super::model::{DenseSpec, StaticSpec};
use super::super::neighbours::ExampleIndex;
use super::fit::{argmax, fit, held_scores, Blocks, Prepared};
use super::{Reporter, TrainOptions};
use crate::num::{u32_to_usize, usize_to_f64};

/// The candidate values tried on the held-out split (each non-empty).
pub(super) struct Grids {
    pub c: Vec<f64>,
    pub dense_weight: Vec<f32>,
    pub static_weight: Vec<f32>,
    pub neighbour_weight: Vec<f32>,
}

/// The best candidate on the held-out split.
pub(super) struct Best {
    pub accuracy: f64,
    pub c: f64,
    /// The held-out rows' scores, the nearest-example block included at its chosen weight.
    pub scores: Vec<Vec<f32>>,
    pub blocks: Blocks,
    pub neighbour_weight: f32,
}

/// Fits a model on `train_rows` for every candidate and keeps the most accurate on `held_rows`
/// (the first of equals). `None` when nothing is held out.
#[allow(clippy::too_many_arguments)]
pub(super) fn search(
    prep: &Prepared<'_>,
    train_rows: &[usize],
    held_rows: &[usize],
    n_classes: usize,
    options: &TrainOptions,
    blocks: &Blocks,
    grids: &Grids,
    reporter: &mut Reporter<'_>,
) -> Option<Best> {
    if held_rows.is_empty() {
        return None;
    }
    let label_of = |i: usize| prep.label(i);
    // The held-out texts' nearest-example similarities (to the training part), computed once.
    let held_similarities = if grids.neighbour_weight.iter().any(|&w| w > 0.0) {
        example_index(prep, train_rows, &label_of)
            .map(|index| similarities(&index, prep, held_rows, n_classes))
    } else {
        None
    };
    let mut best: Option<Best> = None;
    for &static_weight in &grids.static_weight {
        for &weight in &grids.dense_weight {
            let candidate = Blocks {
                statics: blocks.statics.clone().map(|s| StaticSpec {
                    weight: static_weight,
                    ..s
                }),
                dense: blocks.dense.clone().map(|s| DenseSpec { weight, ..s }),
            };
            for &c in &grids.c {
                let mut what = format!("choosing the regularisation (C = {c}");
                if candidate.statics.is_some() {
                    what.push_str(&format!(", static weight {static_weight}"));
                }
                if candidate.dense.is_some() {
                    what.push_str(&format!(", dense weight {weight}"));
                }
                what.push(')');
                reporter.report(&what);
                let fitted = fit(prep, train_rows, &label_of, n_classes, options, &candidate, c);
                let linear = held_scores(&fitted, prep, held_rows, &candidate);
                for &w in &grids.neighbour_weight {
                    let scores = match &held_similarities {
                        Some(sims) if w > 0.0 => blend(&linear, sims, w),
                        _ => linear.clone(),
                    };
                    let correct = scores
                        .iter()
                        .zip(held_rows)
                        .filter(|(s, &i)| argmax(s) == u32_to_usize(prep.label(i)))
                        .count();
                    let accuracy = usize_to_f64(correct) / usize_to_f64(held_rows.len());
                    if best.as_ref().is_none_or(|b| accuracy > b.accuracy + 1e-9) {
                        best = Some(Best {
                            accuracy,
                            c,
                            scores,
                            blocks: candidate.clone(),
                            neighbour_weight: w,
                        });
                    }
                }
            }
        }
    }
    best
}

/// The nearest-example weights to try: the finite non-negative values of `grid` when there are
/// dense vectors to compare, else only 0.
pub(super) fn neighbour_grid(grid: &[f32], dense: bool) -> Vec<f32> {
    let grid: Vec<f32> = grid
        .iter()
        .copied()
        .filter(|w| dense && w.is_finite() && *w >= 0.0)
        .collect();
    if grid.is_empty() {
        vec![0.0]
    } else {
        grid
    }
}

/// The index of the dense vectors of `rows` (none without dense vectors).
pub(super) fn example_index(
    prep: &Prepared<'_>,
    rows: &[usize],
    labels_of: &dyn Fn(usize) -> u32,
) -> Option<ExampleIndex> {
    let dense = prep.dense.as_ref()?;
    let dim = dense.first().map_or(0, Vec::len);
    Some(ExampleIndex::build(
        dim,
        rows.iter()
            .filter_map(|&i| dense.get(i).map(|v| (v.as_slice(), labels_of(i)))),
    ))
}

/// Each row's nearest-example similarity per class.
pub(super) fn similarities(
    index: &ExampleIndex,
    prep: &Prepared<'_>,
    rows: &[usize],
    n_classes: usize,
) -> Vec<Vec<f32>> {
    let dense = prep.dense.as_deref().unwrap_or_default();
    rows.par_iter()
        .map(|&i| {
            let mut out = Vec::new();
            index.class_similarities(dense.get(i).map_or(&[][..], Vec::as_slice), n_classes, &mut out);
            out
        })
        .collect()
}

/// `scores + weight * similarities`, row by row.
pub(super) fn blend(scores: &[Vec<f32>], similarities: &[Vec<f32>], weight: f32) -> Vec<Vec<f32>> {
    scores
        .iter()
        .zip(similarities)
        .map(|(s, sims)| s.iter().zip(sims).map(|(a, b)| a + weight * b).collect())
        .collect()
}
