//! The terminal's sink of the workflows' events ([`Terminal`]): a spinner or a bar over
//! accounts while they wait on AWS or Genesys Cloud, a line per write, notes and warnings, the
//! waits of retried calls. indicatif draws only when stderr is a terminal, so logs and CI output
//! stay clean. Both spinners are lines of one `MultiProgress`, hidden while a line is said, so
//! no spinner is left behind above a result or a warning.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::invocation::Output;
use crate::app::{Event, Events};
use crate::report;
use crate::retry::{Progress, Waiting};

/// The events of one run, on stderr. Shared with the retry loops (their waits are events too).
pub(super) struct Terminal {
    sink: Arc<Sink>,
}

impl Terminal {
    pub(super) fn new(output: Output, verbose: bool) -> Terminal {
        let terminal = std::io::stderr().is_terminal() && !output.json_progress;
        let target = ProgressDrawTarget::stderr();
        Terminal {
            sink: Arc::new(Sink::new(output, verbose, terminal, target)),
        }
    }
}

struct Sink {
    output: Output,
    verbose: bool,
    /// Spinners are drawn (stderr is a terminal, and not `--progress json`).
    terminal: bool,
    /// Where both spinners are drawn, one line each.
    multi: MultiProgress,
    /// The spinner or bar of a read now drawn, if any.
    bar: Mutex<Option<ProgressBar>>,
    /// The spinner of a retried call's wait, if any.
    wait_bar: Mutex<Option<ProgressBar>>,
    /// Without a terminal: when a retried call's wait was last said on a line of its own.
    last_wait_line: Mutex<Option<Instant>>,
}

/// Without a terminal (CI, a log), a retried call's waits are said on a line at most this
/// often, so a hanging endpoint is visible without flooding the log.
const WAIT_LINE_EVERY: Duration = Duration::from_secs(10);

impl Sink {
    fn new(output: Output, verbose: bool, terminal: bool, target: ProgressDrawTarget) -> Sink {
        Sink {
            output,
            verbose,
            terminal,
            multi: MultiProgress::with_draw_target(target),
            bar: Mutex::new(None),
            wait_bar: Mutex::new(None),
            last_wait_line: Mutex::new(None),
        }
    }

    /// Puts `pb` in `slot` in place of the one drawn before (or, with `None`, clears it).
    fn draw(&self, slot: &Mutex<Option<ProgressBar>>, pb: Option<ProgressBar>) {
        let mut bar = slot.lock().unwrap_or_else(|e| e.into_inner());
        // Ticking starts once the bar draws through the multi: a tick before would draw on
        // stderr a line the multi does not know of, and so never clears.
        let pb = pb.map(|pb| self.multi.add(pb));
        if let Some(pb) = pb.as_ref().filter(|pb| pb.length().is_none()) {
            pb.enable_steady_tick(Duration::from_millis(100));
        }
        if let Some(old) = std::mem::replace(&mut *bar, pb) {
            old.finish_and_clear();
            self.multi.remove(&old);
        }
    }

    /// A line said with the spinners hidden, then drawn again below it.
    fn say(&self, event: &Event) {
        self.multi.suspend(|| self.output.event(event));
    }
}

fn with_bar(slot: &Mutex<Option<ProgressBar>>, f: impl FnOnce(&ProgressBar)) {
    if let Some(pb) = slot.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
        f(pb);
    }
}

impl Sink {
    fn event(&self, event: Event) {
        if self.output.json_progress {
            return self.output.event(&event);
        }
        match &event {
            Event::Reading(read) => {
                let what = || spinner(&report::event_words::reading(read));
                self.draw(&self.bar, self.terminal.then(what))
            }
            Event::Step(step) => with_bar(&self.bar, |pb| {
                let what = report::event_words::step(step);
                pb.set_message(report::printable(&what).into_owned())
            }),
            Event::ReadDone => self.draw(&self.bar, None),
            Event::Counting { total } => {
                self.draw(&self.bar, self.terminal.then(|| accounts_bar(*total)))
            }
            Event::Counted => with_bar(&self.bar, |pb| pb.inc(1)),
            Event::Waiting(w) => self.waiting(w),
            Event::Settled => self.draw(&self.wait_bar, None),
            _ => self.say(&event),
        }
    }

    /// A retried call's wait: said on a line when the server asked for a long one; else on a
    /// spinner (a terminal), or a line at `-v`.
    fn waiting(&self, w: &Waiting) {
        // The request and cause name what servers answered: printable, as every event line.
        let line = report::printable(&report::events::waiting_line(w)).into_owned();
        if report::events::always_said(w) || (!self.terminal && self.verbose) {
            return self.multi.suspend(|| self.output.say(&line));
        }
        if !self.terminal && self.wait_line_due() {
            return self.output.say(&line);
        }
        if self.terminal {
            let mut bar = self.wait_bar.lock().unwrap_or_else(|e| e.into_inner());
            bar.get_or_insert_with(|| {
                let pb = self.multi.add(ProgressBar::with_draw_target(
                    None,
                    ProgressDrawTarget::hidden(),
                ));
                pb.set_style(
                    ProgressStyle::with_template("{spinner} {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                pb.enable_steady_tick(Duration::from_millis(100));
                pb
            })
            .set_message(line);
        }
    }
}

impl Sink {
    /// Whether a wait may be said on a line now (none said in the last [`WAIT_LINE_EVERY`]).
    fn wait_line_due(&self) -> bool {
        let mut last = self
            .last_wait_line
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let due = last.is_none_or(|t| t.elapsed() >= WAIT_LINE_EVERY);
        if due {
            *last = Some(Instant::now());
        }
        due
    }
}

impl Progress for Sink {
    fn waiting(&self, w: &Waiting) {
        self.event(Event::Waiting(w.clone()));
    }

    fn settled(&self) {
        self.event(Event::Settled);
    }
}

impl Events for Terminal {
    fn event(&self, event: Event) {
        self.sink.event(event);
    }

    fn retries(&self) -> Arc<dyn Progress> {
        self.sink.clone()
    }
}

/// A spinner with `msg` and the time elapsed, drawing nowhere until the multi takes it.
fn spinner(msg: &str) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.set_message(report::printable(msg).into_owned());
    pb
}

/// A bar over the accounts of an organization's audit.
fn accounts_bar(total: usize) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
    pb.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} accounts audited ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb
}
