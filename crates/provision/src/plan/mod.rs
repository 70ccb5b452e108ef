//! The planner (pure): compares [`Desired`] with [`Observed`] and produces a [`Plan`].
//!
//! Pure: no AWS calls, no clock, no randomness. A plan is fully resolved — every [`Op`] is one
//! AWS write call with concrete names, ARNs and documents — so `apply` makes no decisions, and
//! the number of write calls an apply makes is exactly `plan.ops.len()`. Drift is a non-empty
//! plan; the property the tests hold us to is `plan(desired, observe(apply(plan))) == empty`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::state::{
    all_qualifier_targets, Desired, DesiredPolicy, DesiredRole, FunctionPermission, Observed,
    ObservedFunction, ObservedPolicy, ObservedRole,
};
use crate::verify;
use lambda_trust_config::{CONFIG_TAG_KEY, DEPLOYMENT_TAG_KEY, MANAGED_BY_KEY, MANAGED_BY_VALUE};
use lambda_trust_iam::semantically_equal;

/// A managed policy keeps at most this many versions
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html>).
pub const MAX_POLICY_VERSIONS: usize = 5;

mod permission;
pub(crate) mod whole;

use permission::destroy_permission_ops;
pub(crate) use permission::permission_ops;
pub use permission::{held_permissions, unreachable_accounts};
pub use whole::HeldPermission;

/// One AWS write call. The order of a plan's ops is the order apply runs them in. Ops are
/// grouped by the resource they write, so each group is handled by one exhaustive `match`.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// A write to the role itself.
    Role(RoleOp),
    /// A write to the role's permissions boundary.
    Boundary(BoundaryOp),
    /// A write to the tags of the role or of our policy.
    Tags(TagOp),
    /// A managed policy attached or detached, or an inline policy deleted.
    Attachment(AttachmentOp),
    /// Our managed invoke policy created or deleted.
    Policy(PolicyOp),
    /// A version of our managed policy created or deleted.
    Version(VersionOp),
    /// Our statement in a cross-account target's function policy added or removed.
    Permission(PermissionOp),
}

/// The role itself.
#[derive(Debug, Clone, PartialEq)]
pub enum RoleOp {
    /// CreateRole, with the trust policy, settings and tags in one call: the role as the
    /// config wants it.
    Create(DesiredRole),
    /// UpdateAssumeRolePolicy.
    UpdateTrust {
        /// The role's name.
        role: String,
        /// The trust policy the config wants.
        document: Value,
        /// The trust policy in place, shown as what it replaces.
        previous: Value,
    },
    /// UpdateRole sets description and max session duration in one call.
    UpdateSettings {
        /// The role's name.
        role: String,
        /// The description the config wants.
        description: String,
        /// The maximum session duration the config wants, in seconds.
        max_session_duration: i64,
        /// The description in place (`None`: the role has none).
        previous_description: Option<String>,
        /// The maximum session duration in place, in seconds.
        previous_max_session_duration: i64,
    },
    /// Destroy only: our role, after everything attached to it is gone.
    Delete {
        /// The role's name.
        name: String,
        /// Its trust policy, shown as what is deleted.
        trust: Value,
    },
}

/// The role's permissions boundary.
#[derive(Debug, Clone, PartialEq)]
pub enum BoundaryOp {
    /// PutRolePermissionsBoundary: the boundary the config names.
    Put {
        /// The role's name.
        role: String,
        /// The ARN of the boundary the config names.
        arn: String,
        /// The ARN of the boundary in place, if any.
        previous: Option<String>,
    },
    /// DeleteRolePermissionsBoundary: a boundary the config does not declare.
    Delete {
        /// The role's name.
        role: String,
        /// The ARN of the boundary removed.
        previous: String,
    },
}

/// Tags of the role and of our policy.
#[derive(Debug, Clone, PartialEq)]
pub enum TagOp {
    /// TagRole: the role's tags the config wants that are missing or differ (ours included).
    TagRole {
        /// The role's name.
        role: String,
        /// The tags to set, key to value.
        tags: BTreeMap<String, String>,
        /// The role's tags as they are, shown beside the new values.
        previous: BTreeMap<String, String>,
    },
    /// UntagRole: role tags the config does not have.
    UntagRole {
        /// The role's name.
        role: String,
        /// The keys of the tags removed.
        keys: Vec<String>,
    },
    /// TagPolicy: our `managed-by` tag on a policy taken over with `--adopt`.
    TagPolicy {
        /// The policy's ARN.
        arn: String,
        /// The tags added, key to value.
        tags: BTreeMap<String, String>,
    },
}

/// What is attached to the role: managed policies, and inline policies (which it must not have).
#[derive(Debug, Clone, PartialEq)]
pub enum AttachmentOp {
    /// AttachRolePolicy: our invoke policy on the role.
    Attach {
        /// The role's name.
        role: String,
        /// The invoke policy's ARN.
        arn: String,
    },
    /// DetachRolePolicy: a managed policy off the role (the policy itself is not deleted here).
    Detach {
        /// The role's name.
        role: String,
        /// The detached policy's ARN.
        arn: String,
        /// The detached policy's name.
        name: String,
        /// Its default version's document, shown as what is detached.
        document: Value,
    },
    /// DeleteRolePolicy: the role must have no inline policy (least privilege).
    DeleteInline {
        /// The role's name.
        role: String,
        /// The inline policy's name.
        name: String,
        /// Its document, shown in full as what is deleted.
        document: Value,
    },
}

/// Our managed policy.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyOp {
    /// CreatePolicy: our invoke policy, with its document and tags.
    Create {
        /// The policy's name.
        name: String,
        /// The policy's IAM path.
        path: String,
        /// Its document (the first, default version).
        document: Value,
        /// The tags it is created with, ours included.
        tags: BTreeMap<String, String>,
    },
    /// Destroy only: our policy, after its non-default versions are gone and it is detached.
    Delete {
        /// The policy's ARN.
        arn: String,
        /// Its default version's document, shown as what is deleted.
        document: Value,
    },
}

/// Versions of our managed policy.
#[derive(Debug, Clone, PartialEq)]
pub enum VersionOp {
    /// CreatePolicyVersion, set as the default.
    Create {
        /// The policy's ARN.
        arn: String,
        /// The document of the new default version.
        document: Value,
        /// The default version's document it replaces.
        previous: Value,
    },
    /// Makes room under the 5-version limit before a new version is published (and, in
    /// destroy, removes the non-default versions IAM requires gone before DeletePolicy).
    Delete {
        /// The policy's ARN.
        arn: String,
        /// The version deleted (`v2`).
        version_id: String,
    },
    /// A non-default version that admits more than the targets: latent access, since anyone
    /// with `iam:SetDefaultPolicyVersion` can make it the default. Deleted (DeletePolicyVersion).
    DeleteLatent {
        /// The policy's ARN.
        arn: String,
        /// The latent version's ID.
        version_id: String,
        /// Its document.
        document: Value,
        /// What it admits, from the prover.
        admits: String,
        /// The live policy's non-default versions when this one is its default, replaced in
        /// the same plan (it would stay behind as a non-default version); `None` when it is a
        /// non-default version already.
        replaced_default: Option<Vec<String>>,
    },
}

/// lambda-trust's statement in a cross-account target's function policy, written in the
/// function's account with that account's credentials (`[aws.accounts]`).
#[derive(Debug, Clone, PartialEq)]
pub enum PermissionOp {
    /// AddPermission. `read`: whether the account's policy was read (it has an
    /// `[aws.accounts]` entry); when not, the statement is shown but `apply` refuses.
    Add {
        /// The statement the config wants.
        permission: FunctionPermission,
        /// Whether the function's policy was read; when not, `apply` refuses the statement.
        read: bool,
    },
    /// RemovePermission of our statement ID, with the policy's revision: a changed statement is
    /// removed and added again (Lambda has no update of a statement), and `destroy`/`offboard`
    /// remove it. Statements under other IDs are never written.
    Remove {
        /// The statement removed.
        permission: FunctionPermission,
        /// The function policy's revision as read: the removal fails if the policy changed since.
        revision_id: Option<String>,
        /// The statement as it is in the function policy, shown as what is removed.
        statement: Value,
    },
}

impl PermissionOp {
    /// The statement this op adds or removes.
    pub fn permission(&self) -> &FunctionPermission {
        match self {
            PermissionOp::Add { permission, .. } | PermissionOp::Remove { permission, .. } => {
                permission
            }
        }
    }
}

/// What `apply` would do; empty when AWS matches the config.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// The write calls, in the order `apply` makes them.
    pub ops: Vec<Op>,
}

impl Plan {
    /// Whether AWS already matches the config: nothing to write.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// How the planner treats what lambda-trust did not create.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanOptions {
    /// Take over a role or policy with our name that lacks our `managed-by` tag.
    pub adopt: bool,
}

/// Why the planner refuses to plan: nothing is written.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PlanError {
    /// The role exists without our `managed-by` tag, and `--adopt` was not given.
    #[error("role {name} exists but was not created by lambda-trust (it has no tag {MANAGED_BY_KEY} = {MANAGED_BY_VALUE}); refusing to modify it")]
    ForeignRole {
        /// The role's name.
        name: String,
    },
    /// The role was applied from another config: its config tag differs from this config's.
    #[error("role {name} was applied from another lambda-trust config (its {CONFIG_TAG_KEY} tag is {live}, this config's is {want}: the trusted account, external ID, role path or policy name differ); refusing to overwrite it")]
    ConfigConflict {
        /// The role's name.
        name: String,
        /// The config tag the role carries.
        live: String,
        /// This config's tag.
        want: String,
    },
    /// The role carries another deployment's tag.
    #[error("role {name} belongs to deployment {}, and this config is deployment {}; refusing to touch it", deployment_shown(live.as_deref()), deployment_shown(want.as_deref()))]
    OtherDeployment {
        /// The role's name.
        name: String,
        /// The deployment the role's tag names.
        live: Option<String>,
        /// This config's `deployment`, if it has one.
        want: Option<String>,
    },
    /// A managed policy with our policy's name exists without our `managed-by` tag, and `--adopt`
    /// was not given.
    #[error("managed policy {arn} exists but was not created by lambda-trust (it has no tag {MANAGED_BY_KEY} = {MANAGED_BY_VALUE}); refusing to modify it")]
    ForeignPolicy {
        /// The policy's ARN.
        arn: String,
    },
    /// Target functions could not be confirmed: missing, or not readable with the credentials in
    /// use.
    #[error("{} target function(s) cannot be confirmed, so nothing was changed:\n{}", problems.len(), problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    MissingFunctions {
        /// What is wrong with each function, one line each.
        problems: Vec<String>,
    },
    /// The role exists at another path than `role.path` (IAM cannot move a role).
    #[error("role {name} exists at path {live}, but role.path is {want}; IAM cannot move a role to another path")]
    RolePath {
        /// The role's name.
        name: String,
        /// The role's path.
        live: String,
        /// The config's `role.path`.
        want: String,
    },
    /// The credentials are for another account than `aws.account_id`.
    #[error("credentials are for account {actual}, but the config's aws.account_id is {expected}; refusing to run")]
    WrongAccount {
        /// The config's `aws.account_id`.
        expected: String,
        /// The account the credentials are for.
        actual: String,
    },
    /// Cross-account targets with qualifier `*`, which no function policy statement can grant.
    #[error("{} cross-account target(s) have qualifier \"*\", which no function policy statement can grant: {}", targets.len(), targets.join(", "))]
    AllQualifiersAcrossAccounts {
        /// The targets, each as its function ARN and `:*`.
        targets: Vec<String>,
    },
}

/// A deployment as messages name it.
fn deployment_shown(d: Option<&str>) -> String {
    match d {
        Some(d) => format!("{d:?}"),
        None => "none (the config has no `deployment`)".to_string(),
    }
}

/// A role carrying another deployment's tag belongs to another config: never planned over,
/// destroyed or taken for a predecessor (`want`: this config's `deployment`). A role without
/// the tag predates deployments: the plan adds this config's.
pub fn check_deployment(role: &ObservedRole, want: Option<&str>) -> Result<(), PlanError> {
    match role.tags.get(DEPLOYMENT_TAG_KEY) {
        Some(live) if Some(live.as_str()) != want => Err(PlanError::OtherDeployment {
            name: role.name.clone(),
            live: Some(live.clone()),
            want: want.map(str::to_string),
        }),
        _ => Ok(()),
    }
}

/// The credentials must be for the account the config names.
pub(crate) fn check_account(desired: &Desired, observed: &Observed) -> Result<(), PlanError> {
    if desired.account_id != observed.account_id {
        return Err(PlanError::WrongAccount {
            expected: desired.account_id.clone(),
            actual: observed.account_id.clone(),
        });
    }
    Ok(())
}

/// Checks that must pass before anything is applied: the account and the target functions.
fn preflight(desired: &Desired, observed: &Observed) -> Result<(), PlanError> {
    check_account(desired, observed)?;
    // A target in an account without an `[aws.accounts]` entry cannot be read there (AWS
    // answers the role's account AccessDeniedException): `plan` still shows its statement and
    // `apply` refuses it before any write (`app::write`), naming the entry to add.
    let unreachable = |f: &&ObservedFunction| {
        lambda_trust_iam::arn::Arn::parse(&f.function)
            .is_some_and(|a| a.account != desired.account_id && !desired.reaches(&a.account))
    };
    let problems: Vec<String> = (observed.functions.iter())
        .filter(|f| !unreachable(f))
        .filter_map(|f| f.problem.clone())
        .collect();
    if !problems.is_empty() {
        return Err(PlanError::MissingFunctions { problems });
    }
    let targets = all_qualifier_targets(desired);
    if !targets.is_empty() {
        return Err(PlanError::AllQualifiersAcrossAccounts { targets });
    }
    Ok(())
}

/// The planner: desired vs observed → the write calls that converge them.
pub fn plan(desired: &Desired, observed: &Observed, opts: PlanOptions) -> Result<Plan, PlanError> {
    preflight(desired, observed)?;
    changes(desired, observed, opts)
}

/// The planner without the missing-function preflight (for `check`, which reports missing
/// functions as findings instead of refusing).
pub fn changes(
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

/// A live role must carry our `managed-by` tag, and the config identity tag of this config,
/// unless the user adopts it.
fn check_role_owner(
    role: &ObservedRole,
    want: &DesiredRole,
    opts: PlanOptions,
) -> Result<(), PlanError> {
    if opts.adopt {
        return check_role_path(role, want);
    }
    if !role.is_ours() {
        return Err(PlanError::ForeignRole {
            name: role.name.clone(),
        });
    }
    check_role_path(role, want)?;
    check_deployment(role, want.tags.get(DEPLOYMENT_TAG_KEY).map(String::as_str))?;
    if let (Some(live), Some(want)) = (role.tags.get(CONFIG_TAG_KEY), want.tags.get(CONFIG_TAG_KEY))
    {
        if live != want {
            return Err(PlanError::ConfigConflict {
                name: role.name.clone(),
                live: live.clone(),
                want: want.clone(),
            });
        }
    }
    Ok(())
}

/// A role's path is fixed at creation (UpdateRole cannot change it:
/// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRole.html), so a role at
/// another path can only be refused, never planned around or reported as in sync.
fn check_role_path(role: &ObservedRole, want: &DesiredRole) -> Result<(), PlanError> {
    if role.path == want.path {
        return Ok(());
    }
    Err(PlanError::RolePath {
        name: role.name.clone(),
        live: role.path.clone(),
        want: want.path.clone(),
    })
}

/// The writes that bring an existing role to the desired state, trust first.
fn role_ops(desired: &Desired, observed: &Observed, role: &ObservedRole) -> Vec<Op> {
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

/// An existing shard: adopt it if asked, and give it the desired document as a new default
/// version (pruning the oldest non-default version when all five are in use).
fn policy_ops(
    desired: &Desired,
    pol: &DesiredPolicy,
    live: &ObservedPolicy,
    opts: PlanOptions,
) -> Result<Vec<Op>, PlanError> {
    let mut ops = Vec::new();
    if !live.is_ours() {
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
        if let Some(oldest) = version_to_prune(live, &doomed) {
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
        // The replaced default stays as a non-default version: if it admits more than the
        // targets, delete it in the same run rather than leave latent access behind.
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
    }
    Ok(ops)
}

/// Shards no longer needed (targets removed): detach, then delete if ours and unused.
fn obsolete_shard_ops(desired: &Desired, observed: &Observed) -> Vec<Op> {
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
        if live.is_ours() && live.attachment_count - i64::from(attached_here) <= 0 {
            ops.extend(delete_policy_ops(live));
        }
    }
    ops
}

/// Whether `arn` is one of our invoke policy shards (desired or observed), by name.
fn is_our_shard(desired: &Desired, observed: &Observed, arn: &str) -> bool {
    desired.policies.iter().any(|p| p.arn == arn) || observed.policies.iter().any(|p| p.arn == arn)
}

/// DeletePolicy needs every non-default version gone first (AWS: DeleteConflict otherwise).
fn delete_policy_ops(live: &ObservedPolicy) -> Vec<Op> {
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

/// Why `destroy` refuses.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DestroyError {
    /// The role exists without our `managed-by` tag.
    #[error("role {name} was not created by lambda-trust (no tag {MANAGED_BY_KEY} = {MANAGED_BY_VALUE}); refusing to delete it")]
    ForeignRole {
        /// The role's name.
        name: String,
    },
    /// Our policy's ARN names a managed policy without our `managed-by` tag.
    #[error("managed policy {arn} was not created by lambda-trust (no tag {MANAGED_BY_KEY} = {MANAGED_BY_VALUE}); refusing to delete it")]
    ForeignPolicy {
        /// The policy's ARN.
        arn: String,
    },
}

/// The write calls that remove what we created: detach and delete everything on our role,
/// prune our policy's versions, delete the policy (unless something else still uses it) and
/// the role. Policies that are not ours are only detached, never deleted.
pub fn plan_destroy(observed: &Observed) -> Result<(Plan, Vec<String>), DestroyError> {
    let mut ops = Vec::new();
    let mut notes = Vec::new();
    if let Some(role) = &observed.role {
        if !role.is_ours() {
            return Err(DestroyError::ForeignRole {
                name: role.name.clone(),
            });
        }
    }
    for p in &observed.policies {
        if !p.is_ours() {
            return Err(DestroyError::ForeignPolicy { arn: p.arn.clone() });
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
) -> Result<(Plan, Vec<String>), DestroyError> {
    let mut ops = Vec::new();
    let mut notes = Vec::new();
    for old in predecessors {
        let mut old = old.clone();
        old.policies
            .retain(|p| crate::shard::shard_index(policy_name, &p.name).is_none());
        let (plan, more) = plan_destroy(&old)?;
        ops.extend(plan.ops);
        notes.extend(more);
    }
    Ok((Plan { ops }, notes))
}

impl lambda_trust_verdict::Hinted for PlanError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            PlanError::ForeignRole { .. } => "review it, then run `lambda-trust apply --adopt` to take it over, or choose another role.name".to_string(),
            PlanError::ConfigConflict { .. } => "two configs must not manage one role — give this config its own role.name; if you changed the external ID or policy name on purpose, run `lambda-trust apply --adopt`".to_string(),
            PlanError::OtherDeployment { live: Some(live), .. } => format!("two configs must not manage one role: give this config its own role.name — or, if this config is deployment {live:?}, set `deployment = {live:?}` at its top; `lambda-trust apply --adopt` takes the role over"),
            PlanError::OtherDeployment { .. } => "give this config its own role.name, or `lambda-trust apply --adopt` to take the role over".to_string(),
            PlanError::ForeignPolicy { .. } => "review it, then run `lambda-trust apply --adopt` to take it over, or set policy.name to another name".to_string(),
            PlanError::MissingFunctions { .. } => "deploy the function(s) first, or fix `function`/`region`/`qualifier` in the config; where access was denied, grant the credentials in use the lambda:GetFunction permission".to_string(),
            PlanError::RolePath { live, want, .. } => format!("set role.path = \"{live}\" in the config, or run `lambda-trust destroy` and apply again to recreate the role at {want}"),
            PlanError::WrongAccount { .. } => "pick the right --profile, or fix aws.account_id".to_string(),
            PlanError::AllQualifiersAcrossAccounts { .. } => "a function policy statement grants one function, version or alias (Lambda API Reference, AddPermission): list each alias or version the data actions invoke as a target of its own".to_string(),
        })
    }
}
impl lambda_trust_verdict::Hinted for DestroyError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            DestroyError::ForeignRole { .. } => {
                "delete it yourself if you are sure, or `apply --adopt` it first".to_string()
            }
            DestroyError::ForeignPolicy { .. } => {
                "delete it yourself if you are sure, or `apply --adopt` it first".to_string()
            }
        })
    }
}
