//! The writes on the invoke policy's shards: a new default version, a pruned old one, an
//! obsolete shard detached and deleted.

use std::collections::BTreeMap;

use super::error::PlanError;
use super::ops::{AttachmentOp, Op, PolicyOp, TagOp, VersionOp};
use super::{PlanOptions, MAX_POLICY_VERSIONS};
use crate::verify;
use lambda_trust_config::{MANAGED_BY_KEY, MANAGED_BY_VALUE};
use lambda_trust_iam::semantically_equal;
use lambda_trust_model::{Desired, DesiredPolicy, Observed, ObservedPolicy};

/// An existing shard: adopt it if asked, and give it the desired document as a new default
/// version (pruning the oldest non-default version when all five are in use).
pub(super) fn policy_ops(
    desired: &Desired,
    pol: &DesiredPolicy,
    live: &ObservedPolicy,
    opts: PlanOptions,
) -> Result<Vec<Op>, PlanError> {
    let mut ops = Vec::new();
    if !lambda_trust_config::is_ours(&live.tags) {
        if !opts.adopt {
            return Err(PlanError::ForeignPolicy {
                arn: live.arn.clone(),
            });
        }
        ops.push(Op::Tags(TagOp::TagPolicy {
            arn: live.arn.clone(),
            tags: BTreeMap::from([(MANAGED_BY_KEY.to_string(), MANAGED_BY_VALUE.to_string())]),
        }));
    }
    let latent = verify::latent_versions(desired, live);
    let doomed: Vec<&str> = latent.iter().map(|(v, _)| v.version_id.as_str()).collect();
    ops.extend(latent.iter().map(|(v, admits)| {
        Op::Version(VersionOp::DeleteLatent {
            arn: live.arn.clone(),
            version_id: v.version_id.clone(),
            document: v.document.clone().unwrap_or_default(),
            admits: admits.clone(),
            replaced_default: None,
        })
    }));
    if !semantically_equal(&live.document, &pol.document) {
        ops.extend(new_default(desired, pol, live, &doomed));
    }
    Ok(ops)
}

/// The desired document as the new default version: the oldest version pruned first when all
/// five are in use, and the replaced default deleted in the same run when it admits more than
/// the targets (never latent access left behind).
fn new_default(
    desired: &Desired,
    pol: &DesiredPolicy,
    live: &ObservedPolicy,
    doomed: &[&str],
) -> Vec<Op> {
    let mut ops = Vec::new();
    if let Some(oldest) = version_to_prune(live, doomed) {
        ops.push(Op::Version(VersionOp::Delete {
            arn: live.arn.clone(),
            version_id: oldest,
        }));
    }
    ops.push(Op::Version(VersionOp::Create {
        arn: live.arn.clone(),
        document: pol.document.clone(),
        previous: live.document.clone(),
    }));
    let label = format!(
        "managed policy {} version {}",
        live.name, live.default_version_id
    );
    if let Some(admits) = verify::invoke_admits(desired, &label, &live.document) {
        ops.push(Op::Version(VersionOp::DeleteLatent {
            arn: live.arn.clone(),
            version_id: live.default_version_id.clone(),
            document: live.document.clone(),
            admits,
            replaced_default: Some(
                live.versions
                    .iter()
                    .filter(|v| !v.is_default)
                    .map(|v| v.version_id.clone())
                    .collect(),
            ),
        }));
    }
    ops
}

/// Shards no longer needed (targets removed): detach, then delete if ours and unused.
pub(super) fn obsolete_shard_ops(desired: &Desired, observed: &Observed) -> Vec<Op> {
    let mut ops = Vec::new();
    for live in &observed.policies {
        if desired.policies.iter().any(|p| p.arn == live.arn) {
            continue;
        }
        let attached_here = observed.attached.iter().any(|p| p.arn == live.arn);
        if attached_here {
            ops.push(Op::Attachment(AttachmentOp::Detach {
                role: desired.role.name.clone(),
                arn: live.arn.clone(),
                name: live.name.clone(),
                document: live.document.clone(),
            }));
        }
        if lambda_trust_config::is_ours(&live.tags)
            && live.attachment_count - i64::from(attached_here) <= 0
        {
            ops.extend(delete_policy_ops(live));
        }
    }
    ops
}

/// Whether `arn` is one of our invoke policy shards (desired or observed), by name.
pub(super) fn is_our_shard(desired: &Desired, observed: &Observed, arn: &str) -> bool {
    desired.policies.iter().any(|p| p.arn == arn) || observed.policies.iter().any(|p| p.arn == arn)
}

/// DeletePolicy needs every non-default version gone first (AWS: DeleteConflict otherwise).
pub(super) fn delete_policy_ops(live: &ObservedPolicy) -> Vec<Op> {
    let mut ops: Vec<Op> = live
        .versions
        .iter()
        .filter(|v| !v.is_default)
        .map(|v| {
            Op::Version(VersionOp::Delete {
                arn: live.arn.clone(),
                version_id: v.version_id.clone(),
            })
        })
        .collect();
    ops.push(Op::Policy(PolicyOp::Delete {
        arn: live.arn.clone(),
        document: live.document.clone(),
    }));
    ops
}

/// At the version limit, the oldest non-default version must go before a new one is created
/// (the default version cannot be deleted).
fn version_to_prune(live: &ObservedPolicy, doomed: &[&str]) -> Option<String> {
    if live.versions.len() - doomed.len() < MAX_POLICY_VERSIONS {
        return None;
    }
    live.versions
        .iter()
        .find(|v| !v.is_default && !doomed.contains(&v.version_id.as_str()))
        .map(|v| v.version_id.clone())
}
