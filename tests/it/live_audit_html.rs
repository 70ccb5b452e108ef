//! `audit --html` in a real browser: the reports of an account and of an organization seeded on
//! moto (`scripts/seed_audit.py`, with roles and an account name that are markup) are opened in
//! headless Chromium, driven over the DevTools protocol by `tests/browser/report.mjs`
//! (playwright-core, installed by `just setup`; Chromium by `.ci/run`). The page must hold the
//! rows and findings of the JSON of the same run, sort by every column, filter by severity,
//! code, account and text, load nothing, and run none of the audited data. A screenshot is
//! written to `$CARGO_TARGET_TMPDIR/audit-report*.png`.
//!
//! Without Chromium, node or playwright-core the tests fail under `CI=true` and are skipped,
//! loudly, elsewhere.

use crate::support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use support::live::*;
use support::Injection;

const ROLE: &str = "lambda-trust-audit";
const HOSTILE_ID: &str = "<img src=x onerror=alert(1)>";
const HOSTILE_PATTERN: &str = "</noscript></script><script>alert(2)</script>*";
const HOSTILE_ACCOUNT_NAME: &str = "</script><script>alert(4)</script>";
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn chromium() -> PathBuf {
    std::env::var_os("LAMBDA_TRUST_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// Whether the browser and its driver are here; under CI their absence fails the test.
fn browser_ready() -> bool {
    let mut missing = Vec::new();
    if !chromium().exists() {
        missing.push(format!(
            "Chromium at {} (apt-get install chromium, or set LAMBDA_TRUST_CHROMIUM)",
            chromium().display()
        ));
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing.push("node (apt-get install nodejs npm)".to_owned());
    }
    if !Path::new(ROOT)
        .join("tests/browser/node_modules/playwright-core")
        .exists()
    {
        missing.push("tests/browser/node_modules/playwright-core (just setup)".to_owned());
    }
    if missing.is_empty() {
        return true;
    }
    let what = missing.join("; ");
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("the browser test needs {what}");
    }
    eprintln!("SKIPPED (not under CI=true): the browser test needs {what}");
    false
}

fn seed(env: &Env, args: &[&str]) -> Vec<String> {
    support::seed_audit(&env.moto.url(), args)
}

/// Opens the page; returns what the browser saw (see tests/browser/report.mjs).
fn open(env: &Env, html: &Path, shot: &str, scenarios: &Value) -> Value {
    let file = env.dir.path().join("scenarios.json");
    std::fs::write(&file, scenarios.to_string()).unwrap();
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join(shot);
    let out = Command::new("node")
        .arg(format!("{ROOT}/tests/browser/report.mjs"))
        .args([html, &shot, &file])
        .env("LAMBDA_TRUST_CHROMIUM", chromium())
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "the browser run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("screenshot: {}", shot.display());
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000, "{shot:?}");
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

/// Nothing ran, nothing was loaded, no markup of the data became an element.
fn assert_inert(seen: &Value, html: &Path) {
    assert_eq!(seen["seen"]["dialogs"], json!([]), "a dialog opened");
    assert_eq!(seen["seen"]["page_errors"], json!([]));
    assert_eq!(seen["seen"]["console_errors"], json!([]));
    assert_eq!(seen["csp_violations"], json!([]));
    let file = format!("file://{}", html.display());
    for url in seen["seen"]["requests"].as_array().unwrap() {
        assert_eq!(url.as_str().unwrap(), file, "the page requested something");
    }
    let e = &seen["elements"];
    assert_eq!(
        (
            &e["scripts"],
            &e["images"],
            &e["iframes"],
            &e["with_handlers"]
        ),
        (&json!(1), &json!(0), &json!(0), &json!(0)),
        "{e}"
    );
}

/// (account, role, worst, codes) of every role of the JSON reports.
fn json_rows(accounts: &[&Value]) -> BTreeSet<(String, String, String, String)> {
    let mut out = BTreeSet::new();
    for a in accounts {
        for r in a["roles"].as_array().unwrap() {
            let codes: Vec<&str> = r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["code"].as_str().unwrap())
                .collect();
            let worst = r["findings"][0]["severity"].as_str().unwrap_or("ok");
            let mut codes_dedup = codes.clone();
            codes_dedup.dedup();
            out.insert((
                a["account"].as_str().unwrap().to_owned(),
                r["role"].as_str().unwrap().to_owned(),
                worst.to_owned(),
                codes_dedup.join(", "),
            ));
        }
    }
    out
}

fn page_rows(seen: &Value) -> BTreeSet<(String, String, String, String)> {
    seen["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_owned();
            (s("account"), s("role"), s("worst"), s("codes"))
        })
        .collect()
}

/// Every role of the JSON is a row and a detail with its findings, their requests, and a
/// marked statement for each request.
fn assert_matches_json(seen: &Value, accounts: &[&Value]) {
    assert_eq!(page_rows(seen), json_rows(accounts));
    let details = seen["details"].as_array().unwrap();
    let roles: Vec<(&Value, &Value)> = accounts
        .iter()
        .flat_map(|a| a["roles"].as_array().unwrap().iter().map(move |r| (*a, r)))
        .collect();
    assert_eq!(details.len(), roles.len());
    for (a, r) in roles {
        let account = a["account"].as_str().unwrap();
        let name = r["role"].as_str().unwrap();
        let d = details
            .iter()
            .find(|d| {
                let s = d["summary"].as_str().unwrap();
                s.contains(&format!(" {name} account {account}"))
            })
            .unwrap_or_else(|| panic!("no detail for {account}/{name}"));
        let findings = r["findings"].as_array().unwrap();
        let codes: Vec<&Value> = findings.iter().map(|f| &f["code"]).collect();
        assert_eq!(
            d["codes"].as_array().unwrap().iter().collect::<Vec<_>>(),
            codes
        );
        let requests = findings
            .iter()
            .filter(|f| !f["counterexample"].is_null())
            .count();
        assert_eq!(d["requests"], requests, "{account}/{name}");
        if requests > 0 {
            assert!(d["marks"].as_u64().unwrap() > 0, "{account}/{name}: {d}");
        }
        assert_eq!(d["documents"][0], "trust policy", "{account}/{name}");
        let text = d["text"].as_str().unwrap();
        for f in findings {
            assert!(text.contains(f["message"].as_str().unwrap()), "{f}");
        }
        for arn in r["invokable"].as_array().unwrap() {
            assert!(text.contains(arn.as_str().unwrap()), "{arn}");
        }
    }
}

/// The column's sort key as the page's script computes it.
fn key(row: &Value, col: usize) -> (u64, String) {
    let worst = |w: &str| {
        ["security", "config", "info", "ok"]
            .iter()
            .position(|s| *s == w)
    };
    let cell = |k: &str| row[k].as_str().unwrap().to_lowercase();
    match col {
        4 => (
            row["invokable_k"].as_str().unwrap().parse().unwrap(),
            String::new(),
        ),
        5 => (worst(&cell("worst")).unwrap() as u64, String::new()),
        _ => {
            let k = [
                "account",
                "role",
                "managed",
                "external_ids",
                "",
                "",
                "codes",
            ][col];
            (0, cell(k))
        }
    }
}

fn assert_sorted(seen: &Value) {
    let rows = seen["rows"].as_array().unwrap();
    let by_name = |name: &str| {
        rows.iter()
            .find(|r| {
                format!(
                    "{}/{}",
                    r["account"].as_str().unwrap(),
                    r["role"].as_str().unwrap()
                ) == name
            })
            .unwrap()
    };
    for s in seen["sorts"].as_array().unwrap() {
        let col = s["col"].as_u64().unwrap() as usize;
        for (dir, names) in [(1, &s["asc"]), (-1, &s["desc"])] {
            let keys: Vec<_> = names
                .as_array()
                .unwrap()
                .iter()
                .map(|n| key(by_name(n.as_str().unwrap()), col))
                .collect();
            assert_eq!(keys.len(), rows.len());
            for w in keys.windows(2) {
                let ok = if dir > 0 { w[0] <= w[1] } else { w[0] >= w[1] };
                assert!(ok, "column {col} not sorted ({dir}): {w:?}");
            }
        }
    }
}

/// Each filter shows exactly the rows the rule selects.
fn assert_filters(seen: &Value, select: impl Fn(&Value, &Value) -> bool) {
    let rows = seen["rows"].as_array().unwrap();
    for f in seen["filters"].as_array().unwrap() {
        let want: BTreeSet<String> = rows
            .iter()
            .filter(|r| select(&f["filter"], r))
            .map(|r| {
                format!(
                    "{}/{}",
                    r["account"].as_str().unwrap(),
                    r["role"].as_str().unwrap()
                )
            })
            .collect();
        let got: BTreeSet<String> = f["visible"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert!(
            !want.is_empty(),
            "a filter that selects nothing proves nothing: {f}"
        );
        assert_eq!(got, want, "{}", f["filter"]);
        let count = format!("{} of {} roles shown", want.len(), rows.len());
        assert_eq!(f["count"], count.as_str());
    }
}

/// The rule each scenario stands for: every field given must hold.
fn selects(filter: &Value, row: &Value) -> bool {
    let given = |k: &str| filter[k].as_str().filter(|s| !s.is_empty());
    let s = |k: &str| row[k].as_str().unwrap();
    given("sev").is_none_or(|v| s("worst") == v)
        && given("code").is_none_or(|v| s("codes").split(", ").any(|c| c == v))
        && given("account").is_none_or(|v| s("account") == v)
        && given("text").is_none_or(|v| {
            let all = [
                "account",
                "role",
                "managed",
                "external_ids",
                "invokable",
                "worst",
                "codes",
            ];
            let row: String = all.iter().map(|k| s(k)).collect();
            row.to_lowercase().contains(&v.to_lowercase())
        })
}

#[test]
fn an_account_report_in_chromium() {
    if !browser_ready() {
        return;
    }
    let env = Env::new();
    seed(&env, &["roles", ACCOUNT, "40"]);
    seed(&env, &["hostile", ACCOUNT]);
    let html = env.dir.path().join("audit.html");
    let json = env.dir.path().join("audit.json");
    let r = env.run_raw(&[
        "audit",
        "--partner",
        "genesys-cloud",
        "--html",
        html.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let scenarios = json!([
        {"sev": "security"}, {"sev": "info"}, {"code": "all-functions"},
        {"code": "unmanaged", "text": "audit-"}, {"text": "HOSTILE"}, {"account": ACCOUNT},
    ]);
    let seen = open(&env, &html, "audit-report.png", &scenarios);
    assert_inert(&seen, &html);
    assert_matches_json(&seen, &[&report]);
    assert_sorted(&seen);
    assert_filters(&seen, selects);
    let text = seen["body_text"].as_str().unwrap();
    assert!(text.contains(HOSTILE_ID), "the external ID shows as text");
    assert!(text.contains(HOSTILE_PATTERN), "the pattern shows as text");
    let header = seen["header"].as_str().unwrap();
    assert!(
        header.contains(ACCOUNT) && header.contains("765628985471 (Genesys Cloud)"),
        "{header}"
    );
    assert_narrow(&seen);
    assert!(header.contains(env!("CARGO_PKG_VERSION")), "{header}");

    // --format html: the same page on stdout (another read, another time in the header).
    let r = env.run_raw(&["audit", "--partner", "genesys-cloud", "--format", "html"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let untimed = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("<dt>When</dt>"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let file = std::fs::read_to_string(&html).unwrap();
    assert_eq!(untimed(&r.stdout), untimed(&file));
}

fn refuse(env: &Env, account: &str) {
    env.proxy.inject(
        Injection::new(
            "AssumeRole",
            403,
            "AccessDenied",
            "not authorized to perform sts:AssumeRole",
        )
        .when_param("RoleArn", &format!("arn:aws:iam::{account}:role/{ROLE}"))
        .always(),
    );
}

#[test]
fn an_organization_report_in_chromium() {
    if !browser_ready() {
        return;
    }
    let env = Env::new();
    let ids = seed(&env, &["org", "4", "80", "hostile"]);
    assert_eq!(ids.len(), 4);
    refuse(&env, &ids[3]);
    let html = env.dir.path().join("org.html");
    let json = env.dir.path().join("org.json");
    let r = env.run_raw(&[
        "audit",
        "--partner",
        "genesys-cloud",
        "--organization",
        "--assume-role",
        ROLE,
        "--html",
        html.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "a failed account: {}", r.stderr);
    let report: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(report["names"][&ids[1]], HOSTILE_ACCOUNT_NAME);
    let audited: Vec<&Value> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["error"].is_null())
        .collect();
    assert_eq!(audited.len(), 3);
    let scenarios = json!([
        {"account": ids[1]}, {"sev": "security", "account": ids[2]},
        {"code": "external-id-pattern"}, {"text": "alert(2)"},
    ]);
    let seen = open(&env, &html, "audit-report-org.png", &scenarios);
    assert_inert(&seen, &html);
    // Past its first hundred, the table's rows arrive from their chunks: every one is there.
    assert!(
        seen["rows"].as_array().unwrap().len() > 100,
        "{}",
        seen["rows"]
    );
    assert_matches_json(&seen, &audited);
    assert_sorted(&seen);
    assert_filters(&seen, selects);

    // One row per account: the hostile name as text, the failed account with its error.
    let accounts = seen["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 4);
    let row = |id: &str| accounts.iter().find(|a| a[0] == id).unwrap();
    assert_eq!(row(&ids[1])[1], HOSTILE_ACCOUNT_NAME);
    let failed = row(&ids[3]);
    assert_eq!(failed[2], "not audited");
    assert!(
        failed[8].as_str().unwrap().contains("AccessDenied"),
        "{failed:?}"
    );
    assert!(seen["header"]
        .as_str()
        .unwrap()
        .contains(HOSTILE_ACCOUNT_NAME));
    assert_narrow(&seen);
}

/// At 420 px the page does not scroll sideways, and the roles table's "Worst" heading and
/// every row's Worst cell are inside the window.
fn assert_narrow(seen: &Value) {
    let n = &seen["narrow"];
    assert_eq!(n["client_width"], 420, "{n}");
    assert!(
        n["scroll_width"].as_u64().unwrap() <= 420
            && n["body_scroll_width"].as_u64().unwrap() <= 420,
        "the page scrolls sideways at 420 px: {n}"
    );
    assert_eq!(n["worst_heading"]["text"], "Worst", "{n}");
    assert_eq!(n["worst_heading"]["in_view"], true, "{n}");
    assert!(n["worst_cells"].as_u64().unwrap() > 0, "{n}");
    assert_eq!(n["worst_cells_in_view"], n["worst_cells"], "{n}");
}
