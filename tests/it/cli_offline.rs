//! The offline commands through the real binary: render, lint, simulate, help. No AWS endpoint
//! is configured, so any AWS call would fail these tests.

use std::process::Command;

use serde_json::{json, Value};

use crate::support::offline::run;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/lambda-trust.toml");
const EXT: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
const ROLE: &str = "arn:aws:iam::111122223333:role/GenesysLambdaInvoker";

fn trust_file(dir: &tempfile::TempDir) -> String {
    let r = run(&["render", "--which", "trust", "--config", EXAMPLE]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = dir.path().join("trust.json");
    std::fs::write(&path, &r.stdout).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn render_prints_the_genesys_trust_and_exact_invoke_arns() {
    let r = run(&["render", "--config", EXAMPLE]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    insta::assert_json_snapshot!("render_example_all", v);
    let st = &v["trust"]["Statement"][0];
    assert_eq!(
        st["Principal"]["AWS"],
        json!("arn:aws:iam::765628985471:root")
    );
    assert_eq!(
        st["Condition"]["StringEquals"]["sts:ExternalId"],
        json!(EXT)
    );
    assert_eq!(
        v["invoke"]["Statement"][0]["Resource"],
        json!([
            "arn:aws:lambda:eu-west-1:111122223333:function:lookup-order:live",
            "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer"
        ])
    );
}

/// Issue 2's acceptance: simulate over the rendered trust policy.
#[test]
fn simulate_over_the_rendered_trust_policy() {
    let dir = tempfile::tempdir().unwrap();
    let trust = trust_file(&dir);
    let ask = |principal: &str, ext: Option<&str>| {
        let ctx = ext.map(|e| format!("sts:ExternalId={e}"));
        let mut args = vec![
            "simulate",
            "--format",
            "json",
            "--trust-policy",
            &trust,
            "--principal",
            principal,
            "--action",
            "sts:AssumeRole",
            "--resource",
            ROLE,
        ];
        if let Some(c) = &ctx {
            args.extend(["--context", c.as_str()]);
        }
        let r = run(&args);
        let v: Value =
            serde_json::from_str(&r.stdout).unwrap_or_else(|_| panic!("{}{}", r.stdout, r.stderr));
        (r.code, v["decision"].as_str().unwrap().to_string())
    };
    assert_eq!(
        ask("arn:aws:iam::765628985471:root", Some(EXT)),
        (0, "Allow".into())
    );
    assert_eq!(
        ask(
            "arn:aws:sts::765628985471:assumed-role/GenesysCloud/s1",
            Some(EXT)
        ),
        (0, "Allow".into())
    );
    assert_eq!(
        ask("arn:aws:iam::765628985471:root", Some("wrong-org")),
        (3, "ImplicitDeny".into())
    );
    assert_eq!(
        ask("arn:aws:iam::765628985471:root", None),
        (3, "ImplicitDeny".into())
    );
    assert_eq!(
        ask("arn:aws:iam::999999999999:root", Some(EXT)),
        (3, "ImplicitDeny".into())
    );
    assert_eq!(ask("*", Some(EXT)), (3, "ImplicitDeny".into()));
}

#[test]
fn simulate_human_output_names_the_deciding_statement() {
    let dir = tempfile::tempdir().unwrap();
    let trust = trust_file(&dir);
    let r = run(&[
        "simulate",
        "--trust-policy",
        &trust,
        "--principal",
        "arn:aws:iam::765628985471:root",
        "--action",
        "sts:AssumeRole",
        "--resource",
        ROLE,
        "--context",
        &format!("sts:ExternalId={EXT}"),
    ]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("Allow") && r.stdout.contains("GenesysCloudAssumeRole"),
        "{}",
        r.stdout
    );
}

#[test]
fn lint_example_is_clean_and_a_broken_config_exits_1() {
    let r = run(&["lint", "--config", EXAMPLE]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        std::fs::read_to_string(EXAMPLE)
            .unwrap()
            .replace("GenesysLambdaInvoker\"", "Genesys Lambda\""),
    )
    .unwrap();
    let r = run(&["lint", "--config", bad.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("role.name") && r.stderr.contains("Genesys Lambda"),
        "{}",
        r.stderr
    );
}

#[test]
fn help_teaches_and_documents_exit_codes() {
    let r = run(&["--help"]);
    assert_eq!(r.code, 0);
    for needle in [
        "Exit codes:",
        "2  changes pending or drift",
        "3  verification failed",
        "plan",
        "apply",
        "verify",
        "check",
        "onboard",
    ] {
        assert!(
            r.stdout.contains(needle),
            "--help lacks {needle:?}:\n{}",
            r.stdout
        );
    }
    let r = run(&["simulate", "--help"]);
    assert!(r.stdout.contains("Example"), "{}", r.stdout);
}

#[test]
fn sarif_outside_check_is_refused() {
    let r = run(&["plan", "--format", "sarif", "--config", EXAMPLE]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("only for `check`"), "{}", r.stderr);
}

#[test]
fn html_outside_audit_is_refused() {
    for cmd in ["lint", "check"] {
        let r = run(&[cmd, "--format", "html", "--config", EXAMPLE]);
        assert_eq!(r.code, 1, "{cmd}");
        assert!(
            r.stderr.contains("--format html is only for `audit`"),
            "{}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{cmd}: {}", r.stdout);
    }
}

#[test]
fn several_configs_outside_check_are_refused() {
    let r = run(&["plan", "--config", EXAMPLE, "--config", EXAMPLE]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("only `check` takes several"),
        "{}",
        r.stderr
    );
}

#[test]
fn without_any_aws_credentials_the_error_says_so_and_how_to_provide_them() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("nowhere");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lambda-trust"));
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(&k);
        }
    }
    let out = cmd
        .args(["plan", "--config", EXAMPLE])
        .env("NO_COLOR", "1")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_CONFIG_FILE", nowhere.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", nowhere.join("credentials"))
        // No instance metadata: the test sends nothing off this machine.
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no AWS credentials were found") && stderr.contains("aws sso login"),
        "{stderr}"
    );
    assert!(!stderr.contains("could not reach"), "{stderr}");
}
