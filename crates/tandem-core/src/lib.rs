//! Tandem's domain: identifiers, customers, conversations, messages, events, users and roles,
//! permissions and errors. No I/O.
#![warn(clippy::print_stdout)]

pub mod audit;
pub mod clock;
pub mod decision;
pub mod error;
mod error_code;
pub mod event;
pub mod ids;
pub mod model;
pub mod permission;
pub mod review;
pub mod root_cause;
pub mod secret;
mod string_enum;
pub mod triage;
pub mod validate;

pub use error::{Error, ErrorCode, Result};
