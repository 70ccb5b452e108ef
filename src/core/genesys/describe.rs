//! What a planned Genesys Cloud change means to a user: one [`ChangeView`] per [`GenesysOp`],
//! the same shape as the AWS side's (plan output, apply progress, `check` findings).
//!
//! Part of the pure `core` layer.

use serde_json::{json, Value};

use super::plan::{as_observed, GenesysOp};
use super::state::{DesiredAction, ObservedAction};
use crate::core::describe::{Action, ChangeView};

fn view(resource: String, action: Action, detail: impl Into<String>) -> ChangeView {
    ChangeView {
        resource,
        action,
        detail: detail.into(),
        before: None,
        after: None,
    }
}

/// The action as a document (templates, contract, timeout), for diffs.
pub fn action_doc(a: &ObservedAction) -> Value {
    json!({
        "name": a.name,
        "category": a.category,
        "requestUrlTemplate": a.function_arn,
        "requestTemplate": a.request_template,
        "successTemplate": a.success_template,
        "timeoutSeconds": a.timeout_seconds,
        "inputSchema": a.input_schema,
        "successSchema": a.output_schema,
    })
}

fn desired_doc(a: &DesiredAction, category: &str) -> Value {
    action_doc(&as_observed(a, category, "", 0))
}

/// `genesys action "Lookup order"`, `genesys credential "…"`, `genesys integration "…"`.
pub fn action_resource(name: &str) -> String {
    format!("genesys action {name:?}")
}

/// What a Genesys op means to a user.
pub fn describe_genesys(op: &GenesysOp) -> ChangeView {
    use GenesysOp::*;
    match op {
        CreateCredential { name, role_arn } => view(
            format!("genesys credential {name:?}"),
            Action::Create,
            format!("type amazonWebServicesARN, ARN {role_arn}"),
        ),
        UpdateCredential {
            name,
            role_arn,
            reason,
            ..
        } => view(
            format!("genesys credential {name:?}"),
            Action::Update,
            format!("ARN {role_arn} written again: {reason}"),
        ),
        CreateIntegration { name } => view(
            format!("genesys integration {name:?}"),
            Action::Create,
            "type aws-lambda-data-actions",
        ),
        CreateAction {
            action, category, ..
        } => {
            let mut v = view(
                action_resource(&action.name),
                Action::Create,
                format!("calls {}", action.function_arn),
            );
            v.after = Some(desired_doc(action, category));
            v
        }
        UpdateAction {
            action,
            category,
            before,
            ..
        }
        | UpdateActionDraft {
            action,
            category,
            before,
            ..
        } => {
            let how = if matches!(op, UpdateActionDraft { .. }) {
                "contract changed: draft, patch, publish (the action ID stays)"
            } else {
                "updated in place (the action ID stays)"
            };
            let mut v = view(action_resource(&action.name), Action::Update, how);
            v.before = Some(action_doc(before));
            v.after = Some(desired_doc(action, category));
            v
        }
        DeleteAction {
            name, function_arn, ..
        } => view(
            action_resource(name),
            Action::Delete,
            format!("calls {function_arn}; created by lambda-trust, no longer a target"),
        ),
        PutConfig { name, reasons, .. } => view(
            format!("genesys integration {name:?} config"),
            Action::Update,
            format!(
                "credential binding and ownership ledger: {}",
                reasons.join("; ")
            ),
        ),
        Enable { name, was, .. } => view(
            format!("genesys integration {name:?}"),
            Action::Update,
            format!(
                "intendedState {} → ENABLED",
                was.as_deref().unwrap_or("(new)")
            ),
        ),
        DeleteIntegration { name, id } => view(
            format!("genesys integration {name:?}"),
            Action::Delete,
            format!("id {id}"),
        ),
        DeleteCredential { name, id } => view(
            format!("genesys credential {name:?}"),
            Action::Delete,
            format!("id {id}"),
        ),
    }
}
