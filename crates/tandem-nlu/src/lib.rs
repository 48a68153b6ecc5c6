//! Triage: reads a customer message and says what the customer wants (or that it is out of
//! scope), how sure it is, how they feel, whether they want a person, and what personal data the
//! text holds, each with its evidence. Pure computation: no I/O besides (de)serialising models.
#![warn(clippy::print_stdout)]

pub mod causes;
pub mod dense;
pub mod entities;
pub mod intent;
pub mod metrics;
pub mod num;
pub mod pii;
pub mod quality;
pub mod signals;
pub mod text;
pub mod topics;

#[cfg(feature = "semantic")]
pub mod semantic;
