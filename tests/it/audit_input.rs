//! `audit --input`: a saved `get-account-authorization-details` answer audited with no
//! credentials and no network. The fixture is moto's own answer, as the CLI writes it, for the
//! account `scripts/seed_audit.py ENDPOINT roles 123456789012 15` seeds (made with
//! `seed_audit.py ENDPOINT dump`; tests/it/live_audit_input.rs checks that such an answer audits
//! like the live account). Bad input exits 1 naming the file, the place and the fix.

use crate::support;

use lambda_trust_audit::{audit_account, parse_details, AuditOptions};
use support::RunOutput;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/audit-input/moto-gaad.json"
);

/// The binary with no AWS credentials, no profile, no region and an endpoint nothing listens
/// on: any AWS call would fail.
fn run(args: &[&str]) -> RunOutput {
    support::lambda_trust_cmd("http://127.0.0.1:9")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_REGION")
        .args(args)
        .run()
}

#[test]
fn moto_answer_audits_offline() {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let iam = parse_details("moto-gaad.json", &text, None).expect("reads");
    assert_eq!(iam.account_id, "123456789012", "from the role ARNs");
    assert_eq!(iam.roles.len(), 15);
    let opts = AuditOptions {
        partners: vec!["765628985471".into()],
        region: Some("us-east-1".into()),
        ..AuditOptions::default()
    };
    insta::assert_json_snapshot!("audit_input_moto", audit_account(&iam, &opts, 0));

    let genesys = ["audit", "--input", FIXTURE, "--partner", "genesys-cloud"];
    let with = |more: &[&'static str]| [&genesys[..], more].concat();
    let r = run(&with(&["--region", "us-east-1", "--format", "sarif"]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    let sarif: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    let r = run(&genesys);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stdout.contains("audit-no-external-id"), "{}", r.stdout);
    let r = run(&with(&["--format", "html"]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stdout.starts_with("<!DOCTYPE html>"),
        "{}",
        &r.stdout[..100]
    );
}

fn refused(name: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let r = run(&["audit", "--input", path.to_str().unwrap()]);
    assert_eq!(r.code, Some(1), "{name}: {}", r.stdout);
    assert!(
        r.stdout.is_empty(),
        "{name}: nothing on stdout: {}",
        r.stdout
    );
    r.stderr.replace(&dir.path().display().to_string(), "DIR")
}

#[test]
fn bad_input_names_the_file_the_place_and_the_fix() {
    let e = refused(
        "broken.json",
        "{\n  \"RoleDetailList\": [\n    {\"RoleName\": \"a\",}\n",
    );
    assert!(e.contains("DIR/broken.json:3:"), "{e}");
    assert!(e.contains("not valid JSON"), "{e}");
    let e = refused(
        "shape.json",
        r#"{"RoleDetailList": [{"RoleName": "a", "Arn": "arn:aws:iam::111122223333:role/a", "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": 7}]}]}"#,
    );
    assert!(
        e.contains("DIR/shape.json at RoleDetailList[0].RolePolicyList[0].PolicyDocument"),
        "{e}"
    );
    let e = refused(
        "plan.json",
        r#"{"format_version": "1.2", "planned_values": {}}"#,
    );
    assert!(
        e.contains("not the output of get-account-authorization-details"),
        "{e}"
    );
    assert!(
        e.contains("hint: give the output of `aws iam get-account-authorization-details`"),
        "{e}"
    );
    let e = refused(
        "page.json",
        r#"{"RoleDetailList": [], "IsTruncated": true, "Marker": "x"}"#,
    );
    assert!(e.contains("one page of several"), "{e}");
    let two = r#"{"RoleDetailList": [
        {"RoleName": "a", "Arn": "arn:aws:iam::111122223333:role/a"},
        {"RoleName": "b", "Arn": "arn:aws:iam::444455556666:role/b"}]}"#;
    let e = refused("two.json", two);
    assert!(
        e.contains("several accounts: 111122223333, 444455556666"),
        "{e}"
    );
    assert!(e.contains("--account-id"), "{e}");
    let e = run(&["audit", "--input", "/nonexistent/gaad.json"]);
    assert_eq!(e.code, Some(1));
    assert!(
        e.stderr
            .contains("cannot read --input /nonexistent/gaad.json"),
        "{}",
        e.stderr
    );
}

/// `audit --input` of a role with an AWS managed policy the file does not hold (here
/// `AWSLambda_FullAccess`): its invokable set is "unknown", naming the policy, never `0`; a
/// role granting `function:*` shows "all functions", never `1`. The JSON says the same in
/// `invokable_scope`.
#[test]
fn an_unread_policy_or_a_wildcard_is_no_count() {
    let mut gaad: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(FIXTURE).unwrap()).unwrap();
    let full = "arn:aws:iam::aws:policy/AWSLambda_FullAccess";
    let roles = gaad["RoleDetailList"].as_array_mut().unwrap();
    let role = (roles.iter_mut())
        .find(|r| r["RoleName"] == "audit-no-external-id")
        .unwrap();
    role["RolePolicyList"] = serde_json::json!([]);
    role["AttachedManagedPolicies"] =
        serde_json::json!([{"PolicyName": "AWSLambda_FullAccess", "PolicyArn": full}]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gaad.json");
    std::fs::write(&file, gaad.to_string()).unwrap();
    let file = file.to_str().unwrap();
    let args = [
        "audit",
        "--input",
        file,
        "--partner",
        "genesys-cloud",
        "--region",
        "us-east-1",
    ];
    let r = run(&args);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    let line = |role: &str| {
        (r.stdout.lines())
            .find(|l| l.contains(&format!(" {role} ")))
            .unwrap_or_else(|| panic!("no row for {role}: {}", r.stdout))
            .to_owned()
    };
    assert!(
        line("audit-no-external-id").contains("unknown (policy not read: AWSLambda_FullAccess)"),
        "{}",
        r.stdout
    );
    assert!(
        line("audit-all-functions")
            .contains("all functions (arn:aws:lambda:us-east-1:123456789012:function:*)"),
        "{}",
        r.stdout
    );
    let r = run(&[&args[..], &["--format", "json"]].concat());
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let scope = |role: &str| {
        let roles = report["roles"].as_array().unwrap();
        let r = roles.iter().find(|r| r["role"] == role).unwrap();
        r["invokable_scope"].clone()
    };
    assert_eq!(
        scope("audit-no-external-id"),
        serde_json::json!({"kind": "unknown", "not_read": [full]})
    );
    assert_eq!(
        scope("audit-all-functions"),
        serde_json::json!({"kind": "all", "not_read": []})
    );
    assert_eq!(scope("GenesysLambdaInvoker")["kind"], "listed");
}
