//! Linear models trained in-process: one-vs-rest L2-regularised L2-loss support vector machines
//! solved by dual coordinate descent (Hsieh et al. 2008, as in LIBLINEAR), one class per rayon
//! task. Deterministic: every class has its own seeded random order.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use serde::{Deserialize, Serialize};

use super::features::SparseVec;
use crate::num::{f64_to_f32, u32_to_usize, usize_to_f64, usize_to_u32, usize_to_u64};

/// Rows of sparse features (compressed sparse rows).
#[derive(Clone, Debug, Default)]
pub struct Csr {
    indptr: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f32>,
    /// Number of columns (features).
    pub n_cols: usize,
}

impl Csr {
    pub fn new(n_cols: usize) -> Self {
        Self {
            indptr: vec![0],
            indices: Vec::new(),
            values: Vec::new(),
            n_cols,
        }
    }

    /// Appends a row; `dense` values (if any) become columns `dense_offset..`.
    pub fn push(&mut self, sparse: &SparseVec, dense: Option<(&[f32], usize)>) {
        self.indices.extend_from_slice(&sparse.indices);
        self.values.extend_from_slice(&sparse.values);
        if let Some((values, offset)) = dense {
            for (j, &v) in values.iter().enumerate() {
                if v != 0.0 {
                    self.indices.push(usize_to_u32(offset + j));
                    self.values.push(v);
                }
            }
        }
        self.indptr.push(self.indices.len());
    }

    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    #[inline]
    pub fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let range = match self.indptr.get(i..i + 2) {
            Some(&[a, b]) => a..b,
            _ => 0..0,
        };
        (
            self.indices.get(range.clone()).unwrap_or_default(),
            self.values.get(range).unwrap_or_default(),
        )
    }

    /// A new matrix with the given rows.
    pub fn select(&self, rows: &[usize]) -> Self {
        let mut out = Self::new(self.n_cols);
        for &r in rows {
            let (ix, vs) = self.row(r);
            out.indices.extend_from_slice(ix);
            out.values.extend_from_slice(vs);
            out.indptr.push(out.indices.len());
        }
        out
    }
}

/// Solver settings.
#[derive(Clone, Debug)]
pub struct SvmParams {
    /// Inverse regularisation strength.
    pub c: f64,
    /// Stopping tolerance on the projected gradient.
    pub eps: f64,
    pub max_iter: usize,
    /// Value of the constant feature that carries the bias.
    pub bias: f64,
    /// Weight positives and negatives of each binary problem so both carry the same total cost.
    pub balanced: bool,
}

impl Default for SvmParams {
    fn default() -> Self {
        Self {
            c: 1.0,
            eps: 0.1,
            max_iter: 1000,
            bias: 1.0,
            balanced: false,
        }
    }
}

/// A trained linear scorer: `scores[c] = bias[c] + sum_f x[f] * weights[f * n_classes + c]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LinearWeights {
    pub n_classes: usize,
    pub n_features: usize,
    /// Feature-major: the scores of all classes for one feature are contiguous.
    pub weights: Vec<f32>,
    pub bias: Vec<f32>,
}

impl LinearWeights {
    /// Adds the scores of a sparse row to `scores` (of length `n_classes`).
    #[inline]
    pub fn accumulate(&self, indices: &[u32], values: &[f32], scores: &mut [f32]) {
        let k = self.n_classes;
        for (&f, &v) in indices.iter().zip(values) {
            let start = u32_to_usize(f) * k;
            if let Some(row) = self.weights.get(start..start + k) {
                for (s, w) in scores.iter_mut().zip(row) {
                    *s += v * w;
                }
            }
        }
    }

    /// The scores of a sparse row.
    pub fn scores(&self, indices: &[u32], values: &[f32], scores: &mut Vec<f32>) {
        scores.clear();
        scores.extend_from_slice(&self.bias);
        self.accumulate(indices, values, scores);
    }
}

/// The binary loss of each one-vs-rest problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Loss {
    /// Squared hinge (L2-loss SVM).
    SquaredHinge,
    /// Logistic loss.
    Logistic,
}

/// Trains one binary L2-loss SVM per class (one-vs-rest).
pub fn train_ovr_svm(x: &Csr, y: &[u32], n_classes: usize, params: &SvmParams, seed: u64) -> LinearWeights {
    train_ovr(x, y, n_classes, params, Loss::SquaredHinge, seed)
}

/// Trains one binary linear model per class (one-vs-rest) with the given loss.
pub fn train_ovr(
    x: &Csr,
    y: &[u32],
    n_classes: usize,
    params: &SvmParams,
    loss: Loss,
    seed: u64,
) -> LinearWeights {
    let n_features = x.n_cols;
    let sq_norms: Vec<f64> = (0..x.n_rows())
        .map(|i| {
            let (_, vs) = x.row(i);
            vs.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() + params.bias * params.bias
        })
        .collect();
    let per_class: Vec<(Vec<f64>, f64)> = (0..n_classes)
        .into_par_iter()
        .map(|c| {
            let labels: Vec<f64> = y
                .iter()
                .map(|&l| if u32_to_usize(l) == c { 1.0 } else { -1.0 })
                .collect();
            let seed = seed ^ usize_to_u64(c).wrapping_mul(0x9e37_79b9);
            match loss {
                Loss::SquaredHinge => binary_l2svm_dual(x, &labels, &sq_norms, params, seed),
                Loss::Logistic => binary_logistic_dual(x, &labels, &sq_norms, params, seed),
            }
        })
        .collect();
    let mut weights = vec![0f32; n_features * n_classes];
    if n_classes > 0 {
        for (f, row) in weights.chunks_exact_mut(n_classes).enumerate() {
            for (slot, (w, _)) in row.iter_mut().zip(&per_class) {
                *slot = w.get(f).copied().map_or(0.0, f64_to_f32);
            }
        }
    }
    let bias: Vec<f32> = per_class.iter().map(|&(_, b)| f64_to_f32(b)).collect();
    LinearWeights {
        n_classes,
        n_features,
        weights,
        bias,
    }
}

/// The cost of an error on a positive and on a negative example: `C` each, or with `balanced`
/// scaled so that both classes weigh the same in total.
fn class_costs(y: &[f64], params: &SvmParams) -> (f64, f64) {
    let l = usize_to_f64(y.len());
    let n_pos = usize_to_f64(y.iter().filter(|&&v| v > 0.0).count().max(1));
    let n_neg = (l - n_pos).max(1.0);
    if params.balanced {
        (params.c * l / (2.0 * n_pos), params.c * l / (2.0 * n_neg))
    } else {
        (params.c, params.c)
    }
}

/// One example's place in [`binary_l2svm_dual`]: label, diagonal term, `Q_ii` and dual variable.
struct Coord {
    y: f64,
    diag: f64,
    qd: f64,
    alpha: f64,
}

/// `init + dot(w, x_row)` over a sparse row, summed in row order (features outside `w` count
/// as 0).
#[inline]
fn sparse_dot(init: f64, w: &[f64], ix: &[u32], vs: &[f32]) -> f64 {
    let mut dot = init;
    for (&f, &v) in ix.iter().zip(vs) {
        if let Some(wf) = w.get(u32_to_usize(f)) {
            dot += wf * f64::from(v);
        }
    }
    dot
}

/// `w += d * x_row` over a sparse row (features outside `w` are skipped).
#[inline]
fn sparse_axpy(w: &mut [f64], d: f64, ix: &[u32], vs: &[f32]) {
    for (&f, &v) in ix.iter().zip(vs) {
        if let Some(wf) = w.get_mut(u32_to_usize(f)) {
            *wf += d * f64::from(v);
        }
    }
}

/// Dual coordinate descent for `min 0.5 |w|^2 + sum_i C_i max(0, 1 - y_i w.x_i)^2`, with shrinking.
fn binary_l2svm_dual(x: &Csr, y: &[f64], sq_norms: &[f64], params: &SvmParams, seed: u64) -> (Vec<f64>, f64) {
    let l = y.len();
    let mut w = vec![0f64; x.n_cols];
    let mut b = 0f64;
    if l == 0 {
        return (w, b);
    }
    let (c_pos, c_neg) = class_costs(y, params);
    let mut coords: Vec<Coord> = y
        .iter()
        .zip(sq_norms)
        .map(|(&v, &sq)| {
            let diag = 0.5 / if v > 0.0 { c_pos } else { c_neg };
            Coord {
                y: v,
                diag,
                qd: sq + diag,
                alpha: 0.0,
            }
        })
        .collect();
    let mut index: Vec<usize> = (0..l).collect();
    let mut active = l;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut pg_max_old = f64::INFINITY;
    let mut iter = 0;
    while iter < params.max_iter {
        let (mut pg_max_new, mut pg_min_new) = (f64::NEG_INFINITY, f64::INFINITY);
        if let Some(part) = index.get_mut(..active) {
            part.shuffle(&mut rng);
        }
        let mut s = 0;
        while s < active {
            let Some(&i) = index.get(s) else {
                break;
            };
            let Some(e) = coords.get_mut(i) else {
                s += 1;
                continue;
            };
            let (ix, vs) = x.row(i);
            let dot = sparse_dot(b * params.bias, &w, ix, vs);
            let g = e.y * dot - 1.0 + e.alpha * e.diag;
            let mut pg = 0.0;
            if e.alpha == 0.0 {
                if g > pg_max_old {
                    active -= 1;
                    index.swap(s, active);
                    continue;
                } else if g < 0.0 {
                    pg = g;
                }
            } else {
                pg = g;
            }
            pg_max_new = pg_max_new.max(pg);
            pg_min_new = pg_min_new.min(pg);
            if pg.abs() > 1e-12 {
                let old = e.alpha;
                e.alpha = (e.alpha - g / e.qd).max(0.0);
                let d = (e.alpha - old) * e.y;
                sparse_axpy(&mut w, d, ix, vs);
                b += d * params.bias;
            }
            s += 1;
        }
        iter += 1;
        if pg_max_new - pg_min_new <= params.eps {
            if active == l {
                break;
            }
            active = l;
            pg_max_old = f64::INFINITY;
            continue;
        }
        pg_max_old = if pg_max_new <= 0.0 {
            f64::INFINITY
        } else {
            pg_max_new
        };
    }
    (w, b * params.bias)
}

/// Dual coordinate descent for L2-regularised logistic regression (Yu, Huang and Lin 2011, as in
/// LIBLINEAR): each dual pair `(a_i, C_i - a_i)` is updated by a bounded 1-D Newton method.
fn binary_logistic_dual(
    x: &Csr,
    y: &[f64],
    sq_norms: &[f64],
    params: &SvmParams,
    seed: u64,
) -> (Vec<f64>, f64) {
    let l = y.len();
    let mut w = vec![0f64; x.n_cols];
    let mut b = 0f64;
    if l == 0 {
        return (w, b);
    }
    let (c_pos, c_neg) = class_costs(y, params);
    let upper: Vec<f64> = y.iter().map(|&v| if v > 0.0 { c_pos } else { c_neg }).collect();
    // alpha[i] is the pair (a_i, C_i - a_i).
    let mut alpha: Vec<[f64; 2]> = upper
        .iter()
        .map(|&u| {
            let a = (0.001 * u).min(1e-8);
            [a, u - a]
        })
        .collect();
    for (i, (&yi, &[a_i, _])) in y.iter().zip(&alpha).enumerate() {
        let (ix, vs) = x.row(i);
        let d = yi * a_i;
        sparse_axpy(&mut w, d, ix, vs);
        b += d * params.bias;
    }
    let mut index: Vec<usize> = (0..l).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let inner_eps_min = params.eps.min(1e-8);
    let mut inner_eps = 1e-2;
    let max_inner = 100;
    let mut iter = 0;
    while iter < params.max_iter {
        index.shuffle(&mut rng);
        let mut newton_iter = 0usize;
        let mut g_max = 0f64;
        for &i in &index {
            let (Some(&yi), Some(&c), Some(&a), Some(pair)) =
                (y.get(i), upper.get(i), sq_norms.get(i), alpha.get_mut(i))
            else {
                continue;
            };
            let (ix, vs) = x.row(i);
            let dot = sparse_dot(b * params.bias, &w, ix, vs);
            let bb = yi * dot;
            // Newton on the first of the pair, or on the second (`swapped`) when that is better.
            let [a_i, rest_i] = *pair;
            let swapped = 0.5 * a * (rest_i - a_i) + bb < 0.0;
            let (alpha_old, sign) = if swapped { (rest_i, -1.0) } else { (a_i, 1.0) };
            let mut z = alpha_old;
            if c - z < 0.5 * c {
                z *= 0.1;
            }
            let mut gp = a * (z - alpha_old) + sign * bb + (z / (c - z)).ln();
            g_max = g_max.max(gp.abs());
            let mut inner = 0;
            while inner <= max_inner {
                if gp.abs() < inner_eps {
                    break;
                }
                let gpp = a + c / (c - z) / z;
                let tmp = z - gp / gpp;
                z = if tmp <= 0.0 { z * 0.1 } else { tmp };
                gp = a * (z - alpha_old) + sign * bb + (z / (c - z)).ln();
                newton_iter += 1;
                inner += 1;
            }
            if inner > 0 {
                *pair = if swapped { [c - z, z] } else { [z, c - z] };
                let d = sign * (z - alpha_old) * yi;
                sparse_axpy(&mut w, d, ix, vs);
                b += d * params.bias;
            }
        }
        iter += 1;
        if g_max < params.eps {
            break;
        }
        if newton_iter <= l / 10 {
            inner_eps = inner_eps_min.max(0.1 * inner_eps);
        }
    }
    (w, b * params.bias)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(u32, f32)]) -> SparseVec {
        SparseVec {
            indices: pairs.iter().map(|p| p.0).collect(),
            values: pairs.iter().map(|p| p.1).collect(),
        }
    }

    #[test]
    fn separates_three_classes() {
        let mut x = Csr::new(4);
        let mut y = Vec::new();
        for rep in 0..5u8 {
            let noise = 0.1 * f32::from(rep);
            x.push(&row(&[(0, 1.0), (3, noise)]), None);
            y.push(0);
            x.push(&row(&[(1, 1.0), (3, noise)]), None);
            y.push(1);
            x.push(&row(&[(2, 1.0), (3, noise)]), None);
            y.push(2);
        }
        let m = train_ovr_svm(&x, &y, 3, &SvmParams::default(), 7);
        let mut s = Vec::new();
        for c in 0..3u32 {
            m.scores(&[c], &[1.0], &mut s);
            let best = s
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|p| p.0);
            assert_eq!(best, usize::try_from(c).ok());
        }
        let again = train_ovr_svm(&x, &y, 3, &SvmParams::default(), 7);
        assert_eq!(m, again, "same data and seed give the same model");
    }
}
