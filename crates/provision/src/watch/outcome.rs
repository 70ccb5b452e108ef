//! How one invocation of a watch ended ([`WatchOutcome`]), read off its record — whichever the
//! watch's scope — as a test runner's final statistics are read off its run: what Lambda is
//! answered. A run that leaves anything unseen is never answered healthy.

use crate::watch::organization::record::{OrgAccountRecord, OrgWatchRecord, ReRead};
use crate::watch::record::{Published, WatchRecord};

/// How a run of the watch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchOutcome {
    /// Everything the event asked for was re-proved and published.
    Seen,
    /// The run's findings could not be published (its record says why).
    NotPublished,
    /// Something was left unseen: an account not read, its findings not published, a re-read
    /// that failed, or a sweep that did not reach every account.
    NotReproved,
}

impl From<&WatchRecord> for WatchOutcome {
    fn from(record: &WatchRecord) -> WatchOutcome {
        match record.published {
            Published::SecurityHub(_) => WatchOutcome::Seen,
            Published::Error(_) => WatchOutcome::NotPublished,
        }
    }
}

impl From<&OrgWatchRecord> for WatchOutcome {
    fn from(record: &OrgWatchRecord) -> WatchOutcome {
        let unseen = |a: &OrgAccountRecord| {
            a.error.is_some()
                || matches!(a.published, Some(Published::Error(_)) | None)
                || matches!(a.again, Some(ReRead::Failed { .. }))
        };
        let unswept =
            (record.swept.as_ref()).is_some_and(|s| s.error.is_some() || !s.failed.is_empty());
        // A guardrail not read, or its finding not published, is never healthy.
        let unguarded = (record.guardrail.as_ref())
            .is_some_and(|g| g.error.is_some() || matches!(g.published, Some(Published::Error(_))));
        match unswept || unguarded || record.accounts.iter().any(unseen) {
            true => WatchOutcome::NotReproved,
            false => WatchOutcome::Seen,
        }
    }
}
