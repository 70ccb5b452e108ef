//! `verify`'s failed checks and unproved properties as `check` findings (kind `verify`).
//!
//! Part of the pure model.

use serde_json::json;

use super::code::Code;
use super::Finding;
use crate::verify::{ClaimVerdict, Verification};
use lambda_trust_iam::Verdict;
use lambda_trust_verdict::Outcome;

/// Properties the prover could not prove on the live documents, as findings: their code
/// (`Code::Unproved`) decides the severity — a policy that admits more than intended is
/// `security`; one that admits less (the partner or a target is shut out) is an outage,
/// `config`.
fn proof_findings(v: &Verification) -> Vec<Finding> {
    v.proofs
        .iter()
        .filter(|p| p.verdict != Verdict::Proved)
        .map(|p| {
            let mut f = Finding::new(Code::Unproved(p.property), "proof", p.summary())
                .counterexample(p.counterexample.as_ref().map(|c| json!(c)));
            if p.verdict == Verdict::Unknown {
                f.outcome = Outcome::Unknown;
            }
            f
        })
        .collect()
}

/// A failed check as a finding (`Code::Check`), about `resource`.
pub(crate) fn check_finding(c: &crate::verify::Check, resource: &str) -> Finding {
    Finding::new(
        Code::Check(c.code),
        resource,
        format!("{}: {}", c.name, c.detail),
    )
}

/// Failed verification checks (and unproved properties, and the whole path's claims that do
/// not hold) as findings.
pub(crate) fn verify_findings(v: &Verification) -> Vec<Finding> {
    v.checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| check_finding(c, "verification"))
        .chain(proof_findings(v))
        .chain(path_findings(v))
        .collect()
}

/// The whole path's claims that do not hold, one finding per target and claim, about the
/// target; the code (`org-policy-blocks`, `partner-bypasses-role`, …) decides the severity.
fn path_findings(v: &Verification) -> Vec<Finding> {
    let Some(path) = &v.path else {
        return Vec::new();
    };
    let findings: Vec<Finding> = path
        .targets
        .iter()
        .flat_map(|t| {
            [&t.genesys_gets_through, &t.nobody_else]
                .into_iter()
                .filter_map(move |claim| {
                    let code = claim.code?;
                    let resource = format!("function {}", t.target);
                    let mut f = Finding::new(Code::Path(code), resource, claim.detail.clone())
                        .counterexample(claim.request.clone());
                    if claim.verdict == ClaimVerdict::Unknown {
                        f.outcome = Outcome::Unknown;
                    }
                    Some(f)
                })
        })
        .collect();
    one_for_the_external_id(findings)
}

/// A configured external ID that is not the org's stops every target alike: one finding about
/// `trust.external_id`, counting the targets, rather than one per target.
fn one_for_the_external_id(findings: Vec<Finding>) -> Vec<Finding> {
    let wrong = Code::Path(lambda_trust_model::PathCode::ExternalIdNotOrg);
    let (ids, mut out): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|f| f.code == wrong);
    if let Some(mut first) = ids.first().cloned() {
        first.resource = "trust.external_id".into();
        first.message = format!(
            "{} (every data action: {} target(s))",
            first.message,
            ids.len()
        );
        out.insert(0, first);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::code::ConfigKey;
    use super::*;
    use crate::verify::{Check, CheckId};
    use lambda_trust_verdict::Severity;

    /// The identity decides; the English name does not (renaming a check changes no severity).
    #[test]
    fn a_failed_check_is_judged_by_its_code_not_its_name() {
        let failed = |code| Verification::from(vec![Check::new(code, "renamed", false, "x")]);
        let severity = |code| verify_findings(&failed(code))[0].severity;
        assert_eq!(severity(CheckId::TrustPartnerAllowed), Severity::Config);
        assert_eq!(severity(CheckId::TrustOthersDenied), Severity::Security);
        assert_eq!(severity(CheckId::FunctionsExist), Severity::Config);
        assert_eq!(severity(CheckId::Ownership), Severity::Security);
        assert_eq!(
            verify_findings(&failed(CheckId::RoleExists))[0].config_key,
            ConfigKey::Role
        );
    }

    /// A property the prover could not decide is an unknown, one with a counterexample a
    /// failure: the code alone does not say which.
    #[test]
    fn an_undecided_property_is_an_unknown_and_a_refuted_one_a_failure() {
        use lambda_trust_iam::{Property, PropertyResult};
        let result = |verdict| PropertyResult {
            property: Property::ALL[0],
            verdict,
            counterexample: None,
            statements: Vec::new(),
            reason: "r".into(),
        };
        let mut v = Verification::from(Vec::new());
        v.proofs = vec![result(Verdict::Unknown), result(Verdict::Counterexample)];
        let outcomes: Vec<Outcome> = verify_findings(&v).iter().map(|f| f.outcome).collect();
        assert_eq!(outcomes, [Outcome::Unknown, Outcome::Failed]);
        assert_eq!(Code::TrustUnknown.outcome(), Outcome::Unknown);
    }
}
