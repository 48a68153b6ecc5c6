//! Training: one binary logistic regression per skill (AdaGrad over the examples in a seeded
//! shuffled order, L2 on the weights an example touches), the regularisation chosen on the
//! validation split by ROC AUC, then the level cut-offs chosen on it.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::features::{self, Feats, N_DENSE};
use super::{Labelled, LearnedModel, SkillModel, HASH_BITS};
use crate::metrics::ranking;
use crate::num::{u32_to_usize, usize_to_f64};
use crate::quality::{score, Skill};

/// L2 strengths tried per skill (each with every [`EPOCHS_GRID`] entry); the pair with the best
/// validation AUC is kept.
const L2_GRID: [f64; 5] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2];
/// Passes over the training examples tried with each L2 strength.
const EPOCHS_GRID: [usize; 4] = [1, 2, 4, 8];
/// AdaGrad's base learning rate.
const LEARNING_RATE: f64 = 0.2;
const SEED: u64 = 0x7a6e_de17;
/// Level 2 starts where the validation precision reaches this.
const LEVEL2_PRECISION: f64 = 0.8;

pub(super) fn sigmoid(z: f64) -> f64 {
    let z = z.clamp(-35.0, 35.0);
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

pub(super) fn dot(weights: &[f32], bias: f32, x: &Feats) -> f64 {
    let mut z = f64::from(bias);
    for &(j, v) in &x.entries {
        z += weights.get(j).copied().map_or(0.0, f64::from) * v;
    }
    z
}

fn fit(xs: &[Feats], ys: &[bool], l2: f64, epochs: usize, n_feat: usize, seed: u64) -> (Vec<f32>, f32) {
    // (weight, sum of squared gradients)
    let mut w: Vec<(f64, f64)> = vec![(0.0, 0.0); n_feat];
    let mut bias = (0.0f64, 0.0f64);
    let mut order: Vec<usize> = (0..xs.len().min(ys.len())).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for _ in 0..epochs {
        order.shuffle(&mut rng);
        for &i in &order {
            let (Some(x), Some(&y)) = (xs.get(i), ys.get(i)) else {
                continue;
            };
            let mut z = bias.0;
            for &(j, v) in &x.entries {
                z += w.get(j).map_or(0.0, |p| p.0) * v;
            }
            let err = sigmoid(z) - if y { 1.0 } else { 0.0 };
            for &(j, v) in &x.entries {
                if let Some(p) = w.get_mut(j) {
                    let g = err * v + l2 * p.0;
                    p.1 += g * g;
                    p.0 -= LEARNING_RATE * g / (p.1.sqrt() + 1e-8);
                }
            }
            bias.1 += err * err;
            bias.0 -= LEARNING_RATE * err / (bias.1.sqrt() + 1e-8);
        }
    }
    let weights = w.into_iter().map(|p| crate::num::f64_to_f32(p.0)).collect();
    (weights, crate::num::f64_to_f32(bias.0))
}

/// Precision, recall and F1 of `p >= cut`.
fn prf(probs: &[f64], labels: &[bool], cut: f64) -> (f64, f64, f64, usize) {
    let mut tp = 0usize;
    let mut predicted = 0usize;
    let mut support = 0usize;
    for (&p, &l) in probs.iter().zip(labels) {
        let shown = p >= cut;
        predicted += usize::from(shown);
        support += usize::from(l);
        tp += usize::from(shown && l);
    }
    let (p, r, f) = crate::metrics::classification::precision_recall_f1(
        crate::num::usize_to_u64(tp),
        crate::num::usize_to_u64(predicted),
        crate::num::usize_to_u64(support),
    );
    (p, r, f, predicted)
}

/// The level-1 cut with the best F1 (ties: the higher cut) and the level-2 cut: the lowest cut
/// above it whose precision reaches [`LEVEL2_PRECISION`] on at least a few replies, else halfway
/// from the level-1 cut to 1.
fn cut_offs(probs: &[f64], labels: &[bool]) -> (f64, f64) {
    let mut cuts: Vec<f64> = probs.iter().copied().filter(|p| p.is_finite()).collect();
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let mut best = (0.5, -1.0);
    for (k, &c) in cuts.iter().enumerate() {
        let (_, _, f, _) = prf(probs, labels, c);
        if f >= best.1 {
            // Halfway down to the next lower probability, so a nearby reply falls the same way.
            let lower = k.checked_sub(1).and_then(|j| cuts.get(j)).copied().unwrap_or(0.0);
            best = ((c + lower) / 2.0, f);
        }
    }
    let level1 = best.0.clamp(0.0, 1.0);
    let min_predicted = labels.iter().filter(|&&l| l).count().clamp(1, 10);
    let level2 = cuts
        .iter()
        .copied()
        .filter(|&c| c > level1)
        .find(|&c| {
            let (p, _, _, n) = prf(probs, labels, c);
            p >= LEVEL2_PRECISION && n >= min_predicted
        })
        .unwrap_or((level1 + 1.0) / 2.0);
    (level1, level2.max(level1).clamp(0.0, 1.0))
}

/// One fit: validation AUC, L2, passes, weights, bias, validation probabilities.
struct Fitted(f64, f64, usize, Vec<f32>, f32, Vec<f64>);

struct Split {
    feats: Vec<Feats>,
    skills: Vec<Vec<Skill>>,
}

fn featurise_all(rows: &[Labelled], idf: &[f32]) -> Split {
    let (feats, skills) = rows
        .par_iter()
        .map(|r| {
            let lexicon = score(&r.context, &r.reply);
            let f = features::featurise(&r.context, &r.reply, &lexicon, idf).feats;
            (f, r.skills.clone())
        })
        .unzip();
    Split { feats, skills }
}

fn idf_of(rows: &[Labelled], dim: usize) -> Vec<f32> {
    let mut df = vec![0u32; dim];
    let per_row: Vec<Vec<usize>> = rows
        .par_iter()
        .map(|r| features::distinct_buckets(&r.reply, dim))
        .collect();
    for buckets in per_row {
        for b in buckets {
            if let Some(d) = df.get_mut(b) {
                *d = d.saturating_add(1);
            }
        }
    }
    let n = usize_to_f64(rows.len());
    df.into_iter()
        .map(|d| crate::num::f64_to_f32(((1.0 + n) / (1.0 + f64::from(d))).ln() + 1.0))
        .collect()
}

/// Trains the layer (see [`super::train`]).
pub(super) fn train(train: &[Labelled], valid: &[Labelled]) -> LearnedModel {
    let dim = u32_to_usize(1u32 << HASH_BITS);
    let idf = idf_of(train, dim);
    let tr = featurise_all(train, &idf);
    let va = featurise_all(valid, &idf);
    let n_feat = dim + N_DENSE;
    let skills: Vec<Skill> = Skill::ALL
        .into_iter()
        .filter(|s| tr.skills.iter().any(|k| k.contains(s)))
        .collect();
    let models: Vec<SkillModel> = skills
        .par_iter()
        .map(|&skill| {
            let ys: Vec<bool> = tr.skills.iter().map(|k| k.contains(&skill)).collect();
            let vys: Vec<bool> = va.skills.iter().map(|k| k.contains(&skill)).collect();
            // With no positive in the validation split the training split chooses instead.
            let use_valid = vys.iter().any(|&y| y) && vys.iter().any(|&y| !y);
            let (sel_x, sel_y) = if use_valid {
                (&va.feats, &vys)
            } else {
                (&tr.feats, &ys)
            };
            let mut best: Option<Fitted> = None;
            let grid = L2_GRID
                .iter()
                .flat_map(|&l2| EPOCHS_GRID.iter().map(move |&e| (l2, e)));
            for (k, (l2, epochs)) in grid.enumerate() {
                let seed = SEED ^ crate::num::usize_to_u64(k);
                let (w, b) = fit(&tr.feats, &ys, l2, epochs, n_feat, seed);
                let probs: Vec<f64> = sel_x.iter().map(|x| sigmoid(dot(&w, b, x))).collect();
                let auc = ranking::roc_auc(&probs, sel_y).unwrap_or(0.5);
                if best.as_ref().is_none_or(|bst| auc > bst.0) {
                    best = Some(Fitted(auc, l2, epochs, w, b, probs));
                }
            }
            let Fitted(auc, l2, epochs, weights, bias, probs) =
                best.unwrap_or_else(|| Fitted(0.5, 0.0, 0, vec![0.0; n_feat], 0.0, Vec::new()));
            let (level1, level2) = cut_offs(&probs, sel_y);
            let (precision, recall, f1, _) = prf(&probs, sel_y, level1);
            SkillModel {
                skill,
                weights,
                bias,
                level1,
                level2,
                l2,
                epochs: crate::num::usize_to_u32(epochs),
                positives: crate::num::usize_to_u64(ys.iter().filter(|&&y| y).count()),
                chosen_on_valid: use_valid,
                precision,
                recall,
                f1,
                roc_auc: auc,
            }
        })
        .collect();
    LearnedModel {
        hash_bits: HASH_BITS,
        n_dense: crate::num::usize_to_u32(N_DENSE),
        examples: crate::num::usize_to_u64(train.len()),
        idf,
        skills: models,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_offs_pick_the_best_f1() {
        let probs = [0.9, 0.8, 0.7, 0.3, 0.2, 0.1];
        let labels = [true, true, true, false, false, false];
        let (l1, l2) = cut_offs(&probs, &labels);
        assert!(l1 > 0.3 && l1 <= 0.7, "{l1}");
        assert!(l2 >= l1, "{l2}");
    }
}
