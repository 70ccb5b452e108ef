//! The organization watch (`watch deploy --organization`), pure: what it deploys so that every
//! role any account of an AWS Organization grants to Genesys Cloud is re-proved on change, on
//! AWS's own multi-account engines.
//!
//! - **In the watch's account** (the organization's delegated administrator, a "security
//!   tooling" member; us-east-1, where IAM's events arrive): the function, its role, a bus of
//!   its own whose policy is **one** statement admitting the organization's forwarding roles
//!   (`aws:PrincipalOrgID` and `aws:PrincipalArn`; it does not grow with the accounts, where one
//!   statement per account would exhaust the bus policy's 10 KB at a few dozen), the rule on
//!   that bus and the schedule: a [`Deployment`], planned and written as a deployment's watch is.
//! - **In every account**, as CloudFormation ([`stacks`]): a reader role the function assumes,
//!   a forwarding role, and rules forwarding every IAM role and policy write (us-east-1) and
//!   the Lambda permission calls (each region that holds partner roles' targets) to that bus —
//!   through service-managed StackSets with automatic deployment, so an account that joins is
//!   covered without a redeploy, and through a plain stack in the management account, which
//!   StackSets skip and which also forwards Organizations' own calls (logged only there).
//! - **On each event** ([`change`]): what it asks the function to re-prove — one role of one
//!   account, the roles a policy or a function's permission reaches, or the whole
//!   organization —, the whole organization fanned out one event per account on the watch's
//!   own bus ([`sweep`]), with what the function runs with ([`settings`]), and the record of each
//!   invocation ([`record`]); an account that joins is re-proved once its StackSet instance
//!   is CURRENT ([`joined`]).

pub(crate) mod analyzer;
pub(crate) mod change;
pub(crate) mod home;
pub(crate) mod joined;
pub(crate) mod ledger;
pub(crate) mod model;
pub(crate) mod plan;
pub(crate) mod record;
pub(crate) mod settings;
pub(crate) mod stacks;
pub(crate) mod sweep;
#[cfg(test)]
mod tests;
