//! The role's identity side as the evaluator takes it: its identity policies (attached and
//! inline) and its permissions boundary, parsed and labelled as findings name them.

use lambda_trust_iam::{EvalInput, LabeledPolicy, Policy};
use serde_json::Value;

use lambda_trust_model::Observed;

/// The role's identity policies (attached and inline, labelled) and its boundary, parsed;
/// the documents that do not parse are listed instead.
pub(crate) fn identity_input(observed: &Observed) -> (EvalInput, Vec<String>) {
    let mut problems = Vec::new();
    let mut identity = Vec::new();
    for (label, doc) in identity_documents(observed) {
        match Policy::try_from(doc) {
            Ok(p) => identity.push(LabeledPolicy::new(label, p)),
            Err(e) => problems.push(format!("{label}: {e}")),
        }
    }
    let boundary = observed.boundary.as_ref().and_then(|b| {
        Policy::try_from(&b.document)
            .map_err(|e| problems.push(format!("boundary {}: {e}", b.name)))
            .ok()
            .map(|p| LabeledPolicy::new(format!("permissions boundary {}", b.name), p))
    });
    let input = EvalInput {
        identity_policies: identity,
        resource_policy: None,
        resource_policy_is_trust: false,
        boundary,
    };
    (input, problems)
}

/// The role's identity policies as documents, each labelled as findings name it.
pub(crate) fn identity_documents(observed: &Observed) -> Vec<(String, &Value)> {
    let attached = observed
        .attached
        .iter()
        .map(|p| (format!("managed policy {}", p.name), &p.document));
    let inline = observed
        .inline
        .iter()
        .map(|p| (format!("inline policy {}", p.name), &p.document));
    attached.chain(inline).collect()
}
