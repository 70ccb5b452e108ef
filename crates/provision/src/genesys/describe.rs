//! What a planned Genesys Cloud change means to a user: one [`ChangeView`] per [`GenesysOp`],
//! the same shape as the AWS side's (plan output, apply progress, `check` findings).
//!
//! Part of the pure model.

use serde_json::Value;

use super::plan::{as_observed, ConfigWrite, DeleteWhy, GenesysOp, UpdateVia};
use crate::describe::{Action, ChangeView};
use lambda_trust_model::{DesiredAction, Flow, ObservedAction};

/// The action as a document (templates, contract, timeout), for diffs.
pub(crate) fn action_doc(a: &ObservedAction) -> Value {
    a.def.doc()
}

fn desired_doc(a: &DesiredAction, category: &str) -> Value {
    action_doc(&as_observed(a, category, "", 0))
}

/// `genesys action "Lookup order"`, `genesys credential "…"`, `genesys integration "…"`.
pub(crate) fn action_resource(name: &str) -> String {
    format!("genesys action {name:?}")
}

/// A credential's change.
fn credential_view(name: &str, action: Action, detail: String) -> ChangeView {
    ChangeView::new(format!("genesys credential {name:?}"), action, detail)
}

/// The integration's config written: the credential binding and the ownership ledger, and why.
fn put_config_view(w: &ConfigWrite) -> ChangeView {
    let reasons: Vec<String> = w.reasons.iter().map(ToString::to_string).collect();
    ChangeView::new(
        format!("genesys integration {:?} config", w.name),
        Action::Update,
        format!(
            "credential binding and ownership ledger: {}",
            reasons.join("; ")
        ),
    )
}

/// The integration enabled: its intended state before.
fn enable_view(name: &str, was: Option<&str>) -> ChangeView {
    let detail = format!("intendedState {} → ENABLED", was.unwrap_or("(new)"));
    ChangeView::new(
        format!("genesys integration {name:?}"),
        Action::Update,
        detail,
    )
}

/// What a Genesys op means to a user.
pub fn describe_genesys(op: &GenesysOp) -> ChangeView {
    use GenesysOp::*;
    match op {
        CreateAction {
            action,
            category,
            replaces,
            ..
        } => create_view(action, category, replaces.as_ref()),
        UpdateAction {
            action,
            category,
            before,
            via,
            ..
        } => update_view(action, category, before, *via),
        SupersedeAction {
            id,
            name,
            new_name,
            flows,
            ..
        } => supersede_view(id, name, new_name, flows.as_deref()),
        DeleteAction {
            id,
            name,
            function_arn,
            why,
            flows,
        } => {
            let detail = delete_detail(id, function_arn, *why, flows.as_deref());
            ChangeView::new(action_resource(name), Action::Delete, detail)
        }
        CreateCredential { name, role_arn, .. } => credential_view(
            name,
            Action::Create,
            format!("type amazonWebServicesARN, ARN {role_arn}"),
        ),
        UpdateCredential {
            name,
            role_arn,
            reason,
            ..
        } => credential_view(
            name,
            Action::Update,
            format!("ARN {role_arn} written again: {reason}"),
        ),
        CreateIntegration { name } => ChangeView::new(
            format!("genesys integration {name:?}"),
            Action::Create,
            "type aws-lambda-data-actions",
        ),
        PutConfig(w) => put_config_view(w),
        Enable { name, was, .. } => enable_view(name, was.as_deref()),
        DeleteIntegration { name, id } => deleted("integration", name, id),
        DeleteCredential { name, id } => deleted("credential", name, id),
    }
}

/// `genesys integration "…"` or `genesys credential "…"`, deleted.
fn deleted(kind: &str, name: &str, id: &str) -> ChangeView {
    ChangeView::new(
        format!("genesys {kind} {name:?}"),
        Action::Delete,
        format!("id {id}"),
    )
}

fn create_view(
    action: &DesiredAction,
    category: &str,
    replaces: Option<&super::plan::Replaced>,
) -> ChangeView {
    let detail = create_detail(action.def.function_arn(), replaces);
    ChangeView {
        after: Some(desired_doc(action, category)),
        ..ChangeView::new(action_resource(&action.def.name), Action::Create, detail)
    }
}

fn update_view(
    action: &DesiredAction,
    category: &str,
    before: &ObservedAction,
    via: UpdateVia,
) -> ChangeView {
    let detail = match via {
        UpdateVia::Patch => "configuration updated in place (the action ID stays)",
        UpdateVia::Draft { .. } => "configuration written to the action's draft; the published action stays until `apply --publish`",
        UpdateVia::Publish { .. } => "the draft holding the configuration is published (the action ID stays)",
    };
    ChangeView {
        before: Some(action_doc(before)),
        after: Some(desired_doc(action, category)),
        ..ChangeView::new(action_resource(&action.def.name), Action::Update, detail)
    }
}

fn supersede_view(id: &str, name: &str, new_name: &str, flows: Option<&[Flow]>) -> ChangeView {
    ChangeView::new(
        action_resource(name),
        Action::Update,
        format!(
            "renamed {new_name:?} and kept (id {id}): {}; a later apply deletes it once none does",
            flows_text(flows)
        ),
    )
}

fn create_detail(function_arn: &str, replaces: Option<&super::plan::Replaced>) -> String {
    let Some(r) = replaces else {
        return format!("calls {function_arn}");
    };
    format!(
        "calls {function_arn}; replaces action {} (its {} changed, and a published contract never changes: the new action has a new ID){}",
        r.id,
        r.differs.join(", "),
        if r.kept {
            "; the old one is kept while flows call it"
        } else {
            "; no published flow calls the old one: it is deleted"
        }
    )
}

fn delete_detail(id: &str, function_arn: &str, why: DeleteWhy, flows: Option<&[Flow]>) -> String {
    let why = match why {
        DeleteWhy::NotATarget => "created by lambda-trust, no longer a target",
        DeleteWhy::Replaced => {
            "replaced by a new action (contract changed), no published flow calls it"
        }
        DeleteWhy::Superseded => "superseded earlier, no published flow calls it any more",
        DeleteWhy::Destroy => "created by lambda-trust",
    };
    let forced = match flows {
        Some([]) => String::new(),
        Some(f) => format!("; FORCED: this breaks {}", flows_text(Some(f))),
        None => "; the flows that call it are unknown (forced)".to_string(),
    };
    format!("id {id}, calls {function_arn}; {why}{forced}")
}

/// `called by "Main IVR" (INBOUNDCALLFLOW, version 3.0, …)` for people.
pub(crate) fn flows_text(flows: Option<&[Flow]>) -> String {
    match flows {
        None => "the flows that call it are unknown".to_string(),
        Some([]) => "no published flow calls it".to_string(),
        Some(f) => format!(
            "called by {}",
            f.iter().map(Flow::to_string).collect::<Vec<_>>().join(", ")
        ),
    }
}
