//! Linear models trained in-process: one-vs-rest L2-regularised L2-loss support vector machines
//! solved by dual coordinate descent (Hsieh et al. 2008, as in LIBLINEAR), one class per rayon
//! task. Deterministic: every class has its own seeded random order.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use serde::{Deserialize, Serialize};

use super::features::SparseVec;

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
                    self.indices.push((offset + j) as u32);
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
        let (a, b) = (self.indptr[i], self.indptr[i + 1]);
        (&self.indices[a..b], &self.values[a..b])
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
            let start = f as usize * k;
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
                .map(|&l| if l as usize == c { 1.0 } else { -1.0 })
                .collect();
            let seed = seed ^ (c as u64).wrapping_mul(0x9e37_79b9);
            match loss {
                Loss::SquaredHinge => binary_l2svm_dual(x, &labels, &sq_norms, params, seed),
                Loss::Logistic => binary_logistic_dual(x, &labels, &sq_norms, params, seed),
            }
        })
        .collect();
    let mut weights = vec![0f32; n_features * n_classes];
    let mut bias = vec![0f32; n_classes];
    for (c, (w, b)) in per_class.iter().enumerate() {
        for (f, &wf) in w.iter().enumerate() {
            weights[f * n_classes + c] = wf as f32;
        }
        bias[c] = *b as f32;
    }
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
    let l = y.len() as f64;
    let n_pos = y.iter().filter(|&&v| v > 0.0).count().max(1) as f64;
    let n_neg = (l - n_pos).max(1.0);
    if params.balanced {
        (params.c * l / (2.0 * n_pos), params.c * l / (2.0 * n_neg))
    } else {
        (params.c, params.c)
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
    let diag: Vec<f64> = y
        .iter()
        .map(|&v| 0.5 / if v > 0.0 { c_pos } else { c_neg })
        .collect();
    let qd: Vec<f64> = (0..l).map(|i| sq_norms[i] + diag[i]).collect();
    let mut alpha = vec![0f64; l];
    let mut index: Vec<usize> = (0..l).collect();
    let mut active = l;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut pg_max_old = f64::INFINITY;
    let mut iter = 0;
    while iter < params.max_iter {
        let (mut pg_max_new, mut pg_min_new) = (f64::NEG_INFINITY, f64::INFINITY);
        index[..active].shuffle(&mut rng);
        let mut s = 0;
        while s < active {
            let i = index[s];
            let yi = y[i];
            let (ix, vs) = x.row(i);
            let mut dot = b * params.bias;
            for (&f, &v) in ix.iter().zip(vs) {
                dot += w[f as usize] * f64::from(v);
            }
            let g = yi * dot - 1.0 + alpha[i] * diag[i];
            let mut pg = 0.0;
            if alpha[i] == 0.0 {
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
                let old = alpha[i];
                alpha[i] = (alpha[i] - g / qd[i]).max(0.0);
                let d = (alpha[i] - old) * yi;
                for (&f, &v) in ix.iter().zip(vs) {
                    w[f as usize] += d * f64::from(v);
                }
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
    // alpha[2i] is a_i, alpha[2i + 1] is C_i - a_i.
    let mut alpha = vec![0f64; 2 * l];
    for i in 0..l {
        alpha[2 * i] = (0.001 * upper[i]).min(1e-8);
        alpha[2 * i + 1] = upper[i] - alpha[2 * i];
        let (ix, vs) = x.row(i);
        let d = y[i] * alpha[2 * i];
        for (&f, &v) in ix.iter().zip(vs) {
            w[f as usize] += d * f64::from(v);
        }
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
            let yi = y[i];
            let c = upper[i];
            let (ix, vs) = x.row(i);
            let mut dot = b * params.bias;
            for (&f, &v) in ix.iter().zip(vs) {
                dot += w[f as usize] * f64::from(v);
            }
            let a = sq_norms[i];
            let bb = yi * dot;
            let (mut ind1, mut ind2, mut sign) = (2 * i, 2 * i + 1, 1.0);
            if 0.5 * a * (alpha[ind2] - alpha[ind1]) + bb < 0.0 {
                ind1 = 2 * i + 1;
                ind2 = 2 * i;
                sign = -1.0;
            }
            let alpha_old = alpha[ind1];
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
                alpha[ind1] = z;
                alpha[ind2] = c - z;
                let d = sign * (z - alpha_old) * yi;
                for (&f, &v) in ix.iter().zip(vs) {
                    w[f as usize] += d * f64::from(v);
                }
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
        for rep in 0..5 {
            let noise = 0.1 * rep as f32;
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
            assert_eq!(best, Some(c as usize));
        }
        let again = train_ovr_svm(&x, &y, 3, &SvmParams::default(), 7);
        assert_eq!(m, again, "same data and seed give the same model");
    }
}
