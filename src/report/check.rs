//! `check` reports: human (grouped per config, security first), JSON, SARIF 2.1.0 and GitHub
//! workflow annotations, all from one [`CheckReport`].

use serde_json::{json, Value};

use super::attribution::{suffix as attribution_suffix, LookupsSaid};
use super::check_notes::{config_note, CheckDocument};
use super::plan::document_diff_near;
use super::sarif::{self, rule};
use super::styles::Styles;
use super::text::{printable, unknown_mark};
use lambda_trust_provision::{
    ChangedBy, CheckReport, Code, ConfigStatus, Finding, FindingKind, Remedy, Side, TrailSource,
};
use lambda_trust_verdict::{Outcome, Severity};

/// Human report: grouped per config, security first.
pub(crate) fn render_human(report: &CheckReport, styles: Styles) -> String {
    let mut out = String::new();
    // A lookup that could not answer is said once in the report, not once per config.
    let mut said = LookupsSaid::default();
    for c in &report.configs {
        match c.status {
            ConfigStatus::Ok if !c.not_checked.is_empty() => out.push_str(&format!(
                "{} {}: {}\n",
                styles.yellow("✓"),
                label(c),
                one_sided_line(&c.not_checked)
            )),
            ConfigStatus::Ok => out.push_str(&format!(
                "{} {}: in sync and verified\n",
                styles.green("✓"),
                label(c)
            )),
            ConfigStatus::Error => out.push_str(&format!(
                "{} {}: {}\n",
                styles.red("✗ error"),
                label(c),
                printable(c.error.as_deref().unwrap_or(""))
            )),
            // Drift only when something differs from the config; what verification found
            // (an open function policy, an organization policy) is a finding, not drift.
            ConfigStatus::Drift => out.push_str(&format!(
                "{} {}: {}\n",
                styles.red(
                    match c.findings.iter().any(|f| f.kind == FindingKind::Drift) {
                        true => "✗ drift",
                        false => "✗ findings",
                    }
                ),
                label(c),
                count_line(&c.findings)
            )),
        }
        if let Some(s) = &c.subject {
            out.push_str(&styles.dim(&format!("  {}", printable(&s.to_string()))));
            out.push('\n');
        }
        // An error on one side (Genesys Cloud) keeps what the other side found.
        if c.status == ConfigStatus::Error && !c.findings.is_empty() {
            out.push_str(&format!(
                "  {} finding(s) on the side that was checked:\n",
                c.findings.len()
            ));
        }
        out.push_str(&findings_human(&c.findings, &mut said, styles));
        for n in &c.notes {
            let n = config_note(n);
            out.push_str(&format!("  {}  {}\n", styles.dim("note"), printable(&n)));
        }
    }
    if report.configs.len() > 1 {
        out.push_str(&styles.bold(&total_line(report)));
    }
    out.push_str(&next_steps(report));
    out
}

/// An ok config of which `--only` checked one side (`not_checked` is never empty): that side,
/// and the other not checked.
fn one_sided_line(not_checked: &[Side]) -> String {
    let missing: Vec<String> = not_checked.iter().map(Side::to_string).collect();
    let checked: Vec<String> = ([Side::Aws, Side::Genesys].into_iter())
        .filter(|s| !not_checked.contains(s))
        .map(|s| s.to_string())
        .collect();
    format!(
        "{} in sync and verified; {} not checked (--only), so the config as a whole is not reported in sync",
        checked.join(" and "),
        missing.join(" and ")
    )
}

/// What to run for each config with findings: `apply` only for what it repairs (with
/// `--adopt` when an ownership tag changed); the findings that need a step outside lambda-trust
/// are counted, each saying its step. With one side not checked, `--only aws` repairs the side
/// that was.
fn next_steps(report: &CheckReport) -> String {
    let mut out = String::new();
    for c in report.configs.iter().filter(|c| !c.findings.is_empty()) {
        let mut config = match c.config.as_str() {
            "lambda-trust.toml" => String::new(),
            path => format!(" --config {path}"),
        };
        // The environment that drifted, never the default one.
        if let Some(env) = &c.environment {
            config.push_str(&format!(" --env {env}"));
        }
        let only = match c.status {
            ConfigStatus::Error => " --only aws",
            ConfigStatus::Ok | ConfigStatus::Drift => "",
        };
        let count =
            |want: fn(&Remedy) -> bool| c.findings.iter().filter(|f| want(&f.remedy)).count();
        let adopt = count(|r| *r == Remedy::ApplyAdopt);
        let apply = count(|r| *r == Remedy::Apply) + adopt;
        let outside = count(|r| matches!(r, Remedy::Outside { .. }));
        if apply > 0 {
            let flag = if adopt > 0 { " --adopt" } else { "" };
            out.push_str(&format!(
                "→ run `lambda-trust apply{flag}{config}{only}` to repair {apply} finding(s) (it shows the plan first; `lambda-trust plan{flag}{config}` only shows it)\n"
            ));
        }
        if outside > 0 {
            out.push_str(&format!(
                "→ {outside} finding(s) need a step outside lambda-trust, which apply cannot take: each says which (fix: …)\n"
            ));
        }
    }
    out
}

/// Where the details of a finding start (under its resource).
const DETAIL: &str = "            ";

/// Findings, security first: one block per changed resource — what it means, who changed
/// it, a diff of the documents (live → config: what `apply` writes), and the failed checks
/// and proofs it causes. A lookup that could not answer is said on the first finding `said`
/// does not hold it for.
fn findings_human(findings: &[Finding], said: &mut LookupsSaid, styles: Styles) -> String {
    let mut out = String::new();
    let mut findings = findings.to_vec();
    findings.sort_by_key(|f| f.severity);
    for f in &findings {
        let who = attribution_suffix(&f.trail, said);
        out.push_str(&format!(
            "  {}  {}{}\n",
            severity(f.severity, styles),
            printable(&f.resource),
            unknown_mark(f.outcome, styles)
        ));
        for part in printable(&f.message).split("; ") {
            out.push_str(&wrap(part, DETAIL, DETAIL));
        }
        // Who changed it, on a line of its own and never wrapped (it is searched for).
        if !who.is_empty() {
            out.push_str(&format!("{DETAIL}{}\n", printable(who.trim_start())));
        }
        if let Some(c) = &f.trail.changed_by {
            let detail = changed_by_detail(c);
            out.push_str(&styles.dim(&format!("{DETAIL}{}", printable(&detail))));
            out.push('\n');
        }
        if let Some(fix) = fix_text(&f.remedy) {
            out.push_str(&wrap(&printable(&format!("fix: {fix}")), DETAIL, DETAIL));
        }
        out.push_str(&values_human(f, styles));
        out.push_str(&related_human(&f.related, styles));
    }
    out
}

/// A finding's fix when it is not plain `apply` (that one is the next-step line's).
pub(super) fn fix_text(remedy: &Remedy) -> Option<String> {
    match remedy {
        Remedy::Apply => None,
        Remedy::ApplyAdopt => Some("run `lambda-trust apply --adopt` (it shows the plan first): lambda-trust's ownership tag changed, so apply alone refuses".into()),
        Remedy::Outside { step } => Some(format!("outside lambda-trust: {step}")),
    }
}

fn severity(s: Severity, styles: Styles) -> String {
    match s {
        Severity::Security => styles.red("security"),
        Severity::Config => styles.yellow("config  "),
        Severity::Info => "info    ".to_owned(),
    }
}

/// What differs: a diff of two documents; each place of a list of places; or the value.
/// Who puts the config back, as the difference's block titles say it: `apply`, or the step
/// outside lambda-trust (a setup handed over to Terraform: `terraform apply`).
fn writer(f: &Finding) -> (&'static str, &'static str) {
    match &f.remedy {
        Remedy::Apply | Remedy::ApplyAdopt => ("what apply writes", "apply removes it"),
        Remedy::Outside { step } if step.starts_with("run `terraform apply`") => (
            "what `terraform apply` puts back",
            "`terraform apply` removes it",
        ),
        Remedy::Outside { .. } => ("what the step below writes", "the step below removes it"),
    }
}

fn values_human(f: &Finding, styles: Styles) -> String {
    let show = |v: &Option<Value>| {
        v.as_ref()
            .map(|v| v.to_string())
            .unwrap_or_else(|| "(absent)".into())
    };
    match (&f.expected, &f.actual) {
        (Some(e @ Value::Object(_)), Some(a @ Value::Object(_))) if !f.changes.is_empty() => {
            let head = styles.dim(&format!("{DETAIL}live → config ({}):", writer(f).0));
            let indent = format!("{DETAIL}  ");
            format!("{head}\n{}", document_diff_near(a, e, &indent, styles))
        }
        _ if !f.changes.is_empty() => f
            .changes
            .iter()
            .map(|c| {
                let line = format!(
                    "{DETAIL}{}: {} → {}",
                    c.path,
                    show(&c.actual),
                    show(&c.expected)
                );
                styles.dim(&printable(&line)) + "\n"
            })
            .collect(),
        (None, None) => String::new(),
        // A policy the config does not have: its document, which apply removes.
        (None, Some(Value::Object(o))) if o.get("document").is_some_and(Value::is_object) => {
            let head = styles.dim(&format!("{DETAIL}live ({}):", writer(f).1));
            let doc = super::plan::pretty(&o["document"]);
            let lines: String = doc
                .lines()
                .map(|l| styles.red(&format!("{DETAIL}  - {}", printable(l))) + "\n")
                .collect();
            format!("{head}\n{lines}")
        }
        (e, a) => {
            let line = format!("{DETAIL}expected {}, actual {}", show(e), show(a));
            styles.dim(&printable(&line)) + "\n"
        }
    }
}

/// The failed checks and unproved properties the change causes, one line each.
fn related_human(related: &[Finding], styles: Styles) -> String {
    if related.is_empty() {
        return String::new();
    }
    let mut out = format!("{DETAIL}because of it, {} more:\n", related.len());
    for r in related {
        // The code is for machines (JSON `related`, SARIF); people read what failed (its
        // message names the check or the property).
        let text = format!("{} {}", r.severity, printable(&r.message));
        let first = format!("{DETAIL}  · ");
        for line in wrap(&text, &first, &format!("{DETAIL}    ")).lines() {
            out.push_str(&styles.dim(line));
            out.push('\n');
        }
    }
    out
}

/// Lines of at most [`WIDTH`] columns where the words allow (an ARN is never broken): the
/// first behind `first`, the rest behind `rest`.
fn wrap(text: &str, first: &str, rest: &str) -> String {
    super::fit::wrap(text, first, rest, WIDTH)
}

/// The width findings are wrapped to: an 80-column terminal shows them as written.
use crate::report::fit::WIDTH;

/// `2 finding(s): 1 security, 1 config` (what is told under them not counted again).
fn count_line(findings: &[Finding]) -> String {
    let of = |s| findings.iter().filter(|f| f.severity == s).count();
    let mut parts = vec![format!("{} security", of(Severity::Security))];
    parts.push(format!("{} config", of(Severity::Config)));
    format!("{} finding(s): {}", findings.len(), parts.join(", "))
}

/// Several configs: how many are in sync, drifted (with their findings) or could not be
/// checked.
fn total_line(report: &CheckReport) -> String {
    let count = |status| report.configs.iter().filter(|c| c.status == status).count();
    let findings: usize = report.configs.iter().map(|c| c.findings.len()).sum();
    // A config checked on one side (`--only`) is not in sync as a whole: said apart.
    let one_sided = (report.configs.iter())
        .filter(|c| c.status == ConfigStatus::Ok && !c.not_checked.is_empty())
        .count();
    let in_sync = match one_sided {
        0 => format!("{} in sync", count(ConfigStatus::Ok)),
        n => format!(
            "{} in sync, {n} in sync on the side checked (--only)",
            count(ConfigStatus::Ok) - n
        ),
    };
    format!(
        "{} configs: {in_sync}, {} with findings ({findings} finding(s)), {} not checked\n",
        report.configs.len(),
        count(ConfigStatus::Drift),
        count(ConfigStatus::Error),
    )
}

/// `user mallory, from 203.0.113.7, CloudTrail event 6f1e…` (a Genesys change: `Genesys
/// Cloud's audit trail entry 1c2d…`).
pub(crate) fn changed_by_detail(c: &ChangedBy) -> String {
    let mut parts = Vec::new();
    if let Some(n) = &c.name {
        parts.push(format!("by {n}"));
    }
    if let Some(ip) = &c.source_ip {
        parts.push(format!("from {ip}"));
    }
    let record = match c.source {
        TrailSource::Cloudtrail => "CloudTrail event",
        TrailSource::GenesysAudit => "Genesys Cloud's audit trail entry",
    };
    parts.extend(c.event_id.as_ref().map(|id| format!("{record} {id}")));
    parts.join(", ")
}

pub(crate) fn render_json(report: &CheckReport) -> String {
    serde_json::to_string_pretty(&CheckDocument::of(report)).unwrap_or_default()
}

/// SARIF 2.1.0: one result per finding, located at the config line it belongs to. What was
/// not checked is no result (a result without `kind` is a failure, §3.27.9): a config that could
/// not be checked and a side left out (`--only`) are the run's notifications (§3.20.21), and the
/// sides left out its `notChecked` property.
pub(crate) fn render_sarif(report: &CheckReport) -> String {
    let mut results = Vec::new();
    let mut said = LookupsSaid::default();
    for c in &report.configs {
        for f in &c.findings {
            let properties = sarif_properties(c, f);
            let who = attribution_suffix(&f.trail, &mut said);
            let (kind, level) = sarif::kind_and_level(f.severity, f.outcome);
            results.push(json!({
                "ruleId": rule_id(f.code),
                "kind": kind,
                "level": level,
                "message": {"text": format!("{}{}: {}{who}", env_prefix(c), f.resource, f.message)},
                "locations": sarif_location(c, c.line_of(f.config_key)),
                "properties": properties,
            }));
        }
    }
    let rules: Vec<Value> = Code::all()
        .map(|c| rule(&rule_id(c), &c.description()))
        .collect();
    let notifications = vec![
        rule("lambda-trust/error", "The check could not run."),
        rule(
            "lambda-trust/not-checked",
            "One side of the config was not checked (--only).",
        ),
    ];
    sarif::document_with(rules, notifications, results, sarif_run(report))
}

/// The run's invocation, with a notification per config that could not be checked or side
/// left out, and the sides left out as a property.
fn sarif_run(report: &CheckReport) -> Value {
    let mut notes = Vec::new();
    let mut not_checked = Vec::new();
    for c in &report.configs {
        let mut note = |id: &str, level: &str, text: String| {
            notes.push(json!({
                "descriptor": {"id": id},
                "level": level,
                "message": {"text": format!("{}{text}", env_prefix(c))},
                "locations": sarif_location(c, 1),
            }));
        };
        if let Some(e) = &c.error {
            note("lambda-trust/error", "error", e.clone());
        }
        for side in &c.not_checked {
            let text = format!(
                "{}: the {side} side was not checked (--only): it is not reported in sync",
                c.config
            );
            note("lambda-trust/not-checked", "note", text);
        }
        if !c.not_checked.is_empty() {
            not_checked.push(json!({"config": c.config, "environment": c.environment,
                "sides": c.not_checked}));
        }
    }
    json!({
        "invocations": [{
            "executionSuccessful": report.configs.iter().all(|c| c.error.is_none()),
            "toolExecutionNotifications": notes,
        }],
        "properties": {"notChecked": not_checked},
    })
}

/// A SARIF location: the config at `line`.
fn sarif_location(c: &lambda_trust_provision::ConfigReport, line: usize) -> Value {
    json!([{"physicalLocation": {
        "artifactLocation": {"uri": c.config},
        "region": {"startLine": line}
    }}])
}

/// A finding's SARIF properties: its path, values and remedy, who changed it, and the
/// config's environment.
fn sarif_properties(c: &lambda_trust_provision::ConfigReport, f: &Finding) -> Value {
    let mut properties = json!({"path": f.path, "expected": f.expected,
        "actual": f.actual, "remedy": f.remedy});
    if let Some(env) = &c.environment {
        properties["environment"] = json!(env);
    }
    if let Some(c) = &f.trail.changed_by {
        properties["changed_by"] = json!(c);
    }
    if let Some(a) = &f.trail.cloudtrail {
        properties["cloudtrail"] = json!(a);
    }
    if let Some(a) = &f.trail.genesys_audit {
        properties["genesys_audit"] = json!(a);
    }
    properties
}

/// A finding's annotation title: its severity or unknown, and what it is about.
fn github_title(c: &lambda_trust_provision::ConfigReport, f: &Finding) -> String {
    let about = format!("{}{}", env_prefix(c), f.resource);
    match f.outcome {
        // `check`'s codes state no fact; one would read as a finding.
        Outcome::Failed | Outcome::Informational => {
            let what = match f.kind {
                FindingKind::Drift => "drift",
                FindingKind::Verify => "finding",
            };
            format!("lambda-trust {} {what}: {about}", f.severity)
        }
        Outcome::Unknown => format!("lambda-trust unknown: {about}"),
    }
}

/// `prod: ` before what a result names, for a config with environments (the file is the
/// same for all of them).
fn env_prefix(c: &lambda_trust_provision::ConfigReport) -> String {
    c.environment
        .as_ref()
        .map(|e| format!("{e}: "))
        .unwrap_or_default()
}

/// A finding code's SARIF rule: `lambda-trust/check/trust-broader`.
fn rule_id(code: Code) -> String {
    format!("lambda-trust/check/{code}")
}

/// GitHub workflow commands: `::error file=…,line=…,title=…::message`.
pub(crate) fn render_github(report: &CheckReport) -> String {
    fn esc(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn esc_prop(s: &str) -> String {
        esc(s).replace(':', "%3A").replace(',', "%2C")
    }
    let mut out = String::new();
    let mut said = LookupsSaid::default();
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
            // As SARIF's levels: a fact is a notice (`kind: informational`, `level: none`).
            let level = match f.outcome {
                Outcome::Failed if f.severity == Severity::Security => "error",
                Outcome::Informational => "notice",
                Outcome::Failed | Outcome::Unknown => "warning",
            };
            let title = github_title(c, f);
            out.push_str(&format!(
                "::{level} file={},line={},title={}::{}\n",
                esc_prop(&c.config),
                c.line_of(f.config_key),
                esc_prop(&title),
                esc(&format!(
                    "{}{}{}",
                    f.message,
                    attribution_suffix(&f.trail, &mut said),
                    fix_text(&f.remedy)
                        .map(|fix| format!(" — fix: {fix}"))
                        .unwrap_or_default()
                ))
            ));
        }
    }
    for c in (report.configs.iter()).filter(|c| !c.not_checked.is_empty()) {
        out.push_str(&format!(
            "::notice file={},title=lambda-trust::{}\n",
            esc_prop(&c.config),
            esc(&one_sided_line(&c.not_checked))
        ));
    }
    if report.in_sync {
        out.push_str("::notice title=lambda-trust::in sync and verified\n");
    }
    out
}

/// The config as a heading names it: its path, and its environment when it has one.
fn label(c: &lambda_trust_provision::ConfigReport) -> String {
    match &c.environment {
        Some(env) => format!("{} (environment {env})", c.config),
        None => c.config.clone(),
    }
}
