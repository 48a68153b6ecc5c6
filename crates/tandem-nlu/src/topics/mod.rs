//! Emerging topics: short customer messages the bot did not understand, grouped into clusters
//! with readable labels, so that people see what customers ask for that the bot does not know.
//!
//! [`cluster`] is pure and deterministic (the same texts and options give the same result):
//!
//! - Each message becomes a point blending the built-in static sentence encoder (distilled from
//!   all-MiniLM-L6-v2, so "pet clothing" lands near "dog coats") with TF-IDF word unigrams and
//!   bigrams learnt from the messages themselves (see [`features`]; `docs/topics.md` has the
//!   measurements that chose the blend).
//! - k-means with greedy k-means++ seeding keeps the best of several seeded restarts.
//! - Without a given k, k is the one with the best silhouette over a grid of
//!   candidates (searched on an evenly spread sample of at most [`AUTO_K_SAMPLE`] messages);
//!   when no k reaches [`MIN_SILHOUETTE`] the messages have no group structure and form one topic.
//! - Labels are one to three words of the cluster's messages, the most distinctive against the
//!   other clusters (see `labels.rs`).

pub mod eval;
pub mod features;
mod kmeans;
mod labels;

pub(crate) use labels::is_stopword;

use features::{points, Points, Representation};
use kmeans::{distances, kmeans, silhouette, Fit, MAX_ITERATIONS};

/// Restarts of k-means (each seeded by k-means++ from the same generator); the lowest inertia wins.
const RESTARTS: usize = 5;
/// Restarts per candidate while searching k.
const SEARCH_RESTARTS: usize = 1;
/// Lloyd iterations per candidate while searching k (the silhouette hardly moves after these).
const SEARCH_ITERATIONS: usize = 25;
/// k is searched on at most this many messages (spread evenly over the input).
pub const AUTO_K_SAMPLE: usize = 1_000;
/// The best silhouette must reach this for the messages to be split at all.
pub const MIN_SILHOUETTE: f64 = 0.02;
/// The largest k the automatic choice considers.
const MAX_AUTO_K: usize = 150;

/// How to cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicOptions {
    /// The number of clusters; `None` chooses it (see the module documentation). A k above the
    /// number of distinct messages gives fewer clusters.
    pub k: Option<usize>,
    /// Seeds the k-means++ choices (the result is deterministic for a given seed).
    pub seed: u64,
}

impl Default for TopicOptions {
    fn default() -> Self {
        TopicOptions { k: None, seed: 19 }
    }
}

/// One topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// Its position in [`Clustering::clusters`] (largest first).
    pub id: usize,
    /// One to three lower-case words found verbatim in its messages.
    pub label: String,
    pub size: usize,
    /// Indexes of its messages in the input, most typical (closest to the centre) first.
    pub members: Vec<usize>,
}

/// The topics of a set of messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Clustering {
    /// `assignments[i]` is the id of the cluster of message `i`.
    pub assignments: Vec<usize>,
    /// Largest first; ties by their first message.
    pub clusters: Vec<Cluster>,
}

/// Groups `texts` into topics (see the module documentation). Never panics: no text gives no
/// cluster, one text one cluster.
pub fn cluster(texts: &[&str], options: &TopicOptions) -> Clustering {
    let p = points(texts, Representation::Tandem);
    let k = match options.k {
        Some(k) => k,
        None => choose_k(&p, options.seed).0,
    };
    let fit = fit_points(&p, k, options.seed);
    finish(texts, &p, &fit)
}

/// k-means on `points` with the module's restarts (k clamped to `1..=n`).
pub(crate) fn fit_points(points: &Points, k: usize, seed: u64) -> Fit {
    kmeans(points, k, seed, RESTARTS, MAX_ITERATIONS)
}

/// The candidates for k with `n` messages: every k up to 10, then steps of about 25%.
fn candidates(n: usize) -> Vec<usize> {
    let max = (n / 2).min(MAX_AUTO_K);
    let mut out = Vec::new();
    let mut k = 2usize;
    while k <= max {
        out.push(k);
        k = if k < 10 { k + 1 } else { k + k.div_ceil(4) };
    }
    out
}

/// The k with the best silhouette (1 when none reaches [`MIN_SILHOUETTE`] or there
/// are too few messages to compare), and every candidate's silhouette.
pub(crate) fn choose_k(points: &Points, seed: u64) -> (usize, Vec<(usize, f64)>) {
    let n = points.len();
    let sample: Vec<usize> = if n > AUTO_K_SAMPLE {
        (0..AUTO_K_SAMPLE).map(|i| i * n / AUTO_K_SAMPLE).collect()
    } else {
        (0..n).collect()
    };
    let p = points.subset(&sample);
    let dist = distances(&p);
    let scores: Vec<(usize, f64)> = candidates(p.len())
        .into_iter()
        .map(|k| {
            let fit = kmeans(&p, k, seed, SEARCH_RESTARTS, SEARCH_ITERATIONS);
            (k, silhouette(&dist, &fit.assignments))
        })
        .collect();
    let best = scores
        .iter()
        .filter(|(_, s)| *s >= MIN_SILHOUETTE)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map_or(1, |&(k, _)| k);
    (best, scores)
}

/// Renumbers the fit's non-empty clusters by size, orders members by typicality and labels them.
pub(crate) fn finish(texts: &[&str], points: &Points, fit: &Fit) -> Clustering {
    let n = texts.len().min(fit.assignments.len());
    let groups = fit.centroids.len().max(1);
    let mut members: Vec<Vec<(f32, usize)>> = vec![Vec::new(); groups];
    for (i, &c) in fit.assignments.iter().enumerate().take(n) {
        let d = match (fit.centroids.get(c), fit.centroid_norms.get(c)) {
            (Some(centroid), Some(&cn)) => points.distance2(i, centroid, cn),
            _ => 0.0,
        };
        if let Some(m) = members.get_mut(c) {
            m.push((d, i));
        }
    }
    let mut groups: Vec<Vec<usize>> = members
        .into_iter()
        .filter(|m| !m.is_empty())
        .map(|mut m| {
            m.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            m.into_iter().map(|(_, i)| i).collect()
        })
        .collect();
    groups.sort_by(|a: &Vec<usize>, b: &Vec<usize>| {
        b.len().cmp(&a.len()).then(a.iter().min().cmp(&b.iter().min()))
    });
    let names = labels::labels(texts, &groups);
    let mut assignments = vec![0usize; n];
    for (id, rows) in groups.iter().enumerate() {
        for &r in rows {
            if let Some(a) = assignments.get_mut(r) {
                *a = id;
            }
        }
    }
    let clusters = groups
        .into_iter()
        .zip(names)
        .enumerate()
        .map(|(id, (members, label))| Cluster {
            id,
            label,
            size: members.len(),
            members,
        })
        .collect();
    Clustering {
        assignments,
        clusters,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_inputs_do_not_panic() {
        let none = cluster(&[], &TopicOptions::default());
        assert!(none.assignments.is_empty() && none.clusters.is_empty());
        let one = cluster(&["where is my parcel"], &TopicOptions::default());
        assert_eq!(one.assignments, vec![0]);
        assert_eq!(one.clusters.len(), 1);
        assert_eq!(one.clusters[0].members, vec![0]);
        let two = cluster(
            &["where is my parcel", "reset my password"],
            &TopicOptions::default(),
        );
        assert_eq!(two.assignments.len(), 2);
        let dup = cluster(&["same", "same", "same"], &TopicOptions { k: Some(3), seed: 1 });
        assert_eq!(dup.assignments, vec![0, 0, 0]);
        assert_eq!(dup.clusters.len(), 1);
        assert_eq!(dup.clusters[0].size, 3);
        let blank = cluster(&["", "  ", "?"], &TopicOptions::default());
        assert_eq!(blank.assignments.len(), 3);
        assert!(blank.clusters.iter().all(|c| !c.label.is_empty()));
    }

    #[test]
    fn candidates_grow_and_stay_below_half_the_messages() {
        assert!(candidates(3).is_empty());
        assert_eq!(candidates(12), vec![2, 3, 4, 5, 6]);
        let big = candidates(3_000);
        assert_eq!(big.first(), Some(&2));
        assert!(big.windows(2).all(|w| w[0] < w[1]));
        assert!(*big.last().unwrap() <= MAX_AUTO_K);
    }

    #[test]
    fn sizes_ids_and_assignments_agree() {
        let texts = [
            "my card was declined at the shop",
            "card declined when paying",
            "why was my card declined",
            "how do I change my address",
            "update my home address please",
            "I moved, new address",
        ];
        let c = cluster(&texts, &TopicOptions { k: Some(2), seed: 3 });
        assert_eq!(c.clusters.len(), 2);
        for (id, cl) in c.clusters.iter().enumerate() {
            assert_eq!(cl.id, id);
            assert_eq!(cl.size, cl.members.len());
            assert!(cl.members.iter().all(|&m| c.assignments[m] == id));
        }
        assert!(c.clusters[0].size >= c.clusters[1].size);
        assert_eq!(c, cluster(&texts, &TopicOptions { k: Some(2), seed: 3 }));
    }
}
