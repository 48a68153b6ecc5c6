//! tandem-core
