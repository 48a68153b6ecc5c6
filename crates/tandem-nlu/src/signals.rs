//! Signal detectors: frustration, wish for a person, urgency, abuse.
