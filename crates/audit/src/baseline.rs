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

use super::findings::Code;
use lambda_trust_verdict::Problem;

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

impl Entry {
    /// The role or function pattern, for messages.
    pub fn subject(&self) -> &str {
        (self.role.as_deref())
            .or(self.function.as_deref())
            .unwrap_or_default()
    }

    /// The expiry day; `parse` refused any other text.
    pub(crate) fn last_day(&self) -> Option<NaiveDate> {
        (self.expires.as_deref()).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    }

    pub(crate) fn expired(&self, today: NaiveDate) -> bool {
        self.last_day().is_some_and(|day| today > day)
    }
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

/// A baseline file's problem: where, and what; the hint says what an entry holds.
fn problem(message: String) -> Problem {
    Problem {
        message,
        hint: Some(
            "each [[suppress]] entry has role or function (an ARN or pattern), code, reason and \
             optionally expires = \"YYYY-MM-DD\" (docs/audit.md \"Baselines\")"
                .to_owned(),
        ),
    }
}

/// Parses a baseline: JSON when `json`, else TOML.
pub fn parse(text: &str, json: bool) -> Result<Baseline, Problem> {
    let parsed = if json {
        serde_json::from_str(text).map_err(|e| e.to_string())
    } else {
        toml::from_str(text).map_err(|e| e.to_string())
    };
    let baseline: Baseline = parsed.map_err(problem)?;
    for (i, e) in baseline.suppress.iter().enumerate() {
        let at = format!("entry {} ({} {})", i + 1, e.subject(), e.code);
        if e.role.is_some() == e.function.is_some() {
            return Err(problem(format!(
                "{at}: give exactly one of role and function"
            )));
        }
        if e.subject().trim().is_empty() || e.reason.trim().is_empty() {
            return Err(problem(format!(
                "{at}: {} and reason must not be empty",
                if e.role.is_some() { "role" } else { "function" }
            )));
        }
        if e.expires.is_some() && e.last_day().is_none() {
            let day = e.expires.as_deref().unwrap_or_default();
            return Err(problem(format!(
                "{at}: expires {day:?} is not a YYYY-MM-DD date"
            )));
        }
    }
    Ok(baseline)
}
