//! `lambda-trust check`: the drift check for CI — a plan plus the verification, turned into
//! findings with a severity, a path inside the document, and expected vs actual.
//!
//! Pure: it takes what `plan` and `verify` produced. Here: the finding and report model and the
//! findings of planned writes; `diff` (where two documents differ), `verify_findings` (failed
//! checks and unproved properties); which CloudTrail event explains a finding is
//! `core::trail`'s. The renderers are `report::check`'s.

use serde::Serialize;
use serde_json::{json, Value};

use crate::config::{MANAGED_BY_KEY, MANAGED_BY_VALUE};
use crate::core::describe::describe;
use crate::core::plan::{Op, Plan};
use crate::core::state::Desired;
use crate::core::trail::Trail;
use crate::core::verify;
use crate::error::Status;
use crate::iam::arn::Arn;
use crate::iam::{prove_invoke, prove_trust, LabeledPolicy, Policy, PropertyResult, Verdict};

/// Bumped whenever the JSON shape changes incompatibly.
mod diff;
mod verify_findings;

pub use diff::json_diff;
pub use verify_findings::verify_findings;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Broadens who can assume the role or what it can invoke.
    Security,
    /// Differs from the config without broadening access.
    Config,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// A stable id: `drift` for planned changes, `verify` for failed checks.
    pub kind: &'static str,
    pub resource: String,
    /// Where inside the document (JSON path) or the resource the difference is; empty when the
    /// whole resource is affected.
    pub path: String,
    pub expected: Option<Value>,
    pub actual: Option<Value>,
    pub message: String,
    /// The config key the finding belongs to (for annotations): `trust`, `role`, `role.tags`…
    pub config_key: &'static str,
    /// The request the live policy lets in that it should not (from the prover), when there
    /// is one: `{principal, action, resource, context}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterexample: Option<Value>,
    /// Who made the change, from CloudTrail (`changed_by`, `cloudtrail`), for AWS drift.
    #[serde(flatten)]
    pub trail: Trail,
}

/// One config's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigReport {
    pub config: String,
    /// `ok`, `drift` or `error`.
    pub status: &'static str,
    pub findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What the reader should know that is not drift (e.g. a superseded Genesys Cloud data
    /// action kept because a flow still calls it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// 1-based line of each config key, for annotations (not serialized).
    #[serde(skip)]
    pub lines: Vec<(&'static str, usize)>,
}

impl ConfigReport {
    pub fn error(config: &str, message: String) -> ConfigReport {
        ConfigReport {
            config: config.to_string(),
            status: "error",
            findings: Vec::new(),
            error: Some(message),
            notes: Vec::new(),
            lines: Vec::new(),
        }
    }

    pub fn line_of(&self, key: &str) -> usize {
        self.lines
            .iter()
            .find(|(k, _)| *k == key)
            .or_else(|| self.lines.iter().find(|(k, _)| key.starts_with(*k)))
            .map(|(_, l)| *l)
            .unwrap_or(1)
    }
}

/// The combined report of one `check` run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    pub schema_version: u32,
    pub in_sync: bool,
    pub configs: Vec<ConfigReport>,
}

impl CheckReport {
    pub fn new(configs: Vec<ConfigReport>) -> CheckReport {
        CheckReport {
            schema_version: SCHEMA_VERSION,
            in_sync: configs.iter().all(|c| c.status == "ok"),
            configs,
        }
    }

    /// Invalid (exit 1) if any config errored, else Changes (2) if any drifted, else Ok (0):
    /// errors and drift never share a code.
    pub fn status(&self) -> Status {
        if self.configs.iter().any(|c| c.status == "error") {
            Status::Invalid
        } else if self.configs.iter().any(|c| c.status == "drift") {
            Status::Changes
        } else {
            Status::Ok
        }
    }
}

/// Line numbers of the config keys findings point at, found in the file's text.
pub fn config_lines(text: &str) -> Vec<(&'static str, usize)> {
    let mut out = Vec::new();
    let mut section = "";
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let n = i + 1;
        if line.starts_with("[[targets]]") {
            if !out.iter().any(|(k, _)| *k == "targets") {
                out.push(("targets", n));
            }
            section = "targets";
            continue;
        }
        // A header may carry a comment: `[policy]   # optional`.
        let header = line.split('#').next().unwrap_or("").trim_end();
        if let Some(name) = header.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = match name.trim() {
                "trust" => "trust",
                "role" => "role",
                "policy" => "policy",
                "aws" => "aws",
                "genesys" => "genesys",
                _ => "",
            };
            if !section.is_empty() && !out.iter().any(|(k, _)| *k == section) {
                out.push((section, n));
            }
            continue;
        }
        let key = line.split('=').next().unwrap_or("").trim();
        let full: Option<&'static str> = match (section, key) {
            ("trust", "external_id") => Some("trust.external_id"),
            ("trust", "partner") | ("trust", "account_id") => Some("trust.principal"),
            ("role", "tags") => Some("role.tags"),
            ("role", "description") => Some("role.description"),
            ("role", "max_session_duration") => Some("role.max_session_duration"),
            ("role", "permissions_boundary") => Some("role.permissions_boundary"),
            _ => None,
        };
        if let Some(k) = full {
            out.push((k, n));
        }
    }
    out
}

fn doc_findings(
    severity: Severity,
    resource: &str,
    config_key: &'static str,
    expected: &Value,
    actual: &Value,
    what: &str,
) -> Vec<Finding> {
    let diffs = json_diff(expected, actual);
    if diffs.is_empty() {
        return vec![];
    }
    diffs
        .into_iter()
        .map(|(path, e, a)| {
            // JSONPath-like: `$.Statement[0].Condition…`
            let path = format!("${path}");
            Finding {
                severity,
                kind: "drift",
                resource: resource.to_string(),
                message: format!("{what} differs at {path}"),
                path,
                expected: e,
                actual: a,
                config_key,
                counterexample: None,
                trail: Trail::default(),
            }
        })
        .collect()
}

/// Turns a plan into findings: what the live state has that the config does not, and how bad.
pub fn drift_findings(desired: &Desired, plan: &Plan) -> Vec<Finding> {
    plan.ops
        .iter()
        .flat_map(|op| op_findings(desired, op))
        .collect()
}

/// The findings one planned write stands for, each with what CloudTrail can explain it by.
fn op_findings(desired: &Desired, op: &Op) -> Vec<Finding> {
    let mut findings = op_findings_untraced(desired, op);
    let trail = crate::core::trail::trail_of(desired, op);
    for f in &mut findings {
        f.trail = trail.clone();
    }
    findings
}

fn op_findings_untraced(desired: &Desired, op: &Op) -> Vec<Finding> {
    let at = At {
        resource: describe(op).resource,
    };
    match op {
        // The severity of a document's drift comes from the proof, not from where the
        // difference sits: security when the live document admits a request outside the
        // intended set (or cannot be proved not to), config otherwise.
        Op::UpdateTrustPolicy {
            document, previous, ..
        } => {
            let admits = trust_admits(desired, previous);
            let f = doc_findings(
                severity(admits.is_some()),
                &at.resource,
                "trust",
                document,
                previous,
                "trust policy",
            );
            with_admission(f, admits)
        }
        Op::CreatePolicyVersion {
            document, previous, ..
        } => {
            let admits = invoke_admits(desired, &at.resource, previous);
            let f = doc_findings(
                severity(admits.is_some()),
                &at.resource,
                "targets",
                document,
                previous,
                "invoke policy",
            );
            with_admission(f, admits)
        }
        Op::UpdateRole { .. } => role_setting_findings(&at, op),
        Op::TagRole { .. } | Op::UntagRole { .. } => tag_findings(&at, op),
        other => simple_finding(&at, other).into_iter().collect(),
    }
}

/// The `managed-by` tag is gone: someone changed the object outside lambda-trust. `plan` and
/// `apply` refuse to write to it without `--adopt`; `check` still looks at everything else.
fn ownership_lost(what: &str) -> String {
    format!(
        "ownership lost: the {what} no longer carries {MANAGED_BY_KEY} = {MANAGED_BY_VALUE}, so it \
         was changed outside lambda-trust; review every other finding, then `lambda-trust apply \
         --adopt` restores it"
    )
}

/// What a live trust policy admits beyond the partner with the external ID: `None` when the
/// prover proves it admits nothing more; else the counterexample (or why it is unknown).
fn trust_admits(desired: &Desired, live: &Value) -> Option<Admission> {
    let policy = match Policy::parse(live) {
        Ok(p) => p,
        Err(e) => return Some(Admission::unparsable(e)),
    };
    let role = &desired.role;
    let role_arn = Arn::iam(
        &desired.partition,
        &desired.account_id,
        &format!("role{}{}", role.path, role.name),
    );
    let spec = verify::trust_spec(desired);
    let results = prove_trust(&policy, &role_arn.to_string(), &spec, verify::PROOF_BUDGET);
    Admission::of(results, "trust-only-partner-with-external-id")
}

/// What a live invoke document admits beyond `lambda:InvokeFunction` on the granted ARNs.
fn invoke_admits(desired: &Desired, label: &str, live: &Value) -> Option<Admission> {
    let policy = match Policy::parse(live) {
        Ok(p) => p,
        Err(e) => return Some(Admission::unparsable(e)),
    };
    let spec = verify::invoke_spec(desired);
    let identity = [LabeledPolicy::new(label.to_string(), policy)];
    let results = prove_invoke(&identity, None, &spec, verify::PROOF_BUDGET);
    Admission::of(results, "invoke-only-targets")
}

/// A request a document lets in that it should not, as text and as the request itself.
struct Admission {
    summary: String,
    request: Option<Value>,
}

impl Admission {
    fn of(results: Vec<PropertyResult>, property: &str) -> Option<Admission> {
        let r = results.into_iter().find(|r| r.property == property)?;
        (r.verdict != Verdict::Proved).then(|| Admission {
            summary: r.request_text(),
            request: r.counterexample.as_ref().map(|c| json!(c)),
        })
    }

    fn unparsable(e: impl std::fmt::Display) -> Admission {
        Admission {
            summary: format!("the live document does not parse, so nothing is proved: {e}"),
            request: None,
        }
    }
}

/// Says on each document finding what the live document admits, and carries the request.
fn with_admission(mut findings: Vec<Finding>, admits: Option<Admission>) -> Vec<Finding> {
    if let Some(a) = admits {
        for f in &mut findings {
            f.message = format!("{}; it admits more: {}", f.message, a.summary);
            f.counterexample = a.request.clone();
        }
    }
    findings
}

pub(super) fn severity(security: bool) -> Severity {
    if security {
        Severity::Security
    } else {
        Severity::Config
    }
}

/// The resource a finding is about, and the constructor of a finding without a document path.
struct At {
    resource: String,
}

impl At {
    fn finding(
        &self,
        severity: Severity,
        config_key: &'static str,
        expected: Option<Value>,
        actual: Option<Value>,
        message: String,
    ) -> Finding {
        Finding {
            severity,
            kind: "drift",
            resource: self.resource.clone(),
            path: String::new(),
            expected,
            actual,
            message,
            config_key,
            counterexample: None,
            trail: Trail::default(),
        }
    }
}

/// Description and maximum session duration, one finding per differing setting.
fn role_setting_findings(at: &At, op: &Op) -> Vec<Finding> {
    let Op::UpdateRole {
        description,
        max_session_duration,
        previous_description,
        previous_max_session_duration,
        ..
    } = op
    else {
        return vec![];
    };
    let mut out = Vec::new();
    if previous_description.as_deref() != Some(description.as_str()) {
        out.push(Finding {
            path: "Description".into(),
            ..at.finding(
                Severity::Config,
                "role.description",
                Some(json!(description)),
                previous_description.as_ref().map(|d| json!(d)),
                "role description differs".into(),
            )
        });
    }
    if previous_max_session_duration != max_session_duration {
        out.push(Finding {
            path: "MaxSessionDuration".into(),
            ..at.finding(
                Severity::Config,
                "role.max_session_duration",
                Some(json!(max_session_duration)),
                Some(json!(previous_max_session_duration)),
                "role max session duration differs".into(),
            )
        });
    }
    out
}

/// One finding per tag that differs or should not be there.
fn tag_findings(at: &At, op: &Op) -> Vec<Finding> {
    let tag = |k: &str, expected: Option<Value>, actual: Option<Value>, message: String| Finding {
        path: format!("Tags.{k}"),
        ..at.finding(Severity::Config, "role.tags", expected, actual, message)
    };
    match op {
        Op::TagRole { tags, previous, .. } => tags
            .iter()
            .map(|(k, val)| {
                let was = previous.get(k).map(|p| json!(p));
                if k == MANAGED_BY_KEY && was.is_none() {
                    return Finding {
                        severity: Severity::Security,
                        ..tag(k, Some(json!(val)), was, ownership_lost("role"))
                    };
                }
                tag(k, Some(json!(val)), was, format!("tag {k} differs"))
            })
            .collect(),
        Op::UntagRole { keys, .. } => keys
            .iter()
            .map(|k| {
                tag(
                    k,
                    None,
                    None,
                    format!("tag {k} is on the role but not in the config"),
                )
            })
            .collect(),
        _ => vec![],
    }
}

/// Everything else: one finding per op, or none for the consequences of other changes.
fn simple_finding(at: &At, op: &Op) -> Option<Finding> {
    use Severity::{Config, Security};
    Some(match op {
        Op::DetachPolicy { arn, document, .. } => at.finding(
            Security,
            "role",
            None,
            Some(json!({"policy_arn": arn, "document": document})),
            format!("managed policy {arn} is attached to the role but not in the config"),
        ),
        Op::DeleteInlinePolicy { name, document, .. } => at.finding(
            Security,
            "role",
            None,
            Some(json!({"inline_policy": name, "document": document})),
            format!("inline policy {name} is on the role but not in the config"),
        ),
        Op::PutPermissionsBoundary { arn, previous, .. } => at.finding(
            Security,
            "role.permissions_boundary",
            Some(json!(arn)),
            previous.as_ref().map(|p| json!(p)),
            match previous {
                None => "permissions boundary was removed".to_string(),
                Some(p) => format!("permissions boundary is {p}, not {arn}"),
            },
        ),
        Op::DeletePermissionsBoundary { previous, .. } => at.finding(
            Config,
            "role",
            None,
            Some(json!(previous)),
            format!("the role has a permissions boundary {previous} the config does not declare"),
        ),
        Op::CreateRole { .. } => {
            at.finding(Config, "role", None, None, "the role does not exist".into())
        }
        Op::CreatePolicy { .. } => at.finding(
            Config,
            "targets",
            None,
            None,
            "the invoke policy does not exist".into(),
        ),
        Op::AttachPolicy { arn, .. } => at.finding(
            Config,
            "targets",
            Some(json!(arn)),
            None,
            "the invoke policy is not attached to the role".into(),
        ),
        Op::DeleteLatentVersion {
            version_id,
            document,
            admits,
            replaced_default,
            ..
        } => at.finding(
            Security,
            "targets",
            None,
            Some(json!({"version_id": version_id, "document": document})),
            latent_message(version_id, replaced_default.as_deref(), admits),
        ),
        Op::TagPolicy { tags, .. } => at.finding(
            Security,
            "policy",
            tags.get(MANAGED_BY_KEY).map(|v| json!(v)),
            None,
            ownership_lost("invoke policy"),
        ),
        // Consequences of other changes, not drift of their own; the rest has its own
        // function above.
        Op::DeletePolicyVersion { .. }
        | Op::DeletePolicy { .. }
        | Op::DeleteRole { .. }
        | Op::UpdateTrustPolicy { .. }
        | Op::CreatePolicyVersion { .. }
        | Op::UpdateRole { .. }
        | Op::TagRole { .. }
        | Op::UntagRole { .. } => return None,
    })
}

/// The latent-access finding. A non-default version that admits more is named as such; the
/// live default that admits more (someone published a broader version as the default) is named
/// as the default, beside the non-default version(s) it displaced: once apply restores the
/// config's document it would stay behind as a non-default version, so apply deletes it too.
fn latent_message(version_id: &str, replaced_default: Option<&[String]>, admits: &str) -> String {
    match replaced_default {
        None => format!(
            "latent access: non-default version {version_id} admits more than the targets \
             (anyone with iam:SetDefaultPolicyVersion can switch it on): {admits}"
        ),
        Some(others) => {
            let others = match others {
                [] => "no non-default version".to_owned(),
                [one] => format!("non-default version {one}"),
                many => format!("non-default versions {}", many.join(", ")),
            };
            format!(
                "latent access after repair: version {version_id} is the default ({others}) and \
                 admits more than the targets; apply publishes the config's document as the new \
                 default and deletes {version_id} rather than leave it as a non-default version \
                 anyone with iam:SetDefaultPolicyVersion could switch back on: {admits}"
            )
        }
    }
}

/// A state the planner refuses to converge (a role at another path), as a finding.
pub fn refusal_finding(err: &crate::core::plan::PlanError) -> Finding {
    let message = err.to_string();
    Finding {
        severity: Severity::Config,
        kind: "drift",
        resource: "role".into(),
        path: String::new(),
        expected: None,
        actual: None,
        message: message.lines().next().unwrap_or_default().to_string(),
        config_key: "role",
        counterexample: None,
        trail: Trail::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::trail::trail_of;

    #[test]
    fn diff_paths_keep_the_documents_spelling() {
        let want = json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
            "Principal":{"AWS":"arn:aws:iam::765628985471:root"},
            "Condition":{"StringEquals":{"sts:ExternalId":"right"}}}]});
        let mut live = want.clone();
        live["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] = json!("wrong");
        let d = json_diff(&want, &live);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].0,
            ".Statement[0].Condition.StringEquals.sts:ExternalId[0]"
        );
        assert_eq!(d[0].1, Some(json!("right")));
        assert_eq!(d[0].2, Some(json!("wrong")));
    }

    #[test]
    fn each_aws_finding_is_looked_up_by_the_resource_cloudtrail_names() {
        let desired: Desired = serde_json::from_value(json!({
            "account_id": "111122223333", "partition": "aws",
            "role": {"name": "R", "path": "/", "description": "", "max_session_duration": 3600,
                     "permissions_boundary": null, "tags": {}, "trust": {}},
            "partner_principal": "arn:aws:iam::765628985471:root",
            "external_id": "x", "policies": [], "targets": []
        }))
        .unwrap_or_else(|e| panic!("fixture: {e}"));
        let key = |op: Op| {
            let t = trail_of(&desired, &op).key.unwrap();
            (t.resource_name, t.events[0])
        };
        let doc = json!({});
        assert_eq!(
            key(Op::UpdateTrustPolicy {
                role: "R".into(),
                document: doc.clone(),
                previous: doc.clone()
            }),
            ("R".into(), "UpdateAssumeRolePolicy")
        );
        assert_eq!(
            key(Op::CreatePolicy {
                name: "R-invoke".into(),
                path: "/".into(),
                document: doc.clone(),
                tags: Default::default()
            }),
            (
                "arn:aws:iam::111122223333:policy/R-invoke".into(),
                "DeletePolicy"
            )
        );
        assert_eq!(
            key(Op::DetachPolicy {
                role: "R".into(),
                arn: "arn:aws:iam::111122223333:policy/x".into(),
                name: "x".into(),
                document: doc.clone()
            }),
            (
                "arn:aws:iam::111122223333:policy/x".into(),
                "AttachRolePolicy"
            )
        );
        assert_eq!(
            key(Op::CreatePolicyVersion {
                arn: "arn:aws:iam::111122223333:policy/R-invoke".into(),
                document: doc.clone(),
                previous: doc
            }),
            (
                "arn:aws:iam::111122223333:policy/R-invoke".into(),
                "CreatePolicyVersion"
            )
        );
        assert!(trail_of(
            &desired,
            &Op::DeleteRole {
                name: "R".into(),
                trust: json!({})
            }
        )
        .key
        .is_none());
    }

    #[test]
    fn config_lines_point_at_keys_and_tables() {
        let text = "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"x\"\n\n[role]\nname = \"R\"\ntags = { a = \"b\" }\n[[targets]]\nfunction = \"f\"\n";
        let r = ConfigReport {
            config: "c.toml".into(),
            status: "drift",
            findings: vec![],
            error: None,
            notes: vec![],
            lines: config_lines(text),
        };
        assert_eq!(r.line_of("trust.external_id"), 3);
        assert_eq!(r.line_of("role.tags"), 7);
        assert_eq!(r.line_of("role"), 5);
        assert_eq!(r.line_of("role.description"), 5, "falls back to its table");
        assert_eq!(r.line_of("targets"), 8);
    }
}
