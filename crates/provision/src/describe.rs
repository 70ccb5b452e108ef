//! What a planned write means to a user: one [`ChangeView`] per [`Op`], shared by the plan
//! output, apply's progress lines and the drift findings of `check`.
//!
//! Part of the pure model.

use serde::Serialize;
use serde_json::Value;

use crate::plan::{
    AttachmentOp, BoundaryOp, Op, PermissionOp, Plan, PolicyOp, RoleOp, TagOp, VersionOp,
};
use lambda_trust_model::DesiredRole;

/// `create` / `update` / `delete`, as in the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(inline))]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// The resource is created.
    Create,
    /// The resource is changed in place.
    Update,
    /// The resource is deleted.
    Delete,
}

/// One planned write as users read it (plan, apply, destroy, onboard/offboard; the genesys
/// section's changes too).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename = "change", deny_unknown_fields))]
pub struct ChangeView {
    /// e.g. `role GenesysLambdaInvoker`, `managed policy ARN version v2`, `genesys action
    /// "lookup-order"`.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub resource: String,
    /// Whether the resource is created, updated or deleted.
    pub action: Action,
    /// What changes, in a few words.
    pub detail: String,
    /// The document before: document updates and removals.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema_refs::Document"))]
    pub before: Option<Value>,
    /// The document after: creates and document updates.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema_refs::Document"))]
    pub after: Option<Value>,
}

fn tag_list(tags: &std::collections::BTreeMap<String, String>) -> String {
    tags.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What an op means to a user.
pub fn describe(op: &Op) -> ChangeView {
    match op {
        Op::Role(op) => describe_role(op),
        Op::Boundary(op) => describe_boundary(op),
        Op::Tags(op) => describe_tags(op),
        Op::Attachment(op) => describe_attachment(op),
        Op::Policy(op) => describe_policy(op),
        Op::Version(op) => describe_version(op),
        Op::Permission(op) => describe_permission(op),
    }
}

/// lambda-trust's statement in a cross-account target's function policy.
fn describe_permission(op: &PermissionOp) -> ChangeView {
    let p = op.permission();
    let resource = format!(
        "function policy of {} statement {} (account {})",
        p.resource(),
        p.statement_id,
        p.account
    );
    match op {
        PermissionOp::Add { read: true, .. } => ChangeView::new(
            resource,
            Action::Create,
            format!("lets {} invoke it", p.principal),
        )
        .after(&p.statement()),
        PermissionOp::Add { read: false, .. } => ChangeView::new(
            resource,
            Action::Create,
            format!(
                "lets {} invoke it; not read and not writable: add [aws.accounts.\"{}\"] with a profile or role_arn acting in that account",
                p.principal, p.account
            ),
        )
        .after(&p.statement()),
        PermissionOp::Remove { statement, .. } => ChangeView::new(
            resource,
            Action::Delete,
            "lambda-trust's statement, removed (statements under other IDs are kept)",
        )
        .before(statement),
    }
}

/// Each op of `plan` as a change, in order. A detach of a policy the same plan then deletes
/// (`destroy`, our invoke policy) says so instead of "the policy itself is kept".
pub fn describe_plan(plan: &Plan) -> Vec<ChangeView> {
    let deleted = |arn: &str| {
        plan.ops
            .iter()
            .any(|op| matches!(op, Op::Policy(PolicyOp::Delete { arn: a, .. }) if a == arn))
    };
    plan.ops
        .iter()
        .map(|op| match op {
            Op::Attachment(AttachmentOp::Detach { arn, .. }) if deleted(arn) => ChangeView {
                detail: "detached, then the policy is deleted (below)".to_owned(),
                ..describe(op)
            },
            _ => describe(op),
        })
        .collect()
}

impl ChangeView {
    /// A change with no documents to show.
    pub(crate) fn new(resource: String, action: Action, detail: impl Into<String>) -> ChangeView {
        ChangeView {
            resource,
            action,
            detail: detail.into(),
            before: None,
            after: None,
        }
    }

    fn before(mut self, doc: &Value) -> ChangeView {
        self.before = Some(doc.clone());
        self
    }

    fn after(mut self, doc: &Value) -> ChangeView {
        self.after = Some(doc.clone());
        self
    }
}

/// The role itself: create, trust policy, settings, delete.
fn describe_role(op: &RoleOp) -> ChangeView {
    match op {
        RoleOp::Create(DesiredRole {
            name,
            path,
            max_session_duration,
            permissions_boundary,
            tags,
            trust,
            ..
        }) => ChangeView::new(
            format!("role {name}"),
            Action::Create,
            format!(
                "path {path}, max session {max_session_duration}s, boundary {}, tags {}",
                permissions_boundary.as_deref().unwrap_or("none"),
                tag_list(tags)
            ),
        )
        .after(trust),
        RoleOp::UpdateTrust {
            role,
            document,
            previous,
        } => ChangeView::new(
            format!("role {role} trust policy"),
            Action::Update,
            "differs from the config",
        )
        .before(previous)
        .after(document),
        RoleOp::UpdateSettings {
            role,
            description,
            max_session_duration,
            previous_description,
            previous_max_session_duration,
        } => ChangeView::new(
            format!("role {role}"),
            Action::Update,
            settings_change(
                (previous_description.as_deref(), description),
                (*previous_max_session_duration, *max_session_duration),
            ),
        ),
        RoleOp::Delete { name, trust } => {
            ChangeView::new(format!("role {name}"), Action::Delete, "delete the role").before(trust)
        }
    }
}

/// `description "a" → "b", max session 3600s → 7200s`: (before, after) of each setting.
fn settings_change(description: (Option<&str>, &str), max_session: (i64, i64)) -> String {
    let mut parts = Vec::new();
    if description.0 != Some(description.1) {
        parts.push(format!(
            "description {:?} → {:?}",
            description.0.unwrap_or(""),
            description.1
        ));
    }
    if max_session.0 != max_session.1 {
        parts.push(format!(
            "max session {}s → {}s",
            max_session.0, max_session.1
        ));
    }
    parts.join(", ")
}

/// The role's permissions boundary.
fn describe_boundary(op: &BoundaryOp) -> ChangeView {
    match op {
        BoundaryOp::Put {
            role,
            arn,
            previous,
        } => ChangeView::new(
            format!("role {role} permissions boundary"),
            Action::Update,
            format!("{} → {arn}", previous.as_deref().unwrap_or("none")),
        ),
        BoundaryOp::Delete { role, previous } => ChangeView::new(
            format!("role {role} permissions boundary"),
            Action::Delete,
            format!("{previous} → none (not in the config)"),
        ),
    }
}

/// What hangs on the role: managed policy attachments and inline policies.
fn describe_attachment(op: &AttachmentOp) -> ChangeView {
    match op {
        AttachmentOp::Detach {
            role,
            arn,
            document,
            ..
        } => ChangeView::new(
            format!("role {role} attachment {arn}"),
            Action::Delete,
            "managed policy not declared in the config; detached (the policy itself is kept)",
        )
        .before(document),
        AttachmentOp::DeleteInline {
            role,
            name,
            document,
        } => ChangeView::new(
            format!("role {role} inline policy {name}"),
            Action::Delete,
            "inline policy not declared in the config; deleted (its document is shown in full)",
        )
        .before(document),
        AttachmentOp::Attach { role, arn } => ChangeView::new(
            format!("role {role} attachment {arn}"),
            Action::Create,
            "attach the invoke policy",
        ),
    }
}

/// Tags of the role and of our policy.
fn describe_tags(op: &TagOp) -> ChangeView {
    match op {
        TagOp::TagRole {
            role,
            tags,
            previous,
        } => ChangeView::new(
            format!("role {role} tags"),
            Action::Update,
            tags.iter()
                .map(|(k, v)| match previous.get(k) {
                    Some(old) => format!("{k}: {old:?} → {v:?}"),
                    None => format!("{k}: (absent) → {v:?}"),
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
        TagOp::UntagRole { role, keys } => ChangeView::new(
            format!("role {role} tags"),
            Action::Delete,
            format!("remove tag(s) not in the config: {}", keys.join(", ")),
        ),
        TagOp::TagPolicy { arn, tags } => ChangeView::new(
            format!("managed policy {arn} tags"),
            Action::Update,
            format!("adopt: add {}", tag_list(tags)),
        ),
    }
}

/// Our managed invoke policy.
fn describe_policy(op: &PolicyOp) -> ChangeView {
    match op {
        PolicyOp::Create {
            name,
            document,
            tags,
            ..
        } => ChangeView::new(
            format!("managed policy {name}"),
            Action::Create,
            format!("tags {}", tag_list(tags)),
        )
        .after(document),
        PolicyOp::Delete { arn, document } => ChangeView::new(
            format!("managed policy {arn}"),
            Action::Delete,
            "delete the invoke policy",
        )
        .before(document),
    }
}

/// Versions of our managed policy.
fn describe_version(op: &VersionOp) -> ChangeView {
    match op {
        VersionOp::DeleteLatent {
            arn,
            version_id,
            document,
            admits,
            ..
        } => ChangeView::new(
            format!("managed policy {arn} version {version_id}"),
            Action::Delete,
            format!("non-default version admits more than the targets (latent access): {admits}"),
        )
        .before(document),
        VersionOp::Delete { arn, version_id } => ChangeView::new(
            format!("managed policy {arn} version {version_id}"),
            Action::Delete,
            "oldest non-default version, pruned to stay under the 5-version limit",
        ),
        VersionOp::Create {
            arn,
            document,
            previous,
        } => ChangeView::new(
            format!("managed policy {arn}"),
            Action::Update,
            "new default version",
        )
        .before(previous)
        .after(document),
    }
}
