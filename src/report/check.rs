//! `check` reports: human (grouped per config, security first), JSON, SARIF 2.1.0 and GitHub
//! workflow annotations, all from one [`CheckReport`].

use serde_json::{json, Value};

use super::sarif::{self, rule};
use super::Styles;
use crate::core::drift::{CheckReport, Code, ConfigStatus, Finding, Severity};
use crate::core::trail::{self, Attribution};

/// Human report: grouped per config, security first.
pub fn render_human(report: &CheckReport, styles: Styles) -> String {
    let mut out = String::new();
    for c in &report.configs {
        match c.status {
            ConfigStatus::Ok => out.push_str(&format!(
                "{} {}: in sync and verified\n",
                styles.green("✓"),
                c.config
            )),
            ConfigStatus::Error => out.push_str(&format!(
                "{} {}: {}\n",
                styles.red("✗ error"),
                c.config,
                c.error.as_deref().unwrap_or("")
            )),
            ConfigStatus::Drift => out.push_str(&format!(
                "{} {}: {} finding(s)\n",
                styles.red("✗ drift"),
                c.config,
                c.findings.len()
            )),
        }
        // An error on one side (Genesys Cloud) keeps what the other side found.
        if c.status == ConfigStatus::Error && !c.findings.is_empty() {
            out.push_str(&format!(
                "  {} finding(s) on the side that was checked:\n",
                c.findings.len()
            ));
        }
        out.push_str(&findings_human(&c.findings, styles));
        for n in &c.notes {
            out.push_str(&format!("  {}  {n}\n", styles.dim("note")));
        }
    }
    if report.configs.len() > 1 {
        out.push_str(&styles.bold(&total_line(report)));
    }
    out
}

/// Findings, security first, each with who changed it and what it expected.
fn findings_human(findings: &[Finding], styles: Styles) -> String {
    let mut out = String::new();
    let mut findings = findings.to_vec();
    findings.sort_by_key(|f| f.severity);
    let mut refused_said = false;
    for f in &findings {
        let sev = match f.severity {
            Severity::Security => styles.red("security"),
            Severity::Config => styles.yellow("config  "),
            Severity::Info => "info    ".to_owned(),
        };
        out.push_str(&format!(
            "  {sev}  {}: {}{}\n",
            f.resource,
            f.message,
            who_suffix(f, &mut refused_said)
        ));
        if let Some(c) = &f.trail.changed_by {
            out.push_str(&styles.dim(&format!("            {}", changed_by_detail(c))));
            out.push('\n');
        }
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
    out
}

/// Several configs: how many are in sync, drifted (with their findings) or could not be
/// checked.
fn total_line(report: &CheckReport) -> String {
    let count = |status| report.configs.iter().filter(|c| c.status == status).count();
    let findings: usize = report.configs.iter().map(|c| c.findings.len()).sum();
    format!(
        "{} configs: {} in sync, {} drifted ({findings} finding(s)), {} not checked\n",
        report.configs.len(),
        count(ConfigStatus::Ok),
        count(ConfigStatus::Drift),
        count(ConfigStatus::Error),
    )
}

/// ` — UpdateAssumeRolePolicy by ARN at TIME` (or why it is unknown) after a finding; a
/// refused lookup is said once, on the first finding it concerns.
pub(crate) fn who_suffix(f: &Finding, refused_said: &mut bool) -> String {
    match (&f.trail.cloudtrail, trail::phrase(&f.trail)) {
        (Some(Attribution::NotPermitted { .. }), _) if !*refused_said => {
            *refused_said = true;
            format!(" — {}", trail::not_permitted_note())
        }
        (_, Some(p)) => format!(" {p}"),
        _ => String::new(),
    }
}

/// `user mallory, from 203.0.113.7, CloudTrail event 6f1e…`.
pub(crate) fn changed_by_detail(c: &trail::ChangedBy) -> String {
    let mut parts = Vec::new();
    if let Some(n) = &c.name {
        parts.push(format!("by {n}"));
    }
    if let Some(ip) = &c.source_ip {
        parts.push(format!("from {ip}"));
    }
    parts.push(format!("CloudTrail event {}", c.event_id));
    parts.join(", ")
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
        let mut refused_said = false;
        for f in &c.findings {
            let mut properties =
                json!({"path": f.path, "expected": f.expected, "actual": f.actual});
            if let Some(c) = &f.trail.changed_by {
                properties["changed_by"] = json!(c);
            }
            if let Some(a) = &f.trail.cloudtrail {
                properties["cloudtrail"] = json!(a);
            }
            let who = who_suffix(f, &mut refused_said);
            results.push(json!({
                "ruleId": rule_id(f.code),
                "level": sarif::level(f.severity),
                "message": {"text": format!("{}: {}{who}", f.resource, f.message)},
                "locations": location(c.line_of(f.config_key)),
                "properties": properties,
            }));
        }
    }
    let mut rules: Vec<Value> = Code::all()
        .map(|c| rule(&rule_id(c), &c.description()))
        .collect();
    rules.push(rule("lambda-trust/error", "The check could not run."));
    sarif::document(rules, results)
}

/// A finding code's SARIF rule: `lambda-trust/check/trust-broader`.
fn rule_id(code: Code) -> String {
    format!("lambda-trust/check/{code}")
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
        let mut refused_said = false;
        for f in &c.findings {
            let level = if f.severity == Severity::Security {
                "error"
            } else {
                "warning"
            };
            let title = format!("lambda-trust {} drift: {}", f.severity.as_str(), f.resource);
            out.push_str(&format!(
                "::{level} file={},line={},title={}::{}\n",
                esc_prop(&c.config),
                c.line_of(f.config_key),
                esc_prop(&title),
                esc(&format!(
                    "{}{}",
                    f.message,
                    who_suffix(f, &mut refused_said)
                ))
            ));
        }
    }
    if report.configs.iter().all(|c| c.status == ConfigStatus::Ok) {
        out.push_str("::notice title=lambda-trust::in sync and verified\n");
    }
    out
}
