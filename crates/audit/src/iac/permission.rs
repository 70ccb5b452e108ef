//! Lambda permissions declared in a template or a plan (`AWS::Lambda::Permission`,
//! `aws_lambda_permission`) and whole function policies (`AWS::Lambda::ResourcePolicy`,
//! `aws_lambda_resource_policy`, [`WholePolicy`]) → the function policies they make: each is one statement that
//! `lambda:AddPermission` writes into the function's resource-based policy (Lambda API
//! Reference, AddPermission; Lambda Developer Guide, "Viewing resource-based IAM policies in
//! Lambda": the principal as `{"AWS": …}`, `{"Service": …}` or `*`, `SourceAccount` as
//! `StringEquals AWS:SourceAccount`, `SourceArn` as `ArnLike AWS:SourceArn`, `PrincipalOrgID` as
//! `StringEquals aws:PrincipalOrgID`, `FunctionUrlAuthType` as
//! `StringEquals lambda:FunctionUrlAuthType`).
//!
//! Part of the auditor's `iac`. A permission whose function cannot be settled before deployment (a
//! `!GetAtt` of a function without a fixed name, an unknown variable) may be on any function:
//! it is recorded, and `lambda_trust_audit::audit_iac_proved` then reads no function policy as known ("not read",
//! never clean). A statement holding another unknown value is widened as every document is
//! (`widen`): it lets in at least whoever the real one does.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::intrinsic::text;
use super::widen::{widen, Kind};
use crate::unknown_marker::markers_in;
use lambda_trust_iam::split_arn;
use lambda_trust_iam::{Arn, AwsResource};

/// One permission as declared, its values evaluated (unknown ones as markers).
#[derive(Debug, Clone, Default)]
pub(super) struct Permission {
    /// The logical ID or Terraform address.
    pub(crate) resource: String,
    /// `FunctionName`: a name, a full ARN (with a qualifier or not), or a partial ARN.
    pub(crate) function: Value,
    /// Terraform's `qualifier` (CloudFormation puts it in the ARN).
    pub(crate) qualifier: Value,
    pub(crate) statement_id: Value,
    pub(crate) action: Value,
    pub(crate) principal: Value,
    pub(crate) source_account: Value,
    pub(crate) source_arn: Value,
    pub(crate) principal_org_id: Value,
    pub(crate) function_url_auth_type: Value,
}

/// A function policy written whole (`AWS::Lambda::ResourcePolicy`, `aws_lambda_resource_policy`:
/// `PutResourcePolicy`), its values evaluated (unknown ones as markers).
#[derive(Debug, Clone, Default)]
pub(super) struct WholePolicy {
    /// The logical ID or Terraform address.
    pub(crate) resource: String,
    /// `ResourceArn` / `resource_arn`: the function's, version's or alias's complete ARN.
    pub(crate) resource_arn: Value,
    /// `PolicyDocument` / `policy` (an object, or its JSON text).
    pub(crate) document: Value,
}

/// The function policies the permissions and the whole policies make, by function ARN
/// (qualifier included), as documents; and the declarations whose function is not known
/// (resource, value). A function with both a whole policy and permissions ends up with either
/// the whole policy or it and the permissions' statements, by the order of the writes
/// (Terraform's `aws_lambda_resource_policy` page: "every apply of one will overwrite
/// statements managed by the other"): the union is taken, which lets in at least whoever
/// either does.
pub(super) fn policies(
    permissions: &[Permission],
    whole: &[WholePolicy],
    partition: &str,
    region: Option<&str>,
    account: &str,
) -> (BTreeMap<String, Value>, Vec<(String, String)>) {
    let mut docs: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut unresolved = Vec::new();
    for p in permissions {
        match function_arn(&p.function, &p.qualifier, partition, region, account) {
            Some(arn) => {
                let statement = statement(p, &arn, partition);
                docs.entry(arn).or_default().push(statement);
            }
            None => unresolved.push((p.resource.clone(), text(&p.function))),
        }
    }
    for w in whole {
        let arn = (w.resource_arn.as_str())
            .filter(|a| a.starts_with("arn:"))
            .and_then(|_| function_arn(&w.resource_arn, &Value::Null, partition, region, account));
        match (arn, statements_of(&w.document)) {
            (Some(arn), Some(statements)) => docs.entry(arn).or_default().extend(statements),
            (None, _) => unresolved.push((w.resource.clone(), text(&w.resource_arn))),
            (Some(_), None) => unresolved.push((w.resource.clone(), text(&w.document))),
        }
    }
    let docs = docs
        .into_iter()
        .map(|(arn, statements)| {
            let doc = json!({"Version": "2012-10-17", "Id": "default", "Statement": statements});
            (arn, widen(&doc, Kind::Permissions))
        })
        .collect();
    (docs, unresolved)
}

/// The function's ARN as invoked: a full ARN as given, a name or a partial ARN
/// (`ACCOUNT:function:NAME`, `function:NAME`) completed with the region and account; `None`
/// when a part is unknown.
fn function_arn(
    function: &Value,
    qualifier: &Value,
    partition: &str,
    region: Option<&str>,
    account: &str,
) -> Option<String> {
    if !markers_in(function).is_empty() || !markers_in(qualifier).is_empty() {
        return None;
    }
    let name = function.as_str()?;
    let arn = if name.starts_with("arn:") {
        split_arn(name).filter(|f| f[2] == "lambda")?;
        name.to_owned()
    } else {
        let region = region?;
        // `NAME`, `NAME:QUALIFIER`, or a partial ARN (`function:NAME…`, `ACCOUNT:function:NAME…`).
        let (account, name, qualifier) = match name.split(':').collect::<Vec<_>>().as_slice() {
            [n] => (account, n.to_string(), None),
            [n, q] => (account, n.to_string(), Some(*q)),
            ["function", rest @ ..] => (account, rest.join(":"), None),
            [acct, "function", rest @ ..] => (*acct, rest.join(":"), None),
            _ => return None,
        };
        let name = &name;
        let function = AwsResource::Function {
            region,
            name,
            qualifier,
        };
        Arn::of(partition, account, function).to_string()
    };
    let qualifier = qualifier.as_str().filter(|q| !q.is_empty());
    Some(lambda_trust_iam::qualified_arn(&arn, qualifier))
}

/// A whole policy's statements, from the document or its JSON text; `None` when it is not
/// known before deployment (an unknown value) or not a policy: then the function's policy is
/// not known either ("not read", never clean).
fn statements_of(document: &Value) -> Option<Vec<Value>> {
    if !markers_in(document).is_empty() && document.is_string() {
        return None;
    }
    let parsed = match document {
        Value::String(text) => serde_json::from_str(text).ok()?,
        other => other.clone(),
    };
    match &parsed["Statement"] {
        Value::Array(list) => Some(list.clone()),
        Value::Object(_) => Some(vec![parsed["Statement"].clone()]),
        _ => None,
    }
}

/// The statement AddPermission writes (see the module header).
fn statement(p: &Permission, arn: &str, partition: &str) -> Value {
    let mut s = Map::new();
    if let Some(sid) = p.statement_id.as_str().filter(|s| !s.is_empty()) {
        s.insert("Sid".into(), json!(sid));
    }
    s.insert("Effect".into(), json!("Allow"));
    s.insert("Principal".into(), principal(&p.principal, partition));
    let action = match &p.action {
        Value::Null => json!("lambda:InvokeFunction"),
        a => a.clone(),
    };
    s.insert("Action".into(), action);
    s.insert("Resource".into(), json!(arn));
    let mut condition: Map<String, Value> = Map::new();
    let mut add = |op: &str, key: &str, v: &Value| {
        if !v.is_null() && v.as_str() != Some("") {
            let entry = condition.entry(op).or_insert_with(|| json!({}));
            entry[key] = v.clone();
        }
    };
    add("StringEquals", "AWS:SourceAccount", &p.source_account);
    add("ArnLike", "AWS:SourceArn", &p.source_arn);
    add("StringEquals", "aws:PrincipalOrgID", &p.principal_org_id);
    add(
        "StringEquals",
        "lambda:FunctionUrlAuthType",
        &p.function_url_auth_type,
    );
    if !condition.is_empty() {
        s.insert("Condition".into(), Value::Object(condition));
    }
    Value::Object(s)
}

/// `*`, an account (its root), an ARN, or a service principal, as GetPolicy shows them.
fn principal(v: &Value, partition: &str) -> Value {
    let Some(p) = v.as_str() else {
        return v.clone();
    };
    if p == "*" {
        json!("*")
    } else if lambda_trust_iam::is_account_id(p) {
        json!({"AWS": Arn::of(partition, p, AwsResource::Root).to_string()})
    } else if p.starts_with("arn:") || !markers_in(v).is_empty() {
        json!({"AWS": p})
    } else {
        json!({"Service": p})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn perm(function: &str, principal: &str) -> Permission {
        Permission {
            resource: "P".into(),
            function: json!(function),
            principal: json!(principal),
            ..Permission::default()
        }
    }

    #[test]
    fn names_and_arns_become_the_invoked_arn_and_principals_read_as_getpolicy_shows_them() {
        let mut scoped = perm("f", "s3.amazonaws.com");
        scoped.source_account = json!("111122223333");
        let perms = [
            scoped,
            perm("arn:aws:lambda:eu-west-1:444455556666:function:g:live", "*"),
        ];
        let (docs, unresolved) = policies(&perms, &[], "aws", Some("us-east-1"), "111122223333");
        assert!(unresolved.is_empty());
        let f = &docs["arn:aws:lambda:us-east-1:111122223333:function:f"]["Statement"][0];
        assert_eq!(f["Principal"], json!({"Service": "s3.amazonaws.com"}));
        assert_eq!(
            f["Condition"]["StringEquals"]["AWS:SourceAccount"],
            "111122223333"
        );
        assert_eq!(f["Action"], "lambda:InvokeFunction");
        let g = &docs["arn:aws:lambda:eu-west-1:444455556666:function:g:live"]["Statement"][0];
        assert_eq!(g["Principal"], "*");
        let (_, unresolved) = policies(&perms[..1], &[], "aws", None, "111122223333");
        assert_eq!(unresolved, [("P".to_owned(), "f".to_owned())]);
    }

    #[test]
    fn a_whole_policy_is_the_function_policy_and_joins_any_permission_on_it() {
        let deny = json!({"Sid": "d", "Effect": "Deny", "Principal": "*",
            "Action": "lambda:InvokeFunction", "Resource": "*",
            "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}});
        let arn = "arn:aws:lambda:us-east-1:111122223333:function:f";
        let whole = [
            WholePolicy {
                resource: "W".into(),
                resource_arn: json!(arn),
                document: json!(json!({"Version": "2012-10-17", "Statement": [deny]}).to_string()),
            },
            WholePolicy {
                resource: "Unknown".into(),
                resource_arn: json!("f"),
                document: json!({}),
            },
        ];
        let perms = [perm("f", "*")];
        let (docs, unresolved) = policies(&perms, &whole, "aws", Some("us-east-1"), "111122223333");
        let statements = docs[arn]["Statement"].as_array().unwrap();
        assert_eq!(statements.len(), 2, "{statements:?}");
        assert!(statements.iter().any(|s| s["Effect"] == "Deny"));
        // A whole policy takes a complete ARN: a bare name is not one.
        assert_eq!(unresolved, [("Unknown".to_owned(), "f".to_owned())]);
    }
}
