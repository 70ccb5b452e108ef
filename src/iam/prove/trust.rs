//! The trust properties: only the partner, only with the external ID
//! (`trust-only-partner-with-external-id`), and the partner's intended request is allowed
//! (`trust-partner-allowed`).
//!
//! Sits under `prove` (the public entry `prove_trust`). The request is evaluated as a trust
//! policy evaluation: the role is the resource, and the trust policy alone must allow the caller
//! (IAM User Guide, policy evaluation logic,
//! https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).

use std::collections::BTreeMap;

use super::super::eval::{evaluate, EvalInput, LabeledPolicy, Request};
use super::super::model::{Effect, Policy};
use super::super::principal::principal_account;
use super::budget::{Budget, Meter};
use super::classes::{nice_members, Classes, Matcher};
use super::names::principal_tests;
use super::principals::{callers, known_userid};
use super::report::{Counterexample, PropertyResult, Verdict};
use super::search::{intended_external_id, pinned, statement_ref, Builder, Found, Head, Problem};
use super::{unsupported, TrustSpec};

pub(crate) const ONLY_PARTNER: &str = "trust-only-partner-with-external-id";
pub(crate) const PARTNER_ALLOWED: &str = "trust-partner-allowed";
const LABEL: &str = "trust policy";
const ASSUME: &str = "sts:AssumeRole";

/// Actions shown in counterexamples when they fall in the class found.
const NICE_ACTIONS: [&str; 8] = [
    "sts:AssumeRole",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "lambda:InvokeFunction",
    "s3:GetObject",
    "iam:PassRole",
];

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
    let found = problem.search(|p, h| {
        let in_partner =
            principal_account(&p.callers[h.caller].arn).as_deref() == Some(partner.as_str());
        !(p.actions.classes[h.action].0[assume] && in_partner)
    });
    match found {
        Found::Request { head, context } => confirm(trust, role_arn, spec, &problem, head, context),
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
    let mut callers = callers(trust, &spec.partner_account, &tests, &meter)
        .map_err(|_| meter.stopped("caller-name"))?;
    if b.keys.contains_key("aws:userid") {
        for c in &mut callers {
            if let Some(id) = known_userid(&c.arn) {
                let pin = pinned("aws:userid", &id);
                c.pin = Some(b.add(&pin, statement_ref("property", 0, &pin), false, false));
            }
        }
    }
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

/// Turns a search result into a request and keeps it only if the evaluator allows it.
fn confirm(
    trust: &Policy,
    role_arn: &str,
    spec: &TrustSpec,
    problem: &Problem,
    head: Head,
    mut context: BTreeMap<String, Vec<String>>,
) -> PropertyResult {
    let caller = &problem.callers[head.caller];
    // aws:PrincipalType follows the caller but the evaluator does not derive it.
    let typed = trust
        .statements
        .iter()
        .flat_map(|s| &s.conditions)
        .find(|c| c.key.eq_ignore_ascii_case("aws:PrincipalType"));
    if let (Some(c), Some(t)) = (typed, caller.derived.get("aws:principaltype")) {
        context.insert(c.key.clone(), t.clone());
    }
    let action = problem
        .actions
        .pretty(head.action, &action_nice(&problem.actions, head.action));
    let req = Request {
        principal: caller.arn.clone(),
        action,
        resource: role_arn.to_owned(),
        context,
    };
    let eval = evaluate(&input(trust), &req);
    let intended = intended(&req, spec);
    let reason =
        "the trust policy allows a request outside the partner's AssumeRole with the external ID";
    PropertyResult::confirmed(ONLY_PARTNER, &eval, intended, req, reason)
}

/// Candidate pretty actions for a class: literal and stand-in members of its patterns.
pub(crate) fn action_nice(actions: &Classes, class: usize) -> Vec<String> {
    let hit: Vec<String> = actions
        .patterns
        .iter()
        .zip(&actions.classes[class].0)
        .filter(|(_, b)| **b)
        .map(|(p, _)| p.clone())
        .collect();
    let mut nice: Vec<String> = NICE_ACTIONS.iter().map(|s| s.to_string()).collect();
    nice.extend(nice_members(&hit, &[]));
    nice
}

/// The partner's root and one partner role session, each with exactly the external ID.
pub(crate) fn partner_allowed(trust: &Policy, role_arn: &str, spec: &TrustSpec) -> PropertyResult {
    let acct = &spec.partner_account;
    let who = [
        format!("arn:aws:iam::{acct}:root"),
        format!("arn:aws:sts::{acct}:assumed-role/GenesysCloudRole/prover-session"),
    ];
    let mut allowing = Vec::new();
    for principal in who {
        let req = Request::new(principal, ASSUME, role_arn)
            .with_context("sts:ExternalId", spec.external_id.clone());
        let eval = evaluate(&input(trust), &req);
        if !eval.allowed() {
            return PropertyResult {
                property: PARTNER_ALLOWED,
                verdict: Verdict::Counterexample,
                counterexample: Some(Counterexample {
                    principal: req.principal,
                    action: req.action,
                    resource: req.resource,
                    context: req.context,
                }),
                statements: eval.deciding,
                reason: format!(
                    "the partner's request is refused ({})",
                    eval.decision.as_str()
                ),
            };
        }
        for s in eval.deciding {
            if !allowing.contains(&s) {
                allowing.push(s);
            }
        }
    }
    let mut r = PropertyResult::proved(
        PARTNER_ALLOWED,
        format!("the partner's root and a partner role session may {ASSUME} with the external ID"),
    );
    r.statements = allowing;
    r
}
