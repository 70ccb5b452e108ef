//! The writes that remove what lambda-trust created (`destroy`), and the predecessors of a
//! renamed role.

use super::error::PlanError;
use super::ops::{AttachmentOp, Op, RoleOp};
use super::permission::destroy_permission_ops;
use super::policies::delete_policy_ops;
use super::Plan;
use lambda_trust_model::Observed;

/// The write calls that remove what we created: detach and delete everything on our role,
/// prune our policy's versions, delete the policy (unless something else still uses it) and
/// the role. Policies that are not ours are only detached, never deleted.
pub fn plan_destroy(observed: &Observed) -> Result<(Plan, Vec<String>), PlanError> {
    let mut ops = Vec::new();
    let mut notes = Vec::new();
    if let Some(role) = &observed.role {
        if !lambda_trust_config::is_ours(&role.tags) {
            return Err(PlanError::RoleNotOursToDelete {
                name: role.name.clone(),
            });
        }
    }
    for p in &observed.policies {
        if !lambda_trust_config::is_ours(&p.tags) {
            return Err(PlanError::PolicyNotOursToDelete { arn: p.arn.clone() });
        }
    }
    // Our statements on cross-account targets first, while the role they name exists.
    ops.extend(destroy_permission_ops(observed));
    if let Some(role) = &observed.role {
        for p in &observed.attached {
            ops.push(Op::Attachment(AttachmentOp::Detach {
                role: role.name.clone(),
                arn: p.arn.clone(),
                name: p.name.clone(),
                document: p.document.clone(),
            }));
        }
        for p in &observed.inline {
            ops.push(Op::Attachment(AttachmentOp::DeleteInline {
                role: role.name.clone(),
                name: p.name.clone(),
                document: p.document.clone(),
            }));
        }
    }
    for p in &observed.policies {
        let detached_here = observed.attached.iter().any(|a| a.arn == p.arn);
        let elsewhere = p.attachment_count - i64::from(detached_here);
        if elsewhere > 0 {
            notes.push(format!(
                "managed policy {} is kept: it is still attached to {elsewhere} other entit(y/ies)",
                p.arn
            ));
        } else {
            ops.extend(delete_policy_ops(p));
        }
    }
    if let Some(role) = &observed.role {
        ops.push(Op::Role(RoleOp::Delete {
            name: role.name.clone(),
            trust: role.trust.clone(),
        }));
    }
    Ok((Plan { ops }, notes))
}

/// The writes that remove the predecessors of a renamed role (`lambda_trust_provision::prepare::is_predecessor`:
/// roles lambda-trust created from this config under an earlier `role.name`), as `destroy`
/// would remove them, except for the invoke policy the config still uses (`policy_name`, its
/// shards): that one is only detached. Planned after the config's own writes, so the new role
/// and its grants exist before the old ones go.
pub fn plan_retire_predecessors(
    predecessors: &[Observed],
    policy_name: &str,
) -> Result<(Plan, Vec<String>), PlanError> {
    let mut ops = Vec::new();
    let mut notes = Vec::new();
    for old in predecessors {
        let mut old = old.clone();
        old.policies
            .retain(|p| lambda_trust_model::shard_index(policy_name, &p.name).is_none());
        let (plan, more) = plan_destroy(&old)?;
        ops.extend(plan.ops);
        notes.extend(more);
    }
    Ok((Plan { ops }, notes))
}
