//! The record of one watch invocation: what the event was, what was read again, the verdict
//! and where it went — the invocation's answer and its one line in the function's log
//! (`docs/schemas/watch-run.schema.json`).

use lambda_trust_model::HubCounts;
use serde::Serialize;

use crate::drift::ConfigStatus;
use crate::watch::classify::Change;
use crate::watch::event::RuleEvent;

/// What reading one event took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Reread {
    /// Everything, as `check`.
    Everything,
    /// The role and its policies.
    Role,
    /// The role and one target's policy.
    #[serde(rename = "role-and-function")]
    Function,
    /// The Genesys Cloud side.
    Genesys,
    /// Nothing: the event changed nothing watched.
    Nothing,
}

/// What the function reads again for `change`.
impl From<&Change> for Reread {
    fn from(change: &Change) -> Reread {
        match change {
            Change::Everything { .. } => Reread::Everything,
            Change::Role { .. } => Reread::Role,
            Change::Function { .. } => Reread::Function,
            Change::Genesys { .. } => Reread::Genesys,
            Change::Nothing { .. } => Reread::Nothing,
        }
    }
}

/// One invocation's record.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct WatchRecord {
    /// The record's schema version.
    pub watch: u32,
    /// lambda-trust's version (and commit).
    pub version: String,
    /// What the event can have changed.
    pub change: Change,
    /// What was read again.
    pub reread: Reread,
    /// The watched role's ARN (its name when the setup was not read).
    pub role: String,
    /// The check of what was read; `null` when nothing watched changed.
    pub verdict: Option<Verdict>,
    /// Where the findings went.
    pub published: Published,
    /// `[watch].sns_topic` told of a changed result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sns: Option<Notice>,
    /// The Config rule's invocation answered (the `config-rule` engine).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_rule: Option<RuleAnswer>,
}

/// The check's outcome, in short.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Verdict {
    /// `ok`, `drift` or `error`.
    pub status: ConfigStatus,
    /// Each finding's code.
    pub findings: Vec<crate::drift::Code>,
    /// Why the setup, or one side of it, was not read.
    pub error: Option<String>,
}

/// Where the findings went: Security Hub's counts, or why they went nowhere.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Published {
    /// Imported to Security Hub in the function's account and region.
    SecurityHub(HubCounts),
    /// Not published: why.
    Error(String),
}

/// The SNS topic told: its message ID, or why not.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// The message's ID.
    MessageId(String),
    /// Why the topic was not told.
    Error(String),
}

/// The Config rule's invocation answered: the compliance and the resource, or why not.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum RuleAnswer {
    /// `PutEvaluations` took the compliance of the resource.
    Answered {
        /// `COMPLIANT`, `NON_COMPLIANT`, `INSUFFICIENT_DATA` or `NOT_APPLICABLE`.
        compliance: Compliance,
        /// The resource evaluated.
        resource: RuleEvent,
    },
    /// It was not answered: why.
    Failed {
        /// The error.
        error: String,
    },
}

/// An AWS Config evaluation's compliance (API Reference, `Evaluation.ComplianceType`, as
/// `PutEvaluations` takes it from a custom rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum Compliance {
    /// Proved and in sync.
    Compliant,
    /// A failed finding.
    NonCompliant,
    /// Not a resource the watch looks after.
    NotApplicable,
    /// Not read, or only unknowns: no verdict.
    InsufficientData,
}

/// `PutEvaluations`' compliance of a run's `report`: `COMPLIANT` when the setup is proved and
/// in sync, `NON_COMPLIANT` with a failed finding, `INSUFFICIENT_DATA` when it could not be
/// read or its findings are all unknowns (what was not read or not decided is no verdict), and
/// `NOT_APPLICABLE` for a resource the watch does not look after (no report).
pub fn compliance(report: Option<&crate::drift::ConfigReport>) -> Compliance {
    let Some(report) = report else {
        return Compliance::NotApplicable;
    };
    let failed = (report.findings.iter())
        .flat_map(|f| std::iter::once(f).chain(&f.related))
        .any(|f| f.outcome == lambda_trust_verdict::Outcome::Failed);
    match report.status {
        crate::drift::ConfigStatus::Ok => Compliance::Compliant,
        crate::drift::ConfigStatus::Drift if failed => Compliance::NonCompliant,
        crate::drift::ConfigStatus::Drift | crate::drift::ConfigStatus::Error => {
            Compliance::InsufficientData
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_rules_compliance_is_decided_from_the_reports_status_and_outcomes() {
        assert_eq!(compliance(None), Compliance::NotApplicable);
        use crate::check::{config_report, GenesysSide};
        use crate::drift::ConfigStatus;
        use crate::verify::Verification;
        use crate::verify::{Check, CheckId};
        let report = |findings: Vec<crate::drift::Finding>| {
            let passed = Verification::from(vec![Check {
                code: CheckId::TrustStructure,
                name: "trust".into(),
                passed: true,
                detail: String::new(),
            }]);
            config_report("c.toml", "", findings, &passed, GenesysSide::NotChecked)
        };
        let ok = report(Vec::new());
        assert_eq!(ok.status, ConfigStatus::Ok);
        assert_eq!(compliance(Some(&ok)), Compliance::Compliant);
        let finding = |outcome| crate::drift::Finding {
            outcome,
            ..crate::drift::Finding::new(crate::drift::Code::RoleMissing, "role R", "gone")
        };
        let failed = report(vec![finding(lambda_trust_verdict::Outcome::Failed)]);
        assert_eq!(compliance(Some(&failed)), Compliance::NonCompliant);
        let unknown = report(vec![finding(lambda_trust_verdict::Outcome::Unknown)]);
        assert_eq!(unknown.status, ConfigStatus::Drift);
        assert_eq!(compliance(Some(&unknown)), Compliance::InsufficientData);
        let failed_read = crate::drift::ConfigReport::error("c.toml", "GetRole refused".into());
        assert_eq!(compliance(Some(&failed_read)), Compliance::InsufficientData);
    }
}
