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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::watch::organization::change::OrgChange;
    use crate::watch::organization::record::{GuardrailWatched, SweptRecord};
    use lambda_trust_model::HubCounts;

    fn sent() -> Option<Published> {
        Some(Published::SecurityHub(HubCounts::default()))
    }

    fn refused() -> Option<Published> {
        Some(Published::Error("AccessDeniedException".into()))
    }

    fn account(
        error: Option<&str>,
        published: Option<Published>,
        again: Option<ReRead>,
    ) -> OrgAccountRecord {
        OrgAccountRecord {
            account: "222233334444".into(),
            role: None,
            roles: BTreeMap::new(),
            error: error.map(str::to_owned),
            published,
            calls: 3,
            watch_account: None,
            heard: None,
            again,
            ledger: None,
        }
    }

    fn swept(error: Option<&str>, failed: &[&str]) -> SweptRecord {
        SweptRecord {
            sweep: "s-1".into(),
            accounts: 2,
            put: 1,
            failed: (failed.iter())
                .map(|a| ((*a).to_owned(), "throttled".into()))
                .collect(),
            error: error.map(str::to_owned),
            skipped: 0,
            aggregator: None,
            not_narrowed: None,
            calls: 2,
        }
    }

    fn guardrail(error: Option<&str>, published: Option<Published>) -> GuardrailWatched {
        GuardrailWatched {
            policy: Some("p-guard".into()),
            failed: vec!["exclusivity: another org's ID gets in".into()],
            error: error.map(str::to_owned),
            published,
        }
    }

    fn record(
        accounts: Vec<OrgAccountRecord>,
        swept: Option<SweptRecord>,
        guardrail: Option<GuardrailWatched>,
    ) -> OrgWatchRecord {
        OrgWatchRecord {
            org_watch: 1,
            version: "0.1.0".into(),
            change: OrgChange::Sweep {
                why: "the schedule".into(),
            },
            accounts,
            swept,
            guardrail,
            spared: None,
        }
    }

    /// What an organization watch's run answers Lambda, by what its record holds: anything
    /// left unseen — an account not read, not published to, a re-read not asked, a sweep that
    /// did not reach every account, a guardrail not read or not published — is never healthy;
    /// a failed claim of the guardrail, published, is a finding, not a failure.
    #[test]
    fn a_run_is_seen_only_when_nothing_was_left_unseen() {
        use WatchOutcome::{NotReproved, Seen};
        let failed_again = || {
            Some(ReRead::Failed {
                why: "PutEvents".into(),
            })
        };
        let table: Vec<(&str, OrgWatchRecord, WatchOutcome)> = vec![
            ("nothing to do", record(vec![], None, None), Seen),
            (
                "an account read and published",
                record(vec![account(None, sent(), None)], None, None),
                Seen,
            ),
            (
                "an account not read",
                record(vec![account(Some("AccessDenied"), None, None)], None, None),
                NotReproved,
            ),
            (
                "its findings refused",
                record(vec![account(None, refused(), None)], None, None),
                NotReproved,
            ),
            (
                "read, nothing published",
                record(vec![account(None, None, None)], None, None),
                NotReproved,
            ),
            (
                "its re-read not asked",
                record(vec![account(None, sent(), failed_again())], None, None),
                NotReproved,
            ),
            (
                "a sweep put every event",
                record(vec![], Some(swept(None, &[])), None),
                Seen,
            ),
            (
                "a sweep missed an account",
                record(vec![], Some(swept(None, &["333344445555"])), None),
                NotReproved,
            ),
            (
                "a sweep that failed",
                record(vec![], Some(swept(Some("ListAccounts"), &[])), None),
                NotReproved,
            ),
            (
                "a guardrail failing, published",
                record(vec![], None, Some(guardrail(None, sent()))),
                Seen,
            ),
            (
                "a guardrail not read",
                record(vec![], None, Some(guardrail(Some("ListRoots"), None))),
                NotReproved,
            ),
            (
                "its finding not published",
                record(vec![], None, Some(guardrail(None, refused()))),
                NotReproved,
            ),
        ];
        for (what, record, want) in table {
            assert_eq!(WatchOutcome::from(&record), want, "{what}");
        }
    }
}
