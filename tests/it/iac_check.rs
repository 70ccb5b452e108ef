//! `check --template`: a CloudFormation template checked against `lambda-trust.toml` with no
//! AWS call (no credentials, an endpoint nothing listens on): in sync (exit 0), drifted or
//! unproved (exit 2, findings at the template's line in SARIF and GitHub annotations), and
//! refused (exit 1) without the account.

use crate::support;

use support::RunOutput;

const TEMPLATE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/iac/check-genesys.yaml"
);
const OTHER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/iac/genesys-role.yaml"
);

/// The config the template is checked against: in sync in us-east-1.
const CONFIG: &str = include_str!("../fixtures/iac/check-genesys.toml");

/// `check --config CONFIG ARGS` with no AWS credentials, no region and an endpoint nothing
/// listens on: any AWS call would fail.
fn check(config: &str, args: &[&str]) -> RunOutput {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lambda-trust.toml");
    std::fs::write(&path, config).unwrap();
    support::lambda_trust_cmd("http://127.0.0.1:9")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_REGION")
        .args(["check", "--config", path.to_str().unwrap()])
        .args(args)
        .run()
}

/// The fixture with `from` replaced by nothing, in a temporary file.
fn without(from: &str) -> (tempfile::TempDir, String) {
    let template = std::fs::read_to_string(TEMPLATE).unwrap().replace(from, "");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.yaml");
    std::fs::write(&path, template).unwrap();
    let path = path.to_str().unwrap().to_owned();
    (dir, path)
}

#[test]
fn a_template_that_defines_the_configured_role_is_in_sync() {
    let r = check(CONFIG, &["--template", TEMPLATE]);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("in sync and verified"), "{}", r.stdout);
    assert!(
        r.stdout.contains("not compared"),
        "says what is not compared"
    );
    let r = check(CONFIG, &["--template", TEMPLATE, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(json["in_sync"], true);
    assert_eq!(json["configs"][0]["config"], TEMPLATE);
}

#[test]
fn another_external_id_is_a_security_finding_at_the_role_line() {
    let args = ["--template", TEMPLATE, "--parameter", "GenesysOrgId=other"];
    let r = check(CONFIG, &[&args[..], &["--format", "github"]].concat());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    let first = r.stdout.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("::error file={TEMPLATE},line=11,")),
        "{first}"
    );
    assert!(first.contains("sts:ExternalId=\"other\""), "{first}");
    let r = check(CONFIG, &[&args[..], &["--format", "sarif"]].concat());
    assert_eq!(r.code, Some(2));
    let sarif: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    // A security drift finding: the trust policy admits more (its code is the rule).
    assert_eq!(result["ruleId"], "lambda-trust/check/trust-broader");
    assert_eq!(result["level"], "error");
    let at = &result["locations"][0]["physicalLocation"];
    assert_eq!(at["artifactLocation"]["uri"], TEMPLATE);
    assert_eq!(at["region"]["startLine"], 11);
}

#[test]
fn an_inline_policy_and_a_missing_shard_are_findings() {
    let r = check(CONFIG, &["--template", OTHER, "--format", "json"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let messages: Vec<&str> = json["configs"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    let has = |s: &str| messages.iter().any(|m| m.contains(s));
    assert!(
        has("inline policy invoke is on the role but not in the config"),
        "{messages:?}"
    );
    assert!(has("the invoke policy does not exist"), "{messages:?}");
    assert!(
        !has("managed-by"),
        "ownership tags are not compared: {messages:?}"
    );
}

#[test]
fn an_unknown_external_id_is_never_in_sync() {
    let (_dir, path) = without("    Default: 9b8d6a35-3c6f-4e0e-9c4d-2f7f5d1c0a11\n");
    let r = check(CONFIG, &["--template", &path, "--format", "json"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("not proved: the role's trust policy depends on values unknown before deployment: Ref GenesysOrgId"),
        "{}",
        r.stdout
    );
}

#[test]
fn settings_are_compared_and_an_unknown_one_is_a_finding() {
    let r = check(
        CONFIG,
        &[
            "--template",
            TEMPLATE,
            "--parameter",
            "MaxSession=7200",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stdout.contains("max session duration"), "{}", r.stdout);
    let (_dir, path) = without("    Default: 3600\n");
    let r = check(CONFIG, &["--template", &path, "--format", "json"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("maximum session duration is unknown before deployment"),
        "{}",
        r.stdout
    );
}

#[test]
fn without_the_account_it_is_refused() {
    let config = CONFIG.replace("account_id = \"123456789012\"\n", "");
    let r = check(&config, &["--template", TEMPLATE]);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("--account-id"), "{}", r.stderr);
    let r = check(
        &config,
        &["--template", TEMPLATE, "--account-id", "123456789012"],
    );
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
}

const PLAN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/terraform/module-tree/plan.json"
);

/// The config of the role in the Terraform fixture's child module (`module.cx`).
const PLAN_CONFIG: &str = r#"[trust]
partner = "genesys-cloud"
external_id = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10"

[role]
name = "genesys-invoke"
description = ""
tags = { team = "cx" }

[aws]
region = "eu-west-1"
account_id = "111122223333"

[[targets]]
function = "lookup-customer"
"#;

/// `check --plan`: the same comparison over a Terraform plan, with findings at the role's
/// `resource` block in its module's `.tf` file. The fixture's policy has a generated name
/// (`name_prefix`), not the config's, and its statements carry no `Sid`: drift, told as such.
#[test]
fn a_plan_is_checked_with_findings_at_the_tf_line() {
    let r = check(PLAN_CONFIG, &["--plan", PLAN, "--format", "github"]);
    assert_eq!(r.code, Some(2), "{}\n{}", r.stdout, r.stderr);
    let at = "/tests/fixtures/terraform/module-tree/modules/cx/main.tf,line=21,";
    assert!(r.stdout.contains(at), "{}", r.stdout);
    assert!(
        r.stdout.contains("the invoke policy does not exist"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout
            .contains("the document differs at $.Statement[0].Condition"),
        "the external ID matches: {}",
        r.stdout
    );

    let other = PLAN_CONFIG.replace("0f8c7a52-8b1e", "11111111-8b1e");
    let r = check(&other, &["--plan", PLAN, "--format", "json"]);
    assert_eq!(r.code, Some(2), "{}\n{}", r.stdout, r.stderr);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let findings = json["configs"][0]["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(|f| f["severity"] == "security"
            && f["message"].as_str().unwrap().contains("sts:ExternalId")),
        "{findings:#?}"
    );
}
