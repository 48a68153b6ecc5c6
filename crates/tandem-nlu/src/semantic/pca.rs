//! Principal components of a set of row vectors (covariance + cyclic Jacobi eigen-decomposition).
//! Sizes here are small (a few hundred dimensions), so the plain O(d³) method is fine.

use rayon::prelude::*;

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
            *m /= n.max(1) as f64;
        }
        // Columns of the centred data, for cache-friendly dot products.
        let mut cols = vec![vec![0f64; n]; d];
        for (r, row) in rows.chunks_exact(d).enumerate() {
            for (j, &x) in row.iter().enumerate() {
                cols[j][r] = f64::from(x) - mean[j];
            }
        }
        let cov: Vec<Vec<f64>> = (0..d)
            .into_par_iter()
            .map(|i| {
                (0..d)
                    .map(|j| {
                        if j < i {
                            0.0
                        } else {
                            cols[i].iter().zip(&cols[j]).map(|(a, b)| a * b).sum::<f64>() / n.max(1) as f64
                        }
                    })
                    .collect()
            })
            .collect();
        let mut a = cov;
        for i in 0..d {
            for j in 0..i {
                let upper = a[j][i];
                if let Some(x) = a.get_mut(i).and_then(|row| row.get_mut(j)) {
                    *x = upper;
                }
            }
        }
        let (values, vectors) = jacobi_eigen(a);
        let mut order: Vec<usize> = (0..d).collect();
        order.sort_by(|&x, &y| values[y].total_cmp(&values[x]));
        let axes = order
            .iter()
            .take(k)
            .map(|&c| (0..d).map(|r| vectors[r][c] as f32).collect())
            .collect();
        Self {
            mean: mean.into_iter().map(|m| m as f32).collect(),
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

/// Eigenvalues and eigenvectors (as columns) of a symmetric matrix, by cyclic Jacobi rotations.
fn jacobi_eigen(mut a: Vec<Vec<f64>>) -> (Vec<f64>, Vec<Vec<f64>>) {
    let d = a.len();
    let mut v: Vec<Vec<f64>> = (0..d)
        .map(|i| (0..d).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    let total: f64 = a.iter().flatten().map(|x| x * x).sum();
    for _sweep in 0..50 {
        let off: f64 = (0..d)
            .flat_map(|i| (0..d).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off <= 1e-22 * total.max(f64::MIN_POSITIVE) {
            break;
        }
        for p in 0..d {
            for q in p + 1..d {
                let apq = a[p][q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (xp, xq) = (row[p], row[q]);
                    row[p] = c * xp - s * xq;
                    row[q] = s * xp + c * xq;
                }
                let (head, tail) = a.split_at_mut(q);
                for (xp, xq) in head[p].iter_mut().zip(tail[0].iter_mut()) {
                    let (vp, vq) = (*xp, *xq);
                    *xp = c * vp - s * vq;
                    *xq = s * vp + c * vq;
                }
                for row in v.iter_mut() {
                    let (xp, xq) = (row[p], row[q]);
                    row[p] = c * xp - s * xq;
                    row[q] = s * xp + c * xq;
                }
            }
        }
    }
    let values = (0..d).map(|i| a[i][i]).collect();
    (values, v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_main_axis() {
        // Points along (1, 1) with a little noise along (1, -1).
        let mut rows = Vec::new();
        for i in 0..100 {
            let t = i as f32 / 10.0 - 5.0;
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
            let s: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = a[i * n + i] - s;
                if d <= 0.0 || !d.is_finite() {
                    return None;
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (a[i * n + j] - s) / l[j * n + j];
            }
        }
    }
    let mut x = b.to_vec();
    for c in 0..m {
        // L y = b, then Lᵀ x = y.
        for i in 0..n {
            let s: f64 = (0..i).map(|k| l[i * n + k] * x[k * m + c]).sum();
            x[i * m + c] = (x[i * m + c] - s) / l[i * n + i];
        }
        for i in (0..n).rev() {
            let s: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k * m + c]).sum();
            x[i * m + c] = (x[i * m + c] - s) / l[i * n + i];
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
