//! `lambda-trust check`: the drift check for CI — a plan plus the verification, turned into
//! findings with a severity, a path inside the document, and expected vs actual.
//!
//! Pure: it takes what `plan` and `verify` produced. Here: the finding and report model and the
//! findings of planned writes; `diff` (where two documents differ), `verify_findings` (failed
//! checks and unproved properties); which CloudTrail event explains a finding is
//! `core::trail`'s. The renderers are `report::check`'s.

use serde::Serialize;
use serde_json::Value;

use crate::core::trail::Trail;
use crate::error::Status;

/// Bumped whenever the JSON shape changes incompatibly.
mod diff;
mod op_findings;
mod verify_findings;

pub use diff::json_diff;
pub use op_findings::drift_findings;
use op_findings::severity;
pub use verify_findings::{failure, verify_findings};

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
    use crate::core::plan::{AttachmentOp, Op, PolicyOp, RoleOp, VersionOp};
    use crate::core::state::Desired;
    use crate::core::trail::trail_of;
    use serde_json::json;

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
            key(Op::Role(RoleOp::UpdateTrust {
                role: "R".into(),
                document: doc.clone(),
                previous: doc.clone()
            })),
            ("R".into(), "UpdateAssumeRolePolicy")
        );
        assert_eq!(
            key(Op::Policy(PolicyOp::Create {
                name: "R-invoke".into(),
                path: "/".into(),
                document: doc.clone(),
                tags: Default::default()
            })),
            (
                "arn:aws:iam::111122223333:policy/R-invoke".into(),
                "DeletePolicy"
            )
        );
        assert_eq!(
            key(Op::Attachment(AttachmentOp::Detach {
                role: "R".into(),
                arn: "arn:aws:iam::111122223333:policy/x".into(),
                name: "x".into(),
                document: doc.clone()
            })),
            (
                "arn:aws:iam::111122223333:policy/x".into(),
                "AttachRolePolicy"
            )
        );
        assert_eq!(
            key(Op::Version(VersionOp::Create {
                arn: "arn:aws:iam::111122223333:policy/R-invoke".into(),
                document: doc.clone(),
                previous: doc
            })),
            (
                "arn:aws:iam::111122223333:policy/R-invoke".into(),
                "CreatePolicyVersion"
            )
        );
        assert!(trail_of(
            &desired,
            &Op::Role(RoleOp::Delete {
                name: "R".into(),
                trust: json!({})
            })
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
