//! `lint --trust-policy FILE --policy FILE`: the weak-spot rules on documents as written (no
//! template, no config), for users who write the role in their own IaC.
//!
//! Part of `lambda_trust_provision::lint`. Without a config there is no partner or external ID to compare with,
//! so the rules are the ones that hold for any cross-account role of this kind (IAM User Guide,
//! "Access to AWS accounts owned by third parties",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html>):
//! - trust: an Allow naming AWS principals requires `StringEquals` on `sts:ExternalId`; no
//!   wildcard principal, no `NotPrincipal`; only `sts:AssumeRole`; within the size quota;
//! - identity policies: only `lambda:InvokeFunction`, no wildcard or `NotResource`; within the
//!   managed-policy quota.

use serde_json::{Map, Value};

use super::action::{only_action, ASSUME, INVOKE};
use super::trust::{external_id_conditions, nearest_miss, wildcard_principal};
use super::*;

/// Lints a trust policy and identity policies, each given as (file name, document).
pub fn lint_documents(trust: Option<(&str, &Value)>, policies: &[(&str, &Value)]) -> LintReport {
    let mut findings = Vec::new();
    if let Some((file, doc)) = trust {
        if valid(file, doc, &mut findings) {
            trust_document(&format!("trust policy {file}"), doc, &mut findings);
        }
    }
    for (file, doc) in policies {
        if valid(file, doc, &mut findings) {
            identity_document(&format!("policy {file}"), doc, &mut findings);
        }
    }
    LintReport {
        findings,
        environments: Vec::new(),
    }
}

fn valid(file: &str, doc: &Value, findings: &mut Vec<Finding>) -> bool {
    match lambda_trust_iam::Policy::try_from(doc) {
        Ok(_) => true,
        Err(e) => {
            findings.push(Finding::error(
                LintCode::PolicyInvalid,
                format!("{file} is not a valid IAM policy: {e}"),
                None,
            ));
            false
        }
    }
}

fn trust_document(policy: &str, doc: &Value, findings: &mut Vec<Finding>) {
    size_finding(doc, policy, TRUST_POLICY_MAX_CHARS, findings);
    for (label, st) in statements(doc, policy, findings) {
        if is_allow(&label, st, findings) != Some(true) {
            continue;
        }
        let aws = principals(&label, st, findings);
        only_action(&ASSUME, &label, st, findings);
        let on_id = external_id_conditions(st);
        let exact = on_id
            .iter()
            .any(|(op, vals)| *op == "StringEquals" && vals.as_ref().is_some_and(|v| v.len() == 1));
        if aws && !exact {
            let (code, message) = nearest_miss(&on_id, "");
            let message = message.replace("(any Genesys Cloud organization) ", "");
            findings.push(Finding::error(
                code,
                format!("{label}: {message}"),
                Some(
                    "require \"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"<the ID the partner gave you>\"}}"
                        .into(),
                ),
            ));
        }
    }
}

/// Flags wildcard principals and `NotPrincipal`; returns whether AWS principals are named
/// (service and federated principals need no external ID).
fn principals(label: &str, st: &Map<String, Value>, findings: &mut Vec<Finding>) -> bool {
    let hint = "name the partner's account or role ARN";
    if st.contains_key("NotPrincipal") {
        findings.push(Finding::error(
            LintCode::TrustNotPrincipal,
            format!(
                "{label}: NotPrincipal with Allow trusts every principal except the listed ones"
            ),
            Some(hint.into()),
        ));
        return true;
    }
    let aws = match st.get("Principal") {
        Some(Value::String(s)) if s == "*" => {
            findings.push(wildcard_principal(label, "Principal \"*\"", hint));
            return true;
        }
        Some(Value::Object(map)) => map.get("AWS").and_then(strings).unwrap_or_default(),
        _ => return false,
    };
    for p in &aws {
        if *p == "*" || lambda_trust_iam::account_of(p).contains(['*', '?']) {
            findings.push(wildcard_principal(
                label,
                &format!("Principal {}", show(p)),
                hint,
            ));
        }
    }
    !aws.is_empty()
}

fn identity_document(policy: &str, doc: &Value, findings: &mut Vec<Finding>) {
    size_finding(doc, policy, MANAGED_POLICY_MAX_CHARS, findings);
    for (label, st) in statements(doc, policy, findings) {
        if is_allow(&label, st, findings) != Some(true) {
            continue;
        }
        only_action(&INVOKE, &label, st, findings);
        let hint = "list the function ARNs Genesys Cloud invokes, without wildcards";
        if st.contains_key("NotResource") {
            findings.push(Finding::error(
                LintCode::InvokeNotResource,
                format!("{label}: NotResource with Allow grants every other resource"),
                Some(hint.into()),
            ));
        }
        let resources = st.get("Resource").and_then(strings).unwrap_or_default();
        for r in resources.iter().filter(|r| has_wildcard(r)) {
            findings.push(Finding::error(
                LintCode::InvokeWildcardResource,
                format!(
                    "{label}: Resource {} covers more than named functions",
                    show(r)
                ),
                Some(hint.into()),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn codes(r: &LintReport) -> Vec<&'static str> {
        r.findings.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn flags_the_weak_spots_of_real_documents() {
        let trust = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"sts:ExternalId": "abc"}}},
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
             "Action": "sts:AssumeRole"}
        ]});
        let invoke = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["lambda:InvokeFunction", "lambda:GetFunction"],
             "Resource": "arn:aws:lambda:us-east-1:111122223333:function:*"}
        ]});
        let r = lint_documents(Some(("t.json", &trust)), &[("p.json", &invoke)]);
        assert_eq!(
            codes(&r),
            [
                "trust-missing-external-id",
                "trust-wildcard-principal",
                "invoke-extra-action",
                "invoke-wildcard-resource"
            ]
        );
        let good = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::765628985471:root"},
             "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"sts:ExternalId": "org-id"}}}
        ]});
        assert!(lint_documents(Some(("t.json", &good)), &[])
            .findings
            .is_empty());
    }
}
