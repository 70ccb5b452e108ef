//! A setup handed over to Terraform or CloudFormation (`managed_by` in the config, after
//! `lambda-trust export`): lambda-trust keeps reading and judging it, and writes none of it.
//!
//! Once another tool owns the objects, what lambda-trust used to recognise them by is that
//! tool's to choose: CloudFormation names a function policy statement itself and
//! `AWS::IAM::ManagedPolicy` has no tags; Terraform may add default tags. What matters is still
//! compared — the trust policy, the invoke documents and their attachment, the boundary, the
//! role's settings and the tags the config declares, each statement's grant — while
//! lambda-trust's ownership tags, tags the config does not declare and statement IDs are not
//! ([`as_handed_over`]). Whatever differs is repaired in that tool's code, never by `apply`
//! ([`step`], [`hand_over_findings`]).

use std::collections::BTreeMap;

use crate::change_set::ChangeSet;
use crate::drift::{Finding, Remedy};
use crate::side::Side;
use lambda_trust_config::{ManagedBy, CONFIG_TAG_KEY, DEPLOYMENT_TAG_KEY, MANAGED_BY_KEY};
use lambda_trust_model::{Desired, Observed};

/// The tags lambda-trust uses to recognise its own objects.
const OWNERSHIP: [&str; 3] = [MANAGED_BY_KEY, CONFIG_TAG_KEY, DEPLOYMENT_TAG_KEY];

/// Hands the sides `tool` manages over to it (`managed_by`): their writes leave `set`, kept in
/// [`ChangeSet::handed_over`] to be shown. Returns each side that had writes, with the step
/// that makes them in `tool`'s code instead.
pub fn hand_over_to(set: &mut ChangeSet, tool: ManagedBy) -> Vec<(Side, String)> {
    let mut out = Vec::new();
    for side in [Side::Aws, Side::Genesys] {
        if !manages(tool, side) {
            continue;
        }
        set.hand_over(side, tool.into());
        if !set.handed_over_on(side).is_empty() {
            out.push((side, step(tool, side)));
        }
    }
    out
}

/// Whether `tool` manages `side`: both manage the AWS objects; Terraform the Genesys Cloud
/// ones too, CloudFormation not (it has no Genesys Cloud resource types).
pub(crate) fn manages(tool: ManagedBy, side: Side) -> bool {
    match (side, tool) {
        (Side::Aws, _) | (Side::Genesys, ManagedBy::Terraform) => true,
        (Side::Genesys, ManagedBy::Cloudformation) => false,
    }
}

/// The live AWS state as lambda-trust judges a handed-over setup: the role's and the invoke
/// policies' tags reduced to those the config declares, with lambda-trust's ownership tags as
/// the config would set them; on each cross-account target, the statement that grants the
/// role what the config wants, whatever its ID (its own `Sid` stays in the statement).
pub fn as_handed_over(desired: &Desired, mut observed: Observed) -> Observed {
    if let Some(role) = observed.role.as_mut() {
        role.tags = declared(&desired.role.tags, &role.tags);
    }
    for policy in &mut observed.policies {
        let wanted = (desired.policies.iter()).find(|d| d.index == policy.index);
        if let Some(wanted) = wanted {
            policy.tags = declared(&wanted.tags, &policy.tags);
        }
    }
    for live in &mut observed.permissions {
        let want = (desired.permissions.iter())
            .find(|w| w.function_arn == live.function_arn && w.qualifier == live.qualifier);
        let Some(want) = want else { continue };
        let statements = (live.document.as_ref())
            .and_then(|d| d["Statement"].as_array())
            .into_iter()
            .flatten();
        let granting = statements.into_iter().find(|s| want.matches(s));
        if let Some(s) = granting {
            live.statement = Some(s.clone());
            live.statement_id = want.statement_id.clone();
        }
    }
    observed
}

/// The live tags the config declares, and lambda-trust's ownership tags as it would set them.
fn declared(
    wanted: &BTreeMap<String, String>,
    live: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = (live.iter())
        .filter(|(k, _)| wanted.contains_key(*k) && !OWNERSHIP.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for key in OWNERSHIP {
        if let Some(v) = wanted.get(key) {
            out.insert(key.to_string(), v.clone());
        }
    }
    out
}

/// The exact step that repairs a difference on `side` of a setup `tool` manages.
pub(crate) fn step(tool: ManagedBy, side: Side) -> String {
    match (tool, side) {
        (ManagedBy::Cloudformation, _) => "change the stack's template to match the config (`lambda-trust export cloudformation --from-config --out DIR` writes the templates the config wants; a statement on another account's function is in that account's stack) and update the stack, e.g. `aws cloudformation deploy --template-file DIR/lambda-trust.template.json --stack-name STACK --capabilities CAPABILITY_NAMED_IAM`; lambda-trust writes nothing CloudFormation manages (managed_by = \"cloudformation\")".to_string(),
        (ManagedBy::Terraform, side) => format!(
            "run `terraform apply`: the Terraform code holds the {side} side and puts back what was changed outside it (`terraform plan` shows it); only if the config changed since the code was exported, change the code first (`lambda-trust export terraform --from-config --out DIR` writes the code the config wants); lambda-trust writes nothing Terraform manages (managed_by = \"terraform\")"
        ),
    }
}

/// Findings on a side `tool` manages: what `apply` would have repaired is repaired in the
/// tool's code instead (the step [`hand_over_to`] says too). Steps outside both stay as they are.
pub(crate) fn hand_over_findings(findings: &mut [Finding], tool: ManagedBy) {
    for f in findings {
        let side = f.code.side();
        if manages(tool, side) && matches!(f.remedy, Remedy::Apply | Remedy::ApplyAdopt) {
            let step = match (tool, f.code) {
                // The exported code owns the role's inline policies and attachments
                // (`aws_iam_role_policies_exclusive`, `aws_iam_role_policy_attachments_exclusive`):
                // the code already matches, and its apply removes one added by hand.
                (
                    ManagedBy::Terraform,
                    crate::drift::Code::ForeignInlinePolicy | crate::drift::Code::ForeignManagedPolicy,
                ) => "run `terraform apply`: the exported code owns the role's inline policies and attachments (aws_iam_role_policies_exclusive, aws_iam_role_policy_attachments_exclusive) and removes this one; code exported before those resources needs them added first (`lambda-trust export terraform`)".to_string(),
                _ => step(tool, side),
            };
            f.remedy = Remedy::Outside { step };
        }
        hand_over_findings(&mut f.related, tool);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::Code;
    use lambda_trust_model::{FunctionPermission, ObservedPermission};
    use serde_json::json;

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        (pairs.iter())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn ownership_tags_are_the_configs_and_undeclared_tags_are_not_compared() {
        let wanted = tags(&[("managed-by", "lambda-trust"), ("team", "cx")]);
        let live = tags(&[("team", "ops"), ("aws:cloudformation:stack-name", "s")]);
        assert_eq!(
            declared(&wanted, &live),
            tags(&[("managed-by", "lambda-trust"), ("team", "ops")])
        );
    }

    #[test]
    fn the_statement_granting_the_role_counts_whatever_its_id() {
        let want = FunctionPermission {
            account: "222222222222".into(),
            region: "us-east-1".into(),
            function_arn: "arn:aws:lambda:us-east-1:222222222222:function:billing".into(),
            qualifier: None,
            statement_id: "lambda-trust-R-0123abcd".into(),
            principal: "arn:aws:iam::111111111111:role/R".into(),
        };
        let granting = json!({"Sid": "stack-InvokePermission1-XYZ", "Effect": "Allow",
            "Action": "lambda:InvokeFunction", "Principal": {"AWS": want.principal},
            "Resource": want.function_arn});
        let other = json!({"Sid": "x", "Effect": "Allow", "Action": "lambda:InvokeFunction",
            "Principal": {"Service": "s3.amazonaws.com"}, "Resource": want.function_arn});
        let mut observed = Observed {
            account_id: "111111111111".into(),
            ..Observed::default()
        };
        observed.permissions.push(ObservedPermission {
            function_arn: want.function_arn.clone(),
            qualifier: None,
            statement_id: want.statement_id.clone(),
            statement: None,
            revision_id: None,
            document: Some(json!({"Statement": [other, granting.clone()]})),
        });
        let desired = Desired {
            account_id: "111111111111".into(),
            partition: "aws".into(),
            role: lambda_trust_model::DesiredRole {
                name: "R".into(),
                path: "/".into(),
                description: String::new(),
                max_session_duration: 3600,
                permissions_boundary: None,
                tags: BTreeMap::new(),
                trust: json!({}),
            },
            policies: Vec::new(),
            targets: Vec::new(),
            partner_principal: String::new(),
            external_id: String::new(),
            permissions: vec![want.clone()],
            accounts: Vec::new(),
        };
        let judged = as_handed_over(&desired, observed);
        assert_eq!(judged.permissions[0].statement, Some(granting));
        assert_eq!(judged.permissions[0].statement_id, want.statement_id);
    }

    #[test]
    fn what_apply_would_repair_is_repaired_in_the_tools_code() {
        let mut findings = vec![
            Finding::new(Code::TrustDiffers, "role R", "differs"),
            Finding::new(
                Code::GenesysActionDiffers,
                "genesys action \"a\"",
                "differs",
            ),
        ];
        hand_over_findings(&mut findings, ManagedBy::Cloudformation);
        assert!(
            matches!(&findings[0].remedy, Remedy::Outside { step } if step.contains("update the stack"))
        );
        assert_eq!(findings[1].remedy, Remedy::Apply);
        hand_over_findings(&mut findings, ManagedBy::Terraform);
        assert!(
            matches!(&findings[1].remedy, Remedy::Outside { step } if step.contains("terraform apply"))
        );
    }
}
