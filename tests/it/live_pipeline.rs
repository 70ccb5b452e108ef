//! The live pipeline end to end: the real binary against a real moto server, through a
//! counting proxy so write calls are counted on the wire, not self-reported.

use crate::support;

use serde_json::json;
use support::live::*;

#[test]
fn create_from_scratch_then_in_sync_and_zero_writes() {
    let env = setup(&["lookup-customer", "lookup-order"]);
    let plan = env.expect(&["plan", "--format", "json"], 2);
    let plan = json_of(&plan);
    assert_eq!(plan["in_sync"], json!(false));
    let actions: Vec<(String, String)> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["resource"].as_str().unwrap().to_string(),
                c["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        vec![
            (
                "role GenesysLambdaInvoker".to_string(),
                "create".to_string()
            ),
            (
                "managed policy GenesysLambdaInvoker-invoke".to_string(),
                "create".to_string()
            ),
            (
                format!("role GenesysLambdaInvoker attachment {}", policy_arn()),
                "create".to_string()
            ),
        ]
    );
    // plan is read-only.
    assert_eq!(env.proxy.count_writes(), 0);

    let (_, writes) = env.writes_of(&["apply", "--yes"], 0);
    assert_eq!(
        writes, 3,
        "first apply: CreateRole, CreatePolicy, AttachRolePolicy"
    );

    let (r, writes) = env.writes_of(&["apply", "--yes"], 0);
    assert_eq!(writes, 0, "a second apply must make zero write calls");
    assert!(r.stdout.contains("in sync"), "{}", r.stdout);

    env.expect(&["plan"], 0);
    let v = env.expect(&["verify", "--format", "json"], 0);
    let v = json_of(&v);
    assert_eq!(v["passed"], json!(true), "{v:#}");

    // The live role carries our tag and exactly the rendered trust policy.
    let role = env.iam("GetRole", &[("RoleName", "GenesysLambdaInvoker")]);
    assert!(
        role.contains("managed-by") && role.contains("lambda-trust"),
        "{role}"
    );
}

/// Each drift is shown by plan (exit 2) and repaired by apply; afterwards plan is empty.
fn drift_case(name: &str, tamper: impl FnOnce(&Env), expect_in_plan: &str) {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    env.expect(&["plan"], 0);
    tamper(&env);
    let r = env.expect(&["plan"], 2);
    assert!(
        r.stdout.contains(expect_in_plan),
        "{name}: plan does not mention {expect_in_plan:?}:\n{}",
        r.stdout
    );
    env.expect(&["apply", "--yes"], 0);
    let r = env.expect(&["plan"], 0);
    assert!(r.stdout.contains("in sync"), "{name}: {}", r.stdout);
    env.expect(&["verify"], 0);
}

#[test]
fn drift_external_id_changed() {
    drift_case(
        "external id",
        |env| {
            env.iam(
                "UpdateAssumeRolePolicy",
                &[
                    ("RoleName", "GenesysLambdaInvoker"),
                    (
                        "PolicyDocument",
                        &trust_doc("attacker-org", "arn:aws:iam::765628985471:root"),
                    ),
                ],
            );
        },
        "attacker-org",
    );
}

#[test]
fn drift_trust_principal_changed() {
    drift_case(
        "trust principal",
        |env| {
            env.iam(
                "UpdateAssumeRolePolicy",
                &[
                    ("RoleName", "GenesysLambdaInvoker"),
                    (
                        "PolicyDocument",
                        &trust_doc(EXT, "arn:aws:iam::999999999999:root"),
                    ),
                ],
            );
        },
        "999999999999",
    );
}

#[test]
fn drift_extra_managed_policy() {
    drift_case(
        "extra managed policy",
        |env| {
            let doc = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"}]});
            env.iam(
                "CreatePolicy",
                &[
                    ("PolicyName", "TooBroad"),
                    ("PolicyDocument", &doc.to_string()),
                ],
            );
            env.iam(
                "AttachRolePolicy",
                &[
                    ("RoleName", "GenesysLambdaInvoker"),
                    (
                        "PolicyArn",
                        &format!("arn:aws:iam::{ACCOUNT}:policy/TooBroad"),
                    ),
                ],
            );
        },
        "policy/TooBroad",
    );
}

#[test]
fn drift_extra_inline_policy_is_shown_in_full() {
    drift_case(
        "extra inline policy",
        |env| {
            let doc = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::secret-bucket/*"}]});
            env.iam(
                "PutRolePolicy",
                &[
                    ("RoleName", "GenesysLambdaInvoker"),
                    ("PolicyName", "sneaky"),
                    ("PolicyDocument", &doc.to_string()),
                ],
            );
        },
        "arn:aws:s3:::secret-bucket/*",
    );
}

#[test]
fn drift_policy_version_changed() {
    drift_case(
        "policy version",
        |env| {
            let doc = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]});
            env.iam(
                "CreatePolicyVersion",
                &[
                    ("PolicyArn", &policy_arn()),
                    ("PolicyDocument", &doc.to_string()),
                    ("SetAsDefault", "true"),
                ],
            );
        },
        "\"*\"",
    );
}

#[test]
fn drift_boundary_removed() {
    let env = Env::new();
    env.moto
        .lambda_create_function("lookup-customer", "us-east-1");
    let boundary = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]});
    env.iam(
        "CreatePolicy",
        &[
            ("PolicyName", "Boundary"),
            ("PolicyDocument", &boundary.to_string()),
        ],
    );
    let arn = format!("arn:aws:iam::{ACCOUNT}:policy/Boundary");
    env.write_config(&config(
        &["lookup-customer"],
        &format!("permissions_boundary = \"{arn}\"\n"),
    ));
    env.expect(&["apply", "--yes"], 0);
    env.expect(&["plan"], 0);
    env.expect(&["verify"], 0);
    env.iam(
        "DeleteRolePermissionsBoundary",
        &[("RoleName", "GenesysLambdaInvoker")],
    );
    let r = env.expect(&["plan"], 2);
    assert!(r.stdout.contains("permissions boundary"), "{}", r.stdout);
    env.expect(&["apply", "--yes"], 0);
    env.expect(&["plan"], 0);
}

#[test]
fn drift_tags_changed() {
    drift_case(
        "tags",
        |env| {
            env.iam(
                "TagRole",
                &[
                    ("RoleName", "GenesysLambdaInvoker"),
                    ("Tags.member.1.Key", "team"),
                    ("Tags.member.1.Value", "someone-else"),
                    ("Tags.member.2.Key", "extra"),
                    ("Tags.member.2.Value", "x"),
                ],
            );
        },
        "someone-else",
    );
}

#[test]
fn versions_are_pruned_to_five_after_many_changes() {
    let env = Env::new();
    let names: Vec<String> = (0..8).map(|i| format!("fn-{i}")).collect();
    for n in &names {
        env.moto.lambda_create_function(n, "us-east-1");
    }
    // Seven document changes after the first version: each apply publishes a new default.
    for i in 1..=names.len() {
        let targets: Vec<&str> = names[..i].iter().map(String::as_str).collect();
        env.write_config(&config(&targets, ""));
        env.expect(&["apply", "--yes"], 0);
        let versions = env.iam("ListPolicyVersions", &[("PolicyArn", &policy_arn())]);
        let count = versions.matches("<VersionId>").count();
        assert!(count <= 5, "after apply {i}: {count} versions\n{versions}");
    }
    env.expect(&["plan"], 0);
    env.expect(&["verify"], 0);
}

#[test]
fn foreign_role_is_refused_without_adopt() {
    let env = setup(&["lookup-customer"]);
    env.iam(
        "CreateRole",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            (
                "AssumeRolePolicyDocument",
                &trust_doc(EXT, "arn:aws:iam::765628985471:root"),
            ),
        ],
    );
    env.proxy.clear();
    let r = env.expect(&["apply", "--yes"], 1);
    assert!(r.stderr.contains("--adopt"), "{}", r.stderr);
    assert_eq!(env.proxy.count_writes(), 0);
    let (_, writes) = env.writes_of(&["apply", "--yes", "--adopt"], 0);
    assert!(writes >= 1);
    env.expect(&["plan"], 0);
    env.expect(&["verify"], 0);
}

#[test]
fn missing_function_is_refused_before_any_write() {
    let env = setup(&["lookup-customer"]);
    env.write_config(&config(&["lookup-customer", "does-not-exist"], ""));
    env.proxy.clear();
    let r = env.expect(&["apply", "--yes"], 1);
    assert!(r.stderr.contains("does-not-exist"), "{}", r.stderr);
    assert_eq!(env.proxy.count_writes(), 0);
}

#[test]
fn destroy_shows_first_then_deletes_only_with_yes() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    let (r, writes) = env.writes_of(&["destroy"], 2);
    assert_eq!(writes, 0);
    assert!(
        r.stdout.contains("- role GenesysLambdaInvoker"),
        "{}",
        r.stdout
    );
    env.expect(&["destroy", "--yes"], 0);
    let resp = env
        .moto
        .try_iam_query("GetRole", &[("RoleName", "GenesysLambdaInvoker")]);
    assert!(resp.text().contains("NoSuchEntity"), "{}", resp.text());
    let resp = env
        .moto
        .try_iam_query("GetPolicy", &[("PolicyArn", &policy_arn())]);
    assert!(resp.text().contains("NoSuchEntity"), "{}", resp.text());
    // Nothing left: destroy says so, and under --format json stdout is JSON only.
    let r = env.expect(&["destroy", "--yes", "--format", "json"], 0);
    let v: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    assert_eq!(v["writes"], 0);
    // And from nothing, plan wants to create again.
    env.expect(&["plan"], 2);
}

#[test]
fn verify_fails_with_the_reason_on_a_broken_trust() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    // No ExternalId condition at all: anyone in the partner account may assume the role.
    let weak = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::765628985471:root"},"Action":"sts:AssumeRole"}]});
    env.iam(
        "UpdateAssumeRolePolicy",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("PolicyDocument", &weak.to_string()),
        ],
    );
    let r = env.expect(&["verify", "--format", "json"], 3);
    let v = json_of(&r);
    let failed: Vec<String> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] == json!(false))
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert!(
        failed.iter().any(|n| n.contains("without an external ID")),
        "{failed:?}"
    );
}

#[test]
fn verify_fails_with_the_reason_on_a_broadened_invoke_side() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    let doc = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"}]});
    env.iam(
        "PutRolePolicy",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("PolicyName", "broad"),
            ("PolicyDocument", &doc.to_string()),
        ],
    );
    let r = env.expect(&["verify"], 3);
    assert!(
        r.stdout
            .contains("FAIL  invoke: a function that is not a target is not invokable"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("FAIL  invoke: no other action is allowed"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_second_config_for_the_same_role_is_refused_not_silently_applied() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    // Another config (say, the staging Genesys org) copied the role name by mistake.
    let staging =
        config(&["lookup-customer"], "").replace(EXT, "11111111-2222-3333-4444-555555555555");
    let path = env.dir.path().join("staging.toml");
    std::fs::write(&path, staging).unwrap();
    let p = path.to_str().unwrap();
    env.proxy.clear();
    let r = env.run_raw(&["apply", "--yes", "--config", p]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("applied from another lambda-trust config"),
        "{}",
        r.stderr
    );
    assert_eq!(env.proxy.count_writes(), 0);
    // plan says the same; the first config is still in sync.
    assert_eq!(env.run_raw(&["plan", "--config", p]).code, 1);
    env.expect(&["plan"], 0);
    // Deliberate take-over is possible, and then the first config sees the conflict.
    assert_eq!(
        env.run_raw(&["apply", "--yes", "--adopt", "--config", p])
            .code,
        0
    );
    let r = env.expect(&["apply", "--yes"], 1);
    assert!(
        r.stderr
            .contains("applied from another lambda-trust config"),
        "{}",
        r.stderr
    );
}

/// One tag changed by hand is one finding, not one per way of looking at it.
#[test]
fn one_tag_change_is_one_finding() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    env.iam(
        "TagRole",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "someone-else"),
        ],
    );
    let v = json_of(&env.expect(&["check", "--format", "json"], 2));
    let findings = v["configs"][0]["findings"].as_array().unwrap();
    let codes: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 1, "{codes:?}\n{v:#}");
    // One TagRole that changes a configured tag and adds another: still one finding.
    env.iam(
        "TagRole",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "someone-else-again"),
            ("Tags.member.2.Key", "extra"),
            ("Tags.member.2.Value", "x"),
        ],
    );
    let v = json_of(&env.expect(&["check", "--format", "json"], 2));
    let codes: Vec<&str> = (v["configs"][0]["findings"].as_array().unwrap().iter())
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["role-tag-differs"], "{v:#}");
    // One TagRole overwriting the ownership tag: ownership lost, one finding.
    env.expect(&["apply", "--yes"], 0);
    env.iam(
        "TagRole",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("Tags.member.1.Key", "managed-by"),
            ("Tags.member.1.Value", "terraform"),
        ],
    );
    let v = json_of(&env.expect(&["check", "--format", "json"], 2));
    let codes: Vec<&str> = (v["configs"][0]["findings"].as_array().unwrap().iter())
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["role-ownership-lost"], "{v:#}");
}
