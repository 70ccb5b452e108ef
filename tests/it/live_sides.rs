//! One side failing never hides the other: a Genesys Cloud failure (a rotated OAuth secret,
//! an outage) keeps every AWS finding in `check` and `verify`, and `--only aws|genesys`
//! converges one side alone — refused where the order matters. The real binary against moto
//! (through the counting proxy) and the local Genesys Cloud server, writes counted on the wire.

use crate::support;

use serde_json::{json, Value};
use support::genesys::GenesysFake;
use support::live::*;

struct Sides {
    env: Env,
    fake: GenesysFake,
}

/// Both sides applied, in sync.
fn applied() -> Sides {
    let env = setup(&["lookup-order"]);
    let fake = GenesysFake::start_with_aws(&env.moto.url(), EXT);
    // A deployment of its own: a rename within it is provably its own (docs/ownership.md).
    let mut text = format!("deployment = \"cx\"\n{}", config(&["lookup-order"], ""));
    text.push_str(
        "\n[genesys]\nintegration = \"AWS Lambda (lambda-trust)\"\ncategory = \"Lambda\"\n",
    );
    env.write_config(&text);
    let s = Sides { env, fake };
    s.expect(&["apply", "--yes"], 0, true);
    s
}

impl Sides {
    /// Runs with the Genesys Cloud client's environment; `signed_in`: with the right secret
    /// (else a wrong one, as after a rotation).
    fn run(&self, args: &[&str], signed_in: bool) -> Run {
        let config = self.env.config_path();
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--config", config.to_str().unwrap()]);
        let mut envs = self.fake.env();
        if !signed_in {
            for (k, v) in envs.iter_mut() {
                if k == "GENESYSCLOUD_OAUTHCLIENT_SECRET" {
                    *v = "rotated".into();
                }
            }
        }
        let extra: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.env.run_env(&all, &extra)
    }

    fn expect(&self, args: &[&str], code: i32, signed_in: bool) -> Run {
        let r = self.run(args, signed_in);
        assert_eq!(
            r.code,
            code,
            "`lambda-trust {}` exited {} (expected {code})\n--- stdout\n{}\n--- stderr\n{}",
            args.join(" "),
            r.code,
            r.stdout,
            r.stderr
        );
        r
    }

    /// Removes the trust policy's `sts:ExternalId` condition: any Genesys Cloud organization
    /// may now assume the role.
    fn drop_external_id(&self) {
        let open = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::765628985471:root"},
            "Action": "sts:AssumeRole"}]});
        self.env.iam(
            "UpdateAssumeRolePolicy",
            &[
                ("RoleName", "GenesysLambdaInvoker"),
                ("PolicyDocument", &open.to_string()),
            ],
        );
    }
}

fn security_findings(report: &Value) -> Vec<Value> {
    report["configs"][0]["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f["severity"] == json!("security"))
        .collect()
}

#[test]
fn a_genesys_sign_in_failure_keeps_every_aws_finding_in_check() {
    let s = applied();
    s.drop_external_id();
    let r = s.expect(&["check", "--format", "json"], 1, false);
    let v = json_of(&r);
    assert_eq!(v["configs"][0]["status"], json!("error"), "{v:#}");
    let error = v["configs"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("Genesys Cloud"), "{error}");
    assert!(
        !error.contains("rotated"),
        "the secret is never printed: {error}"
    );
    let security = security_findings(&v);
    assert!(
        !security.is_empty(),
        "the removed external ID is reported beside the Genesys error: {v:#}"
    );
    // The human report says both, too.
    let r = s.expect(&["check"], 1, false);
    assert!(r.stdout.contains("Genesys Cloud"), "{}", r.stdout);
    assert!(r.stdout.contains("security"), "{}", r.stdout);
}

#[test]
fn a_genesys_sign_in_failure_keeps_every_aws_check_in_verify() {
    let s = applied();
    s.drop_external_id();
    let r = s.expect(&["verify", "--format", "json"], 1, false);
    let v = json_of(&r);
    assert!(
        v["error"]
            .as_str()
            .unwrap_or_default()
            .contains("Genesys Cloud"),
        "{v:#}"
    );
    assert_eq!(v["passed"], json!(false), "{v:#}");
    let failed: Vec<&Value> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] == json!(false))
        .collect();
    assert!(!failed.is_empty(), "the AWS checks still ran: {v:#}");
}

#[test]
fn apply_only_aws_repairs_the_role_while_genesys_refuses_the_client() {
    let s = applied();
    s.drop_external_id();
    // Without --only: nothing is written on either side, and the way out is said.
    s.env.proxy.clear();
    let r = s.expect(&["apply", "--yes"], 1, false);
    assert_eq!(s.env.proxy.count_writes(), 0);
    assert!(r.stderr.contains("--only aws"), "{}", r.stderr);
    // --only aws: the AWS side converges, Genesys Cloud is not called at all.
    s.fake.reset_calls();
    let r = s.expect(&["apply", "--yes", "--only", "aws"], 0, false);
    assert!(s.env.proxy.count_writes() > 0, "{}", r.stderr);
    assert!(s.fake.calls().is_empty(), "{:?}", s.fake.calls());
    // Both sides in sync again, and a second run writes nothing anywhere.
    s.expect(&["check"], 0, true);
    s.env.proxy.clear();
    s.fake.reset_calls();
    s.expect(&["apply", "--yes", "--only", "aws"], 0, false);
    assert_eq!((s.env.proxy.count_writes(), s.fake.writes()), (0, 0));
}

#[test]
fn only_genesys_is_refused_while_aws_has_a_change_it_relies_on() {
    let s = applied();
    s.drop_external_id();
    s.env.proxy.clear();
    s.fake.reset_calls();
    let r = s.expect(&["apply", "--yes", "--only", "genesys"], 1, true);
    assert!(r.stderr.contains("--only genesys"), "{}", r.stderr);
    assert!(
        r.stderr.contains("--only aws"),
        "the hint says what to run: {}",
        r.stderr
    );
    assert_eq!((s.env.proxy.count_writes(), s.fake.writes()), (0, 0));
    // Once AWS is converged, the Genesys side alone is in sync: zero writes.
    s.expect(&["apply", "--yes", "--only", "aws"], 0, true);
    s.env.proxy.clear();
    s.fake.reset_calls();
    s.expect(&["apply", "--yes", "--only", "genesys"], 0, true);
    assert_eq!((s.env.proxy.count_writes(), s.fake.writes()), (0, 0));
    // check --only genesys reports the Genesys side alone.
    let r = s.expect(&["check", "--only", "genesys", "--format", "json"], 0, true);
    assert_eq!(json_of(&r)["configs"][0]["status"], json!("ok"));
}

#[test]
fn only_genesys_without_a_genesys_table_is_a_usage_error() {
    let env = setup(&["lookup-order"]);
    let r = env.run(&["plan", "--only", "genesys"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("[genesys]"), "{}", r.stderr);
}

/// A renamed role with `[genesys]`: `--only aws` is refused (the Genesys Cloud credential names
/// the old role, and once the new one existed nothing would find the old one again); a run with
/// both sides creates the new role, moves the credential, then removes the old one.
#[test]
fn only_aws_refuses_a_rename_the_credential_still_names() {
    let s = applied();
    let text = std::fs::read_to_string(s.env.config_path()).unwrap();
    s.env.write_config(&text.replace(
        "name = \"GenesysLambdaInvoker\"",
        "name = \"GenesysLambdaInvokerV2\"",
    ));
    let role = |name: &str| {
        s.env
            .iam("ListRoles", &[])
            .contains(&format!("<RoleName>{name}</RoleName>"))
    };
    s.env.proxy.clear();
    let r = s.expect(&["apply", "--yes", "--only", "aws"], 1, true);
    assert!(
        r.stderr.contains("renamed from GenesysLambdaInvoker"),
        "{}",
        r.stderr
    );
    assert_eq!(s.env.proxy.count_writes(), 0);
    s.expect(&["apply", "--yes"], 0, true);
    assert!(!role("GenesysLambdaInvoker") && role("GenesysLambdaInvokerV2"));
    let credential = s.fake.state()["credentials"].to_string();
    assert!(
        credential.contains("role/GenesysLambdaInvokerV2"),
        "{credential}"
    );
    s.env.proxy.clear();
    s.fake.reset_calls();
    s.expect(&["apply", "--yes"], 0, true);
    assert_eq!((s.env.proxy.count_writes(), s.fake.writes()), (0, 0));
}

#[test]
fn a_one_sided_check_says_which_side_was_not_checked() {
    let s = applied();
    s.drop_external_id();
    // The open trust policy is on the side `--only genesys` leaves out: never "in sync".
    let v = json_of(&s.expect(&["check", "--only", "genesys", "--format", "json"], 0, true));
    assert_eq!(v["in_sync"], json!(false), "{v:#}");
    assert_eq!(v["configs"][0]["not_checked"], json!(["aws"]), "{v:#}");
    let r = s.expect(&["check", "--only", "genesys"], 0, true);
    assert!(
        r.stdout.contains("AWS not checked") && !r.stdout.contains(": in sync and verified"),
        "{}",
        r.stdout
    );
    let sarif: Value = serde_json::from_str(
        &s.expect(
            &["check", "--only", "genesys", "--format", "sarif"],
            0,
            true,
        )
        .stdout,
    )
    .unwrap();
    // The side left out is the run's: a property and a notification, never a result (a result
    // without `kind` is a failure).
    let run = &sarif["runs"][0];
    assert_eq!(run["results"], json!([]), "{sarif:#}");
    assert_eq!(
        run["properties"]["notChecked"][0]["sides"],
        json!(["aws"]),
        "{sarif:#}"
    );
    let notes = &run["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(
        notes[0]["descriptor"]["id"], "lambda-trust/not-checked",
        "{sarif:#}"
    );
    assert_eq!(notes[0]["level"], "note", "{sarif:#}");
    assert_eq!(
        run["invocations"][0]["executionSuccessful"], true,
        "{sarif:#}"
    );
    let r = s.expect(
        &["check", "--only", "genesys", "--format", "github"],
        0,
        true,
    );
    assert!(!r.stdout.contains("::in sync and verified"), "{}", r.stdout);

    // `--only aws` reports the open trust policy and says Genesys Cloud was not checked.
    let v = json_of(&s.expect(&["check", "--only", "aws", "--format", "json"], 2, true));
    assert_eq!(v["configs"][0]["not_checked"], json!(["genesys"]), "{v:#}");
    // Both sides checked: no field.
    let v = json_of(&s.expect(&["check", "--format", "json"], 2, true));
    assert!(v["configs"][0].get("not_checked").is_none(), "{v:#}");
}

/// The AWS side refused: `check` still reads Genesys Cloud against what the config and the
/// account resolve, and reports its drift beside the AWS error (exit 1), never the error alone.
#[test]
fn an_aws_read_refusal_keeps_every_genesys_finding_in_check() {
    let s = applied();
    let integration = (s.fake.state()["integrations"].as_object().unwrap().keys())
        .next()
        .unwrap()
        .clone();
    s.fake
        .tamper(json!({"kind": "integration", "id": integration, "intendedState": "DISABLED"}));
    s.env.proxy.inject(
        support::Injection::new(
            "iam:GetRole",
            403,
            "AccessDenied",
            "User is not authorized to perform: iam:GetRole",
        )
        .always(),
    );
    let v = json_of(&s.expect(&["check", "--format", "json"], 1, true));
    let config = &v["configs"][0];
    assert_eq!(config["status"], json!("error"), "{v:#}");
    let error = config["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("AWS side") && error.contains("iam:GetRole"),
        "{error}"
    );
    let findings = config["findings"].as_array().cloned().unwrap_or_default();
    let genesys: Vec<&Value> = (findings.iter())
        .filter(|f| f["code"].as_str().is_some_and(|c| c.starts_with("genesys")))
        .collect();
    assert!(
        !genesys.is_empty(),
        "the disabled integration is reported: {v:#}"
    );
    assert_eq!(
        genesys.len(),
        findings.len(),
        "no AWS finding is made up: {v:#}"
    );
    let r = s.expect(&["check"], 1, true);
    assert!(r.stdout.contains("AWS side"), "{}", r.stdout);
    assert!(r.stdout.contains("genesys"), "{}", r.stdout);
}
