//! `watch deploy|status|destroy --organization` on the local AWS, in an organization of 20
//! accounts (the management account, a security tooling member registered as StackSets'
//! delegated administrator, members in OUs nested three deep): refused until StackSets has
//! trusted access; then the function in the delegated administrator's account, the reader role
//! and rules in every member through service-managed StackSets on the root, and the management
//! account's own stack; a second deploy writes nothing in any account; an account that joins is
//! covered by automatic deployment and re-proved once its instance is CURRENT; one without its
//! stacks is named by status and covered by the next deploy; destroy removes exactly the
//! organization watch, never a deployment's watch beside it.

use crate::live_security_hub::python;
use crate::live_watch_deploy::{package, Fake};
use crate::support;

use serde_json::{json, Value};
use support::live::*;

const OURS: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
const READER: &str = "lambda-trust-org-watch-read";
pub(crate) const MANAGEMENT: &str = "123456789012";

/// An organization of `n` accounts: the management account (the test's own), a security
/// tooling member registered as StackSets' delegated administrator, and members alternately
/// in `Workloads`, `Workloads/Prod` and `Workloads/Prod/Payments`. Returns the organization's
/// ID, the delegated administrator and every member (it included).
fn organization(env: &Env, n: usize) -> (String, String, Vec<String>) {
    let code = r#"
org = client("organizations")
org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
root = org.list_roots()["Roots"][0]["Id"]
ou = lambda parent, name: org.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]
workloads = ou(root, "Workloads")
prod = ou(workloads, "Prod")
payments = ou(prod, "Payments")
security = ou(root, "Security")
members = []
for i in range(int(sys.argv[2]) - 1):
    status = org.create_account(AccountName=f"member-{i + 1}", Email=f"m{i + 1}@example.com")
    account = status["CreateAccountStatus"]["AccountId"]
    parent = security if i == 0 else [workloads, prod, payments][i % 3]
    org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=parent)
    members.append(account)
org.register_delegated_administrator(AccountId=members[0],
    ServicePrincipal="member.org.stacksets.cloudformation.amazonaws.com")
print(json.dumps({"organization": org_id, "members": members}))
"#;
    let out: Value = serde_json::from_str(&python(env, code, &[&n.to_string()])).unwrap();
    crate::live_org_watch::organization_trail(env, true);
    let members: Vec<String> = (out["members"].as_array().unwrap().iter())
        .map(|m| m.as_str().unwrap().to_owned())
        .collect();
    let org = out["organization"].as_str().unwrap().to_owned();
    (org, members[0].clone(), members)
}

/// StackSets' trusted access to the organization, as `aws cloudformation
/// activate-organizations-access` turns it on.
fn trusted_access(env: &Env) {
    let code = r#"
client("organizations").enable_aws_service_access(
    ServicePrincipal="member.org.stacksets.cloudformation.amazonaws.com")
"#;
    python(env, code, &[]);
}

/// Whether `account` has the role `name`.
pub(crate) fn has_role(env: &Env, account: &str, name: &str) -> bool {
    let code = r#"
try:
    client("iam", sys.argv[2]).get_role(RoleName=sys.argv[3])
    print("yes")
except Exception:
    print("no")
"#;
    python(env, code, &[account, name]).trim() == "yes"
}

/// The accounts of the global StackSet's instances (empty when it is gone).
fn instances(env: &Env) -> Vec<String> {
    let code = r#"
cf = client("cloudformation")
try:
    out = cf.list_stack_instances(StackSetName="lambda-trust-org-watch-global")["Summaries"]
except Exception:
    out = []
print(json.dumps(sorted(i["Account"] for i in out)))
"#;
    serde_json::from_str(&python(env, code, &[])).unwrap()
}

/// The organization watch's function in `account`: its environment (`None`: not there).
pub(crate) fn function_env(env: &Env, account: &str) -> Option<Value> {
    let code = r#"
try:
    f = client("lambda", sys.argv[2]).get_function_configuration(FunctionName="lambda-trust-org-watch")
    print(json.dumps(f.get("Environment", {}).get("Variables", {})))
except Exception:
    print("null")
"#;
    let out: Value = serde_json::from_str(&python(env, code, &[account])).unwrap();
    (!out.is_null()).then_some(out)
}

/// The event pattern of the sweep rule on the watch's bus in `account`.
fn sweep_pattern(env: &Env, account: &str) -> Value {
    let code = r#"
rule = client("events", sys.argv[2]).describe_rule(Name="lambda-trust-org-watch-sweep",
    EventBusName="lambda-trust-org-watch")
print(rule["EventPattern"])
"#;
    serde_json::from_str(&python(env, code, &[account])).unwrap()
}

/// A deployment's watch of a role named `organization` in `account`: its role, tagged as that
/// watch's own.
fn a_deployments_watch(env: &Env, account: &str) {
    let code = r#"
client("iam", sys.argv[2]).create_role(RoleName="lambda-trust-watch-organization",
    AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
    Tags=[{"Key": "lambda-trust:watch", "Value": "organization"}])
"#;
    python(env, code, &[account]);
}

#[test]
fn deploy_covers_every_account_once_a_second_writes_nothing_and_destroy_removes_only_it() {
    let env = Env::new();
    let (org, admin, members) = organization(&env, 20);
    crate::live_security_hub::enable_hub(&env, &admin);
    a_deployments_watch(&env, &admin);
    let pkg = package(&env, Fake::LambdaTrust);
    let deploy = ["watch", "deploy", "--organization", "--package", &pkg];
    let with_ids = |extra: &[&'static str]| {
        let mut args: Vec<&str> = deploy.to_vec();
        args.extend(["--genesys-org-id", OURS]);
        args.extend(extra);
        args
    };

    // Your Genesys Cloud organizations are needed to judge an external ID: none given, and
    // no config found to name them.
    let none = env.run_raw(&[&deploy[..], &["--yes"]].concat());
    assert_eq!(none.code, 1);
    assert!(
        none.stderr.contains("--genesys-org-id UUID"),
        "{}",
        none.stderr
    );
    // A config given is honoured: missing, it is an error, never a guess.
    let (missing, writes) = env.writes_of(&[&deploy[..], &["--yes"]].concat(), 1);
    assert!(missing.stderr.contains("not found"), "{}", missing.stderr);
    assert_eq!(writes, 0);
    env.write_config(&config(&[], ""));
    // No StackSet can reach the accounts before trusted access: refused before any write.
    let (refused, writes) = env.writes_of(&with_ids(&["--yes"]), 1);
    assert!(
        refused
            .stderr
            .contains("aws cloudformation activate-organizations-access"),
        "{}",
        refused.stderr
    );
    assert_eq!(writes, 0);
    trusted_access(&env);

    let status = ["watch", "status", "--organization", "--package", &pkg];
    let pending = json_of(&env.expect(&[&status[..], &["--format", "json"]].concat(), 2));
    let changes = pending["changes"].to_string();
    for what in [
        "create StackSet lambda-trust-org-watch-global (every account of the organization, us-east-1)",
        "create stack lambda-trust-org-watch-management in the management account, us-east-1",
        "let the forwarding roles of organization o-",
    ] {
        assert!(changes.contains(what), "{what}: {pending:#}");
    }
    let notes = pending["notes"].to_string();
    assert!(
        notes.contains(&format!(
            "account {admin}, StackSets' delegated administrator"
        )) && notes.contains("OrganizationAccountAccessRole"),
        "{pending:#}"
    );

    let (first, writes) = env.writes_of(&with_ids(&["--yes", "--format", "json"]), 0);
    let first = json_of(&first);
    assert!(writes >= 8, "{writes} writes: {first:#}");
    println!("first deploy, 20 accounts: {writes} writes");
    assert_eq!(first["organization"], org.as_str());
    // Its closing count is not the one read before the writes ("0 of 19"): the StackSets'
    // operations were awaited until they SUCCEEDED, and no member is said uncovered.
    let notes = first["notes"].to_string();
    assert!(
        notes.contains("the StackSets' operations SUCCEEDED")
            && notes.contains("reached the organization's 19 member account(s)")
            && !notes.contains("0 of the organization's"),
        "{first:#}"
    );
    assert_eq!(first["problems"], json!([]), "{first:#}");
    // The function lives in the delegated administrator's account, never the management's.
    let vars = function_env(&env, &admin).expect("the function in the watch account");
    assert_eq!(vars["LAMBDA_TRUST_ORGANIZATION"], org.as_str());
    assert_eq!(vars["LAMBDA_TRUST_GENESYS_ORG_IDS"], OURS);
    assert!(function_env(&env, MANAGEMENT).is_none());
    // The sweep: the function names its bus, whose sweep rule takes only the watch account's
    // own events.
    let bus = format!("arn:aws:events:us-east-1:{admin}:event-bus/lambda-trust-org-watch");
    assert_eq!(vars["LAMBDA_TRUST_BUS"], bus.as_str());
    // A sweep never takes the watch account's whole concurrency.
    let code = r#"
f = client("lambda", sys.argv[2]).get_function(FunctionName="lambda-trust-org-watch")
print(f.get("Concurrency", {}).get("ReservedConcurrentExecutions"))
"#;
    assert_eq!(python(&env, code, &[&admin]).trim(), "20");
    let pattern = sweep_pattern(&env, &admin);
    assert_eq!(pattern["account"], json!([admin]), "{pattern:#}");
    assert_eq!(
        pattern["source"],
        json!(["lambda-trust.org-watch"]),
        "{pattern:#}"
    );
    // Every member, however deep its OU, has its instance; the management account has none
    // (StackSets skip it) but its own stack's reader role.
    let mut expected = members.clone();
    expected.sort();
    assert_eq!(instances(&env), expected);
    for account in [
        &members[17],
        &members[18],
        &members[1],
        &MANAGEMENT.to_owned(),
    ] {
        assert!(has_role(&env, account, READER), "{account}");
    }

    // A second deploy writes nothing, in any account: here with the org IDs the config's
    // external ID names (the same).
    let (again, writes) = env.writes_of(&[&deploy[..], &["--yes"]].concat(), 0);
    assert_eq!(writes, 0, "{}\n{}", again.stdout, again.stderr);
    assert!(
        again.stdout.contains("nothing to write"),
        "{}",
        again.stdout
    );
    env.proxy.clear();
    let healthy = env.expect(&status, 0);
    let reads = env.proxy.count_reads();
    println!("status, 20 accounts: {reads} reads");
    assert!(
        healthy
            .stdout
            .contains("19 of the organization's 19 member account(s)"),
        "{}",
        healthy.stdout
    );

    // An account that joins is covered without a redeploy: automatic deployment.
    let joined = python(
        &env,
        r#"print(client("organizations").create_account(AccountName="late", Email="late@example.com")["CreateAccountStatus"]["AccountId"])"#,
        &[],
    );
    let joined = joined.trim();
    assert!(has_role(&env, joined, READER));
    env.expect(&status, 0);
    // One whose instance is gone (deleted by hand, or joined while automatic deployment was
    // off) is named, and the next deploy covers it.
    let code = r#"
client("cloudformation").delete_stack_instances(StackSetName="lambda-trust-org-watch-global",
    Accounts=[sys.argv[2]], Regions=["us-east-1"], RetainStacks=False)
"#;
    python(&env, code, &[joined]);
    assert!(!has_role(&env, joined, READER));
    env.proxy.clear();
    let blind = env.expect(&status, 2);
    // Status's reads do not grow with the accounts: as many with 21 as with 20.
    assert_eq!(env.proxy.count_reads(), reads);
    assert!(
        blind
            .stdout
            .contains(&format!("does not watch account {joined}")),
        "{}",
        blind.stdout
    );
    let (_, writes) = env.writes_of(&with_ids(&["--yes"]), 0);
    assert!(writes >= 1);
    assert!(has_role(&env, joined, READER), "the next deploy covers it");
    env.expect(&status, 0);

    // Destroy removes exactly the organization watch, in every account.
    let destroy = [
        "watch",
        "destroy",
        "--organization",
        "--yes",
        "--format",
        "json",
    ];
    let (gone, writes) = env.writes_of(&destroy, 0);
    println!("destroy, 21 accounts: {writes} writes");
    assert!(writes >= 4, "{}", gone.stdout);
    assert!(function_env(&env, &admin).is_none());
    assert!(instances(&env).is_empty());
    for account in [&members[17], &MANAGEMENT.to_owned(), &joined.to_owned()] {
        assert!(!has_role(&env, account, READER), "{account}");
    }
    assert!(has_role(&env, &admin, "lambda-trust-watch-organization"));
    let (_, writes) = env.writes_of(&destroy, 0);
    assert_eq!(writes, 0);
    // After destroy, status says "not deployed" (exit 2, as before a first deploy), and what
    // destroy left on purpose — the function's word about an account, which nothing settles
    // now — is a note, never a problem line.
    let title = format!("account {}'s IAM calls do not reach the watch", members[4]);
    watch_says(&env, &admin, &members[4], ("not-heard", &title), "");
    let after = env.expect(&status, 2);
    assert!(after.stdout.contains("not deployed"), "{}", after.stdout);
    assert!(!after.stdout.contains("  problem "), "{}", after.stdout);
    assert!(
        after
            .stdout
            .contains("left by `watch destroy --organization`")
            && after.stdout.contains(&members[4]),
        "{}",
        after.stdout
    );
}

/// The function's word about `account` in the watch account `admin`'s Security Hub, as it
/// files it: a finding under `OrgWatchGenerator::Account { account, code }` titled `title`,
/// with its cause's code when given.
fn watch_says(env: &Env, admin: &str, account: &str, (code, title): (&str, &str), cause: &str) {
    let script = r#"
admin, account, code, title, cause = sys.argv[2:7]
generator = f"lambda-trust/organization-watch/{account}/:account/{code}"
finding = {
    "SchemaVersion": "2018-10-08", "Id": generator, "GeneratorId": generator,
    "ProductArn": f"arn:aws:securityhub:us-east-1:{admin}:product/{admin}/default",
    "AwsAccountId": admin, "Types": ["Software and Configuration Checks"],
    "CreatedAt": "2026-11-27T00:00:00Z", "UpdatedAt": "2026-11-27T00:00:00Z",
    "Severity": {"Label": "MEDIUM"}, "Title": title, "Description": "as the function found it",
    "Resources": [{"Type": "Other", "Id": f"AWS::::Account:{account}"}]}
if cause:
    finding["ProductFields"] = {"lambda-trust/Cause": cause}
client("securityhub", admin).batch_import_findings(Findings=[finding])
"#;
    python(env, script, &[admin, account, code, title, cause]);
}

/// An organization of `n` accounts ready for the organization watch: StackSets' trusted
/// access on, the config naming our Genesys Cloud org, the package built. Returns
/// [`organization`]'s and the package's path.
pub(crate) fn ready(env: &Env, n: usize) -> (String, String, Vec<String>, String) {
    let (org, admin, members) = organization(env, n);
    trusted_access(env);
    env.write_config(&config(&[], ""));
    (org, admin, members, package(env, Fake::LambdaTrust))
}

/// Credentials of `account`'s `OrganizationAccountAccessRole`, as the environment variables an
/// AWS SDK reads.
pub(crate) fn credentials_of(env: &Env, account: &str) -> Vec<(&'static str, String)> {
    let code = r#"
c = client("sts").assume_role(RoleArn=f"arn:aws:iam::{sys.argv[2]}:role/OrganizationAccountAccessRole",
                              RoleSessionName="security-tooling")["Credentials"]
print(json.dumps([c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]]))
"#;
    let keys: Vec<String> = serde_json::from_str(&python(env, code, &[account])).unwrap();
    vec![
        ("AWS_ACCESS_KEY_ID", keys[0].clone()),
        ("AWS_SECRET_ACCESS_KEY", keys[1].clone()),
        ("AWS_SESSION_TOKEN", keys[2].clone()),
    ]
}

#[test]
fn the_delegated_administrator_deploys_all_but_what_only_the_management_account_can_write() {
    let env = Env::new();
    let (_, admin, members, pkg) = ready(&env, 8);
    crate::live_security_hub::enable_hub(&env, &admin);
    let config = env.config_path();
    let deploy = [
        "watch",
        "deploy",
        "--organization",
        "--package",
        &pkg,
        "--yes",
        "--config",
        config.to_str().unwrap(),
    ];
    let keys = credentials_of(&env, &admin);
    let keys: Vec<(&str, &str)> = keys.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let first = env.run_env(&deploy, &keys);
    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    assert!(
        first
            .stdout
            .contains("neither read nor written with a delegated administrator"),
        "{}",
        first.stdout
    );
    // Organizations' calls reach no watch deployed so: the guardrail is said not watched.
    let said = first
        .stdout
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(said.contains("the guardrail is not watched"), "{said}");
    assert!(!first.stdout.contains("create stack "), "{}", first.stdout);
    assert!(function_env(&env, &admin).is_some());
    let mut expected = members.clone();
    expected.sort();
    // The StackSet is the management account's, as a delegated administrator's is.
    assert_eq!(instances(&env), expected);
    assert!(!has_role(&env, MANAGEMENT, READER));

    // The management account's run writes what is left: its own stack, nothing else.
    let (rest, writes) = env.writes_of(&deploy[..6], 0);
    assert!(
        rest.stdout
            .contains("create stack lambda-trust-org-watch-management")
            && !rest
                .stdout
                .contains("StackSet lambda-trust-org-watch-global ("),
        "{}",
        rest.stdout
    );
    assert!(writes >= 1);
    assert!(has_role(&env, MANAGEMENT, READER));
    let again = env.run_env(&deploy, &keys);
    assert!(
        again.stdout.contains("nothing to write"),
        "{}",
        again.stdout
    );
}

/// The function's word that it cannot watch an account — its finding in its own account's
/// Security Hub — makes status name that account and exit 2.
#[test]
fn status_names_an_account_the_function_found_it_cannot_watch() {
    let env = Env::new();
    let (_org, admin, members, pkg) = ready(&env, 4);
    let deploy = deploy_args(&pkg);
    // A region of another partition is refused before any write.
    let china = [&deploy[..], &["--function-region", "cn-north-1"]].concat();
    let (refused, writes) = env.writes_of(&china, 1);
    let why = "not in the organization's partition";
    assert!(refused.stderr.contains(why), "{}", refused.stderr);
    assert_eq!(writes, 0);
    // A second region of targets: its StackSet, and the management account's stack there.
    let ireland = [
        &deploy[..],
        &["--function-region", "eu-west-1", "--format", "json"],
    ]
    .concat();
    // Its own account's Security Hub off: deployed, but a problem — exit 2, as status.
    let deployed = json_of(&env.expect(&ireland, 2));
    assert!(
        deployed["problems"].to_string().contains("cannot publish"),
        "{deployed:#}"
    );
    let regional = deployed["changes"].to_string();
    for what in [
        "StackSet lambda-trust-org-watch-lambda (every account of the organization, eu-west-1)",
        "stack lambda-trust-org-watch-management-lambda in the management account, eu-west-1",
    ] {
        assert!(regional.contains(what), "{what}: {regional}");
    }
    let status = status_json(&pkg);
    // Its own account's Security Hub off: it could not say what it cannot watch.
    let off = json_of(&env.expect(&status, 2));
    assert!(
        off["problems"].to_string().contains("cannot publish"),
        "{off:#}"
    );
    crate::live_security_hub::enable_hub(&env, &admin);
    env.expect(&status, 0);
    let blind = &members[2];
    let title = format!("account {blind} is not watched");
    watch_says(
        &env,
        &admin,
        blind,
        ("not-watched", &title),
        "reader-not-assumed",
    );
    // And one whose IAM calls no trail logs, as the function says it (not heard).
    let deaf = &members[1];
    let title = format!("account {deaf}'s IAM calls do not reach the watch");
    watch_says(&env, &admin, deaf, ("not-heard", &title), "");
    let named = json_of(&env.expect(&status, 2));
    assert!(
        named["problems"].to_string().contains(&format!(
            "does not watch account {deaf}, as its last invocation"
        )),
        "{named:#}"
    );
    assert!(
        named["problems"].to_string().contains(&format!(
            "does not watch account {blind}, as its last invocation about it found: its \
             reader role cannot be assumed"
        )),
        "{named:#}"
    );
    // Each with its cause, as the function filed it: the deaf one's is its trail.
    assert!(
        named["problems"].to_string().contains(&format!(
            "does not watch account {deaf}, as its last invocation about it found: no trail \
             logs its IAM calls"
        )),
        "{named:#}"
    );
    // Every account is listed: the management account by its own stacks, each member by its
    // instances, the blind one with the function's word.
    let accounts = named["accounts"].as_array().expect("every account");
    assert_eq!(accounts.len(), members.len() + 1, "{named:#}");
    assert_eq!(accounts[0]["covered_by"], "management-stack");
    assert!(accounts.iter().all(|a| a["covered"] == true), "{named:#}");
    let listed = (accounts.iter())
        .find(|a| a["account"] == blind.as_str())
        .unwrap();
    assert_eq!(
        listed["not_watched"],
        format!("account {blind} is not watched")
    );
    assert_eq!(
        listed["not_watched_cause"],
        "its reader role cannot be assumed"
    );

    // A baseline goes to the function as `audit --baseline` reads it; status takes the
    // deployed one (nothing pending); one over Lambda's 4 KB of variables is refused first.
    let file = env.config_path().with_file_name("accepted.toml");
    let entry = "[[suppress]]\nrole = \"arn:aws:iam::*:role/legacy-*\"\ncode = \"no-external-id\"\nreason = \"r\"\n";
    std::fs::write(&file, entry).unwrap();
    let with = [&ireland[..], &["--baseline", file.to_str().unwrap()]].concat();
    // Written; the two accounts the function said it cannot watch are still problems (exit 2).
    env.expect(&with, 2);
    let vars = function_env(&env, &admin).unwrap();
    let deployed: Value =
        serde_json::from_str(vars["LAMBDA_TRUST_BASELINE"].as_str().unwrap()).unwrap();
    assert_eq!(
        deployed["suppress"][0]["code"], "no-external-id",
        "{deployed:#}"
    );
    let still = json_of(&env.run(&status));
    assert_eq!(still["changes"], json!([]), "{still:#}");
    std::fs::write(&file, entry.repeat(60)).unwrap();
    let (refused, writes) = env.writes_of(&with, 1);
    assert!(
        refused.stderr.contains("over Lambda's 4 KB"),
        "{}",
        refused.stderr
    );
    assert_eq!(writes, 0);
}

/// What the StackSets put in a member works end to end on the local AWS: its rule, its
/// forwarding role and the bus's one statement (`aws:PrincipalOrgID`) carry the member's IAM
/// call to the watch's bus, its `account` kept, where the bus's rule hands it to the function
/// (here a queue on the same pattern catches it).
#[test]
fn a_members_iam_call_reaches_the_watchs_bus_with_its_account() {
    let env = Env::new();
    let (_org, admin, members, pkg) = ready(&env, 4);
    crate::live_security_hub::enable_hub(&env, &admin);
    env.expect(&deploy_args(&pkg), 0);
    let member = members.iter().find(|m| **m != admin).unwrap();
    let code = format!(
        "admin, member = sys.argv[2], sys.argv[3]{CAUGHT}{}",
        r#"
client("events", member).put_events(Entries=[{"Source": "aws.iam",
    "DetailType": "AWS API Call via CloudTrail", "Detail": json.dumps({
        "eventSource": "iam.amazonaws.com", "eventName": "UpdateAssumeRolePolicy",
        "requestParameters": {"roleName": "vendor-lambda"}})}])
got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
print(json.dumps([json.loads(m["Body"]) for m in got]))
"#
    );
    let got: Value = serde_json::from_str(&python(&env, &code, &[&admin, member])).unwrap();
    let got = got.as_array().unwrap();
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0]["account"], member.as_str(), "{got:#?}");
    assert_eq!(got[0]["detail"]["eventName"], "UpdateAssumeRolePolicy");
    // The bus's policy is one statement naming no member (the bus's own ARN aside): its size
    // does not grow with the accounts.
    let code = r#"
print(client("events", sys.argv[2]).describe_event_bus(Name="lambda-trust-org-watch")["Policy"])
"#;
    let policy = python(&env, code, &[&admin]);
    let parsed: Value = serde_json::from_str(&policy).unwrap();
    assert_eq!(
        parsed["Statement"].as_array().unwrap().len(),
        1,
        "{parsed:#}"
    );
    let mut others = members.iter().filter(|m| **m != admin);
    assert!(!others.any(|m| policy.contains(m.as_str())), "{policy}");
    println!("the bus policy: {} bytes", policy.trim().len());
}

/// An account that joins gets its reader by automatic deployment; the global StackSet's
/// instance, CURRENT, is announced in the management account and forwarded to the watch's bus
/// by the management account's stack; handed to the function (the shipped package, run as
/// Lambda runs it), it re-proves the new account into that account's own Security Hub — no
/// redeploy, no sweep, no hour's wait.
#[test]
fn an_account_that_joins_is_reproved_once_its_stack_set_instance_is_current() {
    use crate::live_org_watch::{genesys, org_findings, partner_role, THEIRS};
    use support::runtime_api::{RuntimeApi, Shipped};
    let env = Env::new();
    let (_org, admin, _members, _) = ready(&env, 4);
    crate::live_security_hub::enable_hub(&env, &admin);
    let binary = env!("CARGO_BIN_EXE_lambda-trust");
    env.expect(&deploy_args(binary), 0);
    let code = format!(
        "admin = sys.argv[2]{CAUGHT}{}",
        r#"
joined = client("organizations").create_account(AccountName="late",
    Email="late@example.com")["CreateAccountStatus"]["AccountId"]
got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
print(json.dumps({"joined": joined, "got": [json.loads(m["Body"]) for m in got]}))
"#
    );
    let out: Value = serde_json::from_str(&python(&env, &code, &[&admin])).unwrap();
    let joined = out["joined"].as_str().unwrap().to_owned();
    let got = out["got"].as_array().unwrap();
    assert_eq!(
        got.len(),
        1,
        "one event, the global StackSet's new instance: {got:#?}"
    );
    let event = &got[0];
    assert_eq!(event["source"], "aws.cloudformation", "{event:#}");
    assert_eq!(
        event["account"], MANAGEMENT,
        "announced where the StackSet is: {event:#}"
    );
    assert!(event["detail"]["stack-id"]
        .as_str()
        .unwrap()
        .contains(&joined));
    assert!(has_role(&env, &joined, READER), "deployed automatically");

    partner_role(&env, &joined, "vendor-lambda", &genesys(Some(THEIRS)));
    crate::live_security_hub::enable_hub(&env, &joined);
    let api = RuntimeApi::start();
    let function = crate::live_org_watch_destroy::deployed(&env, &admin, &api.address());
    let shipped = Shipped::start_from(&env, &api, &function, &credentials_of(&env, &admin));
    let code = r#"
out = client("lambda", sys.argv[2]).invoke(FunctionName="lambda-trust-org-watch",
    Payload=sys.argv[3])
print(json.dumps({"error": out.get("FunctionError"), "payload": json.loads(out["Payload"].read())}))
"#;
    let answer: Value =
        serde_json::from_str(&python(&env, code, &[&admin, &event.to_string()])).unwrap();
    let log = std::fs::read_to_string(&shipped.log).unwrap_or_default();
    assert_eq!(answer["error"], Value::Null, "{answer:#}\n{log}");
    let record = &answer["payload"];
    assert_eq!(record["change"]["scope"], "account", "{record:#}");
    assert_eq!(
        record["accounts"][0]["account"],
        joined.as_str(),
        "{record:#}"
    );
    let found = org_findings(&env, &joined, "ACTIVE");
    let codes = crate::live_org_watch::codes(&found);
    assert!(
        codes.contains(&"external-id-not-ours".to_owned()),
        "{codes:?}"
    );
}

/// Python, after `admin` is set: a queue, `url`, catching what the watch's bus's `-changes`
/// rule takes there (the function's own target is not invoked by the local AWS).
const CAUGHT: &str = r#"
events, sqs = client("events", admin), client("sqs", admin)
pattern = events.describe_rule(Name="lambda-trust-org-watch-changes",
    EventBusName="lambda-trust-org-watch")["EventPattern"]
url = sqs.create_queue(QueueName="caught")["QueueUrl"]
arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
events.put_rule(Name="caught", EventBusName="lambda-trust-org-watch", EventPattern=pattern)
events.put_targets(Rule="caught", EventBusName="lambda-trust-org-watch",
    Targets=[{"Id": "q", "Arn": arn}])
"#;

/// `watch deploy --organization --package PKG --yes`.
fn deploy_args(pkg: &str) -> [&str; 6] {
    [
        "watch",
        "deploy",
        "--organization",
        "--package",
        pkg,
        "--yes",
    ]
}

/// `--config-aggregator NAME`: an aggregator the watch's account does not have is refused
/// before any write; one it has is the function's (`LAMBDA_TRUST_CONFIG_AGGREGATOR`), whose
/// role may read it — the evaluator still proves that role writes nothing else — and status
/// takes the deployed one.
#[test]
fn the_sweeps_aggregator_is_one_the_watchs_account_has() {
    let env = Env::new();
    let (_org, admin, members, pkg) = ready(&env, 4);
    crate::live_security_hub::enable_hub(&env, &admin);
    let deploy = deploy_args(&pkg);
    let with = |name: &'static str| [&deploy[..], &["--config-aggregator", name]].concat();
    let (refused, writes) = env.writes_of(&with("org"), 1);
    assert_eq!(writes, 0);
    assert!(
        refused
            .stderr
            .contains("has no AWS Config aggregator of that name"),
        "{}",
        refused.stderr
    );
    let code = r#"
client("config", sys.argv[2]).put_configuration_aggregator(ConfigurationAggregatorName="org",
    AccountAggregationSources=[{"AccountIds": json.loads(sys.argv[3]), "AllAwsRegions": True}])
"#;
    python(&env, code, &[&admin, &json!(members).to_string()]);
    env.expect(&with("org"), 0);
    let vars = function_env(&env, &admin).unwrap();
    assert_eq!(vars["LAMBDA_TRUST_CONFIG_AGGREGATOR"], "org");
    let status = ["watch", "status", "--organization", "--package", &pkg];
    env.expect(&status, 0);
}

/// An account that left the organization takes its reader with it: the watch can no longer
/// read or settle what it filed there. Status says what that account's Security Hub held at
/// its last whole reading (the function's ledger, in the watch's account); an account still in
/// the organization is not said so; destroy deletes the ledger with the rest.
#[test]
fn status_says_what_an_account_that_left_still_holds_and_destroy_deletes_the_ledger() {
    let env = Env::new();
    let (_org, admin, members, pkg) = ready(&env, 4);
    crate::live_security_hub::enable_hub(&env, &admin);
    env.expect(&deploy_args(&pkg), 0);
    let (left, stays) = (&members[2], &members[1]);
    // What the function writes after each whole reading (`Held`), for both accounts.
    let code = r#"
ssm = client("ssm", sys.argv[2])
for account in sys.argv[3:5]:
    ssm.put_parameter(Name=f"/lambda-trust/organization-watch/held/{account}", Type="String",
        Value=json.dumps({"at": "2026-11-28T01:00:00Z", "findings": ["vendor-lambda/no-external-id"], "more": 0}))
client("organizations").remove_account_from_organization(AccountId=sys.argv[3])
"#;
    python(&env, code, &[&admin, left, stays]);
    let said = json_of(&env.run(&status_json(&pkg)));
    let notes = said["notes"].to_string();
    let departed = format!("account {left} left the organization");
    assert!(notes.contains(&departed), "{said:#}");
    assert!(notes.contains("vendor-lambda/no-external-id"), "{said:#}");
    assert!(
        notes.contains(&format!("lambda-trust/organization-watch/{left}/")),
        "{said:#}"
    );
    assert!(
        !notes.contains(&format!("account {stays} left")),
        "{said:#}"
    );

    // Destroy shows the ledger's deletion, makes it, and leaves none.
    let plan = env.run(&["watch", "destroy", "--organization"]);
    let shown = format!("{}{}", plan.stdout, plan.stderr);
    let line = "delete the watch's ledger of what 2 account(s) hold";
    assert!(shown.contains(line), "{shown}");
    let destroyed = env.expect(&["watch", "destroy", "--organization", "--yes"], 0);
    // What was read of the StackSets' instances before they were deleted is not said after.
    assert!(
        !destroyed.stdout.contains("have a CURRENT instance"),
        "{}",
        destroyed.stdout
    );
    let code = r#"
ssm = client("ssm", sys.argv[2])
print(len(ssm.get_parameters_by_path(Path="/lambda-trust/organization-watch/held")["Parameters"]))
"#;
    assert_eq!(python(&env, code, &[&admin]).trim(), "0");
}

/// `watch status --organization` of the package `pkg`, in JSON.
fn status_json(pkg: &str) -> [&str; 7] {
    [
        "watch",
        "status",
        "--organization",
        "--package",
        pkg,
        "--format",
        "json",
    ]
}
