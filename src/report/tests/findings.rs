//! The findings in Security Hub's two formats and in SARIF, from in-memory reports that push
//! the limits (a long role path, a long message) or hold an unknown, each checked against the
//! published shape by `tests/it/support/finding_shapes.py` (botocore's securityhub model for
//! ASFF; the OCSF 1.6.0 Detection Finding class). What `audit --format asff|ocsf` prints is
//! tested end to end in `tests/it/audit_findings.rs`.
#![cfg(test)]

use std::collections::{BTreeMap, BTreeSet};

use lambda_trust_audit::{audit_account, AccountIam, AuditOptions, AuditRole};
use serde_json::{json, Value};

use crate::report::asff::account_findings;
use crate::report::audit::account_sarif;
use crate::report::audit_html::HtmlMeta;
use crate::report::ocsf::account_events;

#[allow(dead_code, unreachable_pub)]
#[path = "../../../tests/it/support/finding_shapes.rs"]
mod finding_shapes;

use finding_shapes::shape_problems;

/// A role whose path is long enough that its ARN and code pass ASFF's 512-character `Id`, and
/// a message longer than `Description`'s 1,024 characters.
#[test]
fn long_arns_and_messages_stay_within_the_limits() {
    let path = format!("/{}/", "p".repeat(500));
    let trust = |principal: &str| {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]})
    };
    let long_role = |name: &str| AuditRole {
        name: name.into(),
        arn: format!("arn:aws:iam::111122223333:role{path}{name}"),
        trust: trust("arn:aws:iam::765628985471:root"),
        inline: vec![],
        attached: vec![],
        boundary: None,
        tags: BTreeMap::new(),
    };
    let iam = AccountIam {
        account_id: "111122223333".into(),
        roles: vec![long_role("a"), long_role("b")],
        policies: BTreeMap::new(),
        usage: BTreeMap::new(),
    };
    let opts = AuditOptions {
        partners: vec!["765628985471".into()],
        region: Some("eu-west-1".into()),
        ..AuditOptions::default()
    };
    let mut report = audit_account(&iam, &opts, 0);
    report.roles[0].findings[0].message = "m".repeat(5000);
    let meta = HtmlMeta {
        generated: chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap(),
        version: "0.0.0 (commit test)".into(),
    };
    let findings = account_findings(&report, &meta);
    assert_eq!(
        shape_problems("asff", &Value::from(findings.clone())),
        Vec::<String>::new()
    );
    let ids: BTreeSet<&str> = findings.iter().map(|f| f["Id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), findings.len(), "hashed IDs stay distinct");
    assert!(ids.iter().all(|id| id.contains("sha256:")), "{ids:?}");
    assert_eq!(findings[0]["CreatedAt"], "2026-01-01T00:00:00.000Z");
    let events = account_events(&report, &meta);
    assert_eq!(
        shape_problems("ocsf", &Value::from(events)),
        Vec::<String>::new()
    );
}

/// An unknown reaches Security Hub and code scanning as one: `path-not-read` is
/// `Compliance.Status` NOT_AVAILABLE in ASFF, `confidence_id` 0 (Unknown) in OCSF and an `open`
/// result of level `none` in SARIF; a failure FAILED, 3 and `fail`; a fact (`unmanaged`) no
/// `Compliance` at all, an `informational` result of level `none` and `"outcome":
/// "informational"` in JSON — never FAILED — valid by the published shapes.
#[test]
fn an_unknown_is_not_available_in_asff_and_of_unknown_confidence_in_ocsf() {
    use lambda_trust_audit::{AuditCode, AuditFinding};
    let mut report = one_partner_role();
    let failed = report.roles[0].findings[0].code;
    report.roles[0].findings.push(AuditFinding::new(
        AuditCode::PathNotRead,
        "its function policy was not read".into(),
        None,
    ));
    let codes: Vec<AuditCode> = report.roles[0].findings.iter().map(|f| f.code).collect();
    assert!(codes.contains(&AuditCode::Unmanaged), "{codes:?}");
    let json: Value = serde_json::to_value(&report).unwrap();
    let outcome = |code: AuditCode| {
        (json["roles"][0]["findings"].as_array().unwrap().iter())
            .find(|f| f["code"] == code.to_string())
            .map(|f| f["outcome"].clone())
    };
    assert_eq!(outcome(failed), Some(json!("failed")));
    assert_eq!(outcome(AuditCode::PathNotRead), Some(json!("unknown")));
    assert_eq!(outcome(AuditCode::Unmanaged), Some(json!("informational")));
    let meta = new_year();
    let findings = account_findings(&report, &meta);
    assert_eq!(
        shape_problems("asff", &Value::from(findings.clone())),
        Vec::<String>::new()
    );
    let status = |code: AuditCode| {
        (findings.iter())
            .find(|f| f["GeneratorId"] == format!("lambda-trust/audit/{code}"))
            .map(|f| f["Compliance"]["Status"].clone())
    };
    assert_eq!(status(AuditCode::PathNotRead), Some(json!("NOT_AVAILABLE")));
    assert_eq!(status(failed), Some(json!("FAILED")));
    let fact = (findings.iter())
        .find(|f| f["GeneratorId"] == "lambda-trust/audit/unmanaged")
        .unwrap();
    assert!(fact.get("Compliance").is_none(), "{fact:#}");
    let events = account_events(&report, &meta);
    assert_eq!(
        shape_problems("ocsf", &Value::from(events.clone())),
        Vec::<String>::new()
    );
    let confidence = |code: AuditCode| {
        (events.iter())
            .find(|e| e["metadata"]["event_code"] == code.to_string())
            .map(|e| e["confidence_id"].clone())
    };
    assert_eq!(confidence(AuditCode::PathNotRead), Some(json!(0)));
    assert_eq!(confidence(failed), Some(json!(3)));
    let sarif: Value = serde_json::from_str(&account_sarif(&report)).unwrap();
    let result = |code: AuditCode| {
        let results = sarif["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        (results.into_iter())
            .find(|r| {
                r["ruleId"]
                    .as_str()
                    .is_some_and(|id| id.ends_with(&code.to_string()))
            })
            .map(|r| (r["kind"].clone(), r["level"].clone()))
    };
    assert_eq!(
        result(AuditCode::PathNotRead),
        Some((json!("open"), json!("none")))
    );
    assert_eq!(result(failed).map(|(kind, _)| kind), Some(json!("fail")));
    assert_eq!(
        result(AuditCode::Unmanaged),
        Some((json!("informational"), json!("none")))
    );
}

/// One `Id` per finding, as the watch's: a role with two findings of one code in other words
/// gets `ID` and `ID-2` (Security Hub would otherwise hold one of them, and take the other as a
/// change on every run), the same words told twice are sent once; OCSF's `uid` alike.
#[test]
fn two_findings_of_one_code_on_one_role_keep_an_id_each() {
    let mut report = one_partner_role();
    let first = report.roles[0].findings[0].clone();
    let mut other = first.clone();
    other.message = format!("{} (another statement)", first.message);
    report.roles[0].findings.extend([first.clone(), other]);
    let meta = new_year();
    let findings = account_findings(&report, &meta);
    let ids: Vec<&str> = findings.iter().map(|f| f["Id"].as_str().unwrap()).collect();
    // The published identity (docs/audit.md, "ASFF"): account, role ARN, code.
    let base = format!(
        "lambda-trust/111122223333/arn:aws:iam::111122223333:role/r/{}",
        first.code
    );
    assert!(ids.contains(&base.as_str()), "{ids:?}");
    assert!(ids.contains(&format!("{base}-2").as_str()), "{ids:?}");
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    assert_eq!(
        ids.len(),
        report.roles[0].findings.len() - 1,
        "the same words once"
    );
    let events = account_events(&report, &meta);
    let uids: BTreeSet<&str> = (events.iter())
        .filter_map(|e| e["finding_info"]["uid"].as_str())
        .collect();
    assert_eq!(uids.len(), events.len(), "{events:#?}");
}

/// One role that Genesys Cloud's account may assume, audited in account 111122223333.
fn one_partner_role() -> lambda_trust_audit::AccountReport {
    let iam = AccountIam {
        account_id: "111122223333".into(),
        roles: vec![AuditRole {
            name: "r".into(),
            arn: "arn:aws:iam::111122223333:role/r".into(),
            trust: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::765628985471:root"},
                "Action": "sts:AssumeRole"}]}),
            inline: vec![],
            attached: vec![],
            boundary: None,
            tags: BTreeMap::new(),
        }],
        policies: BTreeMap::new(),
        usage: BTreeMap::new(),
    };
    let opts = AuditOptions {
        partners: vec!["765628985471".into()],
        region: Some("eu-west-1".into()),
        ..AuditOptions::default()
    };
    audit_account(&iam, &opts, 0)
}

/// The report's metadata, generated at 2026-01-01T00:00:00Z.
fn new_year() -> HtmlMeta {
    HtmlMeta {
        generated: chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap(),
        version: "0.0.0 (commit test)".into(),
    }
}
