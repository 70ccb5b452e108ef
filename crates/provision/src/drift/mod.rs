//! `lambda-trust check`: the drift check for CI — a plan plus the verification, turned into
//! findings with a code, a severity, a path inside the document, and expected vs actual.
//!
//! Pure: it takes what `plan` and `verify` produced. Here: the finding and report model and the
//! findings of planned writes; `code` (what a finding is: its code decides severity, kind and
//! config key), `diff` (where two documents differ), `verify_findings` (failed checks and
//! unproved properties); which CloudTrail event explains a finding is `lambda_trust_provision::trail`'s. The
//! renderers are `report::check`'s.

use serde::Serialize;
use serde_json::Value;

use crate::trail::Trail;
use lambda_trust_verdict::Status;

mod code;
mod diff;
mod note;
mod op_findings;
mod remedy;
mod verify_findings;

pub use code::{Code, ConfigKey, ConfigStatus, Kind};
pub(crate) use diff::json_diff;
pub(crate) use lambda_trust_verdict::{Outcome, Severity};
pub use note::ConfigNote;
pub(crate) use op_findings::drift_findings;
pub(crate) use op_findings::{held_findings, one_per_resource_and_code};
pub use remedy::Remedy;
pub(crate) use verify_findings::check_finding;
pub(crate) use verify_findings::verify_findings;

/// A check finding (also verify's `changes`): a planned change (kind drift) or a failed check
/// or unproved property (kind verify). `changed_by` with `cloudtrail` on AWS drift findings
/// that were looked up, with `genesys_audit` on Genesys ones.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schemars",
    schemars(rename = "finding", deny_unknown_fields)
)]
#[cfg_attr(feature = "schemars", schemars(extend("allOf" = [
    {
        "$comment": "changed_by names the culprit's write: present exactly when the trail says \
                     someone else changed it.",
        "if": {"required": ["changed_by"]},
        "then": {"anyOf": [
            {
                "required": ["cloudtrail"],
                "properties": {"cloudtrail": {"properties": {"status": {"const": "changed"}}}}
            },
            {
                "required": ["genesys_audit"],
                "properties": {"genesys_audit": {"properties": {"status": {"const": "changed"}}}}
            }
        ]}
    },
    {
        "if": {
            "required": ["cloudtrail"],
            "properties": {"cloudtrail": {"properties": {"status": {"const": "changed"}}}}
        },
        "then": {
            "required": ["changed_by"],
            "properties": {"changed_by": {"properties": {"source": {"const": "cloudtrail"}}}}
        }
    },
    {
        "if": {
            "required": ["genesys_audit"],
            "properties": {"genesys_audit": {"properties": {"status": {"const": "changed"}}}}
        },
        "then": {
            "required": ["changed_by"],
            "properties": {"changed_by": {"properties": {"source": {"const": "genesys-audit"}}}}
        }
    },
    {
        "$comment": "Verify findings are not looked up.",
        "if": {"properties": {"kind": {"const": "verify"}}},
        "then": {"properties": {"changed_by": false, "cloudtrail": false, "genesys_audit": false}}
    },
    {
        "$comment": "AWS drift findings are looked up in CloudTrail, Genesys ones in Genesys \
                     Cloud's audit trail.",
        "if": {"properties": {"config_key": {"const": "genesys"}}},
        "then": {"properties": {"cloudtrail": false}},
        "else": {"properties": {"genesys_audit": false}}
    }
])))]
pub struct Finding {
    /// Decided by `code`.
    #[cfg_attr(feature = "schemars", schemars(schema_with = "code::severity_schema"))]
    pub severity: Severity,
    /// The finding's stable code (its SARIF rule is lambda-trust/check/CODE): what differs
    /// (`trust-broader`, …), `verify-CHECK` for a failed verify check, `unproved-PROPERTY` for a
    /// property the live policies do not meet. It decides severity, kind and config_key.
    pub code: Code,
    /// Decided by `code` (and, for an unproved property, by the prover's verdict): `failed`,
    /// or `unknown` for what was not read or not decided.
    pub outcome: Outcome,
    /// Decided by `code`: `drift` for planned changes, `verify` for failed checks.
    pub kind: Kind,
    /// What the finding is on, as a plan names it (`role NAME`, `managed policy ARN`, `genesys
    /// action "NAME"`).
    pub resource: String,
    /// Where inside the document (JSON path like `$.Statement[0]…`) or the resource (`Tags.team`,
    /// `Description`) the difference is; empty when the whole resource is affected (a policy
    /// document: then `changes` says where).
    pub path: String,
    /// What the config wants (any JSON, or null; for a policy document: the whole document,
    /// keys as written).
    pub expected: Option<Value>,
    /// What is live (any JSON, or null; for a policy document: the whole document as AWS
    /// returns it).
    pub actual: Option<Value>,
    /// Where a policy document differs (then `expected` and `actual` are the whole documents
    /// and `path` is empty), or the places of several differences of one kind on one resource
    /// (tags): one entry per place, keys and action names spelled as the documents write them.
    /// Absent when the finding is about one place.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub changes: Vec<Change>,
    /// What differs or failed, in a sentence.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub message: String,
    /// Decided by `code`: the config key the finding belongs to (for annotations): `trust`,
    /// `role`, `role.tags`…
    #[cfg_attr(
        feature = "schemars",
        schemars(schema_with = "code::config_key_schema")
    )]
    pub config_key: ConfigKey,
    /// Who can fix it: `{"by": "apply"}`, `{"by": "apply_adopt"}`, or `{"by": "outside",
    /// "step"}` with the exact step outside lambda-trust.
    pub remedy: Remedy,
    /// The request the live policy lets in that it should not (from the prover), when there
    /// is one: `{principal, action, resource, context}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(with = "lambda_trust_iam::Request"))]
    pub counterexample: Option<Value>,
    /// Who made the change, from CloudTrail (`changed_by`, `cloudtrail`), for AWS drift.
    #[serde(flatten)]
    pub trail: Trail,
    /// Failed checks and unproved properties (kind verify) this change causes, told under it
    /// instead of beside it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub related: Vec<Finding>,
}

/// One place where a live document differs from the config's.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(inline, deny_unknown_fields))]
pub struct Change {
    /// JSON path like `$.Statement[0].Condition.StringEquals.sts:ExternalId`, keys as written
    /// (statements in canonical order: statement order never matters to IAM), or `Tags.team`.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub path: String,
    /// The config's value there (any JSON), or null when the live document has something the
    /// config does not.
    pub expected: Option<Value>,
    /// The live value there (any JSON), or null.
    pub actual: Option<Value>,
}

impl Finding {
    /// A finding about the whole `resource`; severity, kind and config key from `code`.
    pub fn new(code: Code, resource: impl Into<String>, message: impl Into<String>) -> Finding {
        let (resource, message) = (resource.into(), message.into());
        Finding {
            remedy: Remedy::of(code, &resource, "").naming_what_was_not_read(code, &message),
            severity: code.severity(),
            code,
            outcome: code.outcome(),
            kind: code.kind(),
            resource,
            path: String::new(),
            expected: None,
            actual: None,
            changes: Vec::new(),
            message,
            config_key: code.config_key(),
            counterexample: None,
            trail: Trail::default(),
            related: Vec::new(),
        }
    }

    /// Where inside the resource the difference is.
    pub(crate) fn at(mut self, path: impl Into<String>) -> Finding {
        self.path = path.into();
        self.remedy = Remedy::of(self.code, &self.resource, &self.path)
            .naming_what_was_not_read(self.code, &self.message);
        self
    }

    /// What the config wants and what is live.
    pub(crate) fn values(mut self, expected: Option<Value>, actual: Option<Value>) -> Finding {
        self.expected = expected;
        self.actual = actual;
        self
    }

    /// The request that shows it.
    pub(crate) fn counterexample(mut self, request: Option<Value>) -> Finding {
        self.counterexample = request;
        self
    }
}

/// One config's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", schemars(extend("allOf" = [
    {
        "if": {"properties": {"status": {"const": "error"}}},
        "then": {"required": ["error"]},
        "else": {"not": {"required": ["error"]}}
    },
    {
        "if": {"properties": {"status": {"const": "ok"}}},
        "then": {"properties": {"findings": {"maxItems": 0}}}
    },
    {
        "if": {"properties": {"status": {"const": "drift"}}},
        "then": {"properties": {"findings": {"minItems": 1}}}
    }
])))]
pub struct ConfigReport {
    /// The config file's path.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub config: String,
    /// The config's environment (`--env`), when the file has `[environments.NAME]` tables.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(with = "String", length(min = 1)))]
    pub environment: Option<String>,
    /// How the config came out: ok, drift or error.
    pub status: ConfigStatus,
    /// The role, account and region checked (absent when the config could not be read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<crate::verify::Subject>,
    /// What differs from the config, or failed.
    #[cfg_attr(
        feature = "schemars",
        schemars(schema_with = "crate::schema_refs::list::<crate::drift::Finding>")
    )]
    pub findings: Vec<Finding>,
    /// Why the config, or one side of it, could not be checked (status error only). When the
    /// Genesys Cloud side failed, `findings` still holds everything the AWS side found.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(with = "String", length(min = 1)))]
    pub error: Option<String>,
    /// What the reader should know that is not drift (e.g. a superseded Genesys Cloud data
    /// action kept because a flow still calls it), as data: `report` words them, and its JSON
    /// view writes the words as `notes`.
    #[serde(skip)]
    #[cfg_attr(feature = "schemars", schemars(skip))]
    pub notes: Vec<ConfigNote>,
    /// The sides of the config this run did not check (`--only`): the config is then never
    /// reported in sync as a whole, whatever the checked side found.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub not_checked: Vec<crate::side::Side>,
    /// 1-based line of each config key, for annotations (not serialized).
    #[serde(skip)]
    pub lines: Vec<(ConfigKey, usize)>,
    /// The side that could not be read while the other was judged (`error` says why, and
    /// `findings` hold the other side's); `None` with an `error`: nothing was judged.
    #[serde(skip)]
    pub failed_side: Option<crate::side::Side>,
}

impl ConfigReport {
    /// The status the watch tells (its run record, its SNS subject): a finding on a side that
    /// was read makes it `drift` even when the other side could not be read — a breach is never
    /// told as an error alone (the error is said beside it); `error` only with nothing found.
    pub fn watch_status(&self) -> ConfigStatus {
        match (self.status, self.findings.is_empty()) {
            (ConfigStatus::Error, false) => ConfigStatus::Drift,
            (status, _) => status,
        }
    }

    /// The report of a config that could not be checked: status error, the message as its `error`.
    pub fn error(config: &str, message: String) -> ConfigReport {
        ConfigReport {
            config: config.to_string(),
            environment: None,
            status: ConfigStatus::Error,
            subject: None,
            findings: Vec::new(),
            error: Some(message),
            notes: Vec::new(),
            not_checked: Vec::new(),
            lines: Vec::new(),
            failed_side: None,
        }
    }

    /// The line of `key`, else of its table, else 1.
    pub fn line_of(&self, key: ConfigKey) -> usize {
        let find = |key: ConfigKey| self.lines.iter().find(|(k, _)| *k == key);
        find(key)
            .or_else(|| find(key.table()))
            .map(|(_, l)| *l)
            .unwrap_or(1)
    }
}

/// The combined report of one `check` run (`report` writes its JSON document, each config's
/// notes in words).
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    /// Every config is ok, each side of it checked.
    pub in_sync: bool,
    /// Each config's report, in the order given.
    pub configs: Vec<ConfigReport>,
}

/// The report over these configs: in sync when each is ok and fully checked.
impl From<Vec<ConfigReport>> for CheckReport {
    fn from(configs: Vec<ConfigReport>) -> CheckReport {
        CheckReport {
            in_sync: (configs.iter())
                .all(|c| c.status == ConfigStatus::Ok && c.not_checked.is_empty()),
            configs,
        }
    }
}

impl lambda_trust_verdict::Judged for CheckReport {
    /// Invalid (exit 1) if any config errored, else Changes (2) if any drifted, else Ok (0):
    /// errors and drift never share a code.
    fn status(&self) -> Status {
        let any = |status| self.configs.iter().any(|c| c.status == status);
        if any(ConfigStatus::Error) {
            Status::Invalid
        } else if any(ConfigStatus::Drift) {
            Status::Changes
        } else {
            Status::Ok
        }
    }
}

/// Line numbers of the config keys findings point at, from the spans of the parsed file (a
/// table's header, or the key's line). Empty for text that does not parse (`load` refused it).
pub(crate) fn config_lines(text: &str) -> Vec<(ConfigKey, usize)> {
    use ConfigKey::*;
    let Ok(doc) = toml_edit::ImDocument::parse(text) else {
        return Vec::new();
    };
    let line = |span: Option<std::ops::Range<usize>>| {
        span.map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
    };
    let root = doc.as_table();
    let mut out = Vec::new();
    let tables = [
        ("trust", Trust),
        ("role", Role),
        ("policy", Policy),
        ("aws", Aws),
        ("genesys", Genesys),
    ];
    for (name, key) in tables {
        if let Some((k, item)) = root.get_key_value(name) {
            out.extend(line(item.span().or_else(|| k.span())).map(|n| (key, n)));
        }
    }
    if let Some(first) = root
        .get("targets")
        .and_then(toml_edit::Item::as_array_of_tables)
        .and_then(|a| a.iter().next())
    {
        out.extend(line(first.span()).map(|n| (Targets, n)));
    }
    let fields = [
        ("trust", "external_id", TrustExternalId),
        ("trust", "partner", TrustPrincipal),
        ("trust", "account_id", TrustPrincipal),
        ("role", "tags", RoleTags),
        ("role", "description", RoleDescription),
        ("role", "max_session_duration", RoleMaxSessionDuration),
        ("role", "permissions_boundary", RolePermissionsBoundary),
    ];
    for (table, field, key) in fields {
        let found = root
            .get(table)
            .and_then(toml_edit::Item::as_table_like)
            .and_then(|t| t.get_key_value(field));
        if let Some((k, _)) = found {
            out.extend(line(k.span()).map(|n| (key, n)));
        }
    }
    out
}

/// The roles this config created under an earlier `role.name` (`lambda_trust_provision::prepare::is_predecessor`),
/// one finding each: until `apply` removes them they still trust the partner and can invoke
/// what they could.
pub(crate) fn predecessor_findings(
    predecessors: &[lambda_trust_model::Observed],
    now: &str,
) -> Vec<Finding> {
    predecessors
        .iter()
        .filter_map(|p| p.role.as_ref())
        .map(|role| {
            Finding::new(
                Code::RolePredecessor,
                format!("role {}", role.name),
                format!(
                    "role {} was created by lambda-trust from this config under its earlier role.name and still exists (the config now names {now}); `lambda-trust apply` removes it",
                    role.name
                ),
            )
        })
        .collect()
}

/// A state the planner refuses to converge (a role at another path), as a finding.
pub(crate) fn refusal_finding(err: &crate::plan::PlanError) -> Finding {
    let message = err.to_string();
    let first = message.lines().next().unwrap_or_default();
    Finding::new(Code::RolePath, "role", first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloudtrail_calls::Drift;
    use crate::plan::{AttachmentOp, Op, PolicyOp, RoleOp, VersionOp};
    use crate::trail::trail_of;
    use lambda_trust_model::Desired;
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

    /// Role `R` of account 111122223333, trusting Genesys Cloud with the external ID `x`.
    fn role_r() -> Desired {
        serde_json::from_value(json!({
            "account_id": "111122223333", "partition": "aws",
            "role": {"name": "R", "path": "/", "description": "", "max_session_duration": 3600,
                     "permissions_boundary": null, "tags": {}, "trust": {}},
            "partner_principal": "arn:aws:iam::765628985471:root",
            "external_id": "x", "policies": [], "targets": []
        }))
        .unwrap_or_else(|e| panic!("fixture: {e}"))
    }

    #[test]
    fn each_aws_finding_is_looked_up_by_the_resource_cloudtrail_names() {
        let desired = role_r();
        let key = |op: Op| {
            let t = trail_of(&desired, &op).key.unwrap();
            (t.resource_name, t.drift)
        };
        let doc = json!({});
        assert_eq!(
            key(Op::Role(RoleOp::UpdateTrust {
                role: "R".into(),
                document: doc.clone(),
                previous: doc.clone()
            })),
            ("R".into(), Drift::Trust)
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
                Drift::PolicyGone
            )
        );
        assert_eq!(
            key(Op::Attachment(AttachmentOp::Detach {
                role: "R".into(),
                arn: "arn:aws:iam::111122223333:policy/x".into(),
                name: "x".into(),
                document: doc.clone()
            })),
            ("arn:aws:iam::111122223333:policy/x".into(), Drift::Attach)
        );
        assert_eq!(
            key(Op::Version(VersionOp::Create {
                arn: "arn:aws:iam::111122223333:policy/R-invoke".into(),
                document: doc.clone(),
                previous: doc
            })),
            (
                "arn:aws:iam::111122223333:policy/R-invoke".into(),
                Drift::PolicyDocument
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

    /// A live trust that differs is `trust-broader` only with a request that shows it admits
    /// more; when the prover decided nothing (here: a document it cannot read), the finding is
    /// `trust-undecided`, an unknown that says what was not decided, never a failure.
    #[test]
    fn a_trust_the_prover_could_not_decide_is_unknown_not_broader() {
        let desired = role_r();
        let judged = |previous: serde_json::Value| {
            let plan = crate::plan::Plan {
                ops: vec![Op::Role(RoleOp::UpdateTrust {
                    role: "R".into(),
                    document: json!({}),
                    previous,
                })],
            };
            let f = crate::drift::drift_findings(&desired, &plan).remove(0);
            (
                f.code,
                f.code.outcome(),
                f.message,
                f.counterexample.is_some(),
            )
        };
        let open = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]});
        let (code, outcome, _, request) = judged(open);
        assert_eq!(
            (code, outcome, request),
            (
                Code::TrustBroader,
                lambda_trust_verdict::Outcome::Failed,
                true
            )
        );
        let (code, outcome, message, request) = judged(json!({"Statement": "not a statement"}));
        assert_eq!(
            (code, outcome, request),
            (
                Code::TrustUndecided,
                lambda_trust_verdict::Outcome::Unknown,
                false
            )
        );
        assert!(message.contains("was not decided"), "{message}");
        assert!(!message.contains("it admits more:"), "{message}");
    }

    #[test]
    fn config_lines_point_at_keys_and_tables() {
        let text = "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"x\"\n\n[role]\nname = \"R\"\ntags = { a = \"b\" }\n[[targets]]\nfunction = \"f\"\n";
        let r = ConfigReport {
            config: "c.toml".into(),
            environment: None,
            status: ConfigStatus::Drift,
            subject: None,
            findings: vec![],
            error: None,
            notes: vec![],
            not_checked: Vec::new(),
            lines: config_lines(text),
            failed_side: None,
        };
        assert_eq!(r.line_of(ConfigKey::TrustExternalId), 3);
        assert_eq!(r.line_of(ConfigKey::RoleTags), 7);
        assert_eq!(r.line_of(ConfigKey::Role), 5);
        assert_eq!(
            r.line_of(ConfigKey::RoleDescription),
            5,
            "falls back to its table"
        );
        assert_eq!(r.line_of(ConfigKey::Targets), 8);
    }

    /// A table's header may carry a trailing comment (the example's `[policy]   # optional`),
    /// and the keys under such a header are found too (`role.tags` here).
    #[test]
    fn config_lines_find_tables_with_trailing_comments() {
        let example = include_str!("../../../../examples/lambda-trust.toml");
        let lines = config_lines(example);
        assert!(lines.contains(&(ConfigKey::Policy, 22)), "{lines:?}");
        assert!(lines.contains(&(ConfigKey::Aws, 25)), "{lines:?}");
        let text = "[trust]\npartner = \"genesys-cloud\"\nexternal_id = \"x\"\n[role]   # the role\nname = \"R\"\ntags = { a = \"b\" }\n";
        let lines = config_lines(text);
        assert!(lines.contains(&(ConfigKey::Role, 4)), "{lines:?}");
        assert!(lines.contains(&(ConfigKey::RoleTags, 6)), "{lines:?}");
    }
}
