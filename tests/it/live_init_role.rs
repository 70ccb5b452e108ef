//! `init --from-role` against roles on moto: a role lambda-trust made (its config lost) comes
//! back as a config `plan` finds in sync; a hand-made role comes back as a config whose
//! `plan --adopt` changes only ownership and moves its grants into lambda-trust's policy, and
//! whose proof grants the same functions after `apply --adopt` as before; a weak role is
//! written with its finding, never silently fixed; nothing is written without the ID it needs.

use crate::support;

use std::collections::BTreeSet;

use serde_json::{json, Value};
use support::live::*;

const GENESYS: &str = "765628985471";

fn arn(f: &str) -> String {
    format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{f}")
}

fn changes(plan: &Value) -> Vec<(String, String)> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap().to_string();
            (s("resource"), s("action"))
        })
        .collect()
}

/// The functions the audit proves the role may invoke.
fn invokable(env: &Env, role: &str) -> BTreeSet<String> {
    let r = env.run_raw(&["audit", "--format", "json"]);
    let report = json_of(&r);
    let role = report["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["role"] == json!(role))
        .unwrap_or_else(|| panic!("{role} not in the audit:\n{}", r.stdout));
    let list = role["invokable"].as_array().unwrap().iter();
    list.map(|v| v.as_str().unwrap().to_string()).collect()
}

fn trust(condition: Value) -> String {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{GENESYS}:root")},
        "Action": "sts:AssumeRole",
        "Condition": condition,
    }]})
    .to_string()
}

fn invoke_policy(functions: &[&str]) -> String {
    let arns: Vec<String> = functions.iter().map(|f| arn(f)).collect();
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": arns,
    }]})
    .to_string()
}

#[test]
fn a_role_lambda_trust_made_comes_back_in_sync() {
    let env = Env::new();
    for f in ["lookup-customer", "lookup-order", "score"] {
        env.moto.lambda_create_function(f, "us-east-1");
    }
    let mut text = config(
        &["lookup-customer", "lookup-order"],
        "path = \"/cx/\"\nmax_session_duration = 7200\n",
    );
    text.push_str("\n[[targets]]\nfunction = \"score\"\nqualifier = \"*\"\n");
    text.push_str("\n[policy]\nname = \"cx-data-actions\"\n");
    env.write_config(&text);
    env.expect(&["apply", "--yes"], 0);
    std::fs::remove_file(env.config_path()).unwrap();

    let (r, writes) = env.writes_of(&["init", "--from-role", "GenesysLambdaInvoker"], 0);
    assert_eq!(writes, 0, "init is read-only:\n{}", r.stderr);
    let written = std::fs::read_to_string(env.config_path()).unwrap();
    for line in [
        "partner = \"genesys-cloud\"",
        &format!("external_id = \"{EXT}\""),
        "path = \"/cx/\"",
        "max_session_duration = 7200",
        "description = \"Genesys data actions\"",
        "team = \"cx\"",
        "name = \"cx-data-actions\"",
        &format!("function = \"{}\"", arn("score")),
        "qualifier = \"*\"",
    ] {
        assert!(written.contains(line), "{line:?} missing from:\n{written}");
    }
    let (r, writes) = env.writes_of(&["plan"], 0);
    assert_eq!(writes, 0);
    assert!(r.stdout.contains("in sync"), "{}", r.stdout);
}

/// A hand-made role: a fixed external ID, invoke granted inline, and an attached policy that
/// also reads S3. The config keeps the grants as targets and shows the finding.
#[test]
fn a_hand_made_role_is_adopted_with_the_same_grants_and_its_finding_shown() {
    let env = Env::new();
    for f in ["lookup-customer", "lookup-order"] {
        env.moto.lambda_create_function(f, "us-east-1");
    }
    let condition = json!({"StringEquals": {"sts:ExternalId": EXT}});
    env.iam(
        "CreateRole",
        &[
            ("RoleName", "LegacyGenesys"),
            ("AssumeRolePolicyDocument", &trust(condition)),
        ],
    );
    let invoke = invoke_policy(&["lookup-customer", "lookup-order"]);
    env.iam(
        "PutRolePolicy",
        &[
            ("RoleName", "LegacyGenesys"),
            ("PolicyName", "invoke"),
            ("PolicyDocument", &invoke),
        ],
    );
    let s3 = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
    env.iam(
        "CreatePolicy",
        &[
            ("PolicyName", "reports"),
            ("PolicyDocument", &s3.to_string()),
        ],
    );
    let reports = format!("arn:aws:iam::{ACCOUNT}:policy/reports");
    env.iam(
        "AttachRolePolicy",
        &[("RoleName", "LegacyGenesys"), ("PolicyArn", &reports)],
    );
    let before = invokable(&env, "LegacyGenesys");
    assert_eq!(
        before,
        [arn("lookup-customer"), arn("lookup-order")].into(),
        "seeded grants"
    );

    let r = env.expect(
        &["init", "--from-role", "LegacyGenesys", "--format", "json"],
        0,
    );
    let result = json_of(&r);
    let codes: Vec<&str> = result["role"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"beyond-invoke"), "{codes:?}");
    let written = std::fs::read_to_string(env.config_path()).unwrap();
    assert!(
        written.contains("# - [security] beyond-invoke:"),
        "{written}"
    );
    assert!(written.contains(&format!("detaches the managed policy {reports}")));
    assert!(written.contains("deletes the inline policy invoke"));

    let plan = json_of(&env.expect(&["plan", "--adopt", "--format", "json"], 2));
    let role = "role LegacyGenesys";
    let ours = format!("arn:aws:iam::{ACCOUNT}:policy/LegacyGenesys-invoke");
    let mut got = changes(&plan);
    got.sort();
    // Ownership, the trust policy in lambda-trust's form (its Sid), and the grants moved.
    let mut want = vec![
        (format!("{role} tags"), "update".to_string()),
        (format!("{role} trust policy"), "update".to_string()),
        (
            "managed policy LegacyGenesys-invoke".to_string(),
            "create".to_string(),
        ),
        (format!("{role} attachment {ours}"), "create".to_string()),
        (format!("{role} attachment {reports}"), "delete".to_string()),
        (format!("{role} inline policy invoke"), "delete".to_string()),
    ];
    want.sort();
    assert_eq!(
        got,
        want,
        "{}",
        serde_json::to_string_pretty(&plan).unwrap()
    );

    let trust_change = &plan["changes"][0];
    assert_eq!(
        trust_change["resource"],
        json!("role LegacyGenesys trust policy")
    );
    let without_sid = |v: &Value| {
        let mut v = v.clone();
        v["Statement"][0].as_object_mut().unwrap().remove("Sid");
        v
    };
    assert_eq!(
        without_sid(&trust_change["after"]),
        trust_change["before"],
        "the same trust but for the statement's Sid"
    );

    env.expect(&["apply", "--yes", "--adopt"], 0);
    assert_eq!(invokable(&env, "LegacyGenesys"), before, "same grants");
    let (_, writes) = env.writes_of(&["apply", "--yes"], 0);
    assert_eq!(writes, 0, "settled");
}

/// A role that accepts any external ID: no ID to write without --external-id (exit 1,
/// nothing written); with it, the config requires it and says what the role accepts today.
#[test]
fn a_weak_role_is_written_with_its_finding_never_silently_fixed() {
    let env = Env::new();
    env.moto
        .lambda_create_function("lookup-customer", "us-east-1");
    let doc = trust(json!({}));
    env.iam(
        "CreateRole",
        &[("RoleName", "Open"), ("AssumeRolePolicyDocument", &doc)],
    );
    let invoke = invoke_policy(&["lookup-customer"]);
    env.iam(
        "PutRolePolicy",
        &[
            ("RoleName", "Open"),
            ("PolicyName", "invoke"),
            ("PolicyDocument", &invoke),
        ],
    );
    let r = env.expect(&["init", "--from-role", "Open"], 1);
    assert!(r.stderr.contains("--external-id"), "{}", r.stderr);
    assert!(!env.config_path().exists(), "nothing written on error");

    let r = env.expect(&["init", "--from-role", "Open", "--external-id", EXT], 0);
    assert!(r.stdout.contains("no-external-id"), "{}", r.stdout);
    let written = std::fs::read_to_string(env.config_path()).unwrap();
    assert!(
        written.contains("# - [security] no-external-id:"),
        "{written}"
    );
    assert!(
        written.contains("as sts:ExternalId today: lambda-trust will require"),
        "{written}"
    );
    assert!(written.contains(&arn("lookup-customer")), "{written}");
    // The trust change is a planned change, shown before anything is written.
    let plan = json_of(&env.expect(&["plan", "--adopt", "--format", "json"], 2));
    assert!(
        changes(&plan).contains(&("role Open trust policy".into(), "update".into())),
        "{}",
        serde_json::to_string_pretty(&plan).unwrap()
    );
}

#[test]
fn a_missing_role_is_an_error_naming_it() {
    let env = Env::new();
    let r = env.expect(&["init", "--from-role", "Nope"], 1);
    assert!(
        r.stderr.contains("role Nope does not exist"),
        "{}",
        r.stderr
    );
    assert!(!env.config_path().exists());
}
