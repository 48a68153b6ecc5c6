//! The audit log: every administrative and automated action, append-only. An entry names who did
//! what to which object, with details that never hold a customer's personal data (an erasure's entry
//! says who erased and why, not whom by name).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::event::Actor;
use crate::ids::AuditId;

macro_rules! audit_actions {
    ($($(#[$doc:meta])* $variant:ident => $text:literal),+ $(,)?) => {
        /// What was done: `object.verb`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        pub enum AuditAction {
            $($(#[$doc])* #[serde(rename = $text)] $variant),+
        }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(AuditAction::$variant => $text),+ }
            }

            /// The action a stored name stands for.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some(AuditAction::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

audit_actions! {
    /// A staff account was created (`target`: the user id).
    UserCreated => "user.created",
    /// A staff account's name, role, teams or active flag changed.
    UserUpdated => "user.updated",
    /// A staff member's password was set from the command line.
    UserPasswordSet => "user.password_set",
    /// A staff login was refused (`details.reason`); `target` is the account when it exists.
    LoginFailed => "login.failed",
    /// A team was created.
    TeamCreated => "team.created",
    /// The bot's content was edited (`target`: `kind:name`, e.g. `article:returns`).
    ContentUpdated => "content.updated",
    /// An earlier version of an article, template, intent, the bot texts or the canned replies
    /// was restored (`details.version`).
    ContentRestored => "content.restored",
    /// A content pack was imported or installed as a whole.
    ContentInstalled => "content.installed",
    /// A candidate intent model was trained.
    ModelTrained => "model.trained",
    /// A model was made the active one (through the gate, or forced by an admin with a reason).
    ModelPromoted => "model.promoted",
    /// The gate refused to promote a candidate model.
    ModelRefused => "model.refused",
    /// The active model was rolled back to the one before.
    ModelRolledBack => "model.rolled_back",
    /// A trainer relabelled a review item (`details.intent`): its text became a training example.
    ReviewResolved => "review.resolved",
    /// A trainer dismissed a review item.
    ReviewDismissed => "review.dismissed",
    /// A staff member flagged a bot message (`details.reason`).
    MessageFlagged => "message.flagged",
    /// A draft from people's answers was published as an article (`target`: `draft:ID`;
    /// `details`: the article's slug, the intent it was taught to, how many examples were added).
    DraftAccepted => "draft.accepted",
    /// A draft from people's answers was rejected.
    DraftRejected => "draft.rejected",
    /// Everything stored about a customer was exported.
    CustomerExported => "customer.exported",
    /// A customer and their conversations were erased (`details.reason`).
    CustomerErased => "customer.erased",
    /// Resolved conversations past the retention period were erased (`details.count`).
    RetentionApplied => "retention.applied",
    /// A staff member edited their own reply or note (`target`: `message:ID`; `details`: the
    /// conversation and whether it was a note, never the text).
    MessageEdited => "message.edited",
    /// A staff member deleted their own reply or note (its text is gone; the entry has none).
    MessageDeleted => "message.deleted",
    /// A supervisor or admin certified an agent in a skill (`target`: `user:ID`; `details`: the
    /// skill and the reason).
    CertificationGranted => "certification.granted",
    /// A certification was revoked (`details`: the skill and the reason).
    CertificationRevoked => "certification.revoked",
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub id: AuditId,
    /// When it was recorded (RFC 3339).
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub action: AuditAction,
    /// The object acted on, as `kind:id` (`user:…`, `customer:…`, `article:returns`).
    pub target: String,
    /// Action-specific details (a reason, the fields changed, a count).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

/// An entry to record.
#[derive(Clone, Debug)]
pub struct NewAuditEntry {
    pub actor: Actor,
    pub action: AuditAction,
    pub target: String,
    pub details: serde_json::Value,
}

impl NewAuditEntry {
    pub fn new(
        actor: Actor,
        action: AuditAction,
        target: impl Into<String>,
        details: serde_json::Value,
    ) -> Self {
        Self {
            actor,
            action,
            target: target.into(),
            details,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_sent_and_stored_by_their_dotted_names() {
        for action in AuditAction::ALL {
            let json = serde_json::to_value(action).unwrap();
            assert_eq!(json, serde_json::Value::from(action.as_str()));
            assert_eq!(AuditAction::parse(action.as_str()), Some(*action));
            assert!(action.as_str().contains('.'), "{action}");
        }
        assert_eq!(AuditAction::parse("user_created"), None);
    }
}
