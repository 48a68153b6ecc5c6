//! One change to several conversations at once (assign, tag, resolve from the list). Each case
//! goes through the single update ([`Conversations::update`]) with its rules and permission; the
//! answer says, case by case, what happened.

use serde::{Deserialize, Serialize};
use tandem_core::model::Conversation;
use tandem_core::{Error, ErrorCode};
use utoipa::ToSchema;

use super::{ConversationUpdate, Conversations};
use crate::auth::Staff;
use crate::Result;

/// The most conversations one bulk change touches.
pub const MAX_BULK: usize = 100;

/// The same change for several conversations.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct BulkUpdate {
    /// Conversation ids, 1 to 100 (a repeated id counts once).
    pub ids: Vec<String>,
    /// What to change on each, as for `PATCH /api/v1/conversations/{id}`.
    pub change: ConversationUpdate,
}

/// What happened to one conversation of a bulk change: the changed conversation, or the error
/// the single update gave.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct BulkOutcome {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation: Option<Conversation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<BulkError>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct BulkError {
    pub code: String,
    pub message: String,
}

impl Conversations<'_> {
    /// Applies the change to each conversation in turn, in the order given. A caller who may not
    /// change conversations is refused as a whole (the permission does not depend on the case).
    pub async fn bulk_update(&self, staff: &Staff, bulk: BulkUpdate) -> Result<Vec<BulkOutcome>> {
        let mut ids: Vec<String> = Vec::with_capacity(bulk.ids.len());
        for id in bulk.ids {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        if ids.is_empty() || ids.len() > MAX_BULK {
            return Err(Error::invalid(
                ErrorCode::InvalidBulk,
                format!("ids must name 1 to {MAX_BULK} conversations"),
            ));
        }
        let mut outcomes = Vec::with_capacity(ids.len());
        for id in ids {
            let result = match id.parse() {
                Ok(parsed) => self.update(staff, parsed, bulk.change.clone()).await,
                Err(_) => Err(Error::not_found("conversation")),
            };
            let outcome = match result {
                Ok(conversation) => BulkOutcome {
                    id,
                    conversation: Some(conversation),
                    error: None,
                },
                Err(e @ Error::Forbidden(_)) => return Err(e),
                Err(e) => BulkOutcome {
                    id,
                    conversation: None,
                    error: Some(BulkError {
                        code: e.code().as_str().to_owned(),
                        message: e.to_string(),
                    }),
                },
            };
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }
}
