//! The guardrail's claims over the organization's RCPs as they stand or will stand, each
//! decided by the trust analysis `audit` uses (`trust::accepted`, the prover underneath):
//! - availability: each read role that admits a partner request with one of your IDs today
//!   still admits it under every RCP over its account;
//! - exclusivity: under those RCPs, a role of any name that trusts the partner account with no
//!   condition at all admits it only with one of your IDs — then so does every covered role,
//!   since a trust policy can only narrow what the RCPs let through — and each read role too;
//! - no collateral: each statement of the guardrail holds only when `aws:PrincipalAccount` is a
//!   partner account (`StringEquals`), so for any other caller it is absent from the
//!   evaluation: decided from the document, not sampled;
//! - syntax: a customer RCP AWS Organizations stores (`document::rcp_problem`).
//!
//! RCPs hold only Deny statements besides `RCPFullAWSAccess`'s Allow of everything, which is
//! attached at every level and cannot be detached: a request a role's trust policy lets in is
//! let in under the RCPs exactly when no RCP's Deny matches it (AWS Organizations User Guide,
//! "RCP evaluation"). So each question is the trust policy with the RCPs' Deny statements
//! added, which `trust::accepted` answers.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use lambda_trust_iam::{
    evaluate, Arn, AwsResource, Effect, EvalInput, LabeledPolicy, OperatorKind, Policy, Request,
    ResourceClause, Statement, Verdict,
};

use super::document::is_account;
use super::model::{GuardrailClaim, GuardrailProperty as Property, GuardrailRoles};
use super::model::{GuardrailSpec, RoleUnder};
use super::probe::{beyond, only_with, under, Admitted};
use crate::organization::OrgTree;
use crate::trust::{accepted, Accepted};

/// The role name the exclusivity proof stands a role of any name for.
pub(super) const ANY_ROLE: &str = "lambda-trust-guardrail-any-role";

/// The guardrail as it stands or will stand: its document and where it is attached.
pub(crate) struct Attached<'a> {
    pub(crate) document: &'a Value,
    pub(crate) targets: &'a [String],
}

/// What the proofs found.
#[derive(Default)]
pub(crate) struct Proofs {
    pub(crate) claims: Vec<GuardrailClaim>,
    pub(crate) stops: Vec<RoleUnder>,
    pub(crate) uncovered: Vec<RoleUnder>,
    pub(crate) not_read: Vec<String>,
    pub(crate) not_read_uncovered: Vec<String>,
}

/// The Deny statements over one account: the other RCPs' (`Err` names one whose document does
/// not parse), and the guardrail's when it covers the account.
pub(super) struct Over {
    covered: bool,
    others: Result<Vec<Statement>, String>,
    guardrail: Vec<Statement>,
}

impl Over {
    /// Every Deny over the account, the guardrail's included.
    fn all(&self) -> Result<Vec<Statement>, String> {
        let mut all = self.others.clone()?;
        all.extend(self.guardrail.iter().cloned());
        Ok(all)
    }
}

pub(crate) fn prove(
    tree: &OrgTree,
    spec: &GuardrailSpec,
    ours: &Attached,
    roles: &GuardrailRoles,
) -> Proofs {
    let mut proofs = Proofs::default();
    proofs.claims.push(syntax(ours.document));
    proofs
        .claims
        .push(no_collateral(ours.document, &spec.partners));
    let over: BTreeMap<String, Over> = (tree.members().into_iter())
        .map(|a| {
            let o = over_account(tree, ours, &a);
            (a, o)
        })
        .collect();
    proofs
        .claims
        .push(exclusive_for_any_role(tree, spec, ours, &over));
    let judged = judge_roles(tree, spec, ours, &over, roles, &mut proofs);
    proofs.claims.push(judged.availability);
    if let Some(c) = judged.exclusivity {
        proofs.claims.push(c);
    }
    proofs
}

fn claim(property: Property, verdict: Verdict, detail: String) -> GuardrailClaim {
    GuardrailClaim {
        property,
        verdict,
        detail,
        counterexample: None,
        roles: Vec::new(),
    }
}

fn syntax(document: &Value) -> GuardrailClaim {
    match super::document::rcp_problem(document) {
        None => claim(
            Property::Syntax,
            Verdict::Proved,
            "a resource control policy AWS Organizations accepts, within 5,120 characters".into(),
        ),
        Some(why) => claim(Property::Syntax, Verdict::Counterexample, why),
    }
}

/// Decided from the document: every statement needs `aws:PrincipalAccount` to equal a
/// partner account. When one does not, a request from another account that it denies is the
/// counterexample; when none is found, unknown.
fn no_collateral(document: &Value, partners: &[String]) -> GuardrailClaim {
    let Ok(policy) = Policy::try_from(document) else {
        let why = "the document does not parse".to_owned();
        return claim(Property::NoCollateral, Verdict::Unknown, why);
    };
    let held = |s: &Statement| {
        s.conditions.iter().any(|c| {
            c.operator.kind == OperatorKind::StringEquals
                && c.operator.set.is_none()
                && !c.operator.if_exists
                && c.key.eq_ignore_ascii_case("aws:PrincipalAccount")
                && !c.values.is_empty()
                && c.values.iter().all(|v| partners.contains(v))
        })
    };
    if policy.statements.iter().all(held) {
        let detail = format!(
            "each statement applies only to requests from {}: any other caller's request is \
             decided as without it",
            partners.join(", ")
        );
        return claim(Property::NoCollateral, Verdict::Proved, detail);
    }
    match collateral_request(&policy) {
        Some(c) => GuardrailClaim {
            counterexample: Some(c),
            ..claim(
                Property::NoCollateral,
                Verdict::Counterexample,
                "a statement applies to callers outside the partner accounts".into(),
            )
        },
        None => claim(
            Property::NoCollateral,
            Verdict::Unknown,
            "a statement is not conditioned on aws:PrincipalAccount alone".into(),
        ),
    }
}

/// A request from an account that is no partner, which the document denies.
fn collateral_request(policy: &Policy) -> Option<Request> {
    let input = EvalInput {
        identity_policies: vec![LabeledPolicy::new("guardrail", allow_all())],
        resource_policy: Some(LabeledPolicy::new("guardrail", policy.clone())),
        resource_policy_is_trust: false,
        boundary: None,
    };
    let role = "arn:aws:iam::111122223333:role/any";
    let caller = "arn:aws:iam::444455556666:role/caller";
    let plain = Request::new(caller, "sts:AssumeRole", role)
        .with_context("aws:PrincipalAccount", "444455556666");
    let with_id = plain.clone().with_context("sts:ExternalId", "another-id");
    [plain, with_id]
        .into_iter()
        .find(|r| evaluate(&input, r).decision == lambda_trust_iam::Decision::ExplicitDeny)
}

fn allow_all() -> Policy {
    let all = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    Policy::try_from(&all).expect("a valid policy")
}

pub(super) fn over_account(tree: &OrgTree, ours: &Attached, account: &str) -> Over {
    let chain = tree.chain(account);
    let covered = ours.targets.iter().any(|t| chain.contains(t));
    let guardrail = if covered {
        denies_of(ours.document)
    } else {
        Ok(Vec::new())
    };
    let mut others = Ok(Vec::new());
    for p in tree.others_over(account) {
        match (&mut others, denies_of(&p.document)) {
            (Ok(all), Ok(d)) => all.extend(d),
            (Ok(_), Err(e)) => {
                others = Err(format!(
                    "RCP {} ({}) over {account} does not parse: {e}",
                    p.name, p.id
                ))
            }
            (Err(_), _) => {}
        }
    }
    match guardrail {
        Ok(guardrail) => Over {
            covered,
            others,
            guardrail,
        },
        Err(e) => Over {
            covered,
            others: Err(format!("the guardrail does not parse: {e}")),
            guardrail: Vec::new(),
        },
    }
}

pub(crate) fn denies_of(document: &Value) -> Result<Vec<Statement>, String> {
    let p = Policy::try_from(document).map_err(|e| e.to_string())?;
    Ok(p.statements
        .into_iter()
        .filter(|s| s.effect == Effect::Deny)
        .collect())
}

/// Your IDs a role admits, each with the request that shows it.
fn ours_admitted(got: &Accepted, ours: &[String]) -> Vec<(String, Option<Request>)> {
    let Accepted::Ids(ids) = got else {
        return Vec::new();
    };
    (ids.iter())
        .filter(|(t, _)| t.is_literal() && ours.contains(&t.value))
        .map(|(t, c)| (t.value.clone(), c.clone()))
        .collect()
}

/// Whether each of the guardrail's statements that could apply to a role of any name (not
/// exempted) covers every role: `Resource` `*` or `NotResource` of exact ARNs.
fn covers_every_role(document: &Value) -> bool {
    let Ok(p) = Policy::try_from(document) else {
        return false;
    };
    p.statements.iter().all(|s| match &s.resource {
        Some(ResourceClause::Resource(r)) => r.iter().any(|v| v == "*"),
        Some(ResourceClause::NotResource(r)) => r.iter().all(|v| !v.contains(['*', '?'])),
        None => false,
    })
}

fn exclusive_for_any_role(
    tree: &OrgTree,
    spec: &GuardrailSpec,
    ours: &Attached,
    over: &BTreeMap<String, Over>,
) -> GuardrailClaim {
    let covered: Vec<(&String, &Over)> = over.iter().filter(|(_, o)| o.covered).collect();
    if covered.is_empty() {
        let why = "the guardrail covers no member account".to_owned();
        return claim(Property::Exclusivity, Verdict::Unknown, why);
    }
    if !covers_every_role(ours.document) {
        let why = "the guardrail's Resource does not cover every role (`*`, or NotResource of \
                   exact ARNs): only the roles read are judged"
            .to_owned();
        return claim(Property::Exclusivity, Verdict::Unknown, why);
    }
    // Accounts under the same RCPs share one proof.
    let mut groups: BTreeMap<String, (&String, &Over)> = BTreeMap::new();
    for (account, o) in &covered {
        let key: Vec<&str> = (tree.others_over(account).iter())
            .map(|p| p.id.as_str())
            .collect();
        groups.entry(key.join(",")).or_insert((account, o));
    }
    for (account, o) in groups.values() {
        if let Some(failed) = exclusive_in(tree, spec, account, o) {
            return failed;
        }
    }
    let sets = match groups.len() {
        1 => "one set of RCPs".to_owned(),
        n => format!("{n} distinct sets of RCPs"),
    };
    let detail = format!(
        "in each of the {} covered accounts ({sets}), a role of any name admits {} only with \
         one of your org IDs ({})",
        covered.len(),
        spec.partners.join(", "),
        spec.org_ids.len()
    );
    claim(Property::Exclusivity, Verdict::Proved, detail)
}

/// `None` when proved for a role of any name in `account`, else the failed or unknown claim.
pub(super) fn exclusive_in(
    tree: &OrgTree,
    spec: &GuardrailSpec,
    account: &str,
    o: &Over,
) -> Option<GuardrailClaim> {
    let denies = match o.all() {
        Ok(d) => d,
        Err(why) => return Some(claim(Property::Exclusivity, Verdict::Unknown, why)),
    };
    let role = Arn::of(&tree.partition, account, AwsResource::Role(ANY_ROLE)).to_string();
    match only_with(&role, &denies, &spec.partners, &spec.org_ids) {
        Ok(None) => None,
        Ok(Some(Admitted {
            partner,
            with,
            counterexample,
        })) => {
            let detail =
                format!("in account {account}, a role that trusts {partner} admits it with {with}");
            Some(GuardrailClaim {
                counterexample,
                ..claim(Property::Exclusivity, Verdict::Counterexample, detail)
            })
        }
        Err(why) => Some(claim(Property::Exclusivity, Verdict::Unknown, why)),
    }
}

/// The claims over the roles read.
struct RoleClaims {
    availability: GuardrailClaim,
    exclusivity: Option<GuardrailClaim>,
}

fn judge_roles(
    tree: &OrgTree,
    spec: &GuardrailSpec,
    ours: &Attached,
    over: &BTreeMap<String, Over>,
    roles: &GuardrailRoles,
    proofs: &mut Proofs,
) -> RoleClaims {
    let accounts = match roles {
        GuardrailRoles::NotRead(why) => {
            proofs
                .not_read
                .push(format!("the member accounts' roles: {why}"));
            let covered: Vec<&String> = (over.iter())
                .filter(|(_, o)| o.covered)
                .map(|(a, _)| a)
                .collect();
            let availability =
                super::availability::of_document(ours.document, spec, &tree.partition, &covered);
            return RoleClaims {
                availability,
                exclusivity: None,
            };
        }
        GuardrailRoles::Read(accounts) => accounts,
    };
    let mut tally = Tally::default();
    let (mut unread, mut unread_uncovered) = (Vec::new(), Vec::new());
    for (account, read) in accounts {
        match read {
            Ok(list) => {
                for (arn, trust, identity) in list {
                    let role = RoleAt {
                        account,
                        arn,
                        trust,
                        can: super::capability::capabilities(identity),
                    };
                    judge_role(tree, spec, over, &role, &mut tally, proofs);
                }
            }
            Err(why) if over.get(account).is_some_and(|o| o.covered) => {
                unread.push((account.as_str(), why.as_str()))
            }
            Err(why) => unread_uncovered.push((account.as_str(), why.as_str())),
        }
    }
    proofs.not_read.extend(by_cause(&unread));
    proofs
        .not_read_uncovered
        .extend(by_cause(&unread_uncovered));
    tally.claims(proofs.not_read.is_empty())
}

/// Accounts not read, one line per cause (the account's ID taken out of its error): `account
/// 1…: why`, or `22 accounts (1…, 2…, …): why`.
fn by_cause(unread: &[(&str, &str)]) -> Vec<String> {
    let mut causes: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (account, why) in unread {
        // One line: an error's hint follows its message in the same line.
        let cause = why.replace(account, "…").replace('\n', " ");
        causes.entry(cause).or_default().push(account);
    }
    (causes.into_iter())
        .map(|(cause, accounts)| match accounts.as_slice() {
            [one] => format!("account {one}: {cause}"),
            many => format!("{} accounts ({}): {cause}", many.len(), many.join(", ")),
        })
        .collect()
}

struct RoleAt<'a> {
    account: &'a str,
    arn: &'a str,
    trust: &'a Value,
    /// What it may do of Genesys Cloud's integrations (`capability`).
    can: Vec<String>,
}

/// What the roles read showed.
#[derive(Default)]
struct Tally {
    checked: usize,
    kept: usize,
    lost: Option<GuardrailClaim>,
    admitted: Option<GuardrailClaim>,
    unknown: Vec<String>,
}

/// `claim` naming every role it hits, the first one's request as its counterexample.
fn hit(found: &mut Option<GuardrailClaim>, first: impl FnOnce() -> GuardrailClaim, arn: &str) {
    let c = found.get_or_insert_with(first);
    if !c.roles.iter().any(|r| r == arn) {
        c.roles.push(arn.to_owned());
    }
}

impl Tally {
    fn claims(self, all_read: bool) -> RoleClaims {
        let availability = if let Some(lost) = self.lost {
            counted(lost, "roles it would shut")
        } else if !self.unknown.is_empty() || !all_read {
            let mut why = self.unknown;
            if !all_read {
                why.push("some accounts' roles were not read".into());
            }
            claim(Property::Availability, Verdict::Unknown, why.join("; "))
        } else if self.kept == 0 {
            let detail = format!(
                "none of the {} covered roles read admits Genesys Cloud with one of your org \
                 IDs today: it takes nothing away",
                self.checked
            );
            claim(Property::Availability, Verdict::Proved, detail)
        } else {
            let detail = format!(
                "{} of the {} covered roles read admit Genesys Cloud with one of your org IDs \
                 today, and each still does",
                self.kept, self.checked
            );
            claim(Property::Availability, Verdict::Proved, detail)
        };
        RoleClaims {
            availability,
            exclusivity: self.admitted.map(|c| counted(c, "roles it lets in")),
        }
    }
}

/// A failed claim's detail with the count of the roles it hits, when more than one.
fn counted(mut c: GuardrailClaim, what: &str) -> GuardrailClaim {
    if c.roles.len() > 1 {
        c.detail = format!("{}; {} {what} in all", c.detail, c.roles.len());
    }
    c
}

fn judge_role(
    tree: &OrgTree,
    spec: &GuardrailSpec,
    over: &BTreeMap<String, Over>,
    role: &RoleAt,
    tally: &mut Tally,
    proofs: &mut Proofs,
) {
    let trust = match Policy::try_from(role.trust) {
        Ok(p) => p,
        Err(e) => {
            let why = format!("{}: the trust policy does not parse: {e}", role.arn);
            return tally.unknown.push(why);
        }
    };
    let o = if role.account == tree.management_account || !is_account(role.account) {
        Err(format!(
            "the management account {} ({}): RCPs never apply there",
            role.account,
            tree.name_of(role.account)
        ))
    } else {
        match over.get(role.account) {
            None => Err("an account the organization does not list".to_owned()),
            Some(o) if !o.covered => Err("outside the guardrail's targets".to_owned()),
            Some(_) if spec.exempt.iter().any(|e| e == role.arn) => {
                return listed(spec, &trust, role, EXEMPT, &mut proofs.uncovered, tally);
            }
            Some(o) => Ok(o),
        }
    };
    match o {
        Err(why) => listed(spec, &trust, role, &why, &mut proofs.uncovered, tally),
        Ok(o) => covered_role(spec, &trust, role, o, tally, proofs),
    }
}

/// Why a role is stopped, and the way out for an integration's role.
fn stopped_why(role: &RoleAt) -> String {
    if !super::capability::an_integration(&role.can) {
        return "stopped: only your org IDs get in".into();
    }
    format!(
        "stopped: only your org IDs get in; it may do {} — a Genesys Cloud integration's \
         role: give it one of your org IDs as its external ID, or exempt it (--exempt-role {})",
        role.can.join(", "),
        role.arn
    )
}

/// Why an exempted role is listed.
const EXEMPT: &str = "exempted (--exempt-role): left as it is";

/// Lists `role` in `list` with `why` when a partner gets in without one of your IDs.
fn listed(
    spec: &GuardrailSpec,
    trust: &Policy,
    role: &RoleAt,
    why: &str,
    list: &mut Vec<RoleUnder>,
    tally: &mut Tally,
) {
    for partner in &spec.partners {
        match beyond(&accepted(trust, role.arn, partner), &spec.org_ids) {
            Ok(None) => {}
            Ok(Some((admits, _))) => list.push(RoleUnder {
                arn: role.arn.to_owned(),
                admits: format!("{partner}: {admits}"),
                why: why.to_owned(),
                can: role.can.clone(),
            }),
            Err(e) => tally.unknown.push(format!("{}: {e}", role.arn)),
        }
    }
}

fn covered_role(
    spec: &GuardrailSpec,
    trust: &Policy,
    role: &RoleAt,
    o: &Over,
    tally: &mut Tally,
    proofs: &mut Proofs,
) {
    let (others, all) = match (o.others.clone(), o.all()) {
        (Ok(others), Ok(all)) => (others, all),
        (Err(why), _) | (_, Err(why)) => return tally.unknown.push(why),
    };
    tally.checked += 1;
    let mut kept = false;
    for partner in &spec.partners {
        let today = accepted(&under(trust, &others), role.arn, partner);
        let then = accepted(&under(trust, &all), role.arn, partner);
        let seen = Seen {
            partner,
            today: &today,
            then: &then,
        };
        kept |= compare(spec, role, &seen, tally, proofs);
    }
    tally.kept += usize::from(kept);
}

/// One partner's answers for one role, today and under the guardrail.
struct Seen<'a> {
    partner: &'a str,
    today: &'a Accepted,
    then: &'a Accepted,
}

/// Records what the guardrail changes for one role and partner; whether the role admits the
/// partner with one of your IDs today.
fn compare(
    spec: &GuardrailSpec,
    role: &RoleAt,
    seen: &Seen,
    tally: &mut Tally,
    proofs: &mut Proofs,
) -> bool {
    let ours = &spec.org_ids;
    let wanted = ours_admitted(seen.today, ours);
    let still: Vec<String> = ours_admitted(seen.then, ours)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    for (id, request) in wanted.iter().filter(|(id, _)| !still.contains(id)) {
        let first = || GuardrailClaim {
            counterexample: request.clone(),
            ..claim(
                Property::Availability,
                Verdict::Counterexample,
                format!(
                    "{} admits {} with your org ID {id} today, and would not under the \
                     guardrail",
                    role.arn, seen.partner
                ),
            )
        };
        hit(&mut tally.lost, first, role.arn);
    }
    match beyond(seen.then, ours) {
        Ok(None) => {}
        Ok(Some((what, c))) => {
            let first = || GuardrailClaim {
                counterexample: c,
                ..claim(
                    Property::Exclusivity,
                    Verdict::Counterexample,
                    format!("{} still admits {} with {what}", role.arn, seen.partner),
                )
            };
            hit(&mut tally.admitted, first, role.arn);
        }
        Err(e) => tally.unknown.push(format!("{}: {e}", role.arn)),
    }
    match beyond(seen.today, ours) {
        Ok(Some((admits, _))) => proofs.stops.push(RoleUnder {
            arn: role.arn.to_owned(),
            admits: format!("{}: {admits}", seen.partner),
            why: stopped_why(role),
            can: role.can.clone(),
        }),
        Ok(None) => {}
        Err(e) => tally.unknown.push(format!("{}: {e}", role.arn)),
    }
    !wanted.is_empty()
}
