//! What a workflow tells the user while it runs, as data: an [`Event`] sent to an [`Events`]
//! sink. The terminal's sink is `commands`' (spinners on a terminal, lines on stderr); tests
//! drive workflows against [`Recorded`], which keeps them in memory.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::core::change_set::Side;
use crate::core::describe::ChangeView;
use crate::core::lint::Finding;
use crate::retry::{Progress, Quiet};

/// One thing a workflow says while it runs. Results are not events: a workflow returns them.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Waiting on AWS or Genesys Cloud starts (a spinner on a terminal, nothing otherwise).
    Reading(String),
    /// The wait goes on, now for this (the live probe's current step).
    Step(String),
    /// The wait is over.
    ReadDone,
    /// A wait over `total` items starts (the accounts of an organization's audit).
    Counting { total: usize },
    /// One more of them is done.
    Counted,
    /// Read a side's state, with how long it took and what was read (`-v`).
    ReadTimed {
        what: String,
        elapsed: Duration,
        detail: String,
    },
    /// A write starts: its side, its place among the side's writes and what it changes.
    WriteStarted {
        side: Side,
        index: usize,
        total: usize,
        change: ChangeView,
    },
    /// Something the user should know (`note: …`).
    Note(String),
    /// Something the user should look at (`warning: …`), with what to do about it.
    Warning {
        message: String,
        hint: Option<String>,
    },
    /// A line of information on its own (what was written, retried or recovered).
    Said(String),
}

impl Event {
    /// Lint-style warnings (config notices, weakened properties) as events.
    pub fn warnings(findings: &[Finding]) -> impl Iterator<Item = Event> + '_ {
        findings.iter().map(|w| Event::Warning {
            message: w.message.clone(),
            hint: w.hint.clone(),
        })
    }
}

/// Where a workflow's events go. `retries` is the sink of the retry loops' waits
/// (`retry::Progress`), handed to the AWS and Genesys Cloud clients.
pub trait Events: Send + Sync {
    fn event(&self, event: Event);
    fn retries(&self) -> Arc<dyn Progress>;
}

impl dyn Events + '_ {
    /// Sends each of `events`.
    pub fn all(&self, events: impl IntoIterator<Item = Event>) {
        for e in events {
            self.event(e);
        }
    }

    /// Runs `work` between [`Event::Reading`] and [`Event::ReadDone`].
    pub async fn reading<T>(
        &self,
        what: impl Into<String>,
        work: impl std::future::Future<Output = T>,
    ) -> T {
        self.event(Event::Reading(what.into()));
        let out = work.await;
        self.event(Event::ReadDone);
        out
    }
}

/// An in-memory sink: every event kept, in order (tests, and anything that reports later).
#[derive(Debug, Default)]
pub struct Recorded {
    events: Mutex<Vec<Event>>,
}

impl Recorded {
    /// The events so far.
    pub fn events(&self) -> Vec<Event> {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Events for Recorded {
    fn event(&self, event: Event) {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(event);
    }

    fn retries(&self) -> Arc<dyn Progress> {
        Arc::new(Quiet)
    }
}
