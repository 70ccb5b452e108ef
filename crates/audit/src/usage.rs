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

use super::account::RoleUsage;
use super::audit::sort_roles;
use super::findings::{Code, Finding};
use super::report::AccountReport;
use chrono::{DateTime, Utc};

/// IAM's tracking period for `RoleLastUsed`.
pub(crate) const TRACKING_DAYS: i64 = 400;

fn time(text: Option<&str>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text?).ok().map(|t| t.to_utc())
}

/// The `unused-partner-role` message for a role, or `None` while it is in use (or too new to
/// tell): used within `days` days of `now`, or created within them.
pub(crate) fn unused_message(usage: &RoleUsage, now: DateTime<Utc>, days: u32) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(t: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(t).unwrap().to_utc()
    }
    fn usage(created: Option<&str>, last: Option<&str>) -> RoleUsage {
        RoleUsage {
            created: created.map(str::to_owned),
            last_used: last.map(str::to_owned),
            last_used_region: last.map(|_| "us-east-1".to_owned()),
        }
    }

    #[test]
    fn a_role_unused_for_120_days_is_reported_and_a_used_or_new_one_is_not() {
        let now = at("2026-05-20T00:00:00Z");
        let old = Some("2025-06-01T09:00:00+00:00");
        let msg = |u: RoleUsage, days| unused_message(&u, now, days);
        let m = msg(usage(old, Some("2026-01-20T00:00:00Z")), 90).expect("120 days > 90");
        assert!(
            m.starts_with("not used for 120 days (last used 2026-01-20 in us-east-1)"),
            "{m}"
        );
        assert_eq!(msg(usage(old, Some("2026-01-20T00:00:00Z")), 121), None);
        assert_eq!(msg(usage(old, Some("2026-05-19T08:00:00Z")), 90), None);
        let m = msg(usage(Some("2025-11-01T09:00:00Z"), None), 90).unwrap();
        assert!(
            m.starts_with("never used since it was created on 2025-11-01 (199 days ago)"),
            "{m}"
        );
        assert_eq!(
            msg(usage(Some("2026-05-01T09:00:00Z"), None), 90),
            None,
            "too new to tell"
        );
        let m = msg(usage(Some("2024-01-01T00:00:00Z"), None), 90).unwrap();
        assert!(m.contains("at least 400 days, maybe never used"), "{m}");
        let m = msg(usage(None, None), 90).unwrap();
        assert!(m.starts_with("no use recorded"), "{m}");
    }
}
