//! The prover's budget, counted in steps (units of work), never in time: the same input gets
//! the same verdict on a busy 2-core CI runner as on a laptop.
//!
//! Sits under `prove`. A step is one automaton state explored (`automaton`), one request head
//! or Deny assignment tried, or one per-key question solved (`search`). A caller that wants a
//! wall-clock cap as well (the `prove` command's `--budget-ms`) passes a stop flag it sets
//! itself: the prover reads the flag, never a clock.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// How much work one proof (one side: trust or invoke) may do before it answers `unknown`.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Units of work.
    pub(crate) steps: u64,
    /// Set by the caller to stop early (a wall-clock cap of its own); `unknown` then.
    pub(crate) stop: Option<Arc<AtomicBool>>,
}

impl Budget {
    /// Enough for every policy in the project's corpora and reference inputs with a wide margin
    /// (`src/prove/tests/corpus.rs`, `src/prove/tests/speed.rs`), small enough to
    /// stop a pathological policy in seconds.
    pub const DEFAULT_STEPS: u64 = 20_000_000;

    /// A budget of `steps` search steps, also stopped when `stop` is set (a wall-clock cap
    /// the caller keeps itself).
    pub const fn new(steps: u64, stop: Option<Arc<AtomicBool>>) -> Budget {
        Budget { steps, stop }
    }
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(Budget::DEFAULT_STEPS, None)
    }
}

/// Why a search stopped without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exhausted;

/// The running count of one proof.
#[derive(Debug)]
pub(crate) struct Meter {
    budget: Budget,
    used: Cell<u64>,
    stopped: Cell<bool>,
}

impl Meter {
    pub(crate) fn new(budget: Budget) -> Meter {
        Meter {
            budget,
            used: Cell::new(0),
            stopped: Cell::new(false),
        }
    }

    /// Spends `n` steps; `Err` once the budget is spent or the caller's flag is set.
    pub(crate) fn spend(&self, n: u64) -> Result<(), Exhausted> {
        let used = self.used.get().saturating_add(n);
        self.used.set(used);
        // The flag is read every 1024 steps: an atomic load, cheap but not free.
        if let Some(flag) = &self.budget.stop {
            if used % 1024 < n.max(1) && flag.load(Ordering::Relaxed) {
                self.stopped.set(true);
            }
        }
        if used > self.budget.steps || self.stopped.get() {
            return Err(Exhausted);
        }
        Ok(())
    }

    /// Why a search named `what` stopped: the budget (or the caller's flag), or else the
    /// automaton's own state limit.
    pub(crate) fn stopped(&self, what: &str) -> String {
        if self.stopped.get() || self.used.get() > self.budget.steps {
            format!("the {what} search stopped: {}", self.reason())
        } else {
            format!("the {what} search exceeded its state limit")
        }
    }

    /// The `unknown` reason once [`Meter::spend`] failed.
    pub(crate) fn reason(&self) -> String {
        if self.stopped.get() {
            "the caller's wall-clock cap stopped the search".to_owned()
        } else {
            format!("the step budget ({} steps) ran out", self.budget.steps)
        }
    }
}
