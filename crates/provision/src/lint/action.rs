//! The one Action rule of both invariants: an Allow statement allows exactly one action
//! (`sts:AssumeRole` in a trust policy, `lambda:InvokeFunction` in an invoke policy), each
//! document with its own codes and words.
//!
//! Part of `lambda_trust_provision::lint`.

use serde_json::{Map, Value};

use super::*;

/// The one action a document's Allow statements may allow, and how each way of allowing more
/// is named.
pub(super) struct OnlyAction {
    pub(crate) action: &'static str,
    /// `NotAction` with Allow, and what it lets in.
    not_action: (LintCode, &'static str),
    /// An Allow statement without `Action`.
    pub(crate) missing: LintCode,
    /// A wildcard action, and what it lets in beside the action.
    pub(crate) wildcard: (LintCode, &'static str),
    /// Any other action.
    pub(crate) extra: LintCode,
}

pub(super) const ASSUME: OnlyAction = OnlyAction {
    action: "sts:AssumeRole",
    not_action: (
        LintCode::TrustNotAction,
        "allows every other action, sts:AssumeRoleWithWebIdentity and sts:AssumeRoleWithSAML \
         included",
    ),
    missing: LintCode::TrustMissingAction,
    wildcard: (
        LintCode::TrustWildcardAction,
        "also allows sts:AssumeRoleWithWebIdentity, sts:AssumeRoleWithSAML or other actions",
    ),
    extra: LintCode::TrustExtraAction,
};

pub(super) const INVOKE: OnlyAction = OnlyAction {
    action: "lambda:InvokeFunction",
    not_action: (
        LintCode::InvokeNotAction,
        "allows every other action of every service",
    ),
    missing: LintCode::InvokeMissingAction,
    wildcard: (
        LintCode::InvokeWildcardAction,
        "allows more than lambda:InvokeFunction",
    ),
    extra: LintCode::InvokeExtraAction,
};

/// Checks Action/NotAction of an Allow statement; returns whether it allows `rule.action`.
pub(super) fn only_action(
    rule: &OnlyAction,
    label: &str,
    st: &Map<String, Value>,
    findings: &mut Vec<Finding>,
) -> bool {
    let only = || Some(format!("use exactly \"Action\": \"{}\"", rule.action));
    if st.contains_key("NotAction") {
        let (code, what) = rule.not_action;
        let message = format!("{label}: NotAction with Allow {what}");
        findings.push(Finding::error(code, message, only()));
    }
    let mut allows = false;
    match st.get("Action").map(|v| (v, strings(v))) {
        None => {
            if !st.contains_key("NotAction") {
                findings.push(Finding::error(
                    rule.missing,
                    format!("{label}: an Allow statement without Action (AWS refuses it)"),
                    only(),
                ));
            }
        }
        Some((v, None)) => findings.push(Finding::error(
            LintCode::PolicyMalformed,
            format!(
                "{label}: Action {} is not a string or a list of strings",
                short_json(v)
            ),
            None,
        )),
        Some((_, Some(actions))) => {
            for a in actions {
                if a.eq_ignore_ascii_case(rule.action) {
                    allows = true;
                } else if has_wildcard(a) {
                    allows |= wildcard_match(a, rule.action, true);
                    let (code, what) = rule.wildcard;
                    let message = format!("{label}: Action {} {what}", show(a));
                    findings.push(Finding::error(code, message, only()));
                } else {
                    findings.push(Finding::error(
                        rule.extra,
                        format!(
                            "{label}: also allows {}; Genesys Cloud needs only {}",
                            show(a),
                            rule.action
                        ),
                        Some(format!("remove {}", show(a))),
                    ));
                }
            }
        }
    }
    allows
}
