//! The review queue's words: why an item is queued and where it stands.

use crate::string_enum::string_enum;

string_enum!(
    /// Why an item is in the queue.
    ReviewReason, "review reason", InvalidReviewReason {
        OutOfScope => "out_of_scope",
        LowConfidence => "low_confidence",
        NegativeFeedback => "negative_feedback",
        FalseAutomation => "false_automation",
        Flagged => "flagged",
    }
);

string_enum!(
    /// Where an item stands.
    ReviewStatus, "review status", InvalidReviewStatus {
        Open => "open",
        Resolved => "resolved",
        Dismissed => "dismissed",
    }
);

string_enum!(
    /// What an agent says is wrong with a bot message they flag.
    FlagReason, "flag reason", InvalidFlagReason {
        Incorrect => "incorrect",
        Incomplete => "incomplete",
        Outdated => "outdated",
        Inappropriate => "inappropriate",
        Other => "other",
    }
);
