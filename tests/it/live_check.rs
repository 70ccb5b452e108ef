//! `lambda-trust check`: the read-only drift check for CI, against a real moto server.

use crate::support;

use serde_json::{json, Value};
use support::live::*;

fn findings(v: &Value) -> Vec<Value> {
    check_findings(v)
}

#[test]
fn in_sync_is_exit_0_and_never_writes() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    let (r, writes) = env.writes_of(&["check", "--format", "json"], 0);
    assert_eq!(writes, 0);
    let v = json_of(&r);
    assert_eq!(v["schema_version"], json!(1));
    assert_eq!(v["in_sync"], json!(true));
    assert_eq!(v["configs"][0]["status"], json!("ok"));
}

#[test]
fn nothing_applied_yet_is_config_drift() {
    let env = setup(&["lookup-customer"]);
    let r = env.expect(&["check", "--format", "json"], 2);
    let f = findings(&json_of(&r));
    assert!(f
        .iter()
        .any(|f| f["message"] == json!("the role does not exist")));
    assert!(
        f.iter()
            .all(|f| f["severity"] == json!("config") || f["kind"] == json!("verify")),
        "{f:#?}"
    );
}

#[test]
fn external_id_change_is_security_drift_with_path_and_values() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
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
    let (r, writes) = env.writes_of(&["check", "--format", "json"], 2);
    assert_eq!(writes, 0);
    let f = findings(&json_of(&r));
    let drift = f
        .iter()
        .find(|f| f["kind"] == json!("drift"))
        .unwrap_or_else(|| panic!("{f:#?}"));
    assert_eq!(drift["severity"], json!("security"));
    // One finding for the document: the whole documents, and where they differ, keys as
    // AWS writes them.
    let change = drift["changes"]
        .as_array()
        .and_then(|c| {
            c.iter()
                .find(|c| c["path"].as_str().unwrap().contains("ExternalId"))
        })
        .unwrap_or_else(|| panic!("{drift:#}"));
    assert_eq!(change["expected"], json!(EXT), "{drift:#}");
    assert_eq!(change["actual"], json!("attacker-org"), "{drift:#}");
    let live = &drift["actual"]["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"];
    assert_eq!(live, &json!("attacker-org"), "{drift:#}");
    let ours = f.iter().filter(|f| f["kind"] == json!("drift")).count();
    assert_eq!(ours, 1, "one finding per changed resource: {f:#?}");
}

#[test]
fn description_change_is_config_drift() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    env.iam(
        "UpdateRole",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("Description", "changed by hand"),
        ],
    );
    let r = env.expect(&["check", "--format", "json"], 2);
    let f = findings(&json_of(&r));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["severity"], json!("config"));
    assert_eq!(f[0]["actual"], json!("changed by hand"));
}

#[test]
fn extra_policy_is_security_in_every_format() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    let doc = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]});
    env.iam(
        "PutRolePolicy",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("PolicyName", "sneaky"),
            ("PolicyDocument", &doc.to_string()),
        ],
    );
    let human = env.expect(&["check"], 2);
    assert!(
        human.stdout.contains("security") && human.stdout.contains("inline policy sneaky"),
        "{}",
        human.stdout
    );

    let sarif = env.expect(&["check", "--format", "sarif"], 2);
    let s: Value = serde_json::from_str(&sarif.stdout).unwrap();
    assert_eq!(s["version"], json!("2.1.0"));
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"]
        == json!("lambda-trust/check/foreign-inline-policy")
        && r["level"] == json!("error")));
    // Located at the [role] table of the config file.
    let line = results[0]["locations"][0]["physicalLocation"]["region"]["startLine"]
        .as_u64()
        .unwrap();
    assert!(line >= 1);

    let gh = env.expect(&["check", "--format", "github"], 2);
    let line = gh
        .stdout
        .lines()
        .find(|l| l.contains("inline policy sneaky"))
        .unwrap_or_else(|| panic!("{}", gh.stdout));
    assert!(line.starts_with("::error file="), "{line}");
    // [role] is on line 5 of the test config.
    assert!(line.contains(",line=5,"), "{line}");
}

#[test]
fn several_configs_are_checked_together_with_the_worst_exit_code() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    let other = env.dir.path().join("other.toml");
    // A second role that was never applied: drift.
    std::fs::write(
        &other,
        config(&["lookup-customer"], "").replace("GenesysLambdaInvoker", "SecondRole"),
    )
    .unwrap();
    let r = env.run_raw(&[
        "check",
        "--format",
        "json",
        "--config",
        env.config_path().to_str().unwrap(),
        "--config",
        other.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let v = json_of(&r);
    let statuses: Vec<&str> = v["configs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["ok", "drift"]);

    // A broken config is an error (exit 1), never confused with drift.
    let bad = env.dir.path().join("zz-bad.toml");
    std::fs::write(&bad, "[trust]\nnope = 1\n").unwrap();
    let dir = env.dir.path().to_str().unwrap().to_string();
    let r = env.run_raw(&["check", "--format", "json", "--config", &dir]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = json_of(&r);
    assert_eq!(v["configs"].as_array().unwrap().len(), 3);
    assert_eq!(v["configs"][2]["status"], json!("error"));

    let pattern = format!("{dir}/*.toml");
    let r = env.run_raw(&["check", "--format", "json", "--config", &pattern]);
    assert_eq!(json_of(&r)["configs"].as_array().unwrap().len(), 3);
}

/// Stripping the ownership tag must not hide the drift that came with it: `check` still reads,
/// proves and reports everything (the lost tag is itself a security finding) and exits 2;
/// `verify` fails (3); only `plan` refuses to write to a role it no longer owns (1).
#[test]
fn lost_ownership_never_hides_a_removed_external_id() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    env.iam(
        "UntagRole",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("TagKeys.member.1", "managed-by"),
        ],
    );
    let open_trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::765628985471:root"},"Action":"sts:AssumeRole"}]}"#;
    env.iam(
        "UpdateAssumeRolePolicy",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("PolicyDocument", open_trust),
        ],
    );
    let (r, writes) = env.writes_of(&["check", "--format", "json"], 2);
    assert_eq!(writes, 0);
    let v = json_of(&r);
    assert_eq!(v["configs"][0]["status"], json!("drift"), "{v:#}");
    let f = findings(&v);
    let security = |needle: &str| {
        f.iter().any(|f| {
            f["severity"] == json!("security") && f["message"].as_str().unwrap().contains(needle)
        })
    };
    assert!(security("ownership lost"), "{f:#?}");
    assert!(
        f.iter().any(|f| f["severity"] == json!("security")
            && f["kind"] == json!("drift")
            && f["resource"].as_str().unwrap().contains("trust policy")),
        "the removed ExternalId condition is reported: {f:#?}"
    );
    assert!(security("without an external ID"), "{f:#?}");
    let r = env.expect(&["verify", "--format", "json"], 3);
    let checks = json_of(&r)["checks"].clone();
    assert!(
        checks.as_array().unwrap().iter().any(|c| {
            c["passed"] == json!(false) && c["name"].as_str().unwrap().starts_with("ownership")
        }),
        "{checks:#}"
    );
    let r = env.expect(&["plan"], 1);
    assert!(r.stderr.contains("--adopt"), "{}", r.stderr);
}

/// A detached invoke policy means Genesys can invoke nothing: an outage (config), not a
/// security finding — access is narrower, not broader.
#[test]
fn detached_invoke_policy_is_an_outage_not_a_security_finding() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    env.iam(
        "DetachRolePolicy",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("PolicyArn", &policy_arn()),
        ],
    );
    let r = env.expect(&["check", "--format", "json"], 2);
    let f = findings(&json_of(&r));
    assert!(!f.is_empty());
    assert!(f.iter().all(|f| f["severity"] == json!("config")), "{f:#?}");
    assert!(
        f.iter().any(|f| f["message"]
            .as_str()
            .unwrap()
            .contains("every target is invokable")),
        "{f:#?}"
    );
}

/// A non-default version of our invoke policy that grants more is latent access (anyone with
/// iam:SetDefaultPolicyVersion can switch it on): check and verify report it, apply deletes it.
#[test]
fn latent_broad_policy_version_is_reported_and_deleted() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    let broad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"}]}"#;
    env.iam(
        "CreatePolicyVersion",
        &[
            ("PolicyArn", &policy_arn()),
            ("PolicyDocument", broad),
            ("SetAsDefault", "false"),
        ],
    );
    let (r, writes) = env.writes_of(&["check", "--format", "json"], 2);
    assert_eq!(writes, 0);
    let f = findings(&json_of(&r));
    let latent = f
        .iter()
        .find(|f| f["message"].as_str().unwrap().starts_with("latent access"))
        .unwrap_or_else(|| panic!("{f:#?}"));
    assert_eq!(latent["severity"], json!("security"));
    env.expect(&["verify"], 3);
    let (_, writes) = env.writes_of(&["apply", "--yes"], 0);
    assert_eq!(writes, 1, "one DeletePolicyVersion");
    env.expect(&["check"], 0);
    let (_, writes) = env.writes_of(&["apply", "--yes"], 0);
    assert_eq!(writes, 0);
}
