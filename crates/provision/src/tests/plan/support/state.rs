//! In-memory pipeline state for the pure-layer tests (no moto, no network): configs, the
//! desired state they resolve to, hand-built observed states, and [`observed_after`], a model
//! of what each planned [`Op`] does to AWS.
//!
//! Needs no server: `use super::support::state::*;`. The planner's tests here and the binary's
//! renderer tests (`src/report/tests`, which include this file) share it.
#![cfg(test)]

use lambda_trust_config::{self as config, Config};
use lambda_trust_model::{
    Desired, DesiredRole, ManagedPolicy, Observed, ObservedFunction, ObservedPermission,
    ObservedPolicy, ObservedRole, PolicyVersion, RenderContext, Templates,
};
use lambda_trust_provision::{
    aws_query, desired_state, AttachmentOp, BoundaryOp, Op, PermissionOp, Plan, PolicyOp, RoleOp,
    TagOp, VersionOp,
};
use serde_json::{json, Value};

/// The role's account (the example's `[aws].account_id`).
pub const ACCOUNT: &str = "111122223333";
pub const CALLER: &str = "arn:aws:iam::111122223333:user/ci";
pub const REGION: &str = "us-east-1";
pub const EXAMPLE: &str = include_str!("../../../../../../examples/lambda-trust.toml");
/// `created_epoch` of the first version of every hand-built policy.
pub const EPOCH: i64 = 1_700_000_000;
/// AWS default quota: managed policies attached to one role.
pub const MAX_ATTACHED: usize = 10;
/// AWS quota: tags on one role.
pub const MAX_ROLE_TAGS: usize = 50;
/// AWS quota: versions of one managed policy
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html>).
pub const MAX_POLICY_VERSIONS: usize = 5;

pub fn parse(text: &str) -> Config {
    config::parse_str(text, "test.toml", None)
        .unwrap_or_else(|e| panic!("config does not parse: {e}"))
        .config
}

pub fn example() -> Config {
    parse(EXAMPLE)
}

/// What `aws::prepare` passes to the pure preparation: the role's account and the default
/// region.
pub fn ctx(config: &Config) -> RenderContext {
    RenderContext {
        account_id: Some(
            config
                .aws
                .account_id
                .clone()
                .unwrap_or_else(|| ACCOUNT.into()),
        ),
        default_region: Some(config.aws.region.clone().unwrap_or_else(|| REGION.into())),
    }
}

/// The desired state for `config` given what was observed (shard assignments are kept stable
/// against the observed policies), with the built-in templates.
pub fn desired(config: &Config, observed: &Observed) -> Desired {
    desired_state(config, &ctx(config), &Templates::builtin(), observed, false)
        .unwrap_or_else(|e| panic!("desired: {e}"))
        .0
}

/// Every target found by GetFunction.
pub fn functions_ok(config: &Config) -> Vec<ObservedFunction> {
    let q = aws_query(config, &ctx(config).default_region.unwrap());
    q.functions
        .into_iter()
        .map(|f| {
            let arn = if f.function.starts_with("arn:") {
                f.function.clone()
            } else {
                format!(
                    "arn:aws:lambda:{}:{ACCOUNT}:function:{}",
                    f.region, f.function
                )
            };
            ObservedFunction {
                function: f.function,
                region: f.region,
                qualifier: f.qualifier,
                arn: Some(arn),
                problem: None,
                timeout: None,
            }
        })
        .collect()
}

/// An account without the role or any of our policies; every target function exists.
pub fn empty(config: &Config) -> Observed {
    Observed {
        account_id: ACCOUNT.into(),
        caller_arn: CALLER.into(),
        role: None,
        attached: vec![],
        inline: vec![],
        policies: vec![],
        boundary: None,
        functions: functions_ok(config),
        permissions: vec![],
    }
}

pub fn role_arn(path: &str, name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role{path}{name}")
}

/// The document every hand-built permissions boundary has: allows everything (a boundary only
/// caps, so this one caps nothing).
pub fn boundary_document(_arn: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
}

pub fn boundary(arn: &str) -> ManagedPolicy {
    ManagedPolicy {
        arn: arn.into(),
        name: arn.rsplit('/').next().unwrap_or_default().into(),
        document: boundary_document(arn),
    }
}

/// `count` versions v1..=v`count`, one second apart, with `default` (1-based) the default.
pub fn versions(count: usize, default: usize) -> Vec<PolicyVersion> {
    (1..=count)
        .map(|i| PolicyVersion {
            version_id: format!("v{i}"),
            is_default: i == default,
            created_epoch: EPOCH + i as i64,
            document: None,
        })
        .collect()
}

/// An AWS state that matches `desired` exactly, as `observe` would read it.
pub fn synced_with(desired: &Desired, functions: Vec<ObservedFunction>) -> Observed {
    let r = &desired.role;
    Observed {
        account_id: desired.account_id.clone(),
        caller_arn: CALLER.into(),
        role: Some(ObservedRole {
            arn: role_arn(&r.path, &r.name),
            name: r.name.clone(),
            path: r.path.clone(),
            description: Some(r.description.clone()),
            max_session_duration: r.max_session_duration,
            permissions_boundary: r.permissions_boundary.clone(),
            tags: r.tags.clone(),
            trust: r.trust.clone(),
            created_epoch: None,
        }),
        attached: desired
            .policies
            .iter()
            .map(|p| ManagedPolicy {
                arn: p.arn.clone(),
                name: p.name.clone(),
                document: p.document.clone(),
            })
            .collect(),
        inline: vec![],
        policies: desired
            .policies
            .iter()
            .map(|p| ObservedPolicy {
                index: p.index,
                arn: p.arn.clone(),
                name: p.name.clone(),
                default_version_id: "v1".into(),
                document: p.document.clone(),
                versions: versions(1, 1),
                tags: p.tags.clone(),
                attachment_count: 1,
            })
            .collect(),
        boundary: r.permissions_boundary.as_deref().map(boundary),
        functions,
        permissions: (desired.permissions.iter())
            .map(|p| ObservedPermission {
                function_arn: p.function_arn.clone(),
                qualifier: p.qualifier.clone(),
                statement_id: p.statement_id.clone(),
                statement: Some(p.statement()),
                revision_id: Some("r1".into()),
                document: None,
            })
            .collect(),
    }
}

/// `config`'s desired state and an AWS state that matches it.
pub fn synced(config: &Config) -> (Desired, Observed) {
    let d = desired(config, &empty(config));
    let o = synced_with(&d, functions_ok(config));
    (d, o)
}

// ---------------------------------------------------------------------------------------------
// The model of AWS: what each write call does to what `observe` would read next
// ---------------------------------------------------------------------------------------------

/// The shard index `observe` gives a policy it finds under our name: `<base>` is 1,
/// `<base>-k` is k. The base is not known here, so a trailing `-k` (2 ≤ k ≤ 20) is taken as
/// the index: test configs must not use policy names that end in `-<digits>`.
pub fn shard_index_of(name: &str) -> usize {
    name.rsplit_once('-')
        .and_then(|(_, n)| n.parse::<usize>().ok())
        .filter(|n| (2..=20).contains(n))
        .unwrap_or(1)
}

/// What `observe` reads after `plan` was applied to `observed`, one AWS write call per op,
/// as `aws::apply::run_op` makes them. A call AWS would refuse (NoSuchEntity, DeleteConflict,
/// LimitExceeded, EntityAlreadyExists) is an error naming the op: the plan was not
/// applicable.
pub fn observed_after(observed: &Observed, plan: &Plan) -> Result<Observed, String> {
    let mut o = observed.clone();
    let mut clock = o
        .policies
        .iter()
        .flat_map(|p| p.versions.iter().map(|v| v.created_epoch))
        .max()
        .unwrap_or(EPOCH);
    for (i, op) in plan.ops.iter().enumerate() {
        clock += 1;
        apply_op(&mut o, op, clock).map_err(|e| format!("op {i} fails with {e}: {op:?}"))?;
    }
    // `observe` reads each attached policy of ours with its current default document.
    for a in &mut o.attached {
        if let Some(p) = o.policies.iter().find(|p| p.arn == a.arn) {
            a.document = p.document.clone();
        }
    }
    o.policies.sort_by_key(|p| p.index);
    Ok(o)
}

fn role_mut<'a>(o: &'a mut Observed, name: &str) -> Result<&'a mut ObservedRole, String> {
    match &mut o.role {
        Some(r) if r.name == name => Ok(r),
        _ => Err(format!("NoSuchEntity: role {name}")),
    }
}

fn policy_mut<'a>(o: &'a mut Observed, arn: &str) -> Result<&'a mut ObservedPolicy, String> {
    o.policies
        .iter_mut()
        .find(|p| p.arn == arn)
        .ok_or_else(|| format!("NoSuchEntity: policy {arn}"))
}

/// AddPermission / RemovePermission as Lambda answers them (409 on a taken statement ID, 404
/// on a missing one), on the function policy statements `observe` reads.
fn apply_permission(o: &mut Observed, op: &PermissionOp) -> Result<(), String> {
    let p = op.permission();
    let at = o
        .permissions
        .iter()
        .position(|l| l.function_arn == p.function_arn && l.qualifier == p.qualifier);
    let live = match at {
        Some(i) => &mut o.permissions[i],
        None => {
            o.permissions.push(ObservedPermission {
                function_arn: p.function_arn.clone(),
                qualifier: p.qualifier.clone(),
                statement_id: p.statement_id.clone(),
                statement: None,
                revision_id: None,
                document: None,
            });
            o.permissions.last_mut().expect("just pushed")
        }
    };
    match (op, &live.statement) {
        (PermissionOp::Add { .. }, Some(_)) => Err("ResourceConflictException".into()),
        (PermissionOp::Add { permission, .. }, None) => {
            live.statement = Some(permission.statement());
            Ok(())
        }
        (PermissionOp::Remove { .. }, Some(_)) => {
            live.statement = None;
            Ok(())
        }
        (PermissionOp::Remove { .. }, None) => Err("ResourceNotFoundException".into()),
    }
}

fn apply_op(o: &mut Observed, op: &Op, now: i64) -> Result<(), String> {
    match op {
        Op::Role(RoleOp::Create(DesiredRole {
            name,
            path,
            description,
            max_session_duration,
            permissions_boundary,
            tags,
            trust,
        })) => {
            if o.role.is_some() {
                return Err(format!("EntityAlreadyExists: role {name}"));
            }
            if tags.len() > MAX_ROLE_TAGS {
                return Err("LimitExceeded: tags".into());
            }
            o.role = Some(ObservedRole {
                arn: format!("arn:aws:iam::{}:role{path}{name}", o.account_id),
                name: name.clone(),
                path: path.clone(),
                description: Some(description.clone()),
                max_session_duration: *max_session_duration,
                permissions_boundary: permissions_boundary.clone(),
                tags: tags.clone(),
                trust: trust.clone(),
                created_epoch: None,
            });
            o.boundary = permissions_boundary.as_deref().map(boundary);
        }
        Op::Role(RoleOp::UpdateTrust { role, document, .. }) => {
            role_mut(o, role)?.trust = document.clone();
        }
        Op::Permission(op) => apply_permission(o, op)?,
        Op::Attachment(AttachmentOp::Detach { role, arn, .. }) => {
            role_mut(o, role)?;
            let at = o
                .attached
                .iter()
                .position(|p| p.arn == *arn)
                .ok_or_else(|| format!("NoSuchEntity: {arn} is not attached"))?;
            o.attached.remove(at);
            if let Some(p) = o.policies.iter_mut().find(|p| p.arn == *arn) {
                p.attachment_count -= 1;
            }
        }
        Op::Attachment(AttachmentOp::DeleteInline { role, name, .. }) => {
            role_mut(o, role)?;
            let at = o
                .inline
                .iter()
                .position(|p| p.name == *name)
                .ok_or_else(|| format!("NoSuchEntity: inline policy {name}"))?;
            o.inline.remove(at);
        }
        Op::Boundary(BoundaryOp::Put { role, arn, .. }) => {
            role_mut(o, role)?.permissions_boundary = Some(arn.clone());
            o.boundary = Some(boundary(arn));
        }
        Op::Boundary(BoundaryOp::Delete { role, .. }) => {
            let r = role_mut(o, role)?;
            if r.permissions_boundary.is_none() {
                return Err("NoSuchEntity: the role has no permissions boundary".into());
            }
            r.permissions_boundary = None;
            o.boundary = None;
        }
        Op::Role(RoleOp::UpdateSettings {
            role,
            description,
            max_session_duration,
            ..
        }) => {
            let r = role_mut(o, role)?;
            r.description = Some(description.clone());
            r.max_session_duration = *max_session_duration;
        }
        Op::Tags(TagOp::TagRole { role, tags, .. }) => {
            let r = role_mut(o, role)?;
            r.tags.extend(tags.clone());
            if r.tags.len() > MAX_ROLE_TAGS {
                return Err("LimitExceeded: tags".into());
            }
        }
        Op::Tags(TagOp::UntagRole { role, keys }) => {
            let r = role_mut(o, role)?;
            for k in keys {
                r.tags.remove(k);
            }
        }
        Op::Policy(PolicyOp::Create {
            name,
            path,
            document,
            tags,
        }) => {
            let arn = format!("arn:aws:iam::{}:policy{path}{name}", o.account_id);
            if o.policies.iter().any(|p| p.arn == arn) {
                return Err(format!("EntityAlreadyExists: policy {arn}"));
            }
            o.policies.push(ObservedPolicy {
                index: shard_index_of(name),
                arn,
                name: name.clone(),
                default_version_id: "v1".into(),
                document: document.clone(),
                versions: vec![PolicyVersion {
                    version_id: "v1".into(),
                    is_default: true,
                    created_epoch: now,
                    document: None,
                }],
                tags: tags.clone(),
                attachment_count: 0,
            });
        }
        Op::Tags(TagOp::TagPolicy { arn, tags }) => {
            policy_mut(o, arn)?.tags.extend(tags.clone());
        }
        Op::Version(VersionOp::Delete { arn, version_id })
        | Op::Version(VersionOp::DeleteLatent {
            arn, version_id, ..
        }) => {
            let p = policy_mut(o, arn)?;
            let at = p
                .versions
                .iter()
                .position(|v| v.version_id == *version_id)
                .ok_or_else(|| format!("NoSuchEntity: {arn} version {version_id}"))?;
            if p.versions[at].is_default {
                return Err(format!(
                    "DeleteConflict: {version_id} is the default version of {arn}"
                ));
            }
            p.versions.remove(at);
        }
        Op::Version(VersionOp::Create { arn, document, .. }) => {
            let p = policy_mut(o, arn)?;
            if p.versions.len() >= MAX_POLICY_VERSIONS {
                return Err(format!(
                    "LimitExceeded: {arn} already has {} versions",
                    p.versions.len()
                ));
            }
            let next = p
                .versions
                .iter()
                .filter_map(|v| v.version_id.trim_start_matches('v').parse::<u64>().ok())
                .max()
                .unwrap_or(0)
                + 1;
            let id = format!("v{next}");
            let previous = p.document.clone();
            for v in &mut p.versions {
                if v.is_default {
                    v.document = Some(previous.clone());
                }
                v.is_default = false;
            }
            p.versions.push(PolicyVersion {
                version_id: id.clone(),
                is_default: true,
                created_epoch: now,
                document: None,
            });
            p.default_version_id = id;
            p.document = document.clone();
        }
        Op::Attachment(AttachmentOp::Attach { role, arn }) => {
            role_mut(o, role)?;
            let p = o
                .policies
                .iter_mut()
                .find(|p| p.arn == *arn)
                .ok_or_else(|| format!("NoSuchEntity: policy {arn}"))?;
            if o.attached.iter().any(|a| a.arn == *arn) {
                return Ok(()); // AWS: attaching an attached policy succeeds and changes nothing
            }
            if o.attached.len() >= MAX_ATTACHED {
                return Err(format!(
                    "LimitExceeded: the role already has {MAX_ATTACHED} managed policies"
                ));
            }
            p.attachment_count += 1;
            o.attached.push(ManagedPolicy {
                arn: p.arn.clone(),
                name: p.name.clone(),
                document: p.document.clone(),
            });
        }
        Op::Policy(PolicyOp::Delete { arn, .. }) => {
            let p = policy_mut(o, arn)?;
            if p.attachment_count > 0 {
                return Err(format!(
                    "DeleteConflict: {arn} is attached to {} entities",
                    p.attachment_count
                ));
            }
            if p.versions.iter().any(|v| !v.is_default) {
                return Err(format!("DeleteConflict: {arn} has non-default versions"));
            }
            o.policies.retain(|p| p.arn != *arn);
        }
        Op::Role(RoleOp::Delete { name, .. }) => {
            role_mut(o, name)?;
            if !o.attached.is_empty() || !o.inline.is_empty() {
                return Err(format!(
                    "DeleteConflict: role {name} still has {} managed and {} inline policies",
                    o.attached.len(),
                    o.inline.len()
                ));
            }
            o.role = None;
            o.boundary = None;
        }
    }
    Ok(())
}
