//! `simulate --org-policies`: the organization's part of one request — the SCPs over the
//! caller's account (when it is the account the policies are of) and the RCPs over the
//! resource's account (for the services RCPs cover) — as AWS Organizations documents them
//! (docs/aws-behaviour.md, "The whole path"; `crates/iam/src/path/mod.rs`).
//!
//! Part of `simulate`; pure: the policies come read.

use serde::Serialize;

use lambda_trust_iam::{
    account_of, organization_stops, rcps_cover, ControlPolicies, Decision, Evaluation, OrgPolicies,
    Request, StatementRef,
};

/// The organization's part of a simulated request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct OrgSimulation {
    /// Allow, ExplicitDeny or ImplicitDeny, by the SCPs and RCPs alone.
    #[cfg_attr(
        feature = "schemars",
        schemars(schema_with = "crate::simulate::decision_schema")
    )]
    pub decision: Decision,
    /// Each SCP or RCP that stops the request, with its level and statement.
    pub stopped_by: Vec<String>,
    /// Organization policies that apply but are not known: the request is then not decided.
    pub not_read: Vec<String>,
    /// Which kinds applied, and why the others did not.
    pub applied: Vec<String>,
}

/// The SCPs and RCPs of the resource's account (`org`) judged on `req`.
pub(crate) fn simulate(req: &Request, org: &OrgPolicies) -> OrgSimulation {
    let resource_account = account_of(&req.resource);
    let caller_account = account_of(&req.principal);
    let scps = match caller_account == resource_account && !resource_account.is_empty() {
        true => org.governing(),
        false => ControlPolicies::NotApplicable(
            "the caller is in another account than the policies given (its own account's SCPs govern it)",
        ),
    };
    let rcps = match rcps_cover(&req.action) {
        true => org.governing(),
        false => ControlPolicies::NotApplicable("RCPs do not cover this service"),
    };
    let applied = [("SCPs", scps), ("RCPs", rcps)]
        .iter()
        .map(|(kind, c)| match c {
            ControlPolicies::NotApplicable(why) => format!("{kind}: do not apply: {why}"),
            _ => format!("{kind}: apply"),
        })
        .collect();
    let (decision, stopped_by, not_read) = organization_stops(req, scps, rcps);
    OrgSimulation {
        decision,
        stopped_by,
        not_read,
        applied,
    }
}

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
