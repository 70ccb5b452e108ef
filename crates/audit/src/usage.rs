//! Stale partner roles: a role a partner can assume that has not been used for `--unused-days`
//! days is an `unused-partner-role` finding.
//!
//! The data is IAM's `RoleLastUsed` (date and region of the last use) and the role's
//! `CreateDate`, both in the `GetAccountAuthorizationDetails` answer the audit already reads
//! (IAM API Reference, RoleDetail). IAM reports use for the trailing 400 days only (RoleLastUsed:
//! "Activity is only reported for the trailing 400 days"; a null `LastUsedDate` means no use in
//! that period), and recent activity usually appears within four hours (IAM User Guide,
//! "Refining permissions in AWS using last accessed information"): a role used in the last few
//! hours may read as older, never the other way.
//!
//! Part of the pure auditor: the time is passed in.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{sort_roles, AccountReport, Code, Finding};

/// IAM's tracking period for `RoleLastUsed`.
pub(crate) const TRACKING_DAYS: i64 = 400;

/// What IAM says of a role's use (RFC 3339 times, as the API and the CLI give them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleUsage {
    /// `CreateDate`.
    pub created: Option<String>,
    /// `RoleLastUsed.LastUsedDate`: absent when the role was not used in the tracking period.
    pub last_used: Option<String>,
    /// `RoleLastUsed.Region`.
    pub last_used_region: Option<String>,
}

fn time(text: Option<&str>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text?).ok().map(|t| t.to_utc())
}

/// The `unused-partner-role` message for a role, or `None` while it is in use (or too new to
/// tell): used within `days` days of `now`, or created within them.
pub fn unused_message(usage: &RoleUsage, now: DateTime<Utc>, days: u32) -> Option<String> {
    let age = |t: DateTime<Utc>| (now - t).num_days();
    let days = i64::from(days);
    if let Some(last) = time(usage.last_used.as_deref()) {
        let region =
            (usage.last_used_region.as_deref()).map_or(String::new(), |r| format!(" in {r}"));
        return (age(last) >= days).then(|| {
            format!(
                "not used for {} days (last used {}{region}); the partner can still assume it",
                age(last),
                last.format("%Y-%m-%d")
            )
        });
    }
    let created = time(usage.created.as_deref());
    if created.is_some_and(|c| age(c) < days) {
        return None;
    }
    Some(match created {
        Some(c) if age(c) <= TRACKING_DAYS => format!(
            "never used since it was created on {} ({} days ago); the partner can still assume it",
            c.format("%Y-%m-%d"),
            age(c)
        ),
        Some(c) => format!(
            "not used in the {TRACKING_DAYS} days IAM tracks (created on {}; RoleLastUsed is empty): unused for at least {TRACKING_DAYS} days, maybe never used",
            c.format("%Y-%m-%d")
        ),
        None => format!(
            "no use recorded (RoleLastUsed is empty; IAM tracks the trailing {TRACKING_DAYS} days)"
        ),
    })
}

/// Adds an `unused-partner-role` finding to each reported role not used for `days` days, from
/// the usage the audit read with it (a role without usage data gets none: nothing is known).
pub fn mark_unused(report: &mut AccountReport, now: DateTime<Utc>, days: u32) {
    for role in &mut report.roles {
        let Some(message) = (role.usage.as_ref()).and_then(|u| unused_message(u, now, days)) else {
            continue;
        };
        role.findings
            .push(Finding::new(Code::UnusedPartnerRole, message, None));
        role.findings.sort_by_key(|f| (f.severity, f.code));
    }
    sort_roles(&mut report.roles);
}
