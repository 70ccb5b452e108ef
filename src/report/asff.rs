//! `audit --format asff`: the audit's findings in the AWS Security Finding Format, the shape
//! Security Hub CSPM's `BatchImportFindings` takes (`AwsSecurityFinding` in the SDKs' service
//! model; <https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format.html>).
//!
//! One finding per role and code, its `Id` the same on every run for the same account, role and
//! code, so a re-import updates a finding instead of adding one. Every string is cut to the
//! model's documented maximum. Pure: the time and the version are passed in (`HtmlMeta`).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use super::audit::request_text;
use super::audit_html::HtmlMeta;
use crate::event::HubAt;
use lambda_trust_audit::{AccountOutcome, AccountReport, AuditFinding, OrgReport, RoleReport};
use lambda_trust_iam::Arn;
use lambda_trust_verdict::{Outcome, Severity};

/// The ASFF version Security Hub CSPM takes.
const SCHEMA_VERSION: &str = "2018-10-08";

/// The finding type of every lambda-trust finding (namespace/category of ASFF's types
/// taxonomy: <https://docs.aws.amazon.com/securityhub/latest/userguide/asff-type-taxonomy.html>).
pub(crate) const FINDING_TYPE: &str =
    "Software and Configuration Checks/AWS Security Best Practices";

/// The model's limits (`AwsSecurityFinding`'s member documentation).
const MAX_ID: usize = 512;
const MAX_TITLE: usize = 256;
const MAX_DESCRIPTION: usize = 1024;
const MAX_RECOMMENDATION: usize = 512;
pub(super) const MAX_FIELD_VALUE: usize = 2048;

/// Our severity as Security Hub's label (docs/audit.md "Security Hub findings (ASFF and OCSF)"):
/// a finding that broadens access is `HIGH`, a difference from the config that does not is
/// `LOW`, a fact is `INFORMATIONAL`.
pub(crate) fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Security => "HIGH",
        Severity::Config => "LOW",
        Severity::Info => "INFORMATIONAL",
    }
}

/// A finding's `Id`: `NAMESPACE/ACCOUNT/ROLE-ARN/CODE` (`lambda-trust`, or the organization
/// watch's: `watch/organization/asff.rs`), or the role ARN's SHA-256 in its place when the whole would pass
/// the 512 characters `Id` may have.
fn finding_id_in(namespace: &str, account: &str, role_arn: &str, code: &str) -> String {
    let id = format!("{namespace}/{account}/{role_arn}/{code}");
    if id.chars().count() <= MAX_ID {
        return id;
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(role_arn.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{namespace}/{account}/sha256:{hex}/{code}")
}

/// The product of an account's own findings (`--to-security-hub` reads and writes under it).
/// `arn:PARTITION:securityhub:REGION:ACCOUNT:product/ACCOUNT/default`: the product of an
/// account's own findings.
pub(crate) fn product_arn(partition: &str, region: &str, account: &str) -> String {
    let product = lambda_trust_iam::AwsResource::SecurityHubProduct { region };
    lambda_trust_iam::Arn::of(partition, account, product).to_string()
}

/// Where a finding goes and what it is about: the hub `at` (its account and region), the
/// partition, the finding's `Id` and generator, and the one resource it names.
pub(crate) struct Envelope<'a> {
    pub(crate) at: HubAt<'a>,
    pub(crate) partition: &'a str,
    pub(crate) id: &'a str,
    pub(crate) generator: &'a str,
    pub(crate) resource: Value,
}

/// The fields every lambda-trust finding in ASFF has — the audit's, both watches' and the
/// guardrail's: its version, `Id` and generator, lambda-trust's product in the hub's account,
/// the type, the times, the resource, new and active. Each adds what it says (severity,
/// title, description, remediation, product fields, compliance).
pub(crate) fn envelope(e: Envelope<'_>, meta: &HtmlMeta) -> Map<String, Value> {
    let HubAt { account, region } = e.at;
    let now = timestamp(meta.generated);
    let value = json!({
        "SchemaVersion": SCHEMA_VERSION,
        "Id": cut(e.id, MAX_ID),
        "ProductArn": product_arn(e.partition, region, account),
        "ProductName": "lambda-trust",
        "CompanyName": "lambda-trust",
        "GeneratorId": cut(e.generator, MAX_ID),
        "AwsAccountId": account,
        "Region": region,
        "Types": [FINDING_TYPE],
        "CreatedAt": now,
        "UpdatedAt": now,
        "Resources": [e.resource],
        "Workflow": {"Status": "NEW"},
        "RecordState": "ACTIVE",
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `Severity` with its label and original, as both `Severity` and
/// `FindingProviderFields.Severity` carry it.
pub(crate) fn with_severity(finding: &mut Map<String, Value>, label: &str, original: Value) {
    let severity = json!({"Label": label, "Original": original});
    finding.insert("Severity".into(), severity.clone());
    finding.insert(
        "FindingProviderFields".into(),
        json!({"Severity": severity, "Types": [FINDING_TYPE]}),
    );
}

/// An ASFF timestamp (RFC 3339, UTC, milliseconds).
pub(crate) fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// At most `max` characters, the last one `…` when cut.
pub(super) fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// Each finding of an account once, with the `Id` of its own: `lambda-trust/ACCOUNT/ROLE/CODE`
/// for the first of its role and code, `…-2`, `…-3` for others in the report's order; one
/// told twice in the same words is sent once. Two findings of one `Id` in a batch would leave
/// Security Hub holding one and the other re-sent as changed on every run (the watch's rule,
/// `watch/asff.rs`).
pub(super) fn each_once(report: &AccountReport) -> Vec<(&RoleReport, &AuditFinding, String)> {
    each_once_in("lambda-trust", report)
}

/// [`each_once`], each `Id` under `namespace`.
pub(super) fn each_once_in<'a>(
    namespace: &str,
    report: &'a AccountReport,
) -> Vec<(&'a RoleReport, &'a AuditFinding, String)> {
    let mut out = Vec::new();
    for role in &report.roles {
        let mut told: Vec<(&str, &str)> = Vec::new();
        for f in &role.findings {
            let code: &str = f.code.into();
            if told.contains(&(code, f.message.as_str())) {
                continue;
            }
            let before = told.iter().filter(|(c, _)| *c == code).count();
            told.push((code, f.message.as_str()));
            let id = finding_id_in(namespace, &report.account, &role.arn, code);
            let id = match before {
                0 => id,
                n => format!("{id}-{}", n + 1),
            };
            out.push((role, f, id));
        }
    }
    out
}

/// One account's findings (an empty list: nothing to report).
pub(crate) fn account_findings(report: &AccountReport, meta: &HtmlMeta) -> Vec<Value> {
    let region = report.region.as_deref().unwrap_or_default();
    (each_once(report).into_iter())
        .map(|(r, f, id)| finding((&report.account, region, &id), r, f, meta))
        .collect()
}

/// Every audited account's findings; an account that could not be audited has none.
pub(crate) fn org_findings(report: &OrgReport, meta: &HtmlMeta) -> Vec<Value> {
    (report.accounts.iter())
        .filter_map(|a| match a {
            AccountOutcome::Report(r) => Some(account_findings(r, meta)),
            AccountOutcome::Error { .. } => None,
        })
        .flatten()
        .collect()
}

/// The JSON array `aws securityhub batch-import-findings --findings file://…` takes.
pub(crate) fn document(findings: &[Value]) -> String {
    serde_json::to_string_pretty(findings).unwrap_or_default()
}

pub(super) fn finding(
    at: (&str, &str, &str),
    role: &RoleReport,
    f: &AuditFinding,
    meta: &HtmlMeta,
) -> Value {
    let (account, region, id) = at;
    let partition = Arn::parse(&role.arn).map_or_else(|| "aws".to_owned(), |a| a.partition);
    let resource = json!({"Type": "AwsIamRole", "Id": role.arn, "Partition": partition,
        "Region": region, "Details": {"AwsIamRole": {"RoleName": role.role}}});
    let generator = format!("lambda-trust/audit/{}", f.code);
    let at = HubAt { account, region };
    let (partition, id, generator) = (partition.as_str(), id, generator.as_str());
    let mut finding = envelope(
        Envelope {
            at,
            partition,
            id,
            generator,
            resource,
        },
        meta,
    );
    with_severity(&mut finding, severity_label(f.severity), json!(f.severity));
    let title = format!("{}: {}", role.role, f.code.description());
    finding.insert("Title".into(), cut(&title, MAX_TITLE).into());
    finding.insert(
        "Description".into(),
        cut(&f.message, MAX_DESCRIPTION).into(),
    );
    let fix = cut(&f.remedy, MAX_RECOMMENDATION);
    finding.insert(
        "Remediation".into(),
        json!({"Recommendation": {"Text": fix}}),
    );
    let fields = product_fields(role, f, &meta.version);
    finding.insert("ProductFields".into(), Value::Object(fields));
    if f.is_suppressed() {
        finding.insert("Workflow".into(), json!({"Status": "SUPPRESSED"}));
    }
    if let Some(status) = compliance(f.outcome) {
        finding.insert("Compliance".into(), json!({ "Status": status }));
    }
    Value::Object(finding)
}

/// `Compliance.Status` (botocore's securityhub model: PASSED, WARNING, FAILED, NOT_AVAILABLE):
/// a failure is FAILED; an unknown — what could not be read or decided — NOT_AVAILABLE, never
/// FAILED nor PASSED. A fact has none: `Compliance` is optional and summarizes a control's
/// result (ASFF syntax, "Compliance"), which a fact is not; NOT_AVAILABLE would say it was not
/// checked.
pub(super) fn compliance(outcome: Outcome) -> Option<&'static str> {
    match outcome {
        Outcome::Failed => Some("FAILED"),
        Outcome::Unknown => Some("NOT_AVAILABLE"),
        Outcome::Informational => None,
    }
}

/// `ProductFields` (at most 50 pairs, values of at most 2,048 characters): the code, the
/// accepted external IDs, the counterexample request (its JSON, or its one-line text when the
/// JSON is longer), the tool's version.
fn product_fields(role: &RoleReport, f: &AuditFinding, version: &str) -> Map<String, Value> {
    let mut fields = Map::new();
    let mut put = |k: &str, v: String| {
        if !v.trim().is_empty() {
            fields.insert(format!("lambda-trust/{k}"), cut(&v, MAX_FIELD_VALUE).into());
        }
    };
    put("Code", f.code.to_string());
    put("Severity", f.severity.to_string());
    put("ExternalIdKind", role.external_ids.kind.to_string());
    put("ExternalIds", role.external_ids.values.join(", "));
    put("Managed", role.managed.to_string());
    if let Some(c) = &f.counterexample {
        let json = c.to_string();
        let text = if json.chars().count() <= MAX_FIELD_VALUE {
            json
        } else {
            request_text(c, &role.arn)
        };
        put("Request", text);
    }
    if let Some(text) = super::audit::suppression_text(f) {
        put("Baseline", text);
    }
    put("ProviderName", "lambda-trust".to_owned());
    put("ProviderVersion", version.to_owned());
    fields
}
