//! The one probe behind the guardrail's exclusivity and `guarded`: under the RCPs' Deny
//! statements over an account, does a role there that trusts a partner account with no
//! condition at all (the allow-all trust policy: the widest a role can be) admit the partner
//! only with one of your org IDs? A trust policy can only narrow what the RCPs let through, so
//! when that role admits the partner only with your IDs, so does every role of the account.

use serde_json::json;

use lambda_trust_iam::{Arn, AwsResource, Policy, Request, Statement};

use super::document::is_account;
use crate::trust::{accepted, Accepted};

/// A partner a role admits with something else than your org IDs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Admitted {
    pub(crate) partner: String,
    /// What it gets in with: the other IDs, or "any external ID, or none".
    pub(crate) with: String,
    pub(crate) counterexample: Option<Request>,
}

/// A role's trust policy that lets `partner`'s account in with no condition at all.
pub(crate) fn open_trust(partition: &str, partner: &str) -> Policy {
    let root = Arn::of(partition, partner, AwsResource::Root).to_string();
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": root}, "Action": "sts:AssumeRole"}]});
    Policy::try_from(&trust).expect("a valid trust policy")
}

/// Whether `role_arn`, trusting each of `partners` with no condition, admits them under
/// `denies` only with one of `ours`: `Ok(None)` it does; `Ok(Some(_))` the first partner let
/// in otherwise, with a request that shows it; `Err` the prover could not tell.
pub(crate) fn only_with(
    role_arn: &str,
    denies: &[Statement],
    partners: &[String],
    ours: &[String],
) -> Result<Option<Admitted>, String> {
    let partition = lambda_trust_iam::split_arn(role_arn).map_or("aws", |p| p[1]);
    for partner in partners.iter().filter(|a| is_account(a)) {
        let trust = under(&open_trust(partition, partner), denies);
        if let Some((with, counterexample)) = beyond(&accepted(&trust, role_arn, partner), ours)? {
            return Ok(Some(Admitted {
                partner: partner.clone(),
                with,
                counterexample,
            }));
        }
    }
    Ok(None)
}

/// The trust policy with `denies` added.
pub(crate) fn under(trust: &Policy, denies: &[Statement]) -> Policy {
    let mut p = trust.clone();
    p.statements.extend(denies.iter().cloned());
    p
}

/// What a partner account gets into a role with: `None` when every request carries one of
/// `ours` (or none gets in), else what it admits beyond them and a request that shows it.
pub(crate) fn beyond(
    got: &Accepted,
    ours: &[String],
) -> Result<Option<(String, Option<Request>)>, String> {
    match got {
        Accepted::Nothing => Ok(None),
        Accepted::Unknown(why) => Err(why.clone()),
        Accepted::Any(c) => Ok(Some(("any external ID, or none".into(), Some(c.clone())))),
        Accepted::Ids(ids) => {
            let outside: Vec<_> = (ids.iter())
                .filter(|(t, _)| !(t.is_literal() && ours.contains(&t.value)))
                .collect();
            let Some((_, c)) = outside.first() else {
                return Ok(None);
            };
            let values: Vec<&str> = outside.iter().map(|(t, _)| t.value.as_str()).collect();
            Ok(Some((values.join(", "), c.clone())))
        }
    }
}
