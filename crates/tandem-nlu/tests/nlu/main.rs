//! Integration tests of tandem-nlu (one test binary; one module per concern).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod causes;
mod intent;
mod pii;
mod robustness;
#[cfg(feature = "semantic")]
mod semantic;
mod signals;
mod signals_conversations;
mod signals_person;
mod topics;
