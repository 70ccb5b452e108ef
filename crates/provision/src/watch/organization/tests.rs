//! The organization watch's deployment on plain data: one bus statement whatever the accounts,
//! a reader every account trusts to the function's role alone that can write nothing but its
//! own account's findings, rules that hear every partner role's change, and the management
//! account covered by stacks of its own.
#![cfg(test)]

use std::collections::{BTreeMap, BTreeSet};

use lambda_trust_iam::{evaluate, Decision, EvalInput, LabeledPolicy, Policy, Request};
use serde_json::{json, Value};

use super::home::{org_watch_deployment, OrgWatchDeployment};
use super::model::{OrgWatchInput, ORG_WATCH};
use super::plan::{plan_stacks, teardown_stacks, SeenInstance, SeenStack, SeenStacks, StackOp};
use super::stacks::reader_policy;
use crate::cloudtrail_calls::{calls_on, On};
use crate::watch::deploy::model::{watch_names, WatchOwner, WATCH_TAG};
use crate::watch::deploy::role::prove_read_only;

const ORG: &str = "o-a1b2c3d4e5";
const WATCH: &str = "111122223333";
const MEMBER: &str = "222233334444";

fn input(regions: &[&str]) -> OrgWatchInput {
    OrgWatchInput {
        partition: "aws".into(),
        organization: ORG.into(),
        root: "r-ab12".into(),
        management_account: "999988887777".into(),
        watch_account: WATCH.into(),
        target_regions: regions.iter().map(|r| (*r).to_owned()).collect(),
        genesys_org_ids: vec!["0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10".into()],
        baseline: None,
        aggregator: None,
        schedule: "rate(1 hour)".into(),
        architecture: "x86_64".into(),
        code_sha256: "abc=".into(),
    }
}

fn policy(v: &Value) -> LabeledPolicy {
    LabeledPolicy::new("p", Policy::try_from(v).unwrap())
}

fn context(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
    (pairs.iter())
        .map(|(k, v)| ((*k).to_owned(), vec![(*v).to_owned()]))
        .collect()
}

/// Whether the bus's policy admits `principal` of `org` (across accounts, the sender's own
/// identity policy must allow too: the forwarding role's does, for the bus alone).
fn puts_events(want: &OrgWatchDeployment, principal: &str, org: &str) -> bool {
    let bus = want.home.bus.as_ref().unwrap();
    let input = EvalInput {
        identity_policies: Vec::new(),
        resource_policy: Some(policy(&bus.policy)),
        resource_policy_is_trust: false,
        boundary: None,
    };
    let request = Request {
        principal: principal.into(),
        action: "events:PutEvents".into(),
        resource: bus.arn.clone(),
        context: context(&[("aws:PrincipalOrgID", org), ("aws:PrincipalArn", principal)]),
    };
    evaluate(&input, &request).decision == Decision::Allow
}

#[test]
fn the_bus_admits_the_organizations_forwarding_roles_in_one_statement() {
    let want = org_watch_deployment(&input(&["us-east-1"]));
    let bus = want.home.bus.as_ref().unwrap();
    assert_eq!(bus.policy["Statement"].as_array().unwrap().len(), 1);
    // Nothing in it names an account: it is the same for 20 accounts as for 2,000.
    assert!(!bus.policy.to_string().contains(MEMBER));
    let forwarder = format!("arn:aws:iam::{MEMBER}:role/lambda-trust-org-watch-fwd");
    assert!(puts_events(&want, &forwarder, ORG));
    let other_role = format!("arn:aws:iam::{MEMBER}:role/Deployer");
    assert!(!puts_events(&want, &other_role, ORG));
    assert!(!puts_events(&want, &forwarder, "o-someoneelse"));
}

#[test]
fn every_account_trusts_its_reader_to_the_functions_role_alone() {
    let want = org_watch_deployment(&input(&["us-east-1"]));
    let reader = &want.global.template["Resources"]["Reader"]["Properties"];
    let trust = policy(&reader["AssumeRolePolicyDocument"]);
    let assumes = |principal: &str| {
        let input = EvalInput {
            identity_policies: vec![policy(&want.home.role.policy)],
            resource_policy: Some(trust.clone()),
            resource_policy_is_trust: true,
            boundary: None,
        };
        let request = Request {
            principal: principal.into(),
            action: "sts:AssumeRole".into(),
            resource: format!("arn:aws:iam::{MEMBER}:role/lambda-trust-org-watch-read"),
            context: context(&[("aws:PrincipalArn", principal), ("aws:ResourceOrgID", ORG)]),
        };
        evaluate(&input, &request).decision == Decision::Allow
    };
    assert!(assumes(&want.home.function.role_arn));
    assert!(!assumes(&format!("arn:aws:iam::{WATCH}:role/Admin")));
    assert_eq!(reader["RoleName"], "lambda-trust-org-watch-read");
}

#[test]
fn the_reader_and_the_function_write_nothing_but_findings_and_logs() {
    let reader = reader_policy("aws", MEMBER);
    assert_eq!(prove_read_only(&reader), Ok(()));
    assert_eq!(
        prove_read_only(&org_watch_deployment(&input(&[])).home.role.policy),
        Ok(())
    );
    // Findings go into the reader's own account's Security Hub, nobody else's.
    let imports = |account: &str| {
        let input = EvalInput {
            identity_policies: vec![policy(&reader)],
            resource_policy: None,
            resource_policy_is_trust: false,
            boundary: None,
        };
        let request = Request {
            principal: format!("arn:aws:iam::{MEMBER}:role/lambda-trust-org-watch-read"),
            action: "securityhub:BatchImportFindings".into(),
            resource: format!("arn:aws:securityhub:us-east-1:{account}:product/{account}/default"),
            context: BTreeMap::new(),
        };
        evaluate(&input, &request).decision == Decision::Allow
    };
    assert!(imports(MEMBER));
    assert!(!imports(WATCH));
    // The sweep's events go on the watch's own bus, no other.
    let home = org_watch_deployment(&input(&[])).home;
    let puts = |bus: &str| {
        let input = EvalInput {
            identity_policies: vec![policy(&home.role.policy)],
            resource_policy: None,
            resource_policy_is_trust: false,
            boundary: None,
        };
        let request = Request {
            principal: format!("arn:aws:iam::{WATCH}:role/lambda-trust-org-watch"),
            action: "events:PutEvents".into(),
            resource: format!("arn:aws:events:us-east-1:{WATCH}:event-bus/{bus}"),
            context: BTreeMap::new(),
        };
        evaluate(&input, &request).decision == Decision::Allow
    };
    assert!(puts("lambda-trust-org-watch"));
    assert!(!puts("default"));
    assert_eq!(
        home.function.environment["LAMBDA_TRUST_BUS"],
        format!("arn:aws:events:us-east-1:{WATCH}:event-bus/lambda-trust-org-watch")
    );
}

#[test]
fn the_rules_hear_every_role_and_policy_write_of_any_name() {
    let want = org_watch_deployment(&input(&["us-east-1"]));
    let resources = &want.global.template["Resources"];
    let pattern = &resources["IamWrites"]["Properties"]["EventPattern"];
    let names: BTreeSet<&str> = (pattern["detail"]["eventName"].as_array().unwrap().iter())
        .filter_map(Value::as_str)
        .collect();
    for on in [On::Role, On::Policy, On::NewPolicy] {
        for call in calls_on(on) {
            assert!(names.contains(call), "{call}");
        }
    }
    for call in ["UpdateAssumeRolePolicy", "DeleteRole", "AttachRolePolicy"] {
        assert!(names.contains(call), "{call}");
    }
    // Not filtered by role: no requestParameters at all.
    assert!(pattern["detail"].get("requestParameters").is_none());
    let lambda = &resources["LambdaPermissions"]["Properties"];
    let target = &lambda["Targets"][0];
    assert_eq!(target["Arn"], want.home.bus.as_ref().unwrap().arn.as_str());
    assert_eq!(target["RoleArn"]["Fn::GetAtt"][0], "Forwarder");
    // IAM Access Analyzer's findings about roles are forwarded too, from every account (an
    // organization's analyzer is in its delegated administrator or its management account),
    // and the bus's rule takes them.
    let analyzer = &resources["AnalyzerFindings"]["Properties"];
    assert_eq!(
        analyzer["EventPattern"]["source"],
        json!(["aws.access-analyzer"])
    );
    assert_eq!(analyzer["Targets"][0]["Arn"], target["Arn"]);
    let changes = &want.home.rules[0].pattern.as_ref().unwrap();
    for (key, value) in [
        ("source", "aws.access-analyzer"),
        ("detail-type", "Access Analyzer Finding"),
    ] {
        assert!(
            changes[key].as_array().unwrap().contains(&json!(value)),
            "{changes}"
        );
    }
    // Every GetAtt names a resource of its template.
    for (name, r) in resources.as_object().unwrap() {
        let text = r.to_string();
        if text.contains("Fn::GetAtt") {
            assert!(resources.get("Forwarder").is_some(), "{name}");
        }
    }
}

#[test]
fn the_management_account_gets_stacks_of_its_own_and_other_regions_a_stack_set() {
    let one = org_watch_deployment(&input(&["us-east-1"]));
    assert_eq!(one.global.regions, ["us-east-1"]);
    assert!(one.regional.regions.is_empty());
    assert_eq!(one.management.len(), 1);
    let management = &one.management[0].template["Resources"];
    assert!(management.get("OrganizationCalls").is_some());
    assert!(one.global.template["Resources"]
        .get("OrganizationCalls")
        .is_none());

    let three = org_watch_deployment(&input(&["us-east-1", "eu-west-1", "ap-southeast-2"]));
    let regional = &three.regional;
    assert_eq!(regional.regions, ["ap-southeast-2", "eu-west-1"]);
    let forwarder = &regional.template["Resources"]["LambdaPermissions"]["Properties"]["Targets"]
        [0]["RoleArn"]["Fn::Sub"];
    assert_eq!(
        forwarder,
        "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/lambda-trust-org-watch-fwd"
    );
    let regions: Vec<&str> = three.management.iter().map(|s| s.region.as_str()).collect();
    assert_eq!(regions, ["us-east-1", "ap-southeast-2", "eu-west-1"]);
    // The forwarding role trusts EventBridge for its own account's `lambda-trust-*` rules
    // alone, in any region (the rules name the role: a GetAtt of them would be circular).
    let trust = &three.global.template["Resources"]["Forwarder"]["Properties"]
        ["AssumeRolePolicyDocument"]["Statement"][0]["Condition"];
    assert_eq!(
        trust["StringEquals"]["aws:SourceAccount"]["Fn::Sub"],
        "${AWS::AccountId}"
    );
    assert_eq!(
        trust["ArnLike"]["aws:SourceArn"][0]["Fn::Sub"],
        "arn:${AWS::Partition}:events:*:${AWS::AccountId}:rule/lambda-trust-*"
    );
}

#[test]
fn the_home_is_planned_as_a_deployments_watch_is() {
    let want = org_watch_deployment(&input(&["us-east-1"]));
    assert_eq!(want.home.function.name, ORG_WATCH);
    assert!(!ORG_WATCH.starts_with("lambda-trust-watch-"));
    let ops = crate::watch::deploy::plan(&want.home, &Default::default(), WatchOwner::Organization)
        .unwrap();
    let said: Vec<String> = ops.iter().map(ToString::to_string).collect();
    for what in [
        "create role lambda-trust-org-watch",
        "event bus lambda-trust-org-watch",
        "reserve function lambda-trust-org-watch a concurrency of 20",
    ] {
        assert!(said.iter().any(|s| s.contains(what)), "{what}: {said:#?}");
    }
    // A sweep's thousand events never take the account's whole concurrency; once reserved,
    // nothing more is written, and a changed reservation is set again.
    let seen = |reserved| crate::watch::deploy::SeenFunction {
        code_sha256: want.home.function.code_sha256.clone(),
        role_arn: want.home.function.role_arn.clone(),
        architecture: want.home.function.architecture.clone(),
        timeout: want.home.function.timeout,
        memory: want.home.function.memory,
        environment: want.home.function.environment.clone(),
        owner: Some(WatchOwner::Organization.tag().into()),
        statements: Default::default(),
        reserved_concurrency: reserved,
    };
    let function_ops = |reserved| {
        let seen = crate::watch::deploy::Seen {
            function: Some(seen(reserved)),
            ..Default::default()
        };
        let ops = crate::watch::deploy::plan(&want.home, &seen, WatchOwner::Organization).unwrap();
        (ops.iter().map(ToString::to_string))
            .filter(|op| op.contains("function lambda-trust-org-watch"))
            .filter(|op| !op.contains("let rule"))
            .collect::<Vec<_>>()
    };
    assert_eq!(function_ops(Some(20)), Vec::<String>::new());
    assert_eq!(
        function_ops(Some(5)),
        ["reserve function lambda-trust-org-watch a concurrency of 20"]
    );
}

fn seen_as_wanted(want: &OrgWatchDeployment, accounts: &[&str]) -> SeenStacks {
    let set = |s: &super::stacks::StackSet| SeenStack {
        template: s.template.clone(),
        owner: Some(ORG.into()),
        instances: (s.regions.iter())
            .flat_map(|r| accounts.iter().map(move |a| (r, a)))
            .map(|(r, a)| SeenInstance {
                account: (*a).into(),
                region: r.clone(),
                status: "CURRENT".into(),
                reason: None,
            })
            .collect(),
    };
    SeenStacks {
        stack_sets: std::iter::once(&want.global)
            .chain((!want.regional.regions.is_empty()).then_some(&want.regional))
            .map(|s| (s.name.clone(), set(s)))
            .collect(),
        stacks: (want.management.iter())
            .map(|s| {
                let seen = SeenStack {
                    template: s.template.clone(),
                    owner: Some(ORG.into()),
                    instances: Vec::new(),
                };
                ((s.region.clone(), s.name.clone()), seen)
            })
            .collect(),
        members: accounts.iter().map(|a| (*a).to_owned()).collect(),
    }
}

#[test]
fn a_first_deploy_creates_both_stack_sets_on_the_root_and_the_management_stacks() {
    let want = org_watch_deployment(&input(&["us-east-1", "eu-west-1"]));
    let ops = plan_stacks(&want, &SeenStacks::default(), ORG, true).unwrap();
    let said: Vec<String> = ops.iter().map(ToString::to_string).collect();
    assert_eq!(said, [
        "create StackSet lambda-trust-org-watch-global (every account of the organization, us-east-1)",
        "create StackSet lambda-trust-org-watch-lambda (every account of the organization, eu-west-1)",
        "create stack lambda-trust-org-watch-management in the management account, us-east-1",
        "create stack lambda-trust-org-watch-management-lambda in the management account, eu-west-1",
    ]);
    assert!(matches!(&ops[0], StackOp::CreateStackSet { root, .. } if root == "r-ab12"));
    // Without the management account's credentials, its stacks are not written.
    assert_eq!(
        plan_stacks(&want, &SeenStacks::default(), ORG, false)
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_second_deploy_writes_nothing_and_a_changed_one_updates_in_place() {
    let want = org_watch_deployment(&input(&["us-east-1", "eu-west-1"]));
    let seen = seen_as_wanted(&want, &[MEMBER, WATCH]);
    assert_eq!(plan_stacks(&want, &seen, ORG, true).unwrap(), []);

    let mut changed = seen.clone();
    let global = changed
        .stack_sets
        .get_mut("lambda-trust-org-watch-global")
        .unwrap();
    global.template["Description"] = "edited".into();
    let ops = plan_stacks(&want, &changed, ORG, true).unwrap();
    assert!(
        matches!(ops.as_slice(), [StackOp::UpdateStackSet { name, .. }] if name.ends_with("-global"))
    );

    // An account without its instance (it joined while automatic deployment was off): the
    // region's instances are created again, for every account of the root.
    let mut joined = seen.clone();
    joined.members.push("333344445555".into());
    let said: Vec<String> = (plan_stacks(&want, &joined, ORG, true).unwrap().iter())
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        said,
        [
            "add StackSet lambda-trust-org-watch-global's stacks in us-east-1",
            "add StackSet lambda-trust-org-watch-lambda's stacks in eu-west-1",
        ]
    );

    // A region no longer wanted: its StackSet and its management stack go; a new one is added.
    let fewer = org_watch_deployment(&input(&["us-east-1", "ap-southeast-2"]));
    let said: Vec<String> = (plan_stacks(&fewer, &seen, ORG, true).unwrap().iter())
        .map(ToString::to_string)
        .collect();
    assert_eq!(said, [
        "add StackSet lambda-trust-org-watch-lambda's stacks in ap-southeast-2",
        "remove StackSet lambda-trust-org-watch-lambda's stacks from eu-west-1",
        "create stack lambda-trust-org-watch-management-lambda in the management account, ap-southeast-2",
        "delete stack lambda-trust-org-watch-management-lambda in the management account, eu-west-1",
    ]);
    let one = org_watch_deployment(&input(&["us-east-1"]));
    let ops = plan_stacks(&one, &seen, ORG, true).unwrap();
    assert!(ops.iter().any(
        |op| matches!(op, StackOp::DeleteStackSet { name, regions, .. }
        if name.ends_with("-lambda") && regions == &["eu-west-1"])
    ));
}

#[test]
fn what_is_not_the_organization_watchs_is_never_taken_over_or_removed() {
    let want = org_watch_deployment(&input(&["us-east-1"]));
    let mut seen = seen_as_wanted(&want, &[MEMBER]);
    seen.stack_sets
        .get_mut("lambda-trust-org-watch-global")
        .unwrap()
        .owner = None;
    let err = plan_stacks(&want, &seen, ORG, true).unwrap_err();
    assert_eq!(err.what, "StackSet lambda-trust-org-watch-global");
    // Teardown removes only what names this organization.
    let ops = teardown_stacks(&seen, ORG, "r-ab12", true);
    let said: Vec<String> = ops.iter().map(ToString::to_string).collect();
    assert_eq!(
        said,
        ["delete stack lambda-trust-org-watch-management in the management account, us-east-1"]
    );
    assert_eq!(teardown_stacks(&seen, "o-other", "r-ab12", true), []);
    assert_eq!(teardown_stacks(&seen, ORG, "r-ab12", false), []);
}

#[test]
fn the_home_is_the_organization_watchers_alone() {
    let want = org_watch_deployment(&input(&["us-east-1"]));
    assert_eq!(
        want.home.tags.get(WATCH_TAG).map(String::as_str),
        Some(WatchOwner::Organization.tag())
    );
    let names = watch_names(WatchOwner::Organization);
    assert_eq!(names.bus, ORG_WATCH);
    assert!(names.rule_prefix.starts_with(ORG_WATCH));
    assert!(want
        .home
        .rules
        .iter()
        .all(|r| r.name.starts_with(&names.rule_prefix)));
    // No role's watch is named like it: `:` is in no role's name.
    assert!(!watch_names(WatchOwner::Role("organization"))
        .bus
        .starts_with(ORG_WATCH));
}
