//! What a workflow tells the user while it runs, as plain data: the application floor
//! sends each [`Event`] to its sink (`app::Events`), `report::events` renders it as a line for
//! people or as one line of JSON (`--progress json`). Results are not events: a workflow
//! returns them.

use crate::retry::Waiting;
use lambda_trust_provision::{ChangeView, LintFinding, Side};
use std::time::Duration;

/// One thing a workflow says while it runs. Results are not events: a workflow returns them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Event {
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
    /// Calls to `service` were retried: how many, and per cause how often (`429 ×2`).
    Retried {
        service: &'static str,
        calls: usize,
        causes: Vec<(String, usize)>,
    },
    /// A write's answer was lost; the object it made was found and kept, not made twice.
    Recovered { service: &'static str, what: String },
    /// A line of information on its own (what was written or read).
    Said(String),
    /// One invocation of the watching function: its record (the function's log line).
    WatchRun(Box<lambda_trust_provision::WatchRecord>),
    /// A call waits before its next attempt (a retried call, or a pause the server asked for).
    Waiting(Waiting),
    /// The call that waited has ended, answered or given up.
    Settled,
}

impl Event {
    /// Lint-style warnings (config notices, weakened properties) as events.
    pub(crate) fn warnings(findings: &[LintFinding]) -> impl Iterator<Item = Event> + '_ {
        findings.iter().map(|w| Event::Warning {
            message: w.message.clone(),
            hint: w.hint.clone(),
        })
    }
}
