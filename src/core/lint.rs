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

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::Config;
use crate::config::{show, Loaded, GENESYS_CLOUD_ACCOUNT};
use crate::core::render::Rendered;
use crate::iam::{arn, wildcard_match};

/// IAM quota on a managed policy document, whitespace not counted.
pub const MANAGED_POLICY_MAX_CHARS: usize = 6_144;
/// IAM's default quota on a role trust policy (raisable to 4,096).
pub const TRUST_POLICY_MAX_CHARS: usize = 2_048;
/// Above this share of the managed-policy quota, warn before it bites.
const NEAR_LIMIT_PERCENT: usize = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One broken invariant or notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable kebab-case id, e.g. `trust-wildcard-principal`.
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

impl Finding {
    fn error(code: &'static str, message: String, hint: Option<String>) -> Self {
        Finding {
            severity: Severity::Error,
            code,
            message,
            hint,
        }
    }

    fn warning(code: &'static str, message: String, hint: Option<String>) -> Self {
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
    pub findings: Vec<Finding>,
}

impl LintReport {
    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Codes whose finding means the document grants more than the invariant allows. A custom
/// template may do that on purpose (`--allow-weaker`); the other findings mean the document is
/// broken or will be refused by AWS, which no flag can change.
const WEAKENING: &[&str] = &[
    "trust-wildcard-principal",
    "trust-extra-principal",
    "trust-not-principal",
    "trust-not-action",
    "trust-wildcard-action",
    "trust-extra-action",
    "trust-missing-external-id",
    "trust-wrong-external-id",
    "trust-extra-external-id",
    "trust-external-id-stringlike",
    "trust-external-id-ifexists",
    "trust-external-id-set-operator",
    "trust-external-id-operator",
    "invoke-not-action",
    "invoke-wildcard-action",
    "invoke-extra-action",
    "invoke-not-resource",
    "invoke-wildcard-resource",
    "invoke-extra-resource",
];

/// Whether a finding code means "grants more than the invariant allows".
pub fn is_weakening(code: &str) -> bool {
    WEAKENING.contains(&code)
}

pub use crate::iam::minified_len;

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
            "policy-malformed",
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
            "policy-version",
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
                "policy-invalid-effect",
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
                "trust-policy-too-large",
                format!("{policy} is {len} characters; the default quota is {max}"),
                Some(
                    "AWS refuses it unless the account's trust policy quota was raised (up to 4,096)"
                        .into(),
                ),
            ));
        }
    } else if len > max {
        findings.push(Finding::error(
            "invoke-policy-too-large",
            format!("{policy} is {len} characters; a managed policy holds at most {max}"),
            Some(
                "grant fewer ARNs, e.g. qualifier = \"*\" instead of listing aliases one by one"
                    .into(),
            ),
        ));
    } else if len * 100 > max * NEAR_LIMIT_PERCENT {
        findings.push(Finding::warning(
            "invoke-policy-near-limit",
            format!("{policy} is {len} characters, close to the managed policy limit of {max}"),
            None,
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Trust policy
// ---------------------------------------------------------------------------------------------

/// The trust invariant: every Allow statement allows only `sts:AssumeRole`, only to
/// `partner_principal` (or its bare account ID, which AWS treats the same), only under
/// `StringEquals {"sts:ExternalId": external_id}`. An upper bound only: whether the partner is
/// granted at all is [`trust_grant_findings`].
pub fn trust_findings(doc: &Value, partner_principal: &str, external_id: &str) -> Vec<Finding> {
    trust_analysis(doc, partner_principal, external_id).0
}

/// The other direction: some Allow statement lets the partner call `sts:AssumeRole`
/// (otherwise Genesys Cloud cannot assume the role).
pub fn trust_grant_findings(doc: &Value, partner_principal: &str) -> Vec<Finding> {
    if trust_analysis(doc, partner_principal, "").1 {
        return Vec::new();
    }
    vec![Finding::error(
        "trust-no-partner-grant",
        format!(
            "trust policy: no Allow statement lets {partner_principal} call sts:AssumeRole, so \
             Genesys Cloud cannot assume the role"
        ),
        Some(format!(
            "add \"Principal\": {{\"AWS\": \"{partner_principal}\"}}, \"Action\": \"sts:AssumeRole\""
        )),
    )]
}

/// The trust findings, and whether the partner is granted sts:AssumeRole.
fn trust_analysis(doc: &Value, partner_principal: &str, external_id: &str) -> (Vec<Finding>, bool) {
    const POLICY: &str = "trust policy";
    let mut findings = Vec::new();
    size_finding(doc, POLICY, TRUST_POLICY_MAX_CHARS, &mut findings);
    let partner_account = arn::account_of(partner_principal);
    let mut partner_granted = false;
    for (label, st) in statements(doc, POLICY, &mut findings) {
        if is_allow(&label, st, &mut findings) != Some(true) {
            continue;
        }
        for field in ["Resource", "NotResource"] {
            if st.contains_key(field) {
                findings.push(Finding::error(
                    "trust-prohibited-field",
                    format!("{label}: {field} is not allowed in a trust policy (AWS refuses it)"),
                    Some(format!("remove {field}; the resource is the role itself")),
                ));
            }
        }
        let partner_here = trust_principal(
            &label,
            st,
            partner_principal,
            partner_account,
            &mut findings,
        );
        let assume_here = trust_action(&label, st, &mut findings);
        trust_condition(&label, st, external_id, &mut findings);
        partner_granted |= partner_here && assume_here;
    }
    (findings, partner_granted)
}

/// Checks Principal/NotPrincipal; returns whether the partner is among the principals.
fn trust_principal(
    label: &str,
    st: &Map<String, Value>,
    partner_principal: &str,
    partner_account: &str,
    findings: &mut Vec<Finding>,
) -> bool {
    let only_partner = format!("trust only {{\"AWS\": \"{partner_principal}\"}}");
    if st.contains_key("NotPrincipal") {
        findings.push(Finding::error(
            "trust-not-principal",
            format!(
                "{label}: NotPrincipal with Allow trusts every principal except the listed ones"
            ),
            Some(format!("use Principal and {only_partner}")),
        ));
    }
    let wildcard = |what: String| {
        Finding::error(
            "trust-wildcard-principal",
            format!("{label}: {what} lets any AWS account assume the role"),
            Some(only_partner.clone()),
        )
    };
    let mut partner = false;
    match st.get("Principal") {
        None => {
            if !st.contains_key("NotPrincipal") {
                findings.push(Finding::error(
                    "trust-missing-principal",
                    format!("{label}: an Allow statement without Principal (AWS refuses it)"),
                    Some(format!(
                        "add \"Principal\": {{\"AWS\": \"{partner_principal}\"}}"
                    )),
                ));
            }
        }
        Some(Value::String(s)) if s == "*" => findings.push(wildcard("Principal \"*\"".into())),
        Some(Value::Object(map)) => {
            for (kind, value) in map {
                let Some(values) = strings(value) else {
                    findings.push(Finding::error(
                        "policy-malformed",
                        format!("{label}: Principal.{kind} is not a string or a list of strings"),
                        None,
                    ));
                    continue;
                };
                for p in values {
                    if kind == "AWS" && (p == partner_principal || p == partner_account) {
                        partner = true;
                    } else if has_wildcard(p) {
                        findings.push(wildcard(format!(
                            "Principal {{{}: {}}}",
                            show(kind),
                            show(p)
                        )));
                    } else {
                        let who = if kind == "AWS" {
                            show(p)
                        } else {
                            format!("{kind} principal {}", show(p))
                        };
                        findings.push(Finding::error(
                            "trust-extra-principal",
                            format!("{label}: also trusts {who}, which is not the partner {partner_principal}"),
                            Some(format!("remove it and {only_partner}")),
                        ));
                    }
                }
            }
        }
        Some(other) => findings.push(Finding::error(
            "policy-malformed",
            format!(
                "{label}: Principal {} is neither \"*\" nor an object",
                short_json(other)
            ),
            None,
        )),
    }
    partner
}

/// Checks Action/NotAction; returns whether the statement allows sts:AssumeRole.
fn trust_action(label: &str, st: &Map<String, Value>, findings: &mut Vec<Finding>) -> bool {
    let only_assume = "use exactly \"Action\": \"sts:AssumeRole\"".to_string();
    if st.contains_key("NotAction") {
        findings.push(Finding::error(
            "trust-not-action",
            format!(
                "{label}: NotAction with Allow allows every other action, \
                 sts:AssumeRoleWithWebIdentity and sts:AssumeRoleWithSAML included"
            ),
            Some(only_assume.clone()),
        ));
    }
    let mut assume = false;
    match st.get("Action").map(|v| (v, strings(v))) {
        None => {
            if !st.contains_key("NotAction") {
                findings.push(Finding::error(
                    "trust-missing-action",
                    format!("{label}: an Allow statement without Action (AWS refuses it)"),
                    Some(only_assume),
                ));
            }
        }
        Some((v, None)) => findings.push(Finding::error(
            "policy-malformed",
            format!(
                "{label}: Action {} is not a string or a list of strings",
                short_json(v)
            ),
            None,
        )),
        Some((_, Some(actions))) => {
            for a in actions {
                if a.eq_ignore_ascii_case("sts:AssumeRole") {
                    assume = true;
                } else if has_wildcard(a) {
                    assume |= wildcard_match(a, "sts:AssumeRole", true);
                    findings.push(Finding::error(
                        "trust-wildcard-action",
                        format!(
                            "{label}: Action {} also allows sts:AssumeRoleWithWebIdentity, \
                             sts:AssumeRoleWithSAML or other actions",
                            show(a)
                        ),
                        Some(only_assume.clone()),
                    ));
                } else {
                    findings.push(Finding::error(
                        "trust-extra-action",
                        format!(
                            "{label}: also allows {}; Genesys Cloud needs only sts:AssumeRole",
                            show(a)
                        ),
                        Some(format!("remove {}", show(a))),
                    ));
                }
            }
        }
    }
    assume
}

/// The statement must carry `StringEquals {"sts:ExternalId": external_id}` (one value). Other
/// conditions AND with it, so they can only narrow; without it, report the nearest miss.
fn trust_condition(
    label: &str,
    st: &Map<String, Value>,
    external_id: &str,
    findings: &mut Vec<Finding>,
) {
    let required = format!(
        "require \"Condition\": {{\"StringEquals\": {{\"sts:ExternalId\": {}}}}}",
        show(external_id)
    );
    // Every condition on sts:ExternalId: (operator, values). Condition keys are
    // case-insensitive; operators are matched exactly.
    let mut on_external_id: Vec<(&str, Option<Vec<&str>>)> = Vec::new();
    if let Some(Value::Object(ops)) = st.get("Condition") {
        for (op, block) in ops {
            if let Value::Object(keys) = block {
                for (key, values) in keys {
                    if key.eq_ignore_ascii_case("sts:ExternalId") {
                        on_external_id.push((op.as_str(), strings(values)));
                    }
                }
            }
        }
    }
    let exact = |vals: &Option<Vec<&str>>| vals.as_deref() == Some(&[external_id][..]);
    if on_external_id
        .iter()
        .any(|(op, vals)| *op == "StringEquals" && exact(vals))
    {
        return;
    }
    let finding = |code: &'static str, message: String| {
        Finding::error(code, format!("{label}: {message}"), Some(required.clone()))
    };
    if on_external_id.is_empty() {
        findings.push(finding(
            "trust-missing-external-id",
            "no StringEquals condition on sts:ExternalId, so anyone the principal covers (any \
             Genesys Cloud organization) can assume the role"
                .into(),
        ));
        return;
    }
    // Nearest miss first: the right operator with the wrong values, then weaker operators.
    let string_equals = on_external_id.iter().find(|(op, _)| *op == "StringEquals");
    if let Some((_, vals)) = string_equals {
        let vals = vals.clone().unwrap_or_default();
        if vals.contains(&external_id) {
            let others: Vec<String> = vals
                .iter()
                .filter(|v| **v != external_id)
                .map(|v| show(v))
                .collect();
            findings.push(finding(
                "trust-extra-external-id",
                format!(
                    "sts:ExternalId also accepts {}: those organizations can assume the role too",
                    others.join(", ")
                ),
            ));
        } else {
            let shown: Vec<String> = vals.iter().map(|v| show(v)).collect();
            findings.push(finding(
                "trust-wrong-external-id",
                format!(
                    "sts:ExternalId must be {} but the condition accepts [{}]",
                    show(external_id),
                    shown.join(", ")
                ),
            ));
        }
        return;
    }
    let (op, _) = on_external_id[0];
    let (code, why) = if op.starts_with("ForAnyValue:") || op.starts_with("ForAllValues:") {
        (
            "trust-external-id-set-operator",
            "is for multi-valued keys; sts:ExternalId is single-valued, and ForAllValues is true \
             when the caller sends no external ID",
        )
    } else if op.ends_with("IfExists") {
        (
            "trust-external-id-ifexists",
            "is true when the caller sends no external ID at all",
        )
    } else if op == "StringLike" {
        (
            "trust-external-id-stringlike",
            "honours * and ? wildcards, so other organizations' IDs can match",
        )
    } else {
        (
            "trust-external-id-operator",
            "does not require exactly the external ID",
        )
    };
    findings.push(finding(
        code,
        format!("{} on sts:ExternalId {why}", show(op)),
    ));
}

// ---------------------------------------------------------------------------------------------
// Invoke policies
// ---------------------------------------------------------------------------------------------

/// The invoke invariant over every policy that grants the role anything: each Allow statement
/// allows only `lambda:InvokeFunction`, on `allowed_arns` only. An upper bound only: whether
/// every allowed ARN is granted is [`invoke_grant_findings`].
pub fn invoke_findings(docs: &[Value], allowed_arns: &[String]) -> Vec<Finding> {
    let named: Vec<(String, &Value)> = if docs.len() == 1 {
        docs.iter()
            .map(|d| ("invoke policy".to_string(), d))
            .collect()
    } else {
        docs.iter()
            .enumerate()
            .map(|(i, d)| (format!("invoke policy {i}"), d))
            .collect()
    };
    let named: Vec<(&str, &Value)> = named.iter().map(|(n, d)| (n.as_str(), *d)).collect();
    invoke_findings_named(&named, allowed_arns)
}

/// [`invoke_findings`] with a name per document (e.g. the live policy's name) for messages.
pub fn invoke_findings_named(docs: &[(&str, &Value)], allowed_arns: &[String]) -> Vec<Finding> {
    invoke_analysis(docs, allowed_arns).0
}

/// The other direction: every allowed ARN is granted lambda:InvokeFunction by some Allow
/// statement (otherwise Genesys Cloud cannot invoke it).
pub fn invoke_grant_findings(docs: &[Value], allowed_arns: &[String]) -> Vec<Finding> {
    let named: Vec<(&str, &Value)> = docs.iter().map(|d| ("invoke policy", d)).collect();
    let granted = invoke_analysis(&named, allowed_arns).1;
    let mut findings = Vec::new();
    for arn in allowed_arns {
        if !granted.contains(arn) {
            findings.push(Finding::error(
                "invoke-missing-grant",
                format!(
                    "no Allow statement grants lambda:InvokeFunction on {arn}: Genesys Cloud \
                     cannot invoke it"
                ),
                Some("use \"Resource\": \"{{function_arns}}\" (the ARNs from [[targets]])".into()),
            ));
        }
    }
    findings
}

/// The invoke findings, and the allowed ARNs some Allow statement grants.
fn invoke_analysis(
    docs: &[(&str, &Value)],
    allowed_arns: &[String],
) -> (Vec<Finding>, BTreeSet<String>) {
    let mut findings = Vec::new();
    let allowed: BTreeSet<&str> = allowed_arns.iter().map(String::as_str).collect();
    let mut granted: BTreeSet<&str> = BTreeSet::new();
    let only_invoke = "use exactly \"Action\": \"lambda:InvokeFunction\"".to_string();
    let only_allowed =
        "use \"Resource\": \"{{function_arns}}\" (the ARNs from [[targets]])".to_string();
    for (policy, doc) in docs {
        size_finding(doc, policy, MANAGED_POLICY_MAX_CHARS, &mut findings);
        for (label, st) in statements(doc, policy, &mut findings) {
            if is_allow(&label, st, &mut findings) != Some(true) {
                continue;
            }
            if st.contains_key("Principal") || st.contains_key("NotPrincipal") {
                findings.push(Finding::error(
                    "invoke-prohibited-field",
                    format!("{label}: an identity policy cannot name a Principal (AWS refuses it)"),
                    Some("remove Principal".into()),
                ));
            }
            if st.contains_key("NotAction") {
                findings.push(Finding::error(
                    "invoke-not-action",
                    format!(
                        "{label}: NotAction with Allow allows every other action of every service"
                    ),
                    Some(only_invoke.clone()),
                ));
            }
            let mut invokes = false;
            match st.get("Action").map(|v| (v, strings(v))) {
                None => {
                    if !st.contains_key("NotAction") {
                        findings.push(Finding::error(
                            "invoke-missing-action",
                            format!("{label}: an Allow statement without Action (AWS refuses it)"),
                            Some(only_invoke.clone()),
                        ));
                    }
                }
                Some((v, None)) => findings.push(Finding::error(
                    "policy-malformed",
                    format!(
                        "{label}: Action {} is not a string or a list of strings",
                        short_json(v)
                    ),
                    None,
                )),
                Some((_, Some(actions))) => {
                    for a in actions {
                        if a.eq_ignore_ascii_case("lambda:InvokeFunction") {
                            invokes = true;
                        } else if has_wildcard(a) {
                            invokes |= wildcard_match(a, "lambda:InvokeFunction", true);
                            findings.push(Finding::error(
                                "invoke-wildcard-action",
                                format!(
                                    "{label}: Action {} allows more than lambda:InvokeFunction",
                                    show(a)
                                ),
                                Some(only_invoke.clone()),
                            ));
                        } else {
                            findings.push(Finding::error(
                                "invoke-extra-action",
                                format!("{label}: also allows {}; Genesys Cloud needs only lambda:InvokeFunction", show(a)),
                                Some(format!("remove {}", show(a))),
                            ));
                        }
                    }
                }
            }
            if st.contains_key("NotResource") {
                findings.push(Finding::error(
                    "invoke-not-resource",
                    format!("{label}: NotResource with Allow grants every other resource"),
                    Some(only_allowed.clone()),
                ));
            }
            match st.get("Resource").map(|v| (v, strings(v))) {
                None => {
                    if !st.contains_key("NotResource") {
                        findings.push(Finding::error(
                            "invoke-missing-resource",
                            format!(
                                "{label}: an Allow statement without Resource (AWS refuses it)"
                            ),
                            Some(only_allowed.clone()),
                        ));
                    }
                }
                Some((v, None)) => findings.push(Finding::error(
                    "policy-malformed",
                    format!(
                        "{label}: Resource {} is not a string or a list of strings",
                        short_json(v)
                    ),
                    None,
                )),
                Some((_, Some(resources))) => {
                    for r in resources {
                        // Resource ARNs match case-sensitively: only exact entries count.
                        if let Some(arn) = allowed.get(r) {
                            if invokes {
                                granted.insert(arn);
                            }
                        } else if has_wildcard(r) {
                            findings.push(Finding::error(
                                "invoke-wildcard-resource",
                                format!(
                                    "{label}: Resource {} covers functions that are not targets",
                                    show(r)
                                ),
                                Some(only_allowed.clone()),
                            ));
                        } else {
                            findings.push(Finding::error(
                                "invoke-extra-resource",
                                format!("{label}: also grants {}, which is not a target", show(r)),
                                Some("remove it, or add it to [[targets]]".to_string()),
                            ));
                        }
                    }
                }
            }
        }
    }
    let granted = granted.into_iter().map(str::to_string).collect();
    (findings, granted)
}

// ---------------------------------------------------------------------------------------------
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
            crate::iam::Policy::parse(doc).err().map(|e| {
                Finding::error(
                    "policy-invalid",
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
    // Too many ARNs for one policy is not an error: `shard` splits them across several policies
    // (each checked against the quota when it is planned).
    for f in &mut findings {
        if f.code == "invoke-policy-too-large" {
            f.severity = Severity::Warning;
            f.code = "invoke-policy-sharded";
            f.message = format!(
                "the {} granted ARNs do not fit in one managed policy ({}): they are split across {}, {}-2, …",
                rendered.function_arns.len(),
                f.message,
                config.policy_name(),
                config.policy_name()
            );
            f.hint = Some(
                "a role takes 10 managed policies by default; see README \"Many targets\"".into(),
            );
        }
    }
    if !rendered.builtin_templates {
        for f in &mut findings {
            if f.severity != Severity::Error || !is_weakening(f.code) {
                continue;
            }
            if allow_weaker {
                f.severity = Severity::Warning;
                f.message = format!("WEAKENED: {}", f.message);
            } else {
                let fix = f
                    .hint
                    .take()
                    .map_or(String::new(), |h| format!("{h} in the template; "));
                f.hint = Some(format!(
                    "{fix}or pass --allow-weaker-policies to accept a weaker policy on purpose"
                ));
            }
        }
    }
    findings
}

/// The whole lint: config warnings, the invariants, and notices about the targets.
pub fn lint(loaded: &Loaded, rendered: &Rendered, allow_weaker: bool) -> LintReport {
    let mut findings: Vec<Finding> = loaded
        .warnings
        .iter()
        .map(|w| Finding::warning(w.code, w.message.clone(), w.hint.clone()))
        .collect();
    findings.extend(check_rendered(&loaded.config, rendered, allow_weaker));
    for t in &rendered.targets {
        if let Some(account) = &rendered.account_id {
            if t.account_id != *account {
                findings.push(Finding::warning(
                    "cross-account-target",
                    format!(
                        "targets[{}]: {} is in account {}, the role in {account}; the function \
                         also needs a resource policy allowing the role",
                        t.index, t.function_arn, t.account_id
                    ),
                    Some(format!(
                        "aws lambda add-permission --function-name {} --statement-id \
                         genesys-cloud --action lambda:InvokeFunction --principal <role ARN>",
                        t.function_arn
                    )),
                ));
            }
        }
        if t.partition != "aws" {
            findings.push(Finding::warning(
                "target-partition",
                format!(
                    "targets[{}]: {} is in partition {}, but Genesys Cloud's account is in the \
                     aws partition; a role there cannot trust it",
                    t.index, t.function_arn, t.partition
                ),
                Some(format!(
                    "Genesys Cloud ({GENESYS_CLOUD_ACCOUNT}) runs in the aws partition; confirm \
                     the setup with Genesys"
                )),
            ));
        }
    }
    LintReport { findings }
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
