//! `watch destroy --organization` re-proves every account a last time before it removes the
//! watch, as every removal must (nothing that still fails is closed silently): the package
//! `watch deploy` uploaded, downloaded and run as Lambda runs it, is handed each of the 20
//! accounts (`lambda:Invoke`, through the local Runtime API); in member 3, whose partner role
//! still takes another Genesys Cloud organization's ID, the finding stays ACTIVE and says the
//! watch was removed; in member 5, repaired since, it is settled; then the pieces go.

use crate::live_org_watch::{genesys, org_findings, partner_role, set_trust, OURS, ROLE, THEIRS};
use crate::live_org_watch_deploy::{credentials_of, function_env, ready, MANAGEMENT};
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
    let every: Vec<String> = std::iter::once(MANAGEMENT.to_owned())
        .chain(members.iter().cloned())
        .collect();
    hubs_on(&env, &every);
    let (m3, m5) = (members[3].clone(), members[5].clone());
    partner_role(&env, &m3, ROLE, &genesys(Some(THEIRS)));
    partner_role(&env, &m5, ROLE, &genesys(Some(THEIRS)));
    let binary = env!("CARGO_BIN_EXE_lambda-trust");
    let deploy = ["watch", "deploy", "--organization", "--package", binary];
    env.expect(
        &[&deploy[..], &["--genesys-org-id", OURS, "--yes"]].concat(),
        0,
    );

    let api = RuntimeApi::start();
    let function = deployed(&env, &admin, &api.address());
    let shipped = Shipped::start_from(&env, &api, &function, &credentials_of(&env, &admin));
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
    let invoked = env.proxy.calls_to("lambda:Invoke").len();
    assert_eq!(invoked, 20, "one invocation per account");
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
