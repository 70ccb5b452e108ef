//! `audit --baseline FILE` / `--write-baseline FILE`: the matching in memory (a fixed day: in
//! force, expired, stale, patterns, the first entry deciding), then the binary on the `--input`
//! fixture — suppressed findings kept in every format (JSON, SARIF `suppressions`, ASFF
//! `Workflow.Status` SUPPRESSED, OCSF status Suppressed, HTML, human), the exit code decided by
//! the others, a baseline written from today's findings suppressing all of them.

use chrono::NaiveDate;
use lambda_trust_audit::{
    apply_baseline, audit_account, parse_baseline, parse_details, AuditCode, AuditOptions,
    Baseline, BaselineEntry,
};
use lambda_trust_verdict::Judged;
use lambda_trust_verdict::Status;
use serde_json::Value;

use crate::support::{self, RunOutput};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/audit-input/moto-gaad.json"
);
const ROLE: &str = "arn:aws:iam::123456789012:role/";

fn run(args: &[&str]) -> RunOutput {
    support::lambda_trust_cmd("http://127.0.0.1:9")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_REGION", "us-east-1")
        .args(args)
        .run()
}

fn entry(role: &str, code: AuditCode, expires: Option<&str>) -> BaselineEntry {
    BaselineEntry {
        role: Some(format!("{ROLE}{role}")),
        function: None,
        code,
        reason: format!("accepted: {role}"),
        expires: expires.map(str::to_owned),
    }
}

fn day(d: &str) -> NaiveDate {
    NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()
}

#[test]
fn entries_suppress_expire_and_go_stale_on_a_given_day() {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let iam = parse_details("moto-gaad.json", &text, None).unwrap();
    let opts = AuditOptions {
        partners: vec!["765628985471".into()],
        ..AuditOptions::default()
    };
    let mut report = audit_account(&iam, &opts, 0);
    assert_eq!(report.status(), Status::Changes);
    let security: Vec<(String, AuditCode)> = (report.roles.iter())
        .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
        .filter(|(_, f)| f.severity == lambda_trust_verdict::Severity::Security)
        .map(|(r, f)| (r.arn.clone(), f.code))
        .collect();
    // One pattern for every role's no-external-id; the others one by one, one of them until
    // 2026-06-30; one entry for a role that does not exist.
    let mut suppress = vec![entry("audit-*", AuditCode::NoExternalId, None)];
    suppress.extend(
        (security.iter())
            .filter(|(_, c)| *c != AuditCode::NoExternalId)
            .map(|(arn, code)| BaselineEntry {
                role: Some(arn.clone()),
                function: None,
                code: *code,
                reason: "known".into(),
                expires: (*code == AuditCode::LatentVersion).then(|| "2026-06-30".into()),
            }),
    );
    suppress.push(entry("gone", AuditCode::AllFunctions, None));
    let accepted = Baseline { suppress };

    let mut before = report.clone();
    let outcome = apply_baseline(&accepted, [&mut before], day("2026-06-30"));
    assert_eq!(
        outcome.suppressed,
        security.len(),
        "the last day still holds"
    );
    assert_eq!(
        outcome.stale,
        vec![entry("gone", AuditCode::AllFunctions, None)]
    );
    assert!(outcome.expired.is_empty());
    assert_eq!(
        before.status(),
        Status::Ok,
        "suppressed findings do not count"
    );
    let kept: usize = before.roles.iter().map(|r| r.findings.len()).sum();
    let all: usize = report.roles.iter().map(|r| r.findings.len()).sum();
    assert_eq!(kept, all, "never dropped");
    let pattern = before
        .roles
        .iter()
        .find(|r| r.role == "audit-any-external-id")
        .unwrap();
    let f = pattern
        .findings
        .iter()
        .find(|f| f.code == AuditCode::NoExternalId)
        .unwrap();
    assert_eq!(f.suppression.as_ref().unwrap().reason, "accepted: audit-*");
    assert!(f.is_suppressed());
    // The unmanaged info finding of that role is another code: not matched.
    let other = before
        .roles
        .iter()
        .find(|r| r.role == "audit-no-external-id")
        .unwrap();
    assert!(other
        .findings
        .iter()
        .any(|f| f.code == AuditCode::Unmanaged && f.suppression.is_none()));

    let outcome = apply_baseline(&accepted, [&mut report], day("2026-07-01"));
    assert_eq!(outcome.suppressed, security.len() - 1);
    assert_eq!(outcome.expired.len(), 1);
    assert_eq!(outcome.expired[0].code, AuditCode::LatentVersion);
    assert_eq!(
        report.status(),
        Status::Changes,
        "the expired entry's finding counts again"
    );
    let mut latent = report.roles.iter().flat_map(|r| &r.findings);
    let latent = latent.find(|f| f.code == AuditCode::LatentVersion).unwrap();
    assert!(latent.suppression.as_ref().unwrap().expired && !latent.is_suppressed());
}

#[test]
fn baseline_files_are_toml_or_json_and_bad_ones_are_refused() {
    let toml = r#"
[[suppress]]
role = "arn:aws:iam::123456789012:role/legacy-*"
code = "unmanaged"
reason = "owned by the data team"
expires = "2027-01-31"
"#;
    let json = r#"{"suppress": [{"role": "arn:aws:iam::123456789012:role/legacy-*",
        "code": "unmanaged", "reason": "owned by the data team", "expires": "2027-01-31"}]}"#;
    let a = parse_baseline(toml, false).unwrap();
    assert_eq!(a, parse_baseline(json, true).unwrap());
    assert_eq!(a.suppress[0].code, AuditCode::Unmanaged);
    let e = parse_baseline(&toml.replace("2027-01-31", "31/01/2027"), false).unwrap_err();
    assert!(e.to_string().contains("not a YYYY-MM-DD date"), "{e}");
    let e = parse_baseline(&toml.replace("unmanaged", "unmanged"), false).unwrap_err();
    assert!(e.to_string().contains("unmanged"), "{e}");
    let e = parse_baseline(&toml.replace("owned by the data team", " "), false).unwrap_err();
    assert!(e.to_string().contains("must not be empty"), "{e}");
}

fn json_findings(stdout: &str) -> Vec<Value> {
    let report: Value = serde_json::from_str(stdout).unwrap();
    (report["roles"].as_array().unwrap().iter())
        .flat_map(|r| r["findings"].as_array().unwrap().clone())
        .collect()
}

#[test]
fn a_written_baseline_suppresses_every_finding_in_every_format_and_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| dir.path().join(n).display().to_string();
    let (file, sarif, asff, ocsf, html) = (
        path("b.toml"),
        path("a.sarif"),
        path("a.asff"),
        path("a.ocsf"),
        path("a.html"),
    );
    let base = ["audit", "--input", FIXTURE, "--partner", "genesys-cloud"];
    // As many findings as a plain run has (the fixture's roles age: unused-partner-role may
    // join them one day).
    let n = json_findings(&run(&[&base[..], &["--format", "json"]].concat()).stdout).len();
    assert!(n >= 12, "{n}");
    let r = run(&[&base[..], &["--write-baseline", &file]].concat());
    assert_eq!(
        r.code,
        Some(2),
        "writing a baseline changes nothing: {}",
        r.stderr
    );
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written.matches("[[suppress]]").count(), n, "{written}");
    assert!(written.contains("write the real reason"), "{written}");

    let with = |more: &[&str]| run(&[&base[..], &["--baseline", &file], more].concat());
    let files = [
        "--sarif", &sarif, "--asff", &asff, "--ocsf", &ocsf, "--html", &html,
    ];
    let r = with(&[&["--format", "json"][..], &files[..]].concat());
    assert_eq!(r.code, Some(0), "every finding accepted: {}", r.stderr);
    let findings = json_findings(&r.stdout);
    assert_eq!(findings.len(), n, "shown, not dropped");
    assert!(findings
        .iter()
        .all(|f| f["suppression"]["expired"] == false));
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    let schema = &crate::json_schemas::validators()["audit.schema.json"];
    let errors: Vec<String> = schema.iter_errors(&report).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "audit.schema.json: {errors:?}");
    assert_eq!(report["baseline"]["suppressed"], n);
    assert_eq!(report["baseline"]["stale"], serde_json::json!([]));

    let read =
        |p: &str| -> Value { serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap() };
    let results = read(&sarif)["runs"][0]["results"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(results.len(), n);
    for res in &results {
        assert_eq!(res["suppressions"][0]["kind"], "external", "{res}");
        assert_eq!(res["suppressions"][0]["status"], "accepted");
    }
    let asff = read(&asff);
    assert!(asff
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["Workflow"]["Status"] == "SUPPRESSED"));
    assert_eq!(
        crate::support::finding_shapes::shape_problems("asff", &asff),
        Vec::<String>::new()
    );
    let ocsf = read(&ocsf);
    assert!(ocsf.as_array().unwrap().iter().all(|e| e["status_id"] == 3));
    assert_eq!(
        crate::support::finding_shapes::shape_problems("ocsf", &ocsf),
        Vec::<String>::new()
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("<strong>Baseline:</strong> suppressed: accepted by audit --write-baseline")
    );

    // One entry expired, one stale: the expired one's finding counts again; both are said.
    let edited = written.replacen(
        "code = \"latent-version\"\n",
        "code = \"latent-version\"\nexpires = \"2020-01-01\"\n",
        1,
    ) + "\n[[suppress]]\nrole = \"arn:aws:iam::123456789012:role/fixed-long-ago\"\ncode = \"no-external-id\"\nreason = \"was accepted\"\n";
    std::fs::write(&file, edited).unwrap();
    let r = with(&["--format", "json"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    let errors: Vec<String> = schema.iter_errors(&report).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "audit.schema.json: {errors:?}");
    assert_eq!(report["baseline"]["expired"][0]["expires"], "2020-01-01");
    assert_eq!(report["baseline"]["stale"][0]["code"], "no-external-id");
    let r = with(&[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("the baseline entry expired after 2020-01-01"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("expired after 2020-01-01: arn:aws:iam::123456789012:role/audit-latent-version latent-version"), "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "stale (matches no finding; delete it): arn:aws:iam::123456789012:role/fixed-long-ago"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("baseline: 11 finding(s) suppressed"),
        "{}",
        r.stdout
    );

    std::fs::write(
        &file,
        "[[suppress]]\nrole = \"x\"\ncode = \"nope\"\nreason = \"r\"\n",
    )
    .unwrap();
    let r = with(&[]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr.contains("--baseline") && r.stderr.contains("hint:"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

/// An entry naming a function accepts a role's finding about that function (its request's
/// resource), as it accepts the account-wide scan's.
#[test]
fn a_function_entry_suppresses_a_role_finding_about_that_function() {
    use lambda_trust_audit::{AccountReport, AuditFinding};
    const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:lookup-order";
    let request = serde_json::json!({"principal": "arn:aws:iam::444455556666:root",
        "action": "lambda:InvokeFunction", "resource": FN, "context": {}});
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let iam = parse_details("moto-gaad.json", &text, None).unwrap();
    let opts = AuditOptions {
        partners: vec!["765628985471".into()],
        ..AuditOptions::default()
    };
    let mut report: AccountReport = audit_account(&iam, &opts, 0);
    let mut open = AuditFinding::new(AuditCode::FunctionPolicyOpen, "open".into(), None);
    open.counterexample = Some(request);
    report.roles[0].findings = vec![open];
    let accepted = Baseline {
        suppress: vec![BaselineEntry {
            role: None,
            function: Some("arn:aws:lambda:us-east-1:123456789012:function:lookup-*".into()),
            code: AuditCode::FunctionPolicyOpen,
            reason: "public by design".into(),
            expires: None,
        }],
    };
    let outcome = apply_baseline(&accepted, [&mut report], day("2026-06-30"));
    assert_eq!(outcome.suppressed, 1, "{outcome:?}");
    assert!(outcome.stale.is_empty());
    assert!(report.roles[0].findings[0].suppression.is_some());
}
