//! `lambda-trust prove` through the real binary: the example config proves; weakened trust and
//! invoke policies give counterexamples (exit 3); bad input exits 1. Offline: no AWS endpoint is
//! reachable, so any AWS call would fail these tests.

use std::path::Path;

use serde_json::{json, Value};

use crate::support::offline::{run, Out};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/lambda-trust.toml");
const PARTNER: &str = "765628985471";
const EXT: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";
const TARGET: &str = "arn:aws:lambda:us-east-1:111122223333:function:lookup-customer";

fn write(dir: &Path, name: &str, doc: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

/// The rendered trust policy plus a second Allow statement (Sid "Legacy") without the
/// ExternalId condition.
fn legacy_trust() -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "GenesysCloudAssumeRole",
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{PARTNER}:root")},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": EXT}}
            },
            {
                "Sid": "Legacy",
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{PARTNER}:root")},
                "Action": "sts:AssumeRole"
            }
        ]
    })
}

fn prove_legacy(dir: &Path, format: &str) -> Out {
    let trust = write(dir, "trust.json", &legacy_trust());
    run(&[
        "prove",
        "--format",
        format,
        "--trust-policy",
        &trust,
        "--partner-account",
        PARTNER,
        "--external-id",
        EXT,
        "--role-arn",
        "arn:aws:iam::111122223333:role/GenesysLambdaInvoker",
    ])
}

#[test]
fn prove_the_example_config_proves_every_property() {
    let r = run(&["prove", "--config", EXAMPLE]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    for property in [
        "trust-only-partner-with-external-id",
        "trust-partner-allowed",
        "invoke-only-targets",
        "invoke-targets-allowed",
    ] {
        assert!(
            r.stdout.contains(&format!("PASS     {property}: proved")),
            "{}",
            r.stdout
        );
    }
    assert!(
        r.stdout.ends_with("✓ all 4 properties proved\n"),
        "{}",
        r.stdout
    );

    let r = run(&["prove", "--config", EXAMPLE, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["passed"], json!(true));
    assert_eq!(v["properties"].as_array().unwrap().len(), 4);
}

#[test]
fn prove_a_trust_statement_without_external_id_is_a_counterexample() {
    let dir = tempfile::tempdir().unwrap();
    let r = prove_legacy(dir.path(), "human");
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(
            "FAIL     trust-only-partner-with-external-id: counterexample — \
             arn:aws:iam::765628985471:root may sts:AssumeRole with sts:ExternalId absent — \
             allowed by trust policy statement 1 (Sid \"Legacy\")"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("PASS     trust-partner-allowed: proved"),
        "{}",
        r.stdout
    );
    // Only the trust side was given: no invoke properties.
    assert!(!r.stdout.contains("invoke-"), "{}", r.stdout);
    assert!(
        r.stdout
            .ends_with("✗ 1 of 2 properties not proved (1 counterexample, 0 unknown)\n"),
        "{}",
        r.stdout
    );
    insta::assert_snapshot!("prove_legacy_trust_human", r.stdout);
}

#[test]
fn prove_json_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let r = prove_legacy(dir.path(), "json");
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let top = keys(&v);
    assert_eq!(top, ["passed", "properties", "schema_version"]);
    assert_eq!(v["schema_version"], json!(1));
    assert_eq!(v["passed"], json!(false));
    let props = v["properties"].as_array().unwrap();
    assert_eq!(props.len(), 2);
    for p in props {
        assert_eq!(
            keys(p),
            [
                "counterexample",
                "property",
                "reason",
                "statements",
                "verdict"
            ]
        );
    }
    let p = &props[0];
    assert_eq!(p["property"], json!("trust-only-partner-with-external-id"));
    assert_eq!(p["verdict"], json!("counterexample"));
    let c = &p["counterexample"];
    assert_eq!(
        c["principal"],
        json!(format!("arn:aws:iam::{PARTNER}:root"))
    );
    assert_eq!(c["action"], json!("sts:AssumeRole"));
    assert_eq!(
        c["resource"],
        json!("arn:aws:iam::111122223333:role/GenesysLambdaInvoker")
    );
    let context = c["context"].as_object().unwrap();
    assert!(!context.contains_key("sts:ExternalId"), "{c}");
    for values in context.values() {
        assert!(
            values.as_array().unwrap().iter().all(Value::is_string),
            "{c}"
        );
    }
    let s = &p["statements"][0];
    assert_eq!(s["policy"], json!("trust policy"));
    assert_eq!(s["index"], json!(1));
    assert_eq!(s["sid"], json!("Legacy"));
    assert!(p["reason"].is_string());
    assert_eq!(props[1]["property"], json!("trust-partner-allowed"));
    assert_eq!(props[1]["verdict"], json!("proved"));
    assert_eq!(props[1]["counterexample"], Value::Null);
    insta::assert_json_snapshot!("prove_legacy_trust_json", v);
}

#[test]
fn prove_an_invoke_policy_with_lambda_star_is_a_counterexample() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write(
        dir.path(),
        "invoke.json",
        &json!({
            "Version": "2012-10-17",
            "Statement": [{"Sid": "TooBroad", "Effect": "Allow", "Action": "lambda:*", "Resource": TARGET}]
        }),
    );
    let r = run(&[
        "prove", "--format", "json", "--policy", &policy, "--target", TARGET,
    ]);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let props = v["properties"].as_array().unwrap();
    let names: Vec<&str> = props
        .iter()
        .map(|p| p["property"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["invoke-only-targets", "invoke-targets-allowed"]);
    assert_eq!(props[0]["verdict"], json!("counterexample"));
    let action = props[0]["counterexample"]["action"].as_str().unwrap();
    assert!(action.to_lowercase().starts_with("lambda:"), "{action}");
    assert_ne!(action.to_lowercase(), "lambda:invokefunction");
    assert_eq!(props[0]["statements"][0]["sid"], json!("TooBroad"));
    assert_eq!(props[1]["verdict"], json!("proved"));

    let r = run(&["prove", "--policy", &policy, "--target", TARGET]);
    assert_eq!(r.code, 3);
    assert!(
        r.stdout
            .contains("FAIL     invoke-only-targets: counterexample")
            && r.stdout.contains("statement 0 (Sid \"TooBroad\")"),
        "{}",
        r.stdout
    );
}

#[test]
fn prove_a_malformed_file_exits_1_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(&path, "{\"Version\": \"2012-10-17\", \"Statement\": [").unwrap();
    let path = path.to_string_lossy().into_owned();
    let r = run(&[
        "prove",
        "--trust-policy",
        &path,
        "--partner-account",
        PARTNER,
        "--external-id",
        EXT,
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(&path), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);

    let missing = dir.path().join("missing.json");
    let missing = missing.to_string_lossy().into_owned();
    let r = run(&["prove", "--policy", &missing, "--target", TARGET]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains(&missing), "{}", r.stderr);
}

#[test]
fn prove_flags_that_need_each_other_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write(dir.path(), "p.json", &json!({"Statement": []}));
    let r = run(&["prove", "--policy", &policy]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("--target"), "{}", r.stderr);

    let r = run(&["prove", "--trust-policy", &policy]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("--partner-account") && r.stderr.contains("--external-id"),
        "{}",
        r.stderr
    );

    let r = run(&["prove", "--boundary", &policy, "--target", TARGET]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("--policy"), "{}", r.stderr);

    let r = run(&["prove", "--policy", &policy, "--target", "lookup-customer"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("not a Lambda function ARN") && r.stderr.contains("hint:"),
        "{}",
        r.stderr
    );

    let r = run(&[
        "prove",
        "--trust-policy",
        &policy,
        "--partner-account",
        "7656",
        "--external-id",
        EXT,
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("12-digit"), "{}", r.stderr);
}

#[test]
fn prove_help_teaches_properties_verdicts_exit_codes_and_examples() {
    let r = run(&["prove", "--help"]);
    assert_eq!(r.code, 0);
    for needle in [
        "trust-only-partner-with-external-id",
        "invoke-only-targets",
        "counterexample",
        "unknown",
        "Exit 0 when every property is proved, 3",
        "Examples:",
        "--budget-ms",
    ] {
        assert!(r.stdout.contains(needle), "lacks {needle:?}:\n{}", r.stdout);
    }
}

/// The global `--policies DIR` works with `prove` (it used to be read as `--policy DIR`, "Is a
/// directory"), and `simulate` keeps its own `--policy FILE`.
#[test]
fn prove_takes_the_global_policies_dir() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies");
    let r = run(&["--policies", dir, "prove", "--config", EXAMPLE]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.ends_with("✓ all 4 properties proved\n"),
        "{}",
        r.stdout
    );
    let r = run(&["prove", "--config", EXAMPLE, "--policies", dir]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

/// `--partner-principal`: a vendor trust policy that admits one role of the partner, not its
/// root, proves once that role is named; a principal outside the partner account is refused.
#[test]
fn prove_partner_principal_names_who_must_get_in() {
    let dir = tempfile::tempdir().unwrap();
    let trust = write(
        dir.path(),
        "trust.json",
        &json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{PARTNER}:role/VendorRole")},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": EXT}}
        }]}),
    );
    let base = [
        "prove",
        "--trust-policy",
        &trust,
        "--partner-account",
        PARTNER,
        "--external-id",
        EXT,
    ];
    let r = run(&base);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("trust-partner-allowed: counterexample"),
        "{}",
        r.stdout
    );
    let vendor = format!("arn:aws:iam::{PARTNER}:role/VendorRole");
    let r = run(&[&base[..], &["--partner-principal", &vendor]].concat());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(&[
        &base[..],
        &["--partner-principal", "arn:aws:iam::444455556666:root"],
    ]
    .concat());
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("--partner-principal"), "{}", r.stderr);
}

/// `lint --trust-policy/--policy`: real documents, no config, the weak-spot rules.
#[test]
fn lint_checks_documents_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let trust = write(dir.path(), "trust.json", &legacy_trust());
    let invoke = write(
        dir.path(),
        "invoke.json",
        &json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}]}),
    );
    let r = run(&[
        "lint",
        "--format",
        "json",
        "--trust-policy",
        &trust,
        "--policy",
        &invoke,
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    for code in [
        "trust-missing-external-id",
        "invoke-wildcard-action",
        "invoke-wildcard-resource",
    ] {
        assert!(r.stdout.contains(code), "{code}: {}", r.stdout);
    }
    let good = write(
        dir.path(),
        "good.json",
        &json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": TARGET}]}),
    );
    let r = run(&["lint", "--policy", &good]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(&[
        "lint",
        "--policy",
        &dir.path().join("missing.json").to_string_lossy(),
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("missing.json"), "{}", r.stderr);
}

/// A target in another partition than Genesys Cloud's: `prove` finds Genesys Cloud cannot
/// assume the role, and `lint` says so as an error — never a pass beside a failed proof.
#[test]
fn a_target_in_another_partition_fails_lint_as_prove_fails() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("lambda-trust.toml");
    std::fs::write(
        &config,
        "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10\"\n[role]\nname = \"R\"\n[aws]\nregion = \"eusc-de-east-1\"\naccount_id = \"123456789012\"\n[[targets]]\nfunction = \"arn:aws-eusc:lambda:eusc-de-east-1:123456789012:function:f\"\n",
    )
    .unwrap();
    let path = config.to_str().unwrap();
    let lint = run(&["lint", "--config", path]);
    assert_eq!(lint.code, 1, "{lint}");
    assert!(
        lint.stdout.contains("aws-eusc") || lint.stderr.contains("aws-eusc"),
        "{lint}"
    );
    let prove = run(&["prove", "--config", path]);
    assert_eq!(prove.code, 3, "{prove}");
}
