//! `init --from-genesys` end to end: a hand-made integration of 260 actions on the local
//! Genesys Cloud server (seeded through its public API, across pages), imported, then adopted
//! with zero action writes and no action ID changed; writes counted on the wire on both sides.

use crate::support;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use support::genesys::GenesysFake;
use support::live::*;

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/GenesysLambdaInvoker";
const FUNCTIONS: usize = 11;
const ACTIONS: usize = 260;
/// The allowance the local server advertises in these tests (a minute's window, not enforced):
/// more than they ever send in a minute.
const LARGE_RATE_LIMIT: u64 = 100_000;

fn function_arn(f: usize) -> String {
    format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn-{f:02}")
}

struct Seeded {
    env: Env,
    fake: GenesysFake,
    integration: String,
}

impl Seeded {
    fn run(&self, args: &[&str], code: i32) -> Run {
        let config = self.env.config_path();
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--config", config.to_str().unwrap()]);
        let envs = self.fake.env();
        let extra: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = self.env.run_env(&all, &extra);
        assert_eq!(
            r.code,
            code,
            "`lambda-trust {}` exited {}\n--- stdout\n{}\n--- stderr\n{}\n--- fake\n{}",
            args.join(" "),
            r.code,
            r.stdout,
            r.stderr,
            self.fake.log_tail(10)
        );
        r
    }

    fn writes_of(&self, args: &[&str], code: i32) -> (Run, usize, usize) {
        self.env.proxy.clear();
        self.fake.reset_calls();
        let r = self.run(args, code);
        (r, self.env.proxy.count_writes(), self.fake.writes())
    }

    fn post(&self, path: &str, body: &Value) -> Value {
        let r = self.fake.api(&self.fake.token(), "POST", path, Some(body));
        assert_eq!(
            r.status,
            200,
            "{path}: {}",
            String::from_utf8_lossy(&r.body)
        );
        serde_json::from_slice(&r.body).unwrap()
    }

    /// name → (id, version) of every action.
    fn actions(&self) -> BTreeMap<String, (String, i64)> {
        let s = self.fake.state();
        s["actions"]
            .as_object()
            .unwrap()
            .values()
            .map(|a| {
                (
                    a["name"].as_str().unwrap().to_string(),
                    (
                        a["id"].as_str().unwrap().to_string(),
                        a["version"].as_i64().unwrap(),
                    ),
                )
            })
            .collect()
    }
}

/// What is special about action `i`, if anything (one in 26: ten of them): secure, headers,
/// GET, translation-mapped and URL-expression ones are imported exactly; a function in another
/// account is left out.
fn odd_one(i: usize) -> Option<&'static str> {
    if !i.is_multiple_of(26) {
        return None;
    }
    Some(["secure", "expression", "account", "headers", "get", "map"][(i / 26) % 6])
}

fn action_body(i: usize, integration: &str) -> Value {
    // fn-10 is called only by action 0, which is secure.
    let f = if i == 0 { 10 } else { i % 10 };
    let mut url = function_arn(f);
    let mut request = json!({"requestType": "POST", "headers": {}});
    let mut response = json!({"translationMap": {}, "translationMapDefaults": {}});
    match odd_one(i) {
        Some("expression") => url = "${input.functionArn}".into(),
        Some("account") => url = "arn:aws:lambda:us-east-1:210987654321:function:elsewhere".into(),
        Some("headers") => request["headers"] = json!({"X-Team": "cx"}),
        Some("get") => request["requestType"] = json!("GET"),
        Some("map") => {
            response["translationMap"] = json!({"id": "$.id"});
            response["translationMapDefaults"] = json!({"id": "0"});
        }
        _ => {}
    }
    request["requestUrlTemplate"] = json!(url);
    request["requestTemplate"] = json!(if i.is_multiple_of(4) {
        format!("{{\"id\": \"${{input.p{i}}}\", \"n\": {i}}}")
    } else {
        "${input.rawRequest}".into()
    });
    response["successTemplate"] = json!(if i.is_multiple_of(5) {
        "{\"ok\": ${rawResult}}"
    } else {
        "${rawResult}"
    });
    json!({
        "name": format!("Action {i:03}"),
        "category": if i.is_multiple_of(3) { "Orders" } else { "Lambda" },
        "integrationId": integration,
        "secure": odd_one(i) == Some("secure"),
        "config": {"request": request, "response": response, "timeoutSeconds": 1 + (i % 60)},
        "contract": {
            "input": {"inputSchema": {"type": "object", "title": format!("in {i}"),
                "properties": {format!("p{i}"): {"type": "string"}}, "required": [format!("p{i}")]}},
            "output": {"successSchema": {"type": "object", "properties": {"n": {"type": "integer", "description": format!("out {i}")}}}},
        },
    })
}

/// moto with the functions, the Genesys fake with a hand-made integration, its credential and
/// 260 actions.
fn seed() -> Seeded {
    seed_with(ACTIONS)
}

fn seed_with(actions: usize) -> Seeded {
    seed_in(actions, None)
}

/// `seed_with`, in the organization `org` when given (else the fake's default, [`EXT`]).
fn seed_in(actions: usize, org: Option<&str>) -> Seeded {
    let env = Env::new();
    for f in 0..FUNCTIONS {
        env.moto
            .lambda_create_function(&format!("fn-{f:02}"), "us-east-1");
    }
    let fake = match org {
        Some(org) => GenesysFake::start_with_aws(&env.moto.url(), org),
        None => GenesysFake::start(),
    };
    // Hundreds of calls: at the default 300 a minute the client would pause a minute per window
    // (pacing is its own test: `an_import_is_paced_by_the_rate_limit_headers`).
    fake.settings(
        json!({"rate_limit": {"allowed": LARGE_RATE_LIMIT, "window_seconds": 60, "enforce": false}}),
    );
    let mut s = Seeded {
        env,
        fake,
        integration: String::new(),
    };
    s.integration = s.post(
        "/api/v2/integrations",
        &json!({"name": "Lambda (made by hand)", "integrationType": {"id": "aws-lambda-data-actions"}}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let cred = s.post(
        "/api/v2/integrations/credentials",
        &json!({"name": "lambda role", "type": {"name": "amazonWebServicesARN"}, "credentialFields": {"ARN": ROLE_ARN}}),
    );
    let path = format!("/api/v2/integrations/{}/config/current", s.integration);
    let current: Value =
        serde_json::from_slice(&s.fake.api(&s.fake.token(), "GET", &path, None).body).unwrap();
    let put = json!({"name": "Lambda (made by hand)", "version": current["version"], "properties": {}, "advanced": {},
        "notes": "Owned by the CX team (ticket CX-42)",
        "credentials": {"AmazonWebServicesARN": {"id": cred["id"]}}});
    let r = s.fake.api(&s.fake.token(), "PUT", &path, Some(&put));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let enable = json!({"intendedState": "ENABLED"});
    let r = s.fake.api(
        &s.fake.token(),
        "PATCH",
        &format!("/api/v2/integrations/{}", s.integration),
        Some(&enable),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    for i in 0..actions {
        s.post(
            "/api/v2/integrations/actions",
            &action_body(i, &s.integration),
        );
    }
    s
}

/// The AWS side as lambda-trust made it for these functions (the config since lost).
fn make_role(s: &Seeded) {
    let arns: Vec<String> = (0..FUNCTIONS).map(function_arn).collect();
    make_role_for(s, &arns);
}

/// The AWS side as lambda-trust made it for the functions `arns` (the config since lost).
fn make_role_for(s: &Seeded, arns: &[String]) {
    make_role_as(s, "", arns);
}

/// The AWS side as a config opening with `head` (a `deployment = …` line) made it.
fn make_role_as(s: &Seeded, head: &str, arns: &[String]) {
    let mut text = format!(
        "{head}[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"{EXT}\"\n\n[role]\nname = \"GenesysLambdaInvoker\"\n\n[aws]\nregion = \"us-east-1\"\naccount_id = \"{ACCOUNT}\"\n"
    );
    for arn in arns {
        text.push_str(&format!("\n[[targets]]\nfunction = \"{arn}\"\n"));
    }
    s.env.write_config(&text);
    s.run(&["apply", "--yes"], 0);
    std::fs::remove_file(s.env.config_path()).unwrap();
}

#[test]
fn a_260_action_integration_is_imported_and_adopted_with_zero_action_writes() {
    let s = seed();
    make_role(&s);
    let ids = s.actions();
    let called: Vec<&str> = ["Action 001", "Action 027", "Action 130", "Action 259"]
        .iter()
        .map(|n| ids[*n].0.as_str())
        .collect();
    s.fake.add_flow("Main IVR", "INBOUNDCALLFLOW", &called);

    let (r, aws, genesys) = s.writes_of(
        &[
            "init",
            "--from-genesys",
            "--external-id",
            EXT,
            "--role-arn",
            ROLE_ARN,
            "--no-input",
            "--format",
            "json",
        ],
        0,
    );
    assert_eq!((aws, genesys), (0, 0), "init is read-only on both sides");
    let v = json_of(&r);
    assert_eq!(v["imported"], 258, "{v:#}");
    assert_eq!(v["targets"].as_array().unwrap().len(), FUNCTIONS, "{v:#}");
    let left: Vec<&str> = v["left_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["why"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(left, ["other_account", "other_account"], "{v:#}");
    let text = std::fs::read_to_string(s.env.config_path()).unwrap();
    for line in [
        "secure = true",
        "headers = { \"X-Team\" = \"cx\" }",
        "request_type = \"GET\"",
        "translation_map = { \"id\" = \"$.id\" }",
        "translation_map_defaults = { \"id\" = \"0\" }",
        "[[genesys.actions]]",
        "request_url_template = \"${input.functionArn}\"",
    ] {
        assert!(text.contains(line), "{line} missing:\n{text}");
    }
    assert!(s
        .env
        .dir
        .path()
        .join("contracts/action-001.in.json")
        .exists());

    // Zero action changes: only the ledger (and the integration's config) to write.
    let plan = json_of(&s.run(&["plan", "--adopt", "--format", "json"], 2));
    let changes: Vec<String> = plan["genesys"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["action"].as_str().unwrap(),
                c["resource"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        changes.iter().all(|c| !c.contains("genesys action")),
        "{changes:#?}"
    );
    assert!(
        plan["changes"].as_array().is_none_or(|c| c.is_empty()),
        "AWS in sync: {plan:#}"
    );

    // Genesys Cloud redacts the bound credential's ARN: adopting writes the role ARN into that
    // same credential (its ID kept), then the ledger. No action is written.
    let credential =
        s.fake.state()["integrations"][&s.integration]["config"]["credentials"].clone();
    let (r, aws, genesys) = s.writes_of(&["apply", "--yes", "--adopt"], 0);
    assert_eq!(
        (aws, genesys),
        (0, 2),
        "the credential in place and the ledger:\n{}\n{}",
        r.stdout,
        r.stderr
    );
    let writes: Vec<String> = s
        .fake
        .calls()
        .iter()
        .filter(|c| c.write)
        .map(|c| format!("{} {}", c.method, c.path))
        .collect();
    assert!(
        writes.iter().all(|w| !w.contains("/actions")),
        "{writes:#?}"
    );
    // Bound by ID: the binding's display name follows the credential, which adopting renames
    // to lambda-trust's credential name (docs/genesys.md).
    let bound_id = |c: &Value| {
        let ids: Vec<_> = c.as_object()?.values().map(|b| b["id"].clone()).collect();
        Some(ids)
    };
    let after = s.fake.state()["integrations"][&s.integration]["config"]["credentials"].clone();
    assert!(
        bound_id(&credential).is_some_and(|ids| ids.len() == 1 && ids[0].is_string()),
        "{credential}"
    );
    assert_eq!(
        bound_id(&after),
        bound_id(&credential),
        "the bound credential is kept: {after}"
    );
    let (r, aws, genesys) = s.writes_of(&["apply", "--yes"], 0);
    assert_eq!(
        (aws, genesys),
        (0, 0),
        "settled:\n{}\n{}",
        r.stdout,
        r.stderr
    );

    assert_eq!(s.actions(), ids, "every action keeps its ID and version");
    let i = &s.fake.state()["integrations"][&s.integration];
    let notes = i["config"]["notes"].as_str().unwrap();
    assert!(
        notes.starts_with("Owned by the CX team (ticket CX-42)\n"),
        "{notes}"
    );
    assert!(notes.contains("lambda-trust-ledger: "), "{notes}");
}

/// Pacing, the client's part of the rate limit: the local server only advertises a small
/// window (20 requests per 2 s, not enforced, as Genesys Cloud's headers report before any 429),
/// and the import's parallel reads keep to it — the server's own count of a window passes the
/// allowance by no more than the requests already in flight when it was used up, and the reads
/// spread over as many windows as that takes — instead of sending all at once (one window of
/// about 190 requests without pacing).
#[test]
fn an_import_is_paced_by_the_rate_limit_headers() {
    const ALLOWED: u64 = 20;
    const WINDOW_SECONDS: f64 = 2.0;
    // The requests lambda-trust keeps in flight at once: 16 actions read side by side
    // (src/genesys/observe.rs), each with its two templates.
    const IN_FLIGHT: u64 = 16 * 3;
    let s = seed_with(60);
    make_role(&s);
    s.fake.settings(
        json!({"rate_limit": {"allowed": ALLOWED, "window_seconds": WINDOW_SECONDS, "enforce": false}}),
    );
    s.fake.reset_calls();
    let r = s.run(
        &[
            "init",
            "--from-genesys",
            "--external-id",
            EXT,
            "--role-arn",
            ROLE_ARN,
            "--no-input",
            "-v",
        ],
        0,
    );
    let calls = s.fake.calls();
    let counted: Vec<_> = calls.iter().filter(|c| c.window_count > 0).collect();
    let most = counted.iter().map(|c| c.window_count).max().unwrap_or(0);
    assert!(
        counted.len() as u64 > 2 * (ALLOWED + IN_FLIGHT) && most <= ALLOWED + IN_FLIGHT,
        "{} requests, a window of {most}: not paced\n{}",
        counted.len(),
        r.stderr
    );
    let span = counted.last().unwrap().at - counted[0].at;
    let windows = (counted.len() as u64).div_ceil(ALLOWED + IN_FLIGHT);
    assert!(
        span >= (windows - 1) as f64 * WINDOW_SECONDS - 0.5,
        "{} requests in {span:.1} s: at least {windows} windows of {WINDOW_SECONDS} s",
        counted.len()
    );
    assert!(
        r.stderr.contains("rate-limit window"),
        "the wait is said:\n{}",
        r.stderr
    );
    assert!(calls.iter().all(|c| c.status != 429), "never throttled");
}

#[test]
fn init_from_genesys_refuses_to_overwrite_and_names_duplicate_integrations() {
    let s = seed_with(30);
    s.env.write_config("# mine\n");
    let r = s.run(
        &[
            "init",
            "--from-genesys",
            "--external-id",
            EXT,
            "--role-arn",
            ROLE_ARN,
            "--no-input",
        ],
        1,
    );
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(s.env.config_path()).unwrap(),
        "# mine\n"
    );
    assert!(
        !s.env.dir.path().join("contracts").exists(),
        "nothing written"
    );
    std::fs::remove_file(s.env.config_path()).unwrap();
    let other = s.post(
        "/api/v2/integrations",
        &json!({"name": "Lambda (made by hand)", "integrationType": {"id": "aws-lambda-data-actions"}}),
    );
    let r = s.run(
        &[
            "init",
            "--from-genesys",
            "--external-id",
            EXT,
            "--role-arn",
            ROLE_ARN,
            "--no-input",
        ],
        1,
    );
    assert!(
        r.stderr.contains(&s.integration) && r.stderr.contains(other["id"].as_str().unwrap()),
        "{}",
        r.stderr
    );
    assert!(!s.env.config_path().exists());
}

/// A hand-made role (no lambda-trust tag) granting the functions the actions call and one no
/// action calls: `--from-role` supplies the role ARN Genesys Cloud redacts and the external ID
/// the role pins, and keeps every grant (the extra function as a target without an action).
#[test]
fn init_from_genesys_with_from_role_keeps_every_grant_and_changes_no_action() {
    let s = seed_with(30);
    s.env.moto.lambda_create_function("solo", "us-east-1");
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::765628985471:root"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": EXT}}}]});
    s.env.iam(
        "CreateRole",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("AssumeRolePolicyDocument", &trust.to_string()),
        ],
    );
    let mut granted: Vec<String> = (0..FUNCTIONS).map(function_arn).collect();
    let solo = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:solo");
    granted.push(solo.clone());
    let invoke = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "lambda:InvokeFunction", "Resource": granted}]});
    s.env.iam(
        "PutRolePolicy",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("PolicyName", "invoke"),
            ("PolicyDocument", &invoke.to_string()),
        ],
    );
    let ids = s.actions();

    let args = [
        "init",
        "--from-genesys",
        "--from-role",
        "GenesysLambdaInvoker",
        "--no-input",
        "--format",
        "json",
    ];
    let (r, aws, genesys) = s.writes_of(&args, 0);
    assert_eq!((aws, genesys), (0, 0), "read-only on both sides");
    let v = json_of(&r);
    assert_eq!(v["role"]["name"], "GenesysLambdaInvoker", "{v:#}");
    assert_eq!(
        v["targets"].as_array().unwrap().len(),
        FUNCTIONS + 1,
        "{v:#}"
    );
    let text = std::fs::read_to_string(s.env.config_path()).unwrap();
    assert!(text.contains(&format!("external_id = \"{EXT}\"")), "{text}");
    let solo_target = format!("function = \"{solo}\"\n# No imported action calls it");
    assert!(text.contains(&solo_target), "{text}");
    assert!(text.contains("deletes the inline policy invoke"), "{text}");

    let plan = json_of(&s.run(&["plan", "--adopt", "--format", "json"], 2));
    let genesys_changes = plan["genesys"]["changes"].as_array().unwrap();
    assert!(
        genesys_changes
            .iter()
            .all(|c| !c["resource"].as_str().unwrap().contains("genesys action")),
        "{plan:#}"
    );
    s.run(&["apply", "--yes", "--adopt"], 0);
    let (_, aws, genesys) = s.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0), "settled");
    assert_eq!(s.actions(), ids, "every action keeps its ID and version");
    // The secure one and the one choosing its function at run time are imported and owned.
    assert!(text.contains("secure = true"), "{text}");
    assert!(text.contains("[[genesys.actions]]"), "{text}");
    // Every function granted before is granted after: the proof of the adopted role.
    let audit = json_of(&s.env.run_raw(&["audit", "--format", "json"]));
    let role = audit["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "GenesysLambdaInvoker")
        .unwrap();
    let mut after: Vec<String> = role["invokable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    after.sort();
    granted.sort();
    assert_eq!(after, granted);
}

/// A missing permission on either side: exit 1 naming it, nothing written.
#[test]
fn a_missing_permission_is_named_and_nothing_is_written() {
    let s = seed_with(3);
    s.fake
        .settings(json!({"denied_permissions": ["integrations:action:view"]}));
    let args = [
        "init",
        "--from-genesys",
        "--external-id",
        EXT,
        "--role-arn",
        ROLE_ARN,
        "--no-input",
    ];
    let r = s.run(&args, 1);
    assert!(
        r.stderr.contains("integrations:action:view"),
        "{}",
        r.stderr
    );
    assert!(!s.env.config_path().exists(), "nothing written");
    s.fake.settings(json!({"denied_permissions": []}));

    s.env.proxy.inject_error(
        "GetRole",
        403,
        "AccessDenied",
        "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:GetRole",
    );
    let r = s.run(
        &["init", "--from-role", "GenesysLambdaInvoker", "--no-input"],
        1,
    );
    assert!(r.stderr.contains("iam:GetRole"), "{}", r.stderr);
    assert!(!s.env.config_path().exists(), "nothing written");
}

/// On a terminal (a pseudo-terminal from util-linux `script`), with the role ARN redacted and
/// neither --role-arn nor --from-role: the roles Genesys Cloud can assume with the organization's
/// ID are offered; Enter takes the first, and its sections are written.
#[test]
fn on_a_terminal_the_role_is_chosen_from_those_genesys_can_assume() {
    use std::io::Write;
    let s = seed_with(3);
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::765628985471:root"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": EXT}}}]});
    for name in ["GenesysLambdaInvoker", "Unrelated"] {
        let t = if name == "Unrelated" {
            trust.to_string().replace(EXT, "someone-else")
        } else {
            trust.to_string()
        };
        s.env.iam(
            "CreateRole",
            &[("RoleName", name), ("AssumeRolePolicyDocument", &t)],
        );
    }
    let config = s.env.config_path();
    let command = format!(
        "{} init --from-genesys --external-id {EXT} --config {}",
        env!("CARGO_BIN_EXE_lambda-trust"),
        config.display()
    );
    let mut child = std::process::Command::new("script")
        .args(["-qefc", &command, "/dev/null"])
        .env("AWS_ENDPOINT_URL", s.env.proxy.url())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("NO_COLOR", "1")
        .envs(s.fake.env())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("util-linux script (a pseudo-terminal)");
    let mut stdin = child.stdin.take().unwrap();
    // Enter once the prompt is up (the reads before it take a few seconds at most).
    for _ in 0..30 {
        std::thread::sleep(std::time::Duration::from_millis(500));
        if stdin.write_all(b"\r").is_err() {
            break;
        }
        let _ = stdin.flush();
        if child.try_wait().unwrap().is_some() {
            break;
        }
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{shown}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(shown.contains("Which role does it hold?"), "{shown}");
    assert!(
        !shown.contains("role/Unrelated"),
        "only roles that accept the ID: {shown}"
    );
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("name = \"GenesysLambdaInvoker\""), "{text}");
}

fn role_accepting(s: &Seeded, external_id: &str) {
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::765628985471:root"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": external_id}}}]});
    s.env.iam(
        "CreateRole",
        &[
            ("RoleName", "GenesysLambdaInvoker"),
            ("AssumeRolePolicyDocument", &trust.to_string()),
        ],
    );
}

/// The external ID is the signed-in organization's ID (`GET /api/v2/organizations/me`): no
/// `--external-id` needed, and it overrides (said); a `--from-role` role that accepts another
/// ID is an error naming both, with nothing written.
#[test]
fn the_external_id_is_the_organizations_and_a_role_for_another_is_refused() {
    let org = "3c9d1e2f-4a5b-4c6d-8e7f-901a2b3c4d5e";
    let s = seed_in(3, Some(org));
    let config = || std::fs::read_to_string(s.env.config_path()).unwrap();
    // --force: the contract files of the previous run stay.
    let base = ["init", "--from-genesys", "--no-input", "--force"];
    let (r, aws, genesys) = s.writes_of(&[&base[..], &["--role-arn", ROLE_ARN]].concat(), 0);
    assert_eq!((aws, genesys), (0, 0));
    assert!(
        config().contains(&format!("external_id = \"{org}\"")),
        "{}",
        config()
    );
    assert!(r.stderr.contains(org), "{}", r.stderr);
    std::fs::remove_file(s.env.config_path()).unwrap();

    let r = s.run(
        &[&base[..], &["--role-arn", ROLE_ARN, "--external-id", EXT]].concat(),
        0,
    );
    assert!(
        config().contains(&format!("external_id = \"{EXT}\"")),
        "{}",
        config()
    );
    assert!(
        r.stderr.contains("not the signed-in organization's ID") && r.stderr.contains(org),
        "{}",
        r.stderr
    );
    std::fs::remove_file(s.env.config_path()).unwrap();

    role_accepting(&s, EXT);
    let from_role = [&base[..], &["--from-role", "GenesysLambdaInvoker"]].concat();
    let (r, aws, genesys) = s.writes_of(&from_role, 1);
    assert!(
        r.stderr.contains(org) && r.stderr.contains(EXT) && r.stderr.contains("--from-role"),
        "{}",
        r.stderr
    );
    assert_eq!((aws, genesys), (0, 0));
    assert!(!s.env.config_path().exists(), "nothing written");
    // --external-id chooses the role's.
    s.run(&[&from_role[..], &["--external-id", EXT]].concat(), 0);
    assert!(
        config().contains(&format!("external_id = \"{EXT}\"")),
        "{}",
        config()
    );
}

/// `--role-arn` of a role lambda-trust wrote for another deployment: init says whose it is at
/// once and writes nothing — never "next: plan --adopt", which would refuse it.
#[test]
fn a_role_arn_of_another_deployment_is_refused_at_once_naming_it() {
    let s = seed_with(3);
    make_role_as(&s, "deployment = \"team-b\"\n", &[function_arn(0)]);
    let init = ["init", "--from-genesys", "--no-input", "--external-id", EXT];
    let (r, aws, genesys) = s.writes_of(&[&init[..], &["--role-arn", ROLE_ARN]].concat(), 1);
    assert_eq!((aws, genesys), (0, 0));
    assert!(
        r.stderr.contains("team-b") && r.stderr.contains("untag-role"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("next:"), "{}", r.stderr);
    assert!(!s.env.config_path().exists(), "nothing written");
}

/// Two integrations with one name (Genesys Cloud allows it): `--integration ID` imports the one
/// and pins it (`[genesys] integration_id`); adopting it and applying again write nothing to the
/// other, and a second apply writes nothing at all.
#[test]
fn init_from_genesys_by_id_pins_the_integration_beside_a_namesake() {
    let s = seed_with(3);
    let other = s.post(
        "/api/v2/integrations",
        &json!({"name": "Lambda (made by hand)", "integrationType": {"id": "aws-lambda-data-actions"}}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    make_role(&s);
    let ids = s.actions();
    let args = [
        "init",
        "--from-genesys",
        "--integration",
        &s.integration,
        "--role-arn",
        ROLE_ARN,
        "--no-input",
    ];
    s.run(&args, 0);
    let text = std::fs::read_to_string(s.env.config_path()).unwrap();
    assert!(
        text.contains(&format!("integration_id = \"{}\"", s.integration)),
        "{text}"
    );
    s.run(&["plan", "--adopt"], 2);
    s.run(&["apply", "--yes", "--adopt"], 0);
    let (r, aws, genesys) = s.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0), "{}", r.stdout);
    assert_eq!(s.actions(), ids, "every action keeps its ID and version");
    let state = s.fake.state();
    assert_eq!(
        state["integrations"][&other]["config"]["notes"], "",
        "the namesake untouched"
    );
    assert_eq!(state["integrations"][&other]["config"]["version"], 1);
}

/// Data actions as Genesys Cloud exports them (`tests/fixtures/genesys-exports/`), made in the
/// organization as its import does (the export's `integrationType` and `actionType` dropped,
/// the integration's ID added, the "- Exported …" suffix taken off the name).
fn seed_exports(s: &Seeded) -> Vec<String> {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/genesys-exports");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut functions = Vec::new();
    for file in files {
        let mut body: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let o = body.as_object_mut().unwrap();
        o.remove("integrationType");
        o.remove("actionType");
        let name = o["name"]
            .as_str()
            .unwrap()
            .split(" - Exported")
            .next()
            .unwrap()
            .to_string();
        o.insert("name".into(), json!(name));
        o.insert("category".into(), json!("Customer care"));
        o.insert("integrationId".into(), json!(s.integration));
        let arn = o["config"]["request"]["requestUrlTemplate"]
            .as_str()
            .unwrap()
            .to_string();
        if !functions.contains(&arn) {
            functions.push(arn);
        }
        s.post("/api/v2/integrations/actions", &body);
    }
    functions
}

/// Real exports import: no timeout (kept absent), translation maps in the JSONPath Genesys Cloud
/// evaluates, JSON-literal defaults, headers, secure, success templates — and the two with a
/// defect Genesys Cloud accepts and runs (a default that is not JSON, a template key the closed
/// contract forbids): imported exactly, each defect a warning with its fix. Then adopting
/// writes no action, the actions keep their fields exactly, and importing again writes the
/// same config.
#[test]
fn real_exported_actions_import_and_round_trip() {
    let s = seed_with(0);
    let functions = seed_exports(&s);
    for arn in &functions {
        let name = arn.rsplit(':').next().unwrap();
        s.env.moto.lambda_create_function(name, "us-east-1");
    }
    make_role_for(&s, &functions);
    let before = s.fake.state()["actions"].clone();
    let init = [
        "init",
        "--from-genesys",
        "--external-id",
        EXT,
        "--role-arn",
        ROLE_ARN,
        "--no-input",
        "--format",
        "json",
    ];
    let r = s.run(&init, 0);
    let v = json_of(&r);
    assert_eq!(v["imported"], 5, "{v:#}");
    assert_eq!(v["left_out"], json!([]), "{v:#}");
    // Each latent defect said as init writes the config, with its fix.
    for said in ["not a JSON value", "a run that reaches it fails"] {
        assert!(r.stderr.contains(said), "{said}: {}", r.stderr);
    }
    let text = std::fs::read_to_string(s.env.config_path()).unwrap();
    for line in [
        "timeout_seconds = 0",
        "timeout_seconds = 20",
        "secure = true",
        r#""homePhone" = "$.customer.phones[?(@.type == 'home')].number""#,
        r#""accountIds" = "$..accounts[*].id""#,
        r#""vip" = "$.customer['loyalty tier']""#,
        r#""latest" = "$.[0]""#,
        r#""status" = "orders[0].status""#,
        r#""lineCount" = "$.orders[0].lines.length()""#,
        r#""customerId" = '"Not Found"'"#,
        r#""shipped" = "false""#,
        "\"X-Queue\" = \"${input.queueId}\"",
    ] {
        assert!(text.contains(line), "{line} missing:\n{text}");
    }
    let lint = json_of(&s.run(&["lint", "--format", "json"], 0));
    let codes: Vec<&str> = (lint["findings"].as_array().unwrap().iter())
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "success-template-key-forbidden",
            "translation-default-not-json"
        ],
        "{lint:#}"
    );

    let plan = json_of(&s.run(&["plan", "--adopt", "--format", "json"], 2));
    let changes = plan["genesys"]["changes"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .all(|c| !c["resource"].as_str().unwrap().contains("genesys action")),
        "{changes:#?}"
    );
    let (r, _, genesys) = s.writes_of(&["apply", "--yes", "--adopt"], 0);
    assert_eq!(
        genesys, 2,
        "the credential and the ledger only:\n{}",
        r.stderr
    );
    let (_, aws, genesys) = s.writes_of(&["apply", "--yes"], 0);
    assert_eq!((aws, genesys), (0, 0), "settled");
    s.run(&["check"], 0);
    assert_eq!(
        s.fake.state()["actions"],
        before,
        "every action exactly as it was"
    );
    let customer = (before.as_object().unwrap().values())
        .find(|a| a["name"] == "Lookup Customer By Phone")
        .unwrap();
    assert!(
        customer["config"].get("timeoutSeconds").is_none(),
        "{customer:#}"
    );

    // Imported again, the same config — but for its next step: the integration is lambda-trust's
    // now, so adopting is no longer suggested.
    // As people read it (no --format json).
    let mut again: Vec<&str> = (init.iter().copied())
        .filter(|a| !["--format", "json"].contains(a))
        .collect();
    again.push("--force");
    let said = s.run(&again, 0);
    // Nor on stdout, which says the same next step as the config's header.
    assert!(
        said.stdout
            .contains("next: lambda-trust plan (no action should change)")
            && !said.stdout.contains("--adopt"),
        "{}",
        said.stdout
    );
    let second = std::fs::read_to_string(s.env.config_path()).unwrap();
    let body = |t: &str| t[t.find("\n[trust]").expect("[trust]")..].to_string();
    assert_eq!(body(&second), body(&text));
    assert!(text.contains("`lambda-trust plan --adopt`"), "{text}");
    assert!(!second.contains("--adopt`"), "{second}");
    assert!(second.contains("lambda-trust wrote it"), "{second}");
}
