//! After the audit: `--unused-days` (stale partner roles, `crates/audit/src/usage.rs`), then
//! `audit --baseline FILE` and `--write-baseline FILE`: the file read (TOML, or JSON by its
//! `.json` extension) and applied to an audit's report with today's date, and a baseline
//! started from a report's findings. The matching is `crates/audit/src/baseline.rs`'s.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};

use super::audit::Audited;
use crate::error::{Error, Result};
use lambda_trust_audit::{
    apply_baseline, parse_baseline, write_baseline, AccountOutcome, Baseline,
};

/// Reads and parses `--baseline FILE`.
pub(crate) fn read(path: &Path) -> Result<Baseline> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::usage(
            format!("cannot read --baseline {}: {e}", path.display()),
            "give a baseline file (audit --write-baseline FILE starts one)",
        )
    })?;
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    parse_baseline(&text, json).map_err(|e| {
        Error::usage(
            format!("--baseline {}: {}", path.display(), e.message),
            e.hint.unwrap_or_default(),
        )
    })
}

/// `--unused-days`: an `unused-partner-role` finding on each reported role not used for `days`
/// days by `now` (before the baseline, which may accept them).
pub(crate) fn mark_unused(audited: &mut Audited, now: DateTime<Utc>, days: u32) {
    match audited {
        Audited::Account(report) => lambda_trust_audit::mark_unused(report, now, days),
        Audited::Org(org) => {
            for a in &mut org.accounts {
                if let AccountOutcome::Report(r) = a {
                    lambda_trust_audit::mark_unused(r, now, days);
                }
            }
        }
        Audited::Iac(_) => {}
    }
}

/// Marks the suppressed findings of `audited` and records the expired and stale entries.
/// An infrastructure-as-code audit has no baseline (refused by the command).
pub(crate) fn apply(audited: &mut Audited, baseline: &Baseline, today: NaiveDate) {
    match audited {
        Audited::Account(report) => {
            report.baseline = Some(apply_baseline(baseline, [&mut *report], today));
        }
        Audited::Org(org) => {
            let reports = org.accounts.iter_mut().filter_map(|a| match a {
                AccountOutcome::Report(r) => Some(r),
                AccountOutcome::Error { .. } => None,
            });
            org.baseline = Some(apply_baseline(baseline, reports, today));
        }
        Audited::Iac(_) => {}
    }
}

/// `--write-baseline FILE`: every finding of the report accepted, to be given its reason.
pub(crate) fn write(audited: &Audited, path: &Path, today: NaiveDate) -> Result<usize> {
    let reason = format!("accepted by audit --write-baseline on {today}: write the real reason");
    let text = match audited {
        Audited::Account(report) => write_baseline([report], &reason),
        Audited::Org(org) => write_baseline(
            org.accounts.iter().filter_map(|a| match a {
                AccountOutcome::Report(r) => Some(r),
                AccountOutcome::Error { .. } => None,
            }),
            &reason,
        ),
        Audited::Iac(_) => (String::new(), 0),
    };
    super::files::write_atomically(path, &text.0)?;
    Ok(text.1)
}
