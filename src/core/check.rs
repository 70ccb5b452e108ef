//! `check`'s story for one config: what counts as drift on each side, in which order the
//! findings are told, and the verdict. The command reads both sides, looks up who changed what
//! (CloudTrail, the Genesys Cloud audit trail) and calls these; everything it decides is here.
//!
//! Part of the pure `core` layer.

use crate::core::drift::{self, ConfigReport, ConfigStatus, Finding};
use crate::core::genesys::{genesys_check_findings, genesys_notes, GenesysPlan};
use crate::core::plan::{self, PlanError, PlanOptions};
use crate::core::state::{Desired, Observed};
use crate::core::verify::{Check, Verification};

/// The AWS drift as `check` sees it. Refusing to write to what lambda-trust does not own is
/// `plan`'s job: a check plans as if adopting, so a lost `managed-by` tag is itself a finding
/// (security), not a refusal; a role at another path, which no write can fix, is a finding
/// too. Each finding names the CloudTrail event that would explain it (looked up by the
/// caller).
pub fn aws_findings(desired: &Desired, observed: &Observed) -> Result<Vec<Finding>, PlanError> {
    match plan::changes(desired, observed, PlanOptions { adopt: true }) {
        Ok(plan) => Ok(drift::drift_findings(desired, &plan)),
        Err(e @ PlanError::RolePath { .. }) => Ok(vec![drift::refusal_finding(&e)]),
        Err(e) => Err(e),
    }
}

/// What the Genesys Cloud side of a check found.
pub struct GenesysCheck<'a> {
    /// The plan's findings (as if adopting), each annotated with who made the change.
    pub findings: Vec<Finding>,
    /// `verify`'s Genesys checks, so CI sees what `verify` sees.
    pub checks: &'a [Check],
    /// The plan, for what is worth knowing that is not drift (kept superseded actions).
    pub plan: &'a GenesysPlan,
    /// Why the flows calling an action could not be looked up, when they could not.
    pub lookup_error: Option<String>,
}

/// What a check knows of the Genesys Cloud side.
pub enum GenesysSide<'a> {
    /// No `[genesys]` in the config, or the check was asked for AWS only (`--only aws`).
    NotChecked,
    /// Read and planned.
    Checked(GenesysCheck<'a>),
    /// Signing in, reading or planning failed (the error as the user reads it). The AWS
    /// findings are still reported beside it: a Genesys Cloud outage or a rotated OAuth
    /// secret must never hide what the AWS side found.
    Failed(String),
}

/// One config's report: AWS drift, then what verification found, then the Genesys Cloud
/// drift and its failed checks. `ok` only when there is no finding at all; `error` when the
/// Genesys side could not be read, with every AWS finding kept.
pub fn config_report(
    config: &str,
    text: &str,
    aws: Vec<Finding>,
    verification: &Verification,
    genesys: GenesysSide,
) -> ConfigReport {
    let mut findings = aws;
    findings.extend(drift::verify_findings(verification));
    let mut notes = Vec::new();
    let mut error = None;
    match genesys {
        GenesysSide::NotChecked => {}
        GenesysSide::Checked(g) => {
            findings.extend(g.findings);
            findings.extend(genesys_check_findings(g.checks));
            notes.extend(genesys_notes(g.plan, g.lookup_error));
        }
        GenesysSide::Failed(e) => {
            error = Some(format!("the Genesys Cloud side was not checked: {e}"))
        }
    }
    let status = match (&error, findings.is_empty()) {
        (Some(_), _) => ConfigStatus::Error,
        (None, true) => ConfigStatus::Ok,
        (None, false) => ConfigStatus::Drift,
    };
    ConfigReport {
        config: config.to_string(),
        status,
        findings,
        error,
        notes,
        lines: drift::config_lines(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::drift::Code;
    use crate::core::verify::CheckId;

    fn finding(message: &str) -> Finding {
        Finding::new(Code::RoleMissing, "role", message)
    }

    fn passed() -> Verification {
        Verification::new(vec![Check {
            code: CheckId::TrustStructure,
            name: "trust".into(),
            passed: true,
            detail: String::new(),
        }])
    }

    #[test]
    fn a_config_is_ok_only_without_findings() {
        let report = config_report("a.toml", "", Vec::new(), &passed(), GenesysSide::NotChecked);
        assert_eq!(
            (report.status, report.findings.len()),
            (ConfigStatus::Ok, 0)
        );
        let report = config_report(
            "a.toml",
            "",
            vec![finding("x")],
            &passed(),
            GenesysSide::NotChecked,
        );
        assert_eq!(report.status, ConfigStatus::Drift);
    }

    #[test]
    fn failed_checks_and_genesys_drift_are_findings_after_the_aws_ones() {
        let failed = Verification::new(vec![Check {
            code: CheckId::TrustOthersDenied,
            name: "trust: another account is denied".into(),
            passed: false,
            detail: "allowed".into(),
        }]);
        let checks = [Check {
            code: CheckId::GenesysCredential,
            name: "genesys: the credential holds the role ARN".into(),
            passed: false,
            detail: "it holds another".into(),
        }];
        let plan = GenesysPlan::default();
        let genesys = GenesysCheck {
            findings: vec![finding("genesys drift")],
            checks: &checks,
            plan: &plan,
            lookup_error: None,
        };
        let genesys = GenesysSide::Checked(genesys);
        let report = config_report("a.toml", "", vec![finding("aws")], &failed, genesys);
        let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert_eq!(messages[0], "aws");
        assert_eq!(messages[2], "genesys drift");
        assert_eq!(report.status, ConfigStatus::Drift);
    }

    /// A Genesys Cloud failure never hides the AWS side: the findings stay, the status is
    /// error (exit 1), the error says which side was not checked.
    #[test]
    fn a_genesys_failure_keeps_every_aws_finding() {
        let genesys = GenesysSide::Failed("signing in failed: 401".into());
        let report = config_report("a.toml", "", vec![finding("aws")], &passed(), genesys);
        assert_eq!(report.status, ConfigStatus::Error);
        assert_eq!(report.findings.len(), 1);
        let error = report.error.unwrap_or_default();
        assert!(
            error.contains("Genesys Cloud") && error.contains("401"),
            "{error}"
        );
    }
}
