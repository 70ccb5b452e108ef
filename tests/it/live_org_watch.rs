//! The organization watch's function as Lambda runs it: the binary started as `bootstrap`
//! against the local Runtime API, its deployment's variables naming the AWS organization, in
//! an organization of 20 accounts on the local AWS (the management account, members in nested
//! OUs), each holding the reader role its StackSet puts there. A hand edit of a partner role in
//! member 17, forwarded by that member's rule (its `account` kept, as EventBridge keeps it
//! across buses), is a finding in member 17's own Security Hub after one invocation, reading
//! that role alone through that member's reader; the repair resolves it; a role no partner can
//! assume costs at most three calls and publishes nothing; a function that cannot sweep is
//! never answered healthy (the sweep itself: `live_org_watch_sweep.rs`).

use crate::live_security_hub::{enable_hub, hub_findings, python};
use crate::support;

use serde_json::{json, Value};
use support::live::*;
use support::runtime_api::{cloudtrail_event, schedule_tick, Function, RuntimeApi};

/// Ours: the Genesys Cloud organization the function is told of.
pub(crate) const OURS: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
/// Another Genesys Cloud organization's ID.
pub(crate) const THEIRS: &str = "5d1c9b7e-3a2f-4e8d-b6c0-9f8e7d6c5b4a";
const READER: &str = "lambda-trust-org-watch-read";
pub(crate) const ROLE: &str = "vendor-lambda";

/// An organization of `n` accounts: the management account (the test's own) and `n - 1`
/// members, alternately in `Workloads` and its child `Workloads/Prod`, each with the reader
/// role. Returns the organization's ID and the members.
pub(crate) fn organization(env: &Env, n: usize) -> (String, Vec<String>) {
    let code = r#"
org = client("organizations")
org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
root = org.list_roots()["Roots"][0]["Id"]
workloads = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
prod = org.create_organizational_unit(ParentId=workloads, Name="Prod")["OrganizationalUnit"]["Id"]
trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole",
    "Condition": {"ArnEquals": {"aws:PrincipalArn":
        "arn:aws:iam::123456789012:role/lambda-trust-org-watch"}}}]})
members = []
for i in range(int(sys.argv[2]) - 1):
    status = org.create_account(AccountName=f"member-{i + 1}", Email=f"m{i + 1}@example.com")
    account = status["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=account, SourceParentId=root,
                     DestinationParentId=workloads if i % 2 else prod)
    members.append(account)
for account in ["123456789012"] + members:
    client("iam", account).create_role(RoleName=sys.argv[3], AssumeRolePolicyDocument=trust)
print(json.dumps({"organization": org_id, "members": members}))
"#;
    let out = python(env, code, &[&n.to_string(), READER]);
    organization_trail(env, true);
    let out: Value = serde_json::from_str(&out).expect("the organization");
    let members = out["members"].as_array().unwrap();
    let members = members.iter().map(|m| m.as_str().unwrap().to_owned());
    (
        out["organization"].as_str().unwrap().into(),
        members.collect(),
    )
}

/// The organization trail `org` of the management account (the test's own), multi-region,
/// logging every account's management events when `logging` (created the first time).
pub(crate) fn organization_trail(env: &Env, logging: bool) {
    let code = r#"
trail = client("cloudtrail")
if "org" not in [t["Name"] for t in trail.describe_trails()["trailList"]]:
    client("s3").create_bucket(Bucket="lambda-trust-org-trail")
    trail.create_trail(Name="org", S3BucketName="lambda-trust-org-trail",
        IsMultiRegionTrail=True, IsOrganizationTrail=True)
if sys.argv[2] == "true":
    trail.start_logging(Name="org")
else:
    trail.stop_logging(Name="org")
"#;
    python(env, code, &[&logging.to_string()]);
}

/// In `account`: the function `{name}-target` and the role `name` with `trust` (a trust
/// policy's statement list) invoking it through one inline policy.
pub(crate) fn partner_role(env: &Env, account: &str, name: &str, trust: &Value) {
    let code = r#"
import io, zipfile
account, name, trust = sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("index.py", "def handler(event, context):\n    return event\n")
iam = client("iam", account)
runner = iam.create_role(RoleName=f"{name}-runner", AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
fn = client("lambda", account).create_function(FunctionName=f"{name}-target", Runtime="python3.12",
    Role=runner["Role"]["Arn"], Handler="index.handler", Code={"ZipFile": buf.getvalue()})
iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": trust}),
    Tags=[{"Key": "managed-by", "Value": "lambda-trust"}])
iam.put_role_policy(RoleName=name, PolicyName="invoke", PolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Action": "lambda:InvokeFunction", "Resource": fn["FunctionArn"]}]}))
"#;
    python(env, code, &[account, name, &trust.to_string()]);
}

/// A customer managed policy of `account` attached to `role`; its ARN.
fn attached_policy(env: &Env, account: &str, role: &str) -> String {
    let code = r#"
iam = client("iam", sys.argv[2])
arn = iam.create_policy(PolicyName="invoke-managed", PolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Action": "lambda:InvokeFunction", "Resource": "*"}]}))["Policy"]["Arn"]
iam.attach_role_policy(RoleName=sys.argv[3], PolicyArn=arn)
print(arn)
"#;
    python(env, code, &[account, role]).trim().to_owned()
}

/// Genesys Cloud's trust statement, with `external_id` when given.
pub(crate) fn genesys(external_id: Option<&str>) -> Value {
    let mut s = json!({"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::765628985471:root"}, "Action": "sts:AssumeRole"});
    if let Some(id) = external_id {
        s["Condition"] = json!({"StringEquals": {"sts:ExternalId": id}});
    }
    json!([s])
}

/// `name`'s trust policy in `account` set by hand to `trust`.
pub(crate) fn set_trust(env: &Env, account: &str, name: &str, trust: &Value) {
    let code = r#"
client("iam", sys.argv[2]).update_assume_role_policy(RoleName=sys.argv[3],
    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": json.loads(sys.argv[4])}))
"#;
    python(env, code, &[account, name, &trust.to_string()]);
}

/// The event member `account`'s rule forwards for `call` on role `name`.
pub(crate) fn forwarded(account: &str, call: &str, name: &str) -> Value {
    let params = json!({"roleName": name, "policyDocument": "{}"});
    let mut event = cloudtrail_event("iam", call, params, "us-east-1");
    event["account"] = json!(account);
    event["detail"]["recipientAccountId"] = json!(account);
    event["detail"]["userIdentity"]["arn"] =
        json!(format!("arn:aws:sts::{account}:assumed-role/Admin/alice"));
    event
}

/// The organization watch's findings `account`'s Security Hub holds in `state`.
pub(crate) fn org_findings(env: &Env, account: &str, state: &str) -> Vec<Value> {
    let prefix = format!("lambda-trust/organization-watch/{account}/");
    (hub_findings(env, account).into_iter())
        .filter(|f| (f["GeneratorId"].as_str()).is_some_and(|g| g.starts_with(&prefix)))
        .filter(|f| f["RecordState"] == state)
        .collect()
}

pub(crate) fn codes(findings: &[Value]) -> Vec<String> {
    let mut codes: Vec<String> = (findings.iter())
        .map(|f| {
            f["ProductFields"]["lambda-trust/Code"]
                .as_str()
                .unwrap()
                .into()
        })
        .collect();
    codes.sort();
    codes
}

/// The function's answer to `event`: a response of the record's schema, or the error Lambda
/// records.
pub(crate) fn invoke(api: &RuntimeApi, event: &Value) -> Value {
    let answer = api.invoke(event);
    if answer["kind"] == "response" {
        let schema = &crate::json_schemas::validators()["org-watch-run.schema.json"];
        let errors: Vec<String> = (schema.iter_errors(&answer["body"]))
            .map(|e| e.to_string())
            .collect();
        assert_eq!(errors, Vec::<String>::new(), "{answer:#}");
    }
    answer
}

fn watching(env: &Env, organization: &str) -> (RuntimeApi, Function) {
    watching_with(env, organization, &[])
}

/// The function started with its deployment's variables, and `more`.
pub(crate) fn watching_with(
    env: &Env,
    organization: &str,
    more: &[(&str, &str)],
) -> (RuntimeApi, Function) {
    let api = RuntimeApi::start();
    let mut vars = vec![
        (
            "LAMBDA_TRUST_ORGANIZATION".to_owned(),
            organization.to_owned(),
        ),
        ("LAMBDA_TRUST_GENESYS_ORG_IDS".to_owned(), OURS.to_owned()),
        (
            "AWS_LAMBDA_FUNCTION_NAME".to_owned(),
            "lambda-trust-org-watch".to_owned(),
        ),
    ];
    vars.extend(more.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let function = Function::start_with(env, &api, &vars);
    (api, function)
}

#[test]
fn a_hand_edit_in_member_17_is_a_finding_in_its_own_security_hub_and_the_repair_resolves_it() {
    let env = Env::new();
    let (organization, members) = organization(&env, 20);
    assert_eq!(members.len(), 19);
    let m17 = members[16].clone();
    partner_role(&env, &m17, ROLE, &genesys(Some(OURS)));
    enable_hub(&env, &m17);
    enable_hub(&env, ACCOUNT);
    crate::live_org_watch_sweep::bus_with_a_listener(&env);
    let bus = [("LAMBDA_TRUST_BUS", crate::live_org_watch_sweep::BUS)];
    let (api, _function) = watching_with(&env, &organization, &bus);

    // The role as it should be: proved, nothing published but what settles.
    env.proxy.clear();
    let answer = invoke(&api, &forwarded(&m17, "UpdateAssumeRolePolicy", ROLE));
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let record = &answer["body"];
    assert_eq!(record["change"]["scope"], "role", "{record:#}");
    assert_eq!(record["accounts"][0]["account"], m17.as_str());
    let proved = &record["accounts"][0]["roles"][format!("arn:aws:iam::{m17}:role/{ROLE}")];
    assert!(proved.is_array(), "{record:#}");
    assert!(
        !codes_of(proved).contains(&"no-external-id".to_owned()),
        "{record:#}"
    );

    // A hand edit drops the external ID: one invocation, the finding in member 17's hub.
    set_trust(&env, &m17, ROLE, &genesys(None));
    env.proxy.clear();
    let answer = invoke(&api, &forwarded(&m17, "UpdateAssumeRolePolicy", ROLE));
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let active = org_findings(&env, &m17, "ACTIVE");
    assert!(
        codes(&active).contains(&"no-external-id".to_owned()),
        "{active:#?}"
    );
    let finding = active
        .iter()
        .find(|f| f["ProductFields"]["lambda-trust/Code"] == "no-external-id")
        .unwrap();
    assert_eq!(finding["AwsAccountId"], m17.as_str());
    assert_eq!(
        finding["ProductArn"],
        format!("arn:aws:securityhub:us-east-1:{m17}:product/{m17}/default")
    );
    assert_eq!(
        finding["GeneratorId"],
        format!("lambda-trust/organization-watch/{m17}/{ROLE}/no-external-id")
    );
    assert_eq!(
        finding["ProductFields"]["lambda-trust/Change"],
        "UpdateAssumeRolePolicy"
    );
    assert_eq!(
        finding["ProductFields"]["lambda-trust/ChangedBy"],
        format!("arn:aws:sts::{m17}:assumed-role/Admin/alice")
    );
    // Nothing of member 17 lands in the watch's own account.
    assert_eq!(org_findings(&env, ACCOUNT, "ACTIVE"), Vec::<Value>::new());

    // The bound: at most 8 + k + 3p + t calls (k = 1 inline policy, p = 0, t = 1 target).
    // The run changed the hub, so it asks for its re-reading (`PutEvents`: an invocation of
    // its own, within the bound too), which settles what the watch's account said of m17 in
    // its place. The role alone was read: no account-wide pass.
    let calls = env.proxy.calls();
    let made: Vec<String> = calls.iter().map(|c| c.operation.clone()).collect();
    println!("the hand edit's event: {} calls: {made:?}", calls.len());
    assert!(calls.len() <= 8 + 1 + 1, "{} calls: {made:?}", calls.len());
    assert_eq!(env.proxy.count("PutEvents"), 1, "{made:?}");
    assert_eq!(
        env.proxy.count("GetAccountAuthorizationDetails"),
        0,
        "{made:?}"
    );
    assert_eq!(env.proxy.count("AssumeRole"), 1, "{made:?}");
    assert_eq!(
        answer["body"]["accounts"][0]["calls"],
        calls.len() - org_reads(&calls),
        "{made:?}"
    );

    // The repair resolves it.
    set_trust(&env, &m17, ROLE, &genesys(Some(OURS)));
    let answer = invoke(&api, &forwarded(&m17, "UpdateAssumeRolePolicy", ROLE));
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let active = org_findings(&env, &m17, "ACTIVE");
    assert!(
        !codes(&active).contains(&"no-external-id".to_owned()),
        "{active:#?}"
    );
}

fn codes_of(codes: &Value) -> Vec<String> {
    (codes.as_array().unwrap().iter())
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

/// The organization's own reads (its SCPs and RCPs, with the function's credentials, once per
/// warm function): not the account's part.
fn org_reads(calls: &[support::proxy::Call]) -> usize {
    calls
        .iter()
        .filter(|c| c.service == "organizations")
        .count()
}

#[test]
fn another_orgs_id_is_a_finding_and_a_role_no_partner_can_assume_costs_three_calls() {
    let env = Env::new();
    let (organization, members) = organization(&env, 20);
    let m3 = members[2].clone();
    partner_role(&env, &m3, ROLE, &genesys(Some(THEIRS)));
    let service = json!([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole"}]);
    partner_role(&env, &m3, "svc-runner", &service);
    enable_hub(&env, &m3);
    enable_hub(&env, ACCOUNT);
    let (api, _function) = watching(&env, &organization);

    let answer = invoke(&api, &forwarded(&m3, "UpdateAssumeRolePolicy", ROLE));
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let active = org_findings(&env, &m3, "ACTIVE");
    assert!(
        codes(&active).contains(&"external-id-not-ours".to_owned()),
        "{active:#?}"
    );

    // A managed policy's new version: each role it is attached to is re-proved, as a role's
    // call is (`ListEntitiesForPolicy`), never the account.
    let policy = attached_policy(&env, &m3, ROLE);
    let mut event = forwarded(&m3, "CreatePolicyVersion", ROLE);
    event["detail"]["requestParameters"] = json!({"policyArn": policy, "setAsDefault": true});
    env.proxy.clear();
    let answer = invoke(&api, &event);
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let parts = answer["body"]["accounts"].as_array().unwrap();
    assert_eq!(parts.len(), 1, "{answer:#}");
    assert_eq!(parts[0]["role"], ROLE, "{answer:#}");
    let role = &parts[0]["roles"][format!("arn:aws:iam::{m3}:role/{ROLE}")];
    assert!(
        codes_of(role).contains(&"external-id-not-ours".to_owned()),
        "{answer:#}"
    );
    assert_eq!(env.proxy.count("GetAccountAuthorizationDetails"), 0);
    assert_eq!(env.proxy.count("ListEntitiesForPolicy"), 1);
    assert_eq!(env.proxy.count("ListPolicyVersions"), 1);
    let active = org_findings(&env, &m3, "ACTIVE");
    assert_eq!(
        (active.iter())
            .filter(|f| f["ProductFields"]["lambda-trust/Code"] == "external-id-not-ours")
            .count(),
        1,
        "the policy's reading and the role's settle the same finding: {active:#?}"
    );

    // A member whose Security Hub is off: its finding cannot land, so the watch's own hub
    // names the account, and the invocation fails.
    let m4 = members[3].clone();
    partner_role(&env, &m4, ROLE, &genesys(None));
    let answer = api.invoke(&forwarded(&m4, "UpdateAssumeRolePolicy", ROLE));
    assert_eq!(answer["kind"], "error", "{answer:#}");
    let blind = not_watched(&env, &m4, "ACTIVE");
    assert_eq!(blind.len(), 1, "{blind:#?}");
    let why = blind[0]["Description"].as_str().unwrap();
    assert!(why.contains("InvalidAccessException"), "{blind:#?}");
    // Its hint is the watch's, not an audit's.
    assert!(
        why.contains("next change") && !why.contains("--to-security-hub"),
        "{blind:#?}"
    );

    env.proxy.clear();
    let answer = invoke(&api, &forwarded(&m3, "PutRolePolicy", "svc-runner"));
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let made: Vec<String> = env
        .proxy
        .calls()
        .iter()
        .map(|c| c.operation.clone())
        .collect();
    assert!(made.len() <= 3, "{made:?}");
    assert_eq!(env.proxy.count("BatchImportFindings"), 0, "{made:?}");
    assert_eq!(answer["body"]["accounts"][0]["roles"], json!({}));
}

/// The watch's own findings about `account` (`:account`: no role's name).
pub(crate) fn not_watched(env: &Env, account: &str, state: &str) -> Vec<Value> {
    about_account(env, account, "not-watched", state)
}

/// The watch's findings `code` about `account` itself in its own account's hub, in `state`.
pub(crate) fn about_account(env: &Env, account: &str, code: &str, state: &str) -> Vec<Value> {
    let generator = format!("lambda-trust/organization-watch/{account}/:account/{code}");
    (hub_findings(env, ACCOUNT).into_iter())
        .filter(|f| f["GeneratorId"] == generator.as_str())
        .filter(|f| f["RecordState"] == state)
        .collect()
}

#[test]
fn a_reader_that_cannot_be_assumed_is_a_finding_in_the_watchs_account_until_it_is_read() {
    let env = Env::new();
    let (organization, members) = organization(&env, 20);
    let m5 = members[4].clone();
    partner_role(&env, &m5, ROLE, &genesys(Some(OURS)));
    enable_hub(&env, &m5);
    enable_hub(&env, ACCOUNT);
    env.proxy.inject(
        support::Injection::new(
            "AssumeRole",
            403,
            "AccessDenied",
            "not authorized to perform sts:AssumeRole",
        )
        .when_param("RoleArn", &format!("arn:aws:iam::{m5}:role/{READER}"))
        .always(),
    );
    let (api, _function) = watching(&env, &organization);
    let answer = api.invoke(&forwarded(&m5, "UpdateAssumeRolePolicy", ROLE));
    // Never answered healthy: the invocation fails, its record naming the account and why.
    assert_eq!(answer["kind"], "error", "{answer:#}");
    let body = answer["body"].to_string();
    assert!(
        body.contains("LambdaTrust.NotReproved") && body.contains(&m5),
        "{answer:#}"
    );
    assert!(body.contains("AccessDenied"), "{answer:#}");
    // Said where the watch's owners look: the watch's own Security Hub names the account.
    let blind = not_watched(&env, &m5, "ACTIVE");
    assert_eq!(blind.len(), 1, "{blind:#?}");
    assert_eq!(blind[0]["AwsAccountId"], ACCOUNT);
    assert_eq!(
        blind[0]["Resources"][0]["Id"],
        format!("AWS::::Account:{m5}")
    );
    assert!(blind[0]["Description"]
        .as_str()
        .unwrap()
        .contains("AccessDenied"));

    // The reader can be assumed again: the next partner role read settles it.
    env.proxy.clear_faults();
    let answer = invoke(&api, &forwarded(&m5, "UpdateAssumeRolePolicy", ROLE));
    assert_eq!(answer["kind"], "response", "{answer:#}");
    assert_eq!(not_watched(&env, &m5, "ACTIVE"), Vec::<Value>::new());

    // A function deployed before the sweep names no bus: the tick cannot sweep, and says what
    // to run; never answered healthy.
    let answer = api.invoke(&schedule_tick());
    assert_eq!(answer["kind"], "error", "{answer:#}");
    assert!(
        answer["body"].to_string().contains("LAMBDA_TRUST_BUS"),
        "{answer:#}"
    );
}

/// IAM Access Analyzer's finding about `role` of `account`, as the organization's analyzer in
/// the watch's account sends it (its `detail.accountId`: the account the finding is about).
fn analyzer_finding(account: &str, role: &str) -> Value {
    json!({"version": "0", "id": "7", "detail-type": "Access Analyzer Finding",
        "source": "aws.access-analyzer", "account": ACCOUNT, "time": "2026-11-27T11:00:00Z",
        "region": "us-east-1",
        "resources": [format!("arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/org")],
        "detail": {"version": "1.0", "id": "f-1", "status": "ACTIVE",
            "resourceType": "AWS::IAM::Role",
            "resource": format!("arn:aws:iam::{account}:role/{role}"),
            "accountId": account, "region": "us-east-1",
            "principal": {"AWS": "765628985471"}, "action": ["sts:AssumeRole"],
            "condition": {}, "isDeleted": false, "isPublic": false}})
}

/// A role the rules missed is re-proved when the analyzer's finding about it arrives: that
/// role alone, in the account the finding names, its finding in that account's hub.
#[test]
fn an_access_analyzer_finding_reproves_the_role_it_names_in_its_account() {
    let env = Env::new();
    let (organization, members) = organization(&env, 20);
    let m12 = members[11].clone();
    partner_role(&env, &m12, ROLE, &genesys(Some(THEIRS)));
    enable_hub(&env, &m12);
    enable_hub(&env, ACCOUNT);
    let (api, _function) = watching(&env, &organization);

    env.proxy.clear();
    let answer = invoke(&api, &analyzer_finding(&m12, ROLE));
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let record = &answer["body"];
    assert_eq!(record["change"]["scope"], "role", "{record:#}");
    assert_eq!(record["accounts"][0]["account"], m12.as_str());
    assert_eq!(record["accounts"][0]["role"], ROLE);
    assert_eq!(env.proxy.count("GetAccountAuthorizationDetails"), 0);
    let active = org_findings(&env, &m12, "ACTIVE");
    let finding = (active.iter())
        .find(|f| f["ProductFields"]["lambda-trust/Code"] == "external-id-not-ours")
        .unwrap_or_else(|| panic!("{active:#?}"));
    assert_eq!(finding["AwsAccountId"], m12.as_str());
    assert_eq!(
        finding["ProductFields"]["lambda-trust/Change"],
        "Access Analyzer Finding (ACTIVE)"
    );
}

/// A baseline accepts a finding as `audit --baseline` does: imported SUPPRESSED, never
/// dropped; an entry for another role accepts nothing of this one.
#[test]
fn a_baselined_finding_is_imported_suppressed() {
    let env = Env::new();
    let (organization, members) = organization(&env, 20);
    let m6 = members[5].clone();
    partner_role(&env, &m6, ROLE, &genesys(Some(THEIRS)));
    enable_hub(&env, &m6);
    enable_hub(&env, ACCOUNT);
    let baseline = json!({"suppress": [
        {"role": format!("arn:aws:iam::{m6}:role/{ROLE}"), "code": "external-id-not-ours",
         "reason": "a partner's test org, until the migration"},
        {"role": "arn:aws:iam::*:role/other-*", "code": "no-external-id", "reason": "legacy"}]});
    let (api, _function) = watching_with(
        &env,
        &organization,
        &[("LAMBDA_TRUST_BASELINE", &baseline.to_string())],
    );
    let answer = invoke(&api, &forwarded(&m6, "UpdateAssumeRolePolicy", ROLE));
    assert_eq!(answer["kind"], "response", "{answer:#}");
    let active = org_findings(&env, &m6, "ACTIVE");
    let finding = (active.iter())
        .find(|f| f["ProductFields"]["lambda-trust/Code"] == "external-id-not-ours")
        .unwrap_or_else(|| panic!("{active:#?}"));
    assert_eq!(finding["Workflow"]["Status"], "SUPPRESSED", "{finding:#}");
}
