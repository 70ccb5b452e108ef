//! Who can assume a role, and with which `sts:ExternalId` values — decided by the prover.
//!
//! Part of the auditor. The prover decides one fixed property ("only the partner, with this
//! ID"); the audit asks its questions by adding Deny statements to a copy of the trust policy
//! and proving that property for an ID no request can carry (`narrow::SENTINEL`):
//! - "does the partner get in with an ID outside the set S?" — deny every caller outside the
//!   partner's account, every action but `sts:AssumeRole`, and every request carrying an ID in
//!   S (with the operator the policy tests it with). A counterexample is a partner request that
//!   still gets in; "proved" means every accepted partner request carries an ID in S.
//! - "can anyone but the partner assume it?" — deny the partner's accounts; any counterexample
//!   is another principal.
//!
//! S starts as the values the trust policy's statements test `sts:ExternalId` against — an
//! Allow's `StringEquals`/`StringLike`, and a Deny guard's `StringNotEquals`/`StringNotLike`
//! (with or without `IfExists`), whose values are the ones the guard lets through; an element
//! is *effective* when dropping it from S lets a request in. A Deny statement added
//! to a trust policy only ever narrows it, so each answer is about the real policy.

use std::collections::BTreeSet;

use lambda_trust_iam::{
    account_of, split_arn, wildcard_match, ActionClause, Effect, OperatorKind, Policy,
    PrincipalClause, Principals, Request, Verdict,
};

use super::account::{AuditOptions, AuditRole};
use super::findings::{Code, Finding};
use super::narrow::{
    condition, deny, only_partner, outside, sentinel_accepted, IdTest, EXTERNAL_ID,
};
use super::principals;
use super::report::{ExternalIds, IdKind};
use lambda_trust_iam::{Arn, AwsResource};

/// How an `other-principals` finding opens when every account gets in.
pub(crate) const ANY_ACCOUNT: &str = "any AWS account can assume the role";

/// Stands for "any account" when the trust policy lets in `*` (no `--partner`).
pub(super) const ANYONE: &str = "000000000000";

pub(super) struct TrustAnalysis {
    pub(crate) assumable_by: Vec<String>,
    pub(crate) external_ids: ExternalIds,
    pub(crate) findings: Vec<Finding>,
}

/// What one partner account is accepted with.
pub(crate) enum Accepted {
    /// Proved: no request from the account gets in.
    Nothing,
    /// Proved: only requests carrying one of these; each with the request that shows it
    /// (none when the prover could not tell whether the value is needed).
    Ids(Vec<(IdTest, Option<Request>)>),
    /// A request with no ID or an ID outside the tested values gets in.
    Any(Request),
    Unknown(String),
}

pub(super) fn analyse(own: &str, role: &AuditRole, opts: &AuditOptions) -> Option<TrustAnalysis> {
    let partners = &opts.partners;
    let policy = match Policy::try_from(&role.trust) {
        Ok(p) => p,
        Err(e) => return Some(unreadable(format!("the trust policy does not parse: {e}"))),
    };
    let accounts: Vec<String> = if partners.is_empty() {
        outsiders(own, &policy)
    } else {
        partners.to_vec()
    };
    let mut per_account = Vec::new();
    for a in accounts.iter().filter(|a| may_name(&policy, a)) {
        match accepted(&policy, &role.arn, a) {
            Accepted::Nothing => {}
            other => per_account.push((a.clone(), other)),
        }
    }
    if per_account.is_empty() {
        return None;
    }
    Some(combine(&policy, &role.arn, per_account, opts))
}

/// Whether the trust policy names a partner account (or anyone) in an Allow statement at all:
/// the cheap test, without the prover, that every role `analyse` reports passes.
pub(super) fn may_concern(own: &str, role: &AuditRole, partners: &[String]) -> bool {
    let Ok(policy) = Policy::try_from(&role.trust) else {
        return true;
    };
    if partners.is_empty() {
        outsiders(own, &policy).iter().any(|a| may_name(&policy, a))
    } else {
        partners.iter().any(|a| may_name(&policy, a))
    }
}

fn unreadable(reason: String) -> TrustAnalysis {
    TrustAnalysis {
        assumable_by: Vec::new(),
        external_ids: ExternalIds {
            kind: IdKind::Any,
            values: Vec::new(),
        },
        findings: vec![Finding::new(Code::ExternalIdUnproved, reason, None)],
    }
}

/// Accounts other than `own` that the policy's Allow statements name (as principals or in
/// `aws:PrincipalAccount`/`aws:PrincipalArn`/`aws:SourceAccount` conditions), and [`ANYONE`]
/// when a statement lets in `*` or uses `NotPrincipal`.
fn outsiders(own: &str, policy: &Policy) -> Vec<String> {
    let mut out = BTreeSet::new();
    for s in policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        match &s.principal {
            Some(PrincipalClause::Principal(Principals::Specific(m))) => {
                for p in &m.aws {
                    let account = account_of(p);
                    if is_account(account) {
                        out.insert(account.to_owned());
                    } else {
                        // `*`, or a wildcard in the account part: anyone may match.
                        out.insert(ANYONE.to_owned());
                    }
                }
            }
            Some(_) => {
                out.insert(ANYONE.to_owned());
            }
            None => {}
        }
        for c in &s.conditions {
            let key = c.key.to_ascii_lowercase();
            if matches!(
                key.as_str(),
                "aws:principalaccount" | "aws:principalarn" | "aws:sourceaccount"
            ) {
                out.extend(c.values.iter().map(|v| account_of(v).to_owned()));
            }
        }
    }
    out.into_iter()
        .filter(|a| a != own && is_account(a))
        .collect()
}

use lambda_trust_iam::is_account_id as is_account;

/// Whether an Allow statement could let `account` in at all (a cheap filter before the prover:
/// most roles trust a service or their own account).
fn may_name(policy: &Policy, account: &str) -> bool {
    policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
        .any(|s| match &s.principal {
            Some(PrincipalClause::Principal(Principals::Specific(m))) => m
                .aws
                .iter()
                .any(|p| p.contains(['*', '?']) || account_of(p) == account),
            Some(_) => true,
            None => false,
        })
}

/// The values the statements test `sts:ExternalId` against with an equality or pattern
/// operator, as the positive test: an Allow's `StringEquals` value, and a Deny guard's
/// `StringNotEquals` value (the ID it lets through). Candidates only: `accepted` keeps those a
/// request needs.
fn id_tests(policy: &Policy) -> Vec<IdTest> {
    let mut out: Vec<IdTest> = Vec::new();
    for s in &policy.statements {
        for c in &s.conditions {
            if !c.key.eq_ignore_ascii_case(EXTERNAL_ID) {
                continue;
            }
            let op = match c.operator.kind {
                OperatorKind::StringEquals | OperatorKind::StringNotEquals => {
                    OperatorKind::StringEquals
                }
                OperatorKind::StringLike | OperatorKind::StringNotLike => OperatorKind::StringLike,
                OperatorKind::StringEqualsIgnoreCase | OperatorKind::StringNotEqualsIgnoreCase => {
                    OperatorKind::StringEqualsIgnoreCase
                }
                _ => continue,
            };
            for v in &c.values {
                let t = IdTest {
                    op,
                    value: v.clone(),
                };
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
    }
    out
}

pub(crate) fn accepted(policy: &Policy, role_arn: &str, account: &str) -> Accepted {
    let tests = id_tests(policy);
    let all = outside(policy, role_arn, account, &tests);
    match all.verdict {
        Verdict::Unknown => return Accepted::Unknown(all.reason),
        Verdict::Counterexample => {
            if let Some(c) = all.counterexample {
                return Accepted::Any(c);
            }
            return Accepted::Unknown(all.reason);
        }
        Verdict::Proved => {}
    }
    if let Some(c) = sentinel_accepted(policy, role_arn, account, &tests) {
        return Accepted::Any(c);
    }
    let mut effective = Vec::new();
    for (i, t) in tests.iter().enumerate() {
        let mut rest = tests.clone();
        rest.remove(i);
        let r = outside(policy, role_arn, account, &rest);
        match r.verdict {
            Verdict::Proved => {}
            Verdict::Counterexample => effective.push((t.clone(), r.counterexample)),
            Verdict::Unknown => effective.push((t.clone(), None)),
        }
    }
    if effective.is_empty() {
        overlapping(policy, role_arn, account, &tests)
    } else {
        Accepted::Ids(effective)
    }
}

/// No single tested value is needed on its own. Either the account gets in with no ID at all
/// (proved: `Nothing`), or the values overlap (`0f8c*` and one ID it matches): then every value
/// the accepted request's ID matches is reported — the weaker claim, never `Nothing`.
fn overlapping(policy: &Policy, role_arn: &str, account: &str, tests: &[IdTest]) -> Accepted {
    let r = outside(policy, role_arn, account, &[]);
    let c = match (r.verdict, r.counterexample) {
        (Verdict::Proved, _) => return Accepted::Nothing,
        (Verdict::Counterexample, Some(c)) => c,
        _ => return Accepted::Unknown(r.reason),
    };
    let id = c
        .context
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(EXTERNAL_ID))
        .and_then(|(_, v)| v.first())
        .cloned();
    let Some(id) = id else {
        return Accepted::Any(c);
    };
    // One value that covers every accepted request on its own (a literal first: the exact
    // answer when a Deny guard pins the ID under a broader Allow pattern).
    let mut order: Vec<&IdTest> = tests.iter().collect();
    order.sort_by_key(|t| !t.is_literal());
    for t in order {
        if outside(policy, role_arn, account, std::slice::from_ref(t)).verdict == Verdict::Proved {
            return Accepted::Ids(vec![(t.clone(), Some(c))]);
        }
    }
    let hit = |t: &IdTest| match t.op {
        OperatorKind::StringLike => wildcard_match(&t.value, &id, false),
        OperatorKind::StringEqualsIgnoreCase => t.value.to_lowercase() == id.to_lowercase(),
        _ => t.value == id,
    };
    let mut hits: Vec<(IdTest, Option<Request>)> = tests
        .iter()
        .filter(|t| hit(t))
        .map(|t| (t.clone(), Some(c.clone())))
        .collect();
    if hits.is_empty() {
        hits = tests.iter().map(|t| (t.clone(), None)).collect();
    }
    Accepted::Ids(hits)
}

/// One report from the accounts that can assume the role: the weakest external-ID answer
/// wins, the findings of each account are kept, and other principals are proved separately
/// (the partner's principals and the Genesys Cloud org IDs from `opts`).
fn combine(
    policy: &Policy,
    role_arn: &str,
    per_account: Vec<(String, Accepted)>,
    opts: &AuditOptions,
) -> TrustAnalysis {
    let (partner_principals, ours) = (&opts.partner_principals[..], &opts.genesys_org_ids[..]);
    let mut per_code: Vec<(Code, Vec<(String, Finding)>)> = Vec::new();
    let mut kind_rank = 0;
    let mut values = BTreeSet::new();
    for (account, acc) in &per_account {
        let (rank, vals, f) = classify(account, acc, ours);
        kind_rank = kind_rank.max(rank);
        values.extend(vals);
        for f in f {
            match per_code.iter_mut().find(|(c, _)| *c == f.code) {
                Some((_, list)) => list.push((account.clone(), f)),
                None => per_code.push((f.code, vec![(account.clone(), f)])),
            }
        }
    }
    let mut findings: Vec<Finding> = per_code.into_iter().map(|(_, l)| merged(l)).collect();
    const KINDS: [IdKind; 4] = [IdKind::Fixed, IdKind::Several, IdKind::Pattern, IdKind::Any];
    let mut values: Vec<String> = values.into_iter().collect();
    if kind_rank == 3 {
        values.clear();
    } else if kind_rank == 0 && values.len() > 1 {
        kind_rank = 1;
    }
    let accounts: Vec<String> = per_account.into_iter().map(|(a, _)| a).collect();
    let (others, any_account) = others_said(policy, role_arn, &accounts);
    findings.extend(others);
    let given = principals::check(policy, role_arn, &accounts, partner_principals);
    findings.extend(given.findings);
    let mut assumable = assumable_by(policy, role_arn, &accounts);
    if any_account && !assumable.iter().any(|p| p == "*") {
        assumable.push("*".to_owned());
    }
    // An account with given principals is listed by those of them that get in.
    assumable.retain(|p| !given.accounts.iter().any(|a| is_root_of(p, a)));
    for p in given.allowed.into_iter().rev() {
        if !assumable.contains(&p) {
            assumable.insert(0, p);
        }
    }
    TrustAnalysis {
        assumable_by: assumable,
        external_ids: ExternalIds {
            kind: KINDS[kind_rank],
            values,
        },
        findings,
    }
}

/// `other-principals`, and whether every account gets in: when the proof found someone else and
/// a statement lets in every account, the finding says so (and who can assume the role lists
/// `*`), never one example account alone.
fn others_said(policy: &Policy, role_arn: &str, accounts: &[String]) -> (Option<Finding>, bool) {
    let others = other_principals(policy, role_arn, accounts);
    let any_account = (others.as_ref()).is_some_and(|f| f.counterexample.is_some())
        && lets_in_any_account(policy);
    let others = others.map(|mut f| {
        if any_account {
            f.message = format!("{ANY_ACCOUNT} ({})", f.message);
        }
        f
    });
    (others, any_account)
}

/// Keys that tell one caller from another: a statement reading none of them admits whichever
/// account matches its principal (IAM User Guide, "AWS global condition context keys").
const CALLER_KEYS: &[&str] = &[
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principaltype",
    "aws:userid",
    "aws:username",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceidentity",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
];

/// Whether an Allow statement for `sts:AssumeRole` names every AWS account (`*`, or a wildcard
/// account) and reads no key that tells one caller from another: then any account gets in,
/// not only the one the proof names.
fn lets_in_any_account(policy: &Policy) -> bool {
    let every_account = |m: &Principals| match m {
        Principals::Any => true,
        Principals::Specific(m) => m.aws.iter().any(|p| p == "*" || !is_account(account_of(p))),
    };
    (policy.statements.iter())
        .filter(|s| s.effect == Effect::Allow)
        .filter(|s| match &s.action {
            ActionClause::Action(list) => list
                .iter()
                .any(|a| wildcard_match(a, "sts:AssumeRole", true)),
            ActionClause::NotAction(_) => true,
        })
        .any(|s| {
            let named = match &s.principal {
                Some(PrincipalClause::Principal(p)) => every_account(p),
                Some(PrincipalClause::NotPrincipal(_)) => true,
                None => false,
            };
            named
                && !(s.conditions.iter()).any(|c| {
                    let key = c.key.to_ascii_lowercase();
                    CALLER_KEYS.contains(&key.as_str()) || key.starts_with("aws:principaltag/")
                })
        })
}

/// One finding for the accounts that share a code: the first account's request, a message
/// naming every account. The accounts' own messages differ only by who (`who`) when they say
/// the same thing; otherwise each is kept, joined.
fn merged(mut list: Vec<(String, Finding)>) -> Finding {
    if list.len() == 1 {
        return list.remove(0).1;
    }
    let (first_account, first) = &list[0];
    let first_who = who(first_account);
    let rest = first.message.strip_prefix(first_who.as_str());
    let same = rest.is_some_and(|rest| {
        (list.iter()).all(|(a, f)| f.message.strip_prefix(who(a).as_str()) == Some(rest))
    });
    let message = match rest {
        Some(rest) if same => {
            let all: Vec<String> = list.iter().map(|(a, _)| who(a)).collect();
            format!("{}{rest}", all.join(" and "))
        }
        _ => (list.iter())
            .map(|(_, f)| f.message.as_str())
            .collect::<Vec<_>>()
            .join("; "),
    };
    let mut f = list.swap_remove(0).1;
    f.message = message;
    f
}

/// `arn:PARTITION:iam::ACCOUNT:root` of `account`.
fn is_root_of(principal: &str, account: &str) -> bool {
    split_arn(principal).is_some_and(|[_, _, service, _, a, rest]| {
        service == "iam" && a == account && rest == "root"
    })
}

fn who(account: &str) -> String {
    if account == ANYONE {
        "any account (*)".to_owned()
    } else {
        format!("account {account}")
    }
}

/// (kind rank, values, findings) for one account.
fn classify(account: &str, acc: &Accepted, ours: &[String]) -> (usize, Vec<String>, Vec<Finding>) {
    match acc {
        Accepted::Nothing => (0, Vec::new(), Vec::new()),
        Accepted::Any(c) => {
            let absent = !c
                .context
                .keys()
                .any(|k| k.eq_ignore_ascii_case(EXTERNAL_ID));
            let how = if absent {
                "without sts:ExternalId".to_owned()
            } else {
                "with an sts:ExternalId outside any fixed set".to_owned()
            };
            let msg = format!(
                "{} can assume the role {how}: any organization of the partner could use it",
                who(account)
            );
            (
                3,
                Vec::new(),
                vec![Finding::new(Code::NoExternalId, msg, Some(c))],
            )
        }
        Accepted::Unknown(reason) => {
            let msg = format!(
                "could not prove which sts:ExternalId values {} is accepted with: {reason}",
                who(account)
            );
            (
                3,
                Vec::new(),
                vec![Finding::new(Code::ExternalIdUnproved, msg, None)],
            )
        }
        Accepted::Ids(ids) => {
            let (rank, values, mut found) = several_ids(account, ids);
            found.extend(super::org_ids::judged(&who(account), ids, ours));
            (rank, values, found)
        }
    }
}

/// The external IDs the role accepts: one fixed value is the one it should; several, or a
/// pattern, a finding (a pattern ranks above a list of fixed values).
fn several_ids(
    account: &str,
    ids: &[(IdTest, Option<Request>)],
) -> (usize, Vec<String>, Vec<Finding>) {
    let values: Vec<String> = ids.iter().map(|(t, _)| t.value.clone()).collect();
    let pattern = ids.iter().any(|(t, _)| !t.is_literal());
    if ids.len() == 1 && !pattern {
        return (0, values, Vec::new());
    }
    let shown: Vec<String> = ids
        .iter()
        .map(|(t, _)| format!("{} {:?}", t.op, t.value))
        .collect();
    let msg = format!(
        "{} can assume the role with more than one sts:ExternalId: {}",
        who(account),
        shown.join(", ")
    );
    let witness = ids
        .iter()
        .find(|(t, _)| !t.is_literal())
        .or(ids.last())
        .and_then(|(_, c)| c.as_ref());
    let rank = if pattern { 2 } else { 1 };
    (
        rank,
        values,
        vec![Finding::new(Code::ExternalIdPattern, msg, witness)],
    )
}

/// `other-principals`: proved over the policy with the partner accounts denied.
fn other_principals(policy: &Policy, role_arn: &str, accounts: &[String]) -> Option<Finding> {
    if accounts.iter().any(|a| a == ANYONE) {
        return None;
    }
    let mut narrowed = policy.clone();
    narrowed.statements.push(deny(
        ActionClause::Action(vec!["*".into()]),
        condition(
            OperatorKind::StringEquals,
            "aws:PrincipalAccount",
            accounts.to_vec(),
        ),
    ));
    let r = only_partner(&narrowed, role_arn, &accounts[0]);
    let partners = accounts.join(", ");
    match (r.verdict, &r.counterexample) {
        (Verdict::Proved, _) => None,
        (Verdict::Counterexample, Some(c)) => Some(Finding::new(
            Code::OtherPrincipals,
            format!(
                "principals outside the partner account(s) {partners} can assume the role: {}",
                c.principal
            ),
            Some(c),
        )),
        _ => Some(Finding::unproved(
            Code::OtherPrincipals,
            format!(
                "not proved that only the partner account(s) {partners} can assume the role: {}",
                r.reason
            ),
        )),
    }
}

/// The partner accounts that can assume the role, then every other principal the Allow
/// statements name, as written; all in the role's partition (a principal of another partition
/// can never assume it, see `iam::evaluate`).
fn assumable_by(policy: &Policy, role_arn: &str, accounts: &[String]) -> Vec<String> {
    let partition = split_arn(role_arn).map_or("aws", |[_, p, ..]| p);
    let elsewhere =
        |p: &str| split_arn(p).is_some_and(|[_, q, ..]| q != partition && !q.contains('*'));
    let mut out: Vec<String> = accounts
        .iter()
        .map(|a| {
            if a == ANYONE {
                "*".to_owned()
            } else {
                Arn::of(partition, a, AwsResource::Root).to_string()
            }
        })
        .collect();
    let mut rest = BTreeSet::new();
    for s in policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        match &s.principal {
            Some(PrincipalClause::Principal(Principals::Specific(m))) => {
                for p in &m.aws {
                    if !accounts.iter().any(|a| a == account_of(p)) && p != "*" && !elsewhere(p) {
                        rest.insert(p.clone());
                    }
                }
                rest.extend(m.service.iter().map(|s| format!("service:{s}")));
                rest.extend(m.federated.iter().map(|s| format!("federated:{s}")));
            }
            Some(PrincipalClause::Principal(Principals::Any)) => {}
            Some(PrincipalClause::NotPrincipal(_)) => {
                rest.insert("NotPrincipal".to_owned());
            }
            None => {}
        }
    }
    for r in rest {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}
