//! Trust policy invariants: only the partner, only `sts:AssumeRole`, only with
//! `StringEquals sts:ExternalId`.

use serde_json::{Map, Value};

use super::action::{only_action, ASSUME};
use super::*;
use lambda_trust_iam::account_of;

/// The trust invariant: every Allow statement allows only `sts:AssumeRole`, only to
/// `partner_principal` (or its bare account ID, which AWS treats the same), only under
/// `StringEquals {"sts:ExternalId": external_id}`. An upper bound only: whether the partner is
/// granted at all is [`trust_grant_findings`].
pub(crate) fn trust_findings(
    doc: &Value,
    partner_principal: &str,
    external_id: &str,
) -> Vec<Finding> {
    trust_analysis(doc, partner_principal, external_id).0
}

/// The other direction: some Allow statement lets the partner call `sts:AssumeRole`
/// (otherwise Genesys Cloud cannot assume the role).
pub(crate) fn trust_grant_findings(doc: &Value, partner_principal: &str) -> Vec<Finding> {
    if trust_analysis(doc, partner_principal, "").1 {
        return Vec::new();
    }
    vec![Finding::error(
        LintCode::TrustNoPartnerGrant,
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
    let partner_account = account_of(partner_principal);
    let mut partner_granted = false;
    for (label, st) in statements(doc, POLICY, &mut findings) {
        if is_allow(&label, st, &mut findings) != Some(true) {
            continue;
        }
        for field in ["Resource", "NotResource"] {
            if st.contains_key(field) {
                findings.push(Finding::error(
                    LintCode::TrustProhibitedField,
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
        let assume_here = only_action(&ASSUME, &label, st, &mut findings);
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
            LintCode::TrustNotPrincipal,
            format!(
                "{label}: NotPrincipal with Allow trusts every principal except the listed ones"
            ),
            Some(format!("use Principal and {only_partner}")),
        ));
    }
    match st.get("Principal") {
        None => {
            if !st.contains_key("NotPrincipal") {
                findings.push(Finding::error(
                    LintCode::TrustMissingPrincipal,
                    format!("{label}: an Allow statement without Principal (AWS refuses it)"),
                    Some(format!(
                        "add \"Principal\": {{\"AWS\": \"{partner_principal}\"}}"
                    )),
                ));
            }
            false
        }
        Some(Value::String(s)) if s == "*" => {
            findings.push(wildcard_principal(label, "Principal \"*\"", &only_partner));
            false
        }
        Some(Value::Object(map)) => {
            let partner = TrustedPartner {
                principal: partner_principal,
                account: partner_account,
                only_partner: &only_partner,
            };
            listed_principals(label, map, &partner, findings)
        }
        Some(other) => {
            findings.push(Finding::error(
                LintCode::PolicyMalformed,
                format!(
                    "{label}: Principal {} is neither \"*\" nor an object",
                    short_json(other)
                ),
                None,
            ));
            false
        }
    }
}

/// Who the trust policy is meant for, as [`listed_principals`] needs it.
struct TrustedPartner<'a> {
    principal: &'a str,
    /// The bare account ID of `principal`, which AWS treats the same.
    account: &'a str,
    /// The hint of a finding about another principal.
    only_partner: &'a str,
}

/// Checks a Principal object (`{"AWS": …, "Service": …}`); returns whether the partner is
/// among its principals.
fn listed_principals(
    label: &str,
    map: &Map<String, Value>,
    partner: &TrustedPartner,
    findings: &mut Vec<Finding>,
) -> bool {
    let mut listed = false;
    for (kind, value) in map {
        let Some(values) = strings(value) else {
            findings.push(Finding::error(
                LintCode::PolicyMalformed,
                format!("{label}: Principal.{kind} is not a string or a list of strings"),
                None,
            ));
            continue;
        };
        for p in values {
            if kind == "AWS" && (p == partner.principal || p == partner.account) {
                listed = true;
            } else if has_wildcard(p) {
                findings.push(wildcard_principal(
                    label,
                    &format!("Principal {{{}: {}}}", show(kind), show(p)),
                    partner.only_partner,
                ));
            } else {
                let who = if kind == "AWS" {
                    show(p)
                } else {
                    format!("{kind} principal {}", show(p))
                };
                findings.push(Finding::error(
                    LintCode::TrustExtraPrincipal,
                    format!(
                        "{label}: also trusts {who}, which is not the partner {}",
                        partner.principal
                    ),
                    Some(format!("remove it and {}", partner.only_partner)),
                ));
            }
        }
    }
    listed
}

/// A principal (`what`) that lets any AWS account in.
pub(super) fn wildcard_principal(label: &str, what: &str, only_partner: &str) -> Finding {
    Finding::error(
        LintCode::TrustWildcardPrincipal,
        format!("{label}: {what} lets any AWS account assume the role"),
        Some(only_partner.to_string()),
    )
}

/// The statement must carry `StringEquals {"sts:ExternalId": external_id}` (one value). Other
/// conditions AND with it, so they can only narrow; without it, report the nearest miss.
fn trust_condition(
    label: &str,
    st: &Map<String, Value>,
    external_id: &str,
    findings: &mut Vec<Finding>,
) {
    let on_external_id = external_id_conditions(st);
    let exact = |vals: &Option<Vec<&str>>| vals.as_deref() == Some(&[external_id][..]);
    if on_external_id
        .iter()
        .any(|(op, vals)| *op == "StringEquals" && exact(vals))
    {
        return;
    }
    let (code, message) = nearest_miss(&on_external_id, external_id);
    let required = format!(
        "require \"Condition\": {{\"StringEquals\": {{\"sts:ExternalId\": {}}}}}",
        show(external_id)
    );
    findings.push(Finding::error(
        code,
        format!("{label}: {message}"),
        Some(required),
    ));
}

/// Every condition on sts:ExternalId: (operator, values). Condition keys are
/// case-insensitive; operators are matched exactly.
pub(super) fn external_id_conditions(st: &Map<String, Value>) -> Vec<(&str, Option<Vec<&str>>)> {
    let mut on_external_id = Vec::new();
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
    on_external_id
}

/// The finding (code, message) for conditions on sts:ExternalId that do not require exactly
/// the external ID.
pub(super) fn nearest_miss(
    on_external_id: &[(&str, Option<Vec<&str>>)],
    external_id: &str,
) -> (LintCode, String) {
    if on_external_id.is_empty() {
        return (
            LintCode::TrustMissingExternalId,
            "no StringEquals condition on sts:ExternalId, so anyone the principal covers (any \
             Genesys Cloud organization) can assume the role"
                .into(),
        );
    }
    // Nearest miss first: the right operator with the wrong values, then weaker operators.
    let string_equals = on_external_id.iter().find(|(op, _)| *op == "StringEquals");
    if let Some((_, vals)) = string_equals {
        return wrong_external_ids(vals.as_deref().unwrap_or_default(), external_id);
    }
    let (op, _) = on_external_id[0];
    let (code, why) = weak_operator(op);
    (code, format!("{} on sts:ExternalId {why}", show(op)))
}

/// `StringEquals` on sts:ExternalId with other values than exactly the external ID.
fn wrong_external_ids(vals: &[&str], external_id: &str) -> (LintCode, String) {
    if vals.contains(&external_id) {
        let others: Vec<String> = vals
            .iter()
            .filter(|v| **v != external_id)
            .map(|v| show(v))
            .collect();
        (
            LintCode::TrustExtraExternalId,
            format!(
                "sts:ExternalId also accepts {}: those organizations can assume the role too",
                others.join(", ")
            ),
        )
    } else {
        let shown: Vec<String> = vals.iter().map(|v| show(v)).collect();
        (
            LintCode::TrustWrongExternalId,
            format!(
                "sts:ExternalId must be {} but the condition accepts [{}]",
                show(external_id),
                shown.join(", ")
            ),
        )
    }
}

/// Why an operator other than `StringEquals` on sts:ExternalId is too weak: (code, reason).
fn weak_operator(op: &str) -> (LintCode, &'static str) {
    if op.starts_with("ForAnyValue:") || op.starts_with("ForAllValues:") {
        (
            LintCode::TrustExternalIdSetOperator,
            "is for multi-valued keys; sts:ExternalId is single-valued, and ForAllValues is true \
             when the caller sends no external ID",
        )
    } else if op.ends_with("IfExists") {
        (
            LintCode::TrustExternalIdIfexists,
            "is true when the caller sends no external ID at all",
        )
    } else if op == "StringLike" {
        (
            LintCode::TrustExternalIdStringlike,
            "honours * and ? wildcards, so other organizations' IDs can match",
        )
    } else {
        (
            LintCode::TrustExternalIdOperator,
            "does not require exactly the external ID",
        )
    }
}
