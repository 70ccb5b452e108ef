//! `just bench-html`: the HTML audit report at 10,000 reported roles — how long headless
//! Chromium takes to load it and make it interactive, and its size.
//!
//! Builds an organization report in memory (`BENCH_HTML_ACCOUNTS` accounts, default 10, of
//! `BENCH_HTML_ROLES` roles each, default 1,000, every one assumable by Genesys Cloud, cycling
//! through eight trust/permission patterns: locked and clean, no external ID, a pattern, several
//! IDs, a wildcard function, beyond invoke, another principal, unmanaged) with the real audit
//! (`lambda_trust_audit::audit_account`: prover, counterexamples, marked statements) of
//! `BENCH_HTML_DISTINCT` roles per account (default 64), repeated under new names up to the
//! count (the page is measured, not the prover), renders it
//! (`report::audit_org_html`), writes `target/bench/audit-html.html`, then opens it
//! `BENCH_HTML_REPS` times (default 5) with `tests/browser/report.mjs --bench` in headless
//! Chromium (`/usr/bin/chromium` or `$LAMBDA_TRUST_CHROMIUM`): from `page.goto` until the page's
//! script has bound its controls (`data-ready`), then one sort by role and one filter.
//! Prints the figures (median and worst) as markdown on stdout.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use chrono::DateTime;
use lambda_trust::{audit_org_html, HtmlMeta};
use lambda_trust_audit::{
    audit_account, AccountIam, AccountOutcome, AuditOptions, AuditRole, OrgReport,
};
use serde_json::{json, Value};

const GENESYS: &str = "765628985471";
const ORG_ID: &str = "0f8c7a52-8b1e-4c5e-9a44-3f1c2d7e9b10";

fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn doc(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The `i`-th role of `account`: one of eight patterns (see the header).
fn role(account: &str, i: usize) -> AuditRole {
    let genesys = json!({"AWS": format!("arn:aws:iam::{GENESYS}:root")});
    let locked = json!({"StringEquals": {"sts:ExternalId": ORG_ID}});
    let condition = match i % 8 {
        1 => Value::Null,
        2 => json!({"StringLike": {"sts:ExternalId": "0f8c7a52-*"}}),
        3 => json!({"StringEquals": {"sts:ExternalId": [ORG_ID, format!("old-{i}")]}}),
        _ => locked,
    };
    let mut trust =
        vec![json!({"Effect": "Allow", "Principal": genesys, "Action": "sts:AssumeRole"})];
    if !condition.is_null() {
        trust[0]["Condition"] = condition;
    }
    if i % 8 == 6 {
        trust.push(json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"}));
    }
    let function = |name: &str| format!("arn:aws:lambda:us-east-1:{account}:function:{name}");
    let (actions, resource) = match i % 8 {
        4 => (json!("lambda:InvokeFunction"), json!(function("*"))),
        5 => (
            json!(["lambda:InvokeFunction", "lambda:UpdateFunctionCode"]),
            json!(function(&format!("fn-{i}"))),
        ),
        _ => (
            json!("lambda:InvokeFunction"),
            json!([function(&format!("fn-{i}")), function(&format!("fn-{i}-b"))]),
        ),
    };
    let name = format!("role-{i:05}");
    AuditRole {
        arn: format!("arn:aws:iam::{account}:role/{name}"),
        name,
        trust: doc(json!(trust)),
        inline: vec![(
            "invoke".into(),
            doc(json!([{"Effect": "Allow", "Action": actions, "Resource": resource}])),
        )],
        attached: vec![],
        boundary: None,
        tags: if i % 8 == 1 || i % 8 == 7 {
            BTreeMap::new()
        } else {
            BTreeMap::from([("managed-by".into(), "lambda-trust".into())])
        },
    }
}

fn report(accounts: usize, roles: usize, distinct: usize) -> OrgReport {
    let opts = AuditOptions {
        partners: vec![GENESYS.into()],
        config: None,
        region: Some("us-east-1".into()),
        partner_principals: Vec::new(),
        genesys_org_ids: Vec::new(),
    };
    let outcomes = (0..accounts)
        .map(|a| {
            let account = format!("{:012}", 100_000_000_000u64 + a as u64);
            let iam = AccountIam {
                roles: (0..distinct.min(roles))
                    .map(|i| role(&account, i))
                    .collect(),
                account_id: account.clone(),
                policies: BTreeMap::new(),
                usage: BTreeMap::new(),
            };
            let mut report = audit_account(&iam, &opts, 1);
            // The prover's work is not what this measures: the audited roles are repeated under
            // new names up to `roles` (same findings, requests, documents).
            let proved = std::mem::take(&mut report.roles);
            report.roles = (0..roles)
                .map(|i| {
                    let mut r = proved[i % proved.len()].clone();
                    r.role = format!("role-{i:05}");
                    r.arn = format!("arn:aws:iam::{account}:role/{}", r.role);
                    r
                })
                .collect();
            report
                .roles
                .sort_by_key(|r| (r.worst().map_or(3, |s| s as u8), r.role.clone()));
            report.summary.roles_scanned = roles;
            report.summary.roles_reported = roles;
            AccountOutcome::Report(report)
        })
        .collect();
    OrgReport::new(outcomes, 1)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let (accounts, roles, reps) = (
        knob("BENCH_HTML_ACCOUNTS", 10),
        knob("BENCH_HTML_ROLES", 1000),
        knob("BENCH_HTML_REPS", 5),
    );
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let started = Instant::now();
    let report = report(accounts, roles, knob("BENCH_HTML_DISTINCT", 64));
    let audit_s = started.elapsed().as_secs_f64();
    let reported = report.summary.roles_reported;
    let meta = HtmlMeta {
        generated: DateTime::from_timestamp(0, 0).unwrap_or_default(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let started = Instant::now();
    let html = audit_org_html(&report, &meta);
    let render_ms = started.elapsed().as_secs_f64() * 1e3;
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).expect("create target/bench");
    let file = dir.join("audit-html.html");
    std::fs::write(&file, &html).expect("write the page");
    eprintln!(
        "{reported} roles reported (audit {audit_s:.1} s), page rendered in {render_ms:.0} ms: {}",
        file.display()
    );
    let mut runs: Vec<Value> = Vec::new();
    for _ in 0..reps {
        let out = Command::new("node")
            .arg(root.join("tests/browser/report.mjs"))
            .arg(&file)
            .arg(dir.join("audit-html.png"))
            .arg("--bench")
            .output()
            .expect("run node tests/browser/report.mjs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        runs.push(serde_json::from_slice(&out.stdout).expect("one JSON document"));
    }
    let figure = |k: &str| {
        runs.iter()
            .map(|r| r[k].as_f64().unwrap_or(f64::NAN))
            .collect::<Vec<_>>()
    };
    let row = |label: &str, k: &str| {
        let v = figure(k);
        let worst = v.iter().copied().fold(f64::MIN, f64::max);
        format!("| {label} | {:.0} ms | {worst:.0} ms |", median(v))
    };
    println!("{reported} reported roles in {accounts} accounts; page {:.1} MB ({} bytes), rendered in {render_ms:.0} ms; {reps} runs in headless Chromium\n", html.len() as f64 / 1e6, html.len());
    println!("| step | median | worst |\n|---|---|---|");
    let steps = [
        (
            "open → interactive: the table sorts and filters (its script has bound the controls)",
            "ready_ms",
        ),
        ("open → load event (the whole file parsed)", "load_ms"),
        (
            "open → every role's detail turned into elements",
            "details_ms",
        ),
        (
            "sort 10,000 rows by role (handler, layout, next frame)",
            "sort_ms",
        ),
        ("filter by text (handler, layout, next frame)", "filter_ms"),
    ];
    for (label, key) in steps {
        println!("{}", row(label, key));
    }
    let last = &runs[runs.len() - 1];
    let nav = |k: &str| last["navigation"][k].as_f64().unwrap_or(0.0);
    println!(
        "\nlast run: first contentful paint {:.0} ms, domInteractive {:.0} ms, loadEventEnd {:.0} ms (navigation timing); a filter right at interactive took {:.1} ms (document {}); the text filter shows {}",
        nav("first_contentful_paint"),
        nav("dom_interactive"),
        nav("load_event_end"),
        last["early_filter"]["ms"].as_f64().unwrap_or(0.0),
        last["early_filter"]["ready_state"],
        last["filter_count"]
    );
}
