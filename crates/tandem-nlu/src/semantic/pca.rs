//! Principal components of a set of row vectors (covariance + cyclic Jacobi eigen-decomposition).
//! Sizes here are small (a few hundred dimensions), so the plain O(d³) method is fine.

use rayon::prelude::*;

use crate::num::{f64_to_f32, usize_to_f64};

/// Mean of the rows and the top `k` principal axes (unit vectors, strongest first), each of
/// length `d`. `rows` holds `n` rows of `d` values.
pub(crate) struct Pca {
    pub mean: Vec<f32>,
    pub axes: Vec<Vec<f32>>,
}

impl Pca {
    pub(crate) fn fit(rows: &[f32], d: usize, k: usize) -> Self {
        let n = rows.len().checked_div(d).unwrap_or(0);
        let k = k.min(d);
        let mut mean = vec![0f64; d];
        for row in rows.chunks_exact(d) {
            for (m, &x) in mean.iter_mut().zip(row) {
                *m += f64::from(x);
            }
        }
        for m in &mut mean {
            *m /= usize_to_f64(n.max(1));
        }
        // Columns of the centred data, for cache-friendly dot products.
        let mut cols = vec![vec![0f64; n]; d];
        for (r, row) in rows.chunks_exact(d).enumerate() {
            for ((col, &x), m) in cols.iter_mut().zip(row).zip(&mean) {
                if let Some(c) = col.get_mut(r) {
                    *c = f64::from(x) - m;
                }
            }
        }
        let cov: Vec<Vec<f64>> = cols
            .par_iter()
            .enumerate()
            .map(|(i, col_i)| {
                cols.iter()
                    .enumerate()
                    .map(|(j, col_j)| {
                        if j < i {
                            0.0
                        } else {
                            col_i.iter().zip(col_j).map(|(a, b)| a * b).sum::<f64>() / usize_to_f64(n.max(1))
                        }
                    })
                    .collect()
            })
            .collect();
        let mut a = cov;
        for i in 0..d {
            for j in 0..i {
                let upper = entry(&a, j, i);
                if let Some(x) = a.get_mut(i).and_then(|row| row.get_mut(j)) {
                    *x = upper;
                }
            }
        }
        let (values, vectors) = jacobi_eigen(a);
        // A stable sort: equal eigenvalues keep their order.
        let mut order: Vec<(usize, f64)> = values.into_iter().enumerate().collect();
        order.sort_by(|x, y| y.1.total_cmp(&x.1));
        let axes = order
            .iter()
            .take(k)
            .map(|&(c, _)| {
                vectors
                    .iter()
                    .map(|row| f64_to_f32(row.get(c).copied().unwrap_or(0.0)))
                    .collect()
            })
            .collect();
        Self {
            mean: mean.into_iter().map(f64_to_f32).collect(),
            axes,
        }
    }

    /// Projects one row onto the axes (after centring).
    pub(crate) fn project(&self, row: &[f32]) -> Vec<f32> {
        self.axes
            .iter()
            .map(|axis| {
                axis.iter()
                    .zip(row.iter().zip(&self.mean))
                    .map(|(a, (x, m))| a * (x - m))
                    .sum()
            })
            .collect()
    }
}

/// `a[i][j]` (0 outside the matrix).
fn entry(a: &[Vec<f64>], i: usize, j: usize) -> f64 {
    a.get(i).and_then(|row| row.get(j)).copied().unwrap_or(0.0)
}

/// Rotates the values at `p` and `q` (`p < q`) of `row` by the angle of cosine `c` and sine `s`.
fn rotate(row: &mut [f64], p: usize, q: usize, c: f64, s: f64) {
    if let Some((head, tail)) = row.split_at_mut_checked(q) {
        if let (Some(x_p), Some(x_q)) = (head.get_mut(p), tail.first_mut()) {
            let (xp, xq) = (*x_p, *x_q);
            *x_p = c * xp - s * xq;
            *x_q = s * xp + c * xq;
        }
    }
}

/// Eigenvalues and eigenvectors (as columns) of a symmetric matrix, by cyclic Jacobi rotations.
fn jacobi_eigen(mut a: Vec<Vec<f64>>) -> (Vec<f64>, Vec<Vec<f64>>) {
    let d = a.len();
    let mut v: Vec<Vec<f64>> = (0..d)
        .map(|i| (0..d).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    let total: f64 = a.iter().flatten().map(|x| x * x).sum();
    for _sweep in 0..50 {
        let off: f64 = a
            .iter()
            .enumerate()
            .flat_map(|(i, row)| {
                row.iter()
                    .take(d)
                    .enumerate()
                    .filter(move |&(j, _)| j != i)
                    .map(|(_, x)| x * x)
            })
            .sum();
        if off <= 1e-22 * total.max(f64::MIN_POSITIVE) {
            break;
        }
        for p in 0..d {
            for q in p + 1..d {
                let apq = entry(&a, p, q);
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (entry(&a, q, q) - entry(&a, p, p)) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    rotate(row, p, q, c, s);
                }
                if let Some((head, tail)) = a.split_at_mut_checked(q) {
                    if let (Some(row_p), Some(row_q)) = (head.get_mut(p), tail.first_mut()) {
                        for (xp, xq) in row_p.iter_mut().zip(row_q.iter_mut()) {
                            let (vp, vq) = (*xp, *xq);
                            *xp = c * vp - s * vq;
                            *xq = s * vp + c * vq;
                        }
                    }
                }
                for row in v.iter_mut() {
                    rotate(row, p, q, c, s);
                }
            }
        }
    }
    let values = a
        .iter()
        .enumerate()
        .map(|(i, row)| row.get(i).copied().unwrap_or(0.0))
        .collect();
    (values, v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_main_axis() {
        // Points along (1, 1) with a little noise along (1, -1).
        let mut rows = Vec::new();
        for i in 0..100u8 {
            let t = f32::from(i) / 10.0 - 5.0;
            let e = if i % 2 == 0 { 0.1 } else { -0.1 };
            rows.extend([t + e + 3.0, t - e - 1.0]);
        }
        let pca = Pca::fit(&rows, 2, 1);
        let axis = &pca.axes[0];
        assert!((axis[0].abs() - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-3);
        assert!((axis[0] - axis[1]).abs() < 1e-3);
        assert!((pca.mean[0] - 2.95).abs() < 0.1);
    }
}

/// Solves `A x = b` for a symmetric positive-definite `A` (n×n, row-major) with several right-hand
/// sides `b` (n×m, row-major), by Cholesky factorisation. None when `A` is not positive definite.
pub(crate) fn cholesky_solve(a: &[f64], n: usize, b: &[f64], m: usize) -> Option<Vec<f64>> {
    let mut l = vec![0f64; n * n];
    for i in 0..n {
        for j in 0..=i {
            // Σ_k<j l[i][k] l[j][k]
            let row_i = l.get(i * n..i * n + j)?;
            let row_j = l.get(j * n..j * n + j)?;
            let s: f64 = row_i.iter().zip(row_j).map(|(x, y)| x * y).sum();
            if i == j {
                let d = a.get(i * n + i)? - s;
                if d <= 0.0 || !d.is_finite() {
                    return None;
                }
                *l.get_mut(i * n + i)? = d.sqrt();
            } else {
                let value = (a.get(i * n + j)? - s) / l.get(j * n + j)?;
                *l.get_mut(i * n + j)? = value;
            }
        }
    }
    let mut x = b.to_vec();
    for c in 0..m {
        // L y = b, then Lᵀ x = y. Column c of x is x[k * m + c] for k in 0..n.
        for i in 0..n {
            let row_i = l.get(i * n..i * n + i)?;
            let s: f64 = row_i
                .iter()
                .zip(x.iter().skip(c).step_by(m))
                .map(|(lik, xk)| lik * xk)
                .sum();
            let diag = *l.get(i * n + i)?;
            let xi = x.get_mut(i * m + c)?;
            *xi = (*xi - s) / diag;
        }
        for i in (0..n).rev() {
            // Σ_k>i l[k][i] x[k][c]
            let s: f64 = l
                .iter()
                .skip((i + 1) * n + i)
                .step_by(n)
                .zip(x.iter().skip((i + 1) * m + c).step_by(m))
                .map(|(lki, xk)| lki * xk)
                .sum();
            let diag = *l.get(i * n + i)?;
            let xi = x.get_mut(i * m + c)?;
            *xi = (*xi - s) / diag;
        }
    }
    Some(x)
}

#[cfg(test)]
mod solve_tests {
    use super::cholesky_solve;

    #[test]
    fn solves_spd_systems() {
        let a = [4.0, 1.0, 1.0, 3.0];
        let b = [1.0, 2.0, 2.0, 0.0];
        let x = cholesky_solve(&a, 2, &b, 2).unwrap();
        // Check A x = b column by column.
        for c in 0..2 {
            for r in 0..2 {
                let ax: f64 = (0..2).map(|k| a[r * 2 + k] * x[k * 2 + c]).sum();
                assert!((ax - b[r * 2 + c]).abs() < 1e-12);
            }
        }
        assert!(cholesky_solve(&[0.0], 1, &[1.0], 1).is_none());
    }
}
