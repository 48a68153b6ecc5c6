//! Read marks: how far each staff member has read each conversation, so "unread" holds across
//! their devices and reloads. A mark is the `seq` of the conversation's last message when they
//! read it; a customer message after it is unread for them. Marks go with their conversation when
//! it is erased.

use std::collections::HashMap;

use async_trait::async_trait;
use tandem_core::ids::{ConversationId, UserId};

use crate::Result;

#[async_trait]
pub trait ReadStore: Send + Sync {
    /// Marks every message now in the conversation as read by `user` (a mark never moves back).
    /// `false` when there is no such conversation.
    async fn mark_read(&self, user: UserId, conversation: ConversationId) -> Result<bool>;
    /// How many customer messages of each of these conversations `user` has not read; those with
    /// none are left out.
    async fn unread_counts(
        &self,
        user: UserId,
        conversations: &[ConversationId],
    ) -> Result<HashMap<ConversationId, i64>>;
    /// How many open cases in `user`'s inbox (queued or assigned, to them or to nobody) hold
    /// customer messages they have not read.
    async fn unread_cases(&self, user: UserId) -> Result<i64>;
}
