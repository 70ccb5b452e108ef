//! Invariants over policy documents, beside the pipeline: `lint` runs them on rendered documents
//! (after `render`), and `verify` reuses [`trust_findings`] and [`invoke_findings`] on the LIVE
//! documents `observe` read.
//!
//! The checks are structural, on plain `serde_json::Value`, deliberately independent of the
//! `policy` evaluator: a second, simpler opinion. The invariants:
//! - trust: every Allow statement allows only `sts:AssumeRole`, only to the partner principal,
//!   and only under `StringEquals {"sts:ExternalId": <the external id>}`;
//! - invoke: every Allow statement allows only `lambda:InvokeFunction`, only on the granted
//!   ARNs, and every granted ARN is allowed;
//! - size: within the IAM quotas.

use serde::Serialize;
use serde_json::{Map, Value};

use lambda_trust_config::{show, Config, Loaded, Partner};
use lambda_trust_iam::wildcard_match;
use lambda_trust_model::Rendered;

mod action;
mod code;
mod documents;
mod invoke;
mod trust;

pub use code::LintCode;
pub use documents::lint_documents;
pub(crate) use invoke::invoke_findings_named;
pub(crate) use invoke::{invoke_findings, invoke_grant_findings};
pub(crate) use trust::{trust_findings, trust_grant_findings};

/// IAM quota on a managed policy document, whitespace not counted.
pub(crate) const MANAGED_POLICY_MAX_CHARS: usize = 6_144;
/// IAM's default quota on a role trust policy (raisable to 4,096).
pub(crate) const TRUST_POLICY_MAX_CHARS: usize = 2_048;
/// Above this share of the managed-policy quota, warn before it bites.
const NEAR_LIMIT_PERCENT: usize = 90;

/// How bad a lint finding is: an error makes `lint` exit 1, warnings alone do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document is broken, weaker than the invariant, or AWS refuses it.
    Error,
    /// Worth knowing, not wrong.
    Warning,
}

/// One broken invariant or notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
pub struct Finding {
    /// How bad it is.
    pub severity: Severity,
    /// Which invariant or notice it is.
    pub code: LintCode,
    /// What is wrong, and where.
    #[cfg_attr(feature = "schemars", schemars(length(min = 1)))]
    pub message: String,
    /// How to fix it, when there is a hint.
    pub hint: Option<String>,
}

impl Finding {
    fn error(code: LintCode, message: String, hint: Option<String>) -> Self {
        Finding {
            severity: Severity::Error,
            code,
            message,
            hint,
        }
    }

    fn warning(code: LintCode, message: String, hint: Option<String>) -> Self {
        Finding {
            severity: Severity::Warning,
            code,
            message,
            hint,
        }
    }
}

/// Everything `lint` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintReport {
    /// The findings on the config and the rendered documents.
    pub findings: Vec<Finding>,
    /// A config with environments: what each one overrides.
    pub environments: Vec<EnvironmentOverrides>,
}

/// What one environment of a config overrides (`[environments.NAME]`), as dotted keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct EnvironmentOverrides {
    /// The environment.
    pub environment: String,
    /// Each key it sets, e.g. `aws.profile` or `targets."orders".qualifier`.
    pub overrides: Vec<String>,
}

/// The lint of each environment of a config, findings named by environment, plus a warning
/// for every isolation claim that is not proved.
pub fn lint_environments(
    each: Vec<(String, Vec<String>, LintReport)>,
    isolation: &[crate::isolation_claim::IsolationClaim],
) -> LintReport {
    let mut out = LintReport::default();
    for (name, overrides, report) in each {
        out.findings
            .extend(report.findings.into_iter().map(|mut f| {
                f.message = format!("environment {name}: {}", f.message);
                f
            }));
        out.environments.push(EnvironmentOverrides {
            environment: name,
            overrides,
        });
    }
    let unproved = isolation
        .iter()
        .filter(|c| c.verdict != lambda_trust_iam::Verdict::Proved);
    out.findings.extend(unproved.map(|c| {
        Finding::warning(
            LintCode::EnvironmentNotIsolated,
            format!("{} → {}: {}", c.environment, c.other, c.detail),
            Some("`lambda-trust prove` gives the request; give each environment its own org ID, account or role, or declare a function both use `shared = true`".into()),
        )
    }));
    out
}

impl LintReport {
    /// Whether any finding is an error.
    pub(crate) fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// How many findings are of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

impl lambda_trust_verdict::Judged for LintReport {
    /// Invalid (exit 1) when a finding is an error; warnings alone pass.
    fn status(&self) -> lambda_trust_verdict::Status {
        lambda_trust_verdict::Status::ok_or(
            !self.has_errors(),
            lambda_trust_verdict::Status::Invalid,
        )
    }
}

pub(crate) use lambda_trust_iam::minified_len;

// ---------------------------------------------------------------------------------------------
// Shared structure
// ---------------------------------------------------------------------------------------------

/// A string or an array of strings, as IAM allows for Action, Resource and principals.
/// `None` when the value is neither.
fn strings(v: &Value) -> Option<Vec<&str>> {
    match v {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(items) => items.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

fn has_wildcard(s: &str) -> bool {
    s.contains('*') || s.contains('?')
}

/// The statements of a document, or the finding that says why there are none to check.
fn statements<'a>(
    doc: &'a Value,
    policy: &str,
    findings: &mut Vec<Finding>,
) -> Vec<(String, &'a Map<String, Value>)> {
    let malformed = |why: &str| {
        Finding::error(
            LintCode::PolicyMalformed,
            format!("{policy}: {why}"),
            Some("a policy is {\"Version\": \"2012-10-17\", \"Statement\": [...]}".into()),
        )
    };
    let Some(obj) = doc.as_object() else {
        findings.push(malformed("the document is not a JSON object"));
        return Vec::new();
    };
    match obj.get("Version").and_then(Value::as_str) {
        Some("2012-10-17") => {}
        other => findings.push(Finding::warning(
            LintCode::PolicyVersion,
            format!(
                "{policy}: Version is {}, not 2012-10-17",
                other.map_or("missing".to_string(), show)
            ),
            Some("use \"Version\": \"2012-10-17\"; older versions disable policy variables".into()),
        )),
    }
    let items: Vec<&Value> = match obj.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        Some(_) => {
            findings.push(malformed("Statement is neither an object nor an array"));
            return Vec::new();
        }
        None => {
            findings.push(malformed("the document has no Statement"));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        match item.as_object() {
            Some(st) => {
                let label = match st.get("Sid").and_then(Value::as_str) {
                    Some(sid) => format!("{policy} statement {i} (Sid {})", show(sid)),
                    None => format!("{policy} statement {i}"),
                };
                out.push((label, st));
            }
            None => findings.push(malformed(&format!("statement {i} is not an object"))),
        }
    }
    out
}

/// `Some(true)` for Allow, `Some(false)` for Deny, `None` (with a finding) otherwise.
fn is_allow(label: &str, st: &Map<String, Value>, findings: &mut Vec<Finding>) -> Option<bool> {
    match st.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Some(true),
        Some("Deny") => Some(false),
        other => {
            findings.push(Finding::error(
                LintCode::PolicyInvalidEffect,
                format!(
                    "{label}: Effect is {}, not Allow or Deny",
                    other.map_or("missing".to_string(), show)
                ),
                None,
            ));
            None
        }
    }
}

fn size_finding(doc: &Value, policy: &str, max: usize, findings: &mut Vec<Finding>) {
    let len = minified_len(doc);
    if max == TRUST_POLICY_MAX_CHARS {
        if len > max {
            findings.push(Finding::warning(
                LintCode::TrustPolicyTooLarge,
                format!("{policy} is {len} characters; the default quota is {max}"),
                Some(
                    "AWS refuses it unless the account's trust policy quota was raised (up to 4,096)"
                        .into(),
                ),
            ));
        }
    } else if len > max {
        findings.push(Finding::error(
            LintCode::InvokePolicyTooLarge,
            format!("{policy} is {len} characters; a managed policy holds at most {max}"),
            Some(
                "grant fewer ARNs, e.g. qualifier = \"*\" instead of listing aliases one by one"
                    .into(),
            ),
        ));
    } else if len * 100 > max * NEAR_LIMIT_PERCENT {
        findings.push(Finding::warning(
            LintCode::InvokePolicyNearLimit,
            format!("{policy} is {len} characters, close to the managed policy limit of {max}"),
            None,
        ));
    }
}

// Rendered documents and the lint report
// ---------------------------------------------------------------------------------------------

/// The invariants on rendered documents. With custom templates, a weakening finding is the
/// user's choice only with `allow_weaker`: then it stays visible as a loud warning. The built-in
/// templates never get that leniency (a finding there is a bug or a bypassed validation).
pub fn check_rendered(config: &Config, rendered: &Rendered, allow_weaker: bool) -> Vec<Finding> {
    // A document AWS would refuse (unknown element, bad Version…) must fail here, before any
    // AWS call, not halfway through an apply.
    // With no targets no invoke policy is created, and its empty Resource is not checked.
    let documents = [
        ("trust policy", &rendered.trust),
        ("invoke policy", &rendered.invoke),
    ];
    let mut findings: Vec<Finding> = documents
        .into_iter()
        .take(if rendered.function_arns.is_empty() {
            1
        } else {
            2
        })
        .filter_map(|(what, doc)| {
            lambda_trust_iam::Policy::try_from(doc).err().map(|e| {
                Finding::error(
                    LintCode::PolicyInvalid,
                    format!("the rendered {what} is not a valid IAM policy: {e}"),
                    Some("fix the template in --policies".into()),
                )
            })
        })
        .collect();
    if !findings.is_empty() {
        // The invariant checks below would only restate the same defect.
        return findings;
    }
    findings.extend(trust_findings(
        &rendered.trust,
        &config.partner_principal(),
        &config.trust.external_id,
    ));
    findings.extend(trust_grant_findings(
        &rendered.trust,
        &config.partner_principal(),
    ));
    let invoke = std::slice::from_ref(&rendered.invoke);
    findings.extend(invoke_findings(invoke, &rendered.function_arns));
    findings.extend(invoke_grant_findings(invoke, &rendered.function_arns));
    sharded(config, rendered, &mut findings);
    if !rendered.builtin_templates {
        weakened(&mut findings, allow_weaker);
    }
    findings
}

/// Too many ARNs for one policy is not an error: `shard` splits them across several policies
/// (each checked against the quota when it is planned), said as a warning.
fn sharded(config: &Config, rendered: &Rendered, findings: &mut [Finding]) {
    for f in findings {
        if f.code == LintCode::InvokePolicyTooLarge {
            f.severity = Severity::Warning;
            f.code = LintCode::InvokePolicySharded;
            f.message = format!(
                "the {} granted ARNs do not fit in one managed policy ({}): they are split across {}, {}-2, …",
                rendered.function_arns.len(),
                f.message,
                config.policy_name(),
                config.policy_name()
            );
            f.hint = Some("a role takes 10 managed policies by default; see docs/shards.md".into());
        }
    }
}

/// A user's template that weakens an invariant: an error, unless `allow_weaker` makes it a
/// loud warning; the error's hint names the flag.
fn weakened(findings: &mut [Finding], allow_weaker: bool) {
    for f in findings {
        if f.severity != Severity::Error || !f.code.is_weakening() {
            continue;
        }
        if allow_weaker {
            f.severity = Severity::Warning;
            f.message = format!("WEAKENED: {}", f.message);
        } else {
            let fix = (f.hint.take()).map_or(String::new(), |h| format!("{h} in the template; "));
            f.hint = Some(format!(
                "{fix}or pass --allow-weaker-policies to accept a weaker policy on purpose"
            ));
        }
    }
}

/// How to let lambda-trust write the statement a target in `account` needs (docs/cross-account.md).
pub fn cross_account_hint(account: &str) -> String {
    format!(
        "add [aws.accounts.\"{account}\"] with profile = \"<a profile acting in {account}>\" or role_arn = \"arn:aws:iam::{account}:role/<name>\": plan then shows the statement and apply writes it there"
    )
}

/// The hint of a defect `lint` errors on: its fix, or the mark of an action that exists as it
/// is.
fn refused_hint(w: &lambda_trust_config::Warning) -> Option<String> {
    let fix = w.hint.as_deref().unwrap_or("fix it in the config");
    Some(format!("{fix}; or, if the action exists in Genesys Cloud as it is (kept, never written new), mark it `imported = true`, as `init --from-genesys` does"))
}

/// The whole lint: config warnings, the invariants, and notices about the targets.
pub fn lint(loaded: &Loaded, rendered: &Rendered, allow_weaker: bool) -> LintReport {
    // A defect of an action not marked `imported`: plan and apply refuse to write it new, so
    // lint errors on it (the warning's words, the way out in its hint).
    let refused = lambda_trust_config::refused_defects(&loaded.config, &loaded.schemas);
    let mut findings: Vec<Finding> = (loaded.warnings.iter())
        .map(|w| match refused.contains(w) {
            true => Finding::error(LintCode::Config(w.code), w.message.clone(), refused_hint(w)),
            false => Finding::warning(LintCode::Config(w.code), w.message.clone(), w.hint.clone()),
        })
        .collect();
    findings.extend(check_rendered(&loaded.config, rendered, allow_weaker));
    for t in &rendered.targets {
        if let Some(account) = &rendered.account_id {
            // With an [aws.accounts] entry, lambda-trust writes the statement itself.
            let reached = loaded.config.aws.accounts.contains_key(&t.account_id);
            if t.account_id != *account && !reached {
                findings.push(Finding::warning(
                    LintCode::CrossAccountTarget,
                    format!(
                        "targets[{}]: {} is in account {}, the role in {account}; the function \
                         also needs a statement in its resource policy allowing the role, which \
                         lambda-trust writes only with an [aws.accounts] entry for that account",
                        t.index, t.function_arn, t.account_id
                    ),
                    Some(cross_account_hint(&t.account_id)),
                ));
            }
        }
        if t.partition != "aws" {
            // Partitions are isolated: Genesys Cloud (aws) never assumes a role of another one,
            // as `prove` finds; a partner given by account may be in that partition.
            let finding = match loaded.config.trust.partner.is_some() {
                true => Finding::error,
                false => Finding::warning,
            };
            findings.push(finding(
                LintCode::TargetPartition,
                format!(
                    "targets[{}]: {} is in partition {}, but Genesys Cloud's account is in the \
                     aws partition; a role there cannot trust it: every data action would fail",
                    t.index, t.function_arn, t.partition
                ),
                Some(format!(
                    "Genesys Cloud ({}) runs in the aws partition; confirm the setup with Genesys",
                    Partner::GenesysCloud.account_id()
                )),
            ));
        }
    }
    LintReport {
        findings,
        environments: Vec::new(),
    }
}

/// A JSON value for a message, shortened.
fn short_json(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}
