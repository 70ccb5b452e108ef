//! Who changed it: `check` and `verify` name the CloudTrail event behind each AWS drift finding.
//!
//! moto does not implement `LookupEvents`; the proxy records every IAM write it relays as a
//! CloudTrail event (attributed to the identity of the signing access key, with the request's
//! user agent) and answers `LookupEvents` itself (`tests/it/support/cloudtrail.rs`).

use crate::support;

use serde_json::{json, Value};
use support::cloudtrail::Event;
use support::live::*;
use support::{AwsSeed, FaultConfig, Injection};

const ROLE: &str = "GenesysLambdaInvoker";
const MALLORY: &str = "arn:aws:iam::123456789012:user/mallory";

fn findings(v: &Value) -> Vec<Value> {
    check_findings(v)
}

/// An IAM user with an access key on moto (made directly, so not in the trail), and a client
/// that signs with that key through the proxy (so its writes are recorded as that user's).
fn principal(env: &Env, name: &str) -> AwsSeed {
    env.iam("CreateUser", &[("UserName", name)]);
    let xml = env.iam("CreateAccessKey", &[("UserName", name)]);
    let key = support::http::xml_first(&xml, "AccessKeyId").expect("access key");
    env.proxy
        .client()
        .with_access_key(&key)
        .with_user_agent("aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64")
}

fn tamper_trust(who: &AwsSeed, external_id: &str) {
    who.iam_query(
        "UpdateAssumeRolePolicy",
        &[
            ("RoleName", ROLE),
            (
                "PolicyDocument",
                &trust_doc(external_id, "arn:aws:iam::765628985471:root"),
            ),
        ],
    );
}

fn last_event(env: &Env, name: &str) -> Event {
    env.proxy
        .trail()
        .into_iter()
        .rev()
        .find(|e| e.event_name == name)
        .unwrap_or_else(|| panic!("no {name} in the trail"))
}

#[test]
fn a_tamper_is_named_in_json_human_and_sarif() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    let mallory = principal(&env, "mallory");
    tamper_trust(&mallory, "attacker-org");
    // A later write on the same role by the same principal: with one event per page, the
    // trust finding's event is on the second page (NextToken).
    mallory.iam_query(
        "UpdateRole",
        &[("RoleName", ROLE), ("Description", "changed by hand")],
    );
    let tamper = last_event(&env, "UpdateAssumeRolePolicy");
    assert_eq!(tamper.identity.arn, MALLORY);
    env.proxy.set_faults(FaultConfig {
        trail_page_size: Some(1),
        ..FaultConfig::default()
    });
    env.proxy.clear();
    let sarif = env.dir.path().join("check.sarif");
    let r = env.expect(
        &[
            "check",
            "--format",
            "json",
            "--sarif",
            sarif.to_str().unwrap(),
        ],
        2,
    );
    let f = findings(&json_of(&r));
    let trust = f
        .iter()
        .find(|f| f["kind"] == json!("drift") && f["config_key"] == json!("trust"))
        .unwrap_or_else(|| panic!("{f:#?}"));
    assert_eq!(
        trust["changed_by"],
        json!({
            "source": "cloudtrail",
            "event": "UpdateAssumeRolePolicy",
            "who": MALLORY,
            "arn": MALLORY,
            "name": "mallory",
            "at": tamper.at,
            "source_ip": "127.0.0.1",
            "event_id": tamper.event_id,
        }),
        "{trust:#}"
    );
    assert_eq!(trust["cloudtrail"]["status"], json!("changed"));
    let description = f
        .iter()
        .find(|f| f["config_key"] == json!("role.description"))
        .unwrap_or_else(|| panic!("{f:#?}"));
    assert_eq!(description["changed_by"]["event"], json!("UpdateRole"));
    assert_eq!(description["changed_by"]["arn"], json!(MALLORY));

    // The lookups: in us-east-1, by the role's name, 90 days back, one page after another.
    let lookups = env.proxy.calls_to("cloudtrail:LookupEvents");
    assert_eq!(
        lookups.len(),
        2,
        "page 1 answers the description, page 2 the trust"
    );
    for (i, c) in lookups.iter().enumerate() {
        assert_eq!(c.region.as_deref(), Some("us-east-1"));
        let body: Value = serde_json::from_str(&c.body).unwrap();
        assert_eq!(
            body["LookupAttributes"],
            json!([{"AttributeKey": "ResourceName", "AttributeValue": ROLE}])
        );
        assert_eq!(body["MaxResults"], json!(50));
        let span = body["EndTime"].as_f64().unwrap() - body["StartTime"].as_f64().unwrap();
        assert!((span - 90.0 * 86400.0).abs() <= 2.0, "{span}");
        assert_eq!(body.get("NextToken").is_some(), i == 1, "{body}");
    }
    assert_eq!(env.proxy.count_writes(), 0);

    // The same in the human output and in SARIF.
    let human = env.expect(&["check"], 2).stdout;
    let line = format!("— UpdateAssumeRolePolicy by {MALLORY} at {}", tamper.at);
    assert!(human.contains(&line), "{human}");
    assert!(human.contains("by mallory, from 127.0.0.1"), "{human}");
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let named = results
        .iter()
        .find(|r| r["properties"]["changed_by"]["event"] == json!("UpdateAssumeRolePolicy"))
        .unwrap_or_else(|| panic!("{results:#?}"));
    assert_eq!(named["properties"]["changed_by"]["arn"], json!(MALLORY));
    assert_eq!(named["properties"]["changed_by"]["at"], json!(tamper.at));
    assert!(named["message"]["text"].as_str().unwrap().contains(&line));

    // verify says it too.
    let v = env.run(&["verify"]);
    assert_eq!(v.code, 3, "{}\n{}", v.stdout, v.stderr);
    assert!(v.stdout.contains(&line), "{}", v.stdout);
    let v = env.run(&["verify", "--format", "json"]);
    let changes = json_of(&v)["changes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        changes
            .iter()
            .any(|c| c["changed_by"]["arn"] == json!(MALLORY)),
        "{changes:#?}"
    );
}

#[test]
fn a_change_made_by_apply_is_never_blamed() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    let mallory = principal(&env, "mallory");
    tamper_trust(&mallory, "attacker-org");
    // apply repairs it: the latest UpdateAssumeRolePolicy is now lambda-trust's own.
    env.expect(&["apply", "--yes"], 0);
    let repaired = last_event(&env, "UpdateAssumeRolePolicy");
    assert!(
        repaired.user_agent.contains("app/lambda-trust-"),
        "every call carries the app name: {}",
        repaired.user_agent
    );
    // Then the config changes (a new external ID): drift that apply's write explains.
    let text = std::fs::read_to_string(env.config_path()).unwrap();
    env.write_config(&text.replace(EXT, "1d4d1c1e-2b47-4f6a-9a0b-6c1f0e2d3b4a"));
    let r = env.expect(&["check", "--format", "json"], 2);
    let f = findings(&json_of(&r));
    let trust: Vec<&Value> = f
        .iter()
        .filter(|f| f["kind"] == json!("drift") && f["config_key"] == json!("trust"))
        .collect();
    assert!(!trust.is_empty(), "{f:#?}");
    for t in &trust {
        assert!(t.get("changed_by").is_none(), "blamed: {t:#}");
        assert_eq!(
            t["cloudtrail"],
            json!({"status": "applied_by_lambda_trust", "at": repaired.at,
                   "arn": repaired.identity.arn, "event_id": repaired.event_id}),
            "{t:#}"
        );
    }
    assert!(f.iter().all(|f| f.get("changed_by").is_none()), "{f:#?}");
    let human = env.expect(&["check"], 2).stdout;
    assert!(
        human.contains(&format!(
            "— last applied by lambda-trust at {}",
            repaired.at
        )),
        "{human}"
    );
    assert!(!human.contains("mallory"), "{human}");
}

#[test]
fn an_in_sync_check_makes_no_cloudtrail_call() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    env.proxy.clear();
    env.expect(&["check"], 0);
    env.expect(&["verify"], 0);
    assert_eq!(env.proxy.count("cloudtrail:LookupEvents"), 0);
    assert!(
        env.proxy.count("iam:GetRole") >= 2,
        "the check did read AWS"
    );
}

#[test]
fn without_the_permission_every_finding_is_still_reported() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    let mallory = principal(&env, "mallory");
    tamper_trust(&mallory, "attacker-org");
    mallory.iam_query(
        "TagPolicy",
        &[
            ("PolicyArn", &policy_arn()),
            ("Tags.member.1.Key", "owner"),
            ("Tags.member.1.Value", "mallory"),
        ],
    );
    mallory.iam_query(
        "UntagPolicy",
        &[
            ("PolicyArn", &policy_arn()),
            ("TagKeys.member.1", "managed-by"),
        ],
    );
    let allowed = findings(&json_of(&env.expect(&["check", "--format", "json"], 2)));
    assert!(
        allowed
            .iter()
            .any(|f| f["changed_by"]["event"] == json!("UntagPolicy")),
        "the policy's finding is looked up by its ARN: {allowed:#?}"
    );

    env.proxy.inject(
        Injection::new(
            "cloudtrail:LookupEvents",
            400,
            "AccessDeniedException",
            "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudtrail:LookupEvents",
        )
        .always(),
    );
    env.proxy.clear();
    let r = env.expect(&["check", "--format", "json"], 2);
    let denied = findings(&json_of(&r));
    assert_eq!(denied.len(), allowed.len(), "{denied:#?}");
    for (a, d) in allowed.iter().zip(&denied) {
        assert_eq!(a["message"], d["message"]);
        assert!(d.get("changed_by").is_none(), "{d:#}");
    }
    assert!(denied.iter().any(|d| d["cloudtrail"]
        == json!({"status": "not_permitted", "permission": "cloudtrail:LookupEvents"})));
    assert_eq!(
        env.proxy.count("cloudtrail:LookupEvents"),
        1,
        "after AccessDenied no further lookup is sent"
    );
    let human = env.expect(&["check"], 2);
    assert_eq!(
        human.stdout.matches("cloudtrail:LookupEvents").count(),
        2,
        "said once (the sentence names it twice): {}",
        human.stdout
    );
}

#[test]
fn a_change_without_an_event_says_so() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    // Made straight on moto: CloudTrail (the proxy) never saw it.
    env.iam(
        "CreatePolicy",
        &[
            ("PolicyName", "foreign"),
            ("PolicyDocument", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#),
        ],
    );
    let foreign = format!("arn:aws:iam::{ACCOUNT}:policy/foreign");
    env.iam(
        "AttachRolePolicy",
        &[("RoleName", ROLE), ("PolicyArn", &foreign)],
    );
    env.proxy.clear();
    let r = env.expect(&["check", "--format", "json"], 2);
    let f = findings(&json_of(&r));
    let detach = f
        .iter()
        .find(|f| f["message"].as_str().unwrap_or("").contains(&foreign))
        .unwrap_or_else(|| panic!("{f:#?}"));
    assert_eq!(
        detach["cloudtrail"],
        json!({"status": "no_event", "days": 90})
    );
    let lookups = env.proxy.calls_to("cloudtrail:LookupEvents");
    assert!(
        lookups.iter().any(|c| c.body.contains(&foreign)),
        "looked up by the policy's ARN"
    );
    let human = env.expect(&["check"], 2).stdout;
    assert!(
        human.contains("— no CloudTrail event in the last 90 days"),
        "{human}"
    );
}

/// A CloudTrail answer the SDK cannot read an error code from (a server error without one,
/// as a local AWS without `LookupEvents` gives): the finding says the HTTP status and what the
/// service said, never the SDK's bare "unhandled error".
#[test]
fn a_lookup_error_without_a_code_says_the_status_and_the_answer() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    tamper_trust(&principal(&env, "mallory"), "attacker-org");
    env.proxy.inject(
        Injection::new(
            "cloudtrail:LookupEvents",
            500,
            "",
            "the lookup broke (injected)",
        )
        .always(),
    );
    let r = env.expect(&["check", "--max-attempts", "2"], 2);
    assert!(!r.stdout.contains("unhandled error"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("the CloudTrail lookup failed: HTTP 500: the lookup broke (injected)"),
        "{}",
        r.stdout
    );
    assert_eq!(
        env.proxy.count("cloudtrail:LookupEvents"),
        2,
        "--max-attempts 2"
    );

    // With a code, the code and the message.
    env.proxy.clear_faults();
    env.proxy.inject(
        Injection::new(
            "cloudtrail:LookupEvents",
            400,
            "InvalidLookupAttributesException",
            "no such attribute (injected)",
        )
        .always(),
    );
    let r = env.expect(&["check"], 2);
    assert!(
        r.stdout.contains(
            "the CloudTrail lookup failed: InvalidLookupAttributesException: no such attribute (injected)"
        ),
        "{}",
        r.stdout
    );
}

/// A failing CloudTrail ends the run's lookups at the first failure: two drifted resources cost
/// one lookup's attempts (the SDK's default 8), not one per resource, even though its retries
/// take seconds; and the failure is said once, not per finding.
#[test]
fn a_failing_lookup_is_made_and_said_once_per_run() {
    let env = setup(&["lookup-customer"]);
    env.expect(&["apply", "--yes"], 0);
    let mallory = principal(&env, "mallory");
    tamper_trust(&mallory, "attacker-org");
    // The invoke policy changed too: a second drifted resource to look up.
    let wider = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "lambda:InvokeFunction", "Resource": "*"}]});
    mallory.iam_query(
        "CreatePolicyVersion",
        &[
            ("PolicyArn", &policy_arn()),
            ("PolicyDocument", &wider.to_string()),
            ("SetAsDefault", "true"),
        ],
    );
    env.proxy.inject(
        Injection::new(
            "cloudtrail:LookupEvents",
            500,
            "",
            "the lookup broke (injected)",
        )
        .always(),
    );
    env.proxy.clear();
    let r = env.expect(&["check"], 2);
    assert_eq!(
        env.proxy.count("cloudtrail:LookupEvents"),
        8,
        "one lookup's 8 attempts, the other resource not looked up"
    );
    assert_eq!(
        r.stdout.matches("CloudTrail lookup failed").count(),
        1,
        "{}",
        r.stdout
    );
    let said = "the CloudTrail lookup failed: HTTP 500: the lookup broke (injected)";
    assert!(r.stdout.contains(said), "{}", r.stdout);
}

/// What the demo printed under the step titled `from` (its title's line left out), up to the
/// step titled `to` (or the end).
pub(crate) fn demo_step<'a>(stdout: &'a str, from: &str, to: &str) -> &'a str {
    let rest = (stdout.split_once(from))
        .and_then(|(_, rest)| rest.split_once('\n'))
        .unwrap_or_else(|| panic!("no step {from:?}:\n{stdout}"))
        .1;
    rest.split(to).next().unwrap_or(rest)
}

/// The function's answer record a demo step printed: its one JSON line.
fn demo_record(step: &str) -> Value {
    let line = (step.lines())
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no answer record:\n{step}"));
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

/// What the demo `script` printed, run against `env`'s local AWS with the binary under test
/// (its run asserted successful).
pub(crate) fn run_demo(env: &Env, script: &str) -> String {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new("bash")
        .arg(repo.join(script))
        .env("DEMO_AWS_ENDPOINT", env.proxy.url())
        .env("DEMO_BIN", support::bin_path())
        .env_remove("AWS_PROFILE")
        .env_remove("LAMBDA_TRUST_CONFIG")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {script}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n--- stderr\n{stderr}");
    stdout
}

/// `just demo` (scripts/demo.sh) against the tests' local AWS, started here, with the binary
/// under test: every step exits as the demo expects, and its tamper step's `check` names the
/// IAM user who tampered. Then the watch: its package, deployed to the local AWS and run as
/// Lambda runs it, hears the same user's hand edit of the trust policy in one invocation; the
/// finding Security Hub holds is active and names her, and `watch destroy` archives it.
#[test]
fn the_demo_runs_and_names_who_tampered() {
    let env = Env::new();
    let stdout = run_demo(&env, "scripts/demo.sh");
    let jane = format!("arn:aws:iam::{ACCOUNT}:user/jane.doe");
    let step7 = stdout
        .split("7. lambda-trust check")
        .nth(1)
        .and_then(|s| s.split("8. lambda-trust plan").next())
        .unwrap_or_else(|| panic!("no step 7:\n{stdout}"));
    assert!(
        step7.contains(&format!("UpdateAssumeRolePolicy by {jane}")),
        "{step7}"
    );
    assert!(
        step7.contains(&format!("AttachRolePolicy by {jane}")),
        "{step7}"
    );
    assert!(!stdout.contains("unhandled error"), "{stdout}");
    assert!(!stdout.contains("who changed it is unknown"), "{stdout}");

    // The watch: the schedule's first read is in sync, the hand edit one drift.
    let tick = demo_record(demo_step(&stdout, "25. The function", "26. Jane Doe"));
    assert_eq!(tick["reread"], "everything", "{tick:#}");
    assert_eq!(tick["verdict"]["status"], "ok", "{tick:#}");
    let edit = demo_record(demo_step(&stdout, "26. Jane Doe", "27. Security Hub"));
    assert_eq!(edit["verdict"]["status"], "drift", "{edit:#}");
    assert_eq!(edit["reread"], "role", "{edit:#}");
    assert_eq!(
        edit["change"]["call"],
        json!({"event": "UpdateAssumeRolePolicy", "by": jane, "at": edit["change"]["call"]["at"]}),
        "{edit:#}"
    );
    assert!(
        (edit["verdict"]["findings"].as_array().into_iter().flatten())
            .any(|c| c.as_str().is_some_and(|c| c.starts_with("trust-"))),
        "{edit:#}"
    );
    assert!(
        edit["published"]["security_hub"]["imported"].as_u64() >= Some(1),
        "{edit:#}"
    );
    // What Security Hub holds: active and naming her, and still active after destroy (her edit
    // still stands: removing the watch never hides it).
    let held = demo_step(
        &stdout,
        "27. Security Hub",
        "28. lambda-trust watch destroy",
    );
    let trust = (held.lines())
        .position(|l| l.contains("The live trust policy admits more"))
        .unwrap_or_else(|| panic!("no trust finding:\n{held}"));
    let lines: Vec<&str> = held.lines().collect();
    assert!(lines[trust].contains(" ACTIVE "), "{held}");
    assert!(
        lines[trust + 1].contains(&format!("changed by {jane}")),
        "{held}"
    );
    assert!(!held.contains("ARCHIVED"), "{held}");
    // Each finding the edit's run sent is one Security Hub holds: no two share an Id.
    assert_eq!(
        edit["published"]["security_hub"]["imported"],
        held.lines().filter(|l| l.contains(" ACTIVE ")).count(),
        "{edit:#}\n{held}"
    );
    let after = demo_step(&stdout, "29. Security Hub after destroy", "Done.");
    let active = (after.lines()).filter(|l| l.contains(" ACTIVE ")).count();
    assert_eq!(
        active,
        held.lines().filter(|l| l.contains(" ACTIVE ")).count(),
        "{after}"
    );
    assert!(active >= 1 && !after.contains(" ARCHIVED "), "{after}");
}
