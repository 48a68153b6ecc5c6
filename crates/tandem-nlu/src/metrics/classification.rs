//! Classification metrics over class indices: confusion matrix, accuracy, per-class precision,
//! recall and F1, macro-F1 and the most confused pairs.

use serde::{Deserialize, Serialize};

use crate::num::{f64_to_usize, u64_to_f64, usize_to_f64};

/// Counts of (true class, predicted class) pairs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfusionMatrix {
    n_classes: usize,
    /// Row-major: `counts[truth * n_classes + predicted]`.
    counts: Vec<u64>,
}

/// Precision, recall and F1 of one class, and how many examples truly belong to it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: u64,
    /// How many examples were predicted as this class.
    pub predicted: u64,
}

/// `count` examples of class `truth` were predicted as `predicted`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Confusion {
    pub truth: usize,
    pub predicted: usize,
    pub count: u64,
}

/// Precision, recall and F1 of one label from its counts (each 0 when undefined).
pub fn precision_recall_f1(true_pos: u64, predicted: u64, support: u64) -> (f64, f64, f64) {
    let precision = ratio(true_pos, predicted);
    let recall = ratio(true_pos, support);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    (precision, recall, f1)
}

fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        0.0
    } else {
        u64_to_f64(num) / u64_to_f64(den)
    }
}

impl ConfusionMatrix {
    pub fn new(n_classes: usize) -> Self {
        Self {
            n_classes,
            counts: vec![0; n_classes * n_classes],
        }
    }

    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Records one example; indices outside the matrix are ignored.
    pub fn add(&mut self, truth: usize, predicted: usize) {
        if truth < self.n_classes && predicted < self.n_classes {
            if let Some(count) = self.counts.get_mut(truth * self.n_classes + predicted) {
                *count += 1;
            }
        }
    }

    pub fn get(&self, truth: usize, predicted: usize) -> u64 {
        if truth < self.n_classes && predicted < self.n_classes {
            self.counts
                .get(truth * self.n_classes + predicted)
                .copied()
                .unwrap_or(0)
        } else {
            0
        }
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    pub fn correct(&self) -> u64 {
        (0..self.n_classes).map(|c| self.get(c, c)).sum()
    }

    /// Fraction of examples predicted right (0 when empty).
    pub fn accuracy(&self) -> f64 {
        ratio(self.correct(), self.total())
    }

    /// Scores of every class (precision and recall are 0 when undefined).
    pub fn per_class(&self) -> Vec<ClassScores> {
        (0..self.n_classes)
            .map(|c| {
                let tp = self.get(c, c);
                let support: u64 = (0..self.n_classes).map(|p| self.get(c, p)).sum();
                let predicted: u64 = (0..self.n_classes).map(|t| self.get(t, c)).sum();
                let (precision, recall, f1) = precision_recall_f1(tp, predicted, support);
                ClassScores {
                    precision,
                    recall,
                    f1,
                    support,
                    predicted,
                }
            })
            .collect()
    }

    /// Mean F1 over the classes that occur as truth or as prediction.
    pub fn macro_f1(&self) -> f64 {
        let scores: Vec<ClassScores> = self
            .per_class()
            .into_iter()
            .filter(|s| s.support > 0 || s.predicted > 0)
            .collect();
        if scores.is_empty() {
            return 0.0;
        }
        scores.iter().map(|s| s.f1).sum::<f64>() / usize_to_f64(scores.len())
    }

    /// The `k` most frequent errors, most frequent first (ties by class indices).
    pub fn most_confused(&self, k: usize) -> Vec<Confusion> {
        let mut pairs: Vec<Confusion> = (0..self.n_classes)
            .flat_map(|t| (0..self.n_classes).map(move |p| (t, p)))
            .filter(|&(t, p)| t != p)
            .map(|(t, p)| Confusion {
                truth: t,
                predicted: p,
                count: self.get(t, p),
            })
            .filter(|c| c.count > 0)
            .collect();
        pairs.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(a.truth.cmp(&b.truth))
                .then(a.predicted.cmp(&b.predicted))
        });
        pairs.truncate(k);
        pairs
    }
}

/// The value below which a fraction `q` (in [0, 1]) of the sorted `values` lie (nearest rank).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = f64_to_usize((q.clamp(0.0, 1.0) * usize_to_f64(sorted.len())).ceil());
    sorted
        .get(rank.clamp(1, sorted.len()) - 1)
        .copied()
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_a_small_confusion_matrix() {
        let mut m = ConfusionMatrix::new(3);
        for (t, p) in [(0, 0), (0, 0), (0, 1), (1, 1), (2, 1), (2, 2)] {
            m.add(t, p);
        }
        m.add(7, 0); // ignored
        assert_eq!(m.total(), 6);
        assert!((m.accuracy() - 4.0 / 6.0).abs() < 1e-12);
        let s = m.per_class();
        assert!((s[0].precision - 1.0).abs() < 1e-12);
        assert!((s[0].recall - 2.0 / 3.0).abs() < 1e-12);
        assert!((s[1].precision - 1.0 / 3.0).abs() < 1e-12);
        assert!((s[1].f1 - 0.5).abs() < 1e-12);
        let expected = (0.8 + 0.5 + 2.0 / 3.0) / 3.0;
        assert!((m.macro_f1() - expected).abs() < 1e-12);
        let top = m.most_confused(1);
        assert_eq!(
            top,
            vec![Confusion {
                truth: 0,
                predicted: 1,
                count: 1
            }]
        );
        assert_eq!(m.most_confused(10).len(), 2);
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), 50.0);
        assert_eq!(percentile(&v, 0.99), 99.0);
        assert_eq!(percentile(&v, 1.0), 100.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }
}
