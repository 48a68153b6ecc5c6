//! Typed identifiers. Each wraps a UUID (v7, so ids sort by creation time) and parses from text.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $noun:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A new, time-ordered identifier.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = crate::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s)
                    .map(Self)
                    .map_err(|_| crate::Error::not_found($noun))
            }
        }
    };
}

id_type!(
    /// A customer of the business.
    CustomerId,
    "customer"
);
id_type!(
    /// A conversation between a customer and the business.
    ConversationId,
    "conversation"
);
id_type!(
    /// One message in a conversation.
    MessageId,
    "message"
);
id_type!(
    /// A file (image or PDF) sent in a conversation.
    AttachmentId,
    "attachment"
);
id_type!(
    /// A staff member (agent, trainer, supervisor, admin).
    UserId,
    "user"
);
id_type!(
    /// A team of staff members.
    TeamId,
    "team"
);
id_type!(
    /// One entry of a conversation's event log.
    EventId,
    "event"
);
id_type!(
    /// An item of the review queue: a bot decision or answer a person should look at.
    ReviewId,
    "review item"
);
id_type!(
    /// One entry of the audit log.
    AuditId,
    "audit entry"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_reject_garbage() {
        let id = ConversationId::new();
        assert_eq!(id.to_string().parse::<ConversationId>().unwrap(), id);
        let err = "nope".parse::<ConversationId>().unwrap_err();
        assert_eq!(err.code(), "not_found");
        assert_eq!(err.to_string(), "conversation not found");
    }
}
