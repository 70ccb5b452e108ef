//! The lint report as `lint` prints it (human and `--format json`) over the built-in and
//! custom templates. The invariants themselves are tested in the provisioner's crate
//! (crates/provision/src/tests/lint_invariants.rs).
#![cfg(test)]

use crate::report::lint::{render_human, render_json};
use crate::report::styles::Styles;
use lambda_trust_config::Loaded;
use lambda_trust_model::{RenderContext, Templates};
use lambda_trust_provision::{check_rendered, LintCode, LintFinding, LintReport, LintSeverity};
use lambda_trust_verdict::{Judged, Status};
use serde_json::{json, Value};

const EXAMPLE: &str = include_str!("../../../examples/lambda-trust.toml");
fn loaded() -> Loaded {
    lambda_trust_config::parse_str(EXAMPLE, "examples/lambda-trust.toml", None).unwrap()
}

fn codes(findings: &[LintFinding]) -> Vec<String> {
    findings.iter().map(|f| f.code.to_string()).collect()
}

#[test]
fn builtin_rendering_is_clean() {
    let l = loaded();
    let r = lambda_trust_model::render(&l.config, &RenderContext::default(), &Templates::builtin())
        .unwrap();
    assert!(check_rendered(&l.config, &r, false).is_empty());
    let report = lambda_trust_provision::lint(&l, &r, false);
    assert_eq!(report.status(), Status::Ok);
    assert_eq!(
        render_human(&report, Styles::default()),
        "lint: no findings\n"
    );
}

#[test]
fn lint_includes_config_warnings_and_target_notices() {
    let text = EXAMPLE
        .replace("partner = \"genesys-cloud\"", "partner = \"genesys-cloud-fedramp\"")
        .replace(
            "function:lookup-customer",
            "function:lookup-customer\"\n[[targets]]\nfunction = \"arn:aws:lambda:us-east-1:999988887777:function:elsewhere",
        );
    let l = lambda_trust_config::parse_str(&text, "x", None).unwrap();
    let r = lambda_trust_model::render(&l.config, &RenderContext::default(), &Templates::builtin())
        .unwrap();
    let report = lambda_trust_provision::lint(&l, &r, false);
    assert_eq!(
        codes(&report.findings),
        ["fedramp-account-unconfirmed", "cross-account-target"]
    );
    assert_eq!(report.status(), Status::Ok);
    insta::assert_snapshot!("lint_human", render_human(&report, Styles::default()));
    insta::assert_snapshot!("lint_json", render_json(&report));
    let colored = render_human(&report, Styles { color: true });
    assert!(colored.contains("\u{1b}["));
    assert!(!render_human(&report, Styles::default()).contains('\u{1b}'));
}

#[test]
fn json_report_shape() {
    let report = LintReport {
        findings: vec![
            LintFinding {
                severity: LintSeverity::Error,
                code: LintCode::TrustWildcardPrincipal,
                message: "m".into(),
                hint: None,
            },
            LintFinding {
                severity: LintSeverity::Warning,
                code: LintCode::PolicyVersion,
                message: "w".into(),
                hint: Some("h".into()),
            },
        ],
        environments: vec![],
    };
    assert_eq!(report.status(), Status::Invalid);
    let v: Value = serde_json::from_str(&render_json(&report)).unwrap();
    assert_eq!(
        v,
        json!({"schema_version": 1, "errors": 1, "warnings": 1, "findings": [
            {"severity": "error", "code": "trust-wildcard-principal", "message": "m", "hint": null},
            {"severity": "warning", "code": "policy-version", "message": "w", "hint": "h"}
        ]})
    );
    insta::assert_snapshot!(
        "lint_human_errors",
        render_human(&report, Styles::default())
    );
}
