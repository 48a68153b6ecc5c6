//! Content packs: the format, loading and validation, export.

pub mod eval;
pub mod load;
pub mod model;
pub mod offers;
pub mod practice;
pub mod rules;
mod validate;
pub mod widget;

pub use load::{load_dir, write_dir, Pack, PackErrors, PackProblem};
pub use validate::{validate, MIN_EXAMPLES};
