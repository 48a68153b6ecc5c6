//! Reading committed events: the feed for integrations and the replay for live clients that
//! reconnect.

use tandem_core::event::Event;
use tandem_core::permission::Permission;
use tandem_core::{Error, ErrorCode};

use super::Committed;
use crate::auth::Staff;
use crate::{Engine, Result};

/// Committed events: the feed, replay and the relay to live clients.
#[derive(Clone, Copy)]
pub struct Events<'e> {
    pub(crate) engine: &'e Engine,
}

/// The most events one page of the feed holds, and how many it holds by default.
pub const MAX_FEED_PAGE: i64 = 1000;
pub const DEFAULT_FEED_PAGE: i64 = 100;

/// The most events a reconnecting live client is replayed; a client further behind reloads.
pub const MAX_REPLAY: i64 = 1000;

/// What a reconnecting client missed.
#[derive(Clone, Debug)]
pub struct Replay {
    /// In `seq` order.
    pub events: Vec<Committed>,
    /// `false` when more were missed than a replay holds: the client must reload.
    pub complete: bool,
}

/// A page of the feed.
#[derive(Clone, Debug)]
pub struct FeedPage {
    pub events: Vec<Event>,
    /// The `seq` to ask after next: the last event's, or `after` itself when the page is empty.
    pub next_after: i64,
}

/// Reads `after` and `limit` as they arrive in a query string.
pub fn feed_position(after: Option<&str>, limit: Option<&str>) -> Result<(i64, i64)> {
    let after = match after.map(str::trim) {
        None | Some("") => 0,
        Some(text) => text.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            Error::invalid(
                ErrorCode::InvalidAfter,
                "after must be a sequence number (0 or more)",
            )
        })?,
    };
    let limit = crate::input::page_limit(
        limit.map(str::trim).filter(|t| !t.is_empty()),
        DEFAULT_FEED_PAGE,
        MAX_FEED_PAGE,
    )?;
    Ok((after, limit))
}

impl Events<'_> {
    /// The events committed after `after`, oldest first, at most `limit`.
    pub async fn feed(&self, staff: &Staff, after: i64, limit: i64) -> Result<FeedPage> {
        staff.require(Permission::ReadEventFeed)?;
        let events = self
            .engine
            .store
            .events_after(after, limit.clamp(1, MAX_FEED_PAGE))
            .await?;
        let next_after = events.last().map_or(after, |e| e.seq);
        Ok(FeedPage { events, next_after })
    }

    /// What a reconnecting live client missed: the committed events after `after` (at most
    /// [`MAX_REPLAY`]), joined for live clients, who decide what each audience sees.
    pub async fn replay(&self, after: i64) -> Result<Replay> {
        let mut events = self.engine.store.events_after(after, MAX_REPLAY + 1).await?;
        let complete = events.len() <= usize::try_from(MAX_REPLAY).unwrap_or(usize::MAX);
        if !complete {
            events.pop();
        }
        Ok(Replay {
            events: super::relay::join(self.engine.store.as_ref(), events).await?,
            complete,
        })
    }

    /// Publishes what was committed since the last time (the engine calls it after each write; the
    /// background job calls it to pick up other instances' events).
    pub async fn publish_committed(&self) {
        self.engine.relay.flush_quietly().await;
    }
}
