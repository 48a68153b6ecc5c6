//! Fast-tier intent classification.
