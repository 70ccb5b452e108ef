//! For a target already holding its quota of RCPs: each customer RCP there with the guardrail's
//! statements merged in, for that policy's owner to apply — lambda-trust never writes a policy
//! that is not its own — proved as merged: within the size AWS Organizations takes, and
//! exclusive over the accounts under the target with the merged policy in the other's place.

use serde_json::Value;

use lambda_trust_iam::minified_len;

use super::document::FULL_ACCESS;
use super::model::{GuardrailMerge, GuardrailProperty, GuardrailRoles, GuardrailSpec};
use super::proof::{prove, Attached};
use crate::organization::{OrgTree, StoredPolicy};

/// Each customer RCP at `target` (not lambda-trust's, not `RCPFullAWSAccess`) with `document`'s
/// statements merged in.
pub(crate) fn merges(
    tree: &OrgTree,
    spec: &GuardrailSpec,
    document: &Value,
    target: &str,
) -> Vec<GuardrailMerge> {
    (tree.attached_to(target).into_iter())
        .filter(|p| !p.ours && p.name != FULL_ACCESS)
        .map(|p| merged(tree, spec, document, target, p))
        .collect()
}

fn merged(
    tree: &OrgTree,
    spec: &GuardrailSpec,
    document: &Value,
    target: &str,
    theirs: &StoredPolicy,
) -> GuardrailMerge {
    let mut doc = theirs.document.clone();
    let mut statements = match doc.get("Statement") {
        Some(Value::Array(list)) => list.clone(),
        Some(one) => vec![one.clone()],
        None => Vec::new(),
    };
    if let Some(Value::Array(ours)) = document.get("Statement") {
        statements.extend(ours.iter().cloned());
    }
    doc["Statement"] = Value::Array(statements);
    // The organization as it would stand: their policy replaced by the merged one.
    let mut standing = tree.clone();
    standing.policies.retain(|p| p.id != theirs.id && !p.ours);
    let targets = [target.to_owned()];
    let attached = Attached {
        document: &doc,
        targets: &targets,
    };
    let roles = GuardrailRoles::NotRead("the merged policy is proved on its document".into());
    let proved = prove(&standing, spec, &attached, &roles);
    let claims = (proved.claims.into_iter())
        .filter(|c| {
            matches!(
                c.property,
                GuardrailProperty::Syntax | GuardrailProperty::Exclusivity
            )
        })
        .collect();
    GuardrailMerge {
        target: target.to_owned(),
        policy: theirs.id.clone(),
        name: theirs.name.clone(),
        size: minified_len(&doc),
        document: doc,
        claims,
    }
}
