//! Snapshots of every renderer users read or tools parse — plan (human, JSON), verify (human,
//! JSON), check (human, JSON, SARIF, GitHub annotations) — over a small, realistic drift of the
//! example config and over an in-sync one. In memory: no AWS.
#![cfg(test)]

use super::state::*;
use crate::report::check::{
    render_github as check_github, render_human as check_human, render_json as check_json,
    render_sarif as check_sarif,
};
use crate::report::plan::plan_human;
use crate::report::results::{
    to_value, ApplyResult, DestroyResult, DryRunResult, PlanResult, VerifyResult, Writes,
};
use crate::report::styles::Styles;
use crate::report::verify::verification_human;
use lambda_trust_model::{Desired, InlinePolicy, Observed};
use lambda_trust_provision::{
    aws_drift, config_report as judged_report, plan, ChangeSet, CheckReport, ConfigReport,
    ConfigStatus, GenesysSide, Plan, PlanOptions, Verification,
};
use lambda_trust_verdict::Judged;
use lambda_trust_verdict::Status;
use serde_json::{json, Value};

const PLAIN: Styles = Styles { color: false };
const COLOR: Styles = Styles { color: true };
const ORDER_LIVE: &str = "arn:aws:lambda:eu-west-1:111122223333:function:lookup-order:live";

/// The example, applied, then changed by hand in the console: the external ID condition now
/// names another organization, a tag was edited, someone left a debugging inline policy, and
/// the invoke policy lost a target.
fn drifted() -> (Desired, Observed) {
    let c = example();
    let (_, mut o) = synced(&c);
    let role = o.role.as_mut().unwrap();
    role.trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] =
        json!("7d1e0c44-0000-4000-8000-000000000000");
    role.tags.insert("team".into(), "platform".into());
    o.inline.push(InlinePolicy {
        name: "debug-s3".into(),
        document: json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::cx-debug/*"}
        ]}),
    });
    let mut invoke = o.policies[0].document.clone();
    let kept: Vec<Value> = invoke["Statement"][0]["Resource"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a.as_str() != Some(ORDER_LIVE))
        .cloned()
        .collect();
    invoke["Statement"][0]["Resource"] = Value::Array(kept);
    o.policies[0].document = invoke.clone();
    o.attached[0].document = invoke;
    let d = desired(&c, &o);
    (d, o)
}

fn in_sync() -> (Desired, Observed) {
    synced(&example())
}

fn the_plan(d: &Desired, o: &Observed) -> Plan {
    plan(d, o, PlanOptions::default()).unwrap()
}

fn verification(d: &Desired, o: &Observed) -> Verification {
    lambda_trust_provision::verification(d, o)
}

/// What `check` reports for one config (as `commands::check::check_one` builds it).
/// One config's report as `check` makes it (findings grouped under their change).
fn config_report(name: &str, d: &Desired, o: &Observed) -> ConfigReport {
    let findings = aws_drift(d, o, &[], &d.role.name).unwrap();
    let side = lambda_trust_provision::GenesysSide::NotChecked;
    lambda_trust_provision::config_report(name, EXAMPLE, findings, &verification(d, o), side)
}

/// Three configs: one drifted, one in sync, one that could not be checked.
fn drift_report() -> CheckReport {
    let (d, o) = drifted();
    let (sd, so) = in_sync();
    CheckReport::from(vec![
        config_report("configs/prod.toml", &d, &o),
        config_report("configs/staging.toml", &sd, &so),
        ConfigReport::error(
            "configs/broken.toml",
            "configs/broken.toml:3:1: missing field `external_id`\n(hint: every key is shown in examples/lambda-trust.toml)".into(),
        ),
    ])
}

fn in_sync_report() -> CheckReport {
    let (d, o) = in_sync();
    CheckReport::from(vec![config_report("lambda-trust.toml", &d, &o)])
}

/// The SARIF with the tool version replaced, so a version bump does not break the snapshot.
fn sarif(report: &CheckReport) -> String {
    let text = check_sarif(report);
    let mut v: Value = serde_json::from_str(&text).expect("SARIF is JSON");
    assert_eq!(
        serde_json::to_string_pretty(&v).unwrap(),
        text,
        "re-serializing keeps the text"
    );
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(
        v["runs"][0]["tool"]["driver"]["version"],
        env!("CARGO_PKG_VERSION")
    );
    v["runs"][0]["tool"]["driver"]["version"] = json!("[version]");
    serde_json::to_string_pretty(&v).unwrap()
}

fn plan_json(p: &Plan) -> serde_json::Value {
    let set = ChangeSet::converge(p.clone(), None);
    to_value(&PlanResult::new(&set))
}

fn verify_json(v: &Verification) -> serde_json::Value {
    to_value(&VerifyResult {
        schema_version: lambda_trust_verdict::SCHEMA_VERSION,
        environment: None,
        subject: None,
        verification: v,
        changes: None,
        error: None,
        guarded: None,
    })
}

#[test]
fn plan_renderers() {
    let (d, o) = drifted();
    let p = the_plan(&d, &o);
    let human = plan_human(&p, PLAIN);
    assert!(!human.contains('\u{1b}'));
    assert!(plan_human(&p, COLOR).contains('\u{1b}'));
    insta::assert_snapshot!("plan_human_drift", human);
    insta::assert_json_snapshot!("plan_json_drift", plan_json(&p));

    let (d, o) = in_sync();
    let p = the_plan(&d, &o);
    insta::assert_snapshot!("plan_human_in_sync", plan_human(&p, PLAIN));
    insta::assert_json_snapshot!("plan_json_in_sync", plan_json(&p));

    let c = example();
    let e = empty(&c);
    let p = the_plan(&desired(&c, &e), &e);
    insta::assert_snapshot!("plan_human_create", plan_human(&p, PLAIN));
}

#[test]
fn verify_renderers() {
    let (d, o) = drifted();
    let v = verification(&d, &o);
    assert!(!v.passed);
    let human = verification_human(&v, PLAIN);
    assert!(!human.contains('\u{1b}'));
    assert!(verification_human(&v, COLOR).contains('\u{1b}'));
    insta::assert_snapshot!("verify_human_drift", human);
    insta::assert_json_snapshot!("verify_json_drift", verify_json(&v));

    let (d, o) = in_sync();
    let v = verification(&d, &o);
    assert!(v.passed);
    insta::assert_snapshot!("verify_human_in_sync", verification_human(&v, PLAIN));
    insta::assert_json_snapshot!("verify_json_in_sync", verify_json(&v));

    let c = example();
    let v = verification(&desired(&c, &empty(&c)), &empty(&c));
    insta::assert_snapshot!("verify_human_no_role", verification_human(&v, PLAIN));
}

#[test]
fn check_renderers_drift() {
    let r = drift_report();
    assert!(!r.in_sync);
    assert_eq!(r.status(), Status::Invalid, "an error wins over drift");
    let human = check_human(&r, PLAIN);
    assert!(!human.contains('\u{1b}'));
    assert!(check_human(&r, COLOR).contains('\u{1b}'));
    insta::assert_snapshot!("check_human_drift", human);
    let json_text = check_json(&r);
    let parsed: Value = serde_json::from_str(&json_text).unwrap();
    assert_eq!(parsed["schema_version"], 1);
    insta::assert_snapshot!("check_json_drift", json_text);
    insta::assert_snapshot!("check_sarif_drift", sarif(&r));
    insta::assert_snapshot!("check_github_drift", check_github(&r));

    // Drift alone (no config errored) is exit status Changes.
    let mut only_drift = r.clone();
    only_drift
        .configs
        .retain(|c| c.status != ConfigStatus::Error);
    assert_eq!(
        CheckReport::from(only_drift.configs).status(),
        Status::Changes
    );
}

#[test]
fn check_renderers_in_sync() {
    let r = in_sync_report();
    assert!(r.in_sync);
    assert_eq!(r.status(), Status::Ok);
    insta::assert_snapshot!("check_human_in_sync", check_human(&r, PLAIN));
    insta::assert_snapshot!("check_json_in_sync", check_json(&r));
    insta::assert_snapshot!("check_sarif_in_sync", sarif(&r));
    insta::assert_snapshot!("check_github_in_sync", check_github(&r));
}

/// Annotations point at the table a finding belongs to: the adopt finding (config key
/// `policy`) of the example annotates its `[policy]` line, whose header carries a trailing
/// comment (`[policy]   # optional`; the provisioner's unit tests hold the lines themselves).
#[test]
fn annotations_point_at_the_findings_table() {
    let (d, mut o) = in_sync();
    o.policies[0].tags.clear();
    let aws = aws_drift(&d, &o, &[], &d.role.name).unwrap();
    let none = Verification::from(Vec::new());
    let config = judged_report(
        "lambda-trust.toml",
        EXAMPLE,
        aws,
        &none,
        GenesysSide::NotChecked,
    );
    let report = CheckReport::from(vec![config]);
    assert!(
        check_github(&report).contains("line=22,"),
        "{}",
        check_github(&report)
    );
}

#[test]
fn apply_destroy_and_dry_run_results() {
    let (d, o) = drifted();
    let p = the_plan(&d, &o);
    let set = ChangeSet::converge(p.clone(), None);
    let writes = Writes {
        aws: p.ops.len(),
        genesys: 0,
    };
    let applied = to_value(&ApplyResult::new(&set, writes));
    assert_eq!(applied["writes"], p.ops.len());
    insta::assert_json_snapshot!("apply_json_drift", applied);
    let retired = ChangeSet::retire(p, None);
    insta::assert_json_snapshot!(
        "destroy_json_drift",
        to_value(&DestroyResult::new(&retired, writes, &[]))
    );
    let dry = DryRunResult::new("--- a\n+++ b\n".into(), &set);
    insta::assert_json_snapshot!("dry_run_json_drift", to_value(&dry));
}

/// The live side is whoever edited it in the console: terminal control in a condition value and
/// a tag value reaches `check` and `plan` for people only escaped (`printable`); the
/// JSON carries the values as they are.
#[test]
fn terminal_control_in_live_values_is_shown_escaped() {
    let hostile = "7d1e\u{1b}]0;title\u{7}\u{1b}[2J\u{9b}8m\u{202e}";
    let (_, mut o) = drifted();
    let role = o.role.as_mut().unwrap();
    role.trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] = json!(hostile);
    role.tags.insert("team".into(), format!("plat{hostile}"));
    let d = desired(&example(), &o);
    let report = CheckReport::from(vec![config_report("lambda-trust.toml", &d, &o)]);
    for styles in [PLAIN, COLOR] {
        let check = check_human(&report, styles);
        let plan = plan_human(&the_plan(&d, &o), styles);
        for (what, text) in [("check", &check), ("plan", &plan)] {
            for raw in ["\u{1b}]", "\u{1b}[2J", "\u{7}", "\u{9b}", "\u{202e}"] {
                assert!(!text.contains(raw), "{what}: {raw:?} in {text:?}");
            }
            assert_eq!(text.contains('\u{1b}'), styles.color, "{what}: {text:?}");
        }
        let shown = r"\u{1b}]0;title\u{7}\u{1b}[2J\u{9b}8m\u{202e}";
        assert!(check.contains(shown), "{check}");
        assert!(plan.contains(shown), "{plan}");
    }
    let json: Value = serde_json::from_str(&check_json(&report)).unwrap();
    assert!(
        json.to_string().contains("\\u001b]0;title\\u0007"),
        "{json}"
    );
}
