//! `check` reports: human (grouped per config, security first), JSON, SARIF 2.1.0 and GitHub
//! workflow annotations, all from one [`CheckReport`].

use serde_json::{json, Value};

use super::sarif::{self, rule};
use super::Styles;
use crate::core::drift::{CheckReport, Severity};

/// Human report: grouped per config, security first.
pub fn render_human(report: &CheckReport, styles: Styles) -> String {
    let mut out = String::new();
    for c in &report.configs {
        match c.status {
            "ok" => out.push_str(&format!(
                "{} {}: in sync and verified\n",
                styles.green("✓"),
                c.config
            )),
            "error" => out.push_str(&format!(
                "{} {}: {}\n",
                styles.red("✗ error"),
                c.config,
                c.error.as_deref().unwrap_or("")
            )),
            _ => {
                out.push_str(&format!(
                    "{} {}: {} finding(s)\n",
                    styles.red("✗ drift"),
                    c.config,
                    c.findings.len()
                ));
                let mut findings = c.findings.clone();
                findings.sort_by_key(|f| f.severity);
                for f in &findings {
                    let sev = match f.severity {
                        Severity::Security => styles.red("security"),
                        Severity::Config => styles.yellow("config  "),
                    };
                    out.push_str(&format!("  {sev}  {}: {}\n", f.resource, f.message));
                    if f.expected.is_some() || f.actual.is_some() {
                        let show = |v: &Option<Value>| {
                            v.as_ref()
                                .map(|v| v.to_string())
                                .unwrap_or_else(|| "(absent)".into())
                        };
                        out.push_str(&styles.dim(&format!(
                            "            expected {}, actual {}",
                            show(&f.expected),
                            show(&f.actual)
                        )));
                        out.push('\n');
                    }
                }
            }
        }
        for n in &c.notes {
            out.push_str(&format!("  {}  {n}\n", styles.dim("note")));
        }
    }
    out
}

pub fn render_json(report: &CheckReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}

/// SARIF 2.1.0: one result per finding, located at the config line it belongs to.
pub fn render_sarif(report: &CheckReport) -> String {
    let mut results = Vec::new();
    for c in &report.configs {
        let location = |line: usize| {
            json!([{"physicalLocation": {
                "artifactLocation": {"uri": c.config},
                "region": {"startLine": line}
            }}])
        };
        if let Some(e) = &c.error {
            results.push(json!({
                "ruleId": "lambda-trust/error",
                "level": "error",
                "message": {"text": e},
                "locations": location(1),
            }));
        }
        for f in &c.findings {
            let rule = match (f.kind, f.severity) {
                ("verify", _) => "lambda-trust/verification-failed",
                (_, Severity::Security) => "lambda-trust/security-drift",
                _ => "lambda-trust/config-drift",
            };
            results.push(json!({
                "ruleId": rule,
                "level": if f.severity == Severity::Security { "error" } else { "warning" },
                "message": {"text": format!("{}: {}", f.resource, f.message)},
                "locations": location(c.line_of(f.config_key)),
                "properties": {"path": f.path, "expected": f.expected, "actual": f.actual},
            }));
        }
    }
    let rules = vec![
        rule("lambda-trust/security-drift", "The live role is broader than the config: more principals, a weaker external ID condition, more actions or resources, or a removed boundary."),
        rule("lambda-trust/config-drift", "The live role differs from the config without broadening access."),
        rule("lambda-trust/verification-failed", "The offline proof over the live policies failed."),
        rule("lambda-trust/error", "The check could not run."),
    ];
    sarif::document(rules, results)
}

/// GitHub workflow commands: `::error file=…,line=…,title=…::message`.
pub fn render_github(report: &CheckReport) -> String {
    fn esc(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn esc_prop(s: &str) -> String {
        esc(s).replace(':', "%3A").replace(',', "%2C")
    }
    let mut out = String::new();
    for c in &report.configs {
        if let Some(e) = &c.error {
            out.push_str(&format!(
                "::error file={},line=1,title={}::{}\n",
                esc_prop(&c.config),
                esc_prop("lambda-trust: check failed to run"),
                esc(e)
            ));
        }
        for f in &c.findings {
            let level = if f.severity == Severity::Security {
                "error"
            } else {
                "warning"
            };
            let title = format!(
                "lambda-trust {} drift: {}",
                match f.severity {
                    Severity::Security => "security",
                    Severity::Config => "config",
                },
                f.resource
            );
            out.push_str(&format!(
                "::{level} file={},line={},title={}::{}\n",
                esc_prop(&c.config),
                c.line_of(f.config_key),
                esc_prop(&title),
                esc(&f.message)
            ));
        }
    }
    if report.configs.iter().all(|c| c.status == "ok") {
        out.push_str("::notice title=lambda-trust::in sync and verified\n");
    }
    out
}
