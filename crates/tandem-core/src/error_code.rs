//! Every error code Tandem answers with, once, with its HTTP status. Clients may rely on the
//! codes (`{"error": {"code", "message"}}`); the OpenAPI document lists them all.

use serde::Serialize;

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $status:literal;)+) => {
        /// A stable, machine-readable error code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
        pub enum ErrorCode {
            $($(#[$doc])* #[serde(rename = $code)] $variant,)+
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),+ }
            }

            /// The HTTP status an answer with this code has.
            pub fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status),+ }
            }
        }
    };
}

error_codes! {
    // --- the request itself -----------------------------------------------------------------
    /// The request is malformed in a way no other code names.
    BadRequest = "bad_request", 400;
    MalformedJson = "malformed_json", 400;
    /// The JSON body does not have the expected shape.
    InvalidBody = "invalid_body", 422;
    InvalidQuery = "invalid_query", 400;
    UnsupportedMediaType = "unsupported_media_type", 415;
    PayloadTooLarge = "payload_too_large", 413;
    WebsocketRequired = "websocket_required", 400;
    MethodNotAllowed = "method_not_allowed", 405;
    // --- who is calling -----------------------------------------------------------------------
    Unauthenticated = "unauthenticated", 401;
    Forbidden = "forbidden", 403;
    RateLimited = "rate_limited", 429;
    IdentityNotConfigured = "identity_not_configured", 400;
    // --- things that do not exist -------------------------------------------------------------
    NotFound = "not_found", 404;
    UnknownInbox = "unknown_inbox", 404;
    NoActivePack = "no_active_pack", 404;
    /// A referenced record (user, team) does not exist.
    UnknownReference = "unknown_reference", 400;
    // --- values -------------------------------------------------------------------------------
    EmptyMessage = "empty_message", 400;
    MessageTooLong = "message_too_long", 400;
    InvalidEmail = "invalid_email", 400;
    InvalidName = "invalid_name", 400;
    InvalidPassword = "invalid_password", 400;
    WeakPassword = "weak_password", 400;
    InvalidTag = "invalid_tag", 400;
    InvalidStatus = "invalid_status", 400;
    InvalidPriority = "invalid_priority", 400;
    InvalidAuthor = "invalid_author", 400;
    InvalidRole = "invalid_role", 400;
    InvalidDecisionKind = "invalid_decision_kind", 400;
    InvalidHandoffReason = "invalid_handoff_reason", 400;
    InvalidEventKind = "invalid_event_kind", 400;
    InvalidChange = "invalid_change", 400;
    /// A customer picked a choice the bot does not offer (not an intent of the active pack, nor
    /// `human`).
    UnknownChoice = "unknown_choice", 400;
    /// An intent's label (how the bot offers it as a choice) is empty, too long or not one line.
    InvalidLabel = "invalid_label", 400;
    // --- conversations and the inbox ----------------------------------------------------------
    InvalidCustomer = "invalid_customer", 400;
    InvalidAssignee = "invalid_assignee", 400;
    InvalidTeam = "invalid_team", 400;
    InvalidPage = "invalid_page", 400;
    InvalidSla = "invalid_sla", 400;
    InvalidSnooze = "invalid_snooze", 400;
    InvalidBulk = "invalid_bulk", 400;
    InvalidUpdate = "invalid_update", 400;
    // --- attachments --------------------------------------------------------------------------
    /// The file is not one of the accepted types (PNG, JPEG, GIF, WebP, PDF, told by its content),
    /// or its content does not match the type or name it was sent with.
    UnsupportedFileType = "unsupported_file_type", 415;
    /// The file is over the size limit for one attachment.
    FileTooLarge = "file_too_large", 413;
    /// The file is empty, or an image that cannot be read (damaged, or too many pixels).
    InvalidFile = "invalid_file", 400;
    /// More attachments than one message (or one conversation) may have.
    TooManyAttachments = "too_many_attachments", 400;
    /// An attachment id a message refers to is not an unsent upload of the sender's to this
    /// conversation.
    InvalidAttachment = "invalid_attachment", 400;
    /// A reply or note can be edited or deleted only for a while after it was sent.
    EditWindowPassed = "edit_window_passed", 409;
    /// The message was deleted: there is nothing left to edit or delete.
    MessageDeleted = "message_deleted", 409;
    // --- the event feed and insights ----------------------------------------------------------
    InvalidAfter = "invalid_after", 400;
    InvalidLimit = "invalid_limit", 400;
    InvalidDays = "invalid_days", 400;
    /// A window of days (`from`, `to`) that is reversed, too long or not a pair of dates.
    InvalidWindow = "invalid_window", 400;
    // --- personal data ------------------------------------------------------------------------
    /// An erasure, or forcing a model promotion, needs a reason (it is recorded in the audit log).
    ReasonRequired = "reason_required", 400;
    InvalidDate = "invalid_date", 400;
    // --- staff --------------------------------------------------------------------------------
    EmailTaken = "email_taken", 409;
    TeamExists = "team_exists", 409;
    LastAdmin = "last_admin", 409;
    // --- content ------------------------------------------------------------------------------
    InvalidPack = "invalid_pack", 400;
    InvalidExample = "invalid_example", 400;
    EmptyExample = "empty_example", 400;
    DuplicateExample = "duplicate_example", 409;
    LastExample = "last_example", 409;
    TooFewExamples = "too_few_examples", 409;
    InvalidIntentName = "invalid_intent_name", 400;
    IntentExists = "intent_exists", 409;
    InvalidThreshold = "invalid_threshold", 400;
    InvalidDescription = "invalid_description", 400;
    InvalidSlug = "invalid_slug", 400;
    InvalidTitle = "invalid_title", 400;
    /// An article's body is empty or too long.
    InvalidArticleBody = "invalid_article_body", 400;
    InvalidUrl = "invalid_url", 400;
    UrlRequired = "url_required", 400;
    InvalidTemplate = "invalid_template", 400;
    InvalidTemplateName = "invalid_template_name", 400;
    EmptyText = "empty_text", 400;
    DisclosureRequired = "disclosure_required", 400;
    InvalidCannedReply = "invalid_canned_reply", 400;
    DuplicateCannedReply = "duplicate_canned_reply", 409;
    InvalidParams = "invalid_params", 400;
    /// The content changed since the caller read it (`If-Match` or another instance's edit).
    StaleContent = "stale_content", 409;
    /// A candidate model is worse than the active one on the regression set (the answer lists the
    /// regressions in `reasons`).
    PromotionRefused = "promotion_refused", 409;
    /// The model is not in a state the action applies to (promoting the active model, rolling back
    /// with no earlier model).
    ModelState = "model_state", 409;
    InvalidReviewReason = "invalid_review_reason", 400;
    InvalidReviewStatus = "invalid_review_status", 400;
    InvalidFlagReason = "invalid_flag_reason", 400;
    /// The review item was already resolved or dismissed.
    ReviewClosed = "review_closed", 409;
    /// A relabel or dismissal needs exactly one of `intent` and `dismiss`.
    InvalidResolution = "invalid_resolution", 400;
    /// A relabel names an intent the pack does not have.
    UnknownIntent = "unknown_intent", 422;
    // --- drafts from people's answers -----------------------------------------------------------
    /// The draft was already accepted or rejected.
    DraftDecided = "draft_decided", 409;
    /// Accepting a draft names an intent that does not exist or is not an FAQ (answered from
    /// articles).
    InvalidDraftIntent = "invalid_draft_intent", 400;
    // --- coaching and practice ----------------------------------------------------------------
    /// A skill name that is not one of the rubric's nine.
    InvalidSkill = "invalid_skill", 400;
    /// A practice scenario the pack does not have.
    UnknownScenario = "unknown_scenario", 404;
    /// The practice session is finished: it takes no more replies.
    PracticeFinished = "practice_finished", 409;
    /// The agent has not passed a practice session of a scenario that trains the skill.
    NotEligible = "not_eligible", 422;
    /// The agent already holds this certification.
    AlreadyCertified = "already_certified", 409;
    /// The agent does not hold this certification.
    NotCertified = "not_certified", 404;
    // --- insights -------------------------------------------------------------------------------
    /// A root cause that is not one of documentation, product_promise, sales_advice,
    /// technical_defect, process, other.
    InvalidRootCause = "invalid_root_cause", 400;
    /// A satisfaction rating outside 1 to 5.
    InvalidScore = "invalid_score", 400;
    /// A conversation is rated once it is resolved.
    NotResolved = "not_resolved", 409;
    // --- Tandem itself ------------------------------------------------------------------------
    Internal = "internal", 500;
    NotReady = "not_ready", 503;
}

// Written by hand: the derive does not see serde's renames inside the macro.
impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "A stable, machine-readable error code; each has one HTTP status.",
            ))
            .enum_values(Some(ErrorCode::ALL.iter().map(|c| c.as_str())))
            .into()
    }
}

impl utoipa::ToSchema for ErrorCode {}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_written_once_in_snake_case_with_an_error_status() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(text.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{text}");
            assert!((400..600).contains(&code.status()), "{text}");
            assert_eq!(serde_json::to_value(code).unwrap(), text);
        }
    }
}
