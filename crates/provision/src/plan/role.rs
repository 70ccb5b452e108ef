//! The writes that bring an existing role to the desired state: trust, boundary, tags and
//! least privilege (nothing attached but our shards, nothing inline).

use std::collections::BTreeMap;

use super::ops::{AttachmentOp, BoundaryOp, Op, RoleOp, TagOp};
use super::policies::is_our_shard;
use lambda_trust_iam::semantically_equal;
use lambda_trust_model::{Desired, DesiredRole, Observed, ObservedRole};

/// The writes that bring an existing role to the desired state, trust first.
pub(super) fn role_ops(desired: &Desired, observed: &Observed, role: &ObservedRole) -> Vec<Op> {
    let want = &desired.role;
    let mut ops = Vec::new();
    // Trust first: it is the security boundary, and a narrowed trust policy should take effect
    // before anything else is touched.
    if !semantically_equal(&role.trust, &want.trust) {
        ops.push(Op::Role(RoleOp::UpdateTrust {
            role: want.name.clone(),
            document: want.trust.clone(),
            previous: role.trust.clone(),
        }));
    }
    ops.extend(least_privilege_ops(desired, observed));
    ops.extend(boundary_op(role, want));
    // IAM returns no Description for a role whose description is empty.
    if role.description.as_deref().unwrap_or_default() != want.description
        || role.max_session_duration != want.max_session_duration
    {
        ops.push(Op::Role(RoleOp::UpdateSettings {
            role: want.name.clone(),
            description: want.description.clone(),
            max_session_duration: want.max_session_duration,
            previous_description: role.description.clone(),
            previous_max_session_duration: role.max_session_duration,
        }));
    }
    ops.extend(tag_ops(role, want));
    ops
}

/// Least privilege: nothing but our shards may be attached, nothing inline. Our own obsolete
/// shards are detached at the end, after their replacements are attached.
fn least_privilege_ops(desired: &Desired, observed: &Observed) -> Vec<Op> {
    let role = &desired.role.name;
    let detach = observed
        .attached
        .iter()
        .filter(|p| !is_our_shard(desired, observed, &p.arn))
        .map(|p| {
            Op::Attachment(AttachmentOp::Detach {
                role: role.clone(),
                arn: p.arn.clone(),
                name: p.name.clone(),
                document: p.document.clone(),
            })
        });
    let inline = observed.inline.iter().map(|p| {
        Op::Attachment(AttachmentOp::DeleteInline {
            role: role.clone(),
            name: p.name.clone(),
            document: p.document.clone(),
        })
    });
    detach.chain(inline).collect()
}

fn boundary_op(role: &ObservedRole, want: &DesiredRole) -> Option<Op> {
    match (&role.permissions_boundary, &want.permissions_boundary) {
        (a, Some(b)) if a.as_ref() != Some(b) => Some(Op::Boundary(BoundaryOp::Put {
            role: want.name.clone(),
            arn: b.clone(),
            previous: a.clone(),
        })),
        (Some(a), None) => Some(Op::Boundary(BoundaryOp::Delete {
            role: want.name.clone(),
            previous: a.clone(),
        })),
        _ => None,
    }
}

/// Tags to set (changed or missing) and tags to remove (not in the config).
fn tag_ops(role: &ObservedRole, want: &DesiredRole) -> Vec<Op> {
    let mut ops = Vec::new();
    let changed: BTreeMap<String, String> = want
        .tags
        .iter()
        .filter(|(k, v)| role.tags.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !changed.is_empty() {
        ops.push(Op::Tags(TagOp::TagRole {
            role: want.name.clone(),
            previous: changed
                .keys()
                .filter_map(|k| role.tags.get(k).map(|v| (k.clone(), v.clone())))
                .collect(),
            tags: changed,
        }));
    }
    let extra: Vec<String> = role
        .tags
        .keys()
        .filter(|k| !want.tags.contains_key(*k))
        .cloned()
        .collect();
    if !extra.is_empty() {
        ops.push(Op::Tags(TagOp::UntagRole {
            role: want.name.clone(),
            keys: extra,
        }));
    }
    ops
}
