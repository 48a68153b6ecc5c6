//! Content packs: the format, loading and validation, export.

pub mod load;
pub mod model;

pub use load::{load_dir, validate, write_dir, Pack, PackErrors, PackProblem};
