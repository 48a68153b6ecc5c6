//! One module per subcommand. Each depends only on `crate::open`, `crate::config`, `crate::demo`
//! and the small shared helpers here (`dataset`, `stdin`), never on another command.

pub mod causes;
pub mod eval;
pub mod export;
pub mod import;
pub mod migrate;
pub mod models;
pub mod quality;
pub mod redact;
pub mod retention;
pub mod serve;
pub mod signals;
pub mod topics;
pub mod train;
pub mod user;

mod dataset;
mod stdin;
