//! signals tests
