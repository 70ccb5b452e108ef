//! `verify`'s failed checks and unproved properties as `check` findings (kind `verify`).
//!
//! Part of the pure `core` layer.

use serde_json::json;

use super::{severity, Finding, Severity};
use crate::core::trail::Trail;
use crate::core::verify::Verification;
use crate::iam::Verdict;

/// Properties the prover could not prove on the live documents, as findings. A policy that
/// admits more than intended is `security`; one that admits less (the partner or a target is
/// shut out) is an outage, `config`.
fn proof_findings(v: &Verification) -> Vec<Finding> {
    v.proofs
        .iter()
        .filter(|p| p.verdict != Verdict::Proved)
        .map(|p| {
            let narrower = p.property.ends_with("-allowed");
            let key = if p.property.starts_with("trust") {
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

/// Failed verification checks (and unproved properties) as findings.
pub fn verify_findings(v: &Verification) -> Vec<Finding> {
    v.checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| {
            // A check that fails because access is narrower than intended (a target not
            // invokable, a function missing) is an outage, not a security problem.
            let (severity, key) = if c.name.starts_with("functions")
                || c.name.starts_with("invoke: every target is invokable")
            {
                (Severity::Config, "targets")
            } else if c.name.starts_with("trust") && c.name.ends_with("may assume the role") {
                // The partner shut out: an outage, not a security problem.
                (Severity::Config, "trust")
            } else if c.name.starts_with("functions") {
                (Severity::Config, "targets")
            } else if c.name.starts_with("ownership") {
                (Severity::Security, "role")
            } else if c.name.starts_with("trust") {
                (Severity::Security, "trust")
            } else if c.name.starts_with("role exists") {
                (Severity::Config, "role")
            } else {
                (Severity::Security, "targets")
            };
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
