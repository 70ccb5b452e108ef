//! `watch deploy`'s plan on plain data (`crate::watch_deployment` and `plan_watch`): the function's
//! role proved read-only, rules under the pattern quota, forwarding from other regions and the
//! Genesys Cloud org's bus, a deployed watch planning no write, and destroy removing only its
//! own.
#![cfg(test)]

use super::model::WatchRole;
use super::rules;
use crate::*;
use serde_json::json;

fn input(targets: usize, regions: &[&str]) -> WatchInput {
    let account = "111122223333";
    WatchInput {
        env: None,
        account: account.into(),
        partition: "aws".into(),
        role: "GenesysLambdaInvoker".into(),
        role_path: "/".into(),
        policies: vec![format!(
            "arn:aws:iam::{account}:policy/GenesysLambdaInvoker-invoke"
        )],
        targets: (0..targets)
            .map(|i| {
                let region = regions[i % regions.len()];
                let name = format!("function-number-{i}");
                let arn = format!("arn:aws:lambda:{region}:{account}:function:{name}");
                (region.to_owned(), name, arn, None)
            })
            .collect(),
        schedule: "rate(1 hour)".into(),
        architecture: "x86_64".into(),
        code_sha256: "abc=".into(),
        secret: Some("genesys/oauth".into()),
        secret_cmk: false,
        sns_topic: Some(format!("arn:aws:sns:us-east-1:{account}:lambda-trust")),
        config_rule: false,
        genesys_bus: None,
        accounts: Default::default(),
    }
}

/// What AWS holds once `want` is deployed.
fn deployed(want: &Deployment) -> Seen {
    let role = "GenesysLambdaInvoker".to_owned();
    let seen_role = |r: &WatchRole| SeenRole {
        trust: r.trust.clone(),
        policy: Some(r.policy.clone()),
        owner: Some(role.clone()),
    };
    let f = &want.function;
    Seen {
        role: Some(seen_role(&want.role)),
        forward_role: want.forward_role.as_ref().map(seen_role),
        function: Some(SeenFunction {
            code_sha256: f.code_sha256.clone(),
            role_arn: f.role_arn.clone(),
            architecture: f.architecture.clone(),
            timeout: f.timeout,
            memory: f.memory,
            environment: f.environment.clone(),
            owner: Some(role.clone()),
            statements: want.rules.iter().map(|r| r.name.clone()).collect(),
            reserved_concurrency: f.reserved_concurrency,
        }),
        rules: (want.rules.iter())
            .map(|r| SeenRule {
                account: r.account.clone(),
                region: r.region.clone(),
                name: r.name.clone(),
                pattern: r.pattern.clone(),
                schedule: r.schedule.clone(),
                target: Some(r.target.clone()),
                target_role: r.target_role.clone(),
                bus: r.bus.clone(),
                owner: Some(role.clone()),
            })
            .collect(),
        config_rule: None,
        account_forwarders: (want.account_forwarders.iter())
            .map(|r| (r.account.clone().unwrap_or_default(), seen_role(r)))
            .collect(),
        account_readers: (want.account_readers.iter())
            .map(|r| (r.account.clone().unwrap_or_default(), seen_role(r)))
            .collect(),
        bus: want.bus.as_ref().map(|b| SeenBus {
            policy: Some(b.policy.clone()),
            owner: Some(role.clone()),
        }),
        bus_statements: Default::default(),
        former_function: None,
        former_config_rule: None,
    }
}

/// An `aws-cn` watch an older lambda-trust put in cn-northwest-1 moves to cn-north-1, where
/// IAM's events arrive: the next deploy makes it there and removes the function and rules it
/// left behind (each only when its tag names the role), and destroy finds them too.
#[test]
fn an_aws_cn_watch_moves_from_its_former_home_on_the_next_deploy() {
    let mut cn = input(2, &["cn-north-1"]);
    cn.partition = "aws-cn".into();
    for t in &mut cn.targets {
        t.2 = t.2.replace("arn:aws:", "arn:aws-cn:");
    }
    let want = watch_deployment(&cn);
    assert_eq!(want.function.region, "cn-north-1");
    assert_eq!(want.former_home.as_deref(), Some("cn-northwest-1"));
    assert_eq!(
        watch_deployment(&input(1, &["us-east-1"])).former_home,
        None
    );
    let mut seen = deployed(&want);
    seen.former_function = seen.function.take();
    for rule in &mut seen.rules {
        rule.region = "cn-northwest-1".into();
    }
    let role = "GenesysLambdaInvoker";
    let ops = plan_watch(&want, &seen, WatchOwner::Role(role)).unwrap();
    let removed_there = |op: &WatchOp| match op {
        WatchOp::DeleteFunction { region, .. } | WatchOp::RemoveRule { region, .. } => {
            region == "cn-northwest-1"
        }
        _ => false,
    };
    let made_here = |op: &WatchOp| matches!(op, WatchOp::CreateFunction { .. });
    assert_eq!(
        ops.iter().filter(|op| removed_there(op)).count(),
        1 + want.rules.len()
    );
    assert!(ops.iter().any(made_here), "{ops:#?}");
    let torn = watch_teardown(&seen, WatchOwner::Role(role), &want);
    assert_eq!(
        torn.iter().filter(|op| removed_there(op)).count(),
        1 + want.rules.len()
    );
    // Another watch's function there is never touched.
    seen.former_function.as_mut().unwrap().owner = Some("SomeoneElse".into());
    let ops = plan_watch(&want, &seen, WatchOwner::Role(role)).unwrap();
    assert!(!ops
        .iter()
        .any(|op| matches!(op, WatchOp::DeleteFunction { .. })));
}

#[test]
fn the_functions_role_reads_and_publishes_and_can_write_nothing_else() {
    let want = watch_deployment(&input(3, &["eu-west-1"]));
    assert_eq!(prove_read_only(&want.role.policy), Ok(()));
    let mut open = want.role.policy.clone();
    open["Statement"][0]["Action"] = json!(["iam:Get*", "iam:PutRolePolicy"]);
    assert_eq!(
        prove_read_only(&open),
        Err("it allows iam:PutRolePolicy".into())
    );
    let mut wildcard = want.role.policy.clone();
    wildcard["Statement"][0]["Action"] = json!("iam:*");
    assert!(prove_read_only(&wildcard).is_err());
}

/// The function confirms its targets as `check` does: listing the region's functions after
/// asking their number, and a function's aliases or versions, where that saves calls.
#[test]
fn the_functions_role_may_count_and_list_what_check_lists() {
    let want = watch_deployment(&input(3, &["us-east-1"]));
    let allowed: Vec<String> = (want.role.policy["Statement"].as_array().unwrap().iter())
        .flat_map(|s| s["Action"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect();
    for action in [
        "lambda:GetFunction",
        "lambda:ListFunctions",
        "lambda:GetAccountSettings",
        "lambda:ListAliases",
        "lambda:ListVersionsByFunction",
    ] {
        assert!(
            allowed.iter().any(|a| a == action),
            "{action} not in {allowed:?}"
        );
    }
}

#[test]
fn a_deployed_watch_plans_no_write_and_a_new_package_only_its_code() {
    let want = watch_deployment(&input(5, &["us-east-1", "eu-west-1"]));
    let mut seen = deployed(&want);
    assert_eq!(
        plan_watch(&want, &seen, WatchOwner::Role("GenesysLambdaInvoker")),
        Ok(Vec::new())
    );
    seen.function.as_mut().unwrap().code_sha256 = "old=".into();
    let ops = plan_watch(&want, &seen, WatchOwner::Role("GenesysLambdaInvoker")).unwrap();
    assert!(
        matches!(ops.as_slice(), [WatchOp::UpdateCode { .. }]),
        "{ops:?}"
    );
}

#[test]
fn the_function_lives_where_iam_events_arrive_and_other_regions_forward_to_it() {
    let want = watch_deployment(&input(4, &["eu-west-1"]));
    assert_eq!(want.function.region, "us-east-1");
    assert!(want.forward_role.is_some());
    let forwarding: Vec<_> = want
        .rules
        .iter()
        .filter(|r| r.region == "eu-west-1")
        .collect();
    assert!(!forwarding.is_empty());
    assert!(forwarding
        .iter()
        .all(|r| r.target.ends_with(":event-bus/default")));
    let home = watch_deployment(&input(4, &["us-east-1"]));
    assert!(home.forward_role.is_none());
    assert!(home
        .rules
        .iter()
        .all(|r| r.region == "us-east-1" && r.target == home.function.arn));
}

/// The European Sovereign Cloud has one region: the watch lives there, never in a region
/// outside the partition, and forwards nothing.
#[test]
fn in_the_european_sovereign_cloud_the_function_lives_in_its_one_region() {
    let mut sovereign = input(2, &["eusc-de-east-1"]);
    sovereign.partition = "aws-eusc".into();
    let want = watch_deployment(&sovereign);
    assert_eq!(want.function.region, "eusc-de-east-1");
    assert!(want.forward_role.is_none());
    assert!(want.rules.iter().all(|r| r.region == "eusc-de-east-1"));
}

#[test]
fn a_thousand_targets_fit_in_rules_under_the_pattern_quota_naming_each_once() {
    let want = watch_deployment(&input(1000, &["us-east-1"]));
    let lambda: Vec<_> = want
        .rules
        .iter()
        .filter(|r| r.name.contains("-lambda"))
        .collect();
    assert!(lambda.len() > 1);
    for r in &want.rules {
        let size = r.pattern.as_ref().map_or(0, |p| p.to_string().len());
        assert!(size <= rules::MAX_PATTERN, "{} is {size}", r.name);
    }
    let named: usize = (lambda.iter())
        .map(|r| {
            r.pattern.as_ref().unwrap()["detail"]["requestParameters"]["$or"][1]["resourceArn"]
                .as_array()
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(named, 1000);
}

#[test]
fn the_genesys_orgs_audit_events_reach_the_function_from_its_bus_forwarded_when_elsewhere() {
    let mut input = input(1, &["us-east-1"]);
    let bus =
        "arn:aws:events:eu-west-1:111122223333:event-bus/aws.partner/genesys.com/cloud/org/watch";
    input.genesys_bus = Some(bus.into());
    let want = watch_deployment(&input);
    let genesys: Vec<_> = want
        .rules
        .iter()
        .filter(|r| r.name.ends_with("-genesys"))
        .collect();
    assert_eq!(genesys.len(), 2, "{genesys:#?}");
    assert_eq!(genesys[0].bus.as_deref(), Some(bus));
    assert!(genesys[0].target.ends_with(":event-bus/default"));
    assert_eq!(
        (genesys[1].region.as_str(), genesys[1].target.as_str()),
        ("us-east-1", want.function.arn.as_str())
    );
    assert!(want.forward_role.is_some());
    let seen = deployed(&want);
    assert_eq!(
        plan_watch(&want, &seen, WatchOwner::Role("GenesysLambdaInvoker")),
        Ok(Vec::new())
    );
}

#[test]
fn destroy_removes_only_what_the_watch_of_this_role_tagged() {
    let want = watch_deployment(&input(2, &["us-east-1"]));
    let mut seen = deployed(&want);
    seen.rules[0].owner = Some("AnotherRole".into());
    let ops = watch_teardown(&seen, WatchOwner::Role("GenesysLambdaInvoker"), &want);
    let removed: Vec<_> = ops
        .iter()
        .filter(|o| matches!(o, WatchOp::RemoveRule { .. }))
        .collect();
    assert_eq!(removed.len(), want.rules.len() - 1);
    assert!(ops
        .iter()
        .any(|o| matches!(o, WatchOp::DeleteFunction { .. })));
    assert_eq!(
        plan_watch(&want, &seen, WatchOwner::Role("GenesysLambdaInvoker"))
            .unwrap_err()
            .what,
        format!("rule {} (us-east-1)", want.rules[0].name)
    );
}

#[test]
fn the_rules_hear_every_call_of_the_catalogue_on_the_role_its_policies_and_its_targets() {
    use crate::cloudtrail_calls::{On, CALLS};
    let d = watch_deployment(&input(3, &["us-east-1"]));
    let of = |source: &str| -> Vec<serde_json::Value> {
        (d.rules.iter())
            .filter_map(|r| r.pattern.clone())
            .filter(|p| p["source"] == json!([source]))
            .collect()
    };
    let (iam, lambda) = (of("aws.iam"), of("aws.lambda"));
    assert_eq!((iam.len(), lambda.len()), (1, 1));
    // A deployment's watch hears IAM and Lambda; Organizations is the organization watch's.
    let org = "organizations.amazonaws.com";
    for call in CALLS.iter().filter(|c| c.on.source() != org) {
        let pattern = match call.on {
            On::Function => &lambda[0],
            _ => &iam[0],
        };
        let names = pattern["detail"]["eventName"].as_array().unwrap();
        assert!(
            names.contains(&json!(call.name)),
            "{} is not heard",
            call.name
        );
    }
    assert_eq!(
        iam[0]["detail"]["requestParameters"]["$or"],
        json!([
            {"policyArn": ["arn:aws:iam::111122223333:policy/GenesysLambdaInvoker-invoke"]},
            {"policyName": ["GenesysLambdaInvoker-invoke"]},
            {"roleName": ["GenesysLambdaInvoker"]},
        ])
    );
}

/// Two targets in another account (two regions), one in the function's: that account gets a
/// forwarding role and a rule in each of its regions, aimed at the watch's own bus, which
/// admits that role alone; deployed, nothing is written; destroy removes all of it, and never
/// another watch's statement.
#[test]
fn a_target_accounts_events_are_forwarded_from_a_rule_in_that_account() {
    let (i, other) = with_another_account();
    let d = watch_deployment(&i);
    assert_eq!(d.account_forwarders.len(), 1);
    assert_eq!(d.account_forwarders[0].account.as_deref(), Some(other));
    let bus =
        "arn:aws:events:us-east-1:111122223333:event-bus/lambda-trust-watch-GenesysLambdaInvoker";
    let theirs: Vec<&WatchRule> = (d.rules.iter())
        .filter(|r| r.account.as_deref() == Some(other))
        .collect();
    let regions: Vec<&str> = theirs.iter().map(|r| r.region.as_str()).collect();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
    let forwarder =
        format!("arn:aws:iam::{other}:role/lambda-trust-watch-GenesysLambdaInvoker-fwd");
    for r in &theirs {
        assert_eq!(r.target, bus);
        assert_eq!(r.target_role.as_deref(), Some(forwarder.as_str()));
        let names = r.pattern.as_ref().unwrap()["detail"]["requestParameters"].to_string();
        assert!(names.contains(&format!("{other}:function:")), "{names}");
        assert!(!names.contains("function-number-0"), "{names}");
    }
    // On the watch's bus, a rule hands their calls to the function.
    let on_bus: Vec<&WatchRule> = (d.rules.iter())
        .filter(|r| r.bus.as_deref() == Some(bus))
        .collect();
    assert_eq!(on_bus.len(), 1, "{on_bus:#?}");
    assert_eq!(on_bus[0].target, d.function.arn);
    assert!(on_bus[0]
        .pattern
        .as_ref()
        .unwrap()
        .to_string()
        .contains("far"));
    // The function's own account has no rule for them in eu-west-1: they are not its calls.
    assert!(!(d.rules.iter()).any(|r| r.account.is_none() && r.region == "eu-west-1"));
    let policy = &d.bus.as_ref().unwrap().policy;
    assert_eq!(policy["Statement"].as_array().unwrap().len(), 1);
    assert_eq!(
        policy["Statement"][0]["Condition"]["ArnEquals"]["aws:PrincipalArn"],
        json!(forwarder)
    );

    let none = Seen::default();
    let ops = plan_watch(&d, &none, WatchOwner::Role("GenesysLambdaInvoker")).unwrap();
    let lines: Vec<String> = ops.iter().map(ToString::to_string).collect();
    for line in [
        format!("create role lambda-trust-watch-GenesysLambdaInvoker-fwd in account {other}"),
        format!("create role lambda-trust-watch-GenesysLambdaInvoker-read in account {other}"),
        "create event bus lambda-trust-watch-GenesysLambdaInvoker (us-east-1)".into(),
        format!("let the forwarding role of account {other} put events on event bus lambda-trust-watch-GenesysLambdaInvoker"),
    ] {
        assert!(lines.contains(&line), "{line}: {lines:#?}");
    }
    let seen = deployed(&d);
    assert_eq!(
        plan_watch(&d, &seen, WatchOwner::Role("GenesysLambdaInvoker")).unwrap(),
        vec![]
    );

    let mut with_another = seen.clone();
    with_another
        .bus_statements
        .insert(format!("lambda-trust-watch-GenesysLambdaInvoker-x-{other}"));
    let down = watch_teardown(&with_another, WatchOwner::Role("GenesysLambdaInvoker"), &d);
    let lines: Vec<String> = down.iter().map(ToString::to_string).collect();
    for line in [
        format!("delete role lambda-trust-watch-GenesysLambdaInvoker-fwd in account {other}"),
        format!("delete role lambda-trust-watch-GenesysLambdaInvoker-read in account {other}"),
        "delete event bus lambda-trust-watch-GenesysLambdaInvoker (us-east-1)".into(),
    ] {
        assert!(lines.contains(&line), "{line}: {lines:#?}");
    }
    assert!(
        !lines.iter().any(|l| l.starts_with("remove statement")),
        "{lines:#?}"
    );
    let removed_rules = (lines.iter()).filter(|l| l.contains(&format!("account {other})")));
    assert_eq!(removed_rules.count(), 2, "{lines:#?}");
    let bus_last = lines.iter().position(|l| l.starts_with("delete event bus"));
    let rules_last = lines.iter().rposition(|l| l.starts_with("remove rule"));
    assert!(
        bus_last > rules_last,
        "the bus goes once its rules are gone: {lines:#?}"
    );
}

/// The input of [`a_target_accounts_events_are_forwarded_from_a_rule_in_that_account`]: one
/// target in the function's account, two in another the run can write in.
fn with_another_account() -> (WatchInput, &'static str) {
    let mut i = input(1, &["us-east-1"]);
    let other = "444455556666";
    for (region, name) in [("us-east-1", "theirs"), ("eu-west-1", "far")] {
        let arn = format!("arn:aws:lambda:{region}:{other}:function:{name}");
        i.targets.push((region.into(), name.into(), arn, None));
    }
    i.accounts.insert(other.into());
    (i, other)
}

/// Every role the function can reach is read-only: its own, and the one role it may assume in
/// each other account — trusted by the function's role alone, by its ARN — never that
/// account's `[aws.accounts]` role, which is apply's and writes.
#[test]
fn every_role_the_function_can_reach_is_read_only_and_trusts_only_it() {
    use lambda_trust_iam::{evaluate, Decision, EvalInput, LabeledPolicy, Policy, Request};
    let (i, other) = with_another_account();
    let d = watch_deployment(&i);
    let labeled = |v: &serde_json::Value| LabeledPolicy {
        label: "p".into(),
        policy: Policy::try_from(v).unwrap(),
    };
    let may = |input: &EvalInput, (principal, action, resource): (&str, &str, &str)| {
        let request = Request {
            principal: principal.into(),
            action: action.into(),
            resource: resource.into(),
            context: [("aws:PrincipalArn".to_owned(), vec![principal.to_owned()])].into(),
        };
        evaluate(input, &request).decision == Decision::Allow
    };
    let functions_role = EvalInput {
        identity_policies: vec![labeled(&d.role.policy)],
        resource_policy: None,
        resource_policy_is_trust: false,
        boundary: None,
    };
    let reader = format!("arn:aws:iam::{other}:role/lambda-trust-watch-GenesysLambdaInvoker-read");
    let function = "arn:aws:iam::111122223333:role/lambda-trust-watch-GenesysLambdaInvoker";
    assert!(may(&functions_role, (function, "sts:AssumeRole", &reader)));
    let writer = format!("arn:aws:iam::{other}:role/lt-deployer");
    assert!(!may(&functions_role, (function, "sts:AssumeRole", &writer)));
    assert_eq!(d.account_readers.len(), 1);
    for r in &d.account_readers {
        assert_eq!(prove_read_only(&r.policy), Ok(()), "{}", r.name);
    }
    let trusted = |principal: &str| {
        let input = EvalInput {
            identity_policies: Vec::new(),
            resource_policy: Some(labeled(&d.account_readers[0].trust)),
            resource_policy_is_trust: true,
            boundary: None,
        };
        may(&input, (principal, "sts:AssumeRole", &reader))
    };
    assert!(trusted(function));
    assert!(!trusted("arn:aws:iam::111122223333:role/SomeoneElse"));
    assert!(!trusted(
        "arn:aws:iam::999999999999:role/lambda-trust-watch-GenesysLambdaInvoker"
    ));
}

/// A watch deployed before it had its own bus: its statement admitting a whole account on the
/// default bus is removed, and the function's role no longer assumes the account's writer.
#[test]
fn a_redeploy_moves_an_older_watch_off_the_default_bus() {
    let (i, other) = with_another_account();
    let d = watch_deployment(&i);
    let mut seen = deployed(&d);
    seen.bus_statements = [
        format!("lambda-trust-watch-GenesysLambdaInvoker-{other}"),
        "the-customers-own".to_owned(),
    ]
    .into();
    let old = seen.role.as_mut().unwrap();
    old.policy = Some(
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "sts:AssumeRole", "Resource": format!("arn:aws:iam::{other}:role/lt-deployer")}]}),
    );
    let ops = plan_watch(&d, &seen, WatchOwner::Role("GenesysLambdaInvoker")).unwrap();
    let lines: Vec<String> = ops.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "put inline policy lambda-trust-watch-reads on role lambda-trust-watch-GenesysLambdaInvoker".to_owned(),
            format!("remove statement lambda-trust-watch-GenesysLambdaInvoker-{other} of the default event bus (us-east-1)"),
        ]
    );
}
