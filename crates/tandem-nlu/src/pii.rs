//! Personal data detection and redaction.
