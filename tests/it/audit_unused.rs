//! Stale partner roles (`--unused-days`, default 90): from the `CreateDate` and `RoleLastUsed`
//! of the `GetAccountAuthorizationDetails` answer. In memory (every case of the message is
//! `usage.rs`'s unit test), the `--input` fixture tests/fixtures/audit-input/role-last-used.json
//! (roles used a day ago, 120 days ago, never, never but new, never within IAM's 400-day
//! tracking) as a snapshot, and the binary on it (dates long past, so the real clock decides
//! nothing the test depends on).

use chrono::{DateTime, Utc};
use lambda_trust_audit::{audit_account, mark_unused, parse_details, AuditCode, AuditOptions};
use lambda_trust_verdict::Judged;
use lambda_trust_verdict::Status;
use serde_json::Value;

use crate::support::{self, RunOutput};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/audit-input/role-last-used.json"
);

fn at(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().to_utc()
}

#[test]
fn role_last_used_cases_from_an_input_file() {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let iam = parse_details("role-last-used.json", &text, None).unwrap();
    let opts = AuditOptions {
        partners: vec!["765628985471".into()],
        region: Some("us-east-1".into()),
        ..AuditOptions::default()
    };
    let mut report = audit_account(&iam, &opts, 0);
    assert!(
        report.roles.iter().all(|r| r.findings.is_empty()),
        "clean roles"
    );
    mark_unused(&mut report, at("2026-05-20T00:00:00Z"), 90);
    insta::assert_json_snapshot!("audit_input_role_last_used", report);
    let unused: Vec<&str> = (report.roles.iter())
        .filter(|r| {
            r.findings
                .iter()
                .any(|f| f.code == AuditCode::UnusedPartnerRole)
        })
        .map(|r| r.role.as_str())
        .collect();
    assert_eq!(
        unused,
        ["never-used", "older-than-tracking", "unused-120-days"]
    );
    assert_eq!(
        report.status(),
        Status::Ok,
        "info: the exit code is unchanged"
    );
}

fn run(args: &[&str]) -> RunOutput {
    support::lambda_trust_cmd("http://127.0.0.1:9")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_REGION", "us-east-1")
        .args(args)
        .run()
}

#[test]
fn the_binary_reports_unused_partner_roles_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let asff = dir.path().join("f.asff").display().to_string();
    let base = ["audit", "--input", FIXTURE, "--partner", "genesys-cloud"];
    let r = run(&[&base[..], &["--format", "json", "--asff", &asff]].concat());
    assert_eq!(r.code, Some(0), "info only: {}", r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    let codes = |role: &str| -> Vec<String> {
        let r = (report["roles"].as_array().unwrap().iter()).find(|r| r["role"] == role);
        (r.unwrap()["findings"].as_array().unwrap().iter())
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect()
    };
    // The fixture's dates are in 2024-2026: by the real clock every role is long unused.
    for role in [
        "unused-120-days",
        "never-used",
        "new-never-used",
        "older-than-tracking",
        "used-yesterday",
    ] {
        assert_eq!(codes(role), ["unused-partner-role"], "{role}");
    }
    let asff: Value = serde_json::from_str(&std::fs::read_to_string(&asff).unwrap()).unwrap();
    assert_eq!(asff.as_array().unwrap().len(), 5);
    assert!(asff[0]["Severity"]["Label"] == "INFORMATIONAL");
    assert_eq!(
        crate::support::finding_shapes::shape_problems("asff", &asff),
        Vec::<String>::new()
    );
    // A threshold of a century: every role is younger, so none is reported.
    let r = run(&[&base[..], &["--unused-days", "36500", "--format", "json"]].concat());
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    let n: usize = (report["roles"].as_array().unwrap().iter())
        .map(|r| r["findings"].as_array().unwrap().len())
        .sum();
    assert_eq!(n, 0, "{report}");
    let r = run(&[&base[..], &["--unused-days", "0"]].concat());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
}
