//! `audit` reports: a human table per account (worst first, then each finding with its
//! request), JSON (the account report, or the organization report), SARIF 2.1.0 (one result
//! per finding, located at the role's ARN).

use serde_json::{json, Value};
use strum::IntoEnumIterator;

use super::sarif::{self, rule};
use super::styles::Styles;
use super::text::printable;
use lambda_trust_audit::{
    AccountOutcome, AccountReport, AuditCode, AuditFinding, BaselineOutcome, GenesysReport, IdKind,
    InvokableKind, OrgReport, RoleReport,
};
use lambda_trust_verdict::Severity;

fn severity(s: Option<Severity>, styles: Styles) -> String {
    match s {
        Some(Severity::Security) => styles.red("security"),
        Some(Severity::Config) => styles.yellow("config  "),
        Some(Severity::Info) => "info    ".to_owned(),
        None => styles.green("ok      "),
    }
}

/// `principal may action [on resource] with k=v, …` for a counterexample; a request to
/// assume the role itself (`resource` = the role) names no resource and says when
/// `sts:ExternalId` is absent. A key with one value is shown bare, as `prove` shows it.
pub(super) fn request_text(c: &Value, role_arn: &str) -> String {
    let s = |k: &str| c[k].as_str().unwrap_or("").to_owned();
    let mut line = format!("{} may {}", s("principal"), s("action"));
    let assume = s("resource") == role_arn;
    if !assume {
        line.push_str(&format!(" on {}", s("resource")));
    }
    let context = c["context"].as_object();
    let has_id =
        context.is_some_and(|m| m.keys().any(|k| k.eq_ignore_ascii_case("sts:ExternalId")));
    let mut parts = Vec::new();
    if assume && s("action").eq_ignore_ascii_case("sts:AssumeRole") && !has_id {
        parts.push("sts:ExternalId absent".to_owned());
    }
    for (k, v) in context.into_iter().flatten() {
        match v.as_array().map(Vec::as_slice) {
            Some([one]) => parts.push(format!("{k}={one}")),
            _ => parts.push(format!("{k}={v}")),
        }
    }
    if !parts.is_empty() {
        line.push_str(&format!(" with {}", parts.join(", ")));
    }
    line
}

/// What a baseline entry did to a finding, one phrase (`None`: no entry matched it).
pub(super) fn suppression_text(f: &AuditFinding) -> Option<String> {
    let s = f.suppression.as_ref()?;
    let until = s.expires.as_deref().map(|d| format!(" (until {d})"));
    Some(if s.expired {
        let day = s.expires.as_deref().unwrap_or_default();
        format!(
            "the baseline entry expired after {day} ({}): the finding counts again",
            s.reason
        )
    } else {
        format!("suppressed: {}{}", s.reason, until.unwrap_or_default())
    })
}

/// The baseline's expired and stale entries, a line each (empty without a baseline).
fn baseline_lines(outcome: Option<&BaselineOutcome>, styles: Styles) -> String {
    let Some(o) = outcome else {
        return String::new();
    };
    let mut out = format!("\nbaseline: {} finding(s) suppressed\n", o.suppressed);
    for e in &o.expired {
        let day = e.expires.as_deref().unwrap_or_default();
        out.push_str(&styles.yellow(&format!(
            "  expired after {day}: {} {} ({})",
            e.subject(),
            e.code,
            e.reason
        )));
        out.push('\n');
    }
    for e in &o.stale {
        out.push_str(&styles.yellow(&format!(
            "  stale (matches no finding; delete it): {} {} ({})",
            e.subject(),
            e.code,
            e.reason
        )));
        out.push('\n');
    }
    out
}

fn ids_text(r: &RoleReport) -> String {
    match r.external_ids.kind {
        IdKind::Any => "any".to_owned(),
        kind => format!("{kind}: {}", printable(&r.external_ids.values.join(", "))),
    }
}

/// One account: a header, the table (worst first), then the findings.
pub(crate) fn account_human(report: &AccountReport, styles: Styles) -> String {
    account_named(report, None, styles)
}

/// ` (NAME)` after an account's ID: the name its organization lists, chosen by the account's
/// owner (`printable`).
fn name_text(name: Option<&String>) -> String {
    name.map_or(String::new(), |n| format!(" ({})", printable(n)))
}

/// One word for a table cell, what a role can invoke: the count, `all`, `pattern` or
/// `unknown`.
pub(crate) fn invokable_word(r: &RoleReport) -> String {
    match r.invokable_scope.kind {
        InvokableKind::Listed => r.invokable.len().to_string(),
        InvokableKind::All => "all".to_owned(),
        InvokableKind::Pattern => "pattern".to_owned(),
        InvokableKind::Unknown => "unknown".to_owned(),
    }
}

/// What a role can invoke in a few words: `3`, `all functions (*)`, `pattern
/// (…:function:f-*)`, `unknown (policy not read: AWSLambda_FullAccess)` — never a count that
/// understates.
pub(crate) fn invokable_short(r: &RoleReport) -> String {
    let wild: Vec<&str> = (r.invokable.iter())
        .filter(|p| p.contains(['*', '?']))
        .map(String::as_str)
        .collect();
    match r.invokable_scope.kind {
        InvokableKind::Listed => r.invokable.len().to_string(),
        InvokableKind::All => format!("all functions ({})", wild.join(", ")),
        InvokableKind::Pattern => format!("pattern ({})", wild.join(", ")),
        InvokableKind::Unknown => {
            let names: Vec<&str> = (r.invokable_scope.not_read.iter())
                .map(|n| n.rsplit('/').next().unwrap_or(n))
                .collect();
            format!("unknown (policy not read: {})", names.join(", "))
        }
    }
}

/// The table of reported roles: worst severity, name, managed, what it invokes, external IDs.
fn roles_table(report: &AccountReport, styles: Styles) -> String {
    let width = (report.roles.iter())
        .map(|r| r.role.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let invokable: Vec<String> = (report.roles.iter())
        .map(|r| printable(&invokable_short(r)).into_owned())
        .collect();
    let inv = (invokable.iter())
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0)
        .max(9);
    let mut out = format!(
        "  {:<8}  {:<width$}  {:<7}  {:<inv$}  {}\n",
        "WORST", "ROLE", "MANAGED", "INVOKABLE", "EXTERNAL ID"
    );
    for (r, invokable) in report.roles.iter().zip(&invokable) {
        out.push_str(&format!(
            "  {}  {:<width$}  {:<7}  {:<inv$}  {}\n",
            severity(r.worst(), styles),
            r.role,
            if r.managed { "yes" } else { "no" },
            invokable,
            ids_text(r)
        ));
    }
    out
}

/// One role's findings, each with its suppression and its counterexample request.
fn role_findings(r: &RoleReport, styles: Styles) -> String {
    let mut out = format!("\n{} {}\n", styles.bold("role"), r.arn);
    for f in &r.findings {
        out.push_str(&format!(
            "  {}  {}{}: {}\n",
            severity(Some(f.severity), styles),
            f.code,
            super::text::unknown_mark(f.outcome, styles),
            printable(&f.message)
        ));
        if let Some(text) = suppression_text(f) {
            out.push_str(&styles.dim(&format!("            {text}")));
            out.push('\n');
        }
        if let Some(c) = &f.counterexample {
            let request = request_text(c, &r.arn);
            out.push_str(&styles.dim(&format!("            request: {}", printable(&request))));
            out.push('\n');
        }
    }
    out
}

/// [`account_human`], the account's name beside its ID when the organization listed one.
fn account_named(report: &AccountReport, name: Option<&String>, styles: Styles) -> String {
    let partners = if report.partners.is_empty() {
        "any other account".to_owned()
    } else {
        report.partners.join(", ")
    };
    let s = &report.summary;
    // Read through AWS Config, the calls are the run's (the summary line), not the account's.
    let calls = match report.recorded_in {
        Some(_) => String::new(),
        None => format!(", {} call(s)", s.calls),
    };
    let mut out = format!(
        "{} {}{}: {} role(s) scanned, {} assumable by {partners}{calls}\n",
        styles.bold("account"),
        report.account,
        name_text(name),
        s.roles_scanned,
        s.roles_reported,
    );
    out.push_str(&config_human(report, styles));
    out.push_str(&path_human(report, styles));
    for line in report.genesys.iter().flat_map(genesys_lines) {
        out.push_str(&format!("  {}\n", printable(&line.replace('\n', "\n    "))));
    }
    if report.roles.is_empty() {
        return out;
    }
    out.push_str(&roles_table(report, styles));
    for r in report.roles.iter().filter(|r| !r.findings.is_empty()) {
        out.push_str(&role_findings(r, styles));
    }
    out.push_str(&baseline_lines(report.baseline.as_ref(), styles));
    out
}

/// `--config-aggregator`: where AWS Config recorded the account's roles, and each role or
/// policy that could not be read (a line each).
fn config_human(report: &AccountReport, styles: Styles) -> String {
    if report.recorded_in.is_none() && report.not_read.is_empty() {
        return String::new();
    }
    let region = (report.recorded_in.as_deref())
        .map_or(String::new(), |r| format!(" (IAM recorded in {r})"));
    let mut out = format!("  read from AWS Config{region}\n");
    for what in &report.not_read {
        out.push_str(&format!(
            "  {} {}\n",
            styles.yellow("not read:"),
            printable(what)
        ));
    }
    out
}

/// `audit --genesys`'s account lines: the organization and each integration (the role its
/// credential holds, how that is known, its actions choosing a function at run time), or why
/// Genesys Cloud was not read. Each action's reach is a finding of its role.
pub(super) fn genesys_lines(g: &GenesysReport) -> Vec<String> {
    let Some(org) = &g.organization else {
        let why = g.not_read.as_deref().unwrap_or_default();
        return vec![format!(
            "Genesys Cloud not read (nothing is claimed of it): {why}"
        )];
    };
    let mut out = vec![format!(
        "Genesys Cloud organization {org}: {} aws-lambda-data-actions integration(s)",
        g.integrations.len()
    )];
    for i in &g.integrations {
        let role = match (&i.role, i.role_from) {
            (Some(arn), from) => format!("role {arn} (from the {})", from),
            (None, _) => format!(
                "role redacted; {} role(s) here accept the organization's ID",
                i.roles.len()
            ),
        };
        let dynamic: std::collections::BTreeSet<&str> =
            i.dynamic.iter().map(|d| d.id.as_str()).collect();
        let judged = match i.roles.is_empty() {
            true => "; no role this audit reports (none a partner can assume, or another account's): its actions are not judged".to_owned(),
            false => format!(", {} choosing the function at run time", dynamic.len()),
        };
        out.push(format!(
            "integration {:?} ({}): {role}; {} action(s){judged}",
            i.name, i.id, i.actions
        ));
    }
    out
}

/// The whole path's account lines: where each account's organization policies came from (one
/// line each, so "not read" is said once per account), how many functions were listed, and
/// each function a partner or anyone can invoke directly.
fn path_human(report: &AccountReport, styles: Styles) -> String {
    let Some(path) = &report.path else {
        return String::new();
    };
    let mut out = String::new();
    for (account, source) in &path.organization {
        let source = printable(source);
        out.push_str(&format!("  organization policies of {account}: {source}\n"));
    }
    match (&path.functions_listed, &path.functions_not_listed) {
        (Some(n), _) => out.push_str(&format!(
            "  functions listed and their policies read: {n}\n"
        )),
        (None, Some(why)) => out.push_str(&format!(
            "  functions not listed: {}\n",
            printable(&why.replace('\n', "\n    "))
        )),
        (None, None) => {}
    }
    for f in &path.functions {
        out.push_str(&format!(
            "\n{} {}\n",
            styles.bold("function"),
            printable(&f.function)
        ));
        for finding in &f.findings {
            out.push_str(&format!(
                "  {}  {}{}: {}\n",
                severity(Some(finding.severity), styles),
                finding.code,
                super::text::unknown_mark(finding.outcome, styles),
                printable(&finding.message)
            ));
            if let Some(c) = &finding.counterexample {
                let request = request_text(c, "");
                let line = format!("            request: {}", printable(&request));
                out.push_str(&styles.dim(&line));
                out.push('\n');
            }
        }
    }
    out
}

pub(crate) fn account_json(report: &AccountReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}

/// Every account, errors included, then a one-line summary.
pub(crate) fn org_human(report: &OrgReport, styles: Styles) -> String {
    let mut out = String::new();
    for a in &report.accounts {
        match a {
            AccountOutcome::Report(r) => {
                let name = report.names.get(&r.account);
                out.push_str(&account_named(r, name, styles))
            }
            AccountOutcome::Error { account, error, .. } => out.push_str(&format!(
                "{} {account}{}: {}\n",
                styles.red("✗ account"),
                name_text(report.names.get(account)),
                printable(&error.replace('\n', "\n  "))
            )),
        }
        out.push('\n');
    }
    let s = &report.summary;
    out.push_str(&format!(
        "{} account(s), {} failed; {} role(s) scanned, {} reported; {} call(s)\n",
        s.accounts, s.accounts_failed, s.roles_scanned, s.roles_reported, s.calls
    ));
    out.push_str(&baseline_lines(report.baseline.as_ref(), styles));
    out
}

pub(crate) fn org_json(report: &OrgReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}

fn results(report: &AccountReport, out: &mut Vec<Value>) {
    let functions = report.path.iter().flat_map(|p| &p.functions);
    for f in functions {
        for finding in &f.findings {
            let (kind, level) = sarif::kind_and_level(finding.severity, finding.outcome);
            out.push(json!({
                "ruleId": format!("lambda-trust/audit/{}", finding.code),
                "kind": kind,
                "level": level,
                "message": {"text": finding.message},
                "locations": [{"logicalLocations": [{
                    "fullyQualifiedName": f.function, "kind": "resource"}]}],
                "properties": {"account": report.account, "counterexample": finding.counterexample},
            }));
        }
    }
    for r in &report.roles {
        for f in &r.findings {
            let (kind, level) = sarif::kind_and_level(f.severity, f.outcome);
            let mut result = json!({
                "ruleId": format!("lambda-trust/audit/{}", f.code),
                "kind": kind,
                "level": level,
                "message": {"text": format!("{}: {}", r.role, f.message)},
                "locations": [{"logicalLocations": [{
                    "fullyQualifiedName": r.arn, "name": r.role, "kind": "resource"}]}],
                "properties": {"account": report.account, "counterexample": f.counterexample},
            });
            // SARIF 2.1.0 §3.35: an accepted suppression kept outside the analysed artifact.
            if let (Some(s), true) = (&f.suppression, f.is_suppressed()) {
                result["suppressions"] =
                    json!([{"kind": "external", "status": "accepted", "justification": s.reason}]);
            } else if let Some(text) = suppression_text(f) {
                result["properties"]["baseline"] = text.into();
            }
            out.push(result);
        }
    }
}

pub(super) fn sarif_rules() -> Vec<Value> {
    let mut rules: Vec<Value> = AuditCode::iter()
        .map(|c| rule(&format!("lambda-trust/audit/{}", c), c.description()))
        .collect();
    rules.push(rule(
        "lambda-trust/audit/error",
        "An account could not be audited.",
    ));
    rules
}

pub(crate) fn account_sarif(report: &AccountReport) -> String {
    let mut out = Vec::new();
    results(report, &mut out);
    sarif::document(sarif_rules(), out)
}

pub(crate) fn org_sarif(report: &OrgReport) -> String {
    let mut out = Vec::new();
    for a in &report.accounts {
        match a {
            AccountOutcome::Report(r) => results(r, &mut out),
            AccountOutcome::Error { account, error, .. } => out.push(json!({
                "ruleId": "lambda-trust/audit/error",
                "level": "error",
                "message": {"text": format!("account {account}: {error}")},
                "locations": [{"logicalLocations": [{"fullyQualifiedName": account, "kind": "account"}]}],
            })),
        }
    }
    sarif::document(sarif_rules(), out)
}
