//! pii tests
