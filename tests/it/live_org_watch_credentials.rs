//! The credentials `watch deploy|status|destroy --organization` need, as
//! docs/organization.md "The credentials it needs" writes them: every call those three make
//! with the deploying identity's credentials — the management account's, then a delegated
//! administrator's — on the local AWS (which checks no caller's policy), and every permission
//! CloudFormation's handlers take from the caller for the management account's stacks, is
//! allowed by the documented policy under lambda-trust's evaluator. A member account's
//! credentials are refused at the first read of the organization, the error saying whose to
//! use.

use std::collections::BTreeMap;

use crate::live_org_watch_deploy::{credentials_of, ready, MANAGEMENT};
use crate::live_security_hub::{enable_hub, python};
use crate::support;

use serde_json::Value;
use support::authorized::{action_of, allowed, resource_of};
use support::live::*;
use support::proxy::Call;

/// The permissions CloudFormation's resource handlers take from the caller (no service role)
/// for the management account's stacks, by resource type, as the types' schemas list them
/// (`handlers`: create, read, update, delete); a type not listed here fails the test.
const HANDLERS: &[(&str, &[&str])] = &[
    (
        "AWS::IAM::Role",
        &[
            "iam:CreateRole",
            "iam:GetRole",
            "iam:PutRolePolicy",
            "iam:GetRolePolicy",
            "iam:AttachRolePolicy",
            "iam:TagRole",
            "iam:UntagRole",
            "iam:UpdateRole",
            "iam:UpdateRoleDescription",
            "iam:UpdateAssumeRolePolicy",
            "iam:DetachRolePolicy",
            "iam:DeleteRolePolicy",
            "iam:ListAttachedRolePolicies",
            "iam:ListRolePolicies",
            "iam:DeleteRole",
        ],
    ),
    (
        "AWS::Events::Rule",
        &[
            "events:PutRule",
            "events:PutTargets",
            "events:DescribeRule",
            "events:ListTargetsByRule",
            "events:RemoveTargets",
            "events:DeleteRule",
        ],
    ),
];

/// The policy docs/organization.md gives: the JSON block of "The credentials it needs".
fn documented() -> Value {
    let page =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/organization.md"))
            .unwrap();
    let section = page
        .split("## The credentials it needs")
        .nth(1)
        .expect("the section");
    let block = section.split("```json").nth(1).expect("its policy");
    serde_json::from_str(block.split("```").next().unwrap()).expect("a JSON policy")
}

/// `policy` without the statements named `sids`.
fn without(policy: &Value, sids: &[&str]) -> Value {
    let mut policy = policy.clone();
    let statements = policy["Statement"].as_array_mut().unwrap();
    statements.retain(|s| !sids.contains(&s["Sid"].as_str().unwrap_or_default()));
    policy
}

/// Each call of the credentials `key` is allowed by `policy` in `account`; with a role passed
/// (a function's, a rule target's), `iam:PassRole` of it to that service too. The actions seen.
fn every_call_allowed(calls: &[Call], key: &str, (account, policy): (&str, &Value)) -> Vec<String> {
    let principal = format!("arn:aws:iam::{account}:user/deployer");
    let mine: Vec<&Call> = (calls.iter())
        .filter(|c| c.access_key.as_deref() == Some(key))
        .collect();
    assert!(mine.len() > 5, "{} calls", mine.len());
    let (mut seen, mut refused) = (Vec::new(), Vec::new());
    for call in mine {
        let (action, resource) = (action_of(call), resource_of(call, account));
        if !allowed((&principal, policy), (&action, &resource), BTreeMap::new()) {
            refused.push(format!("{action} on {resource}"));
        }
        if let Some((role, service)) = passed(call) {
            let context = BTreeMap::from([("iam:PassedToService".to_owned(), vec![service])]);
            if !allowed((&principal, policy), ("iam:PassRole", &role), context) {
                refused.push(format!("iam:PassRole of {role} ({action})"));
            }
        }
        seen.push(action);
    }
    refused.sort();
    refused.dedup();
    let said = refused.join("\n");
    assert!(refused.is_empty(), "not in the documented policy:\n{said}");
    seen.sort();
    seen.dedup();
    seen
}

/// The role a call passes to a service: a function's execution role, a rule target's.
fn passed(call: &Call) -> Option<(String, String)> {
    let body: Value = serde_json::from_str(&call.body).ok()?;
    match call.key().as_str() {
        "lambda:CreateFunction" | "lambda:UpdateFunctionConfiguration" => Some((
            body["Role"].as_str()?.to_owned(),
            "lambda.amazonaws.com".into(),
        )),
        "events:PutTargets" => (body["Targets"].as_array()?.iter())
            .find_map(|t| t["RoleArn"].as_str())
            .map(|r| (r.to_owned(), "events.amazonaws.com".into())),
        _ => None,
    }
}

/// The management account's stack's resources, as CloudFormation holds its template: each
/// type's handler permissions on that resource, and `iam:PassRole` of a rule's target role.
fn handlers_allowed(env: &Env, policy: &Value) {
    let code = r#"
body = client("cloudformation").get_template(
    StackName="lambda-trust-org-watch-management")["TemplateBody"]
print(body if isinstance(body, str) else json.dumps(body))
"#;
    let template: Value = serde_json::from_str(&python(env, code, &[])).unwrap();
    let principal = format!("arn:aws:iam::{MANAGEMENT}:user/deployer");
    let resources = template["Resources"].as_object().unwrap();
    for (id, resource) in resources {
        let kind = resource["Type"].as_str().unwrap();
        let (_, permissions) = (HANDLERS.iter())
            .find(|(t, _)| *t == kind)
            .unwrap_or_else(|| panic!("{id}: {kind}'s handler permissions are not listed"));
        let props = &resource["Properties"];
        let arn = match kind {
            "AWS::IAM::Role" => format!(
                "arn:aws:iam::{MANAGEMENT}:role/{}",
                props["RoleName"].as_str().unwrap()
            ),
            _ => format!(
                "arn:aws:events:us-east-1:{MANAGEMENT}:rule/{}",
                props["Name"].as_str().unwrap()
            ),
        };
        for permission in *permissions {
            let ok = allowed((&principal, policy), (permission, &arn), BTreeMap::new());
            assert!(
                ok,
                "{id}: {permission} on {arn} is not in the documented policy"
            );
        }
        for target in props["Targets"].as_array().into_iter().flatten() {
            let role = format!(
                "arn:aws:iam::{MANAGEMENT}:role/{}",
                target_role_name(&target["RoleArn"], resources)
            );
            let context = BTreeMap::from([(
                "iam:PassedToService".to_owned(),
                vec!["events.amazonaws.com".to_owned()],
            )]);
            let ok = allowed((&principal, policy), ("iam:PassRole", &role), context);
            assert!(
                ok,
                "{id}: iam:PassRole of {role} is not in the documented policy"
            );
        }
    }
}

/// The role's name in a target's `RoleArn`: a string, `Fn::Sub`'s, or the `RoleName` of the
/// template's role `Fn::GetAtt` names.
fn target_role_name(arn: &Value, resources: &serde_json::Map<String, Value>) -> String {
    if let Some(id) = arn["Fn::GetAtt"][0].as_str() {
        let name = &resources[id]["Properties"]["RoleName"];
        return name.as_str().unwrap_or_default().to_owned();
    }
    let text = arn["Fn::Sub"].as_str().or(arn.as_str()).unwrap_or_default();
    text.rsplit('/').next().unwrap_or_default().to_owned()
}

#[test]
fn credentials_allow_every_call() {
    let env = Env::new();
    let (_org, admin, members, pkg) = ready(&env, 4);
    enable_hub(&env, &admin);
    let policy = documented();
    let deploy = ["watch", "deploy", "--organization", "--package", &pkg];
    let status = ["watch", "status", "--organization", "--package", &pkg];
    let destroy = ["watch", "destroy", "--organization", "--yes"];

    // A member's credentials: refused at the first read of the organization, saying whose.
    let member = members.iter().find(|m| **m != admin).unwrap();
    let keys = credentials_of(&env, member);
    let keys: Vec<(&str, &str)> = keys.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = env.run_env(&status, &keys);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("management account")
            && refused.stderr.contains("delegated administrator")
            && refused.stderr.contains("The credentials it needs"),
        "{}",
        refused.stderr
    );

    // The management account's run: every call of its credentials, and CloudFormation's
    // handlers for its own stack.
    env.proxy.clear();
    env.expect(&[&deploy[..], &["--yes"]].concat(), 0);
    env.expect(&status, 0);
    handlers_allowed(&env, &policy);
    env.expect(&destroy, 0);
    let seen = every_call_allowed(&env.proxy.calls(), "testing", (MANAGEMENT, &policy));
    println!("the management account's run: {seen:?}");

    // A delegated administrator's run: the home is its own, the management account's stacks
    // not its to write.
    let keys = credentials_of(&env, &admin);
    let key = keys[0].1.clone();
    let keys: Vec<(&str, &str)> = keys.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let delegated = without(&policy, &["ManagementStacks", "EnterTheWatchAccount"]);
    env.proxy.clear();
    let config = env.config_path();
    let config = ["--config", config.to_str().unwrap()];
    let deploy = [&deploy[..], &["--yes"]].concat();
    for args in [&deploy[..], &status[..], &destroy[..]] {
        let args = [args, &config[..]].concat();
        let r = env.run_env(&args, &keys);
        // What only the management account writes is said, not done: 0, or 2 for status.
        assert!(
            r.code == 0 || r.code == 2,
            "{args:?}: {}\n{}",
            r.stdout,
            r.stderr
        );
    }
    let seen = every_call_allowed(&env.proxy.calls(), &key, (&admin, &delegated));
    println!("a delegated administrator's run: {seen:?}");
}
