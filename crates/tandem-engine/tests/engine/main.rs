//! Integration tests of the engine: the hybrid loop (policy, pipeline, packs, routing).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod auth;
mod coaching;
mod content_history;
mod dialogue;
mod events;
mod identity;
mod models;
mod packs;
mod pipeline;
mod policy;
mod privacy;
mod routing;
mod sensor;
mod support;
