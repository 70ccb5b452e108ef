//! `audit --format asff|ocsf` and `--asff/--ocsf FILE`: the findings in Security Hub's two
//! formats, each finding checked against the published shape by tests/it/support/finding_shapes.py
//! (botocore's securityhub model for ASFF; the OCSF 1.6.0 Detection Finding class from PyPI's
//! ocsf-json-schema), from the `--input` fixture (no AWS). The checker itself is shown to refuse
//! what the models refuse. In-memory reports that push the limits (a long role path, a long
//! message) are the renderers' own tests (`src/report/tests/findings.rs`).

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{json, Value};

use crate::support::finding_shapes::shape_problems;
use crate::support::{self, RunOutput};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/audit-input/moto-gaad.json"
);

/// The binary with no AWS credentials and an endpoint nothing listens on.
fn run(args: &[&str]) -> RunOutput {
    support::lambda_trust_cmd("http://127.0.0.1:9")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .args(args)
        .run()
}

fn audit_fixture(format: &str) -> Vec<Value> {
    let r = run(&[
        "audit",
        "--input",
        FIXTURE,
        "--partner",
        "genesys-cloud",
        "--region",
        "us-east-1",
        "--format",
        format,
    ]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn asff_findings_follow_botocores_securityhub_shape_with_stable_ids() {
    let first = audit_fixture("asff");
    assert!(first.len() > 5, "{first:?}");
    assert_eq!(
        shape_problems("asff", &Value::from(first.clone())),
        Vec::<String>::new()
    );
    let account = "123456789012";
    let ids: BTreeSet<&str> = first.iter().map(|f| f["Id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), first.len(), "one finding per role and code");
    for f in &first {
        let role = f["Resources"][0]["Id"].as_str().unwrap();
        let code = f["ProductFields"]["lambda-trust/Code"].as_str().unwrap();
        // The published identity (docs/audit.md, "ASFF"): a re-import updates the finding.
        assert_eq!(f["Id"], format!("lambda-trust/{account}/{role}/{code}"));
        assert_eq!(
            f["ProductArn"],
            format!("arn:aws:securityhub:us-east-1:{account}:product/{account}/default")
        );
        assert_eq!(f["GeneratorId"], format!("lambda-trust/audit/{code}"));
        assert_eq!(f["AwsAccountId"], account);
        assert_eq!(f["Resources"][0]["Type"], "AwsIamRole");
        let label = match f["ProductFields"]["lambda-trust/Severity"]
            .as_str()
            .unwrap()
        {
            "security" => "HIGH",
            "config" => "LOW",
            "info" => "INFORMATIONAL",
            other => panic!("{other}"),
        };
        assert_eq!(f["Severity"]["Label"], label);
        assert_eq!(f["FindingProviderFields"]["Severity"]["Label"], label);
        assert!(
            f["Remediation"]["Recommendation"]["Text"]
                .as_str()
                .unwrap()
                .len()
                > 10
        );
    }
    let no_id = first
        .iter()
        .find(|f| f["ProductFields"]["lambda-trust/Code"] == "no-external-id")
        .expect("the fixture has a role without an external ID");
    assert!(no_id["ProductFields"]["lambda-trust/Request"]
        .as_str()
        .unwrap()
        .contains("sts:AssumeRole"));
    // A second run (another time) names the same findings: a re-import updates them.
    let again = audit_fixture("asff");
    let ids_again: BTreeSet<&str> = again.iter().map(|f| f["Id"].as_str().unwrap()).collect();
    assert_eq!(ids, ids_again);
}

#[test]
fn ocsf_events_follow_the_published_detection_finding_schema() {
    let events = audit_fixture("ocsf");
    assert!(events.len() > 5);
    assert_eq!(
        shape_problems("ocsf", &Value::from(events.clone())),
        Vec::<String>::new()
    );
    let asff = audit_fixture("asff");
    let uids: BTreeSet<&str> = events
        .iter()
        .map(|e| e["finding_info"]["uid"].as_str().unwrap())
        .collect();
    let ids: BTreeSet<&str> = asff.iter().map(|f| f["Id"].as_str().unwrap()).collect();
    assert_eq!(uids, ids, "the same identity in both formats");
    for e in &events {
        assert_eq!(e["class_uid"], 2004);
        assert_eq!(e["metadata"]["version"], "1.6.0");
        assert_eq!(e["cloud"]["account"]["uid"], "123456789012");
        assert!(e["resources"][0]["uid"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:iam::"));
    }
}

#[test]
fn the_shape_checker_refuses_what_the_models_refuse() {
    let good = audit_fixture("asff").remove(0);
    let bad: Vec<(&str, Value)> = vec![
        ("Title is required", {
            let mut f = good.clone();
            f.as_object_mut().unwrap().remove("Title");
            f
        }),
        ("at most 256", {
            let mut f = good.clone();
            f["Title"] = "t".repeat(257).into();
            f
        }),
        ("is not one of", {
            let mut f = good.clone();
            f["Severity"]["Label"] = "SEVERE".into();
            f
        }),
        ("at least 1", {
            let mut f = good.clone();
            f["Resources"] = json!([]);
            f
        }),
        ("at most 2048", {
            let mut f = good.clone();
            f["ProductFields"]["k"] = "v".repeat(2049).into();
            f
        }),
        ("is not a member", {
            let mut f = good.clone();
            f["Colour"] = "red".into();
            f
        }),
    ];
    for (want, finding) in bad {
        let problems = shape_problems("asff", &json!([finding]));
        assert!(
            problems.iter().any(|p| p.contains(want)),
            "{want}: {problems:?}"
        );
    }
    let mut event = audit_fixture("ocsf").remove(0);
    event["class_uid"] = 2003.into();
    event.as_object_mut().unwrap().remove("cloud");
    let problems = shape_problems("ocsf", &json!([event]));
    assert!(problems.iter().any(|p| p.contains("2004")), "{problems:?}");
    assert!(
        problems.iter().any(|p| p.contains("'cloud'")),
        "{problems:?}"
    );
}

#[test]
fn asff_and_ocsf_files_are_written_beside_json_or_refused_without_a_region() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| dir.path().join(name).display().to_string();
    let (a, o, j) = (file("f.asff.json"), file("f.ocsf.json"), file("f.json"));
    let base = ["audit", "--input", FIXTURE, "--partner", "genesys-cloud"];
    let files = ["--asff", &a, "--ocsf", &o, "--json", &j];
    let r = run(&[&base[..], &["--region", "us-east-1"], &files[..]].concat());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    let read =
        |p: &str| -> Value { serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap() };
    let (asff, ocsf, report) = (read(&a), read(&o), read(&j));
    let findings: usize = (report["roles"].as_array().unwrap().iter())
        .map(|r| r["findings"].as_array().unwrap().len())
        .sum();
    assert_eq!(asff.as_array().unwrap().len(), findings);
    assert_eq!(ocsf.as_array().unwrap().len(), findings);

    std::fs::remove_file(&a).unwrap();
    let r = run(&[&base[..], &files[..]].concat());
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    assert!(r.stderr.contains("give --region"), "{}", r.stderr);
    assert!(!Path::new(&a).exists(), "nothing written on bad input");
    let r = run(&[&base[..], &["--format", "ocsf"]].concat());
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.is_empty());
    let r = run(&["audit", "--template", FIXTURE, "--asff", &a]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the ASFF findings are not made for --template"),
        "{}",
        r.stderr
    );
}
