//! The audit's questions to the prover, asked by narrowing a copy of the trust policy with
//! Deny statements (see `trust`'s header): a Deny only ever narrows a trust policy, so an
//! answer about the copy is an answer about the real policy.
//!
//! Part of the auditor, used by `trust` and `principals`; it holds the pieces they share
//! (`IdTest`, the sentinel ID) and imports neither.

use lambda_trust_iam::{
    evaluate, prove_trust, ActionClause, Condition, ConditionOperator, Effect, EvalInput,
    LabeledPolicy, OperatorKind, Policy, PrincipalClause, Principals, PropertyResult, Request,
    Statement, TrustSpec,
};
use lambda_trust_iam::{Arn, AwsResource};

/// An external ID no request can carry (STS refuses spaces), used as the property's "intended"
/// ID so that every accepted request is a counterexample.
pub(super) const SENTINEL: &str = "lambda-trust audit sentinel: not an external id";
/// The condition key the trust policy tests the external ID with.
pub(super) const EXTERNAL_ID: &str = "sts:ExternalId";

/// One value the trust policy tests `sts:ExternalId` against, with the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct IdTest {
    pub(crate) op: OperatorKind,
    pub(crate) value: String,
}

impl IdTest {
    /// A single accepted value, as opposed to a pattern.
    pub(super) fn is_literal(&self) -> bool {
        match self.op {
            OperatorKind::StringEquals => true,
            OperatorKind::StringLike => !self.value.contains(['*', '?']),
            _ => false,
        }
    }
}

/// Proves "every request from `account` that gets in carries an ID in `tests`" (see the module
/// header); a counterexample is a request that gets in without one.
pub(super) fn outside(
    policy: &Policy,
    role_arn: &str,
    account: &str,
    tests: &[IdTest],
) -> PropertyResult {
    only_partner(&narrowed(policy, account, tests), role_arn, account)
}

/// The trust policy with Deny statements for every caller outside `account`, every action but
/// `sts:AssumeRole`, and every request carrying an ID in `tests`.
fn narrowed(policy: &Policy, account: &str, tests: &[IdTest]) -> Policy {
    let mut narrowed = policy.clone();
    narrowed.statements.push(deny(
        ActionClause::Action(vec!["*".into()]),
        condition(
            OperatorKind::StringNotEquals,
            "aws:PrincipalAccount",
            vec![account.into()],
        ),
    ));
    narrowed.statements.push(deny(
        ActionClause::NotAction(vec!["sts:AssumeRole".into()]),
        None,
    ));
    for t in tests {
        narrowed.statements.push(deny(
            ActionClause::Action(vec!["*".into()]),
            condition(t.op, EXTERNAL_ID, vec![t.value.clone()]),
        ));
    }
    narrowed
}

/// The property `trust-only-partner-with-external-id` for `account` and the sentinel ID.
pub(super) fn only_partner(policy: &Policy, role_arn: &str, account: &str) -> PropertyResult {
    let spec = TrustSpec {
        partner_account: account.to_owned(),
        external_id: SENTINEL.to_owned(),
        partner_principals: Vec::new(),
    };
    let mut results = prove_trust(policy, role_arn, &spec, lambda_trust_iam::Budget::default());
    results.swap_remove(0)
}

/// The property treats the sentinel as intended; make sure no request carrying it gets in.
pub(super) fn sentinel_accepted(
    policy: &Policy,
    role_arn: &str,
    account: &str,
    tests: &[IdTest],
) -> Option<Request> {
    let req = Request::new(
        Arn::of("aws", account, AwsResource::Root).to_string(),
        "sts:AssumeRole",
        role_arn,
    )
    .with_context(EXTERNAL_ID, SENTINEL);
    let input = EvalInput {
        resource_policy: Some(LabeledPolicy::new(
            "trust policy",
            narrowed(policy, account, tests),
        )),
        resource_policy_is_trust: true,
        ..EvalInput::default()
    };
    let allowed = evaluate(&input, &req).allowed();
    allowed.then_some(Request {
        principal: req.principal,
        action: req.action,
        resource: req.resource,
        context: req.context,
    })
}

pub(super) fn deny(action: ActionClause, condition: Option<Condition>) -> Statement {
    Statement {
        sid: Some("lambda-trust-audit".into()),
        effect: Effect::Deny,
        principal: Some(PrincipalClause::Principal(Principals::Any)),
        action,
        resource: None,
        conditions: condition.into_iter().collect(),
    }
}

/// A plain (no set operator, no `IfExists`) condition: built, not parsed, so it cannot fail
/// into a condition-less Deny that would deny everything.
pub(super) fn condition(kind: OperatorKind, key: &str, values: Vec<String>) -> Option<Condition> {
    Some(Condition {
        operator: ConditionOperator {
            name: kind.to_string(),
            set: None,
            kind,
            if_exists: false,
        },
        key: key.into(),
        values,
    })
}
