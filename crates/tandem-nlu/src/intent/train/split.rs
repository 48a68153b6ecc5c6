//! The stratified held-out split.

use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::num::{f64_to_usize, u32_to_usize, usize_to_f64};

/// Stratified split: `(train, held_out)` row indices, each intent keeping at least one example
/// for training and giving about `fraction` of its examples to the held-out part.
pub(super) fn stratified_split(
    y: &[u32],
    n_classes: usize,
    fraction: f64,
    rng: &mut ChaCha8Rng,
) -> (Vec<usize>, Vec<usize>) {
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
    for (i, &c) in y.iter().enumerate() {
        if let Some(v) = by_class.get_mut(u32_to_usize(c)) {
            v.push(i);
        }
    }
    let (mut train, mut held) = (Vec::new(), Vec::new());
    for mut rows in by_class {
        rows.shuffle(rng);
        let n_held = f64_to_usize((usize_to_f64(rows.len()) * fraction).round());
        let n_held = n_held.min(rows.len().saturating_sub(1));
        let (held_part, train_part) = rows.split_at_checked(n_held).unwrap_or((&[], rows.as_slice()));
        held.extend_from_slice(held_part);
        train.extend_from_slice(train_part);
    }
    train.sort_unstable();
    held.sort_unstable();
    (train, held)
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn every_class_keeps_a_training_example() {
        let y = [0, 0, 0, 0, 0, 1, 1, 2];
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let (train, held) = stratified_split(&y, 3, 0.4, &mut rng);
        assert_eq!(train.len() + held.len(), y.len());
        assert_eq!(held.iter().filter(|&&i| y[i] == 0).count(), 2);
        assert_eq!(held.iter().filter(|&&i| y[i] == 1).count(), 1);
        assert!(train.iter().any(|&i| y[i] == 2));
        assert!(!held.iter().any(|&i| y[i] == 2));
    }
}
