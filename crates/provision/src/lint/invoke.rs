//! Invoke policy invariants: only `lambda:InvokeFunction`, only on the granted ARNs.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::action::{only_action, INVOKE};
use super::*;

/// The hint of the findings about a missing or too wide Resource.
const ONLY_ALLOWED: &str = "use \"Resource\": \"{{function_arns}}\" (the ARNs from [[targets]])";

/// The invoke invariant over every policy that grants the role anything: each Allow statement
/// allows only `lambda:InvokeFunction`, on `allowed_arns` only. An upper bound only: whether
/// every allowed ARN is granted is [`invoke_grant_findings`].
pub(crate) fn invoke_findings(docs: &[Value], allowed_arns: &[String]) -> Vec<Finding> {
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
pub(crate) fn invoke_findings_named(
    docs: &[(&str, &Value)],
    allowed_arns: &[String],
) -> Vec<Finding> {
    invoke_analysis(docs, allowed_arns).0
}

/// The other direction: every allowed ARN is granted lambda:InvokeFunction by some Allow
/// statement (otherwise Genesys Cloud cannot invoke it).
pub(crate) fn invoke_grant_findings(docs: &[Value], allowed_arns: &[String]) -> Vec<Finding> {
    let named: Vec<(&str, &Value)> = docs.iter().map(|d| ("invoke policy", d)).collect();
    let granted = invoke_analysis(&named, allowed_arns).1;
    let mut findings = Vec::new();
    for arn in allowed_arns {
        if !granted.contains(arn) {
            findings.push(Finding::error(
                LintCode::InvokeMissingGrant,
                format!(
                    "no Allow statement grants lambda:InvokeFunction on {arn}: Genesys Cloud \
                     cannot invoke it"
                ),
                Some(ONLY_ALLOWED.into()),
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
    for (policy, doc) in docs {
        size_finding(doc, policy, MANAGED_POLICY_MAX_CHARS, &mut findings);
        for (label, st) in statements(doc, policy, &mut findings) {
            if is_allow(&label, st, &mut findings) != Some(true) {
                continue;
            }
            if st.contains_key("Principal") || st.contains_key("NotPrincipal") {
                findings.push(Finding::error(
                    LintCode::InvokeProhibitedField,
                    format!("{label}: an identity policy cannot name a Principal (AWS refuses it)"),
                    Some("remove Principal".into()),
                ));
            }
            let invokes = only_action(&INVOKE, &label, st, &mut findings);
            let listed = invoke_resource(&label, st, &allowed, &mut findings);
            if invokes {
                granted.extend(listed);
            }
        }
    }
    let granted = granted.into_iter().map(str::to_string).collect();
    (findings, granted)
}

/// Checks Resource/NotResource; returns the allowed ARNs the statement lists.
fn invoke_resource<'a>(
    label: &str,
    st: &Map<String, Value>,
    allowed: &BTreeSet<&'a str>,
    findings: &mut Vec<Finding>,
) -> Vec<&'a str> {
    if st.contains_key("NotResource") {
        findings.push(Finding::error(
            LintCode::InvokeNotResource,
            format!("{label}: NotResource with Allow grants every other resource"),
            Some(ONLY_ALLOWED.into()),
        ));
    }
    let mut listed = Vec::new();
    match st.get("Resource").map(|v| (v, strings(v))) {
        None => {
            if !st.contains_key("NotResource") {
                findings.push(Finding::error(
                    LintCode::InvokeMissingResource,
                    format!("{label}: an Allow statement without Resource (AWS refuses it)"),
                    Some(ONLY_ALLOWED.into()),
                ));
            }
        }
        Some((v, None)) => findings.push(Finding::error(
            LintCode::PolicyMalformed,
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
                    listed.push(*arn);
                } else if has_wildcard(r) {
                    findings.push(Finding::error(
                        LintCode::InvokeWildcardResource,
                        format!(
                            "{label}: Resource {} covers functions that are not targets",
                            show(r)
                        ),
                        Some(ONLY_ALLOWED.into()),
                    ));
                } else {
                    findings.push(Finding::error(
                        LintCode::InvokeExtraResource,
                        format!("{label}: also grants {}, which is not a target", show(r)),
                        Some("remove it, or add it to [[targets]]".to_string()),
                    ));
                }
            }
        }
    }
    listed
}
