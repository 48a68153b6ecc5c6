//! Clustering metrics against reference labels: accuracy under the best one-to-one mapping of
//! clusters to labels (Hungarian method), normalised mutual information (arithmetic-mean
//! normalisation, as scikit-learn's default) and the adjusted Rand index.
//!
//! Both inputs are sequences of small integer ids (cluster ids and label ids, any numbering);
//! only the pairs up to the shorter length are compared. Empty input scores 0 everywhere except
//! where the definition gives 1 (two trivial partitions agree perfectly).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::num::u64_to_f64;

/// The three scores of one clustering.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClusteringScores {
    /// Share of items whose cluster maps to their label under the best one-to-one mapping.
    pub accuracy: f64,
    /// Normalised mutual information, in `[0, 1]`.
    pub nmi: f64,
    /// Adjusted Rand index: 0 for chance agreement, 1 for identical partitions.
    pub ari: f64,
}

/// All three scores of `found` (cluster ids) against `truth` (label ids).
pub fn score(truth: &[usize], found: &[usize]) -> ClusteringScores {
    let table = Contingency::new(truth, found);
    ClusteringScores {
        accuracy: table.accuracy(),
        nmi: table.nmi(),
        ari: table.ari(),
    }
}

/// Clustering accuracy: the best one-to-one mapping of clusters to labels.
pub fn accuracy(truth: &[usize], found: &[usize]) -> f64 {
    Contingency::new(truth, found).accuracy()
}

/// Normalised mutual information (arithmetic mean of the two entropies as normaliser).
pub fn nmi(truth: &[usize], found: &[usize]) -> f64 {
    Contingency::new(truth, found).nmi()
}

/// Adjusted Rand index.
pub fn ari(truth: &[usize], found: &[usize]) -> f64 {
    Contingency::new(truth, found).ari()
}

/// Counts of (label, cluster) pairs, both renumbered densely in order of first appearance.
struct Contingency {
    labels: usize,
    clusters: usize,
    /// Row-major `counts[label * clusters + cluster]`.
    counts: Vec<u64>,
    n: u64,
}

fn dense_ids(ids: impl Iterator<Item = usize>) -> (Vec<usize>, usize) {
    let mut map: HashMap<usize, usize> = HashMap::new();
    let out: Vec<usize> = ids
        .map(|id| {
            let next = map.len();
            *map.entry(id).or_insert(next)
        })
        .collect();
    (out, map.len())
}

impl Contingency {
    fn new(truth: &[usize], found: &[usize]) -> Self {
        let len = truth.len().min(found.len());
        let (t, labels) = dense_ids(truth.iter().take(len).copied());
        let (f, clusters) = dense_ids(found.iter().take(len).copied());
        let mut counts = vec![0u64; labels * clusters];
        for (&a, &b) in t.iter().zip(&f) {
            if let Some(c) = counts.get_mut(a * clusters + b) {
                *c += 1;
            }
        }
        Contingency {
            labels,
            clusters,
            counts,
            n: crate::num::usize_to_u64(len),
        }
    }

    fn get(&self, label: usize, cluster: usize) -> u64 {
        self.counts
            .get(label * self.clusters + cluster)
            .copied()
            .unwrap_or(0)
    }

    fn label_sums(&self) -> Vec<u64> {
        (0..self.labels)
            .map(|l| (0..self.clusters).map(|c| self.get(l, c)).sum())
            .collect()
    }

    fn cluster_sums(&self) -> Vec<u64> {
        (0..self.clusters)
            .map(|c| (0..self.labels).map(|l| self.get(l, c)).sum())
            .collect()
    }

    fn accuracy(&self) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let size = self.labels.max(self.clusters);
        // Hungarian minimises a cost: the cost of pairing is minus the count.
        let cost: Vec<i64> = (0..size * size)
            .map(|i| {
                let (l, c) = (i / size, i % size);
                -i64::try_from(self.get(l, c)).unwrap_or(i64::MAX)
            })
            .collect();
        let assignment = hungarian(&cost, size);
        let matched: u64 = assignment.iter().enumerate().map(|(l, &c)| self.get(l, c)).sum();
        u64_to_f64(matched) / u64_to_f64(self.n)
    }

    fn nmi(&self) -> f64 {
        if self.labels <= 1 && self.clusters <= 1 {
            // Two trivial partitions (or nothing at all) agree perfectly, as scikit-learn says.
            return 1.0;
        }
        let n = u64_to_f64(self.n);
        let entropy = |sums: &[u64]| -> f64 {
            sums.iter()
                .filter(|&&s| s > 0)
                .map(|&s| {
                    let p = u64_to_f64(s) / n;
                    -p * p.ln()
                })
                .sum()
        };
        let (ls, cs) = (self.label_sums(), self.cluster_sums());
        let (hl, hc) = (entropy(&ls), entropy(&cs));
        let mut mi = 0.0;
        for (l, &a) in ls.iter().enumerate() {
            for (c, &b) in cs.iter().enumerate() {
                let nij = self.get(l, c);
                if nij > 0 {
                    let nij = u64_to_f64(nij);
                    mi += nij / n * (n * nij / (u64_to_f64(a) * u64_to_f64(b))).ln();
                }
            }
        }
        let norm = (hl + hc) / 2.0;
        if norm <= 0.0 || !mi.is_finite() {
            return 0.0;
        }
        (mi / norm).clamp(0.0, 1.0)
    }

    fn ari(&self) -> f64 {
        let pairs = |x: u64| {
            let x = u64_to_f64(x);
            x * (x - 1.0) / 2.0
        };
        let index: f64 = self.counts.iter().map(|&c| pairs(c)).sum();
        let a: f64 = self.label_sums().into_iter().map(pairs).sum();
        let b: f64 = self.cluster_sums().into_iter().map(pairs).sum();
        let total = pairs(self.n);
        if total <= 0.0 {
            return 1.0;
        }
        let expected = a * b / total;
        let max = (a + b) / 2.0;
        if (max - expected).abs() < 1e-12 {
            // Both partitions are all-in-one or all-singletons: scikit-learn's convention.
            return 1.0;
        }
        (index - expected) / (max - expected)
    }
}

/// The Hungarian method (Kuhn-Munkres with potentials, O(n³)) on a square `size` × `size` cost
/// matrix in row-major order: `out[row]` is the column given to `row`, minimising the total cost.
pub fn hungarian(cost: &[i64], size: usize) -> Vec<usize> {
    let at = |r: usize, c: usize| cost.get(r * size + c).copied().unwrap_or(0);
    // 1-based as in the textbook formulation; index 0 is the virtual start column.
    let mut u = vec![0i64; size + 1];
    let mut v = vec![0i64; size + 1];
    let mut row_of = vec![0usize; size + 1];
    let mut way = vec![0usize; size + 1];
    for row in 1..=size {
        if let Some(r) = row_of.get_mut(0) {
            *r = row;
        }
        let mut col0 = 0usize;
        let mut min_v = vec![i64::MAX; size + 1];
        let mut used = vec![false; size + 1];
        loop {
            if let Some(u0) = used.get_mut(col0) {
                *u0 = true;
            }
            let row0 = row_of.get(col0).copied().unwrap_or(0);
            let mut delta = i64::MAX;
            let mut col1 = 0usize;
            for col in 1..=size {
                if used.get(col).copied().unwrap_or(true) {
                    continue;
                }
                let reduced = at(row0.saturating_sub(1), col - 1)
                    .saturating_sub(u.get(row0).copied().unwrap_or(0))
                    .saturating_sub(v.get(col).copied().unwrap_or(0));
                if let (Some(m), Some(w)) = (min_v.get_mut(col), way.get_mut(col)) {
                    if reduced < *m {
                        *m = reduced;
                        *w = col0;
                    }
                    if *m < delta {
                        delta = *m;
                        col1 = col;
                    }
                }
            }
            for col in 0..=size {
                let is_used = used.get(col).copied().unwrap_or(false);
                if is_used {
                    let r = row_of.get(col).copied().unwrap_or(0);
                    if let Some(ur) = u.get_mut(r) {
                        *ur = ur.saturating_add(delta);
                    }
                    if let Some(vc) = v.get_mut(col) {
                        *vc = vc.saturating_sub(delta);
                    }
                } else if let Some(m) = min_v.get_mut(col) {
                    *m = m.saturating_sub(delta);
                }
            }
            col0 = col1;
            if col0 == 0 || row_of.get(col0).copied().unwrap_or(0) == 0 {
                break;
            }
        }
        // Walk the augmenting path back.
        while col0 != 0 {
            let col1 = way.get(col0).copied().unwrap_or(0);
            let r = row_of.get(col1).copied().unwrap_or(0);
            if let Some(slot) = row_of.get_mut(col0) {
                *slot = r;
            }
            col0 = col1;
        }
    }
    let mut out = vec![0usize; size];
    for col in 1..=size {
        let row = row_of.get(col).copied().unwrap_or(0);
        if row >= 1 {
            if let Some(o) = out.get_mut(row - 1) {
                *o = col - 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn identical_partitions_score_one_whatever_the_numbering() {
        let truth = [0, 0, 1, 1, 2, 2];
        let found = [5, 5, 3, 3, 9, 9];
        let s = score(&truth, &found);
        assert!(
            close(s.accuracy, 1.0) && close(s.nmi, 1.0) && close(s.ari, 1.0),
            "{s:?}"
        );
    }

    #[test]
    fn known_small_cases_match_scikit_learn() {
        // sklearn: normalized_mutual_info_score([0,0,1,1],[0,0,1,2]) = 0.8, ARI = 0.5714285714.
        let s = score(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!(close(s.nmi, 0.8), "{s:?}");
        assert!(close(s.ari, 4.0 / 7.0), "{s:?}");
        assert!(close(s.accuracy, 0.75), "{s:?}");
        // sklearn: ARI([0,0,0,1,1,1],[0,0,1,1,2,2]) = 0.24242424, NMI = 0.51580374.
        let s = score(&[0, 0, 0, 1, 1, 1], &[0, 0, 1, 1, 2, 2]);
        assert!((s.ari - 0.242_424_242_4).abs() < 1e-6, "{s:?}");
        assert!((s.nmi - 0.515_803_74).abs() < 1e-6, "{s:?}");
        assert!(close(s.accuracy, 4.0 / 6.0), "{s:?}");
        // Independent partitions: ARI is negative here (sklearn: -0.5), NMI 0.
        let s = score(&[0, 0, 1, 1], &[0, 1, 0, 1]);
        assert!(close(s.ari, -0.5), "{s:?}");
        assert!(close(s.nmi, 0.0), "{s:?}");
        assert!(close(s.accuracy, 0.5), "{s:?}");
    }

    #[test]
    fn accuracy_uses_the_best_one_to_one_mapping() {
        // A greedy mapping would give cluster 0 to label 0 (3 items) and then lose on the rest;
        // the best mapping takes label 1 for cluster 0 and label 0 for cluster 1.
        let truth = [0, 0, 0, 1, 1, 1, 1, 0, 0];
        let found = [0, 0, 0, 0, 0, 0, 0, 1, 1];
        assert!(close(accuracy(&truth, &found), 6.0 / 9.0));
        // More clusters than labels: the extra cluster counts as wrong.
        assert!(close(accuracy(&[0, 0, 1, 1], &[0, 1, 2, 3]), 0.5));
    }

    #[test]
    fn hungarian_finds_the_cheapest_assignment() {
        let cost = [4, 1, 3, 2, 0, 5, 3, 2, 2];
        let a = hungarian(&cost, 3);
        let total: i64 = a.iter().enumerate().map(|(r, &c)| cost[r * 3 + c]).sum();
        assert_eq!(total, 5);
        assert!(hungarian(&[], 0).is_empty());
    }

    #[test]
    fn degenerate_inputs_do_not_panic_or_give_nan() {
        for (t, f) in [
            (vec![], vec![]),
            (vec![0], vec![0]),
            (vec![0, 0], vec![1, 1]),
            (vec![0, 1], vec![0]),
        ] {
            let s = score(&t, &f);
            assert!(
                s.accuracy.is_finite() && s.nmi.is_finite() && s.ari.is_finite(),
                "{s:?}"
            );
        }
        assert!(close(nmi(&[0, 0], &[1, 1]), 1.0));
        assert!(close(ari(&[0, 0, 1], &[3, 3, 4]), 1.0));
    }
}
