//! `watch`'s findings in the AWS Security Finding Format: one per finding of the deployment's
//! check, and one `NOT_AVAILABLE` finding when the setup could not be read (an unknown is
//! published as such, never as silence). Pure: the time and the version are passed in.
//!
//! Each finding's `GeneratorId` is `lambda-trust/watch/ROLE/SIDE/CODE` and its `Id` is stable
//! for the same account, role, code and resource, so a re-import updates it; the watch settles
//! (resolves) only findings under its own role's generator (docs/watch.md).

use serde_json::{json, Map, Value};

use crate::event::HubAt;
use crate::report::asff::{compliance, cut, envelope, severity_label, with_severity, Envelope};
use crate::report::audit_html::HtmlMeta;
use crate::report::check::fix_text;
use lambda_trust_model::WATCH_GENERATOR;
use lambda_trust_provision::{ConfigReport, Finding, Side, WatchCode, WatchGenerator};

/// Where the findings are about and where they go.
pub(crate) struct WatchSubject<'a> {
    pub account: &'a str,
    pub partition: &'a str,
    pub region: &'a str,
    pub role_name: &'a str,
    /// The role's ARN, when the setup was read.
    pub role_arn: Option<&'a str>,
    /// Who made the change the run answers (CloudTrail's `userIdentity`), if an event said.
    pub changed_by: Option<&'a str>,
}

/// The run's findings — one per broken property: each of the report's findings, what follows
/// from it (its related failed checks and unproved properties) said in its description, not
/// filed again — and the read's failure, of everything or of one side beside what the other
/// side found.
pub(crate) fn watch_findings(
    report: &ConfigReport,
    s: &WatchSubject,
    meta: &HtmlMeta,
) -> Vec<Value> {
    let mut out: Vec<Value> = (report.findings.iter())
        .map(|f| finding(f, s, meta))
        .collect();
    if let Some(error) = &report.error {
        out.push(not_read(error, report.failed_side, s, meta));
    }
    distinct(out)
}

/// Each finding once, under an `Id` of its own. One code on one place of one resource can be
/// found twice — the same words (a check told under two changes: sent once), or other words
/// (each kept, the later ones as `ID-2`, `ID-3`, … in the report's stable order): two findings
/// of one `Id` in a batch would leave Security Hub holding one, and the other re-sent as
/// changed on every run.
fn distinct(findings: Vec<Value>) -> Vec<Value> {
    let mut kept: Vec<Value> = Vec::new();
    // Each Id's findings so far: their title and description.
    let mut by_id: std::collections::BTreeMap<String, Vec<(Value, Value)>> = Default::default();
    for mut f in findings {
        let id = f["Id"].as_str().unwrap_or_default().to_owned();
        let words = (f["Title"].clone(), f["Description"].clone());
        let seen = by_id.entry(id.clone()).or_default();
        if seen.contains(&words) {
            continue;
        }
        seen.push(words);
        if seen.len() > 1 {
            f["Id"] = Value::String(format!("{id}-{}", seen.len()));
        }
        kept.push(f);
    }
    kept
}

/// The stable tail of an `Id`: the resource and the place in it, hashed.
fn place(f: &Finding) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{}\n{}", f.resource, f.path).as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

fn finding(f: &Finding, s: &WatchSubject, meta: &HtmlMeta) -> Value {
    let (role, side, code) = (s.role_name, f.code.side(), WatchCode::Finding(f.code));
    let generator = WatchGenerator::Finding { role, side, code }.to_string();
    let label = severity_label(f.severity);
    let fix = fix_text(&f.remedy).unwrap_or_else(|| "run `lambda-trust apply`".into());
    let mut fields = fields(s, meta);
    let mut put = |k: &str, v: &str| {
        if !v.trim().is_empty() {
            fields.insert(format!("lambda-trust/{k}"), cut(v, 2048).into());
        }
    };
    put("Code", &f.code.to_string());
    put("Resource", &f.resource);
    put("Path", &f.path);
    if let Some(c) = &f.counterexample {
        put("Request", &c.to_string());
    }
    let description = described(f);
    let what = What {
        severity: (label, json!(f.severity)),
        title: format!("{}: {}", s.role_name, f.code.description()),
        description: &description,
        fix: &fix,
        compliance: compliance(f.outcome),
    };
    assemble(base(s, meta, &generator, &place(f)), what, fields)
}

/// A finding's message, and what follows from it, each meaning once (two sample requests the
/// same check refused are one line).
fn described(f: &Finding) -> String {
    let mut follows: Vec<String> = Vec::new();
    for r in &f.related {
        let words = r.code.description();
        if !follows.contains(&words) {
            follows.push(words);
        }
    }
    match follows.is_empty() {
        true => f.message.clone(),
        false => format!("{} Because of it: {}", f.message, follows.join(" ")),
    }
}

/// What a finding says, beyond what every watch finding has ([`base`]).
struct What<'a> {
    /// Its label and original.
    severity: (&'static str, Value),
    title: String,
    description: &'a str,
    fix: &'a str,
    /// Absent for a fact (`asff::compliance`).
    compliance: Option<&'a str>,
}

/// `base` with `what` and the product fields, cut to the model's limits.
fn assemble(mut base: Map<String, Value>, what: What, fields: Map<String, Value>) -> Value {
    let (label, original) = what.severity;
    with_severity(&mut base, label, original);
    base.into_iter()
        .chain([
            ("Title".into(), cut(&what.title, 256).into()),
            ("Description".into(), cut(what.description, 1024).into()),
            (
                "Remediation".into(),
                json!({"Recommendation": {"Text": cut(what.fix, 512)}}),
            ),
            ("ProductFields".into(), Value::Object(fields)),
        ])
        .chain((what.compliance).map(|s| ("Compliance".to_owned(), json!({ "Status": s }))))
        .collect::<Map<_, _>>()
        .into()
}

/// The setup could not be read: what is known is that nothing was proved.
/// The unknown a failed read is: of the whole setup (`failed: None`), or of one side.
fn not_read(error: &str, failed: Option<Side>, s: &WatchSubject, meta: &HtmlMeta) -> Value {
    let (side, what, fix) = match failed {
        Some(Side::Genesys) => (
            Side::Genesys,
            "the Genesys Cloud side could not be read",
            "Fix what the error names (the sign-in: [genesys].oauth_secret and the OAuth \
             client's roles; docs/watch.md), then wait for the next event or the schedule.",
        ),
        _ => (
            Side::Aws,
            "the setup could not be read",
            "Give the watching function's role the reads the error names (docs/watch.md), \
             then wait for the next event or the schedule.",
        ),
    };
    let (role, code) = (s.role_name, WatchCode::NotRead);
    let generator = WatchGenerator::Finding { role, side, code }.to_string();
    let what = What {
        severity: ("MEDIUM", json!("unknown")),
        title: format!("{}: {what}", s.role_name),
        description: error,
        fix,
        compliance: Some("NOT_AVAILABLE"),
    };
    assemble(base(s, meta, &generator, "read"), what, fields(s, meta))
}

/// What every watch finding has.
fn base(s: &WatchSubject, meta: &HtmlMeta, generator: &str, tail: &str) -> Map<String, Value> {
    // The Id: the generator with the account before the role, and the place after the code.
    let id = format!(
        "{WATCH_GENERATOR}{}/{}/{tail}",
        s.account,
        generator_tail(generator)
    );
    let resource = match s.role_arn {
        Some(arn) => json!({"Type": "AwsIamRole", "Id": arn, "Partition": s.partition,
            "Region": s.region, "Details": {"AwsIamRole": {"RoleName": s.role_name}}}),
        None => json!({"Type": "Other", "Id": s.role_name, "Partition": s.partition,
            "Region": s.region}),
    };
    let at = HubAt {
        account: s.account,
        region: s.region,
    };
    let (partition, id) = (s.partition, id.as_str());
    let e = Envelope {
        at,
        partition,
        id,
        generator,
        resource,
    };
    envelope(e, meta)
}

/// `ROLE/SIDE/CODE` of a generator.
fn generator_tail(generator: &str) -> &str {
    generator.strip_prefix(WATCH_GENERATOR).unwrap_or(generator)
}

fn fields(s: &WatchSubject, meta: &HtmlMeta) -> Map<String, Value> {
    let mut fields = Map::new();
    if let Some(by) = s.changed_by {
        fields.insert("lambda-trust/ChangedBy".into(), cut(by, 2048).into());
    }
    fields.insert("lambda-trust/ProviderName".into(), "lambda-trust".into());
    fields.insert(
        "lambda-trust/ProviderVersion".into(),
        meta.version.clone().into(),
    );
    fields
}

#[cfg(test)]
mod tests {
    use super::{distinct, watch_findings, HtmlMeta, WatchSubject};
    use lambda_trust_provision::{ConfigReport, Finding};
    use serde_json::json;

    /// One edit, one finding: what follows from a changed trust policy (a check failed twice,
    /// a property unproved) is said in its description, never filed as findings of their own.
    #[test]
    fn one_broken_property_is_one_finding_its_consequences_in_its_text() {
        let mut report = ConfigReport::error("c.toml", "x".into());
        report.error = None;
        let mut f = Finding::new(
            lambda_trust_provision::Code::TrustBroader,
            "role R trust policy",
            "the document differs",
        );
        let check =
            lambda_trust_provision::Code::Check(lambda_trust_provision::CheckId::TrustOthersDenied);
        f.related = vec![
            Finding::new(
                check,
                "role R trust policy",
                "a request without the external ID",
            ),
            Finding::new(check, "role R trust policy", "a request of another account"),
        ];
        report.findings = vec![f];
        let s = WatchSubject {
            account: "111122223333",
            partition: "aws",
            region: "us-east-1",
            role_name: "R",
            role_arn: Some("arn:aws:iam::111122223333:role/R"),
            changed_by: None,
        };
        let meta = HtmlMeta {
            generated: chrono::Utc::now(),
            version: "0".into(),
        };
        let out = watch_findings(&report, &s, &meta);
        assert_eq!(out.len(), 1, "{out:#?}");
        let text = out[0]["Description"].as_str().unwrap();
        let said = check.description();
        assert_eq!(text.matches(said.as_str()).count(), 1, "{text}");
        assert!(text.starts_with("the document differs"), "{text}");
    }

    #[test]
    fn one_place_found_twice_is_sent_once_or_under_ids_of_its_own() {
        let f = |id: &str, words: &str| json!({"Id": id, "Title": "t", "Description": words});
        let out = distinct(vec![
            f("a/1", "the trust admits more"),
            f("a/1", "the trust admits more"),
            f("a/1", "the external ID is missing"),
            f("b/2", "the trust admits more"),
        ]);
        let ids: Vec<&str> = out.iter().filter_map(|f| f["Id"].as_str()).collect();
        assert_eq!(ids, ["a/1", "a/1-2", "b/2"]);
    }
}
