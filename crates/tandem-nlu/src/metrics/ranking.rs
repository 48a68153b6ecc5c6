//! Ranking metrics for scores against binary labels.
