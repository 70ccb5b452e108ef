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
    let view = |resource: String, action, detail: String| ChangeView {
        resource,
        action,
        detail,
        before: None,
        after: None,
    };
    match op {
        Op::CreateRole {
            name,
            path,
            max_session_duration,
            permissions_boundary,
            tags,
            trust,
            ..
        } => ChangeView {
            after: Some(trust.clone()),
            ..view(
                format!("role {name}"),
                Action::Create,
                format!(
                    "path {path}, max session {max_session_duration}s, boundary {}, tags {}",
                    permissions_boundary.as_deref().unwrap_or("none"),
                    tag_list(tags)
                ),
            )
        },
        Op::UpdateTrustPolicy {
            role,
            document,
            previous,
        } => ChangeView {
            before: Some(previous.clone()),
            after: Some(document.clone()),
            ..view(
                format!("role {role} trust policy"),
                Action::Update,
                "trust policy differs from the config".into(),
            )
        },
        Op::DetachPolicy {
            role,
            arn,
            document,
            ..
        } => ChangeView {
            before: Some(document.clone()),
            ..view(
                format!("role {role} attachment {arn}"),
                Action::Delete,
                "managed policy not declared in the config; detached (the policy itself is kept)"
                    .into(),
            )
        },
        Op::DeleteInlinePolicy {
            role,
            name,
            document,
        } => ChangeView {
            before: Some(document.clone()),
            ..view(
                format!("role {role} inline policy {name}"),
                Action::Delete,
                "inline policy not declared in the config; deleted (its document is shown in full)"
                    .into(),
            )
        },
        Op::PutPermissionsBoundary {
            role,
            arn,
            previous,
        } => view(
            format!("role {role} permissions boundary"),
            Action::Update,
            format!("{} → {arn}", previous.as_deref().unwrap_or("none")),
        ),
        Op::DeletePermissionsBoundary { role, previous } => view(
            format!("role {role} permissions boundary"),
            Action::Delete,
            format!("{previous} → none (not in the config)"),
        ),
        Op::UpdateRole {
            role,
            description,
            max_session_duration,
            previous_description,
            previous_max_session_duration,
        } => {
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
            view(format!("role {role}"), Action::Update, parts.join(", "))
        }
        Op::TagRole {
            role,
            tags,
            previous,
        } => view(
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
        Op::UntagRole { role, keys } => view(
            format!("role {role} tags"),
            Action::Delete,
            format!("remove tag(s) not in the config: {}", keys.join(", ")),
        ),
        Op::CreatePolicy {
            name,
            document,
            tags,
            ..
        } => ChangeView {
            after: Some(document.clone()),
            ..view(
                format!("managed policy {name}"),
                Action::Create,
                format!("tags {}", tag_list(tags)),
            )
        },
        Op::TagPolicy { arn, tags } => view(
            format!("managed policy {arn} tags"),
            Action::Update,
            format!("adopt: add {}", tag_list(tags)),
        ),
        Op::DeletePolicyVersion { arn, version_id } => view(
            format!("managed policy {arn} version {version_id}"),
            Action::Delete,
            "oldest non-default version, pruned to stay under the 5-version limit".into(),
        ),
        Op::CreatePolicyVersion {
            arn,
            document,
            previous,
        } => ChangeView {
            before: Some(previous.clone()),
            after: Some(document.clone()),
            ..view(
                format!("managed policy {arn}"),
                Action::Update,
                "new default version".into(),
            )
        },
        Op::DeletePolicy { arn, document } => ChangeView {
            before: Some(document.clone()),
            ..view(
                format!("managed policy {arn}"),
                Action::Delete,
                "delete the invoke policy".into(),
            )
        },
        Op::DeleteRole { name, trust } => ChangeView {
            before: Some(trust.clone()),
            ..view(
                format!("role {name}"),
                Action::Delete,
                "delete the role".into(),
            )
        },
        Op::AttachPolicy { role, arn } => view(
            format!("role {role} attachment {arn}"),
            Action::Create,
            "attach the invoke policy".into(),
        ),
    }
}
