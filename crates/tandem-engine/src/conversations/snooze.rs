//! Snoozing a case until a time: it leaves the open lists (see `snoozed` in
//! [`super::ConversationQuery`]) and comes back when the time has come, when the customer writes
//! again, or when someone wakes it.

use chrono::{DateTime, Duration, Utc};
use tandem_core::ids::ConversationId;
use tandem_core::model::{Conversation, ConversationStatus};
use tandem_core::permission::Permission;
use tandem_core::{Error, ErrorCode};
use tandem_store::{ConversationChange, SnoozeFilter};

use super::Conversations;
use crate::auth::Staff;
use crate::Result;

/// The furthest ahead a case may be snoozed, in days.
pub const MAX_SNOOZE_DAYS: i64 = 365;

/// The time a case is snoozed until: an RFC 3339 time after `now`, at most a year ahead.
pub fn parse_until(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let until = DateTime::parse_from_rfc3339(text.trim())
        .map_err(|_| {
            Error::invalid(
                ErrorCode::InvalidSnooze,
                "until must be a time like 2026-12-01T09:00:00Z (RFC 3339)",
            )
        })?
        .with_timezone(&Utc);
    if until <= now {
        return Err(Error::invalid(
            ErrorCode::InvalidSnooze,
            "until must be in the future",
        ));
    }
    if until > now + Duration::days(MAX_SNOOZE_DAYS) {
        return Err(Error::invalid(
            ErrorCode::InvalidSnooze,
            format!("a case can be snoozed for at most {MAX_SNOOZE_DAYS} days"),
        ));
    }
    Ok(until)
}

/// Which snoozed cases a list shows: `only`, `include` or `hide`; by default the lists of open
/// work (open, queued, assigned, SLA breached) hide them and the others include them.
pub(crate) fn snooze_filter(asked: Option<&str>, open_work: bool) -> Result<SnoozeFilter> {
    match asked {
        None if open_work => Ok(SnoozeFilter::Hide),
        None | Some("include") => Ok(SnoozeFilter::Include),
        Some("hide") => Ok(SnoozeFilter::Hide),
        Some("only") => Ok(SnoozeFilter::Only),
        Some(_) => Err(Error::invalid(
            ErrorCode::InvalidSnooze,
            "snoozed must be `only`, `include` or `hide`",
        )),
    }
}

impl Conversations<'_> {
    /// Snoozes an open case until `until` (RFC 3339, in the future).
    pub async fn snooze(&self, staff: &Staff, id: ConversationId, until: &str) -> Result<Conversation> {
        staff.require(Permission::ManageConversations)?;
        let until = parse_until(until, self.engine.now())?;
        let current = self.existing(id).await?;
        if !matches!(
            current.status,
            ConversationStatus::Queued | ConversationStatus::Assigned
        ) {
            return Err(Error::invalid(
                ErrorCode::InvalidSnooze,
                "only an open case (queued or assigned) can be snoozed",
            ));
        }
        self.set_snooze(staff, id, Some(until)).await
    }

    /// Wakes a snoozed case now (nothing happens to one that is not snoozed).
    pub async fn unsnooze(&self, staff: &Staff, id: ConversationId) -> Result<Conversation> {
        staff.require(Permission::ManageConversations)?;
        self.set_snooze(staff, id, None).await
    }

    async fn set_snooze(
        &self,
        staff: &Staff,
        id: ConversationId,
        until: Option<DateTime<Utc>>,
    ) -> Result<Conversation> {
        let change = ConversationChange {
            snooze: Some(until),
            ..Default::default()
        };
        self.change_by(staff, id, change).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snooze_time_is_rfc3339_in_the_future_within_a_year() {
        let now = Utc::now();
        let soon = (now + Duration::hours(1)).to_rfc3339();
        assert!(parse_until(&soon, now).is_ok());
        assert!(parse_until("2026-12-01T09:00:00+01:00", now - Duration::days(400)).is_err());
        for bad in ["tomorrow", "", "2026-13-01T09:00:00Z"] {
            assert_eq!(parse_until(bad, now).unwrap_err().code(), "invalid_snooze");
        }
        let past = (now - Duration::seconds(1)).to_rfc3339();
        assert_eq!(parse_until(&past, now).unwrap_err().code(), "invalid_snooze");
        let far = (now + Duration::days(MAX_SNOOZE_DAYS + 1)).to_rfc3339();
        assert!(parse_until(&far, now).is_err());
    }

    #[test]
    fn open_work_hides_snoozed_cases_unless_asked() {
        assert_eq!(snooze_filter(None, true).unwrap(), SnoozeFilter::Hide);
        assert_eq!(snooze_filter(None, false).unwrap(), SnoozeFilter::Include);
        assert_eq!(snooze_filter(Some("only"), true).unwrap(), SnoozeFilter::Only);
        assert_eq!(
            snooze_filter(Some("include"), true).unwrap(),
            SnoozeFilter::Include
        );
        assert!(snooze_filter(Some("never"), true).is_err());
    }
}
