//! `audit --format asff|ocsf` and `--asff/--ocsf FILE`: the findings in Security Hub's two
//! formats, each finding checked against the published shape by tests/it/support/finding_shapes.py
//! (botocore's securityhub model for ASFF; the OCSF 1.6.0 Detection Finding class from PyPI's
//! ocsf-json-schema), from the `--input` fixture (no AWS) and from in-memory reports that push
//! the limits (a long role path, a long message). The checker itself is shown to refuse what
//! the models refuse.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use lambda_trust::{asff_finding_id, asff_findings, ocsf_events, HtmlMeta, OCSF_VERSION};
use lambda_trust_audit::{audit_account, AccountIam, AuditOptions, AuditRole};
use serde_json::{json, Value};

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

/// The problems finding_shapes.py finds in `doc` (`kind`: asff or ocsf); empty: valid.
pub(crate) fn shape_problems(kind: &str, doc: &Value) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("findings.json");
    std::fs::write(&path, serde_json::to_string(doc).unwrap()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/finding_shapes.py");
    let out = std::process::Command::new(support::genesys::python())
        .arg(script)
        .arg(kind)
        .arg(&path)
        .output()
        .expect("run .venv/bin/python (just setup)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let problems: Vec<String> = stdout.lines().map(str::to_owned).collect();
    assert_eq!(
        out.status.success(),
        problems.is_empty(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    problems
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
        assert_eq!(f["Id"], asff_finding_id(account, role, code));
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
    assert!(no_id["ProductFields"]["lambda-trust/Counterexample"]
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
        assert_eq!(e["metadata"]["version"], OCSF_VERSION);
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

/// A role whose path is long enough that its ARN and code pass ASFF's 512-character `Id`, and
/// a message longer than `Description`'s 1,024 characters.
#[test]
fn long_arns_and_messages_stay_within_the_limits() {
    let path = format!("/{}/", "p".repeat(500));
    let trust = |principal: &str| {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]})
    };
    let long_role = |name: &str| AuditRole {
        name: name.into(),
        arn: format!("arn:aws:iam::111122223333:role{path}{name}"),
        trust: trust("arn:aws:iam::765628985471:root"),
        inline: vec![],
        attached: vec![],
        boundary: None,
        tags: BTreeMap::new(),
    };
    let iam = AccountIam {
        account_id: "111122223333".into(),
        roles: vec![long_role("a"), long_role("b")],
        policies: BTreeMap::new(),
        usage: BTreeMap::new(),
    };
    let opts = AuditOptions {
        partners: vec!["765628985471".into()],
        region: Some("eu-west-1".into()),
        ..AuditOptions::default()
    };
    let mut report = audit_account(&iam, &opts, 0);
    report.roles[0].findings[0].message = "m".repeat(5000);
    let meta = HtmlMeta {
        generated: chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap(),
        version: "0.0.0 (commit test)".into(),
    };
    let findings = asff_findings(&report, &meta);
    assert_eq!(
        shape_problems("asff", &Value::from(findings.clone())),
        Vec::<String>::new()
    );
    let ids: BTreeSet<&str> = findings.iter().map(|f| f["Id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), findings.len(), "hashed IDs stay distinct");
    assert!(ids.iter().all(|id| id.contains("sha256:")), "{ids:?}");
    assert_eq!(findings[0]["CreatedAt"], "2026-01-01T00:00:00.000Z");
    let events = ocsf_events(&report, &meta);
    assert_eq!(
        shape_problems("ocsf", &Value::from(events)),
        Vec::<String>::new()
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

/// An unknown reaches Security Hub and code scanning as one: `path-not-read` is
/// `Compliance.Status` NOT_AVAILABLE in ASFF, `confidence_id` 0 (Unknown) in OCSF and an `open`
/// result of level `none` in SARIF; a failure FAILED, 3 and `fail` — valid by the published
/// shapes.
#[test]
fn an_unknown_is_not_available_in_asff_and_of_unknown_confidence_in_ocsf() {
    use lambda_trust_audit::{AuditCode, AuditFinding};
    let mut report = one_partner_role();
    let failed = report.roles[0].findings[0].code;
    report.roles[0].findings.push(AuditFinding::new(
        AuditCode::PathNotRead,
        "its function policy was not read".into(),
        None,
    ));
    let meta = new_year();
    let findings = asff_findings(&report, &meta);
    assert_eq!(
        shape_problems("asff", &Value::from(findings.clone())),
        Vec::<String>::new()
    );
    let status = |code: AuditCode| {
        (findings.iter())
            .find(|f| f["GeneratorId"] == format!("lambda-trust/audit/{code}"))
            .map(|f| f["Compliance"]["Status"].clone())
    };
    assert_eq!(status(AuditCode::PathNotRead), Some(json!("NOT_AVAILABLE")));
    assert_eq!(status(failed), Some(json!("FAILED")));
    let events = ocsf_events(&report, &meta);
    assert_eq!(
        shape_problems("ocsf", &Value::from(events.clone())),
        Vec::<String>::new()
    );
    let confidence = |code: AuditCode| {
        (events.iter())
            .find(|e| e["metadata"]["event_code"] == code.to_string())
            .map(|e| e["confidence_id"].clone())
    };
    assert_eq!(confidence(AuditCode::PathNotRead), Some(json!(0)));
    assert_eq!(confidence(failed), Some(json!(3)));
    let sarif: Value = serde_json::from_str(&lambda_trust::audit_sarif(&report)).unwrap();
    let result = |code: AuditCode| {
        let results = sarif["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        (results.into_iter())
            .find(|r| {
                r["ruleId"]
                    .as_str()
                    .is_some_and(|id| id.ends_with(&code.to_string()))
            })
            .map(|r| (r["kind"].clone(), r["level"].clone()))
    };
    assert_eq!(
        result(AuditCode::PathNotRead),
        Some((json!("open"), json!("none")))
    );
    assert_eq!(result(failed).map(|(kind, _)| kind), Some(json!("fail")));
}

/// One `Id` per finding, as the watch's: a role with two findings of one code in other words
/// gets `ID` and `ID-2` (Security Hub would otherwise hold one of them, and take the other as a
/// change on every run), the same words told twice are sent once; OCSF's `uid` alike.
#[test]
fn two_findings_of_one_code_on_one_role_keep_an_id_each() {
    let mut report = one_partner_role();
    let first = report.roles[0].findings[0].clone();
    let mut other = first.clone();
    other.message = format!("{} (another statement)", first.message);
    report.roles[0].findings.extend([first.clone(), other]);
    let meta = new_year();
    let findings = asff_findings(&report, &meta);
    let ids: Vec<&str> = findings.iter().map(|f| f["Id"].as_str().unwrap()).collect();
    let base = asff_finding_id(
        "111122223333",
        "arn:aws:iam::111122223333:role/r",
        first.code.into(),
    );
    assert!(ids.contains(&base.as_str()), "{ids:?}");
    assert!(ids.contains(&format!("{base}-2").as_str()), "{ids:?}");
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    assert_eq!(
        ids.len(),
        report.roles[0].findings.len() - 1,
        "the same words once"
    );
    let events = ocsf_events(&report, &meta);
    let uids: BTreeSet<&str> = (events.iter())
        .filter_map(|e| e["finding_info"]["uid"].as_str())
        .collect();
    assert_eq!(uids.len(), events.len(), "{events:#?}");
}

/// One role that Genesys Cloud's account may assume, audited in account 111122223333.
fn one_partner_role() -> lambda_trust_audit::AccountReport {
    let iam = AccountIam {
        account_id: "111122223333".into(),
        roles: vec![AuditRole {
            name: "r".into(),
            arn: "arn:aws:iam::111122223333:role/r".into(),
            trust: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::765628985471:root"},
                "Action": "sts:AssumeRole"}]}),
            inline: vec![],
            attached: vec![],
            boundary: None,
            tags: BTreeMap::new(),
        }],
        policies: BTreeMap::new(),
        usage: BTreeMap::new(),
    };
    let opts = AuditOptions {
        partners: vec!["765628985471".into()],
        region: Some("eu-west-1".into()),
        ..AuditOptions::default()
    };
    audit_account(&iam, &opts, 0)
}

/// The report's metadata, generated at 2026-01-01T00:00:00Z.
fn new_year() -> HtmlMeta {
    HtmlMeta {
        generated: chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap(),
        version: "0.0.0 (commit test)".into(),
    }
}
