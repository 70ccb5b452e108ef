//! The whole request path Genesys Cloud takes, evaluated as AWS documents it, and the prover
//! over it.
//!
//! Sits in the `iam` layer above the evaluator (`iam::eval`), which it composes: each policy set
//! (identity, boundary, trust or function policy, each organization level's SCPs and RCPs) is
//! evaluated by [`crate::evaluate`]; this module only decides how their answers combine. The
//! rules, each from AWS's documentation (also in docs/aws-behaviour.md, "The whole path"):
//! - IAM User Guide, "Policy evaluation logic"
//!   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>):
//!   an explicit Deny in any applicable policy wins; then RCPs, SCPs, resource-based policies,
//!   identity-based policies and permissions boundaries. In one account a resource-based policy
//!   that names the principal (or `*`) allows on its own; an identity-based Allow must sit
//!   within the permissions boundary. A grant to the role session's ARN (or `*`) is not limited
//!   by the boundary, a grant to the role's ARN is
//!   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>).
//! - IAM User Guide, "Cross-account policy evaluation logic"
//!   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>):
//!   across accounts the caller's identity side and the resource policy must both allow. A
//!   resource policy naming only the caller's account (`arn:…:iam::ACCT:root`) delegates to
//!   that account's identity policies, in the same account too.
//! - AWS Organizations User Guide, "SCP evaluation"
//!   (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html>):
//!   an SCP Allow must match at every level from the root through each OU to the account, and
//!   a Deny at any level denies. SCPs restrict principals of member accounts: not the
//!   management account, not service-linked roles, not principals outside the organization
//!   (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html>).
//! - AWS Organizations User Guide, "RCP evaluation" and "Resource control policies (RCPs)"
//!   (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html>,
//!   <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html>):
//!   RCPs restrict resources of member accounts, for the services in the list of services that
//!   support RCPs only; `RCPFullAWSAccess` is attached to every level and
//!   cannot be detached, so only an RCP Deny can block; RCPs do not apply to the management
//!   account's resources nor to calls by service-linked roles.
//!
//! The two requests are `sts:AssumeRole` on the role by the partner with the external ID, then
//! `lambda:InvokeFunction` on each target by the role's session ([`availability`]). The security
//! direction ([`security`]) looks for every other way into a target: through a function's
//! resource policy (the role's own trust and identity policies are `prove_trust` and
//! `prove_invoke`'s). Organization policies come read from AWS Organizations or from files
//! ([`org_policies_from_files`]); they only ever restrict, so an account whose policies
//! could not be read ([`OrgPolicies::NotRead`]) leaves availability "not proved", never proved
//! silently, and leaves security findings standing.
//!
//! The one rule over every input: what was not read or not given is [`Known::Unknown`] (a
//! function policy, [`Target::resource_policy`]) or a stand-in ([`RoleAccount::StandIn`]), and
//! an unknown never reaches a definite verdict — availability is `blocked` only when the known
//! policies block whatever the unknown is, else `not proved`; security is `unknown`.

mod cli_files;
mod cli_targets;
mod files;
mod hop;
mod not_enabled;
mod org_file;
mod organization;
mod prove;
mod report;
mod security;
mod vocabulary;

pub use files::{check_org_policy_files, org_policies_from_files};
pub use org_file::org_policy_files;
pub use organization::{simulate_organization, OrgSimulation};
pub use prove::{Availability, AvailabilityVerdict};
pub use report::PathReport;
pub use security::{security, Security, SecurityFinding, SecurityVerdict, WayIn};
pub use vocabulary::{
    BlockReason, Known, Level, LevelKind, OrgLevel, OrgPolicies, OrgPolicy, Partner, PathInput,
    PolicyKind, RoleAccount, RoleSide, Target,
};

#[cfg(test)]
use hop::Unread;
#[cfg(test)]
use prove::availability;
#[cfg(test)]
mod tests;
