//! Function policies written whole. Since 2026 a Lambda function, version or alias takes a full
//! resource policy (`PutResourcePolicy`; CloudFormation `AWS::Lambda::ResourcePolicy`;
//! Terraform `aws_lambda_resource_policy`), which replaces every statement — AddPermission's
//! included — and may deny or use any IAM condition key (Lambda Developer Guide, "Working with
//! resource-based policies in Lambda"; AWS CLI reference, `lambda put-resource-policy`).
//!
//! Whoever writes such a policy writes all of it: a statement lambda-trust added with
//! AddPermission would be gone at their next write, and lambda-trust would add it again — a
//! fight. So lambda-trust does not write into a policy it can tell was written whole: it holds
//! its statement back and says what to add, and where ([`HeldPermission`]). A policy is known
//! to be written whole when a statement in it is one AddPermission cannot write; a policy of
//! AddPermission-shaped statements may have been written either way, and is written as before.

use serde_json::{json, Value};

use lambda_trust_model::{FunctionPermission, ObservedPermission};

/// What AddPermission writes: the operators and keys of its `Condition` (AWS Lambda API
/// Reference, AddPermission: `SourceAccount`, `SourceArn`, `PrincipalOrgID`,
/// `FunctionUrlAuthType`, `InvokedViaFunctionUrl`, `EventSourceToken`), lowercased.
const ADD_PERMISSION_CONDITIONS: &[(&str, &str)] = &[
    ("stringequals", "aws:sourceaccount"),
    ("arnlike", "aws:sourcearn"),
    ("stringequals", "aws:principalorgid"),
    ("stringequals", "lambda:functionurlauthtype"),
    ("bool", "lambda:invokedviafunctionurl"),
    ("stringequals", "lambda:eventsourcetoken"),
];

/// Why `document` was written whole rather than statement by statement: the first statement
/// AddPermission cannot write, and what in it. `None` when every statement has AddPermission's
/// shape (then it may have been written either way).
pub(crate) fn written_whole(document: &Value) -> Option<String> {
    let statements = match &document["Statement"] {
        Value::Array(list) => list.clone(),
        Value::Object(_) => vec![document["Statement"].clone()],
        _ => return None,
    };
    statements.iter().enumerate().find_map(|(i, s)| {
        let why = not_add_permission(s)?;
        let name = match s["Sid"].as_str() {
            Some(sid) => format!("statement {i} (Sid {sid})"),
            None => format!("statement {i}"),
        };
        Some(format!(
            "its {name} {why}, which AddPermission never writes"
        ))
    })
}

/// What in one statement AddPermission cannot have written, if anything.
fn not_add_permission(s: &Value) -> Option<String> {
    let Some(fields) = s.as_object() else {
        return Some("is not an object".into());
    };
    let known = [
        "Sid",
        "Effect",
        "Principal",
        "Action",
        "Resource",
        "Condition",
    ];
    if let Some(other) = fields.keys().find(|k| !known.contains(&k.as_str())) {
        return Some(format!("uses {other}"));
    }
    if !s["Sid"].is_string() {
        return Some("has no Sid".into());
    }
    if s["Effect"] != "Allow" {
        return Some(format!("has Effect {}", s["Effect"]));
    }
    for field in ["Action", "Resource"] {
        if !s[field].is_string() {
            return Some(format!("names its {field} as a list"));
        }
    }
    let principal_ok = match &s["Principal"] {
        Value::String(p) => p == "*",
        Value::Object(map) => {
            map.len() == 1
                && map
                    .iter()
                    .all(|(k, v)| (k == "AWS" || k == "Service") && v.is_string())
        }
        _ => false,
    };
    if !principal_ok {
        return Some("names its Principal in a form AddPermission does not write".into());
    }
    condition_beyond_add_permission(&s["Condition"])
}

fn condition_beyond_add_permission(condition: &Value) -> Option<String> {
    let Some(ops) = condition.as_object() else {
        return (!condition.is_null()).then(|| "has a Condition that is not an object".into());
    };
    for (op, keys) in ops {
        for key in keys.as_object().map(|m| m.keys()).into_iter().flatten() {
            let pair = (op.to_lowercase(), key.to_lowercase());
            if !ADD_PERMISSION_CONDITIONS
                .iter()
                .any(|(o, k)| *o == pair.0 && *k == pair.1)
            {
                return Some(format!("tests {key} with {op}"));
            }
        }
    }
    None
}

/// lambda-trust's statement on a target whose function policy is written whole: not written by
/// `apply`, said with the step that adds it.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldPermission {
    /// The statement lambda-trust would write, or (`adds` false) would remove.
    pub permission: FunctionPermission,
    /// Whether the statement is wanted (missing or different) rather than to be removed.
    pub adds: bool,
    /// Why the policy is taken as written whole.
    pub why: String,
    /// What to do instead: the statement to add where the policy is written, and the AWS CLI
    /// command that writes the policy with it added.
    pub step: String,
}

/// `want` held back from `live`'s whole policy, with the step that adds it: the policy read,
/// lambda-trust's statement put in place of any under its ID, written back with
/// `put-resource-policy` against the revision read (so a change in between fails instead of
/// being overwritten).
pub(crate) fn held(
    want: &FunctionPermission,
    live: &ObservedPermission,
    why: &str,
) -> HeldPermission {
    let document = rewritten(live, &want.statement_id, Some(want.statement()));
    let step = format!(
        "add this statement to the policy where it is written (the AWS::Lambda::ResourcePolicy \
         or aws_lambda_resource_policy that holds it): {statement}; or run {command}",
        statement = want.statement(),
        command = put_command(want, live, &document),
    );
    HeldPermission {
        permission: want.clone(),
        adds: true,
        why: why.to_owned(),
        step,
    }
}

/// lambda-trust's statement `had` left in `live`'s whole policy when it is no longer wanted
/// (offboard, destroy), with the step that removes it.
pub(crate) fn removal(
    had: &FunctionPermission,
    live: &ObservedPermission,
    why: &str,
) -> HeldPermission {
    let document = rewritten(live, &had.statement_id, None);
    let step = format!(
        "remove statement {sid} from the policy where it is written (the \
         AWS::Lambda::ResourcePolicy or aws_lambda_resource_policy that holds it); or run \
         {command}",
        sid = had.statement_id,
        command = put_command(had, live, &document),
    );
    HeldPermission {
        permission: had.clone(),
        adds: false,
        why: why.to_owned(),
        step,
    }
}

/// The policy read with the statement under `sid` taken out, and `add` put in.
fn rewritten(live: &ObservedPermission, sid: &str, add: Option<Value>) -> Value {
    let mut document = live.document.clone().unwrap_or_else(|| json!({}));
    let mut statements: Vec<Value> = match &document["Statement"] {
        Value::Array(list) => list.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    };
    statements.retain(|s| s["Sid"] != sid);
    statements.extend(add);
    document["Version"] = json!("2012-10-17");
    document["Statement"] = Value::Array(statements);
    document
}

/// `aws lambda put-resource-policy` writing `document` on `p`'s function (or its version or
/// alias) against the revision read, in its account and region, quoted for a POSIX shell.
fn put_command(p: &FunctionPermission, live: &ObservedPermission, document: &Value) -> String {
    let revision = (live.revision_id.as_deref())
        .map(|r| format!(" --revision-id {r}"))
        .unwrap_or_default();
    format!(
        "`aws lambda put-resource-policy --region {region} --resource-arn {arn}{revision} \
         --policy '{policy}'` with credentials of account {account}",
        region = p.region,
        arn = p.resource(),
        policy = document.to_string().replace('\'', "'\\''"),
        account = p.account,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(statement: Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": [statement]})
    }

    const FN: &str = "arn:aws:lambda:us-east-1:210987654321:function:f";

    #[test]
    fn statements_add_permission_writes_are_not_a_whole_policy() {
        let s = json!({"Sid": "s", "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"}, "Action": "lambda:InvokeFunction",
            "Resource": FN, "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:events:x"},
            "StringEquals": {"AWS:SourceAccount": "210987654321"}}});
        assert_eq!(written_whole(&doc(s)), None);
        let anyone = json!({"Sid": "s", "Effect": "Allow", "Principal": "*",
            "Action": "lambda:InvokeFunctionUrl", "Resource": FN,
            "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}});
        assert_eq!(written_whole(&doc(anyone)), None);
    }

    #[test]
    fn what_only_a_whole_policy_holds_is_named() {
        let cases = [
            (
                json!({"Sid": "d", "Effect": "Deny", "Principal": "*",
                "Action": "lambda:InvokeFunction", "Resource": FN}),
                "Effect \"Deny\"",
            ),
            (
                json!({"Sid": "n", "Effect": "Allow", "NotPrincipal": {"AWS": "x"},
                "Action": "lambda:InvokeFunction", "Resource": FN}),
                "uses NotPrincipal",
            ),
            (
                json!({"Effect": "Allow", "Principal": "*",
                "Action": "lambda:InvokeFunction", "Resource": FN}),
                "has no Sid",
            ),
            (
                json!({"Sid": "a", "Effect": "Allow", "Principal": "*",
                "Action": ["lambda:InvokeFunction", "lambda:GetFunction"], "Resource": FN}),
                "Action as a list",
            ),
            (
                json!({"Sid": "ip", "Effect": "Allow", "Principal": "*",
                "Action": "lambda:InvokeFunction", "Resource": FN,
                "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}),
                "tests aws:SourceIp with IpAddress",
            ),
        ];
        for (statement, said) in cases {
            let why = written_whole(&doc(statement.clone())).unwrap_or_default();
            assert!(why.contains(said), "{statement}: {why}");
        }
    }

    #[test]
    fn the_step_writes_the_policy_read_with_lambda_trusts_statement_in_place() {
        let want = FunctionPermission {
            account: "210987654321".into(),
            region: "us-east-1".into(),
            function_arn: FN.into(),
            qualifier: Some("live".into()),
            statement_id: "lambda-trust-R-1".into(),
            principal: "arn:aws:iam::123456789012:role/R".into(),
        };
        let deny = json!({"Sid": "d", "Effect": "Deny", "Principal": "*",
            "Action": "lambda:InvokeFunction", "Resource": FN,
            "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}});
        let stale = json!({"Sid": "lambda-trust-R-1", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:role/Old"},
            "Action": "lambda:InvokeFunction", "Resource": FN});
        let live = ObservedPermission {
            function_arn: FN.into(),
            qualifier: Some("live".into()),
            statement_id: want.statement_id.clone(),
            statement: Some(stale.clone()),
            revision_id: Some("rev-1".into()),
            document: Some(json!({"Version": "2012-10-17", "Statement": [deny, stale]})),
        };
        let h = held(&want, &live, "why");
        assert!(
            h.step.contains(
                "--region us-east-1 --resource-arn \
                 arn:aws:lambda:us-east-1:210987654321:function:f:live --revision-id rev-1"
            ),
            "{}",
            h.step
        );
        let start = h.step.find("--policy '").unwrap() + "--policy '".len();
        let end = start + h.step[start..].find('\'').unwrap();
        let written: Value = serde_json::from_str(&h.step[start..end]).unwrap();
        let statements = written["Statement"].as_array().unwrap();
        assert_eq!(
            statements.len(),
            2,
            "the stale statement is replaced: {written}"
        );
        assert_eq!(statements[0]["Sid"], "d");
        assert_eq!(statements[1], want.statement());
    }
}
