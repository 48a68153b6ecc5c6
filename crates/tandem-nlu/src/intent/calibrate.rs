//! Calibration on held-out data: a softmax temperature that turns raw scores into probabilities
//! (minimum negative log-likelihood), and the out-of-scope threshold on the top probability.
//!
//! The threshold is bounded by a target rate of in-scope rejections: it is never higher than the
//! top probability below which that fraction of the held-out in-scope messages falls
//! ([`rejection_rate_threshold`]). Within that bound, out-of-scope samples (labelled ones, or
//! intents held out to play unseen ones) may lower it further when rejecting does not pay
//! ([`choose_oos_threshold`]). Maximising `(in-scope accuracy + out-of-scope recall) / 2` alone
//! rejected far too many in-scope messages: on Banking77 with a quarter of the intents unseen it
//! turned away about a fifth of the known ones (docs/understanding.md).

use crate::num::{f64_to_f32, f64_to_usize, usize_to_f32, usize_to_f64};

/// `softmax(scores / temperature)` in place.
pub fn softmax_in_place(scores: &mut [f32], temperature: f32) {
    let t = if temperature.is_finite() && temperature > 0.0 {
        temperature
    } else {
        1.0
    };
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        let n = usize_to_f32(scores.len().max(1));
        scores.iter_mut().for_each(|s| *s = 1.0 / n);
        return;
    }
    let mut sum = 0.0f32;
    for s in scores.iter_mut() {
        *s = ((*s - max) / t).exp();
        sum += *s;
    }
    if sum > 0.0 {
        scores.iter_mut().for_each(|s| *s /= sum);
    }
}

/// Mean negative log-likelihood of the true classes under `softmax(scores / t)`.
fn nll(scores: &[Vec<f32>], truth: &[usize], t: f64) -> f64 {
    let mut total = 0.0;
    for (s, &y) in scores.iter().zip(truth) {
        let max = f64::from(s.iter().copied().fold(f32::NEG_INFINITY, f32::max));
        let log_sum = s
            .iter()
            .map(|&v| ((f64::from(v) - max) / t).exp())
            .sum::<f64>()
            .ln();
        let sy = s.get(y).copied().map_or(max, f64::from);
        total += log_sum - (sy - max) / t;
    }
    total / usize_to_f64(scores.len().max(1))
}

/// The temperature in [0.001, 100] that minimises the held-out negative log-likelihood
/// (golden-section search on log t). Returns 1 when there is nothing to fit on.
pub fn fit_temperature(scores: &[Vec<f32>], truth: &[usize]) -> f32 {
    if scores.is_empty() {
        return 1.0;
    }
    let (mut lo, mut hi) = ((0.001f64).ln(), (100f64).ln());
    let phi = (5f64.sqrt() - 1.0) / 2.0;
    let mut a = hi - phi * (hi - lo);
    let mut b = lo + phi * (hi - lo);
    let mut fa = nll(scores, truth, a.exp());
    let mut fb = nll(scores, truth, b.exp());
    for _ in 0..60 {
        if fa < fb {
            hi = b;
            b = a;
            fb = fa;
            a = hi - phi * (hi - lo);
            fa = nll(scores, truth, a.exp());
        } else {
            lo = a;
            a = b;
            fa = fb;
            b = lo + phi * (hi - lo);
            fb = nll(scores, truth, b.exp());
        }
    }
    f64_to_f32(((lo + hi) / 2.0).exp())
}

/// One held-out example seen by the out-of-scope threshold search: the top in-scope probability,
/// whether the top in-scope intent is right, and whether the example is really out of scope.
#[derive(Clone, Copy, Debug)]
pub struct OosSample {
    pub top_probability: f32,
    pub top_is_correct: bool,
    pub is_oos: bool,
}

/// The default target rate of in-scope rejections, [`crate::intent::TrainOptions`]'s
/// `max_in_scope_rejection`: chosen with the unknown-intent protocol on folds of the Banking77
/// training split (docs/understanding.md).
pub const DEFAULT_MAX_IN_SCOPE_REJECTION: f64 = 0.05;

/// The out-of-scope threshold: the balanced threshold ([`balanced_threshold`]) of the samples,
/// but never above the one that rejects `max_in_scope_rejection` of the in-scope samples
/// ([`rejection_rate_threshold`]). Returns 0 (never reject by threshold) without out-of-scope
/// samples.
pub fn choose_oos_threshold(samples: &[OosSample], max_in_scope_rejection: f64) -> f32 {
    balanced_threshold(samples).min(rejection_rate_threshold(samples, max_in_scope_rejection))
}

/// The threshold on the top probability (reject below it) under which a fraction `rate` of the
/// in-scope samples falls (out-of-scope samples are ignored): the `rate` quantile of their top
/// probabilities, with the midpoint plotting position (the `i`-th smallest of `n` sits at
/// `(i + 1/2) / n`, interpolated linearly in between), so that a handful of held-out messages
/// gives an unbiased cut instead of rejecting a whole message more than asked. Samples the
/// out-of-scope class already takes (top probability below 0) count as rejected. Returns 0
/// when `rate` is not positive or there is no in-scope sample, and 1 or more (reject everything)
/// for a rate of 1.
pub fn rejection_rate_threshold(samples: &[OosSample], rate: f64) -> f32 {
    let mut p: Vec<f32> = samples
        .iter()
        .filter(|s| !s.is_oos)
        .map(|s| s.top_probability)
        .collect();
    if p.is_empty() || rate.is_nan() || rate <= 0.0 {
        return 0.0;
    }
    p.sort_by(f32::total_cmp);
    let n = usize_to_f64(p.len());
    let position = rate.min(1.0) * n - 0.5;
    let value = |i: usize| p.get(i).copied().map_or(0.0, f64::from);
    let cut = if position <= 0.0 {
        // Below the midpoint of the lowest sample: nothing is rejected.
        value(0)
    } else {
        let below = f64_to_usize(position.floor());
        let frac = position - position.floor();
        match p.get(below + 1) {
            Some(&above) => value(below) + frac * (f64::from(above) - value(below)),
            // Past the highest sample: everything is rejected.
            None => value(below) + 1e-6,
        }
    };
    f64_to_f32(cut).max(0.0)
}

/// The threshold on the top probability (reject below it) that maximises the balanced figure
/// `(in-scope accuracy + out-of-scope recall) / 2` on held-out samples. Among equally good
/// thresholds the midpoint of the best plateau is chosen. Returns 0 (never reject) when there is
/// no out-of-scope sample.
pub fn balanced_threshold(samples: &[OosSample]) -> f32 {
    let n_oos = samples.iter().filter(|s| s.is_oos).count();
    let n_in = samples.len() - n_oos;
    if n_oos == 0 || n_in == 0 {
        return 0.0;
    }
    let mut sorted: Vec<OosSample> = samples.to_vec();
    sorted.sort_by(|a, b| a.top_probability.total_cmp(&b.top_probability));
    // Threshold just above sorted[k-1]: the first k samples are rejected.
    let total_correct_in = sorted.iter().filter(|s| !s.is_oos && s.top_is_correct).count();
    let mut correct_in = total_correct_in;
    let mut rejected_oos = 0usize;
    let score = |correct_in: usize, rejected_oos: usize| {
        0.5 * (usize_to_f64(correct_in) / usize_to_f64(n_in))
            + 0.5 * (usize_to_f64(rejected_oos) / usize_to_f64(n_oos))
    };
    let mut best = score(correct_in, rejected_oos);
    let mut best_range = (0usize, 0usize);
    let mut plateau_open = true;
    for (k, &s) in (1..).zip(&sorted) {
        if s.is_oos {
            rejected_oos += 1;
        } else if s.top_is_correct {
            correct_in -= 1;
        }
        // Only cut between distinct probabilities.
        if sorted
            .get(k)
            .is_some_and(|next| next.top_probability == s.top_probability)
        {
            continue;
        }
        let v = score(correct_in, rejected_oos);
        if v > best + 1e-12 {
            best = v;
            best_range = (k, k);
            plateau_open = true;
        } else if (v - best).abs() <= 1e-12 {
            if plateau_open {
                best_range.1 = k;
            }
        } else {
            plateau_open = false;
        }
    }
    let (k_lo, k_hi) = best_range;
    if k_hi == 0 {
        return 0.0;
    }
    // Between the highest rejected probability of the plateau's ends and the next one up.
    let cut = |k: usize| {
        let below = k
            .checked_sub(1)
            .and_then(|i| sorted.get(i))
            .map_or(0.0, |s| s.top_probability);
        let above = sorted.get(k).map_or(1.0, |s| s.top_probability);
        0.5 * (below + above)
    };
    let lo = if k_lo == 0 { 0.0 } else { cut(k_lo) };
    0.5 * (lo + cut(k_hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temperature_sharpens_underconfident_scores() {
        // The true class always wins by a small margin: the best temperature is below 1.
        let scores: Vec<Vec<f32>> = (0..50).map(|_| vec![0.3, 0.0, 0.0]).collect();
        let truth = vec![0; 50];
        let t = fit_temperature(&scores, &truth);
        assert!(t < 0.1, "{t}");
        // Half the time wrong: a flat distribution is best, so a large temperature.
        let mixed: Vec<Vec<f32>> = (0..50).map(|_| vec![1.0, 0.0]).collect();
        let truth: Vec<usize> = (0..50).map(|i| i % 2).collect();
        assert!(fit_temperature(&mixed, &truth) > 10.0);
    }

    #[test]
    fn softmax_sums_to_one() {
        let mut s = vec![1.0, 2.0, 3.0];
        softmax_in_place(&mut s, 0.5);
        assert!((s.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(s[2] > s[1] && s[1] > s[0]);
        let mut bad = vec![f32::NAN, f32::NEG_INFINITY];
        softmax_in_place(&mut bad, 1.0);
        assert!(bad.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn threshold_separates_confident_in_scope_from_unsure_oos() {
        let mut samples = Vec::new();
        for i in 0..20u8 {
            samples.push(OosSample {
                top_probability: 0.6 + 0.01 * f32::from(i),
                top_is_correct: true,
                is_oos: false,
            });
            samples.push(OosSample {
                top_probability: 0.1 + 0.01 * f32::from(i),
                top_is_correct: false,
                is_oos: true,
            });
        }
        let t = choose_oos_threshold(&samples, 1.0);
        assert!(t > 0.29 && t < 0.6, "{t}");
        // The balanced cut rejects no in-scope sample here, so a target rate changes nothing.
        assert_eq!(choose_oos_threshold(&samples, 0.05), t);
        let none: Vec<OosSample> = samples.iter().filter(|s| !s.is_oos).copied().collect();
        assert_eq!(choose_oos_threshold(&none, 0.05), 0.0);
    }

    fn in_scope(p: f32) -> OosSample {
        OosSample {
            top_probability: p,
            top_is_correct: true,
            is_oos: false,
        }
    }

    #[test]
    fn the_target_rate_bounds_in_scope_rejections() {
        // Unsure in-scope messages overlap the out-of-scope ones: the balanced figure is best
        // when a third of the in-scope messages are turned away with almost all of the
        // out-of-scope ones.
        let mut samples: Vec<OosSample> = (0..100u8).map(|i| in_scope(0.01 * f32::from(i))).collect();
        samples.extend((0..100u8).map(|i| OosSample {
            top_probability: 0.004 * f32::from(i),
            top_is_correct: false,
            is_oos: true,
        }));
        let rejected = |t: f32| {
            samples
                .iter()
                .filter(|s| !s.is_oos && s.top_probability < t)
                .count()
        };
        let balanced = balanced_threshold(&samples);
        assert!(rejected(balanced) > 30, "{balanced}");
        let t = choose_oos_threshold(&samples, 0.05);
        assert_eq!(rejected(t), 5, "{t}");
        assert!(t > 0.04 && t <= 0.05, "{t}");
        // No cap at all: the balanced threshold.
        assert_eq!(choose_oos_threshold(&samples, 1.0), balanced);
    }

    #[test]
    fn the_rejection_quantile_interpolates_and_handles_the_edges() {
        let samples: Vec<OosSample> = [0.2, 0.4, 0.6, 0.8].into_iter().map(in_scope).collect();
        // 4 samples at positions 1/8, 3/8, 5/8, 7/8.
        assert_eq!(rejection_rate_threshold(&samples, 0.0), 0.0);
        assert_eq!(rejection_rate_threshold(&samples, f64::NAN), 0.0);
        assert_eq!(rejection_rate_threshold(&samples, 0.1), 0.2);
        assert!((rejection_rate_threshold(&samples, 0.25) - 0.3).abs() < 1e-6);
        assert!(rejection_rate_threshold(&samples, 1.0) > 0.8);
        assert_eq!(rejection_rate_threshold(&[], 0.1), 0.0);
        // What the out-of-scope class takes counts as rejected already.
        let mut forced = samples.clone();
        forced.push(in_scope(-1.0));
        assert_eq!(rejection_rate_threshold(&forced, 0.1), 0.0);
    }
}
