//! `audit --template` reports: the account report of `report::audit`, each role with the
//! resource it comes from, then the values the template left unknown and the resources not
//! analysed; JSON (the account report plus those lists); SARIF located at the resource's line.

use serde_json::{json, Value};

use super::audit::{account_human, sarif_rules};
use super::sarif::kind_and_level;
use super::sarif::{self, rule};
use super::styles::Styles;
use super::text::printable;
use lambda_trust_audit::IacReport;

fn at(file: &str, line: Option<usize>) -> String {
    match line {
        Some(l) => format!("{file}:{l}"),
        None => file.to_owned(),
    }
}

/// A template or plan in a pull request is text its author chose: its names and values go
/// through [`printable`], as an account's do.
pub(crate) fn iac_human(report: &IacReport, styles: Styles) -> String {
    let mut out = format!(
        "{} {}\n",
        styles.bold(report.input.into()),
        report.source_file
    );
    out.push_str(&account_human(&report.report, styles));
    if !report.sources.is_empty() {
        out.push_str(&format!("\n{}\n", styles.bold("defined at")));
        for (role, s) in &report.sources {
            let line = format!(
                "  {role}: {} ({})\n",
                s.resource,
                at(s.file.as_deref().unwrap_or(&report.source_file), s.line)
            );
            out.push_str(&printable(&line));
        }
    }
    if !report.unknowns.is_empty() {
        out.push_str(&format!(
            "\n{} (never proved; the weaker claim is reported)\n",
            styles.bold("unknown before deployment")
        ));
        for u in &report.unknowns {
            out.push_str(&format!("  {}\n", printable(&u.to_string())));
        }
    }
    if !report.not_analysed.is_empty() {
        out.push_str(&format!(
            "\n{} (they can grant IAM permissions; read them yourself)\n",
            styles.bold("not analysed")
        ));
        for n in &report.not_analysed {
            let line = format!(
                "  {} ({}) at {}\n",
                n.resource,
                n.resource_type,
                at(n.file.as_deref().unwrap_or(&report.source_file), n.line)
            );
            out.push_str(&printable(&line));
        }
    }
    out
}

pub fn iac_json(report: &IacReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}

fn location(file: &str, line: Option<usize>, name: &str, kind: &str) -> Value {
    let mut physical = json!({"artifactLocation": {"uri": file}});
    if let Some(l) = line {
        physical["region"] = json!({"startLine": l});
    }
    json!({"physicalLocation": physical, "logicalLocations": [{"name": name, "kind": kind}]})
}

pub(crate) fn iac_sarif(report: &IacReport) -> String {
    let file = &report.source_file;
    let mut results = Vec::new();
    for r in &report.report.roles {
        let source = report.sources.get(&r.role);
        let (name, line) =
            source.map_or((r.role.as_str(), None), |s| (s.resource.as_str(), s.line));
        let file = source.and_then(|s| s.file.as_deref()).unwrap_or(file);
        for f in &r.findings {
            let (kind, level) = kind_and_level(f.severity, f.outcome);
            results.push(json!({
                "ruleId": format!("lambda-trust/audit/{}", f.code),
                "kind": kind,
                "level": level,
                "message": {"text": format!("{name}: {}", f.message)},
                "locations": [location(file, line, name, "resource")],
                "properties": {"role": r.role, "counterexample": f.counterexample},
            }));
        }
    }
    let functions = report.report.path.iter().flat_map(|p| &p.functions);
    for f in functions {
        for finding in &f.findings {
            let (kind, level) = kind_and_level(finding.severity, finding.outcome);
            results.push(json!({
                "ruleId": format!("lambda-trust/audit/{}", finding.code),
                "kind": kind,
                "level": level,
                "message": {"text": finding.message},
                "locations": [location(file, None, &f.function, "resource")],
                "properties": {"counterexample": finding.counterexample},
            }));
        }
    }
    for n in &report.not_analysed {
        results.push(json!({
            "ruleId": "lambda-trust/audit/not-analysed",
            // Not analysed is not known: an open result (SARIF 2.1.0, §3.27.9), level none.
            "kind": "open",
            "level": "none",
            "message": {"text": format!("{}: {} can grant IAM permissions and is not analysed", n.resource, n.resource_type)},
            "locations": [location(n.file.as_deref().unwrap_or(file), n.line, &n.resource, "resource")],
        }));
    }
    let mut rules = sarif_rules();
    rules.push(rule(
        "lambda-trust/audit/not-analysed",
        "A resource that can grant IAM permissions is not analysed by lambda-trust.",
    ));
    sarif::document(rules, results)
}
