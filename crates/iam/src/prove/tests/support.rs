//! Shared helpers for the prover tests (this binary's modules): building documents, and checking a
//! prover answer against the evaluator.
#![cfg(test)]

use lambda_trust_iam::{
    evaluate, Budget, EvalInput, LabeledPolicy, Policy, PropertyResult, Request, TrustSpec, Verdict,
};

use super::samples::{EXTERNAL_ID, PARTNER, ROLE_ARN};
use serde_json::{json, Value};

pub const BUDGET: Budget = Budget::new(Budget::DEFAULT_STEPS, None);

pub fn spec() -> TrustSpec {
    TrustSpec {
        partner_account: PARTNER.to_owned(),
        external_id: EXTERNAL_ID.to_owned(),
        partner_principals: Vec::new(),
    }
}

pub fn doc(statements: Vec<Value>) -> Policy {
    Policy::try_from(&json!({"Version": "2012-10-17", "Statement": statements})).unwrap()
}

pub fn trust_input(trust: &Policy) -> EvalInput {
    EvalInput {
        identity_policies: vec![],
        resource_policy: Some(LabeledPolicy::new("trust policy", trust.clone())),
        resource_policy_is_trust: true,
        boundary: None,
    }
}

pub fn invoke_input(identity: &[LabeledPolicy], boundary: Option<&LabeledPolicy>) -> EvalInput {
    EvalInput {
        identity_policies: identity.to_vec(),
        resource_policy: None,
        resource_policy_is_trust: false,
        boundary: boundary.cloned(),
    }
}

pub fn request(c: &Request) -> Request {
    Request {
        principal: c.principal.clone(),
        action: c.action.clone(),
        resource: c.resource.clone(),
        context: c.context.clone(),
    }
}

/// The trust property's intended set (the ID among the request's values).
pub fn trust_intended(req: &Request, partner: &str, id: &str) -> bool {
    let parts: Vec<&str> = req.principal.splitn(6, ':').collect();
    let account = (parts.len() == 6 && parts[0] == "arn").then(|| parts[4].to_owned());
    req.action.eq_ignore_ascii_case("sts:AssumeRole")
        && account.as_deref() == Some(partner)
        && req
            .context
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("sts:ExternalId"))
            .any(|(_, v)| v.iter().any(|x| x == id))
}

/// Checks the contract of the first (only-…) result: a counterexample is allowed by the
/// evaluator and outside the intended set.
pub fn check_trust_result(r: &PropertyResult, trust: &Policy) {
    if r.verdict == Verdict::Counterexample {
        let req = request(r.counterexample.as_ref().unwrap());
        assert_eq!(req.resource, ROLE_ARN);
        // A request AWS could receive: single-valued keys carry one value.
        assert_eq!(crate::keys::malformed_context(&req.context), None, "{r:?}");
        assert!(evaluate(&trust_input(trust), &req).allowed(), "{r:?}");
        assert!(!trust_intended(&req, PARTNER, EXTERNAL_ID), "{r:?}");
    }
}
