//! Unread markers: each staff member's read mark per conversation is stored (so it holds across
//! their devices and reloads); customer messages after it are unread for them. Opening a
//! conversation in the inbox marks it read.

use std::collections::HashMap;
use std::sync::Arc;

use tandem_core::ids::ConversationId;
use tandem_core::model::{Conversation, Message};
use tandem_core::permission::Permission;
use tandem_core::Error;
use tandem_store::ConversationPage;

use super::{ConversationQuery, Conversations};
use crate::auth::Staff;
use crate::events::{Ephemeral, LiveEvent};
use crate::Result;

/// A page of the inbox with, per conversation, how many customer messages the caller has not read
/// (conversations with none are not in the map).
pub struct UnreadPage {
    pub page: ConversationPage,
    pub unread: HashMap<ConversationId, i64>,
}

impl Conversations<'_> {
    /// [`Conversations::list`], with the caller's unread counts.
    pub async fn list_with_unread(&self, staff: &Staff, query: &ConversationQuery) -> Result<UnreadPage> {
        let page = self.list(staff, query).await?;
        let ids: Vec<ConversationId> = page.conversations.iter().map(|c| c.id).collect();
        let unread = self.engine.store.unread_counts(staff.user().id, &ids).await?;
        Ok(UnreadPage { page, unread })
    }

    /// [`Conversations::show`], with how many of its customer messages the caller has not read.
    pub async fn show_with_unread(
        &self,
        staff: &Staff,
        id: ConversationId,
    ) -> Result<(Conversation, Vec<Message>, i64)> {
        let (conversation, messages) = self.show(staff, id).await?;
        let unread = self.engine.store.unread_counts(staff.user().id, &[id]).await?;
        Ok((conversation, messages, unread.get(&id).copied().unwrap_or(0)))
    }

    /// Marks every message now in the conversation as read by the caller; their other tabs and
    /// devices are told (a `read` live frame).
    pub async fn mark_read(&self, staff: &Staff, id: ConversationId) -> Result<()> {
        staff.require(Permission::ViewConversations)?;
        let user_id = staff.user().id;
        if !self.engine.store.mark_read(user_id, id).await? {
            return Err(Error::not_found("conversation"));
        }
        self.engine
            .bus()
            .publish(LiveEvent::Ephemeral(Arc::new(Ephemeral::Read {
                conversation_id: id,
                user_id,
            })));
        Ok(())
    }

    /// How many open cases in the caller's inbox (queued or assigned, to them or to nobody) hold
    /// customer messages they have not read: the count in the inbox's tab title.
    pub async fn unread_cases(&self, staff: &Staff) -> Result<i64> {
        staff.require(Permission::ViewConversations)?;
        self.engine.store.unread_cases(staff.user().id).await
    }
}
