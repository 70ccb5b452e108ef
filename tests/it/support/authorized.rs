//! What IAM authorizes a recorded call as — its action, and the resource it acts on as the
//! service's authorization reference names it — and whether a policy allows it under
//! lambda-trust's own evaluator: the function's role held against what the function does
//! (`live_watch_role`), the deploying identity's documented policy against what `watch deploy`
//! does (`live_org_watch_credentials`).

use std::collections::BTreeMap;

use lambda_trust_iam::{evaluate, Decision, EvalInput, LabeledPolicy, Policy, Request};
use serde_json::Value;

use super::proxy::Call;

/// The resource `call`, made in `account`, acts on; `*` for a call IAM authorizes on none.
pub fn resource_of(call: &Call, account: &str) -> String {
    let region = call.region.as_deref().unwrap_or("us-east-1");
    let body: Value = serde_json::from_str(&call.body).unwrap_or(Value::Null);
    let field = |k: &str| {
        call.param(k)
            .map(str::to_owned)
            .or_else(|| body[k].as_str().map(str::to_owned))
    };
    match (call.service.as_str(), call.operation.as_str()) {
        ("iam", _) => match (call.param("RoleName"), call.param("PolicyArn")) {
            (Some(role), _) => format!("arn:aws:iam::{account}:role/{role}"),
            (None, Some(policy)) => policy.to_owned(),
            _ => "*".into(),
        },
        ("sts", "AssumeRole") => field("RoleArn").unwrap_or_else(|| "*".into()),
        ("lambda", "ListFunctions" | "GetAccountSettings") => "*".into(),
        ("lambda", _) => function_of(call, (region, account)),
        ("securityhub", "BatchImportFindings") => {
            format!("arn:aws:securityhub:{region}:{account}:product/{account}/default")
        }
        ("events", op) => events_resource(op, &field, (region, account)),
        ("ssm", _) => match field("Name")
            .or_else(|| field("Path"))
            .or_else(|| body["Names"][0].as_str().map(str::to_owned))
        {
            Some(name) => format!(
                "arn:aws:ssm:{region}:{account}:parameter/{}",
                name.trim_start_matches('/')
            ),
            None => "*".into(),
        },
        ("cloudformation", _) => match (field("StackSetName"), field("StackName")) {
            (Some(set), _) => {
                format!("arn:aws:cloudformation:{region}:{account}:stackset/{set}:id")
            }
            (None, Some(stack)) => {
                format!("arn:aws:cloudformation:{region}:{account}:stack/{stack}/id")
            }
            _ => "*".into(),
        },
        _ => "*".into(),
    }
}

/// The IAM action of `call`: its operation's, but where the two are named apart (Lambda's
/// `Invoke` is authorized as `lambda:InvokeFunction`: Service Authorization Reference).
pub fn action_of(call: &Call) -> String {
    match call.key().as_str() {
        "lambda:Invoke" => "lambda:InvokeFunction".into(),
        key => key.into(),
    }
}

/// A Lambda call's function (with its qualifier), from its path (CreateFunction's, its body).
fn function_of(call: &Call, (region, account): (&str, &str)) -> String {
    let path = call.target.split('?').next().unwrap_or_default();
    let created = (call.operation == "CreateFunction")
        .then(|| serde_json::from_str::<Value>(&call.body).ok())
        .flatten()
        .and_then(|b| b["FunctionName"].as_str().map(str::to_owned));
    let name = created.unwrap_or_else(|| {
        path.split('/')
            .nth(3)
            .unwrap_or_default()
            .replace("%3A", ":")
    });
    let qualifier = (call.target.split_once("Qualifier="))
        .map(|(_, q)| format!(":{}", q.split('&').next().unwrap_or_default()));
    match name.starts_with("arn:") {
        true => format!("{name}{}", qualifier.unwrap_or_default()),
        false => format!(
            "arn:aws:lambda:{region}:{account}:function:{name}{}",
            qualifier.unwrap_or_default()
        ),
    }
}

/// An EventBridge call's rule or bus (a rule on another bus than the default one has the bus
/// in its ARN: `rule/BUS/NAME`).
fn events_resource(
    op: &str,
    field: &dyn Fn(&str) -> Option<String>,
    (region, account): (&str, &str),
) -> String {
    let arn = |what: String| format!("arn:aws:events:{region}:{account}:{what}");
    let bus = field("EventBusName").filter(|b| b != "default");
    match op {
        "CreateEventBus" | "DescribeEventBus" | "DeleteEventBus" => {
            let name = field("Name").unwrap_or_else(|| "default".into());
            arn(format!("event-bus/{name}"))
        }
        "PutPermission" | "RemovePermission" => arn(format!(
            "event-bus/{}",
            bus.unwrap_or_else(|| "default".into())
        )),
        "ListTagsForResource" | "TagResource" | "UntagResource" => {
            field("ResourceARN").unwrap_or_else(|| "*".into())
        }
        "PutEvents" => "*".into(),
        _ => match field("Name").or_else(|| field("Rule")) {
            Some(rule) => match bus {
                Some(bus) => arn(format!("rule/{bus}/{rule}")),
                None => arn(format!("rule/{rule}")),
            },
            None => "*".into(),
        },
    }
}

/// Whether `policy`, the identity policy of `principal`, allows `action` on `resource` with
/// `context` (condition keys and their values).
pub fn allowed(
    (principal, policy): (&str, &Value),
    (action, resource): (&str, &str),
    context: BTreeMap<String, Vec<String>>,
) -> bool {
    let input = EvalInput {
        identity_policies: vec![LabeledPolicy {
            label: "policy".into(),
            policy: Policy::try_from(policy).expect("a policy"),
        }],
        resource_policy: None,
        resource_policy_is_trust: false,
        boundary: None,
    };
    let request = Request {
        principal: principal.into(),
        action: action.into(),
        resource: resource.into(),
        context,
    };
    evaluate(&input, &request).decision == Decision::Allow
}
