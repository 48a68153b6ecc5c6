//! Presence and typing, both ways: staff see who else has a case open or is writing in it, and
//! the customer's typing; the customer sees an agent typing a reply (never a note), named only as
//! replies are signed (see `signature.rs`). Nothing is stored; see [`crate::events::Ephemeral`].

use std::sync::Arc;

use tandem_core::ids::ConversationId;
use tandem_core::permission::Permission;

use super::signature::first_name;
use super::Conversations;
use crate::auth::Staff;
use crate::events::{Activity, Ephemeral, LiveEvent};
use crate::Result;

impl Conversations<'_> {
    /// A staff member's activity on a case, for colleagues and, for a reply, its customer.
    /// Writing needs the right to reply; viewing, the right to see conversations. The case must
    /// exist (leaving one that is gone is fine).
    pub async fn staff_activity(&self, staff: &Staff, id: ConversationId, activity: Activity) -> Result<()> {
        staff.require(if activity.writing() {
            Permission::ReplyToConversations
        } else {
            Permission::ViewConversations
        })?;
        if activity != Activity::Left {
            self.existing(id).await?;
        }
        let user = staff.user();
        let signed_as = if activity == Activity::Reply {
            self.engine
                .runtime()
                .bot()
                .and_then(|b| b.pack.manifest.texts.agent_name.clone())
                .or_else(|| first_name(&user.name))
        } else {
            None
        };
        self.publish(Ephemeral::Staff {
            conversation_id: id,
            user_id: user.id,
            name: user.name.clone(),
            activity,
            signed_as,
        });
        Ok(())
    }

    /// The customer is typing in their conversation (the token must still open it).
    pub async fn customer_typing(&self, id: ConversationId, token: &str) -> Result<()> {
        self.engine.auth().customer(id, token).await?;
        self.publish(Ephemeral::CustomerTyping { conversation_id: id });
        Ok(())
    }

    fn publish(&self, event: Ephemeral) {
        self.engine.bus().publish(LiveEvent::Ephemeral(Arc::new(event)));
    }
}
