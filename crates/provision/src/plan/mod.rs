//! The planner (pure): compares [`Desired`] with [`Observed`] and produces a [`Plan`].
//!
//! Pure: no AWS calls, no clock, no randomness. A plan is fully resolved — every [`Op`] is one
//! AWS write call with concrete names, ARNs and documents — so `apply` makes no decisions, and
//! the number of write calls an apply makes is exactly `plan.ops.len()`. Drift is a non-empty
//! plan; the property the tests hold us to is `plan(desired, observe(apply(plan))) == empty`.

use lambda_trust_model::{Desired, DesiredRole, Observed};

/// A managed policy keeps at most this many versions
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html>).
pub(crate) const MAX_POLICY_VERSIONS: usize = 5;

mod checks;
mod destroy;
mod error;
mod ops;
mod permission;
mod policies;
mod role;
pub(crate) mod whole;

pub(crate) use permission::permission_ops;
pub use permission::{held_permissions, unreachable_accounts};
pub use whole::HeldPermission;

pub(crate) use checks::check_account;
pub use checks::{check_deployment, check_external_id, refuse_others};
use checks::{check_role_owner, preflight};
pub use destroy::{plan_destroy, plan_retire_predecessors};
pub use error::PlanError;
pub use ops::{AttachmentOp, BoundaryOp, Op, PermissionOp, PolicyOp, RoleOp, TagOp, VersionOp};
use policies::{obsolete_shard_ops, policy_ops};
use role::role_ops;

/// What `apply` would do; empty when AWS matches the config.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// The write calls, in the order `apply` makes them.
    pub ops: Vec<Op>,
}

/// How the planner treats what lambda-trust did not create.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanOptions {
    /// Take over a role or policy with our name that lacks our `managed-by` tag.
    pub adopt: bool,
}

/// The planner: desired vs observed → the write calls that converge them.
pub fn plan(desired: &Desired, observed: &Observed, opts: PlanOptions) -> Result<Plan, PlanError> {
    preflight(desired, observed)?;
    changes(desired, observed, opts)
}

/// The planner without the missing-function preflight (for `check`, which reports missing
/// functions as findings instead of refusing).
pub(crate) fn changes(
    desired: &Desired,
    observed: &Observed,
    opts: PlanOptions,
) -> Result<Plan, PlanError> {
    check_account(desired, observed)?;
    let mut ops = match &observed.role {
        None => vec![create_role(&desired.role)],
        Some(role) => {
            check_role_owner(role, &desired.role, opts)?;
            role_ops(desired, observed, role)
        }
    };
    for pol in &desired.policies {
        match observed.policies.iter().find(|p| p.arn == pol.arn) {
            None => ops.push(Op::Policy(PolicyOp::Create {
                name: pol.name.clone(),
                path: pol.path.clone(),
                document: pol.document.clone(),
                tags: pol.tags.clone(),
            })),
            Some(live) => ops.extend(policy_ops(desired, pol, live, opts)?),
        }
    }
    let role = &desired.role.name;
    for pol in &desired.policies {
        if !observed.attached.iter().any(|p| p.arn == pol.arn) {
            ops.push(Op::Attachment(AttachmentOp::Attach {
                role: role.clone(),
                arn: pol.arn.clone(),
            }));
        }
    }
    ops.extend(obsolete_shard_ops(desired, observed));
    // After the role exists: a statement's principal must be a role IAM knows.
    ops.extend(permission_ops(desired, observed));
    Ok(Plan { ops })
}

fn create_role(want: &DesiredRole) -> Op {
    Op::Role(RoleOp::Create(want.clone()))
}
