//! intent tests
