//! The out-of-scope threshold: samples of held-out scores, and, without out-of-scope examples,
//! intents held out to play the unseen ones.

use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::super::calibrate::{balanced_threshold, fit_temperature, softmax_in_place, OosSample};
use super::fit::{argmax, fit, held_scores, Blocks, Prepared};
use super::search::{blend, example_index, similarities};
use super::TrainOptions;
use crate::num::{f64_to_usize, u32_to_usize, usize_to_f64, usize_to_u32};

/// The threshold sample of raw scores: probabilities with the temperature, the out-of-scope class
/// (if any) forcing a rejection when it wins.
pub(super) fn sample(
    scores: &[f32],
    temperature: f32,
    oos: Option<usize>,
    truth: Option<usize>,
) -> OosSample {
    let mut p = scores.to_vec();
    softmax_in_place(&mut p, temperature);
    let best = argmax(&p);
    let forced = oos == Some(best);
    let best_in = p.iter().enumerate().filter(|&(c, _)| Some(c) != oos).fold(
        (usize::MAX, f32::NEG_INFINITY),
        |acc, (c, &v)| if v > acc.1 { (c, v) } else { acc },
    );
    let is_oos = truth.is_none() || (oos.is_some() && truth == oos);
    OosSample {
        top_probability: if forced { -1.0 } else { best_in.1 },
        top_is_correct: !forced && truth == Some(best_in.0),
        is_oos,
    }
}

/// No out-of-scope examples: hold some intents out entirely, train on the others, and pick the
/// threshold that best separates the held-out examples of known intents from the unseen intents
/// (the caller bounds it by the target rate of in-scope rejections).
#[allow(clippy::too_many_arguments)]
pub(super) fn pseudo_oos_threshold(
    prep: &Prepared<'_>,
    train_rows: &[usize],
    held_rows: &[usize],
    n_classes: usize,
    options: &TrainOptions,
    blocks: &Blocks,
    c: f64,
    neighbour_weight: f32,
    rng: &mut ChaCha8Rng,
) -> f32 {
    let mut classes: Vec<u32> = (0..usize_to_u32(n_classes)).collect();
    classes.shuffle(rng);
    let n_out =
        f64_to_usize((usize_to_f64(n_classes) * options.pseudo_oos_fraction).round()).clamp(1, n_classes - 2);
    let mut out = vec![false; n_classes];
    for &c in classes.iter().take(n_out) {
        if let Some(o) = out.get_mut(u32_to_usize(c)) {
            *o = true;
        }
    }
    // Known classes re-indexed densely.
    let mut remap = vec![u32::MAX; n_classes];
    let mut next = 0u32;
    for (r, &held_out) in remap.iter_mut().zip(&out) {
        if !held_out {
            *r = next;
            next += 1;
        }
    }
    let is_out = |i: usize| out.get(u32_to_usize(prep.label(i))).copied().unwrap_or(false);
    let rows: Vec<usize> = train_rows.iter().copied().filter(|&i| !is_out(i)).collect();
    let label_of = |i: usize| {
        remap
            .get(u32_to_usize(prep.label(i)))
            .copied()
            .unwrap_or(u32::MAX)
    };
    let n_known = u32_to_usize(next);
    let fitted = fit(prep, &rows, &label_of, n_known, options, blocks, c);
    let known_held: Vec<usize> = held_rows.iter().copied().filter(|&i| !is_out(i)).collect();
    let unseen: Vec<usize> = (0..prep.texts.len()).filter(|&i| is_out(i)).collect();
    let mut known_scores = held_scores(&fitted, prep, &known_held, blocks);
    let mut unseen_scores = held_scores(&fitted, prep, &unseen, blocks);
    if neighbour_weight > 0.0 {
        if let Some(index) = example_index(prep, &rows, &label_of) {
            known_scores = blend(
                &known_scores,
                &similarities(&index, prep, &known_held, n_known),
                neighbour_weight,
            );
            unseen_scores = blend(
                &unseen_scores,
                &similarities(&index, prep, &unseen, n_known),
                neighbour_weight,
            );
        }
    }
    let truth: Vec<usize> = known_held.iter().map(|&i| u32_to_usize(label_of(i))).collect();
    let temperature = fit_temperature(&known_scores, &truth);
    let mut samples: Vec<OosSample> = known_scores
        .iter()
        .zip(&truth)
        .map(|(s, &t)| sample(s, temperature, None, Some(t)))
        .collect();
    samples.extend(unseen_scores.iter().map(|s| sample(s, temperature, None, None)));
    balanced_threshold(&samples)
}
