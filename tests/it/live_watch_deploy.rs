//! `watch deploy|status|destroy` against moto behind the counting proxy: the function, its
//! read-only role and its rules created; a second deploy writes nothing; a config change is a
//! redeploy of what it changed; two watches of two configs in one account never touch each
//! other; destroy removes exactly its own; a binary Lambda cannot run, or not lambda-trust, is refused before any call.

use crate::live_security_hub::{enable_hub, python};
use crate::support;

use serde_json::{json, Value};
use support::live::*;

/// What a fake executable says of itself.
#[derive(Clone, Copy)]
pub(crate) enum Fake {
    /// lambda-trust, static: what `--package` accepts.
    LambdaTrust,
    /// lambda-trust linked against musl's loader, which `provided.al2023` lacks.
    MuslLoader,
    /// Another program: no lambda-trust package mark.
    Other,
}

/// A Linux x86_64 ELF executable's headers and sections (what `--package` reads): its
/// interpreter (`PT_INTERP`) and the `.lambda_trust` section lambda-trust's binary carries.
/// Lambda never runs it here (moto does not run functions).
fn elf(fake: Fake) -> Vec<u8> {
    let interp: &[u8] = match fake {
        Fake::MuslLoader => b"/lib/ld-musl-x86_64.so.1\0",
        _ => b"",
    };
    let mark: &[u8] = match fake {
        Fake::Other => b"hello 1.0",
        _ => b"lambda-trust 0.1.0",
    };
    let shstrtab = b"\0.shstrtab\0.lambda_trust\0";
    let phnum: u16 = if interp.is_empty() { 1 } else { 2 };
    let data_at = 64 + 56 * u64::from(phnum);
    let (mark_at, strtab_at) = (
        data_at + interp.len() as u64,
        data_at + (interp.len() + mark.len()) as u64,
    );
    let shoff = strtab_at + shstrtab.len() as u64;
    let mut b = vec![0x7f, b'E', b'L', b'F', 2, 1, 1, 0];
    b.extend([0u8; 8]);
    b.extend(2u16.to_le_bytes()); // ET_EXEC
    b.extend(0x3eu16.to_le_bytes()); // EM_X86_64
    b.extend(1u32.to_le_bytes());
    b.extend(0x400000u64.to_le_bytes()); // entry
    b.extend(64u64.to_le_bytes()); // program headers right after this header
    b.extend(shoff.to_le_bytes());
    b.extend(0u32.to_le_bytes());
    b.extend([64u8, 0, 56, 0]);
    b.extend(phnum.to_le_bytes());
    b.extend([64u8, 0, 3, 0, 1, 0]); // 3 section headers, names in section 1
    let program = |kind: u32, offset: u64, size: u64| {
        let mut h = Vec::new();
        h.extend(kind.to_le_bytes());
        h.extend(5u32.to_le_bytes());
        for v in [offset, 0, 0, size, size, 1] {
            h.extend(v.to_le_bytes());
        }
        h
    };
    b.extend(program(1, 0, 0)); // PT_LOAD
    if !interp.is_empty() {
        b.extend(program(3, data_at, interp.len() as u64)); // PT_INTERP
    }
    b.extend(interp);
    b.extend(mark);
    b.extend(shstrtab);
    let section = |name: u32, kind: u32, offset: u64, size: u64| {
        let mut h = Vec::new();
        h.extend(name.to_le_bytes());
        h.extend(kind.to_le_bytes());
        for v in [0u64, 0, offset, size] {
            h.extend(v.to_le_bytes());
        }
        h.extend([0u8; 24]);
        h
    };
    b.extend(section(0, 0, 0, 0));
    b.extend(section(1, 3, strtab_at, shstrtab.len() as u64)); // SHT_STRTAB
    b.extend(section(11, 1, mark_at, mark.len() as u64)); // SHT_PROGBITS
    b
}

pub(crate) fn package(env: &Env, fake: Fake) -> String {
    let name = match fake {
        Fake::LambdaTrust => "lambda-trust",
        Fake::MuslLoader => "lambda-trust-musl-loader",
        Fake::Other => "hello",
    };
    let path = env.dir.path().join(name);
    std::fs::write(&path, elf(fake)).unwrap();
    path.to_str().unwrap().to_owned()
}

fn functions(env: &Env) -> Vec<String> {
    let code = r#"
names = [f["FunctionName"] for f in client("lambda").list_functions()["Functions"]]
print(json.dumps(names))
"#;
    serde_json::from_str(&python(env, code, &[])).unwrap()
}

fn rules(env: &Env, region: &str) -> Vec<String> {
    let code = r#"
import boto3
events = boto3.client("events", endpoint_url=sys.argv[1], region_name=sys.argv[2],
    aws_access_key_id="testing", aws_secret_access_key="testing")
print(json.dumps([r["Name"] for r in events.list_rules()["Rules"]]))
"#;
    serde_json::from_str(&python(env, code, &[region])).unwrap()
}

/// A multi-region trail, logging (its default selectors take management events).
fn trail(env: &Env) {
    let code = r#"
client("s3").create_bucket(Bucket="trail-logs")
ct = client("cloudtrail")
ct.create_trail(Name="everywhere", S3BucketName="trail-logs", IsMultiRegionTrail=True)
ct.start_logging(Name="everywhere")
"#;
    python(env, code, &[]);
}

/// `code` run with `events`, an EventBridge client of the local AWS in us-east-1, and `args`.
fn with_events(env: &Env, code: &str, args: &[&str]) -> String {
    let prelude = r#"
import boto3
events = boto3.client("events", endpoint_url=sys.argv[1], region_name="us-east-1",
    aws_access_key_id="testing", aws_secret_access_key="testing")
"#;
    python(env, &format!("{prelude}{code}"), args)
}

/// The quick start's config with `[watch]` holding `table`, applied, and the watch deployed
/// from a static package: the package's path.
fn deployed_with(env: &Env, table: &str) -> String {
    let base = config(&["lookup"], "");
    env.write_config(&format!("{base}\n[watch]\n{table}\n"));
    env.expect(&["apply", "--yes"], 0);
    let pkg = package(env, Fake::LambdaTrust);
    // A trail and Security Hub: the watch can hear and publish, so deploy exits 0.
    trail(env);
    enable_hub(env, ACCOUNT);
    env.expect(&["watch", "deploy", "--package", &pkg, "--yes"], 0);
    pkg
}

fn json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

#[test]
fn deploy_is_idempotent_a_config_change_is_a_redeploy_and_destroy_removes_only_its_own() {
    let env = setup(&["lookup", "orders"]);
    env.moto.lambda_create_function("refunds", "eu-west-1");
    let mut text = config(&["lookup", "orders"], "");
    text.push_str(
        "\n[[targets]]\nfunction = \"arn:aws:lambda:eu-west-1:123456789012:function:refunds\"\n",
    );
    env.write_config(&text);
    env.expect(&["apply", "--yes"], 0);
    let pkg = package(&env, Fake::LambdaTrust);
    // Before a trail logs management events, EventBridge gets no call: said, not assumed.
    let before = json(&env.expect(
        &["watch", "status", "--package", &pkg, "--format", "json"],
        2,
    ));
    assert!(
        before["problems"]
            .to_string()
            .contains("cannot hear us-east-1: no CloudTrail trail"),
        "{before:#}"
    );
    // What a first deploy writes, in order: the snapshot is the plan a reviewer reads.
    insta::assert_json_snapshot!("watch_deploy_plan", before["changes"]);
    trail(&env);

    let (first, writes) = env.writes_of(
        &[
            "watch",
            "deploy",
            "--package",
            &pkg,
            "--yes",
            "--format",
            "json",
        ],
        // Written, but Security Hub is off: the watch cannot publish, which deploy exits 2 on.
        2,
    );
    let first = json(&first);
    assert!(writes >= 10, "{writes} writes: {first:#}");
    assert!(
        first["problems"].to_string().contains("cannot publish"),
        "{first:#}"
    );
    let notes = first["notes"].to_string();
    assert!(
        notes.contains("eu-west-1: CloudTrail trail everywhere logs"),
        "{first:#}"
    );
    assert!(functions(&env).contains(&"lambda-trust-watch-GenesysLambdaInvoker".to_owned()));
    assert!(
        rules(&env, "eu-west-1")
            .iter()
            .any(|r| r.ends_with("-lambda")),
        "forwarding rule"
    );
    let home = rules(&env, "us-east-1");
    assert!(home.iter().any(|r| r.ends_with("-iam")) && home.iter().any(|r| r.ends_with("-tick")));
    // The function's role is the one the evaluator proved: its policy allows no write to IAM.
    let policy = env.iam(
        "GetRolePolicy",
        &[
            ("RoleName", "lambda-trust-watch-GenesysLambdaInvoker"),
            ("PolicyName", "lambda-trust-watch-reads"),
        ],
    );
    assert!(
        !policy.contains("iam%3APut") && policy.contains("BatchImportFindings"),
        "{policy}"
    );

    let (again, writes) = env.writes_of(&["watch", "deploy", "--package", &pkg, "--yes"], 2);
    assert_eq!(writes, 0, "{}", again.stderr);
    assert!(
        again
            .stdout
            .contains("nothing to write, but the watch is not healthy"),
        "{}",
        again.stdout
    );
    // Deployed as wanted, but Security Hub is not enabled: the watch cannot publish.
    let deaf = env.expect(&["watch", "status", "--package", &pkg], 2);
    assert!(
        deaf.stdout
            .contains("cannot publish: Security Hub is not enabled")
            && deaf.stdout.contains("enable-security-hub")
            && deaf.stdout.contains("not healthy"),
        "{}",
        deaf.stdout
    );
    enable_hub(&env, ACCOUNT);
    let healthy = json(&env.expect(
        &["watch", "status", "--package", &pkg, "--format", "json"],
        0,
    ));
    assert_eq!(healthy["problems"], serde_json::json!([]), "{healthy:#}");
    assert_eq!(
        healthy["active_findings"],
        serde_json::json!([]),
        "{healthy:#}"
    );

    // A new target changes the packaged config (the code) and the rules that name targets.
    env.moto.lambda_create_function("payments", "us-east-1");
    text.push_str("\n[[targets]]\nfunction = \"payments\"\n");
    env.write_config(&text);
    env.expect(&["apply", "--yes"], 0);
    let status = json(&env.expect(
        &["watch", "status", "--package", &pkg, "--format", "json"],
        2,
    ));
    let changes = status["changes"].to_string();
    assert!(changes.contains("update the code"), "{status:#}");
    assert!(changes.contains("put rule"), "{status:#}");
    assert!(!changes.contains("create role"), "{status:#}");
    env.expect(&["watch", "deploy", "--package", &pkg, "--yes"], 0);
    env.expect(&["watch", "status", "--package", &pkg], 0);

    // A second config's watch in the same account and region: its own role, its own watch.
    let other = env.dir.path().join("other.toml");
    let text = config(&["lookup"], "").replace("GenesysLambdaInvoker", "OtherInvoker");
    std::fs::write(&other, text).unwrap();
    let other = other.to_str().unwrap();
    let with = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--config", other]);
        env.run_raw(&all)
    };
    assert_eq!(with(&["apply", "--yes"]).code, 0);
    let r = with(&["watch", "deploy", "--package", &pkg, "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Deploying one watch is no drift of the other.
    env.expect(&["watch", "status", "--package", &pkg], 0);

    let removal = json(&env.expect(
        &["watch", "status", "--package", &pkg, "--format", "json"],
        0,
    ));
    assert_eq!(removal["changes"], serde_json::json!([]));
    let pending = env.expect(&["watch", "destroy", "--package", &pkg], 1);
    insta::assert_snapshot!("watch_destroy_plan", pending.stderr);
    assert!(pending.stderr.contains("--yes"), "{}", pending.stderr);
    let (_, writes) = env.writes_of(&["watch", "destroy", "--package", &pkg, "--yes"], 0);
    assert!(writes > 0);
    let left = functions(&env);
    assert!(
        !left.contains(&"lambda-trust-watch-GenesysLambdaInvoker".to_owned()),
        "{left:?}"
    );
    assert!(
        left.contains(&"lambda-trust-watch-OtherInvoker".to_owned()),
        "{left:?}"
    );
    let home = rules(&env, "us-east-1");
    assert!(
        home.iter().all(|r| !r.contains("GenesysLambdaInvoker")),
        "{home:?}"
    );
    assert!(home.iter().any(|r| r.contains("OtherInvoker")), "{home:?}");
    assert_eq!(rules(&env, "eu-west-1"), Vec::<String>::new());
    let r = with(&["watch", "status", "--package", &pkg]);
    assert_eq!(
        r.code, 0,
        "the other watch is untouched: {}{}",
        r.stdout, r.stderr
    );
    let (_, writes) = env.writes_of(&["watch", "destroy", "--package", &pkg, "--yes"], 0);
    assert_eq!(writes, 0, "nothing of its own is left");
}

/// Imports one finding of the watch of `GenesysLambdaInvoker`, as its function would.
fn publish_finding(env: &Env, title: &str, severity: &str) {
    let code = r#"
account, title, severity = "123456789012", sys.argv[2], sys.argv[3]
product = f"arn:aws:securityhub:us-east-1:{account}:product/{account}/default"
role = f"arn:aws:iam::{account}:role/GenesysLambdaInvoker"
out = client("securityhub").batch_import_findings(Findings=[{
    "SchemaVersion": "2018-10-08", "Id": f"lambda-trust/watch/{account}/{role}/trust-broader",
    "ProductArn": product, "GeneratorId": "lambda-trust/watch/GenesysLambdaInvoker/trust-broader",
    "AwsAccountId": account, "Types": ["Software and Configuration Checks"],
    "CreatedAt": "2026-01-01T00:00:00Z", "UpdatedAt": "2026-01-02T03:04:05Z",
    "Severity": {"Label": severity}, "Title": title, "Description": "d",
    "Resources": [{"Type": "AwsIamRole", "Id": role}]}])
assert out["FailedCount"] == 0, out
"#;
    python(env, code, &[title, severity]);
}

#[test]
fn status_lists_the_watchs_active_findings_as_security_hub_holds_them() {
    let env = setup(&["lookup"]);
    trail(&env);
    enable_hub(&env, ACCOUNT);
    let pkg = deployed_with(&env, "");
    let title = "Trust policy broader than Genesys Cloud";
    publish_finding(&env, title, "HIGH");
    let text = env.expect(&["watch", "status", "--package", &pkg], 0);
    assert!(
        text.stdout.contains(title)
            && text.stdout.contains("HIGH")
            && text.stdout.contains("2026-01-02T03:04:05Z"),
        "{}",
        text.stdout
    );
    let status = json(&env.expect(
        &["watch", "status", "--package", &pkg, "--format", "json"],
        0,
    ));
    let found = &status["active_findings"];
    assert_eq!(found[0]["title"], title, "{status:#}");
    assert_eq!(found[0]["severity"], "HIGH", "{status:#}");
    assert_eq!(found[0]["updated_at"], "2026-01-02T03:04:05Z", "{status:#}");
    assert_eq!(found[0]["created_at"], "2026-01-01T00:00:00Z", "{status:#}");
}

/// Each lambda-trust finding's record state by its generator, as Security Hub holds them.
fn record_states(env: &Env) -> Value {
    let code = r#"
found = client("securityhub").get_findings()["Findings"]
print(json.dumps({f["GeneratorId"]: f["RecordState"] for f in found}))
"#;
    let out = python(env, code, &[]);
    serde_json::from_str(out.trim()).expect("the record states")
}

#[test]
fn destroy_archives_the_watchs_own_active_findings_and_says_how_many() {
    let env = setup(&["lookup"]);
    trail(&env);
    enable_hub(&env, ACCOUNT);
    let pkg = deployed_with(&env, "");
    publish_finding(&env, "Trust policy broader than Genesys Cloud", "HIGH");
    // Another watch's, of a role whose name begins with this one's.
    let code = r#"
hub = client("securityhub")
account = "123456789012"
hub.batch_import_findings(Findings=[{
    "SchemaVersion": "2018-10-08", "Id": "lambda-trust/watch/other/trust-broader",
    "ProductArn": f"arn:aws:securityhub:us-east-1:{account}:product/{account}/default",
    "GeneratorId": "lambda-trust/watch/GenesysLambdaInvokerTwo/trust-broader",
    "AwsAccountId": account, "Types": ["Software and Configuration Checks"],
    "CreatedAt": "2026-01-01T00:00:00Z", "UpdatedAt": "2026-01-02T03:04:05Z",
    "Severity": {"Label": "HIGH"}, "Title": "t", "Description": "d",
    "Resources": [{"Type": "AwsIamRole", "Id": "r"}]}])
"#;
    python(&env, code, &[]);
    let ours = "lambda-trust/watch/GenesysLambdaInvoker/trust-broader";
    let other = "lambda-trust/watch/GenesysLambdaInvokerTwo/trust-broader";
    let pending = env.expect(&["watch", "destroy", "--package", &pkg], 1);
    assert!(
        pending.stderr.contains("archive 1 Security Hub finding(s)"),
        "{}",
        pending.stderr
    );
    let text = env.expect(&["watch", "destroy", "--package", &pkg, "--yes"], 0);
    assert!(
        text.stdout.contains("archived 1 finding(s)"),
        "{}",
        text.stdout
    );
    assert!(
        !text.stdout.contains("CloudTrail") && !text.stdout.contains("the function lives in"),
        "no notes about a watch that is gone: {}",
        text.stdout
    );
    let states = record_states(&env);
    assert_eq!(states[ours], "ARCHIVED", "{states:#}");
    assert_eq!(
        states[other], "ACTIVE",
        "another watch's is not ours: {states:#}"
    );
    let again = json(&env.expect(
        &[
            "watch",
            "destroy",
            "--package",
            &pkg,
            "--yes",
            "--format",
            "json",
        ],
        0,
    ));
    assert_eq!(again["archived_findings"], 0, "{again:#}");
    assert_eq!(again["notes"], serde_json::json!([]), "{again:#}");
}

#[test]
fn a_binary_provided_al2023_cannot_run_or_another_program_is_refused_before_any_call() {
    let env = setup(&["lookup"]);
    env.proxy.clear();
    let musl = package(&env, Fake::MuslLoader);
    let r = env.expect(&["watch", "deploy", "--package", &musl, "--yes"], 1);
    assert!(
        r.stderr.contains("loader /lib/ld-musl-x86_64.so.1"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("just lambda-build"), "{}", r.stderr);
    let hello = package(&env, Fake::Other);
    let r = env.expect(&["watch", "deploy", "--package", &hello, "--yes"], 1);
    assert!(r.stderr.contains("it is not lambda-trust"), "{}", r.stderr);
    // A system program, dynamically linked like any: read, and refused as not lambda-trust.
    let r = env.expect(&["watch", "deploy", "--package", "/bin/true", "--yes"], 1);
    assert!(r.stderr.contains("it is not lambda-trust"), "{}", r.stderr);
    // A path that is not there is named, with what to pass.
    let missing = env.dir.path().join("no-such-binary");
    let missing = missing.to_str().unwrap();
    let r = env.expect(&["watch", "deploy", "--package", missing, "--yes"], 1);
    assert!(
        r.stderr.contains(&format!("cannot read {missing}")) && r.stderr.contains("--package"),
        "{}",
        r.stderr
    );
    assert_eq!(env.proxy.calls().len(), 0);
}

/// Before asking, deploy says what the function would lack: no trail logging management events,
/// Security Hub not enabled where it publishes, no Genesys Cloud credentials it can read.
#[test]
fn deploy_says_what_the_function_would_lack_before_it_asks() {
    let env = setup(&["lookup"]);
    let mut text = config(&["lookup"], "");
    text.push_str("\n[genesys]\nintegration = \"AWS Lambda (lambda-trust)\"\n");
    env.write_config(&text);
    let pkg = package(&env, Fake::LambdaTrust);
    env.proxy.clear();
    let r = env.run_piped(&["watch", "deploy", "--package", &pkg], "no\n");
    assert_eq!(r.code, 1, "{}", r.stderr);
    // Piped, the changes are shown and the answer read: the warnings come before them.
    let changes = (r.stderr.find("create role lambda-trust-watch-")).expect("the changes");
    for lack in [
        "warning: the function cannot hear us-east-1: no CloudTrail trail",
        "warning: the function cannot publish: Security Hub is not enabled",
        "warning: the function cannot sign in to Genesys Cloud: [genesys].oauth_secret",
    ] {
        let at = r
            .stderr
            .find(lack)
            .unwrap_or_else(|| panic!("{lack}: {}", r.stderr));
        assert!(at < changes, "{}", r.stderr);
    }
    assert_eq!(env.proxy.writes().len(), 0);
}

/// A write refused midway: the error says which write failed and what was made before it;
/// the next deploy plans from what is there and makes only the rest.
#[test]
fn a_failed_deploy_says_what_it_had_made_and_the_next_makes_the_rest() {
    let env = setup(&["lookup"]);
    let pkg = package(&env, Fake::LambdaTrust);
    env.proxy.inject(
        support::proxy::Injection::new(
            "CreateFunction",
            403,
            "AccessDeniedException",
            "not allowed",
        )
        .times(1),
    );
    let r = env.expect(&["watch", "deploy", "--package", &pkg, "--yes"], 1);
    assert!(
        r.stderr
            .contains("failed (create function lambda-trust-watch-"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("made before it (2 of"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("create role lambda-trust-watch-GenesysLambdaInvoker"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("run the same command again"),
        "{}",
        r.stderr
    );
    env.proxy.clear();
    // The rest made; no trail and no role yet, which deploy says with exit 2.
    let again = json(&env.expect(
        &[
            "watch",
            "deploy",
            "--package",
            &pkg,
            "--yes",
            "--format",
            "json",
        ],
        2,
    ));
    let changes = again["changes"].to_string();
    assert!(!changes.contains("create role"), "{again:#}");
    assert!(changes.contains("create function"), "{again:#}");
}

#[test]
fn a_package_that_does_not_match_its_checksum_is_refused() {
    let env = setup(&["lookup"]);
    let pkg = package(&env, Fake::LambdaTrust);
    std::fs::write(
        format!("{pkg}.sha256"),
        format!("{}  lambda-trust\n", "0".repeat(64)),
    )
    .unwrap();
    let r = env.expect(&["watch", "deploy", "--package", &pkg, "--yes"], 1);
    assert!(
        r.stderr.contains("does not match its checksum"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_function_of_an_environment_runs_that_environment() {
    let env = setup(&["lookup"]);
    let mut text = config(&["lookup"], "");
    text.push_str(&format!(
        "\n[environments.dev]\naws.account_id = \"{ACCOUNT}\"\n"
    ));
    env.write_config(&text);
    env.expect(&["apply", "--env", "dev", "--yes"], 0);
    let pkg = package(&env, Fake::LambdaTrust);
    let deploy = [
        "watch",
        "deploy",
        "--env",
        "dev",
        "--package",
        &pkg,
        "--yes",
    ];
    // No trail, Security Hub off: deployed, and unhealthy (exit 2).
    env.expect(&deploy, 2);
    let code = r#"
c = client("lambda").get_function_configuration(FunctionName=sys.argv[2])
print(json.dumps(c.get("Environment", {}).get("Variables", {})))
"#;
    let vars = python(&env, code, &["lambda-trust-watch-GenesysLambdaInvoker"]);
    assert_eq!(vars.trim(), r#"{"LAMBDA_TRUST_ENV": "dev"}"#);
    let (_, writes) = env.writes_of(&deploy, 2);
    assert_eq!(writes, 0);
}

#[test]
fn the_configs_watch_table_sets_the_schedule_and_the_topic_and_lint_checks_them() {
    let env = setup(&["lookup"]);
    let topic = format!("arn:aws:sns:us-east-1:{ACCOUNT}:alerts");
    let base = config(&["lookup"], "");
    let table = format!("schedule = \"rate(2 hours)\"\nsns_topic = \"{topic}\"");
    deployed_with(&env, &table);
    let code = r#"print(events.describe_rule(Name=sys.argv[2])["ScheduleExpression"])"#;
    let schedule = with_events(
        &env,
        code,
        &["lambda-trust-watch-GenesysLambdaInvoker-tick"],
    );
    assert_eq!(schedule.trim(), "rate(2 hours)");
    let policy = env.iam(
        "GetRolePolicy",
        &[
            ("RoleName", "lambda-trust-watch-GenesysLambdaInvoker"),
            ("PolicyName", "lambda-trust-watch-reads"),
        ],
    );
    assert!(
        policy.contains("sns%3APublish") || policy.contains("sns:Publish"),
        "{policy}"
    );

    env.write_config(&format!(
        "{base}\n[watch]\nschedule = \"hourly\"\nsns_topic = \"alerts\"\n"
    ));
    let lint = env.expect(&["lint"], 1);
    assert!(
        lint.stderr.contains("watch.schedule") && lint.stderr.contains("watch.sns_topic"),
        "{}",
        lint.stderr
    );
}

#[test]
fn the_genesys_orgs_event_bus_gets_a_rule_of_the_watch_and_destroy_removes_it() {
    let env = setup(&["lookup"]);
    let name = "aws.partner/genesys.com/cloud/org-1/watch";
    let code = r#"
# The org's EventBridge integration makes the partner event source; associating it makes the bus.
events.create_partner_event_source(Name=sys.argv[2], Account="123456789012")
print(events.create_event_bus(Name=sys.argv[2], EventSourceName=sys.argv[2])["EventBusArn"])
"#;
    let bus = with_events(&env, code, &[name]).trim().to_owned();
    let pkg = deployed_with(&env, &format!("genesys_event_bus = \"{bus}\""));
    let list = r#"
rules = events.list_rules(EventBusName=sys.argv[2])["Rules"]
print(json.dumps([[r["Name"], json.loads(r["EventPattern"])["detail-type"]] for r in rules]))
"#;
    let rules: Value = serde_json::from_str(&with_events(&env, list, &[name])).unwrap();
    assert_eq!(
        rules[0][0], "lambda-trust-watch-GenesysLambdaInvoker-genesys",
        "{rules}"
    );
    assert!(
        rules[0][1]
            .to_string()
            .contains("v2.audits.entitytype.Action"),
        "{rules}"
    );
    let (_, writes) = env.writes_of(&["watch", "deploy", "--package", &pkg, "--yes"], 0);
    assert_eq!(writes, 0);
    env.expect(&["watch", "destroy", "--yes"], 0);
    let rules: Value = serde_json::from_str(&with_events(&env, list, &[name])).unwrap();
    assert_eq!(rules, serde_json::json!([]));
}

#[test]
fn a_release_archive_is_taken_as_the_package_its_checksum_checked() {
    let env = setup(&["lookup"]);
    env.expect(&["apply", "--yes"], 0);
    let binary = package(&env, Fake::LambdaTrust);
    let archive = env
        .dir
        .path()
        .join("lambda-trust-0.1.0-x86_64-unknown-linux-musl.tar.gz");
    let code = r#"
import tarfile, hashlib
with tarfile.open(sys.argv[3], "w:gz") as t:
    t.add(sys.argv[2], arcname="lambda-trust-0.1.0-x86_64-unknown-linux-musl/lambda-trust")
digest = hashlib.sha256(open(sys.argv[3], "rb").read()).hexdigest()
open(sys.argv[3] + ".sha256", "w").write(f"{digest}  lambda-trust-0.1.0-x86_64-unknown-linux-musl.tar.gz\n")
"#;
    let archive = archive.to_str().unwrap();
    python(&env, code, &[&binary, archive]);
    // No trail, Security Hub off: deployed, and unhealthy (exit 2).
    env.expect(&["watch", "deploy", "--package", archive, "--yes"], 2);
    // The archive's binary is the binary's: the same package, no write.
    let (_, writes) = env.writes_of(&["watch", "deploy", "--package", &binary, "--yes"], 2);
    assert_eq!(writes, 0);
    std::fs::write(
        format!("{archive}.sha256"),
        format!("{}  x.tar.gz\n", "f".repeat(64)),
    )
    .unwrap();
    let r = env.expect(&["watch", "deploy", "--package", archive, "--yes"], 1);
    assert!(
        r.stderr.contains("does not match its checksum"),
        "{}",
        r.stderr
    );
}

/// A target in another account (`[aws.accounts]`): its Lambda calls happen there, so deploy
/// puts a rule there, sent with a role of that account, forwarding them to the watch's own bus,
/// whose policy admits that role alone (another role of that account is refused on the wire);
/// the function reads the account through a read-only role trusting its role alone — never the
/// account's `role_arn`, which writes. A second deploy writes nothing; destroy removes it all.
#[test]
fn a_target_in_another_account_is_heard_through_a_rule_there_forwarding_to_the_watchs_bus() {
    const WORKLOAD: &str = "222222222222";
    let env = Env::new();
    env.moto.lambda_create_function("lookup", "us-east-1");
    let workload = env.moto.client().with_account(WORKLOAD);
    let theirs = workload.lambda_create_function("workload-fn", "us-east-1");
    let deployer = format!("arn:aws:iam::{WORKLOAD}:role/lt-deployer");
    env.write_config(&format!(
        "{}\n[aws.accounts.\"{WORKLOAD}\"]\nrole_arn = \"{deployer}\"\n",
        config(&["lookup", &theirs], "")
    ));
    env.expect(&["apply", "--yes"], 0);
    let pkg = package(&env, Fake::LambdaTrust);
    let deploy = [
        "watch",
        "deploy",
        "--package",
        &pkg,
        "--yes",
        "--format",
        "json",
    ];
    // No trail in either account: deployed, and unhealthy (exit 2).
    let first = json(&env.expect(&deploy, 2));
    let changes = first["changes"].to_string();
    let (forwarder, reader) = (
        "lambda-trust-watch-GenesysLambdaInvoker-fwd",
        "lambda-trust-watch-GenesysLambdaInvoker-read",
    );
    let bus = "lambda-trust-watch-GenesysLambdaInvoker";
    for line in [
        format!("create role {forwarder} in account {WORKLOAD}"),
        format!("create role {reader} in account {WORKLOAD}"),
        format!("create event bus {bus} (us-east-1)"),
        format!("let the forwarding role of account {WORKLOAD} put events on event bus {bus}"),
        format!("put rule lambda-trust-watch-GenesysLambdaInvoker-lambda (us-east-1, account {WORKLOAD})"),
    ] {
        assert!(changes.contains(&line), "{line}: {first:#}");
    }
    assert!(
        first["notes"].to_string().contains(&format!(
            "account {WORKLOAD}: its targets' Lambda events (us-east-1) are forwarded"
        )),
        "{first:#}"
    );
    let there = read_accounts(&env, WORKLOAD);
    let rules = there["theirs"].as_array().unwrap();
    assert_eq!(rules.len(), 1, "{there:#}");
    assert!(
        rules[0]["pattern"].to_string().contains("workload-fn"),
        "{there:#}"
    );
    let target = &rules[0]["targets"][0];
    let bus_arn = format!("arn:aws:events:us-east-1:{ACCOUNT}:event-bus/{bus}");
    let forwarder_arn = format!("arn:aws:iam::{WORKLOAD}:role/{forwarder}");
    assert_eq!(target["Arn"], bus_arn.as_str());
    assert_eq!(target["RoleArn"], forwarder_arn.as_str());
    assert_eq!(
        there["default_policy"],
        json!({}),
        "the customer's default bus is left alone"
    );
    let statements = there["bus_policy"]["Statement"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(statements.len(), 1, "{there:#}");
    assert_eq!(
        statements[0]["Condition"]["ArnEquals"]["aws:PrincipalArn"],
        forwarder_arn.as_str()
    );
    let on_bus = there["on_bus"].as_array().unwrap();
    assert_eq!(on_bus.len(), 1, "{there:#}");
    assert!(on_bus[0]["targets"][0]["Arn"]
        .to_string()
        .contains(":function:lambda-trust-watch-"));
    // The function's role may assume the reader alone; the reader trusts that role alone.
    let role = there["function_policy"].to_string();
    assert!(
        role.contains(&format!("arn:aws:iam::{WORKLOAD}:role/{reader}")),
        "{role}"
    );
    assert!(!role.contains("lt-deployer"), "{role}");
    assert_eq!(
        there["reader_trust"]["Statement"][0]["Condition"]["ArnEquals"]["aws:PrincipalArn"],
        format!("arn:aws:iam::{ACCOUNT}:role/lambda-trust-watch-GenesysLambdaInvoker").as_str()
    );
    assert_eq!(
        there["environment"]["LAMBDA_TRUST_READ_ROLES"],
        format!("{WORKLOAD}=arn:aws:iam::{WORKLOAD}:role/{reader}").as_str()
    );
    // The forwarding role trusts EventBridge for that account's `lambda-trust-*` rules alone
    // (EventBridge User Guide, "Cross-service confused deputy prevention").
    let trust = &there["forwarder_trust"]["Statement"][0]["Condition"];
    assert_eq!(
        trust["StringEquals"]["aws:SourceAccount"], WORKLOAD,
        "{trust:#}"
    );
    assert!(
        (trust["ArnLike"]["aws:SourceArn"].to_string())
            .contains(&format!("arn:aws:events:*:{WORKLOAD}:rule/lambda-trust-*")),
        "{trust:#}"
    );
    // On the wire: the watch's bus takes what the forwarding role sends through a rule of
    // lambda-trust's, nothing it sends through another rule, and nothing another role sends.
    let ours = (bus_arn.as_str(), "lambda-trust-watch-probe");
    assert_eq!(probe(&env, WORKLOAD, ours, forwarder), 1);
    assert_eq!(probe(&env, WORKLOAD, (&bus_arn, "probe"), forwarder), 0);
    assert_eq!(probe(&env, WORKLOAD, ours, "someone-else"), 0);

    let (_, writes) = env.writes_of(&deploy, 2);
    assert_eq!(writes, 0, "a second deploy writes nothing");

    env.expect(&["watch", "destroy", "--package", &pkg, "--yes"], 0);
    let gone = read_accounts(&env, WORKLOAD);
    assert_eq!(gone["theirs"], json!([]), "{gone:#}");
    assert_eq!(gone["bus_policy"], json!(null), "the bus is gone: {gone:#}");
    assert_eq!(gone["reader_trust"], json!(null), "{gone:#}");
}

/// A watch deployed before it had its own bus (its statement admitting the whole account on
/// the default bus, its role assuming the account's writer): a redeploy moves it, removing
/// exactly its statement and leaving the customer's.
#[test]
fn a_redeploy_moves_an_older_watch_off_the_default_bus() {
    const WORKLOAD: &str = "222222222222";
    let env = Env::new();
    env.moto.lambda_create_function("lookup", "us-east-1");
    let theirs = (env.moto.client().with_account(WORKLOAD))
        .lambda_create_function("workload-fn", "us-east-1");
    let deployer = format!("arn:aws:iam::{WORKLOAD}:role/lt-deployer");
    env.write_config(&format!(
        "{}\n[aws.accounts.\"{WORKLOAD}\"]\nrole_arn = \"{deployer}\"\n",
        config(&["lookup", &theirs], "")
    ));
    env.expect(&["apply", "--yes"], 0);
    let pkg = package(&env, Fake::LambdaTrust);
    // No trail in either account: deployed, and unhealthy (exit 2).
    env.expect(&["watch", "deploy", "--package", &pkg, "--yes"], 2);
    let older = r#"
events, iam = client("events"), client("iam")
for sid, account in (("lambda-trust-watch-GenesysLambdaInvoker-" + sys.argv[2], sys.argv[2]),
                     ("the-customers-own", "333333333333")):
    events.put_permission(EventBusName="default", Action="events:PutEvents",
                          Principal=account, StatementId=sid)
iam.put_role_policy(RoleName="lambda-trust-watch-GenesysLambdaInvoker",
    PolicyName="lambda-trust-watch-reads", PolicyDocument=json.dumps({"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": sys.argv[3]}]}))
"#;
    python(&env, older, &[WORKLOAD, &deployer]);
    let moved = json(&env.expect(
        &[
            "watch",
            "deploy",
            "--package",
            &pkg,
            "--yes",
            "--format",
            "json",
        ],
        2,
    ));
    let changes = moved["changes"].to_string();
    for line in [
        format!("remove statement lambda-trust-watch-GenesysLambdaInvoker-{WORKLOAD} of the default event bus (us-east-1)"),
        "put inline policy lambda-trust-watch-reads on role lambda-trust-watch-GenesysLambdaInvoker".to_owned(),
    ] {
        assert!(changes.contains(&line), "{line}: {moved:#}");
    }
    let after = read_accounts(&env, WORKLOAD);
    let sids: Vec<&Value> = (after["default_policy"]["Statement"]
        .as_array()
        .unwrap()
        .iter())
    .map(|s| &s["Sid"])
    .collect();
    assert_eq!(sids, [&json!("the-customers-own")], "{after:#}");
    assert!(
        !after["function_policy"].to_string().contains("lt-deployer"),
        "{after:#}"
    );
    let (_, writes) = env.writes_of(&["watch", "deploy", "--package", &pkg, "--yes"], 2);
    assert_eq!(writes, 0);
}

/// What the watch holds across the two accounts: the other account's rules, the watch bus's
/// rules and policy, the default bus's policy, the function's role policy and environment,
/// and the reader's trust (`null` for what does not exist).
fn read_accounts(env: &Env, workload: &str) -> Value {
    let code = r#"
def rules(events, bus="default"):
    try:
        found = events.list_rules(NamePrefix="lambda-trust-watch", EventBusName=bus)["Rules"]
    except events.exceptions.ResourceNotFoundException:
        return None
    return [{"name": r["Name"], "pattern": json.loads(r.get("EventPattern") or "{}"),
             "targets": events.list_targets_by_rule(Rule=r["Name"], EventBusName=bus)["Targets"]}
            for r in found]
def policy(events, bus):
    try:
        return json.loads(events.describe_event_bus(Name=bus).get("Policy") or "{}")
    except events.exceptions.ResourceNotFoundException:
        return None
home, theirs = client("events"), client("events", sys.argv[2])
name = "lambda-trust-watch-GenesysLambdaInvoker"
iam, their_iam = client("iam"), client("iam", sys.argv[2])
def role_policy():
    try:
        return iam.get_role_policy(RoleName=name, PolicyName="lambda-trust-watch-reads")["PolicyDocument"]
    except iam.exceptions.NoSuchEntityException:
        return None
def trust_of(role):
    try:
        return their_iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    except their_iam.exceptions.NoSuchEntityException:
        return None
def environment():
    try:
        got = client("lambda").get_function_configuration(FunctionName=name)
        return got.get("Environment", {}).get("Variables", {})
    except Exception:
        return None
def invokers():
    try:
        policy = json.loads(client("lambda").get_policy(FunctionName=name)["Policy"])
    except Exception:
        return None
    return {s["Sid"]: s.get("Condition", {}).get("ArnLike", {}).get("AWS:SourceArn")
            for s in policy["Statement"]}
print(json.dumps({"theirs": rules(theirs), "on_bus": rules(home, name),
    "bus_policy": policy(home, name), "default_policy": policy(home, "default"),
    "function_policy": role_policy(), "reader_trust": trust_of(name + "-read"),
    "forwarder_trust": trust_of(name + "-fwd"),
    "environment": environment(), "invokers": invokers()}))
"#;
    serde_json::from_str(&python(env, code, &[workload])).unwrap()
}

/// Sends a probe event from `account` through a rule there named `rule`, aimed at `bus` with its
/// role `role` (made when missing, allowed events:PutEvents on the bus); how many reached the
/// bus (a rule on it feeds a queue).
fn probe(env: &Env, account: &str, (bus, rule): (&str, &str), role: &str) -> u64 {
    let code = r#"
account, bus, role, rule = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
events, sqs, iam = client("events"), client("sqs"), client("iam", account)
queue = sqs.create_queue(QueueName="probe")["QueueUrl"]
queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
name = bus.split("/")[-1]
events.put_rule(Name="probe", EventBusName=name, EventPattern=json.dumps({"source": ["test.probe"]}))
events.put_targets(Rule="probe", EventBusName=name, Targets=[{"Id": "q", "Arn": queue_arn}])
try:
    arn = iam.get_role(RoleName=role)["Role"]["Arn"]
except iam.exceptions.NoSuchEntityException:
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName=role, PolicyName="put", PolicyDocument=json.dumps({"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "events:PutEvents", "Resource": bus}]}))
theirs = client("events", account)
theirs.put_rule(Name=rule, EventPattern=json.dumps({"source": ["test.probe"]}))
theirs.put_targets(Rule=rule, Targets=[{"Id": "bus", "Arn": bus, "RoleArn": arn}])
theirs.put_events(Entries=[{"Source": "test.probe", "DetailType": "probe", "Detail": "{}"}])
theirs.remove_targets(Rule=rule, Ids=["bus"])
theirs.delete_rule(Name=rule)
got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
for m in got:
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
print(len(got))
"#;
    python(env, code, &[account, bus, role, rule])
        .trim()
        .parse()
        .unwrap()
}

/// A target in another account the config gives no credentials for: no rule can be put there,
/// so the watch cannot hear it — a problem `watch status` exits 2 on, never a silent gap.
#[test]
fn a_target_account_without_credentials_is_a_problem_never_a_silent_gap() {
    let env = Env::new();
    env.moto.lambda_create_function("lookup", "us-east-1");
    let theirs = env
        .moto
        .client()
        .with_account("222222222222")
        .lambda_create_function("workload-fn", "us-east-1");
    env.write_config(&config(&["lookup", &theirs], ""));
    let pkg = package(&env, Fake::LambdaTrust);
    let status = json(&env.expect(
        &["watch", "status", "--package", &pkg, "--format", "json"],
        2,
    ));
    assert!(
        status["problems"]
            .to_string()
            .contains("cannot hear account 222222222222: no credentials for it"),
        "{status:#}"
    );
    assert!(
        !status["changes"]
            .to_string()
            .contains("account 222222222222"),
        "{status:#}"
    );
}

/// With the AWS Config rule engine, a target in another account is never heard (the rule
/// evaluates its own account's resources): a problem `watch status` exits 2 on.
#[test]
fn the_config_rule_engine_says_it_cannot_hear_a_target_in_another_account() {
    const WORKLOAD: &str = "222222222222";
    let env = Env::new();
    env.moto.lambda_create_function("lookup", "us-east-1");
    let workload = env.moto.client().with_account(WORKLOAD);
    let theirs = workload.lambda_create_function("workload-fn", "us-east-1");
    let deployer = format!("arn:aws:iam::{WORKLOAD}:role/lt-deployer");
    env.write_config(&format!(
        "{}\n[aws.accounts.\"{WORKLOAD}\"]\nrole_arn = \"{deployer}\"\n\n[watch]\nengine = \"config-rule\"\n",
        config(&["lookup", &theirs], "")
    ));
    let pkg = package(&env, Fake::LambdaTrust);
    let status = json(&env.expect(
        &["watch", "status", "--package", &pkg, "--format", "json"],
        2,
    ));
    let problems = status["problems"].to_string();
    assert!(
        problems.contains(&format!(
            "cannot hear account {WORKLOAD}: the AWS Config rule"
        )),
        "{status:#}"
    );
}

/// The role's policies detached and deleted, then the role itself (as IAM requires).
fn delete_role_by_hand(env: &Env, role: &str) {
    let code = r#"
iam = client("iam")
role = sys.argv[2]
for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
    iam.detach_role_policy(RoleName=role, PolicyArn=p["PolicyArn"])
for n in iam.list_role_policies(RoleName=role)["PolicyNames"]:
    iam.delete_role_policy(RoleName=role, PolicyName=n)
iam.delete_role(RoleName=role)
"#;
    python(env, code, &[role]);
}

/// A watch whose role is gone re-proves nothing: `watch status` is never healthy then. And
/// `destroy` names a deployed watch in its plan and removes it first — the function, its rules
/// and its role — before the role it watches, so it never hears that deletion and nothing of it
/// keeps running.
#[test]
fn destroy_removes_the_watch_before_its_role_and_a_watch_of_a_missing_role_is_unhealthy() {
    let env = setup(&["lookup"]);
    let pkg = deployed_with(&env, "");
    delete_role_by_hand(&env, "GenesysLambdaInvoker");
    let gone = json(&env.expect(
        &["watch", "status", "--package", &pkg, "--format", "json"],
        2,
    ));
    assert!(
        gone["problems"]
            .to_string()
            .contains("GenesysLambdaInvoker, which does not exist"),
        "{gone:#}"
    );
    env.expect(&["apply", "--yes"], 0);

    let pending = env.expect(&["destroy"], 2);
    assert!(
        pending
            .stdout
            .contains("The watch of this config is deployed; it is removed first")
            && pending
                .stdout
                .contains("lambda-trust-watch-GenesysLambdaInvoker"),
        "{}",
        pending.stdout
    );
    let plan = json(&env.expect(&["destroy", "--format", "json"], 2));
    assert!(
        plan["watch"].as_array().is_some_and(|w| !w.is_empty()),
        "{plan:#}"
    );
    assert_eq!(plan["in_sync"], false, "{plan:#}");
    env.proxy.clear();
    let done = json(&env.expect(&["destroy", "--yes", "--format", "json"], 0));
    assert!(
        done["watch"].as_array().is_some_and(|w| !w.is_empty()),
        "{done:#}"
    );
    let calls = env.proxy.calls();
    let at = |op: &str, role: &str| {
        (calls.iter())
            .find(|c| {
                c.operation == op
                    && (role.is_empty()
                        || c.params.iter().any(|(k, v)| k == "RoleName" && v == role))
            })
            .map(|c| c.seq)
            .unwrap_or_else(|| panic!("no {op} {role}"))
    };
    let function_gone = at("DeleteFunction", "");
    let role_gone = at("DeleteRole", "GenesysLambdaInvoker");
    assert!(
        function_gone < role_gone,
        "the watch first: {function_gone} < {role_gone}"
    );
    assert!(
        !functions(&env).contains(&"lambda-trust-watch-GenesysLambdaInvoker".to_owned()),
        "the function is gone"
    );
    let left = rules(&env, "us-east-1");
    assert!(
        !left
            .iter()
            .any(|r| r.starts_with("lambda-trust-watch-GenesysLambdaInvoker")),
        "{left:?}"
    );
    let after = json(&env.expect(&["destroy", "--format", "json"], 0));
    assert_eq!(after["in_sync"], true, "{after:#}");
}

/// A wrong `[genesys].oauth_secret` is never a healthy watch: a name that does not exist, a
/// secret whose JSON is no OAuth client, each a problem of `watch status` naming the fix. A
/// right one is read by the function's role under its full ARN (a partial name never matches
/// the suffixed ARN), and one encrypted with a customer managed key gets `kms:Decrypt` for that
/// secret alone — decided with the evaluator.
#[test]
fn a_wrong_oauth_secret_is_a_problem_and_a_right_one_is_readable_by_the_functions_role() {
    let env = setup(&["lookup"]);
    trail(&env);
    enable_hub(&env, ACCOUNT);
    let with_secret = |name: &str| {
        let mut text = config(&["lookup"], "");
        text.push_str(&format!(
            "\n[genesys]\nintegration = \"AWS Lambda (lambda-trust)\"\noauth_secret = \"{name}\"\n"
        ));
        env.write_config(&text);
    };
    let secret = |name: &str, value: &str, key: Option<&str>| {
        let code = r#"
kw = {"Name": sys.argv[2], "SecretString": sys.argv[3]}
if sys.argv[4]:
    kw["KmsKeyId"] = sys.argv[4]
print(client("secretsmanager").create_secret(**kw)["ARN"])
"#;
        python(&env, code, &[name, value, key.unwrap_or("")])
            .trim()
            .to_owned()
    };
    env.expect(&["apply", "--yes"], 0);
    let pkg = package(&env, Fake::LambdaTrust);
    with_secret("genesys/oauht");
    let status = json(&env.expect(
        &["watch", "status", "--package", &pkg, "--format", "json"],
        2,
    ));
    let problems = status["problems"].to_string();
    assert!(
        problems.contains("no secret genesys/oauht") && problems.contains("create-secret"),
        "{status:#}"
    );
    secret("genesys/not-a-client", r#"{"user": "x"}"#, None);
    with_secret("genesys/not-a-client");
    let status = json(&env.expect(
        &["watch", "status", "--package", &pkg, "--format", "json"],
        2,
    ));
    assert!(
        status["problems"]
            .to_string()
            .contains("is not an OAuth client"),
        "{status:#}"
    );
    let client = r#"{"client_id": "c", "client_secret": "s"}"#;
    let key = python(
        &env,
        r#"print(client("kms").create_key()["KeyMetadata"]["Arn"])"#,
        &[],
    );
    let arn = secret("genesys/oauth", client, Some(key.trim()));
    with_secret("genesys/oauth");
    let pending = json(&env.expect(
        &["watch", "status", "--package", &pkg, "--format", "json"],
        2,
    ));
    assert!(
        !pending["problems"].to_string().contains("secret"),
        "{pending:#}"
    );
    env.expect(&["watch", "deploy", "--package", &pkg, "--yes"], 0);
    let policy = env.iam(
        "GetRolePolicy",
        &[
            ("RoleName", "lambda-trust-watch-GenesysLambdaInvoker"),
            ("PolicyName", "lambda-trust-watch-reads"),
        ],
    );
    let policy = percent_encoding::percent_decode_str(&policy)
        .decode_utf8_lossy()
        .into_owned();
    assert!(policy.contains(&arn), "the full ARN: {policy}");
    assert!(
        policy.contains("kms:Decrypt") && policy.contains("kms:EncryptionContext:SecretARN"),
        "{policy}"
    );
    let healthy = json(&env.expect(
        &["watch", "status", "--package", &pkg, "--format", "json"],
        0,
    ));
    assert_eq!(healthy["problems"], serde_json::json!([]), "{healthy:#}");
}
