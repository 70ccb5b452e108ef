//! `audit --baseline FILE`: the findings a security team has accepted. An entry names what the
//! finding is about — a role or, for the account-wide scan of function policies, a function
//! (its ARN, or a pattern with `*` and `?`) —, a finding code, the reason and, optionally, the
//! last day it holds. A matched finding stays in every report, marked suppressed with its
//! reason, and no longer decides the exit code; after its expiry day the finding counts again
//! and says the entry expired; an entry that matches no finding is reported as stale.
//! `--write-baseline FILE` starts one from a run's findings.
//!
//! Part of the pure auditor: the file's text and today's date are passed in.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

// Through the face: the findings and the report hold this module's types, so their own paths
// would close a circle.
use super::{AccountReport, Code, Finding};

/// A baseline file: `[[suppress]]` entries (TOML) or `{"suppress": [...]}` (JSON).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// The `[[suppress]]` entries: each accepts the findings it matches until it expires.
    #[serde(default)]
    pub suppress: Vec<Entry>,
}

/// One accepted finding (or family of findings, through a pattern): about a role, or about a
/// function (the account-wide scan's `function-policy-open`, `function-policy-partner`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", schemars(extend("oneOf" = [{"required": ["role"]}, {"required": ["function"]}])))]
pub struct Entry {
    /// The role's ARN, or a pattern of it (`*` any characters, `?` one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub role: Option<String>,
    /// The function's ARN, or a pattern of it, for the findings of the account-wide scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub function: Option<String>,
    /// The finding code.
    pub code: Code,
    /// Why it is accepted.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub reason: String,
    /// The last day (UTC, `YYYY-MM-DD`) the entry holds; absent: no end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "schemars",
        schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))
    )]
    pub expires: Option<String>,
}

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

    /// The role or function pattern, for messages.
    pub fn subject(&self) -> &str {
        (self.role.as_deref())
            .or(self.function.as_deref())
            .unwrap_or_default()
    }

    /// The expiry day; `parse` refused any other text.
    fn last_day(&self) -> Option<NaiveDate> {
        (self.expires.as_deref()).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    }

    fn expired(&self, today: NaiveDate) -> bool {
        self.last_day().is_some_and(|day| today > day)
    }
}

/// The function a role's finding is about: its request's resource, when that is a function.
fn function_of(f: &Finding) -> Option<&str> {
    let resource = f.counterexample.as_ref()?["resource"].as_str()?;
    lambda_trust_iam::split_arn(resource)
        .is_some_and(|[_, _, service, ..]| service == "lambda")
        .then_some(resource)
}

/// How a baseline entry bears on a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct Suppression {
    /// The entry's reason.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub reason: String,
    /// The entry's last day (`YYYY-MM-DD`), if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The entry has expired: the finding is not suppressed any more and counts again.
    pub expired: bool,
}

/// What the baseline did in a run: the entries that matched nothing (stale) and those past
/// their day (expired), each once.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct BaselineOutcome {
    /// Findings suppressed (entries in force that matched).
    pub suppressed: usize,
    /// Entries past their `expires` day that matched a finding: it counts again.
    pub expired: Vec<Entry>,
    /// Entries that matched no finding: the role was fixed or is gone; delete them.
    pub stale: Vec<Entry>,
}

/// A baseline file's problem: where, and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BaselineError(pub String);

/// Parses a baseline: JSON when `json`, else TOML.
pub fn parse(text: &str, json: bool) -> Result<Baseline, BaselineError> {
    let parsed = if json {
        serde_json::from_str(text).map_err(|e| e.to_string())
    } else {
        toml::from_str(text).map_err(|e| e.to_string())
    };
    let baseline: Baseline = parsed.map_err(BaselineError)?;
    for (i, e) in baseline.suppress.iter().enumerate() {
        let at = format!("entry {} ({} {})", i + 1, e.subject(), e.code);
        if e.role.is_some() == e.function.is_some() {
            return Err(BaselineError(format!(
                "{at}: give exactly one of role and function"
            )));
        }
        if e.subject().trim().is_empty() || e.reason.trim().is_empty() {
            return Err(BaselineError(format!(
                "{at}: {} and reason must not be empty",
                if e.role.is_some() { "role" } else { "function" }
            )));
        }
        if e.expires.is_some() && e.last_day().is_none() {
            let day = e.expires.as_deref().unwrap_or_default();
            return Err(BaselineError(format!(
                "{at}: expires {day:?} is not a YYYY-MM-DD date"
            )));
        }
    }
    Ok(baseline)
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
