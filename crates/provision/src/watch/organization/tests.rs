//! The organization watch's deployment on plain data: one bus statement whatever the accounts,
//! a reader every account trusts to the function's role alone that can write nothing but its
//! own account's findings, rules that hear every partner role's change, and the management
//! account covered by stacks of its own.
#![cfg(test)]

use std::collections::{BTreeMap, BTreeSet};

use lambda_trust_iam::{evaluate, Decision, EvalInput, LabeledPolicy, Policy, Request};
use serde_json::Value;

use super::home::{org_watch_deployment, OrgWatchDeployment};
use super::model::{OrgWatchInput, ORG_WATCH};
use super::stacks::reader_policy;
use crate::cloudtrail_calls::{calls_on, On};
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
    assert!(one.regional.is_none());
    assert_eq!(one.management.len(), 1);
    let management = &one.management[0].template["Resources"];
    assert!(management.get("OrganizationCalls").is_some());
    assert!(one.global.template["Resources"]
        .get("OrganizationCalls")
        .is_none());

    let three = org_watch_deployment(&input(&["us-east-1", "eu-west-1", "ap-southeast-2"]));
    let regional = three.regional.as_ref().unwrap();
    assert_eq!(regional.regions, ["ap-southeast-2", "eu-west-1"]);
    let forwarder = &regional.template["Resources"]["LambdaPermissions"]["Properties"]["Targets"]
        [0]["RoleArn"]["Fn::Sub"];
    assert_eq!(
        forwarder,
        "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/lambda-trust-org-watch-fwd"
    );
    let regions: Vec<&str> = three.management.iter().map(|s| s.region.as_str()).collect();
    assert_eq!(regions, ["us-east-1", "ap-southeast-2", "eu-west-1"]);
}

#[test]
fn the_home_is_planned_as_a_deployments_watch_is() {
    let want = org_watch_deployment(&input(&["us-east-1"]));
    assert_eq!(want.home.function.name, ORG_WATCH);
    assert!(!ORG_WATCH.starts_with("lambda-trust-watch-"));
    let ops = crate::watch::deploy::plan(&want.home, &Default::default(), ORG).unwrap();
    let said: Vec<String> = ops.iter().map(ToString::to_string).collect();
    for what in [
        "create role lambda-trust-org-watch",
        "event bus lambda-trust-org-watch",
    ] {
        assert!(said.iter().any(|s| s.contains(what)), "{what}: {said:#?}");
    }
}
