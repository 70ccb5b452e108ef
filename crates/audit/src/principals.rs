//! `audit --partner-principal ARN`: the principal of a partner account that must be able to
//! assume the role (a vendor that assumes from one role of its own, not from its account root).
//! Without the flag the audit speaks of accounts: `assumable_by` names `arn:…:iam::ACCOUNT:root`.
//! With it, each given principal of a partner account that gets in is asked of the prover: a
//! request from it that gets in (it is listed in `assumable_by` instead of the account root), or
//! proved that none does (`partner-refused`), or not decided (`partner-refused`, saying so).
//!
//! Part of the auditor, used by `trust`. The question is asked as the others are (see
//! `trust`'s header): Deny statements narrow a copy of the trust policy to requests from that
//! one principal, so an answer about the copy is an answer about the real policy.

use lambda_trust_iam::{account_of, ActionClause, OperatorKind, Policy, Verdict};

use super::findings::{Code, Finding};
use super::narrow::{condition, deny, outside};

/// What the given principals showed.
#[derive(Debug, Default)]
pub(super) struct Given {
    /// The given principals that get in, in the order given.
    pub(crate) allowed: Vec<String>,
    /// The partner accounts with a given principal that gets in: listed by those principals,
    /// not by their root (an account whose given principals are all refused stays listed by
    /// its root: it does get in).
    pub(crate) accounts: Vec<String>,
    pub(crate) findings: Vec<Finding>,
}

/// Each principal in `principals` whose account is one of `accounts` (the partner accounts that
/// get in): does any request from it get in?
pub(super) fn check(
    policy: &Policy,
    role_arn: &str,
    accounts: &[String],
    principals: &[String],
) -> Given {
    let mut given = Given::default();
    for p in principals {
        let account = account_of(p);
        if !accounts.iter().any(|a| a == account) {
            continue;
        }
        let mut only_p = policy.clone();
        only_p.statements.push(deny(
            ActionClause::Action(vec!["*".into()]),
            condition(
                OperatorKind::StringNotEquals,
                "aws:PrincipalArn",
                vec![p.clone()],
            ),
        ));
        // "Proved" = every request from the account that gets in carries an ID in no set at
        // all: none does. A counterexample is a request from `p` that gets in.
        let r = outside(&only_p, role_arn, account, &[]);
        match (r.verdict, &r.counterexample) {
            (Verdict::Counterexample, Some(_)) => {
                given.allowed.push(p.clone());
                if !given.accounts.iter().any(|a| a == account) {
                    given.accounts.push(account.to_owned());
                }
            }
            (Verdict::Proved, _) => given.findings.push(Finding::new(
                Code::PartnerRefused,
                format!(
                    "the partner principal {p} cannot assume the role (account {account} gets in \
                     through other principals)"
                ),
                None,
            )),
            _ => given.findings.push(Finding::unproved(
                Code::PartnerRefused,
                format!(
                    "not proved that the partner principal {p} can assume the role: {}",
                    r.reason
                ),
            )),
        }
    }
    given
}
