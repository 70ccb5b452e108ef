//! The write calls a plan is made of: one [`Op`] per AWS call, by what it writes.

use std::collections::BTreeMap;

use serde_json::Value;

use lambda_trust_model::{DesiredRole, FunctionPermission};

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
