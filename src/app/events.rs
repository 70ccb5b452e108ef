//! What a workflow tells the user while it runs, as data: an [`Event`] sent to an [`Events`]
//! sink. The terminal's sink is `commands`' (spinners on a terminal, lines on stderr); the unit
//! tests (`app/tests.rs`) drive workflows against one that keeps them in memory.

use std::sync::Arc;

pub(crate) use crate::event::Event;
use crate::event::Read;
use crate::retry::Progress;

/// Where a workflow's events go. `retries` is the sink of the retry loops' waits
/// (`retry::Progress`), handed to the AWS and Genesys Cloud clients.
pub(crate) trait Events: Send + Sync {
    fn event(&self, event: Event);
    fn retries(&self) -> Arc<dyn Progress>;
}

impl dyn Events + '_ {
    /// Sends each of `events`.
    pub(crate) fn all(&self, events: impl IntoIterator<Item = Event>) {
        for e in events {
            self.event(e);
        }
    }

    /// Runs `work` between [`Event::Reading`] of `what` and [`Event::ReadDone`].
    pub(crate) async fn reading<T>(
        &self,
        what: Read,
        work: impl std::future::Future<Output = T>,
    ) -> T {
        self.event(Event::Reading(what));
        let out = work.await;
        self.event(Event::ReadDone);
        out
    }
}
