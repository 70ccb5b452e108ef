//! `watch destroy --organization` re-proves every account a last time before it removes the
//! watch, as every removal must (nothing that still fails is closed silently): the package
//! `watch deploy` uploaded, downloaded and run as Lambda runs it, is handed each of the 20
//! accounts (`lambda:Invoke`, through the local Runtime API); in member 3, whose partner role
//! still takes another Genesys Cloud organization's ID, the finding stays ACTIVE and says the
//! watch was removed; in member 5, repaired since, it is settled; then the pieces go.

use crate::live_org_watch::{genesys, org_findings, partner_role, set_trust, OURS, ROLE, THEIRS};
use crate::live_org_watch_deploy::{credentials_of, function_env, has_role, ready, MANAGEMENT};

const READER: &str = "lambda-trust-org-watch-read";
use crate::live_security_hub::python;
use crate::support;

use serde_json::{json, Value};
use support::live::*;
use support::runtime_api::{RuntimeApi, Shipped};

const FUNCTION: &str = "lambda-trust-org-watch";

/// Security Hub on in every account of the organization.
fn hubs_on(env: &Env, accounts: &[String]) {
    let code = r#"
for account in json.loads(sys.argv[2]):
    client("securityhub", account).enable_security_hub()
"#;
    python(env, code, &[&json!(accounts).to_string()]);
}

/// The deployed function (`GetFunction` in the watch account `admin`), tagged so the local
/// AWS's `Invoke` hands its events to the Runtime API at `address`.
pub(crate) fn deployed(env: &Env, admin: &str, address: &str) -> Value {
    let code = r#"
lam = client("lambda", sys.argv[2])
f = lam.get_function(FunctionName=sys.argv[3])
lam.tag_resource(Resource=f["Configuration"]["FunctionArn"],
    Tags={"lambda-trust-test:runtime": sys.argv[4]})
print(json.dumps(f, default=str))
"#;
    serde_json::from_str(&python(env, code, &[admin, FUNCTION, address])).unwrap()
}

/// Security Hub on in every account, a partner role taking another organization's ID in each
/// of `partnered`, and the organization watch deployed (in the watch account `admin`) and its
/// package run as Lambda runs it: the Runtime API and the function, which live while they do.
fn watching(
    env: &Env,
    (admin, members): (&str, &[String]),
    partnered: &[&String],
) -> (RuntimeApi, Shipped) {
    let every: Vec<String> = std::iter::once(MANAGEMENT.to_owned())
        .chain(members.iter().cloned())
        .collect();
    hubs_on(env, &every);
    for m in partnered {
        partner_role(env, m, ROLE, &genesys(Some(THEIRS)));
    }
    let binary = env!("CARGO_BIN_EXE_lambda-trust");
    let deploy = ["watch", "deploy", "--organization", "--package", binary];
    env.expect(
        &[&deploy[..], &["--genesys-org-id", OURS, "--yes"]].concat(),
        0,
    );
    let api = RuntimeApi::start();
    let function = deployed(env, admin, &api.address());
    let shipped = Shipped::start_from(env, &api, &function, &credentials_of(env, admin));
    (api, shipped)
}

/// One of the sweep's events for `account`, invoked in the watch account as EventBridge
/// would hand it; the function's answer.
fn swept(env: &Env, admin: &str, account: &str) -> Value {
    let code = r#"
event = {"version": "0", "id": "1", "source": "lambda-trust.org-watch",
    "detail-type": "Sweep account", "account": sys.argv[2], "time": "2026-11-27T10:00:00Z",
    "region": "us-east-1", "resources": [],
    "detail": {"account": sys.argv[4], "why": "the schedule", "sweep": "s-1"}}
out = client("lambda", sys.argv[2]).invoke(FunctionName=sys.argv[3], Payload=json.dumps(event))
print(json.dumps({"error": out.get("FunctionError"), "payload": json.loads(out["Payload"].read())}))
"#;
    serde_json::from_str(&python(env, code, &[admin, FUNCTION, account])).unwrap()
}

#[test]
fn destroy_reproves_every_account_a_last_time_and_keeps_what_still_fails_active() {
    let env = Env::new();
    let (_org, admin, members, _) = ready(&env, 20);
    let (m3, m5) = (members[3].clone(), members[5].clone());
    let (_api, shipped) = watching(&env, (&admin, &members), &[&m3, &m5]);
    let log = || std::fs::read_to_string(&shipped.log).unwrap_or_default();
    for m in [&m3, &m5] {
        let answer = swept(&env, &admin, m);
        assert_eq!(answer["error"], Value::Null, "{answer:#}\n{}", log());
        let held = org_findings(&env, m, "ACTIVE");
        assert!(!held.is_empty(), "{m}: {answer:#}");
    }
    // Member 5 repaired by hand: the watch would settle its finding on the next event.
    set_trust(&env, &m5, ROLE, &genesys(Some(OURS)));

    env.proxy.clear();
    let out = env.expect(
        &[
            "watch",
            "destroy",
            "--organization",
            "--yes",
            "--format",
            "json",
        ],
        0,
    );
    let result = json_of(&out);
    let invokes = env.proxy.calls_to("lambda:Invoke");
    let invoked = invokes.len();
    // Said when it fails: each invocation's answer and event, and what destroy said.
    let seen: Vec<String> = (invokes.iter())
        .map(|c| format!("{:?} {}", c.status, c.body))
        .collect();
    assert_eq!(
        invoked,
        20,
        "one invocation per account:\n{}\n{}",
        seen.join("\n"),
        out.stderr
    );
    let calls = env.proxy.calls();
    let of_op = |op: &str| calls.iter().filter(|c| c.operation == op).count();
    println!(
        "destroy, 20 accounts: {invoked} invocations, {} calls in all ({} AssumeRole, {} \
         GetFindings, {} BatchImportFindings), {} writes",
        calls.len(),
        of_op("AssumeRole"),
        of_op("GetFindings"),
        of_op("BatchImportFindings"),
        env.proxy.count_writes()
    );
    let retired = result["retired"].as_array().expect("retired");
    assert_eq!(retired.len(), 20, "{result:#}\n{}", log());
    let of = |a: &str| retired.iter().find(|r| r["account"] == a).unwrap().clone();
    for r in retired {
        assert_eq!(r.get("error"), None, "{r:#}\n{}", log());
    }
    assert!(of(&m3)["kept"].as_u64().unwrap() >= 1, "{:#}", of(&m3));
    assert_eq!(of(&m3)["archived"], 0);
    assert!(of(&m5)["archived"].as_u64().unwrap() >= 1, "{:#}", of(&m5));
    assert_eq!(of(&m5)["kept"], 0);

    // Member 3's finding still fails: ACTIVE, saying the watch was removed and what proves
    // it again. Member 5's is settled.
    let kept = org_findings(&env, &m3, "ACTIVE");
    assert!(!kept.is_empty());
    for f in &kept {
        let text = f["Description"].as_str().unwrap();
        assert!(text.contains("watch that filed this was removed"), "{text}");
        assert!(text.contains("lambda-trust audit --organization"), "{text}");
    }
    assert_eq!(org_findings(&env, &m5, "ACTIVE"), Vec::<Value>::new());
    // Then the pieces went: the function among them.
    assert!(function_env(&env, &admin).is_none());
    assert!(out.stdout.contains("\"kept\""), "{}", out.stdout);
}

/// `role` in `account`: a policy attached to it by hand (IAM then refuses its deletion,
/// DeleteConflict), or, with `delete`, the role deleted by hand.
fn by_hand(env: &Env, account: &str, role: &str, delete: bool) {
    let code = r#"
iam, role = client("iam", sys.argv[2]), sys.argv[3]
if sys.argv[4] == "delete":
    try:
        names = iam.list_role_policies(RoleName=role)["PolicyNames"]
    except iam.exceptions.NoSuchEntityException:
        names = None  # already gone with its stack instance
    for name in names or []:
        iam.delete_role_policy(RoleName=role, PolicyName=name)
    if names is not None:
        iam.delete_role(RoleName=role)
else:
    arn = iam.create_policy(PolicyName="by-hand", PolicyDocument=json.dumps({"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)
"#;
    let how = if delete { "delete" } else { "attach" };
    python(env, code, &[account, role, how]);
}

/// A removal that fails leaves the watch running, so no finding may say it was removed. With a
/// policy attached by hand to a member's reader role, IAM refuses the role's deletion, and the
/// StackSet's DeleteStackInstances operation fails on it (asynchronous: the failure arrives on
/// the operation, as CloudFormation gives it). Destroy then hands each account it re-proved to
/// the function once more, which files its findings as a sweep does, and its error names the
/// write that failed, the CLI's writes before it, what the function settled and the watch's
/// own command. A reader role deleted by hand stops nothing: CloudFormation counts a resource
/// already gone as deleted.
#[test]
fn a_failed_destroy_puts_the_watchs_words_back_and_names_what_failed() {
    let env = Env::new();
    let (_org, admin, members, _) = ready(&env, 5);
    let (m1, stuck, gone) = (members[1].clone(), members[2].clone(), members[3].clone());
    let (_api, shipped) = watching(&env, (&admin, &members), &[&m1]);
    let log = || std::fs::read_to_string(&shipped.log).unwrap_or_default();
    let answer = swept(&env, &admin, &m1);
    assert_eq!(answer["error"], Value::Null, "{answer:#}\n{}", log());
    assert!(!org_findings(&env, &m1, "ACTIVE").is_empty());
    by_hand(&env, &stuck, READER, false);

    let destroy = ["watch", "destroy", "--organization", "--yes"];
    let failed = env.expect(&destroy, 1);
    let said = failed.stderr.replace('\n', " ");
    for what in [
        "StackSet lambda-trust-org-watch-global",
        "DeleteConflict",
        "write(s) before it stay",
        "re-proved 5 of 5 account(s) a last time",
        "put the watch's words back in",
        "lambda-trust watch destroy --organization",
    ] {
        assert!(said.contains(what), "{what}: {}\n{}", failed.stderr, log());
    }
    // The operation stopped at the failure (the instances before it deleted, the rest kept):
    // where the reader remains, the function put the words back.
    let lost: Vec<&String> = (members.iter())
        .filter(|m| !has_role(&env, m, READER))
        .collect();
    assert!(
        lost.len() < members.len(),
        "the operation stopped: {lost:?}"
    );
    // Where the operation had already removed the reader, the words cannot be put back: the
    // error names those accounts, and counts the rest.
    assert!(
        !lost.is_empty(),
        "the operation removed a reader before it stopped"
    );
    let back = format!("put the watch's words back in {} of them", 5 - lost.len());
    assert!(said.contains(&back), "{back}: {}", failed.stderr);
    assert!(
        said.contains("their findings still say the watch was removed"),
        "{}",
        failed.stderr
    );
    for account in &lost {
        assert!(
            said.contains(account.as_str()),
            "{account}: {}",
            failed.stderr
        );
    }
    assert!(!said.contains("remove rule"), "{}", failed.stderr);
    assert!(!said.contains("lambda-trust plan"), "{}", failed.stderr);
    // The watch still runs, and where its reader remains, what still fails does not say it
    // was removed.
    assert!(function_env(&env, &admin).is_some());
    let held = org_findings(&env, &m1, "ACTIVE");
    assert!(!held.is_empty());
    for f in held.iter().filter(|_| !lost.contains(&&m1)) {
        let text = f["Description"].as_str().unwrap();
        assert!(!text.contains("was removed"), "{text}");
    }

    // The policy detached, and another member's reader deleted by hand: destroy goes through.
    let code = r#"
iam = client("iam", sys.argv[2])
arn = f"arn:aws:iam::{sys.argv[2]}:policy/by-hand"
iam.detach_role_policy(RoleName=sys.argv[3], PolicyArn=arn)
"#;
    python(&env, code, &[&stuck, READER]);
    by_hand(&env, &gone, READER, true);
    let out = json_of(&env.expect(&[&destroy[..], &["--format", "json"]].concat(), 0));
    assert_eq!(out["retired"].as_array().map(Vec::len), Some(5), "{out:#}");
    assert!(function_env(&env, &admin).is_none());
    assert!(!has_role(&env, &stuck, READER));
}
