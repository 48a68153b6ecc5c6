//! Ranking metrics for scores against binary labels: ROC AUC (ties counted as half), average
//! precision and the best F1 over thresholds.
//!
//! Conventions: a higher score means "more likely positive"; at threshold `t` an example is
//! predicted positive when `score >= t`. Examples with equal scores are always treated as one
//! block (never ordered arbitrarily), so the results do not depend on the input order.

use serde::{Deserialize, Serialize};

use crate::num::usize_to_f64;

/// Why a ranking metric cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RankingError {
    #[error("{scores} scores but {labels} labels")]
    LengthMismatch { scores: usize, labels: usize },
    #[error("no examples")]
    Empty,
    #[error("no positive examples")]
    NoPositives,
    #[error("no negative examples")]
    NoNegatives,
    #[error("score {index} is not a finite number")]
    NotFinite { index: usize },
}

/// The best F1 over all thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BestF1 {
    pub f1: f64,
    /// Predict positive when `score >= threshold`.
    pub threshold: f64,
    pub precision: f64,
    pub recall: f64,
}

/// Everything `tandem signals eval` reports about a ranking.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RankingSummary {
    pub examples: usize,
    pub positives: usize,
    pub roc_auc: f64,
    pub average_precision: f64,
    pub best_f1: BestF1,
}

/// One block of tied scores, in descending score order: (score, positives, negatives).
type Block = (f64, usize, usize);

/// Validates the input and groups it into tie blocks, highest score first.
fn blocks(scores: &[f64], labels: &[bool]) -> Result<(Vec<Block>, usize, usize), RankingError> {
    if scores.len() != labels.len() {
        return Err(RankingError::LengthMismatch {
            scores: scores.len(),
            labels: labels.len(),
        });
    }
    if scores.is_empty() {
        return Err(RankingError::Empty);
    }
    if let Some(index) = scores.iter().position(|s| !s.is_finite()) {
        return Err(RankingError::NotFinite { index });
    }
    let positives = labels.iter().filter(|&&l| l).count();
    let negatives = labels.len() - positives;
    if positives == 0 {
        return Err(RankingError::NoPositives);
    }
    if negatives == 0 {
        return Err(RankingError::NoNegatives);
    }
    // A stable sort: tied scores keep their input order.
    let mut order: Vec<(f64, bool)> = scores.iter().copied().zip(labels.iter().copied()).collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<Block> = Vec::new();
    for (s, l) in order {
        match out.last_mut() {
            // `==` so that 0.0 and -0.0 tie.
            Some(last) if last.0 == s => {
                if l {
                    last.1 += 1;
                } else {
                    last.2 += 1;
                }
            }
            _ => out.push((s, usize::from(l), usize::from(!l))),
        }
    }
    Ok((out, positives, negatives))
}

/// Area under the ROC curve: the probability that a random positive scores above a random
/// negative, ties counting one half (the Mann–Whitney U statistic divided by P·N).
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> Result<f64, RankingError> {
    let (blocks, p, n) = blocks(scores, labels)?;
    Ok(auc_of(&blocks, p, n))
}

fn auc_of(blocks: &[Block], p: usize, n: usize) -> f64 {
    // Walk from the highest score down: each positive beats every negative below its block and
    // ties with the negatives in its block.
    let mut negatives_below = usize_to_f64(n);
    let mut wins = 0.0f64;
    for &(_, bp, bn) in blocks {
        negatives_below -= usize_to_f64(bn);
        wins += usize_to_f64(bp) * (negatives_below + 0.5 * usize_to_f64(bn));
    }
    wins / (usize_to_f64(p) * usize_to_f64(n))
}

/// Average precision: `Σ (R_k − R_{k−1}) · P_k` over the distinct thresholds from the highest
/// down (the step-wise area under the precision–recall curve, as in scikit-learn).
pub fn average_precision(scores: &[f64], labels: &[bool]) -> Result<f64, RankingError> {
    let (blocks, p, _) = blocks(scores, labels)?;
    Ok(ap_of(&blocks, p))
}

fn ap_of(blocks: &[Block], p: usize) -> f64 {
    let (mut tp, mut fp, mut ap) = (0usize, 0usize, 0.0f64);
    for &(_, bp, bn) in blocks {
        tp += bp;
        fp += bn;
        if bp > 0 {
            ap += (usize_to_f64(bp) / usize_to_f64(p)) * (usize_to_f64(tp) / usize_to_f64(tp + fp));
        }
    }
    ap
}

/// The threshold with the highest F1 (the highest such threshold when several tie).
pub fn best_f1(scores: &[f64], labels: &[bool]) -> Result<BestF1, RankingError> {
    let (blocks, p, _) = blocks(scores, labels)?;
    Ok(best_f1_of(&blocks, p))
}

fn best_f1_of(blocks: &[Block], p: usize) -> BestF1 {
    let mut best = BestF1 {
        f1: 0.0,
        threshold: blocks.first().map_or(0.0, |b| b.0),
        precision: 0.0,
        recall: 0.0,
    };
    let (mut tp, mut fp) = (0usize, 0usize);
    for &(score, bp, bn) in blocks {
        tp += bp;
        fp += bn;
        if tp == 0 {
            continue;
        }
        let precision = usize_to_f64(tp) / usize_to_f64(tp + fp);
        let recall = usize_to_f64(tp) / usize_to_f64(p);
        let f1 = 2.0 * precision * recall / (precision + recall);
        if f1 > best.f1 {
            best = BestF1 {
                f1,
                threshold: score,
                precision,
                recall,
            };
        }
    }
    best
}

/// ROC AUC, average precision and best F1 in one pass over the sorted scores.
pub fn summarize(scores: &[f64], labels: &[bool]) -> Result<RankingSummary, RankingError> {
    let (blocks, p, n) = blocks(scores, labels)?;
    Ok(RankingSummary {
        examples: p + n,
        positives: p,
        roc_auc: auc_of(&blocks, p, n),
        average_precision: ap_of(&blocks, p),
        best_f1: best_f1_of(&blocks, p),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn auc_of_perfect_inverted_and_constant_scores() {
        let labels = [true, true, false, false];
        assert!(close(roc_auc(&[0.9, 0.8, 0.2, 0.1], &labels).unwrap(), 1.0));
        assert!(close(roc_auc(&[0.1, 0.2, 0.8, 0.9], &labels).unwrap(), 0.0));
        assert!(close(roc_auc(&[0.5; 4], &labels).unwrap(), 0.5));
    }

    #[test]
    fn auc_counts_ties_as_half() {
        // Positives 0.8, 0.5; negatives 0.5, 0.2. Pairs: (0.8>0.5)=1, (0.8>0.2)=1, (0.5=0.5)=0.5, (0.5>0.2)=1.
        let auc = roc_auc(&[0.8, 0.5, 0.5, 0.2], &[true, true, false, false]).unwrap();
        assert!(close(auc, 3.5 / 4.0));
        // The order of tied examples does not matter.
        let auc2 = roc_auc(&[0.5, 0.8, 0.2, 0.5], &[false, true, false, true]).unwrap();
        assert!(close(auc, auc2));
    }

    #[test]
    fn average_precision_matches_hand_computation() {
        // Ranked: +, -, +, -  -> precision at the positives 1/1 and 2/3: AP = (1 + 2/3) / 2.
        let ap = average_precision(&[0.9, 0.8, 0.7, 0.1], &[true, false, true, false]).unwrap();
        assert!(close(ap, (1.0 + 2.0 / 3.0) / 2.0));
        // A tie block of one positive and one negative at the top: precision 1/2 for the whole block.
        let ap = average_precision(&[0.9, 0.9, 0.1], &[true, false, false]).unwrap();
        assert!(close(ap, 0.5));
    }

    #[test]
    fn best_f1_reports_its_threshold() {
        let b = best_f1(&[0.9, 0.8, 0.7, 0.1], &[true, false, true, false]).unwrap();
        // Threshold 0.7: tp 2, fp 1 -> p 2/3, r 1, F1 0.8. Threshold 0.9: p 1, r 1/2, F1 2/3.
        assert!(close(b.f1, 0.8));
        assert!(close(b.threshold, 0.7));
        assert!(close(b.precision, 2.0 / 3.0));
        assert!(close(b.recall, 1.0));
    }

    #[test]
    fn bad_input_is_an_error() {
        assert_eq!(roc_auc(&[], &[]), Err(RankingError::Empty));
        assert_eq!(
            roc_auc(&[0.1], &[true, false]),
            Err(RankingError::LengthMismatch { scores: 1, labels: 2 })
        );
        assert_eq!(
            roc_auc(&[0.1, 0.2], &[true, true]),
            Err(RankingError::NoNegatives)
        );
        assert_eq!(
            roc_auc(&[0.1, 0.2], &[false, false]),
            Err(RankingError::NoPositives)
        );
        assert_eq!(
            roc_auc(&[0.1, f64::NAN], &[true, false]),
            Err(RankingError::NotFinite { index: 1 })
        );
    }

    #[test]
    fn summary_agrees_with_the_single_metrics() {
        let s = [0.3, 0.3, 0.9, 0.0, 0.7, 0.3];
        let l = [true, false, false, false, true, true];
        let sum = summarize(&s, &l).unwrap();
        assert_eq!((sum.examples, sum.positives), (6, 3));
        assert!(close(sum.roc_auc, roc_auc(&s, &l).unwrap()));
        assert!(close(sum.average_precision, average_precision(&s, &l).unwrap()));
        assert_eq!(sum.best_f1, best_f1(&s, &l).unwrap());
    }
}
