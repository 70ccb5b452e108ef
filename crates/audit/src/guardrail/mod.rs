//! The guardrail: one resource control policy (RCP) for a whole AWS Organization that lets
//! the partner accounts (Genesys Cloud's) assume a member account's role only with one of your
//! Genesys Cloud org IDs as `sts:ExternalId`, planned, proved and checked as plain data.
//!
//! Part of the auditor: it judges the organization's roles with the same trust analysis
//! `audit` uses (`trust`), over the organization's RCPs as they stand or will stand. Inside:
//! - `chosen`: what a run is written with — given ([`GuardrailAsked`]: flags, a config), else as
//!   apply recorded it (`record`), else the default — and where each value came from;
//!   `given`: what was given that cannot be meant, refused;
//! - `document`: the policy written from a `GuardrailSpec`, and the RCP syntax and size rules;
//! - the organization as read is [`crate::organization::OrgTree`], which says which RCPs
//!   govern each account;
//! - `proof`: the claims — availability, exclusivity, no collateral, syntax and quotas — and the
//!   roles it stops or does not cover;
//! - `plan`: what apply would write, and what `check` finds different; `merge`: a target at its
//!   quota of RCPs, the guardrail merged into a policy there for its owner;
//! - `roles`: an organization's audit as the roles to judge; `capability`: what each may do of
//!   Genesys Cloud's integrations;
//! - `guarded`: whether a role `audit` reports is under such a guardrail.
//!
//! RCPs govern the member accounts' resources only: never the management account's (AWS
//! Organizations User Guide, "Resource control policies (RCPs)").

mod availability;
mod capability;
mod chosen;
mod document;
mod given;
mod guarded;
mod merge;
mod model;
mod plan;
mod probe;
mod proof;
mod record;
mod roles;

pub use guarded::guarded;
pub use model::{
    Chosen, ChosenFrom, Covered, GuardrailAsked, GuardrailChange, GuardrailChoices, GuardrailClaim,
    GuardrailMerge, GuardrailMode, GuardrailPlan, GuardrailPolicy, GuardrailProperty,
    GuardrailRoles, RoleUnder,
};
pub use plan::plan_guardrail;

#[cfg(test)]
mod tests;
