//! k-means (Lloyd's iterations) with greedy k-means++ seeding and deterministic restarts, and the
//! simplified silhouette used to choose k.
//!
//! Deterministic: the random choices come from a ChaCha generator seeded by the caller, the
//! parallel assignment step writes each point's result independently, and sums are taken in
//! point order.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::features::Points;
use crate::num::{f64_to_usize, usize_to_f32, usize_to_f64};

/// Lloyd iterations stop here even if some points still move.
pub(crate) const MAX_ITERATIONS: usize = 100;
/// Lloyd iterations stop once at most this share of the points changes cluster.
const MOVED_SHARE: usize = 1_000;

/// One clustering of the points into (at most) `k` groups.
#[derive(Debug, Clone)]
pub(crate) struct Fit {
    pub assignments: Vec<usize>,
    pub centroids: Vec<Vec<f32>>,
    /// Squared length of each centroid.
    pub centroid_norms: Vec<f32>,
    /// Sum of squared distances of the points to their centroids.
    pub inertia: f64,
}

fn norm2(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum()
}

/// The nearest centroid of point `i` and its squared distance.
fn nearest(points: &Points, i: usize, centroids: &[Vec<f32>], norms: &[f32]) -> (usize, f32) {
    let mut best = (0usize, f32::INFINITY);
    for (c, (centroid, &cn)) in centroids.iter().zip(norms).enumerate() {
        let d = points.distance2(i, centroid, cn);
        if d < best.1 {
            best = (c, d);
        }
    }
    if best.1.is_finite() {
        best
    } else {
        (0, 0.0)
    }
}

/// Picks index `j` with probability `weights[j] / sum` (the first positive weight when rounding
/// leaves nothing; `None` when all weights are zero).
fn sample(weights: &[f32], rng: &mut ChaCha8Rng) -> Option<usize> {
    let total: f64 = weights.iter().map(|&w| f64::from(w)).sum();
    if total.is_nan() || total <= 0.0 {
        return None;
    }
    let mut target = rng.gen::<f64>() * total;
    for (j, &w) in weights.iter().enumerate() {
        target -= f64::from(w);
        if target < 0.0 && w > 0.0 {
            return Some(j);
        }
    }
    weights.iter().rposition(|&w| w > 0.0)
}

/// Greedy k-means++: each new centre is the best (lowest total cost) of a few candidates drawn
/// with probability proportional to the squared distance to the nearest centre so far. Stops
/// early when every point coincides with a centre (fewer distinct points than `k`).
fn seed(points: &Points, k: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f32>> {
    let n = points.len();
    let mut centroids = Vec::with_capacity(k);
    if n == 0 || k == 0 {
        return centroids;
    }
    let first = rng.gen_range(0..n);
    centroids.push(points.row(first));
    let first_norm = points.norms.get(first).copied().unwrap_or(0.0);
    let mut closest: Vec<f32> = (0..n)
        .into_par_iter()
        .map(|i| points.distance2(i, centroids.first().map_or(&[][..], Vec::as_slice), first_norm))
        .collect();
    let trials = 2 + f64_to_usize(usize_to_f64(k).ln().floor());
    while centroids.len() < k {
        let mut best: Option<(f64, Vec<f32>, Vec<f32>)> = None;
        for _ in 0..trials {
            let Some(candidate) = sample(&closest, rng) else {
                break;
            };
            let c_norm = points.norms.get(candidate).copied().unwrap_or(0.0);
            let row = points.row(candidate);
            let updated: Vec<f32> = (0..n)
                .into_par_iter()
                .map(|i| {
                    let now = closest.get(i).copied().unwrap_or(0.0);
                    now.min(points.distance2(i, &row, c_norm))
                })
                .collect();
            let cost: f64 = updated.iter().map(|&d| f64::from(d)).sum();
            if best.as_ref().is_none_or(|(b, _, _)| cost < *b) {
                best = Some((cost, row, updated));
            }
        }
        let Some((_, row, updated)) = best else {
            break;
        };
        centroids.push(row);
        closest = updated;
    }
    centroids
}

/// One run of at most `iterations` Lloyd iterations from k-means++ seeds.
fn run(points: &Points, k: usize, iterations: usize, rng: &mut ChaCha8Rng) -> Fit {
    let n = points.len();
    let mut centroids = seed(points, k, rng);
    let mut norms: Vec<f32> = centroids.iter().map(|c| norm2(c)).collect();
    let mut assignments = vec![usize::MAX; n];
    let mut distances = vec![0f32; n];
    for _ in 0..iterations.max(1) {
        let next: Vec<(usize, f32)> = (0..n)
            .into_par_iter()
            .map(|i| nearest(points, i, &centroids, &norms))
            .collect();
        let moved = next
            .iter()
            .zip(&assignments)
            .filter(|(&(c, _), &old)| c != old)
            .count();
        for ((a, d), (c, dist)) in assignments.iter_mut().zip(distances.iter_mut()).zip(next) {
            *a = c;
            *d = dist;
        }
        if moved == 0 || (moved <= n / MOVED_SHARE && moved < n) {
            break;
        }
        // Update: each centroid is the mean of its points; an empty one takes the point that is
        // farthest from its own centroid (which then leaves that centroid).
        let width = points.width();
        let mut sums = vec![vec![0f32; width]; centroids.len()];
        let mut counts = vec![0usize; centroids.len()];
        for (i, &c) in assignments.iter().enumerate() {
            if let (Some(sum), Some(count)) = (sums.get_mut(c), counts.get_mut(c)) {
                points.add_to(i, sum);
                *count += 1;
            }
        }
        for (c, (sum, &count)) in sums.iter_mut().zip(&counts).enumerate() {
            if count > 0 {
                let inv = 1.0 / usize_to_f32(count);
                sum.iter_mut().for_each(|x| *x *= inv);
            } else if let Some((far, _)) = distances
                .iter()
                .enumerate()
                .filter(|&(_, &d)| d > 0.0)
                .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
            {
                *sum = points.row(far);
                if let (Some(a), Some(d)) = (assignments.get_mut(far), distances.get_mut(far)) {
                    *a = c;
                    *d = 0.0;
                }
            }
        }
        centroids = sums;
        norms = centroids.iter().map(|c| norm2(c)).collect();
    }
    let inertia = distances.iter().map(|&d| f64::from(d)).sum();
    Fit {
        assignments: assignments
            .into_iter()
            .map(|a| if a == usize::MAX { 0 } else { a })
            .collect(),
        centroids,
        centroid_norms: norms,
        inertia,
    }
}

/// The best (lowest inertia) of `restarts` runs of at most `iterations` Lloyd iterations with `k`
/// clusters; `k` is clamped to `1..=n`.
pub(crate) fn kmeans(points: &Points, k: usize, seed_value: u64, restarts: usize, iterations: usize) -> Fit {
    let n = points.len();
    let k = k.clamp(1, n.max(1));
    let mut rng = ChaCha8Rng::seed_from_u64(seed_value);
    let mut best: Option<Fit> = None;
    for _ in 0..restarts.max(1) {
        let fit = run(points, k, iterations, &mut rng);
        if best.as_ref().is_none_or(|b| fit.inertia < b.inertia) {
            best = Some(fit);
        }
    }
    best.unwrap_or_else(|| Fit {
        assignments: vec![0; n],
        centroids: Vec::new(),
        centroid_norms: Vec::new(),
        inertia: 0.0,
    })
}

/// The distances between every two points (row-major, `n * n`), for [`silhouette`] over many
/// clusterings of the same points.
pub(crate) fn distances(points: &Points) -> Vec<f32> {
    let n = points.len();
    (0..n)
        .into_par_iter()
        .flat_map_iter(|i| (0..n).map(move |j| points.pair_distance2(i, j).sqrt()))
        .collect()
}

/// The silhouette of a clustering of `n` points whose distances are `dist` (from
/// [`distances`]): for each point, `(b - a) / max(a, b)` with `a` its mean distance to the
/// other points of its cluster and `b` the smallest mean distance to another cluster's points
/// (0 for a point alone in its cluster), averaged. In `[-1, 1]`; higher means tighter, better
/// separated clusters.
pub(crate) fn silhouette(dist: &[f32], assignments: &[usize]) -> f64 {
    let n = assignments.len();
    let k = assignments.iter().max().map_or(0, |m| m + 1);
    if n < 2 || k < 2 {
        return 0.0;
    }
    let mut sizes = vec![0usize; k];
    for &a in assignments {
        if let Some(s) = sizes.get_mut(a) {
            *s += 1;
        }
    }
    let total: f64 = (0..n)
        .into_par_iter()
        .map(|i| {
            let own = assignments.get(i).copied().unwrap_or(0);
            let own_size = sizes.get(own).copied().unwrap_or(0);
            if own_size <= 1 {
                return 0.0;
            }
            let mut sums = vec![0f64; k];
            let row = dist.get(i * n..(i + 1) * n).unwrap_or(&[]);
            for (&d, &c) in row.iter().zip(assignments) {
                if let Some(s) = sums.get_mut(c) {
                    *s += f64::from(d);
                }
            }
            let a = sums.get(own).copied().unwrap_or(0.0) / usize_to_f64(own_size - 1);
            let b = sums
                .iter()
                .zip(&sizes)
                .enumerate()
                .filter(|&(c, (_, &size))| c != own && size > 0)
                .map(|(_, (s, &size))| s / usize_to_f64(size))
                .fold(f64::INFINITY, f64::min);
            let m = a.max(b);
            if !b.is_finite() || m <= 0.0 {
                0.0
            } else {
                (b - a) / m
            }
        })
        .sum();
    total / usize_to_f64(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intent::features::SparseVec;

    fn dense_points(rows: &[[f32; 2]]) -> Points {
        Points {
            dim: 2,
            sparse_dim: 0,
            dense: rows.iter().flatten().copied().collect(),
            sparse: vec![SparseVec::default(); rows.len()],
            norms: rows.iter().map(|r| r[0] * r[0] + r[1] * r[1]).collect(),
        }
    }

    #[test]
    fn separates_two_blobs_and_is_deterministic() {
        let p = dense_points(&[
            [0.0, 0.0],
            [0.1, 0.0],
            [0.0, 0.1],
            [5.0, 5.0],
            [5.1, 5.0],
            [5.0, 5.1],
        ]);
        let fit = kmeans(&p, 2, 7, 3, MAX_ITERATIONS);
        assert_eq!(fit.assignments[0], fit.assignments[1]);
        assert_eq!(fit.assignments[0], fit.assignments[2]);
        assert_eq!(fit.assignments[3], fit.assignments[4]);
        assert_ne!(fit.assignments[0], fit.assignments[3]);
        assert!(silhouette(&distances(&p), &fit.assignments) > 0.9);
        let again = kmeans(&p, 2, 7, 3, MAX_ITERATIONS);
        assert_eq!(fit.assignments, again.assignments);
    }

    #[test]
    fn duplicates_and_too_large_k_do_not_break_it() {
        let p = dense_points(&[[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]]);
        let fit = kmeans(&p, 3, 1, 2, MAX_ITERATIONS);
        assert_eq!(fit.assignments.len(), 3);
        assert!(fit.inertia.is_finite());
        assert!(silhouette(&distances(&p), &fit.assignments).is_finite());
        let empty = dense_points(&[]);
        assert!(kmeans(&empty, 4, 1, 2, MAX_ITERATIONS).assignments.is_empty());
    }
}
