//! `check`'s story for one config: what counts as drift on each side, in which order the
//! findings are told, and the verdict. The command reads both sides, looks up who changed what
//! (CloudTrail, the Genesys Cloud audit trail) and calls these; everything it decides is here.
//!
//! Part of the pure model.

use std::collections::BTreeMap;

use crate::drift::{self, ConfigNote, ConfigReport, ConfigStatus, Finding, Kind};
use crate::genesys::{genesys_check_findings, genesys_notes, GenesysPlan};
use crate::plan::{self, PlanError, PlanOptions};
use crate::trail::{self, Lookup};
use crate::verify::{self, Check, PathSources, Verification};
use lambda_trust_model::{Desired, Observed};

/// The AWS drift as `check` sees it. Refusing to write to what lambda-trust does not own is
/// `plan`'s job: a check plans as if adopting, so a lost `managed-by` tag is itself a finding
/// (security), not a refusal; a role at another path, which no write can fix, is a finding
/// too. Each finding names the CloudTrail event that would explain it (looked up by the
/// caller).
pub(crate) fn aws_findings(
    desired: &Desired,
    observed: &Observed,
) -> Result<Vec<Finding>, PlanError> {
    match plan::changes(desired, observed, PlanOptions { adopt: true }) {
        Ok(plan) => {
            let mut findings = drift::drift_findings(desired, &plan);
            let held = plan::held_permissions(desired, observed, false);
            findings.extend(drift::held_findings(&held));
            Ok(findings)
        }
        Err(e @ PlanError::RolePath { .. }) => Ok(vec![drift::refusal_finding(&e)]),
        Err(e) => Err(e),
    }
}

/// The drift `check` asks CloudTrail about: `aws_findings` and the predecessors left
/// behind by a rename (`predecessors`, read at the role's path; `role` is today's name).
pub fn aws_drift(
    desired: &Desired,
    observed: &Observed,
    predecessors: &[Observed],
    role: &str,
) -> Result<Vec<Finding>, PlanError> {
    let mut findings = aws_findings(desired, observed)?;
    findings.extend(drift::predecessor_findings(predecessors, role));
    Ok(findings)
}

/// What a check read of the AWS side beyond the role's state: CloudTrail's answers for the
/// drift's resources, the whole path's sources, and the failed isolation claims towards the
/// other environments (as findings).
pub(crate) struct AwsRead<'a> {
    /// [`aws_drift`]'s findings, as judged before CloudTrail was asked.
    pub drift: Vec<Finding>,
    /// CloudTrail's answers, by resource ([`trail::resources_to_look_up`]).
    pub lookups: &'a BTreeMap<String, Lookup>,
    /// The organization and function policies the whole path is judged over.
    pub sources: &'a PathSources,
    /// The other environments' findings (`isolation::findings`).
    pub isolation: Vec<Finding>,
}

/// The AWS side judged: the drift, each finding naming who changed it when CloudTrail says,
/// then the other environments'; and `verify`'s checks and proofs with the whole path.
pub(crate) fn judge_aws(
    desired: &Desired,
    observed: &Observed,
    read: AwsRead,
) -> (Vec<Finding>, Verification) {
    let mut findings = read.drift;
    for f in &mut findings {
        trail::attribute(&mut f.trail, read.lookups);
    }
    findings.extend(read.isolation);
    let verification = verify::verification_with_path(desired, observed, read.sources);
    (findings, verification)
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
    let (mut error, mut failed_side) = (None, None);
    match genesys {
        GenesysSide::NotChecked => {}
        GenesysSide::Checked(g) => {
            findings.extend(g.findings);
            findings.extend(genesys_check_findings(g.checks));
            let said = genesys_notes(g.plan, g.lookup_error).into_iter();
            notes.extend(said.map(|said| ConfigNote::GenesysPlan { said }));
        }
        GenesysSide::Failed(e) => {
            error = Some(format!("the Genesys Cloud side was not checked: {e}"));
            failed_side = Some(crate::side::Side::Genesys);
        }
    }
    let findings = grouped(findings);
    let status = match (&error, findings.is_empty()) {
        (Some(_), _) => ConfigStatus::Error,
        (None, true) => ConfigStatus::Ok,
        (None, false) => ConfigStatus::Drift,
    };
    ConfigReport {
        config: config.to_string(),
        environment: None,
        status,
        subject: None,
        findings,
        error,
        notes,
        not_checked: Vec::new(),
        lines: drift::config_lines(text),
        failed_side,
    }
}

/// Each failed check and unproved property told under the change that causes it (one
/// finding per changed resource, not one per consequence): a `verify` finding joins a drift
/// finding of the same [`drift::Area`] that is at least as severe — the one its message
/// names (`inline policy debug-s3 statement 0`), else one of its own severity, else the
/// first. What no change explains stays a finding of its own, in its place.
pub(crate) fn grouped(findings: Vec<Finding>) -> Vec<Finding> {
    let anchors: Vec<Option<usize>> = findings
        .iter()
        .map(|f| {
            (f.kind == Kind::Verify)
                .then(|| anchor_of(&findings, f))
                .flatten()
        })
        .collect();
    let mut related: Vec<Vec<Finding>> = vec![Vec::new(); findings.len()];
    let mut kept = Vec::new();
    for (i, f) in findings.into_iter().enumerate() {
        match anchors[i] {
            Some(a) => related[a].push(f),
            None => kept.push((i, f)),
        }
    }
    kept.into_iter()
        .map(|(i, mut f)| {
            f.related.append(&mut related[i]);
            f
        })
        .collect()
}

/// The drift finding `v` is a consequence of, if any.
fn anchor_of(findings: &[Finding], v: &Finding) -> Option<usize> {
    let area = v.code.area()?;
    let candidates: Vec<usize> = (0..findings.len())
        .filter(|&i| {
            let a = &findings[i];
            a.kind == Kind::Drift && a.code.area() == Some(area) && a.severity <= v.severity
        })
        .collect();
    let text = format!(
        "{} {}",
        v.message,
        v.counterexample.clone().unwrap_or_default()
    );
    let named = |&&i: &&usize| text.contains(&policy_label(&findings[i].resource));
    let same_severity = |&&i: &&usize| findings[i].severity == v.severity;
    candidates
        .iter()
        .find(named)
        .or_else(|| candidates.iter().find(same_severity))
        .or(candidates.first())
        .copied()
}

/// How verification names the policy a drift finding is about: `role R trust policy` →
/// `trust policy`, `genesys action "N"` → `"N"`, `role R inline policy P` →
/// `inline policy P`, `managed policy arn:…:policy/P` → `managed policy P`.
fn policy_label(resource: &str) -> String {
    if resource.ends_with(" trust policy") {
        return "trust policy".to_string();
    }
    // `genesys action "Lookup order"` → `"Lookup order"`, as the Genesys checks quote it.
    let mut quoted = resource.splitn(3, '"');
    if let (Some(_), Some(name), Some(_)) = (quoted.next(), quoted.next(), quoted.next()) {
        return format!("\"{name}\"");
    }
    let label = match resource.split_once(" inline policy ") {
        Some((_, name)) => return format!("inline policy {name}"),
        None => resource,
    };
    match label.strip_prefix("managed policy ") {
        Some(arn) => format!("managed policy {}", arn.rsplit('/').next().unwrap_or(arn)),
        None => label.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::Code;
    use crate::verify::CheckId;

    fn finding(message: &str) -> Finding {
        Finding::new(Code::RoleMissing, "role", message)
    }

    fn passed() -> Verification {
        Verification::from(vec![Check {
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
        let failed = Verification::from(vec![Check {
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
        // The watch tells the breach as drift, the error beside it; nothing found is an error.
        assert_eq!(report.watch_status(), ConfigStatus::Drift);
        let unread = ConfigReport::error("a.toml", "no".into());
        assert_eq!(unread.watch_status(), ConfigStatus::Error);
        assert_eq!(report.findings.len(), 1);
        let error = report.error.unwrap_or_default();
        assert!(
            error.contains("Genesys Cloud") && error.contains("401"),
            "{error}"
        );
    }

    /// Each consequence under the change that causes it: the one its message names, else one
    /// of its own severity; what no change explains stays on its own, in its place.
    #[test]
    fn failed_checks_are_told_under_the_change_that_causes_them() {
        let check = |id, message: &str| Finding::new(Code::Check(id), "verification", message);
        let findings = vec![
            Finding::new(Code::TrustBroader, "role R trust policy", "trust"),
            Finding::new(Code::ForeignInlinePolicy, "role R inline policy dbg", "dbg"),
            Finding::new(
                Code::InvokeDiffers,
                "managed policy arn:aws:iam::1:policy/P",
                "p",
            ),
            check(
                CheckId::InvokeStructure,
                "managed policy P is fine; inline policy dbg no",
            ),
            check(CheckId::InvokeTargetsAllowed, "a target is denied"),
            check(CheckId::TrustPartnerAllowed, "the partner is denied"),
            check(CheckId::FunctionsExist, "a function is missing"),
        ];
        let grouped = grouped(findings);
        let shape: Vec<(&str, Vec<&str>)> = grouped
            .iter()
            .map(|f| {
                let related = f.related.iter().map(|r| r.message.as_str()).collect();
                (f.message.as_str(), related)
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                ("trust", vec!["the partner is denied"]),
                (
                    "dbg",
                    vec!["managed policy P is fine; inline policy dbg no"]
                ),
                ("p", vec!["a target is denied"]),
                ("a function is missing", vec![]),
            ]
        );
    }

    /// A security consequence is never told under a config change (it would sort below it).
    #[test]
    fn a_consequence_is_never_under_a_less_severe_change() {
        let findings = vec![
            Finding::new(Code::InvokeDiffers, "managed policy P", "p"),
            Finding::new(
                Code::Check(CheckId::InvokeStructure),
                "verification",
                "broad",
            ),
        ];
        assert_eq!(grouped(findings).len(), 2);
    }
}
