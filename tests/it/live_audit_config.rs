//! `lambda-trust audit --config-aggregator` on moto, whose Config aggregator answers as AWS's
//! does through the test support (tests/it/support/moto_aws.py, "AWS Config aggregators"): an
//! organization read from the aggregator alone decides every role as assuming a role in each
//! account does; pages, unprocessed identifiers and what Config does not record are said.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use support::live::*;

const ROLE: &str = "lambda-trust-audit";
const AGGREGATOR: &str = "org-iam";

fn seed(env: &Env, args: &[&str]) -> Vec<String> {
    support::seed_audit(&env.moto.url(), args)
}

/// `audit --partner genesys-cloud --config-aggregator AGGREGATOR`, then `extra`.
fn through_aggregator(env: &Env, extra: &[&str]) -> Run {
    let mut args = vec![
        "audit",
        "--partner",
        "genesys-cloud",
        "--config-aggregator",
        AGGREGATOR,
    ];
    args.extend_from_slice(extra);
    env.run_raw(&args)
}

/// The whole path's codes: judged from organization and function policies.
const PATH_CODES: [&str; 8] = [
    "partner-bypasses-role",
    "function-policy-open",
    "path-unknown",
    "org-policy-blocks",
    "function-policy-blocks",
    "cross-account-permission-missing",
    "role-blocks",
    "path-not-read",
];

/// A role's codes from its own documents (the whole path's aside).
fn own(roles: &BTreeMap<String, BTreeSet<String>>) -> BTreeMap<String, BTreeSet<String>> {
    (roles.iter())
        .map(|(arn, codes)| {
            let own = codes.iter().filter(|c| !PATH_CODES.contains(&c.as_str()));
            (arn.clone(), own.cloned().collect())
        })
        .collect()
}

/// Per account: each reported role's finding codes, `unused-partner-role` aside.
fn codes(report: &Value) -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let mut out = BTreeMap::new();
    for a in report["accounts"].as_array().unwrap() {
        let roles = (a["roles"].as_array().unwrap().iter())
            .map(|r| {
                let codes = (r["findings"].as_array().unwrap().iter())
                    .map(|f| f["code"].as_str().unwrap().to_owned())
                    .filter(|c| c != "unused-partner-role")
                    .collect();
                (r["arn"].as_str().unwrap().to_owned(), codes)
            })
            .collect();
        out.insert(a["account"].as_str().unwrap().to_owned(), roles);
    }
    out
}

#[test]
fn an_organization_read_through_its_aggregator_is_judged_as_account_by_account() {
    let env = Env::new();
    let ids = seed(&env, &["org", "3", "30"]);
    seed(&env, &["aggregator", AGGREGATOR]);
    let by_account = env.run_raw(&[
        "audit",
        "--partner",
        "genesys-cloud",
        "--organization",
        "--assume-role",
        ROLE,
        "--format",
        "json",
    ]);
    assert_eq!(by_account.code, 2, "{}", by_account.stderr);
    env.proxy.clear();
    let r = through_aggregator(&env, &["--format", "json"]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let report = json_of(&r);
    let expected = codes(&json_of(&by_account));
    let got = codes(&report);
    assert_eq!(
        got.keys().collect::<BTreeSet<_>>(),
        ids.iter().collect::<BTreeSet<_>>()
    );
    for id in &ids {
        // The whole path (function and organization policies) is not read on this path: the
        // roles' own findings are the same.
        assert_eq!(own(&got[id]), own(&expected[id]), "account {id}");
    }
    for a in report["accounts"].as_array().unwrap() {
        assert_eq!(a["recorded_in"], "us-east-1", "{a}");
        let orgs = a["path"]["organization"].as_object().unwrap();
        assert!(
            orgs.values()
                .all(|v| v.as_str().unwrap().contains("reads no organization policy")),
            "{a:#}"
        );
    }
    // Each partner role's whole path: not proved, and why.
    let a = &report["accounts"][0];
    let locked = (a["roles"].as_array().unwrap().iter())
        .find(|r| r["role"] == "GenesysLambdaInvoker")
        .unwrap();
    let path: Vec<&Value> = (locked["findings"].as_array().unwrap().iter())
        .filter(|f| f["code"] == "path-not-read")
        .collect();
    assert!(!path.is_empty(), "{locked:#}");
    // No role assumed, no IAM read of any account: the aggregator's pages, and the AWS managed
    // policies (none here).
    assert_eq!(env.proxy.count("AssumeRole"), 0);
    assert_eq!(env.proxy.count("GetAccountAuthorizationDetails"), 0);
    let services: BTreeSet<String> = env
        .proxy
        .calls()
        .iter()
        .map(|c| c.service.clone())
        .collect();
    assert_eq!(
        services,
        BTreeSet::from(["config".to_owned()]),
        "{:?}",
        env.proxy.summary()
    );
    // 94 roles (30 + 32 + 32: the created accounts' OrganizationAccountAccessRole and audit
    // role, which a service-managed StackSet puts in every member account but never the
    // management account's): one page
    // of roles, one of policies, one (empty) of functions, one batch of roles and one of the
    // policies the roles use.
    assert_eq!(env.proxy.count("ListAggregateDiscoveredResources"), 3);
    assert_eq!(env.proxy.count("BatchGetAggregateResourceConfig"), 2);
    assert_eq!(report["summary"]["calls"], 5);
    assert_eq!(report["summary"]["roles_scanned"], 94);

    // Human: the account, where Config recorded it, and that the whole path was not read.
    let r = through_aggregator(&env, &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.contains(&format!("account {}", ids[1]))
            && !r.stdout.contains("0 call(s)")
            && r.stdout.contains("94 role(s) scanned")
            && r.stdout.contains("; 5 call(s)")
            && r.stdout
                .contains("read from AWS Config (IAM recorded in us-east-1)")
            && r.stdout.contains("reads no organization policy"),
        "{}",
        r.stdout
    );
}

/// 250 roles are three pages and three batches; a role Config leaves unprocessed once is asked
/// for again; one left unprocessed twice, one whose configuration Config does not record and
/// one using a customer managed policy Config does not record are said, never reported clean.
#[test]
fn pages_unprocessed_and_unrecorded_items_are_said() {
    let env = Env::new();
    let account = "123456789012";
    seed(&env, &["roles", account, "247"]);
    seed(&env, &["aggregator", AGGREGATOR, account]);
    let aws = env.proxy.client();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::765628985471:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"}}}]}"#;
    let role = |name: &str, tag: &str, value: &str| {
        aws.iam_query(
            "CreateRole",
            &[
                ("RoleName", name),
                ("Path", "/genesys/"),
                ("AssumeRolePolicyDocument", trust),
                ("Tags.member.1.Key", tag),
                ("Tags.member.1.Value", value),
            ],
        );
    };
    role("config-once", "lambda-trust-test:config-unprocessed", "1");
    role("config-twice", "lambda-trust-test:config-unprocessed", "2");
    role(
        "config-hidden",
        "lambda-trust-test:config-not-recorded",
        "yes",
    );
    let invoke = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]}"#;
    let xml = aws.iam_query(
        "CreatePolicy",
        &[
            ("PolicyName", "hidden-invoke"),
            ("PolicyDocument", invoke),
            ("Tags.member.1.Key", "lambda-trust-test:config-not-recorded"),
            ("Tags.member.1.Value", "yes"),
        ],
    );
    let policy = support::http::xml_first(&xml, "Arn").unwrap();
    aws.iam_query(
        "AttachRolePolicy",
        &[("RoleName", "config-once"), ("PolicyArn", &policy)],
    );
    env.proxy.clear();
    let r = through_aggregator(&env, &["--format", "json"]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let report = json_of(&r);
    let a = &report["accounts"][0];
    let not_read: Vec<&str> = (a["not_read"].as_array().unwrap().iter())
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(not_read.len(), 3, "{not_read:#?}");
    assert!(
        not_read.contains(&"role config-twice: AWS Config left it unprocessed twice"),
        "{not_read:#?}"
    );
    assert!(
        not_read
            .iter()
            .any(|s| s.starts_with("role config-hidden: AWS Config holds no configuration")),
        "{not_read:#?}"
    );
    assert!(
        not_read
            .iter()
            .any(|s| s.starts_with("policy hidden-invoke: AWS Config holds no configuration")),
        "{not_read:#?}"
    );
    // The role asked for again is audited, its path kept; its access, through a policy nobody
    // could read, is not proved.
    let once = (a["roles"].as_array().unwrap().iter())
        .find(|r| r["role"] == "config-once")
        .unwrap_or_else(|| panic!("config-once not reported: {a:#}"));
    assert_eq!(
        once["arn"],
        format!("arn:aws:iam::{account}:role/genesys/config-once")
    );
    let unproved = (once["findings"].as_array().unwrap().iter()).any(|f| {
        f["code"] == "beyond-invoke"
            && f["message"]
                .as_str()
                .unwrap()
                .starts_with("not proved: some of the role's policies could not be read")
    });
    assert!(unproved, "{once:#}");
    // 250 roles + 3 = 253: three pages of roles; the policies fit one page, the (no) functions
    // one; three batches of roles and one more for the two unprocessed; one batch for the one
    // policy wanted.
    let lists = env.proxy.calls_to("ListAggregateDiscoveredResources");
    assert_eq!(lists.len(), 3 + 1 + 1, "{:?}", env.proxy.summary());
    assert_eq!(
        env.proxy.count("BatchGetAggregateResourceConfig"),
        3 + 1 + 1
    );
    // 250 listed, two of them not read.
    assert_eq!(a["summary"]["roles_scanned"], 248);
    // The HTML report says the same, escaped.
    let html = env.dir.path().join("audit.html");
    let r = through_aggregator(&env, &["--html", html.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("<h2>Read from AWS Config</h2>"),
        "no Config section"
    );
    assert!(
        // (config-twice is processed this time: its injected fault is spent.)
        page.contains(&format!(
            "Not read in {account}: role config-hidden: AWS Config holds no configuration"
        )),
        "not_read missing from the HTML report"
    );
}

#[test]
fn an_unknown_aggregator_says_how_to_find_the_right_one() {
    let env = Env::new();
    let r = env.run_raw(&["audit", "--config-aggregator", "nope"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("NoSuchConfigurationAggregatorException")
            && r.stderr
                .contains("aws configservice describe-configuration-aggregators"),
        "{}",
        r.stderr
    );
    env.proxy.clear();
    let r = env.run_raw(&["audit", "--config-aggregator", "x", "--to-security-hub"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("needs --assume-role"), "{}", r.stderr);
    assert_eq!(env.proxy.calls().len(), 0, "refused before any call");
}

/// Each partner role's findings, by role name.
fn role_findings<'a>(account: &'a Value, role: &str) -> &'a Vec<Value> {
    let r = (account["roles"].as_array().unwrap().iter())
        .find(|r| r["role"] == role)
        .unwrap_or_else(|| panic!("{role} not reported: {account:#}"));
    r["findings"].as_array().unwrap()
}

/// The function policies come from AWS Config's `AWS::Lambda::Function` items
/// (`supplementaryConfiguration.Policy`): a function open to anyone that partner roles invoke is
/// `function-policy-open`, as when reading it with `lambda:GetPolicy`; a function whose item is
/// not recorded, or that Config holds no item of, is not read — never clean. The functions cost
/// their pages of 100 (listed, then read), not a call each.
#[test]
fn function_policies_are_judged_from_config_items() {
    let env = Env::new();
    let account = "123456789012";
    seed(&env, &["roles", account, "20"]);
    seed(&env, &["aggregator", AGGREGATOR, account]);
    let aws = env.proxy.client();
    // GenesysLambdaInvoker (and the seed's other partner roles) invoke lookup-customer.
    let open = aws.lambda_create_function("lookup-customer", "us-east-1");
    let r = aws.add_permission(
        "lookup-customer",
        None,
        &serde_json::json!({"StatementId": "anyone", "Action": "lambda:InvokeFunction",
            "Principal": "*"}),
    );
    assert!(r.is_success(), "{}", r.text());
    let hidden = aws.lambda_create_function("config-hidden-fn", "us-east-1");
    let tags = format!(
        "/2017-03-31/tags/{}",
        support::http::percent_encode(&hidden)
    );
    let body = serde_json::json!({"Tags": {"lambda-trust-test:config-not-recorded": "yes"}});
    let r = aws.lambda("us-east-1", "POST", &tags, Some(&body));
    assert!(r.is_success(), "{}", r.text());
    let missing = format!("arn:aws:lambda:us-east-1:{account}:function:never-created");
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::765628985471:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"}}}]}"#;
    for (name, target) in [("config-unrecorded", &hidden), ("config-missing", &missing)] {
        aws.iam_query(
            "CreateRole",
            &[("RoleName", name), ("AssumeRolePolicyDocument", trust)],
        );
        let invoke = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "lambda:InvokeFunction", "Resource": target}]});
        aws.iam_query(
            "PutRolePolicy",
            &[
                ("RoleName", name),
                ("PolicyName", "invoke"),
                ("PolicyDocument", &invoke.to_string()),
            ],
        );
    }
    // 104 more functions: the functions are two pages and two batches.
    for i in 0..104 {
        aws.lambda_create_function(&format!("filler-{i:03}"), "us-east-1");
    }
    env.proxy.clear();
    let r = through_aggregator(&env, &["--format", "json"]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let report = json_of(&r);
    let a = &report["accounts"][0];
    let locked = role_findings(a, "GenesysLambdaInvoker");
    let opened = (locked.iter()).find(|f| {
        f["code"] == "function-policy-open" && f["message"].as_str().unwrap().contains(&open)
    });
    assert!(opened.is_some(), "{locked:#?}");
    // The account-wide scan finds it too.
    let scanned = a["path"]["functions"].as_array().unwrap();
    assert!(
        scanned.iter().any(|f| f["function"] == open.as_str()),
        "{:#}",
        a["path"]
    );
    // Neither unread function is judged clean: each is said not read, and why.
    for (role, target) in [("config-unrecorded", &hidden), ("config-missing", &missing)] {
        let found = role_findings(a, role);
        let said = found.iter().any(|f| {
            let m = f["message"].as_str().unwrap();
            ["path-not-read", "path-unknown"].contains(&f["code"].as_str().unwrap())
                && f["outcome"] == "unknown"
                && m.contains(target.as_str())
                && m.contains("AWS Config")
        });
        assert!(said, "{role}: {found:#?}");
        assert!(
            !found.iter().any(|f| f["code"] == "function-policy-open"),
            "{role}: {found:#?}"
        );
    }
    // Lists: roles, policies, two pages of functions; batches: roles, the policies the roles
    // use, two of functions.
    assert_eq!(
        env.proxy.count("ListAggregateDiscoveredResources"),
        4,
        "{:?}",
        env.proxy.summary()
    );
    assert_eq!(
        env.proxy.count("BatchGetAggregateResourceConfig"),
        4,
        "{:?}",
        env.proxy.summary()
    );
    assert_eq!(report["summary"]["calls"], 8);
    assert_eq!(env.proxy.count("GetPolicy"), 0);
}
