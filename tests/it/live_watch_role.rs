//! The watching function's role, held against what the function does: `watch deploy` writes
//! its policy, the function runs a schedule tick and each kind of event (a role's, an invoke
//! policy's, a target's), and every AWS call it made is decided by lambda-trust's evaluator
//! against that policy — each allowed, and nothing granted that no call uses but what the
//! policy grants for paths this setup has not (named below, each with why).

use crate::live_security_hub::{enable_hub, python};
use crate::support;

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use support::live::*;
use support::proxy::Call;
use support::runtime_api::{cloudtrail_event, schedule_tick, Function, RuntimeApi, Shipped};

const ROLE: &str = "GenesysLambdaInvoker";

/// Granted for what this setup does not exercise: AWS Config's recorded functions (the whole
/// path's reads where Config records them), an organization's policies, and the logs Lambda
/// itself writes for the function.
const NOT_EXERCISED: &[&str] = &[
    // A function's aliases and versions, listed when more than a page of its qualified targets
    // is read at once.
    "lambda:ListAliases",
    "lambda:ListVersionsByFunction",
    "config:DescribeConfigurationRecorders",
    "config:DescribeConfigurationRecorderStatus",
    "config:BatchGetResourceConfig",
    "organizations:DescribeOrganization",
    "organizations:ListRoots",
    "organizations:ListParents",
    "organizations:ListPoliciesForTarget",
    "organizations:DescribePolicy",
    "organizations:DescribeOrganizationalUnit",
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
];

fn deployed_policy(env: &Env) -> Value {
    let code = r#"
doc = client("iam").get_role_policy(RoleName=sys.argv[2],
    PolicyName="lambda-trust-watch-reads")["PolicyDocument"]
print(json.dumps(doc))
"#;
    let name = format!("lambda-trust-watch-{ROLE}");
    serde_json::from_str(&python(env, code, &[&name])).unwrap()
}

/// The resource `call` acts on, in the test's account.
fn resource_of(call: &Call) -> String {
    support::authorized::resource_of(call, ACCOUNT)
}

/// Whether the function's role's `policy` allows `action` on `resource`.
fn allowed(policy: &Value, action: &str, resource: &str) -> bool {
    let principal = format!("arn:aws:iam::{ACCOUNT}:role/lambda-trust-watch-{ROLE}");
    let request = (action, resource);
    support::authorized::allowed((&principal, policy), request, BTreeMap::new())
}

/// The actions `policy` allows, by name.
fn granted(policy: &Value) -> BTreeSet<String> {
    let statements = policy["Statement"].as_array().cloned().unwrap_or_default();
    let actions = statements.iter().flat_map(|s| match &s["Action"] {
        Value::String(a) => vec![a.clone()],
        Value::Array(list) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    });
    actions.collect()
}

#[test]
fn the_functions_role_allows_every_call_a_tick_and_each_event_make_and_grants_nothing_more() {
    // Three targets: the region's function count decides to list them (one page).
    let env = setup(&["lookup", "orders", "refunds"]);
    env.expect(&["apply", "--yes"], 0);
    enable_hub(&env, ACCOUNT);
    let pkg = crate::live_watch_deploy::package(&env, crate::live_watch_deploy::Fake::LambdaTrust);
    // No trail: deployed, and said unhealthy (exit 2).
    env.expect(&["watch", "deploy", "--package", &pkg, "--yes"], 2);
    let policy = deployed_policy(&env);
    let api = RuntimeApi::start();
    let _function = Function::start(&env, &api);
    env.proxy.clear();

    let policy_arn = policy_arn();
    let lookup = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:lookup");
    let on_role =
        |call: &str| cloudtrail_event("iam", call, json!({"roleName": ROLE}), "us-east-1");
    let invoke = |event: &Value| {
        let answer = api.invoke(event);
        assert_eq!(answer["kind"], "response", "{answer:#}");
        assert_ne!(answer["body"]["verdict"]["status"], "error", "{answer:#}");
    };
    invoke(&schedule_tick());
    // A hand edit: an inline policy, read, attributed (CloudTrail) and published.
    let inline = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "s3:GetObject", "Resource": "*"}]});
    let doc = inline.to_string();
    env.iam(
        "PutRolePolicy",
        &[
            ("RoleName", ROLE),
            ("PolicyName", "debug"),
            ("PolicyDocument", &doc),
        ],
    );
    invoke(&on_role("PutRolePolicy"));
    // The schedule reads everything: the drift's culprit is looked up in CloudTrail.
    invoke(&schedule_tick());
    let version = json!({"policyArn": policy_arn});
    invoke(&cloudtrail_event(
        "iam",
        "CreatePolicyVersion",
        version,
        "us-east-1",
    ));
    let permission = json!({"functionName": lookup});
    invoke(&cloudtrail_event(
        "lambda",
        "AddPermission20150331v2",
        permission,
        "us-east-1",
    ));
    // The role deleted: the schedule's `check` looks at its path for a predecessor.
    env.iam(
        "DeleteRolePolicy",
        &[("RoleName", ROLE), ("PolicyName", "debug")],
    );
    env.iam(
        "DetachRolePolicy",
        &[("RoleName", ROLE), ("PolicyArn", &policy_arn)],
    );
    env.iam("DeleteRole", &[("RoleName", ROLE)]);
    invoke(&on_role("DeleteRole"));
    // A target gone: the listing misses it, and it is read alone (GetFunction) to say so.
    python(
        &env,
        "client('lambda').delete_function(FunctionName='refunds')",
        &[],
    );
    invoke(&schedule_tick());
    // The test's own IAM calls are signed like the function's here: the function's are those
    // after the first tick, less the hand edits above (writes the function never makes).
    let calls: Vec<Call> = (env.proxy.calls().into_iter())
        .filter(|c| c.key() != "sts:GetCallerIdentity") // needs no permission
        .filter(|c| !(c.service == "iam" && c.is_write))
        .collect();
    assert!(calls.len() > 5, "{:?}", env.proxy.operations());
    let mut used = BTreeSet::new();
    for call in &calls {
        let (action, resource) = (call.key(), resource_of(call));
        assert!(
            allowed(&policy, &action, &resource),
            "{action} on {resource} is refused"
        );
        used.insert(action);
    }
    let unused: Vec<String> = (granted(&policy).into_iter())
        .filter(|a| !used.contains(a) && !NOT_EXERCISED.contains(&a.as_str()))
        .collect();
    assert_eq!(
        unused,
        Vec::<String>::new(),
        "granted, never called: used {used:?}"
    );
    // The watched role alone, by its exact ARN: not another role whose name ends like it.
    assert!(allowed(
        &policy,
        "iam:GetRole",
        &format!("arn:aws:iam::{ACCOUNT}:role/{ROLE}")
    ));
    let other = format!("arn:aws:iam::{ACCOUNT}:role/Other{ROLE}");
    assert!(!allowed(&policy, "iam:GetRole", &other));
}

/// Every role the function can reach, held against what it does: with a target in another
/// account, the package `watch deploy` uploads, run as Lambda runs it, assumes that account's
/// read-only role alone — never the account's `role_arn`, which is apply's and writes — and
/// each call it makes of the account's target is allowed by that role's policy.
#[test]
fn in_another_account_the_function_assumes_its_read_only_role_alone_and_needs_no_more() {
    const WORKLOAD: &str = "222222222222";
    let env = Env::new();
    env.moto.lambda_create_function("lookup", "us-east-1");
    let theirs = (env.moto.client().with_account(WORKLOAD))
        .lambda_create_function("workload-fn", "us-east-1");
    let deployer = format!("arn:aws:iam::{WORKLOAD}:role/lt-deployer");
    env.write_config(&format!(
        "{}\n[aws.accounts.\"{WORKLOAD}\"]\nrole_arn = \"{deployer}\"\n",
        config(&["lookup", &theirs], "")
    ));
    env.expect(&["apply", "--yes"], 0);
    enable_hub(&env, ACCOUNT);
    let binary = env!("CARGO_BIN_EXE_lambda-trust");
    // No trail in either account: deployed, and said unhealthy (exit 2).
    env.expect(&["watch", "deploy", "--package", binary, "--yes"], 2);
    let reader = format!("lambda-trust-watch-{ROLE}-read");
    let code = r#"
doc = client("iam", sys.argv[2]).get_role_policy(RoleName=sys.argv[3],
    PolicyName="lambda-trust-watch-reads")["PolicyDocument"]
print(json.dumps(doc))
"#;
    let reader_policy: Value =
        serde_json::from_str(&python(&env, code, &[WORKLOAD, &reader])).unwrap();
    let api = RuntimeApi::start();
    let function = Shipped::start(&env, &api, &format!("lambda-trust-watch-{ROLE}"));
    env.proxy.clear();
    let answer = api.invoke(&schedule_tick());
    let log = std::fs::read_to_string(&function.log).unwrap_or_default();
    assert_eq!(answer["kind"], "response", "{answer:#}\n{log}");
    assert_ne!(answer["body"]["verdict"]["status"], "error", "{answer:#}");
    let calls = env.proxy.calls();
    let assumed: Vec<&str> = (calls.iter())
        .filter(|c| c.key() == "sts:AssumeRole")
        .filter_map(|c| c.param("RoleArn"))
        .collect();
    let reader_arn = format!("arn:aws:iam::{WORKLOAD}:role/{reader}");
    assert_eq!(
        assumed,
        [reader_arn.as_str()],
        "{:?}",
        env.proxy.operations()
    );
    let there: Vec<&Call> = (calls.iter())
        .filter(|c| c.service == "lambda" && c.target.contains("workload-fn"))
        .collect();
    assert!(!there.is_empty(), "{:?}", env.proxy.operations());
    for call in there {
        let (action, resource) = (call.key(), resource_of(call));
        assert!(
            allowed(&reader_policy, &action, &resource),
            "{action} on {resource} is refused to {reader}"
        );
    }
}
