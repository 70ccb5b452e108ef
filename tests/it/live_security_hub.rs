//! `audit --to-security-hub` against moto, whose Security Hub the test support makes answer as
//! AWS does (tests/it/support/moto_aws.py, "Security Hub": limits, filters, the customer's
//! Workflow kept, several accounts, injected FailedFindings). The writes are counted at the
//! proxy: a fixed role is resolved by the next run, an unchanged run writes nothing, 250
//! findings take three calls, a refused finding is sent again and one refused for good exits 1
//! naming it; each account's role is assumed once (the audit's session is the import's), and
//! not at all for the caller's own account.

use crate::support;

use serde_json::Value;
use support::live::*;

const IMPORT: &str = "securityhub:BatchImportFindings";
const READ: &str = "securityhub:GetFindings";
const AUDIT: &[&str] = &[
    "audit",
    "--partner",
    "genesys-cloud",
    "--to-security-hub",
    "--format",
    "json",
];

/// Runs scripts/seed_audit.py with `args`; its stdout's lines (an organization's account IDs).
fn seed(env: &Env, args: &[&str]) -> Vec<String> {
    support::seed_audit(&env.moto.url(), args)
}

/// Runs `code` with the venv's Python, `sys.argv[1]` the moto URL, then `args`; its stdout.
pub(crate) fn python(env: &Env, code: &str, args: &[&str]) -> String {
    let prelude = r#"
import boto3, json, sys
def client(service, account=None):
    c = boto3.client(service, endpoint_url=sys.argv[1], region_name="us-east-1",
                     aws_access_key_id="testing", aws_secret_access_key="testing")
    if account:
        c.meta.events.register("before-sign.*.*",
            lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
    return c
"#;
    let (url, code) = (env.moto.url(), format!("{prelude}{code}"));
    let out = support::moto_forks::python(&[&["-c", code.as_str(), url.as_str()], args].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn enable_hub(env: &Env, account: &str) {
    python(
        env,
        "client('securityhub', sys.argv[2]).enable_security_hub()",
        &[account],
    );
}

/// `n` partner roles `{prefix}-{i}` trusting Genesys Cloud without an external ID, tagged with
/// `tags` (a JSON object): two findings each, `no-external-id` and `unmanaged`.
pub(crate) fn open_roles(env: &Env, prefix: &str, n: usize, tags: &str) {
    let code = r#"
iam = client("iam")
prefix, n, tags = sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::765628985471:root"}, "Action": "sts:AssumeRole"}]})
invoke = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Action": "lambda:InvokeFunction",
    "Resource": "arn:aws:lambda:us-east-1:123456789012:function:lookup"}]})
for i in range(n):
    name = f"{prefix}-{i}"
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust,
                    Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
    iam.put_role_policy(RoleName=name, PolicyName="invoke", PolicyDocument=invoke)
"#;
    python(env, code, &[prefix, &n.to_string(), tags]);
}

/// Gives `role` the one external ID: its `no-external-id` finding stops firing.
fn fix_role(env: &Env, role: &str) {
    let code = r#"
client("iam").update_assume_role_policy(RoleName=sys.argv[2], PolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::765628985471:root"}, "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"sts:ExternalId": sys.argv[3]}}}]}))
"#;
    python(env, code, &[role, EXT]);
}

/// Every finding the account's Security Hub holds, straight from moto (no filter).
pub(crate) fn hub_findings(env: &Env, account: &str) -> Vec<Value> {
    let code = r#"
hub = client("securityhub", sys.argv[2])
found, token = [], None
while True:
    page = hub.get_findings(**({"NextToken": token} if token else {}))
    found += page["Findings"]
    token = page.get("NextToken")
    if not token:
        break
print(json.dumps(found))
"#;
    serde_json::from_str(&python(env, code, &[account])).expect("findings JSON")
}

fn of_role_code<'a>(findings: &'a [Value], role: &str, code: &str) -> &'a Value {
    let id = format!("lambda-trust/{ACCOUNT}/arn:aws:iam::{ACCOUNT}:role/{role}/{code}");
    (findings.iter())
        .find(|f| f["Id"] == id.as_str())
        .unwrap_or_else(|| panic!("no {code} finding of {role}: {findings:#?}"))
}

#[test]
fn a_fixed_role_is_resolved_and_an_unchanged_run_writes_nothing() {
    let env = Env::new();
    enable_hub(&env, ACCOUNT);
    open_roles(&env, "open", 2, "{}");

    let asff = env.dir.path().join("findings.asff.json");
    let mut first = AUDIT.to_vec();
    first.extend(["--asff", asff.to_str().unwrap()]);
    env.proxy.clear();
    let r = env.run_raw(&first);
    assert_eq!(r.code, 2, "security findings: {}", r.stderr);
    assert_eq!((env.proxy.count(READ), env.proxy.count(IMPORT)), (1, 1));
    // The caller's own account: written with the run's credentials, no role assumed.
    assert_eq!(
        env.proxy.count("AssumeRole"),
        0,
        "{:?}",
        env.proxy.summary()
    );
    // What is imported is the ASFF file's findings (checked against botocore's model in
    // audit_findings), field for field, with the digest added.
    let file: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&asff).unwrap()).unwrap();
    let body: Value = serde_json::from_str(&env.proxy.calls_to(IMPORT)[0].body).unwrap();
    let sent = body["Findings"].as_array().unwrap();
    assert_eq!(sent.len(), file.len());
    // The file's times are its own run of the clock, a millisecond apart.
    let untimed = |f: &Value| {
        let mut f = f.clone();
        let obj = f.as_object_mut().unwrap();
        assert!(obj.remove("CreatedAt").is_some() && obj.remove("UpdatedAt").is_some());
        f
    };
    for f in &file {
        let mut s = untimed(sent.iter().find(|s| s["Id"] == f["Id"]).unwrap());
        let fields = s["ProductFields"].as_object_mut().unwrap();
        let digest = fields.remove("lambda-trust/Digest");
        assert_eq!(digest.unwrap().as_str().unwrap().len(), 64);
        assert_eq!(s, untimed(f), "sent as written");
    }
    assert!(r.stderr.contains("4 imported, 0 resolved"), "{}", r.stderr);
    let held = hub_findings(&env, ACCOUNT);
    assert_eq!(held.len(), 4, "{held:#?}");
    for f in &held {
        assert_eq!(
            (f["RecordState"].as_str(), f["Workflow"]["Status"].as_str()),
            (Some("ACTIVE"), Some("NEW"))
        );
        assert!(f["GeneratorId"]
            .as_str()
            .unwrap()
            .starts_with("lambda-trust/audit/"));
    }

    fix_role(&env, "open-0");
    env.proxy.clear();
    let r = env.run_raw(AUDIT);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(env.proxy.count(IMPORT), 1, "one call");
    // open-0's `unmanaged` finding now names the external ID: changed, so imported again.
    assert!(
        r.stderr
            .contains("1 imported, 1 resolved, 0 refreshed, 2 unchanged"),
        "{}",
        r.stderr
    );
    let held = hub_findings(&env, ACCOUNT);
    assert_eq!(held.len(), 4, "resolved, not deleted: {held:#?}");
    let fixed = of_role_code(&held, "open-0", "no-external-id");
    assert_eq!(fixed["RecordState"], "ARCHIVED");
    let untouched = of_role_code(&held, "open-1", "no-external-id");
    assert!(fixed["UpdatedAt"].as_str() > untouched["UpdatedAt"].as_str());
    assert_eq!(untouched["RecordState"], "ACTIVE");
    assert_eq!(
        of_role_code(&held, "open-0", "unmanaged")["RecordState"],
        "ACTIVE"
    );

    env.proxy.clear();
    let r = env.run_raw(AUDIT);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        env.proxy.count(IMPORT),
        0,
        "nothing changed: {:?}",
        env.proxy.operations()
    );
    assert_eq!(env.proxy.count(READ), 1);
    assert!(
        r.stderr
            .contains("0 imported, 0 resolved, 0 refreshed, 3 unchanged"),
        "{}",
        r.stderr
    );
}

#[test]
fn two_hundred_fifty_findings_go_in_three_calls() {
    let env = Env::new();
    enable_hub(&env, ACCOUNT);
    open_roles(&env, "many", 125, "{}");
    let asff = env.dir.path().join("findings.asff.json");
    let mut args = AUDIT.to_vec();
    args.extend(["--asff", asff.to_str().unwrap()]);
    env.proxy.clear();
    let r = env.run_raw(&args);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let written: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&asff).unwrap()).unwrap();
    assert_eq!(written.len(), 250, "two findings per role");
    let calls = env.proxy.calls_to(IMPORT);
    let sizes: Vec<usize> = (calls.iter())
        .map(|c| {
            serde_json::from_str::<Value>(&c.body).unwrap()["Findings"]
                .as_array()
                .unwrap()
                .len()
        })
        .collect();
    assert_eq!(sizes, [100, 100, 50]);
    assert_eq!(hub_findings(&env, ACCOUNT).len(), 250);
}

#[test]
fn a_finding_refused_once_is_sent_again() {
    let env = Env::new();
    enable_hub(&env, ACCOUNT);
    open_roles(&env, "steady", 1, "{}");
    open_roles(
        &env,
        "flaky",
        1,
        r#"{"lambda-trust-test:import-fails": "1"}"#,
    );
    env.proxy.clear();
    let r = env.run_raw(AUDIT);
    assert_eq!(r.code, 2, "taken on the second call: {}", r.stderr);
    let calls = env.proxy.calls_to(IMPORT);
    assert_eq!(calls.len(), 2);
    let second: Value = serde_json::from_str(&calls[1].body).unwrap();
    let again = second["Findings"].as_array().unwrap();
    assert_eq!(
        again.len(),
        2,
        "only the refused ones, the flaky role's two"
    );
    assert!(again
        .iter()
        .all(|f| f["Id"].as_str().unwrap().contains("role/flaky-0/")));
    assert_eq!(hub_findings(&env, ACCOUNT).len(), 4);
}

#[test]
fn a_finding_refused_for_good_exits_1_naming_it_and_the_reason() {
    let env = Env::new();
    enable_hub(&env, ACCOUNT);
    open_roles(&env, "steady", 1, "{}");
    open_roles(
        &env,
        "broken",
        1,
        r#"{"lambda-trust-test:import-fails": "99"}"#,
    );
    env.proxy.clear();
    let r = env.run_raw(AUDIT);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        env.proxy.count(IMPORT),
        3,
        "bounded: three calls for the refused finding"
    );
    let id = format!("lambda-trust/{ACCOUNT}/arn:aws:iam::{ACCOUNT}:role/broken-0/no-external-id");
    assert!(
        r.stderr
            .contains(&format!("{id}: InternalFailure: Internal service error")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("Security Hub did not take 2 finding"),
        "{}",
        r.stderr
    );
    let held = hub_findings(&env, ACCOUNT);
    assert_eq!(held.len(), 2, "the other role's are in: {held:#?}");
    of_role_code(&held, "steady-0", "no-external-id");
}

#[test]
fn security_hub_not_enabled_is_an_error_saying_to_enable_it() {
    let env = Env::new();
    open_roles(&env, "open", 1, "{}");
    let r = env.run_raw(AUDIT);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("InvalidAccessException"), "{}", r.stderr);
    assert!(r.stderr.contains("enable-security-hub"), "{}", r.stderr);
}

#[test]
fn an_organization_s_findings_go_to_each_audited_account_through_the_audit_role() {
    let env = Env::new();
    let ids = seed(&env, &["org", "3", "12"]);
    assert_eq!(ids.len(), 3);
    ids.iter().for_each(|id| enable_hub(&env, id));
    let asff = env.dir.path().join("org.asff.json");
    let mut args = AUDIT.to_vec();
    args.extend(["--organization", "--assume-role", "lambda-trust-audit"]);
    args.extend(["--asff", asff.to_str().unwrap()]);
    env.proxy.clear();
    let r = env.run_raw(&args);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let written: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&asff).unwrap()).unwrap();
    for id in &ids {
        let mine = written
            .iter()
            .filter(|f| f["AwsAccountId"] == id.as_str())
            .count();
        let held = hub_findings(&env, id);
        assert!(mine > 0, "{id} has findings");
        assert_eq!(
            held.len(),
            mine,
            "{id}: its own findings, in its own Security Hub"
        );
        assert!(held.iter().all(|f| f["AwsAccountId"] == id.as_str()));
    }
    assert_eq!(env.proxy.count(IMPORT), 3, "one call per account");
    assert_eq!(env.proxy.count(READ), 3);
    // One session per account: the import reuses the one the audit assumed; the caller's
    // own account is read and written with its own credentials.
    assert_eq!(
        env.proxy.count("AssumeRole"),
        2,
        "one per member account: {:?}",
        env.proxy.summary()
    );

    env.proxy.clear();
    let r = env.run_raw(&args);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        env.proxy.count(IMPORT),
        0,
        "unchanged: {:?}",
        env.proxy.summary()
    );
    assert_eq!(
        env.proxy.count("AssumeRole"),
        2,
        "again one per member account"
    );
}

/// The audit through AWS Config assumes no role; the import enters each account with
/// `--assume-role` once, and each account's findings go to its own Security Hub.
#[test]
fn an_aggregator_s_findings_go_to_each_account_through_one_assumed_role_each() {
    let env = Env::new();
    let ids = seed(&env, &["org", "3", "12"]);
    seed(&env, &["aggregator", "org-iam"]);
    ids.iter().for_each(|id| enable_hub(&env, id));
    let asff = env.dir.path().join("aggregator.asff.json");
    let mut args = AUDIT.to_vec();
    args.extend(["--config-aggregator", "org-iam"]);
    args.extend(["--assume-role", "lambda-trust-audit"]);
    args.extend(["--asff", asff.to_str().unwrap()]);
    env.proxy.clear();
    let r = env.run_raw(&args);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let written: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&asff).unwrap()).unwrap();
    for id in &ids {
        let mine = (written.iter())
            .filter(|f| f["AwsAccountId"] == id.as_str())
            .count();
        assert!(mine > 0, "{id} has findings");
        let held = hub_findings(&env, id);
        assert_eq!(held.len(), mine, "{id}: its own findings, in its own hub");
    }
    // The caller's own account is imported with its own credentials: no role assumed there.
    let per_account = (ids.len() - 1, ids.len(), ids.len());
    let counted = |op: &str| env.proxy.count(op);
    assert_eq!(
        (counted("AssumeRole"), counted(READ), counted(IMPORT)),
        per_account,
        "one session per member account, one read and one import per account: {:?}",
        env.proxy.summary()
    );
}

#[test]
fn an_unchanged_finding_close_to_deletion_is_refreshed() {
    let env = Env::new();
    enable_hub(&env, ACCOUNT);
    open_roles(&env, "old", 1, "{}");
    let r = env.run_raw(AUDIT);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // One finding last updated 61 days ago, as held (its digest unchanged).
    let id = format!("lambda-trust/{ACCOUNT}/arn:aws:iam::{ACCOUNT}:role/old-0/no-external-id");
    let code = r#"
from datetime import datetime, timedelta, timezone
hub = client("securityhub")
f = [x for x in hub.get_findings()["Findings"] if x["Id"] == sys.argv[2]][0]
f["UpdatedAt"] = (datetime.now(timezone.utc) - timedelta(days=61)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
assert hub.batch_import_findings(Findings=[f])["FailedCount"] == 0
"#;
    python(&env, code, &[&id]);
    env.proxy.clear();
    let r = env.run_raw(AUDIT);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("0 imported, 0 resolved, 1 refreshed, 1 unchanged"),
        "{}",
        r.stderr
    );
    let calls = env.proxy.calls_to(IMPORT);
    let body: Value = serde_json::from_str(&calls[0].body).unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(body["Findings"].as_array().unwrap().len(), 1);
    assert_eq!(body["Findings"][0]["Id"], id.as_str());
    let held = hub_findings(&env, ACCOUNT);
    let refreshed = of_role_code(&held, "old-0", "no-external-id");
    let updated = refreshed["UpdatedAt"].as_str().unwrap();
    let updated = chrono::DateTime::parse_from_rfc3339(updated).unwrap();
    assert!(
        chrono::Utc::now() - updated.to_utc() < chrono::Duration::hours(1),
        "{updated}"
    );
    assert_eq!(refreshed["RecordState"], "ACTIVE");
}
