//! `verify`'s failed checks and unproved properties as `check` findings (kind `verify`).
//!
//! Part of the pure `core` layer.

use serde_json::json;

use super::{severity, Finding, Severity};
use crate::core::trail::Trail;
use crate::core::verify::{CheckId, Verification};
use crate::iam::Verdict;

/// Properties the prover could not prove on the live documents, as findings. A policy that
/// admits more than intended is `security`; one that admits less (the partner or a target is
/// shut out) is an outage, `config`.
fn proof_findings(v: &Verification) -> Vec<Finding> {
    v.proofs
        .iter()
        .filter(|p| p.verdict != Verdict::Proved)
        .map(|p| {
            let narrower = p.property.is_allowed();
            let key = if p.property.is_trust() {
                "trust"
            } else {
                "targets"
            };
            Finding {
                severity: severity(!narrower),
                kind: "verify",
                resource: "proof".into(),
                path: String::new(),
                expected: None,
                actual: None,
                message: p.summary(),
                config_key: key,
                counterexample: p.counterexample.as_ref().map(|c| json!(c)),
                trail: Trail::default(),
            }
        })
        .collect()
}

/// What a failed check means: its severity and the config key that governs it. Narrower access
/// than intended (the partner shut out, a target not invokable or missing, no role) is an
/// outage, `config`; broader access, lost ownership or anything unproved is `security`.
pub fn failure(code: CheckId) -> (Severity, &'static str) {
    use CheckId::*;
    match code {
        RoleExists => (Severity::Config, "role"),
        Ownership => (Severity::Security, "role"),
        TrustPartnerAllowed => (Severity::Config, "trust"),
        TrustParses | TrustOthersDenied | TrustStructure => (Severity::Security, "trust"),
        InvokeTargetsAllowed | FunctionsExist => (Severity::Config, "targets"),
        InvokeParses
        | InvokeNonTargetDenied
        | InvokeNoOtherAction
        | InvokeStructure
        | InvokeLatent
        | LiveAssume
        | LiveInvoke => (Severity::Security, "targets"),
        GenesysIntegrationExists
        | GenesysIntegrationEnabled
        | GenesysActionExists
        | GenesysTestRun => (Severity::Config, "genesys"),
        GenesysCredential | GenesysActionCalls | GenesysNoStrayAction => {
            (Severity::Security, "genesys")
        }
    }
}

/// Failed verification checks (and unproved properties) as findings.
pub fn verify_findings(v: &Verification) -> Vec<Finding> {
    v.checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| {
            let (severity, key) = failure(c.code);
            Finding {
                severity,
                kind: "verify",
                resource: "verification".into(),
                path: String::new(),
                expected: None,
                actual: None,
                message: format!("{}: {}", c.name, c.detail),
                config_key: key,
                counterexample: None,
                trail: Trail::default(),
            }
        })
        .chain(proof_findings(v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::verify::Check;

    /// The identity decides; the English name does not (renaming a check changes no severity).
    #[test]
    fn a_failed_check_is_judged_by_its_code_not_its_name() {
        let failed = |code| Verification::new(vec![Check::new(code, "renamed", false, "x")]);
        let severity = |code| verify_findings(&failed(code))[0].severity;
        assert_eq!(severity(CheckId::TrustPartnerAllowed), Severity::Config);
        assert_eq!(severity(CheckId::TrustOthersDenied), Severity::Security);
        assert_eq!(severity(CheckId::FunctionsExist), Severity::Config);
        assert_eq!(severity(CheckId::Ownership), Severity::Security);
        assert_eq!(
            verify_findings(&failed(CheckId::RoleExists))[0].config_key,
            "role"
        );
    }
}
