//! A baseline over the audit's reports: each finding an entry accepts marked suppressed, or
//! counting again past the entry's day ([`apply`]), and a baseline written from a run's
//! findings ([`write`]). The file itself is `baseline`'s.
//!
//! Part of the pure auditor: today's date is passed in.

use chrono::NaiveDate;

use super::baseline::{Baseline, BaselineOutcome, Entry};
use super::findings::{Finding, Suppression};
use super::report::AccountReport;

/// What a finding is about: the role it was found on, or a function of the account-wide scan.
#[derive(Debug, Clone, Copy)]
enum About<'a> {
    Role(&'a str),
    Function(&'a str),
}

impl Entry {
    /// A role entry matches the role's findings; a function entry the findings about that
    /// function — the account-wide scan's, and a role's own finding whose request is on it.
    fn matches(&self, about: About<'_>, f: &Finding) -> bool {
        let hit = |p: Option<&str>, arn: Option<&str>| {
            p.zip(arn)
                .is_some_and(|(p, arn)| lambda_trust_iam::wildcard_match(p, arn, false))
        };
        self.code == f.code
            && match about {
                About::Role(arn) => {
                    hit(self.role.as_deref(), Some(arn))
                        || hit(self.function.as_deref(), function_of(f))
                }
                About::Function(arn) => hit(self.function.as_deref(), Some(arn)),
            }
    }
}

/// The function a role's finding is about: its request's resource, when that is a function.
fn function_of(f: &Finding) -> Option<&str> {
    let resource = f.counterexample.as_ref()?["resource"].as_str()?;
    lambda_trust_iam::split_arn(resource)
        .is_some_and(|[_, _, service, ..]| service == "lambda")
        .then_some(resource)
}

/// Marks the findings of `reports` the baseline matches (the first matching entry decides);
/// `today` decides expiry.
pub fn apply<'a>(
    baseline: &Baseline,
    reports: impl IntoIterator<Item = &'a mut AccountReport>,
    today: NaiveDate,
) -> BaselineOutcome {
    let mut used = vec![false; baseline.suppress.len()];
    let mut outcome = BaselineOutcome::default();
    for report in reports {
        for role in &mut report.roles {
            for f in &mut role.findings {
                mark(
                    baseline,
                    About::Role(&role.arn),
                    f,
                    today,
                    &mut used,
                    &mut outcome,
                );
            }
        }
        for function in report.path.iter_mut().flat_map(|p| &mut p.functions) {
            for f in &mut function.findings {
                let about = About::Function(&function.function);
                mark(baseline, about, f, today, &mut used, &mut outcome);
            }
        }
    }
    for (entry, used) in baseline.suppress.iter().zip(used) {
        if !used {
            outcome.stale.push(entry.clone());
        } else if entry.expired(today) {
            outcome.expired.push(entry.clone());
        }
    }
    outcome
}

/// One finding marked by the first entry that matches it.
fn mark(
    baseline: &Baseline,
    about: About<'_>,
    f: &mut Finding,
    today: NaiveDate,
    used: &mut [bool],
    outcome: &mut BaselineOutcome,
) {
    let Some(i) = (baseline.suppress.iter()).position(|e| e.matches(about, f)) else {
        return;
    };
    used[i] = true;
    let entry = &baseline.suppress[i];
    let expired = entry.expired(today);
    outcome.suppressed += usize::from(!expired);
    f.suppression = Some(Suppression {
        reason: entry.reason.clone(),
        expires: entry.expires.clone(),
        expired,
    });
}

/// A baseline that accepts every finding of `reports` as it is today, one entry per role (or
/// function of the account-wide scan) and code, each with `reason` (to be replaced by the real
/// reasons), as TOML, with how many entries it holds.
pub fn write<'a>(
    reports: impl IntoIterator<Item = &'a AccountReport>,
    reason: &str,
) -> (String, usize) {
    let entry = |role: Option<&String>, function: Option<&String>, f: &Finding| Entry {
        role: role.cloned(),
        function: function.cloned(),
        code: f.code,
        reason: reason.to_owned(),
        expires: None,
    };
    let mut suppress = Vec::new();
    for report in reports {
        for r in &report.roles {
            suppress.extend(r.findings.iter().map(|f| entry(Some(&r.arn), None, f)));
        }
        for func in report.path.iter().flat_map(|p| &p.functions) {
            suppress.extend((func.findings.iter()).map(|f| entry(None, Some(&func.function), f)));
        }
    }
    let n = suppress.len();
    (
        toml::to_string(&Baseline { suppress }).unwrap_or_default(),
        n,
    )
}
