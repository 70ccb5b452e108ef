//! `simulate --org-policies`: the request's decision with the organization's part
//! (`lambda_trust_iam::simulate_organization`: the SCPs over the caller's account, the RCPs
//! over the resource's account), as AWS Organizations documents them (docs/aws-behaviour.md,
//! "The whole path").
//!
//! Part of `simulate`; pure: the policies come read.

use lambda_trust_iam::{Decision, Evaluation, OrgSimulation, StatementRef};

/// The request's decision with the organization's part: an explicit Deny anywhere wins
/// (`OrgSimulation::stopped_by` names it); an SCP without an Allow denies what the rest
/// allows (the SCPs are then the missing Allow). (decision, deciding statements, missing.)
pub(crate) fn combined(
    evaluation: Evaluation,
    org: Option<&OrgSimulation>,
) -> (Decision, Vec<StatementRef>, Vec<String>) {
    match org {
        Some(o)
            if o.decision == Decision::ExplicitDeny
                && evaluation.decision != Decision::ExplicitDeny =>
        {
            (Decision::ExplicitDeny, Vec::new(), Vec::new())
        }
        Some(o)
            if o.decision == Decision::ImplicitDeny && evaluation.decision == Decision::Allow =>
        {
            (Decision::ImplicitDeny, Vec::new(), o.stopped_by.clone())
        }
        _ => (
            evaluation.decision,
            evaluation.deciding,
            evaluation.missing_allow,
        ),
    }
}
