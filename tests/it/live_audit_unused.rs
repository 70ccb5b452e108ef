//! Stale partner roles against moto: roles created and last used in the past through the test
//! support's backdating tags (tests/it/support/moto_aws.py, "IAM (RoleLastUsed)": moto alone
//! stamps now, or never), read by the live audit from the same GetAccountAuthorizationDetails
//! pass — no extra call.

use crate::support;

use chrono::{Duration, SecondsFormat, Utc};
use serde_json::Value;
use support::live::*;

const GAAD: &str = "iam:GetAccountAuthorizationDetails";

/// Creates a partner role `name` with our external ID, created `created_days` ago and last
/// used `used_days` ago (`None`: never), straight to moto.
fn create_role(env: &Env, name: &str, created_days: i64, used_days: Option<i64>) {
    let ago = |d: i64| (Utc::now() - Duration::days(d)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let mut tags = vec![
        serde_json::json!({"Key": "lambda-trust-test:created", "Value": ago(created_days)}),
        serde_json::json!({"Key": "managed-by", "Value": "lambda-trust"}),
    ];
    if let Some(d) = used_days {
        tags.push(serde_json::json!({"Key": "lambda-trust-test:last-used", "Value": ago(d)}));
        tags.push(
            serde_json::json!({"Key": "lambda-trust-test:last-used-region", "Value": "eu-west-1"}),
        );
    }
    let code = r#"
import boto3, json, sys
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
iam.create_role(RoleName=sys.argv[2], AssumeRolePolicyDocument=sys.argv[3], Tags=json.loads(sys.argv[4]))
iam.put_role_policy(RoleName=sys.argv[2], PolicyName="invoke", PolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction",
    "Resource": "arn:aws:lambda:us-east-1:%s:function:lookup" % sys.argv[5]}]}))
"#;
    let trust = trust_doc(EXT, "arn:aws:iam::765628985471:root");
    let tags = Value::from(tags).to_string();
    let url = env.moto.url();
    let out = support::moto_forks::python(&["-c", code, &url, name, &trust, &tags, ACCOUNT]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn roles_unused_for_120_days_or_never_used_are_reported_from_the_same_read() {
    let env = Env::new();
    create_role(&env, "used-last-week", 300, Some(7));
    create_role(&env, "unused-120-days", 300, Some(120));
    create_role(&env, "never-used", 200, None);
    create_role(&env, "new-never-used", 10, None);
    let before = env.proxy.count(GAAD);
    let r = env.run_raw(&["audit", "--partner", "genesys-cloud", "--format", "json"]);
    assert_eq!(r.code, 0, "info findings only: {}", r.stderr);
    assert_eq!(env.proxy.count(GAAD) - before, 1, "one read, no GetRole");
    let report = json_of(&r);
    let findings = |role: &str| -> Vec<Value> {
        let r = (report["roles"].as_array().unwrap().iter()).find(|r| r["role"] == role);
        let r = r.unwrap_or_else(|| panic!("{role} reported: {report}"));
        (r["findings"].as_array().unwrap().iter())
            .filter(|f| f["code"] == "unused-partner-role")
            .cloned()
            .collect()
    };
    let unused = findings("unused-120-days");
    assert_eq!(unused.len(), 1, "{report}");
    let message = unused[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("not used for 120 days (last used "),
        "{message}"
    );
    assert!(message.contains(" in eu-west-1)"), "{message}");
    assert_eq!(unused[0]["severity"], "info");
    let never = findings("never-used");
    assert!(never[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("never used since it was created on"));
    assert!(findings("used-last-week").is_empty());
    assert!(findings("new-never-used").is_empty(), "too new to tell");

    let r = env.run_raw(&[
        "audit",
        "--partner",
        "genesys-cloud",
        "--unused-days",
        "5",
        "--format",
        "json",
    ]);
    let report = json_of(&r);
    let stale = (report["roles"].as_array().unwrap().iter())
        .filter(|r| {
            r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["code"] == "unused-partner-role")
        })
        .count();
    assert_eq!(stale, 4, "every role at 5 days: {report}");
}
