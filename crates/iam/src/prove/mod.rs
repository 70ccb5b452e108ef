//! The exhaustive policy prover: decides, over every possible request, whether the trust policy
//! lets only the partner in with the external ID, and whether the role's identity policies allow
//! only `lambda:InvokeFunction` on the granted functions.
//!
//! Sits in the `iam` layer beside the evaluator (`iam::eval`) and uses only `iam` internals, so
//! its semantics are the evaluator's, which follows the IAM User Guide's policy evaluation logic
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>).
//! It is a pure decision procedure, no external solver:
//! - `principals`, `names`, `classes`: callers, actions and resources fall into finitely many
//!   classes that every statement treats alike (`automaton` enumerates wildcard-pattern
//!   classes);
//! - `values`, `candidates`: each condition key is decided alone (string tests by automata,
//!   numbers/dates/IPs by interval end points);
//! - `search`: per Allow statement, a request outside the intended set that escapes every Deny;
//! - `trust`, `invoke`: the four properties; every counterexample is re-run through
//!   `iam::evaluate` before it is reported, and a disagreement is reported as `unknown`;
//! - `realize`: which member of the classes found a counterexample shows — a real action, a
//!   resource of its type in the role's partition, region and account — with the keys AWS
//!   derives from the caller written into its context (`principals::self_contained`).
//!
//! Callers are enumerated in the role's partition only: a principal of another partition never
//! assumes the role (the evaluator refuses it too).
//!
//! Semantics chosen where AWS leaves room (all as the evaluator does):
//! - A single-valued context key (`iam::keys`: `sts:ExternalId`, `aws:SourceIp`, …; single vs
//!   multivalued keys,
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>)
//!   carries one value, as in every request AWS receives (the evaluator refuses others as
//!   malformed); any other key may carry several, and witnesses use one value whenever one
//!   suffices.
//! - Keys that follow the caller: `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:username`
//!   (derived as the evaluator derives them), `aws:PrincipalType` (derived here and written
//!   into counterexamples), `aws:userid` (the account ID for a root user, `anonymous` for an
//!   anonymous caller, otherwise free: unique IDs are unknowable offline). On the identity side
//!   (`prove_invoke`) they follow the role when its ARN is given (`InvokeSpec::role_arn`), and
//!   are free otherwise.
//! - "Allowed" properties use the minimal request: the partner's root and a partner role
//!   session with exactly `sts:ExternalId`; each granted ARN (every resource it covers) with no
//!   context keys.
//!
//! `unknown` is returned for: a policy variable (`${…}`) in a Resource or in a string/ARN/Bool
//! condition value of a 2012-10-17 policy; and, when no counterexample was found, for tests on
//! principal-derived keys the caller partition cannot cover (a wildcard on a key other than
//! `aws:PrincipalArn`; a wildcard in the partition, service, region or account part of an
//! `aws:PrincipalArn` pattern other than a whole `*`; a wildcard `aws:PrincipalArn` test
//! together with an `aws:username` test; a non-string operator), for one key tested by
//! operators of different families (e.g. `StringLike` and `NumericLessThan`) where no witness
//! is found, for a search that exceeds its state limit or its step budget (`budget`; or the
//! caller's stop flag), and for an internal disagreement with the evaluator.

mod automaton;
mod budget;
mod candidates;
mod classes;
pub(crate) mod function;
mod invoke;
mod names;
mod principals;
pub(crate) mod realize;
mod report;
mod search;
#[cfg(test)]
mod tests;
mod trust;
mod values;

use super::eval::LabeledPolicy;
use super::model::{OperatorKind, Policy, ResourceClause};

pub use budget::Budget;
pub(crate) use principals::self_contained;
pub use report::{Property, PropertyResult, Verdict};

/// What the trust policy is meant to allow: `sts:AssumeRole` by the partner's account with
/// exactly this external ID.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustSpec {
    /// The partner's AWS account ID (12 digits).
    pub partner_account: String,
    /// The one `sts:ExternalId` the partner must send.
    pub external_id: String,
    /// The partner's principals that must be allowed (`trust-partner-allowed`), as ARNs in the
    /// partner's account. Empty: the partner's root and a partner role session.
    pub partner_principals: Vec<String>,
}

/// The function ARNs the role is meant to invoke, as granted (`…:function:f`, `…:function:f:live`,
/// or `…:function:f:*` for every qualifier), and the role itself when it is known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvokeSpec {
    /// The granted function ARNs, as written in the policy.
    pub targets: Vec<String>,
    /// The role whose policies these are (`arn:…:iam::ACCOUNT:role/…`): counterexamples name
    /// it, and the principal-derived keys (`aws:PrincipalAccount`, `aws:PrincipalArn`) follow
    /// it. `None`: a placeholder caller, every key free.
    pub role_arn: Option<String>,
    /// The role's region, for the function a counterexample names (a function in the role's
    /// own account and region that is not a target). `None`: the first target's.
    pub region: Option<String>,
}

/// Targets only: the role is unknown.
impl From<Vec<String>> for InvokeSpec {
    fn from(targets: Vec<String>) -> InvokeSpec {
        InvokeSpec {
            targets,
            ..InvokeSpec::default()
        }
    }
}

/// Proves `trust-only-partner-with-external-id` and `trust-partner-allowed` for the trust policy
/// of `role_arn`.
pub fn prove_trust(
    trust: &Policy,
    role_arn: &str,
    spec: &TrustSpec,
    budget: Budget,
) -> Vec<PropertyResult> {
    vec![
        trust::only_partner(trust, role_arn, spec, budget),
        trust::partner_allowed(trust, role_arn, spec),
    ]
}

/// Proves `invoke-only-targets` and `invoke-targets-allowed` for the role's identity policies,
/// intersected with its permissions boundary when there is one.
pub fn prove_invoke(
    identity: &[LabeledPolicy],
    boundary: Option<&LabeledPolicy>,
    spec: &InvokeSpec,
    budget: Budget,
) -> Vec<PropertyResult> {
    let setup = invoke::Setup {
        identity,
        boundary,
        spec,
    };
    invoke::prove(&setup, budget)
}

/// Constructs the prover does not decide, or `None`. Policy variables make a Resource or a
/// condition value depend on the request itself
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
fn unsupported(policy: &Policy) -> Option<String> {
    if !policy.effective_version().supports_variables() {
        return None;
    }
    let var = |s: &String| s.contains("${");
    for (index, stmt) in policy.statements.iter().enumerate() {
        let resources = match &stmt.resource {
            Some(ResourceClause::Resource(l) | ResourceClause::NotResource(l)) => l.as_slice(),
            None => &[],
        };
        if resources.iter().any(var) {
            return Some(format!(
                "statement {index} has a policy variable in its Resource"
            ));
        }
        let in_condition = stmt.conditions.iter().find(|c| {
            c.operator.kind != OperatorKind::Null
                && c.operator.kind.supports_variables()
                && c.values.iter().any(var)
        });
        if let Some(c) = in_condition {
            return Some(format!(
                "statement {index} has a policy variable in a condition value ({} on {})",
                c.operator.name, c.key
            ));
        }
    }
    None
}
