//! The trust properties: only the partner, only with the external ID
//! (`trust-only-partner-with-external-id`), and the partner's intended request is allowed
//! (`trust-partner-allowed`).
//!
//! Sits under `prove` (the public entry `prove_trust`). The request is evaluated as a trust
//! policy evaluation: the role is the resource, and the trust policy alone must allow the caller
//! (IAM User Guide, policy evaluation logic,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>).

use std::collections::BTreeMap;

use super::super::eval::{evaluate, EvalInput, LabeledPolicy, Request};
use super::super::model::{Effect, Policy};
use super::super::principal::{arn_parts, principal_account};
use super::budget::{Budget, Meter};
use super::classes::{Classes, Matcher};
use super::names::principal_tests;
use super::principals::{callers, self_contained};
use super::realize::{shape, RealActions, Shape};
use super::report::{Property, PropertyResult, Verdict};
use super::search::{intended_external_id, statement_ref, Builder, Found, Head, Problem};
use super::{unsupported, TrustSpec};

pub(crate) const ONLY_PARTNER: Property = Property::TrustOnlyPartnerWithExternalId;
pub(crate) const PARTNER_ALLOWED: Property = Property::TrustPartnerAllowed;
const LABEL: &str = "trust policy";
const ASSUME: &str = "sts:AssumeRole";

fn input(trust: &Policy) -> EvalInput {
    EvalInput {
        identity_policies: Vec::new(),
        resource_policy: Some(LabeledPolicy::new(LABEL, trust.clone())),
        resource_policy_is_trust: true,
        boundary: None,
    }
}

/// Whether a request is one the property intends: the partner, AssumeRole, the ID (its one
/// value: the key is single-valued, `iam::keys`).
pub(crate) fn intended(req: &Request, spec: &TrustSpec) -> bool {
    let ids: Vec<&String> = req
        .context
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("sts:ExternalId"))
        .flat_map(|(_, v)| v)
        .collect();
    req.action.eq_ignore_ascii_case(ASSUME)
        && principal_account(&req.principal).as_deref() == Some(spec.partner_account.as_str())
        && ids.iter().any(|v| **v == spec.external_id)
}

pub(crate) fn only_partner(
    trust: &Policy,
    role_arn: &str,
    spec: &TrustSpec,
    budget: Budget,
) -> PropertyResult {
    if let Some(reason) = unsupported(trust) {
        return PropertyResult::unknown(ONLY_PARTNER, reason);
    }
    let (problem, assume) = match build(trust, role_arn, spec, budget) {
        Ok(p) => p,
        Err(reason) => return PropertyResult::unknown(ONLY_PARTNER, reason),
    };
    let partner = spec.partner_account.clone();
    let real = RealActions::new(&problem.actions);
    let found = problem.search(
        |p, h| {
            let in_partner =
                principal_account(&p.callers[h.caller].arn).as_deref() == Some(partner.as_str());
            !(p.actions.classes[h.action].0[assume] && in_partner)
        },
        |h| role_action(&real, h.action).is_some(),
    );
    match found {
        Found::Request { head, context } => match (role_action(&real, head.action), real.of(head.action)) {
            (Some(a), _) => confirm(trust, role_arn, spec, &problem, head, a.to_owned(), context),
            // The search found no request with an action that acts on a role: the policy lets
            // someone outside the intended request in only to actions that never do (`Action:
            // *` with `sts:*` denied). AWS consults a trust policy for the STS calls that
            // assume the role, so no request it evaluates shows this, and a request as written
            // would not replay; not proved either.
            (None, real_ones) => {
                let example = real_ones
                    .first()
                    .map_or_else(|| problem.actions.classes[head.action].1.clone(), |a| a.to_string());
                PropertyResult::unknown(
                    ONLY_PARTNER,
                    format!(
                        "the trust policy lets a caller other than the partner with the external ID in only \
                         to actions that never act on a role (such as {example}); no replayable request \
                         was found, and it is not proved harmless"
                    ),
                )
            }
        },
        Found::Unknown(reason) => PropertyResult::unknown(ONLY_PARTNER, reason),
        Found::Nothing => match principal_tests(trust).err() {
            Some(reason) => PropertyResult::unknown(ONLY_PARTNER, format!("no counterexample found, but the policy uses {reason}")),
            None => PropertyResult::proved(
                ONLY_PARTNER,
                format!(
                    "every allowed request is {ASSUME} by account {} with sts:ExternalId equal to the configured ID",
                    spec.partner_account
                ),
            ),
        },
    }
}

fn build(
    trust: &Policy,
    role_arn: &str,
    spec: &TrustSpec,
    budget: Budget,
) -> Result<(Problem, usize), String> {
    let meter = Meter::new(budget);
    let mut b = Builder::new(true);
    let variables = trust.effective_version().supports_variables();
    let (mut allow_sets, mut denies) = (Vec::new(), Vec::new());
    for (index, stmt) in trust.statements.iter().enumerate() {
        let i = b.add(stmt, statement_ref(LABEL, index, stmt), variables, true);
        match stmt.effect {
            Effect::Allow => allow_sets.push(vec![i]),
            Effect::Deny => denies.push(i),
        }
    }
    let pseudo = intended_external_id(&spec.external_id);
    let intended = b.add(&pseudo, statement_ref("property", 0, &pseudo), false, false);
    // Uncovered principal-key tests are reported by `only_partner` when nothing is found.
    let tests = principal_tests(trust).unwrap_or_default();
    let partition = role_partition(role_arn);
    let mut callers = callers(trust, partition, &spec.partner_account, &tests, &meter)
        .map_err(|_| meter.stopped("caller-name"))?;
    b.pin_userids(&mut callers);
    let assume = Classes::intern(&mut b.action_patterns, Matcher::Action, ASSUME);
    let actions = Classes::enumerate(Matcher::Action, b.action_patterns, &meter)
        .map_err(|_| meter.stopped("action"))?;
    let problem = Problem {
        callers,
        actions,
        resources: Classes::single(Matcher::Resource, b.resource_patterns, role_arn),
        stmts: b.stmts,
        allow_sets,
        denies,
        intended: Some(intended),
        keys: b.keys,
        meter,
    };
    Ok((problem, assume))
}

/// Turns a search result (its `head`, with the real action `action`) into a request and keeps
/// it only if the evaluator allows it.
fn confirm(
    trust: &Policy,
    role_arn: &str,
    spec: &TrustSpec,
    problem: &Problem,
    head: Head,
    action: String,
    context: BTreeMap<String, Vec<String>>,
) -> PropertyResult {
    let caller = &problem.callers[head.caller];
    let mut req = Request {
        principal: caller.arn.clone(),
        action,
        resource: role_arn.to_owned(),
        context,
    };
    self_contained([trust], &mut req);
    let eval = evaluate(&input(trust), &req);
    let intended = intended(&req, spec);
    let reason =
        "the trust policy allows a request outside the partner's AssumeRole with the external ID";
    PropertyResult::confirmed(ONLY_PARTNER, &eval, intended, req, reason)
}

/// A real action of action class `class` that acts on a role (`sts:AssumeRole` and its kin):
/// the only ones a trust policy's request can carry.
fn role_action(real: &RealActions, class: usize) -> Option<&'static str> {
    real.of(class)
        .iter()
        .copied()
        .find(|a| shape(a) == Shape::Role && a.starts_with("sts:"))
}

/// The role's partition (`aws` when the role ARN does not name one): every caller that can
/// assume the role is in it.
pub(crate) fn role_partition(role_arn: &str) -> &str {
    arn_parts(role_arn)
        .map(|[_, p, ..]| p)
        .filter(|p| !p.is_empty() && !p.contains(['*', '?']))
        .unwrap_or("aws")
}

/// The partner's principals that must get in: the ones given (`TrustSpec::partner_principals`),
/// else the partner's root and one partner role session, in the role's partition.
fn partner_callers(role_arn: &str, spec: &TrustSpec) -> Vec<String> {
    if !spec.partner_principals.is_empty() {
        return spec.partner_principals.clone();
    }
    let (p, acct) = (role_partition(role_arn), &spec.partner_account);
    vec![
        format!("arn:{p}:iam::{acct}:root"),
        format!("arn:{p}:sts::{acct}:assumed-role/GenesysCloudRole/prover-session"),
    ]
}

/// Each of the partner's principals (`partner_callers`) with exactly the external ID, and the
/// keys AWS derives from it written into the request's context.
pub(crate) fn partner_allowed(trust: &Policy, role_arn: &str, spec: &TrustSpec) -> PropertyResult {
    let who = partner_callers(role_arn, spec);
    let given = !spec.partner_principals.is_empty();
    let mut allowing = Vec::new();
    for principal in who.iter().cloned() {
        let mut req = Request::new(principal, ASSUME, role_arn)
            .with_context("sts:ExternalId", spec.external_id.clone());
        self_contained([trust], &mut req);
        let eval = evaluate(&input(trust), &req);
        if !eval.allowed() {
            return PropertyResult {
                property: PARTNER_ALLOWED,
                verdict: Verdict::Counterexample,
                counterexample: Some(Request {
                    principal: req.principal,
                    action: req.action,
                    resource: req.resource,
                    context: req.context,
                }),
                statements: eval.deciding,
                reason: format!("the partner's request is refused ({})", eval.decision),
            };
        }
        for s in eval.deciding {
            if !allowing.contains(&s) {
                allowing.push(s);
            }
        }
    }
    let whom = if given {
        format!("the partner's principals ({})", who.join(", "))
    } else {
        "the partner's root and a partner role session".to_owned()
    };
    let mut r = PropertyResult::proved(
        PARTNER_ALLOWED,
        format!("{whom} may {ASSUME} with the external ID"),
    );
    r.statements = allowing;
    r
}
