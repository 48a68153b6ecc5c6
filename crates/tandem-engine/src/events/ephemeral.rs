//! Ephemeral live events: who is looking at or writing in a case, a customer typing, a conversation
//! read. They are not stored and not in the event log (no `seq`, never replayed): a client that
//! misses one loses nothing that matters a few seconds later. They travel on this instance's bus
//! only; the outbox relay, which carries committed events between instances sharing PostgreSQL,
//! does not carry them, so with several instances staff and customers see each other's typing and
//! presence only when their sockets are on the same instance.
//!
//! What each audience is sent of them is decided here, in one place, like
//! [`super::Committed::for_customer`] for committed events.

use serde::Serialize;
use serde_json::{json, Value};
use tandem_core::ids::{ConversationId, UserId};

/// What a staff member is doing on a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    /// Has the case open.
    Viewing,
    /// Is writing a reply to the customer.
    Reply,
    /// Is writing an internal note.
    Note,
    /// Closed the case (opened another, left the inbox).
    Left,
}

impl Activity {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "viewing" => Some(Self::Viewing),
            "reply" => Some(Self::Reply),
            "note" => Some(Self::Note),
            "left" => Some(Self::Left),
            _ => None,
        }
    }

    /// Whether it is writing (a reply or a note).
    pub fn writing(self) -> bool {
        matches!(self, Self::Reply | Self::Note)
    }
}

/// One ephemeral event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ephemeral {
    /// A staff member's presence on a case. `signed_as` is the name the customer is shown for their
    /// replies (set only for [`Activity::Reply`]).
    Staff {
        conversation_id: ConversationId,
        user_id: UserId,
        name: String,
        activity: Activity,
        signed_as: Option<String>,
    },
    /// The customer of the conversation is typing.
    CustomerTyping { conversation_id: ConversationId },
    /// A staff member read the conversation: their other tabs and devices clear its marker.
    Read {
        conversation_id: ConversationId,
        user_id: UserId,
    },
}

impl Ephemeral {
    /// The frame staff member `me` is sent: colleagues' presence (never their own), the
    /// customer's typing, and their own reads.
    pub fn for_staff(&self, me: UserId) -> Option<Value> {
        match self {
            Self::Staff {
                conversation_id,
                user_id,
                name,
                activity,
                ..
            } => (*user_id != me).then(|| {
                json!({
                    "type": "presence", "conversation_id": conversation_id,
                    "user_id": user_id, "name": name, "activity": activity,
                })
            }),
            Self::CustomerTyping { conversation_id } => Some(json!({
                "type": "typing", "conversation_id": conversation_id, "author": "customer",
            })),
            Self::Read {
                conversation_id,
                user_id,
            } => (*user_id == me).then(|| json!({ "type": "read", "conversation_id": conversation_id })),
        }
    }

    /// The frame the customer of `own` is sent: an agent typing a reply in their conversation,
    /// named only as replies are signed. Never notes, presence or reads.
    pub fn for_customer(&self, own: ConversationId) -> Option<Value> {
        match self {
            Self::Staff {
                conversation_id,
                activity: Activity::Reply,
                signed_as,
                ..
            } if *conversation_id == own => Some(json!({
                "type": "typing", "conversation_id": own, "author": "agent", "name": signed_as,
            })),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(activity: Activity, conversation_id: ConversationId, user_id: UserId) -> Ephemeral {
        Ephemeral::Staff {
            conversation_id,
            user_id,
            name: "Alex Carter".into(),
            activity,
            signed_as: (activity == Activity::Reply).then(|| "Alex".to_owned()),
        }
    }

    #[test]
    fn customers_see_only_reply_typing_in_their_own_conversation_signed_by_first_name() {
        let (own, other, alex) = (ConversationId::new(), ConversationId::new(), UserId::new());
        let frame = staff(Activity::Reply, own, alex).for_customer(own).unwrap();
        assert_eq!(frame["type"], "typing");
        assert_eq!(frame["name"], "Alex");
        assert!(frame.get("user_id").is_none() && !frame.to_string().contains("Carter"));
        assert!(staff(Activity::Reply, other, alex).for_customer(own).is_none());
        for quiet in [Activity::Note, Activity::Viewing, Activity::Left] {
            assert!(staff(quiet, own, alex).for_customer(own).is_none(), "{quiet:?}");
        }
        let read = Ephemeral::Read {
            conversation_id: own,
            user_id: alex,
        };
        assert!(read.for_customer(own).is_none());
        assert!(Ephemeral::CustomerTyping { conversation_id: own }
            .for_customer(own)
            .is_none());
    }

    #[test]
    fn staff_see_colleagues_not_themselves_and_only_their_own_reads() {
        let (case, alex, sam) = (ConversationId::new(), UserId::new(), UserId::new());
        assert!(staff(Activity::Note, case, alex).for_staff(alex).is_none());
        let seen = staff(Activity::Note, case, alex).for_staff(sam).unwrap();
        assert_eq!(seen["activity"], "note");
        assert_eq!(seen["name"], "Alex Carter");
        let read = Ephemeral::Read {
            conversation_id: case,
            user_id: alex,
        };
        assert!(read.for_staff(alex).is_some() && read.for_staff(sam).is_none());
        assert_eq!(
            Ephemeral::CustomerTyping {
                conversation_id: case
            }
            .for_staff(sam)
            .unwrap()["author"],
            "customer"
        );
    }
}
