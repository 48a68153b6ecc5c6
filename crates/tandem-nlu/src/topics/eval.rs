//! Measuring topic clustering against labelled messages (an intent data set with one label per
//! message): clustering accuracy, NMI and ARI of each method at a given k (the mean over several
//! seeds), and what the automatic choice of k picks with Tandem's method and how it scores there.

use std::collections::HashMap;
use std::time::Instant;

use serde::Serialize;

use super::features::{encoder_points, points, Points, Representation};
use super::{choose_k, fit_points};
use crate::dense::DenseEncoder;
use crate::metrics::clustering::{score, ClusteringScores};
use crate::num::usize_to_f64;

/// One method's figures.
#[derive(Debug, Clone, Serialize)]
pub struct MethodReport {
    pub method: String,
    pub k: usize,
    /// Means over the seeds.
    pub scores: ClusteringScores,
    /// Mean seconds per clustering (embedding the messages included once).
    pub seconds: f64,
}

/// The whole evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct TopicsEval {
    pub messages: usize,
    pub labels: usize,
    pub seeds: usize,
    /// At the given k (default: the number of labels).
    pub methods: Vec<MethodReport>,
    /// The k Tandem's automatic choice picks, and the silhouette of every candidate.
    pub auto_k: usize,
    pub silhouettes: Vec<(usize, f64)>,
    /// Tandem's method at the automatic k (first seed).
    pub auto: ClusteringScores,
}

/// Dense label ids of `labels`, in order of first appearance, and how many there are.
pub fn label_ids(labels: &[&str]) -> (Vec<usize>, usize) {
    let mut map: HashMap<&str, usize> = HashMap::new();
    let ids = labels
        .iter()
        .map(|l| {
            let next = map.len();
            *map.entry(l).or_insert(next)
        })
        .collect();
    (ids, map.len())
}

fn mean(scores: &[ClusteringScores]) -> ClusteringScores {
    let n = usize_to_f64(scores.len().max(1));
    ClusteringScores {
        accuracy: scores.iter().map(|s| s.accuracy).sum::<f64>() / n,
        nmi: scores.iter().map(|s| s.nmi).sum::<f64>() / n,
        ari: scores.iter().map(|s| s.ari).sum::<f64>() / n,
    }
}

fn measure(
    name: &str,
    p: &Points,
    embed_seconds: f64,
    truth: &[usize],
    k: usize,
    seeds: usize,
) -> MethodReport {
    let started = Instant::now();
    let runs: Vec<ClusteringScores> = (0..seeds.max(1))
        .map(|s| score(truth, &fit_points(p, k, crate::num::usize_to_u64(s)).assignments))
        .collect();
    MethodReport {
        method: name.to_owned(),
        k,
        scores: mean(&runs),
        seconds: embed_seconds + started.elapsed().as_secs_f64() / usize_to_f64(seeds.max(1)),
    }
}

/// Measures TF-IDF + k-means, static-embedding + k-means, Tandem's method and, when given, other
/// encoders + k-means (`extra`: name and encoder) on `texts` with reference `labels`, at `k`
/// (default: the number of labels), each the mean over `seeds` seeds.
pub fn evaluate(
    texts: &[&str],
    labels: &[&str],
    k: Option<usize>,
    seeds: usize,
    extra: &[(&str, &dyn DenseEncoder)],
) -> TopicsEval {
    let (truth, n_labels) = label_ids(labels);
    let k = k.unwrap_or(n_labels).max(1);
    let mut methods = Vec::new();
    let mut tandem_points = None;
    for repr in [
        Representation::TfIdf,
        Representation::Static,
        Representation::Tandem,
    ] {
        let started = Instant::now();
        let p = points(texts, repr);
        let embed = started.elapsed().as_secs_f64();
        methods.push(measure(repr.name(), &p, embed, &truth, k, seeds));
        if repr == Representation::Tandem {
            tandem_points = Some(p);
        }
    }
    for &(name, encoder) in extra {
        let started = Instant::now();
        if let Some(p) = encoder_points(encoder, texts) {
            let embed = started.elapsed().as_secs_f64();
            methods.push(measure(&format!("{name}+kmeans"), &p, embed, &truth, k, seeds));
        }
    }
    let p = tandem_points.unwrap_or_default();
    let (auto_k, silhouettes) = choose_k(&p, 0);
    let auto = score(&truth, &fit_points(&p, auto_k, 0).assignments);
    TopicsEval {
        messages: texts.len(),
        labels: n_labels,
        seeds: seeds.max(1),
        methods,
        auto_k,
        silhouettes,
        auto,
    }
}
