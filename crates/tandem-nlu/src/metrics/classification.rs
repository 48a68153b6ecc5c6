//! Classification metrics.
