//! Availability decided from the guardrail's document, when the roles were not read (the
//! organization watch, or `plan` without `--assume-role`): a Deny statement that cannot apply
//! to a partner account's request carrying one of your org IDs takes no role's availability
//! away, whatever the roles' trust policies; the other RCPs are as they were.
//!
//! Part of `guardrail`'s proofs. A statement cannot apply when one of its conditions is false
//! for every such request: `StringNotEquals sts:ExternalId` listing the ID, `StringEquals
//! sts:ExternalId` not listing it, or `StringEquals aws:PrincipalAccount` not listing the
//! partner — `sts:ExternalId` is single-valued and present on such a request, so `IfExists`
//! changes nothing (IAM User Guide, "IAM JSON policy elements: Condition operators"). Any
//! other statement is tried on a request of each ID: a denial is the counterexample, else the
//! claim is unknown, never proved.

use serde_json::json;

use lambda_trust_iam::{
    evaluate, Arn, AwsResource, Condition, Decision, Effect, EvalInput, LabeledPolicy,
    OperatorKind, Policy, Request, Statement, Verdict,
};

use super::model::{GuardrailClaim, GuardrailProperty, GuardrailSpec};

/// The availability claim for the guardrail `document` over the covered `accounts`.
pub(crate) fn of_document(
    document: &serde_json::Value,
    spec: &GuardrailSpec,
    partition: &str,
    accounts: &[&String],
) -> GuardrailClaim {
    let claim = |verdict, detail: String, counterexample| GuardrailClaim {
        property: GuardrailProperty::Availability,
        verdict,
        detail,
        counterexample,
        roles: Vec::new(),
    };
    let Ok(policy) = Policy::try_from(document) else {
        let why = "the roles were not read and the guardrail does not parse".to_owned();
        return claim(Verdict::Unknown, why, None);
    };
    let open: Vec<&Statement> = (policy.statements.iter())
        .filter(|s| s.effect == Effect::Deny && !inert(s, spec))
        .collect();
    if open.is_empty() {
        let detail = format!(
            "no statement of the guardrail applies to a request from {} carrying one of your \
             {} org IDs: it takes no role's availability away, whatever the roles (decided \
             from the document; the roles were not read)",
            spec.partners.join(", "),
            spec.org_ids.len()
        );
        return claim(Verdict::Proved, detail, None);
    }
    match accounts
        .first()
        .and_then(|a| denied(&policy, spec, partition, a))
    {
        Some((id, c)) => claim(
            Verdict::Counterexample,
            format!(
                "the guardrail denies a request carrying your org ID {id}: every covered role \
                 that admits it loses it"
            ),
            Some(c),
        ),
        None => claim(
            Verdict::Unknown,
            "a statement of the guardrail is not held off your org IDs by its conditions, and \
             the roles were not read"
                .into(),
            None,
        ),
    }
}

/// Whether `s` is false for every partner request carrying one of the IDs.
fn inert(s: &Statement, spec: &GuardrailSpec) -> bool {
    (spec.partners.iter())
        .all(|p| (spec.org_ids.iter()).all(|id| s.conditions.iter().any(|c| false_for(c, p, id))))
}

fn false_for(c: &Condition, partner: &str, id: &str) -> bool {
    if c.operator.set.is_some() {
        return false;
    }
    let listed = |v: &str| c.values.iter().any(|x| x == v);
    match (c.operator.kind, c.key.to_ascii_lowercase().as_str()) {
        (OperatorKind::StringNotEquals, "sts:externalid") => listed(id),
        (OperatorKind::StringEquals, "sts:externalid") => !listed(id),
        (OperatorKind::StringEquals, "aws:principalaccount") => !listed(partner),
        _ => false,
    }
}

/// A request from a partner carrying one of the IDs that `policy` denies, to a role of any
/// name in `account`.
fn denied(
    policy: &Policy,
    spec: &GuardrailSpec,
    partition: &str,
    account: &str,
) -> Option<(String, Request)> {
    let all = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let input = EvalInput {
        identity_policies: vec![LabeledPolicy::new(
            "any",
            Policy::try_from(&all).expect("a valid policy"),
        )],
        resource_policy: Some(LabeledPolicy::new("guardrail", policy.clone())),
        resource_policy_is_trust: false,
        boundary: None,
    };
    let role = Arn::of(partition, account, AwsResource::Role("any-role")).to_string();
    for partner in &spec.partners {
        let caller = Arn::of(partition, partner, AwsResource::Root).to_string();
        for id in &spec.org_ids {
            let r = Request::new(&caller, "sts:AssumeRole", &role)
                .with_context("aws:PrincipalAccount", partner)
                .with_context("sts:ExternalId", id);
            if evaluate(&input, &r).decision == Decision::ExplicitDeny {
                return Some((id.clone(), r));
            }
        }
    }
    None
}
