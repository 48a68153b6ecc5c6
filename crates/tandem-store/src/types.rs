//! Inputs and outputs of the [`crate::Store`] methods.

use tandem_core::event::Actor;
use tandem_core::ids::{ConversationId, TeamId, UserId};
use tandem_core::model::{Author, Conversation, ConversationStatus, Priority, Role, Source};

#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
}

/// Fields to change on a user; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct UserChange {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub team_ids: Option<Vec<TeamId>>,
}

#[derive(Clone, Debug)]
pub struct NewTeam {
    pub name: String,
    pub skills: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct NewConversation {
    pub customer_name: String,
    pub customer_email: String,
    pub token_hash: String,
    pub status: ConversationStatus,
    pub priority: Priority,
}

#[derive(Clone, Debug)]
pub struct NewMessage {
    pub conversation_id: ConversationId,
    pub author: Author,
    pub author_user_id: Option<UserId>,
    pub text: String,
    pub internal: bool,
    pub sources: Vec<Source>,
    pub actor: Actor,
}

/// Fields to change on a conversation; `None` leaves a field as it is. For `assignee` and `team`,
/// `Some(None)` clears the field.
#[derive(Clone, Debug, Default)]
pub struct ConversationChange {
    pub status: Option<ConversationStatus>,
    pub priority: Option<Priority>,
    pub assignee: Option<Option<UserId>>,
    pub team: Option<Option<TeamId>>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
}

/// Whose conversations to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssigneeFilter {
    Unassigned,
    User(UserId),
}

/// A query over conversations; all given criteria must hold. Newest activity first.
#[derive(Clone, Debug)]
pub struct ConversationFilter {
    pub status: Option<ConversationStatus>,
    pub assignee: Option<AssigneeFilter>,
    pub team: Option<TeamId>,
    pub tag: Option<String>,
    /// Case-insensitive substring of the customer's name or e-mail, or of any message.
    pub text: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

impl Default for ConversationFilter {
    fn default() -> Self {
        Self {
            status: None,
            assignee: None,
            team: None,
            tag: None,
            text: None,
            limit: 50,
            offset: 0,
        }
    }
}

#[derive(Clone, Debug)]
pub struct ConversationPage {
    pub conversations: Vec<Conversation>,
    /// How many conversations match the filter in all.
    pub total: i64,
}
