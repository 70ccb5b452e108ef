//! Progress on stderr while the commands wait on AWS or Genesys Cloud: a spinner, a bar over
//! accounts, a line per write. indicatif draws only when stderr is a terminal, so logs and CI
//! output stay clean.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A spinner with `msg` and the time elapsed.
pub(super) fn spinner(msg: &str) -> ProgressBar {
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
pub(super) fn accounts_bar(total: usize) -> ProgressBar {
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
