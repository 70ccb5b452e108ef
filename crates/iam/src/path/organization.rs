//! `simulate --org-policies`: the organization's part of one request — the SCPs over the
//! caller's account (when it is the account the policies are of) and the RCPs over the
//! resource's account (for the services RCPs cover) — as AWS Organizations documents them
//! (docs/aws-behaviour.md, "The whole path"; this module's header).
//!
//! Part of `path`; pure: the policies come read.

use serde::Serialize;

use super::super::arn::account_of;
use super::super::eval::{Decision, Request};
use super::hop::organization_stops;
use super::vocabulary::{rcps_cover, ControlPolicies, OrgPolicies};

/// The organization's part of a simulated request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct OrgSimulation {
    /// Allow, ExplicitDeny or ImplicitDeny, by the SCPs and RCPs alone.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "decision_schema"))]
    pub decision: Decision,
    /// Each SCP or RCP that stops the request, with its level and statement.
    pub stopped_by: Vec<String>,
    /// Organization policies that apply but are not known: the request is then not decided.
    pub not_read: Vec<String>,
    /// Which kinds applied, and why the others did not.
    pub applied: Vec<String>,
}

/// The decisions the organization's part can take: a malformed request is refused before.
#[cfg(feature = "schemars")]
fn decision_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"enum": ["Allow", "ExplicitDeny", "ImplicitDeny"]})
}

/// The SCPs and RCPs of the resource's account (`org`) judged on `req`.
pub fn simulate_organization(req: &Request, org: &OrgPolicies) -> OrgSimulation {
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
