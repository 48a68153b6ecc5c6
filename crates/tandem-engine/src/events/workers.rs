//! Workers that follow the event log from a cursor kept in the database (article drafts, reply
//! scores): each reads the events committed after its cursor, a batch at a time, and moves the
//! cursor past every batch it handled, so a restart goes on where it stopped and the events another
//! instance committed are handled too.

use tandem_core::event::Event;

use super::Events;
use crate::Result;

/// How many events a worker reads at a time.
const EVENT_BATCH: i64 = 500;

/// The workers that follow the log, each with its own cursor.
#[derive(Clone, Copy, Debug)]
pub(crate) enum LogWorker {
    /// Article drafts from resolved conversations.
    Drafts,
    /// The soft-skill scores of agents' replies.
    Scoring,
}

/// A worker's place in the log: [`Log::next`] reads the next batch after the cursor, and
/// [`Log::handled`] moves the cursor past it.
pub(crate) struct Log<'e> {
    events: Events<'e>,
    worker: LogWorker,
    after: i64,
    /// The last batch was short: nothing more to read now.
    done: bool,
}

impl<'e> Events<'e> {
    /// Where `worker` stopped in the log.
    pub(crate) async fn follow(self, worker: LogWorker) -> Result<Log<'e>> {
        let store = &self.engine.store;
        let after = match worker {
            LogWorker::Drafts => store.draft_cursor().await?,
            LogWorker::Scoring => store.quality_cursor().await?,
        };
        Ok(Log {
            events: self,
            worker,
            after,
            done: false,
        })
    }
}

impl Log<'_> {
    /// The next batch of events after the cursor, in `seq` order; `None` when there is none.
    pub(crate) async fn next(&mut self) -> Result<Option<Vec<Event>>> {
        if self.done {
            return Ok(None);
        }
        let events = self
            .events
            .engine
            .store
            .events_after(self.after, EVENT_BATCH)
            .await?;
        self.done = i64::try_from(events.len()).unwrap_or(i64::MAX) < EVENT_BATCH;
        Ok(Some(events).filter(|e| !e.is_empty()))
    }

    /// Moves the cursor past `batch`, which the worker handled (logging what it could not do:
    /// an event is handed over once).
    pub(crate) async fn handled(&mut self, batch: &[Event]) -> Result<()> {
        let Some(last) = batch.last().map(|e| e.seq) else {
            return Ok(());
        };
        let store = &self.events.engine.store;
        match self.worker {
            LogWorker::Drafts => store.advance_draft_cursor(last).await?,
            LogWorker::Scoring => store.advance_quality_cursor(last).await?,
        }
        self.after = last;
        Ok(())
    }
}
