//! tandem-store
