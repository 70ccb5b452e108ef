//! `guardrail export`: the organization's guardrail (an RCP) as Terraform or CloudFormation, for
//! the management account's code, adopting what exists.
//!
//! Terraform: `aws_organizations_policy` and one `aws_organizations_policy_attachment` per
//! target, each with an `import` block when it exists (the attachment's import ID is
//! `TARGET_ID:POLICY_ID`, Terraform AWS provider, "aws_organizations_policy_attachment").
//! CloudFormation: one `AWS::Organizations::Policy` whose `TargetIds` are the targets, kept on
//! the stack's deletion (`DeletionPolicy: Retain`); an import names it by its policy ID.

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::hcl::{aligned, label, string, value};
use lambda_trust_config::ManagedBy;

/// The guardrail to write as code.
#[derive(Debug, Clone, PartialEq)]
pub struct GuardrailCode {
    /// Its name in AWS Organizations.
    pub name: String,
    /// Its description.
    pub description: String,
    /// The document.
    pub document: Value,
    /// The targets it is attached to.
    pub targets: Vec<String>,
    /// Its ID when it exists, and the targets it is attached to now.
    pub live: Option<(String, Vec<String>)>,
    /// Its tags.
    pub tags: Vec<(String, String)>,
}

/// The guardrail `g` as `tool`'s code: Terraform's HCL, or a CloudFormation template (JSON,
/// ending with its newline).
pub fn guardrail_code(g: &GuardrailCode, tool: ManagedBy) -> String {
    match tool {
        ManagedBy::Terraform => terraform(g),
        ManagedBy::Cloudformation => cloudformation(g),
    }
}

/// The Terraform (HCL) of `g`.
fn terraform(g: &GuardrailCode) -> String {
    let policy = label(&g.name.replace('-', "_"));
    let mut out = String::from(
        "# The guardrail lambda-trust proved (docs/guardrail.md): apply it with the management\n\
         # account's credentials. `lambda-trust guardrail check` proves what is attached.\n\n",
    );
    out.push_str(&policy_block(g, &policy));
    let id = g.live.as_ref().map(|(id, _)| id.as_str());
    if let Some(id) = id {
        out.push_str(&import(&format!("aws_organizations_policy.{policy}"), id));
    }
    for t in &g.targets {
        let name = label(&format!("{policy}_{}", t.replace('-', "_")));
        let _ = write!(
            out,
            "\nresource \"aws_organizations_policy_attachment\" \"{name}\" {{\n  policy_id = \
             aws_organizations_policy.{policy}.id\n  target_id = {}\n}}\n",
            string(t)
        );
        let attached = g.live.as_ref().is_some_and(|(_, on)| on.contains(t));
        if let (Some(id), true) = (id, attached) {
            let to = format!("aws_organizations_policy_attachment.{name}");
            out.push_str(&import(&to, &format!("{t}:{id}")));
        }
    }
    aligned(&out)
}

/// The `aws_organizations_policy` block.
fn policy_block(g: &GuardrailCode, policy: &str) -> String {
    let tags: Vec<String> = (g.tags.iter())
        .map(|(k, v)| format!("    {} = {}\n", string(k), string(v)))
        .collect();
    format!(
        "resource \"aws_organizations_policy\" \"{policy}\" {{\n  name = {}\n  description = {}\n  \
         type = \"RESOURCE_CONTROL_POLICY\"\n  content = jsonencode({})\n  tags = {{\n{}  }}\n}}\n",
        string(&g.name),
        string(&g.description),
        value(&g.document, 2),
        tags.concat(),
    )
}

/// An `import` block adopting `id` as `to`.
fn import(to: &str, id: &str) -> String {
    format!("\nimport {{\n  to = {to}\n  id = {}\n}}\n", string(id))
}

/// The CloudFormation template of `g` (JSON, ending with its newline).
fn cloudformation(g: &GuardrailCode) -> String {
    let tags: Vec<Value> = (g.tags.iter())
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    let template = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "The guardrail lambda-trust proved (docs/guardrail.md); deploy it in the management account.",
        "Resources": {
            "GenesysCloudExternalIdGuardrail": {
                "Type": "AWS::Organizations::Policy",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": {
                    "Name": g.name,
                    "Description": g.description,
                    "Type": "RESOURCE_CONTROL_POLICY",
                    "Content": g.document,
                    "TargetIds": g.targets,
                    "Tags": tags,
                }
            }
        }
    });
    let mut text = serde_json::to_string_pretty(&template).expect("a JSON value");
    text.push('\n');
    text
}
