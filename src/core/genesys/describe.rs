//! What a planned Genesys Cloud change means to a user: one [`ChangeView`] per [`GenesysOp`],
//! the same shape as the AWS side's (plan output, apply progress, `check` findings).
//!
//! Part of the pure `core` layer.

use serde_json::{json, Value};

use super::plan::{as_observed, GenesysOp};
use super::state::{DesiredAction, ObservedAction};
use crate::core::describe::{Action, ChangeView};

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
        CreateCredential { name, role_arn } => ChangeView::new(
            format!("genesys credential {name:?}"),
            Action::Create,
            format!("type amazonWebServicesARN, ARN {role_arn}"),
        ),
        UpdateCredential {
            name,
            role_arn,
            reason,
            ..
        } => ChangeView::new(
            format!("genesys credential {name:?}"),
            Action::Update,
            format!("ARN {role_arn} written again: {reason}"),
        ),
        CreateIntegration { name } => ChangeView::new(
            format!("genesys integration {name:?}"),
            Action::Create,
            "type aws-lambda-data-actions",
        ),
        CreateAction {
            action, category, ..
        } => {
            let mut v = ChangeView::new(
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
            let mut v = ChangeView::new(action_resource(&action.name), Action::Update, how);
            v.before = Some(action_doc(before));
            v.after = Some(desired_doc(action, category));
            v
        }
        DeleteAction {
            name, function_arn, ..
        } => ChangeView::new(
            action_resource(name),
            Action::Delete,
            format!("calls {function_arn}; created by lambda-trust, no longer a target"),
        ),
        PutConfig { name, reasons, .. } => ChangeView::new(
            format!("genesys integration {name:?} config"),
            Action::Update,
            format!(
                "credential binding and ownership ledger: {}",
                reasons.join("; ")
            ),
        ),
        Enable { name, was, .. } => ChangeView::new(
            format!("genesys integration {name:?}"),
            Action::Update,
            format!(
                "intendedState {} → ENABLED",
                was.as_deref().unwrap_or("(new)")
            ),
        ),
        DeleteIntegration { name, id } => ChangeView::new(
            format!("genesys integration {name:?}"),
            Action::Delete,
            format!("id {id}"),
        ),
        DeleteCredential { name, id } => ChangeView::new(
            format!("genesys credential {name:?}"),
            Action::Delete,
            format!("id {id}"),
        ),
    }
}
