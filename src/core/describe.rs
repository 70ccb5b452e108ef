//! What a planned write means to a user: one [`ChangeView`] per [`Op`], shared by the plan
//! output, apply's progress lines and the drift findings of `check`.
//!
//! Part of the pure `core` layer.

use serde::Serialize;
use serde_json::Value;

use crate::core::plan::Op;

/// `create` / `update` / `delete`, as in the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Delete,
}

/// One planned change as users see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeView {
    pub resource: String,
    pub action: Action,
    pub detail: String,
    /// The document before and after, for document changes and removals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
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
    describe_role(op)
        .or_else(|| describe_role_policies(op))
        .or_else(|| describe_policy(op))
        .unwrap_or_else(|| unreachable!("every op is described by one of the three"))
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

/// The role itself: create, trust policy, boundary, settings, delete.
fn describe_role(op: &Op) -> Option<ChangeView> {
    Some(match op {
        Op::CreateRole {
            name,
            path,
            max_session_duration,
            permissions_boundary,
            tags,
            trust,
            ..
        } => ChangeView::new(
            format!("role {name}"),
            Action::Create,
            format!(
                "path {path}, max session {max_session_duration}s, boundary {}, tags {}",
                permissions_boundary.as_deref().unwrap_or("none"),
                tag_list(tags)
            ),
        )
        .after(trust),
        Op::UpdateTrustPolicy {
            role,
            document,
            previous,
        } => ChangeView::new(
            format!("role {role} trust policy"),
            Action::Update,
            "trust policy differs from the config",
        )
        .before(previous)
        .after(document),
        Op::PutPermissionsBoundary {
            role,
            arn,
            previous,
        } => ChangeView::new(
            format!("role {role} permissions boundary"),
            Action::Update,
            format!("{} → {arn}", previous.as_deref().unwrap_or("none")),
        ),
        Op::DeletePermissionsBoundary { role, previous } => ChangeView::new(
            format!("role {role} permissions boundary"),
            Action::Delete,
            format!("{previous} → none (not in the config)"),
        ),
        Op::UpdateRole { role, .. } => {
            ChangeView::new(format!("role {role}"), Action::Update, settings_change(op))
        }
        Op::DeleteRole { name, trust } => {
            ChangeView::new(format!("role {name}"), Action::Delete, "delete the role").before(trust)
        }
        _ => return None,
    })
}

/// `description "a" → "b", max session 3600s → 7200s`.
fn settings_change(op: &Op) -> String {
    let Op::UpdateRole {
        description,
        max_session_duration,
        previous_description,
        previous_max_session_duration,
        ..
    } = op
    else {
        return String::new();
    };
    let mut parts = Vec::new();
    if previous_description.as_deref() != Some(description.as_str()) {
        parts.push(format!(
            "description {:?} → {description:?}",
            previous_description.as_deref().unwrap_or("")
        ));
    }
    if previous_max_session_duration != max_session_duration {
        parts.push(format!(
            "max session {previous_max_session_duration}s → {max_session_duration}s"
        ));
    }
    parts.join(", ")
}

/// What hangs on the role: attachments, inline policies, tags.
fn describe_role_policies(op: &Op) -> Option<ChangeView> {
    Some(match op {
        Op::DetachPolicy {
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
        Op::DeleteInlinePolicy {
            role,
            name,
            document,
        } => ChangeView::new(
            format!("role {role} inline policy {name}"),
            Action::Delete,
            "inline policy not declared in the config; deleted (its document is shown in full)",
        )
        .before(document),
        Op::AttachPolicy { role, arn } => ChangeView::new(
            format!("role {role} attachment {arn}"),
            Action::Create,
            "attach the invoke policy",
        ),
        Op::TagRole {
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
        Op::UntagRole { role, keys } => ChangeView::new(
            format!("role {role} tags"),
            Action::Delete,
            format!("remove tag(s) not in the config: {}", keys.join(", ")),
        ),
        _ => return None,
    })
}

/// Our managed invoke policies and their versions.
fn describe_policy(op: &Op) -> Option<ChangeView> {
    Some(match op {
        Op::CreatePolicy {
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
        Op::TagPolicy { arn, tags } => ChangeView::new(
            format!("managed policy {arn} tags"),
            Action::Update,
            format!("adopt: add {}", tag_list(tags)),
        ),
        Op::DeleteLatentVersion {
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
        Op::DeletePolicyVersion { arn, version_id } => ChangeView::new(
            format!("managed policy {arn} version {version_id}"),
            Action::Delete,
            "oldest non-default version, pruned to stay under the 5-version limit",
        ),
        Op::CreatePolicyVersion {
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
        Op::DeletePolicy { arn, document } => ChangeView::new(
            format!("managed policy {arn}"),
            Action::Delete,
            "delete the invoke policy",
        )
        .before(document),
        _ => return None,
    })
}
