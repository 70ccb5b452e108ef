//! `audit --format ocsf`: the audit's findings as OCSF 1.6.0 Detection Findings (class 2004,
//! with the `cloud` profile; <https://schema.ocsf.io/1.6.0/classes/detection_finding>), the
//! version Security Hub takes
//! (<https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-ocsf.html>).
//!
//! One event per role and code; `finding_info.uid` is the ASFF `Id`, the same on every run.
//! Pure: the time and the version are passed in (`HtmlMeta`).

use serde_json::{json, Value};

use super::audit_html::HtmlMeta;
use lambda_trust_audit::{AccountOutcome, AccountReport, AuditFinding, OrgReport, RoleReport};
use lambda_trust_iam::Arn;
use lambda_trust_verdict::{Outcome, Severity};

/// The OCSF schema version the events follow.
pub(crate) const OCSF_VERSION: &str = "1.6.0";

/// Our severity as OCSF's `severity_id` and its caption (docs/audit.md "Security Hub findings
/// (ASFF and OCSF)"): security is High (4), config Low (2), info Informational (1).
pub(crate) fn severity(severity: Severity) -> (u8, &'static str) {
    match severity {
        Severity::Security => (4, "High"),
        Severity::Config => (2, "Low"),
        Severity::Info => (1, "Informational"),
    }
}

/// One account's events.
pub(crate) fn account_events(report: &AccountReport, meta: &HtmlMeta) -> Vec<Value> {
    let region = report.region.as_deref().unwrap_or_default();
    (super::asff::each_once(report).into_iter())
        .map(|(r, f, uid)| event((&report.account, region, &uid), r, f, meta))
        .collect()
}

/// Every audited account's events.
pub(crate) fn org_events(report: &OrgReport, meta: &HtmlMeta) -> Vec<Value> {
    (report.accounts.iter())
        .filter_map(|a| match a {
            AccountOutcome::Report(r) => Some(account_events(r, meta)),
            AccountOutcome::Error { .. } => None,
        })
        .flatten()
        .collect()
}

/// The event's `metadata`: the OCSF version and profile, its ID and the product.
fn metadata(uid: &str, f: &AuditFinding, meta: &HtmlMeta) -> Value {
    json!({
        "version": OCSF_VERSION,
        "profiles": ["cloud"],
        "uid": uid,
        "event_code": f.code,
        "product": {
            "name": "lambda-trust",
            "vendor_name": "lambda-trust",
            "version": meta.version,
        },
    })
}

/// The event's `finding_info`: its ID, title, description and the rule that found it.
fn finding_info(uid: &str, role: &RoleReport, f: &AuditFinding, time: i64) -> Value {
    json!({
        "uid": uid,
        "title": format!("{}: {}", role.role, f.code.description()),
        "desc": f.message,
        "types": [super::asff::FINDING_TYPE],
        "analytic": {"uid": format!("lambda-trust/audit/{}", f.code), "name": f.code, "type_id": 1, "type": "Rule"},
        "created_time": time,
        "modified_time": time,
    })
}

fn event(at: (&str, &str, &str), role: &RoleReport, f: &AuditFinding, meta: &HtmlMeta) -> Value {
    let (account, region, uid) = at;
    let time = meta.generated.timestamp_millis();
    let (severity_id, severity) = severity(f.severity);
    // New (1), or Suppressed (3) when a baseline entry in force accepts it.
    let (status_id, status) = if f.is_suppressed() {
        (3, "Suppressed")
    } else {
        (1, "New")
    };
    let mut event = json!({
        // Create (1): a finding of this run; Detection Finding: Create = 2004 * 100 + 1.
        "activity_id": 1,
        "activity_name": "Create",
        "category_uid": 2,
        "category_name": "Findings",
        "class_uid": 2004,
        "class_name": "Detection Finding",
        "type_uid": 200401,
        "type_name": "Detection Finding: Create",
        "severity_id": severity_id,
        "severity": severity,
        "status_id": status_id,
        "status": status,
        // A failure or a fact shown by what was read is High (3); an unknown — not read, not
        // decided — is Unknown (0), never a verdict.
        "confidence_id": match f.outcome {
            Outcome::Failed | Outcome::Informational => 3,
            Outcome::Unknown => 0,
        },
        "confidence": match f.outcome {
            Outcome::Failed | Outcome::Informational => "High",
            Outcome::Unknown => "Unknown",
        },
        "time": time,
        "message": f.message,
        "metadata": metadata(uid, f, meta),
        "finding_info": finding_info(uid, role, f, time),
        "cloud": {
            "provider": "AWS",
            "region": region,
            "account": {"uid": account, "type_id": 10, "type": "AWS Account"},
        },
        "resources": [role_resource(role, region)],
        "remediation": {"desc": f.remedy},
        "unmapped": {
            "external_ids": {"kind": role.external_ids.kind, "values": role.external_ids.values},
            "counterexample": f.counterexample,
            "managed": role.managed,
        },
    });
    if let Some(text) = super::audit::suppression_text(f) {
        event["status_detail"] = text.into();
    }
    event
}

/// The role as the event's one resource.
fn role_resource(role: &RoleReport, region: &str) -> Value {
    let partition = Arn::parse(&role.arn).map_or_else(|| "aws".to_owned(), |a| a.partition);
    json!({
        "uid": role.arn,
        "name": role.role,
        "type": "AWS::IAM::Role",
        "cloud_partition": partition,
        "region": region,
    })
}
