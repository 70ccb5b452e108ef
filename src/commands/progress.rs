//! The terminal's sink of the workflows' events ([`Terminal`]): a spinner or a bar over
//! accounts while they wait on AWS or Genesys Cloud, a line per write, notes and warnings, the
//! waits of retried calls. indicatif draws only when stderr is a terminal, so logs and CI output
//! stay clean.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::invocation::Output;
use crate::app::{Event, Events};
use crate::report::WriteStarted;
use crate::retry::{Progress, Waiting};

/// The events of one run, on stderr.
pub(super) struct Terminal {
    output: Output,
    /// The spinner or bar now drawn, if any.
    bar: Mutex<Option<ProgressBar>>,
    retries: Arc<dyn Progress>,
}

impl Terminal {
    pub(super) fn new(output: Output, verbose: bool) -> Terminal {
        Terminal {
            output,
            bar: Mutex::new(None),
            retries: retries(verbose),
        }
    }

    /// Draws `pb` in place of the one drawn before (or, with `None`, clears it).
    fn draw(&self, pb: Option<ProgressBar>) {
        let mut bar = self.bar.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = std::mem::replace(&mut *bar, pb) {
            old.finish_and_clear();
        }
    }

    fn with_bar(&self, f: impl FnOnce(&ProgressBar)) {
        if let Some(pb) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            f(pb);
        }
    }
}

impl Events for Terminal {
    fn event(&self, event: Event) {
        match event {
            Event::Reading(what) => self.draw(Some(spinner(&what))),
            Event::Step(what) => self.with_bar(|pb| pb.set_message(what)),
            Event::ReadDone => self.draw(None),
            Event::Counting { total } => self.draw(Some(accounts_bar(total))),
            Event::Counted => self.with_bar(|pb| pb.inc(1)),
            Event::ReadTimed {
                what,
                elapsed,
                detail,
            } => eprintln!(
                "read {what} state in {:.2}s ({detail})",
                elapsed.as_secs_f64()
            ),
            Event::WriteStarted {
                side,
                index,
                total,
                change,
            } => {
                let started = WriteStarted {
                    side,
                    index,
                    total,
                    change: &change,
                };
                eprintln!("{}", started.line());
            }
            Event::Note(note) => self.output.note(&note),
            Event::Warning { message, hint } => self.output.warning(&message, hint.as_deref()),
            Event::Said(line) => eprintln!("{line}"),
        }
    }

    fn retries(&self) -> Arc<dyn Progress> {
        self.retries.clone()
    }
}

/// A spinner with `msg` and the time elapsed.
fn spinner(msg: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.set_message(msg.to_string());
    pb.enable_steady_tick(Duration::from_millis(100));
    pb
}

/// A bar over the accounts of an organization's audit, drawn only on a terminal.
fn accounts_bar(total: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(total as u64);
    pb.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} accounts audited ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb
}

/// A server-requested wait this long or longer is always said, on a line of its own.
const ANNOUNCE_WAIT: Duration = Duration::from_secs(5);

/// The waits of retried calls: on a terminal a spinner ("still waiting for Genesys Cloud:
/// attempt 3 of 8, 12 s …") cleared when the call ends; elsewhere a line per wait at `-v`.
/// A wait the server asked for (`Retry-After`, a used-up rate-limit window) of 5 s or more is
/// said in any case.
fn retries(verbose: bool) -> Arc<dyn Progress> {
    Arc::new(RetryProgress {
        terminal: std::io::stderr().is_terminal(),
        verbose,
        bar: Mutex::new(None),
    })
}

struct RetryProgress {
    terminal: bool,
    verbose: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Progress for RetryProgress {
    fn waiting(&self, w: &Waiting) {
        if w.asked && w.wait.wait >= ANNOUNCE_WAIT {
            eprintln!("{}", asked_line(w));
            return;
        }
        let line = waiting_line(w);
        if self.terminal {
            let mut bar = self.bar.lock().unwrap_or_else(|e| e.into_inner());
            bar.get_or_insert_with(|| {
                let pb = ProgressBar::new_spinner();
                pb.set_style(
                    ProgressStyle::with_template("{spinner} {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                pb.enable_steady_tick(Duration::from_millis(100));
                pb
            })
            .set_message(line);
        } else if self.verbose {
            eprintln!("{line}");
        }
    }

    fn settled(&self) {
        if let Some(pb) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
            pb.finish_and_clear();
        }
    }
}

/// `Genesys Cloud rate limit (Retry-After): waiting 45 s before GET /api/v2/…`.
fn asked_line(w: &Waiting) -> String {
    let why = if w.cause == "429" {
        "Retry-After"
    } else {
        "rate-limit window used up"
    };
    format!(
        "{} rate limit ({why}): waiting {} s before {}",
        w.service,
        w.wait.wait.as_secs(),
        w.request
    )
}

/// `still waiting for Genesys Cloud: attempt 3 of 8, 2 s (503 on GET /api/v2/…; next in 0.8 s)`.
fn waiting_line(w: &Waiting) -> String {
    let t = w.wait;
    if t.attempt == 0 {
        return format!(
            "waiting {:.1} s for {}'s {} before {}",
            t.wait.as_secs_f64(),
            w.service,
            w.cause,
            w.request
        );
    }
    format!(
        "still waiting for {}: attempt {} of {}, {} s ({} on {}; next in {:.1} s)",
        w.service,
        t.attempt + 1,
        t.max_attempts,
        t.elapsed.as_secs(),
        w.cause,
        w.request,
        t.wait.as_secs_f64()
    )
}
