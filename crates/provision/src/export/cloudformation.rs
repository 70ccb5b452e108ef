//! The CloudFormation export: the role's template (`AWS::IAM::Role`, `AWS::IAM::ManagedPolicy`
//! for each invoke policy, attached through its own `Roles`: the role's `ManagedPolicyArns`
//! would make the stack own the role's whole list and detach what others attach), one template per
//! other account for the statements on its functions (`AWS::Lambda::Permission`: a stack
//! creates resources in its own account only), and beside each the resources-to-import file
//! `aws cloudformation create-change-set --change-set-type IMPORT --resources-to-import
//! file://…` takes. Every resource keeps `DeletionPolicy: Retain` (an import requires one, and
//! deleting the stack must not delete what Genesys Cloud relies on). The Genesys Cloud half has
//! no CloudFormation resource type, so it is named as not exported.
//!
//! Once CloudFormation owns them it names the permission statements itself, and
//! `AWS::IAM::ManagedPolicy` has no `Tags`: lambda-trust's ownership tags on the policies are
//! not carried over (docs/export.md).

use serde_json::{json, Map, Value};

use super::terraform::File;
use super::{Export, Permission};

/// The role's template and import file, then each other account's.
pub(crate) fn files(e: &Export) -> Vec<File> {
    let mut out = Vec::new();
    let (template, imports) = role_stack(e);
    out.push(json_file("lambda-trust.template.json", &template));
    if e.origin.live {
        out.push(json_file("lambda-trust.import.json", &imports));
    }
    for account in accounts(&e.permissions) {
        let mine: Vec<&Permission> = e
            .permissions
            .iter()
            .filter(|p| p.account == account)
            .collect();
        let (template, imports) = permission_stack(e, &account, &mine);
        out.push(json_file(
            &format!("lambda-trust-{account}.template.json"),
            &template,
        ));
        if e.origin.live {
            out.push(json_file(
                &format!("lambda-trust-{account}.import.json"),
                &imports,
            ));
        }
    }
    out
}

fn json_file(name: &str, v: &Value) -> File {
    let mut text = serde_json::to_string_pretty(v).unwrap_or_default();
    text.push('\n');
    File {
        name: name.to_string(),
        text,
    }
}

fn accounts(permissions: &[Permission]) -> Vec<String> {
    let mut out: Vec<String> = permissions.iter().map(|p| p.account.clone()).collect();
    out.sort();
    out.dedup();
    out
}

/// `Description` and `Metadata` carry the header a JSON file cannot hold as a comment.
fn envelope(e: &Export, what: &str, parameters: Value, resources: Map<String, Value>) -> Value {
    let mut origin = json!({"version": e.origin.version, "config": e.origin.config});
    if let Some(env) = &e.origin.environment {
        origin["environment"] = json!(env);
    }
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!("{what}: {}", e.origin.line()),
        "Metadata": {"lambda-trust": origin},
        "Parameters": parameters,
        "Resources": resources,
    })
}

fn retained(kind: &str, properties: Value) -> Value {
    json!({"Type": kind, "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain", "Properties": properties})
}

/// The role and its invoke policies; the org ID a parameter (its default this environment's).
fn role_stack(e: &Export) -> (Value, Value) {
    let r = &e.role;
    let mut resources = Map::new();
    let mut imports = Vec::new();
    for (i, p) in e.policies.iter().enumerate() {
        let id = format!("InvokePolicy{}", i + 1);
        let properties = json!({
            "ManagedPolicyName": p.name,
            "Path": p.path,
            "PolicyDocument": p.document,
            "Roles": [{"Ref": "Role"}],
        });
        resources.insert(id.clone(), retained("AWS::IAM::ManagedPolicy", properties));
        imports.push(
            json!({"ResourceType": "AWS::IAM::ManagedPolicy", "LogicalResourceId": id,
            "ResourceIdentifier": {"PolicyArn": p.arn}}),
        );
    }
    let tags: Vec<Value> = (r.tags.iter())
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    let mut properties = json!({
        "RoleName": r.name,
        "Path": r.path,
        "Description": r.description,
        "MaxSessionDuration": r.max_session_duration,
        "AssumeRolePolicyDocument": with_org_parameter(&r.trust, &e.external_id),
        "Tags": tags,
    });
    if let Some(b) = &r.permissions_boundary {
        properties["PermissionsBoundary"] = json!(b);
    }
    resources.insert("Role".into(), retained("AWS::IAM::Role", properties));
    imports.insert(
        0,
        json!({"ResourceType": "AWS::IAM::Role", "LogicalResourceId": "Role",
        "ResourceIdentifier": {"RoleName": r.name}}),
    );
    let parameters = json!({"OrgId": {"Type": "String", "Default": e.external_id,
        "Description": "The Genesys Cloud organization ID: the trust policy's sts:ExternalId."}});
    let what = "The role Genesys Cloud assumes to invoke AWS Lambda, and its invoke policies";
    (
        envelope(e, what, parameters, resources),
        Value::Array(imports),
    )
}

/// The trust policy with the org ID as `{"Ref": "OrgId"}`.
fn with_org_parameter(doc: &Value, org: &str) -> Value {
    match doc {
        Value::String(s) if s == org => json!({"Ref": "OrgId"}),
        Value::Array(items) => {
            Value::Array(items.iter().map(|i| with_org_parameter(i, org)).collect())
        }
        Value::Object(map) => Value::Object(
            (map.iter())
                .map(|(k, v)| (k.clone(), with_org_parameter(v, org)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// One account's statements on its functions.
fn permission_stack(e: &Export, account: &str, permissions: &[&Permission]) -> (Value, Value) {
    let mut resources = Map::new();
    let mut imports = Vec::new();
    for (i, p) in permissions.iter().enumerate() {
        let id = format!("InvokePermission{}", i + 1);
        let function = lambda_trust_iam::qualified_arn(&p.function_arn, p.qualifier.as_deref());
        let properties = json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": function,
            "Principal": p.principal,
        });
        resources.insert(id.clone(), retained("AWS::Lambda::Permission", properties));
        imports.push(
            json!({"ResourceType": "AWS::Lambda::Permission", "LogicalResourceId": id,
            "ResourceIdentifier": {"FunctionName": function, "Id": p.statement_id}}),
        );
    }
    let what =
        format!("The statements on account {account}'s functions that let the role invoke them");
    (
        envelope(e, &what, json!({}), resources),
        Value::Array(imports),
    )
}
