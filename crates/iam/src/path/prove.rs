//! The two claims over the whole path, each with a replayable counterexample:
//! - availability: for each target, `sts:AssumeRole` by the partner with the external ID and
//!   `lambda:InvokeFunction` by the role's session are both allowed, end to end;
//! - security: nobody but the role gets into a target through the function's resource policy
//!   (another principal, `*`, a service principal without a source condition, the partner's
//!   account directly, bypassing the role and its external ID). Lambda Developer Guide,
//!   "Working with resource-based policies in Lambda" and "Granting Lambda function access to
//!   AWS services" (a service principal without `SourceArn`/`SourceAccount` may invoke for any
//!   account's resource):
//!   https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html,
//!   https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html
//!   (IAM User Guide, "The confused deputy problem",
//!   https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
//!
//! Part of `path`; every answer is a request run through `evaluate_hop`, so a counterexample is
//! one the evaluation confirms. Where the candidate requests do not decide a statement (its
//! conditions are not satisfied by the values it names itself) the answer is `unknown`, never
//! `proved`.

use serde::Serialize;

use super::super::eval::{evaluate, Decision, EvalInput, LabeledPolicy, Request};
use super::super::model::{Effect, OperatorKind, Policy, PrincipalClause, Principals, Statement};
use super::super::principal::is_account_id;
use super::hop::{evaluate_hop, ControlPolicies, Hop, HopEvaluation, PrincipalSide, ResourceSide};
use super::{is_service_linked, rcps_cover, Blocker, OrgPolicies, PathInput, PolicyKind, Target};
use crate::arn::{split, Arn};
use crate::prove::{self_contained, Counterexample};

/// The action Genesys calls on each target.
const INVOKE: &str = "lambda:InvokeFunction";
/// The session name the availability requests use for the role's session.
const SESSION: &str = "lambda-trust-path";

/// Both claims, per target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathReport {
    /// Genesys gets through, per target.
    pub availability: Vec<Availability>,
    /// Nobody else gets in, per target.
    pub security: Vec<Security>,
}

impl PathReport {
    /// Both claims for every target of `input`.
    pub fn new(input: &PathInput) -> PathReport {
        PathReport {
            availability: availability(input),
            security: security(input),
        }
    }
}

/// The availability verdict for one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AvailabilityVerdict {
    /// Both requests are allowed, with every applicable policy known.
    Proved,
    /// A request is denied: `request` and `blockers` say which and by what.
    Blocked,
    /// Both requests are allowed by the policies known, but some that apply were not read.
    NotProved,
}

/// Whether Genesys gets through to one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Availability {
    /// The target's ARN.
    pub target: String,
    /// Proved, blocked, or not proved.
    pub verdict: AvailabilityVerdict,
    /// Blocked: the denied request (replayable); otherwise `None`.
    pub request: Option<Counterexample>,
    /// Blocked: the decision on it.
    pub decision: Option<Decision>,
    /// Blocked: the policies that stop it.
    pub blockers: Vec<Blocker>,
    /// Not proved: why (which organization policies were not read).
    pub reason: Option<String>,
}

/// How a way into a target gets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WayIn {
    /// `"Principal": "*"` (or `{"AWS": "*"}`, or an Allow with `NotPrincipal`): any AWS
    /// principal of any account.
    Anyone,
    /// The partner's own account, directly: it bypasses the role and its external ID.
    PartnerDirect,
    /// Another AWS account.
    OtherAccount,
    /// A named principal other than the role (a user, another role, a session).
    OtherPrincipal,
    /// A service principal without an `aws:SourceArn`/`aws:SourceAccount` condition that keeps
    /// it to the function owner's resources (the confused-deputy guard).
    ServiceWithoutSource,
}

impl WayIn {
    /// The stable code reports use (`function-policy-anyone`, …).
    pub fn code(self) -> &'static str {
        match self {
            WayIn::Anyone => "function-policy-anyone",
            WayIn::PartnerDirect => "function-policy-partner-direct",
            WayIn::OtherAccount => "function-policy-other-account",
            WayIn::OtherPrincipal => "function-policy-other-principal",
            WayIn::ServiceWithoutSource => "function-policy-service-without-source",
        }
    }
}

/// One way into a target other than through the role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityFinding {
    /// How it gets in.
    pub way: WayIn,
    /// The function policy's statement that lets it in.
    pub statement: super::StatementId,
    /// A request the evaluation allows (replayable).
    pub request: Counterexample,
}

/// The security verdict for one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecurityVerdict {
    /// The function policy lets nobody but the role (and its own account's IAM) in.
    Proved,
    /// At least one way in: see `findings`.
    Counterexample,
    /// Not decided: see `unknown`.
    Unknown,
}

/// Who else gets into one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Security {
    /// The target's ARN.
    pub target: String,
    /// Proved, counterexample, or unknown.
    pub verdict: SecurityVerdict,
    /// Every way in found, each with its request.
    pub findings: Vec<SecurityFinding>,
    /// Statements not decided, and why.
    pub unknown: Vec<String>,
}

/// The SCPs over the role's account for the role's own requests.
fn scps_for<'a>(input: &'a PathInput, account: &str) -> ControlPolicies<'a> {
    if is_service_linked(&input.role.arn) {
        return ControlPolicies::NotApplicable("SCPs do not apply to service-linked roles");
    }
    org(input, account)
}

/// The RCPs over the resource's account for `action`.
fn rcps_for<'a>(input: &'a PathInput, account: &str, action: &str) -> ControlPolicies<'a> {
    if !rcps_cover(action) {
        return ControlPolicies::NotApplicable("RCPs do not cover this service");
    }
    org(input, account)
}

fn org<'a>(input: &'a PathInput, account: &str) -> ControlPolicies<'a> {
    match input.orgs.get(account) {
        None => ControlPolicies::NotRead("not given"),
        Some(OrgPolicies::NoOrganization) => ControlPolicies::NotApplicable("no organization"),
        Some(OrgPolicies::NotRead { reason }) => ControlPolicies::NotRead(reason),
        Some(OrgPolicies::Read {
            management_account: true,
            ..
        }) => ControlPolicies::NotApplicable("the management account"),
        Some(OrgPolicies::Read { levels, .. }) => ControlPolicies::Levels(levels),
    }
}

/// The role's account and partition, and its name (no path).
fn role_parts(arn: &str) -> (&str, &str, &str) {
    match split(arn) {
        Some([_, partition, _, _, account, resource]) => (
            partition,
            account,
            resource.rsplit('/').next().unwrap_or_default(),
        ),
        None => ("aws", "", ""),
    }
}

fn target_account(t: &Target) -> &str {
    split(&t.arn).map_or("", |f| f[4])
}

/// Availability for every target.
pub fn availability(input: &PathInput) -> Vec<Availability> {
    input.targets.iter().map(|t| one_target(input, t)).collect()
}

/// The partner's callers: as given, or its root and one role session.
fn partner_callers(input: &PathInput) -> Vec<String> {
    if !input.partner.principals.is_empty() {
        return input.partner.principals.clone();
    }
    let (partition, _, _) = role_parts(&input.role.arn);
    let acct = &input.partner.account;
    vec![
        Arn::iam(partition, acct, "root").to_string(),
        format!("arn:{partition}:sts::{acct}:assumed-role/GenesysCloudRole/{SESSION}"),
    ]
}

fn one_target(input: &PathInput, target: &Target) -> Availability {
    let role = &input.role;
    let (partition, role_account, role_name) = role_parts(&role.arn);
    let trust = LabeledPolicy::new("trust policy", role.trust.clone());
    let mut unread = Vec::new();
    for caller in partner_callers(input) {
        let assume = Request::new(caller, "sts:AssumeRole", &role.arn)
            .with_context("sts:ExternalId", &input.partner.external_id);
        let hop = Hop {
            request: &assume,
            // The partner is outside our organization: its account decides its own side, and our
            // SCPs do not apply to it.
            principal: PrincipalSide::External,
            resource: ResourceSide {
                kind: PolicyKind::Trust,
                policy: Some(&trust),
                account: role_account,
                rcps: rcps_for(input, role_account, "sts:AssumeRole"),
            },
        };
        let eval = evaluate_hop(&hop);
        if let Some(blocked) = blocked(input, target, &assume, &eval) {
            return blocked;
        }
        unread.extend(eval.unread);
    }
    let session = format!("arn:{partition}:sts::{role_account}:assumed-role/{role_name}/{SESSION}");
    // The session ARN does not carry the role's path: AWS sets aws:PrincipalArn to the role's.
    let invoke =
        Request::new(session, INVOKE, &target.arn).with_context("aws:PrincipalArn", &role.arn);
    let function_policy = target
        .resource_policy
        .clone()
        .map(|p| LabeledPolicy::new("function policy", p));
    let account = target_account(target);
    let hop = Hop {
        request: &invoke,
        principal: PrincipalSide::Internal {
            identity: &role.identity,
            boundary: role.boundary.as_ref(),
            scps: scps_for(input, role_account),
        },
        resource: ResourceSide {
            kind: PolicyKind::FunctionPolicy,
            policy: function_policy.as_ref(),
            account,
            rcps: rcps_for(input, account, INVOKE),
        },
    };
    let eval = evaluate_hop(&hop);
    if let Some(blocked) = blocked(input, target, &invoke, &eval) {
        return blocked;
    }
    unread.extend(eval.unread);
    unread.dedup();
    let verdict = if unread.is_empty() {
        AvailabilityVerdict::Proved
    } else {
        AvailabilityVerdict::NotProved
    };
    Availability {
        target: target.arn.clone(),
        verdict,
        request: None,
        decision: None,
        blockers: Vec::new(),
        reason: (!unread.is_empty())
            .then(|| format!("organization policies not read: {}", unread.join("; "))),
    }
}

/// Every policy of the input that governs `target`'s path.
fn all_policies<'a>(input: &'a PathInput, target: &'a Target) -> Vec<&'a Policy> {
    let role = &input.role;
    let mut out: Vec<&Policy> = vec![&role.trust];
    out.extend(role.identity.iter().map(|p| &p.policy));
    out.extend(role.boundary.iter().map(|p| &p.policy));
    out.extend(target.resource_policy.iter());
    for org in input.orgs.values() {
        if let OrgPolicies::Read { levels, .. } = org {
            for l in levels {
                out.extend(l.scps.iter().chain(&l.rcps).map(|p| &p.policy));
            }
        }
    }
    out
}

/// The request as a counterexample that replays anywhere: the keys AWS derives from the caller
/// that a policy tests are written into its context.
fn replayable(input: &PathInput, target: &Target, req: &Request) -> Counterexample {
    let mut req = req.clone();
    self_contained(all_policies(input, target), &mut req);
    req.into()
}

fn blocked(
    input: &PathInput,
    target: &Target,
    req: &Request,
    eval: &HopEvaluation,
) -> Option<Availability> {
    (eval.decision != Decision::Allow).then(|| Availability {
        target: target.arn.clone(),
        verdict: AvailabilityVerdict::Blocked,
        request: Some(replayable(input, target, req)),
        decision: Some(eval.decision),
        blockers: eval.blockers.clone(),
        reason: None,
    })
}

/// Security for every target.
pub fn security(input: &PathInput) -> Vec<Security> {
    input
        .targets
        .iter()
        .map(|t| target_security(input, t))
        .collect()
}

/// A caller the search tries, and how it would get in.
struct Candidate {
    way: WayIn,
    principal: String,
    service: bool,
}

fn target_security(input: &PathInput, target: &Target) -> Security {
    let mut findings = Vec::new();
    let mut unknown = Vec::new();
    let Some(policy) = &target.resource_policy else {
        return security_result(target, findings, unknown);
    };
    let labeled = LabeledPolicy::new("function policy", policy.clone());
    let account = target_account(target);
    for (index, stmt) in policy.statements.iter().enumerate() {
        if stmt.effect != Effect::Allow {
            continue;
        }
        for cand in candidates(input, target, stmt) {
            let mut found = false;
            for req in requests(&cand, target, stmt, input) {
                let hop = Hop {
                    request: &req,
                    principal: if cand.service {
                        PrincipalSide::Service
                    } else {
                        PrincipalSide::External
                    },
                    resource: ResourceSide {
                        kind: PolicyKind::FunctionPolicy,
                        policy: Some(&labeled),
                        account,
                        rcps: rcps_for(input, account, INVOKE),
                    },
                };
                let way_in = evaluate_hop(&hop).decision == Decision::Allow
                    && !(cand.service && own_source(&req, input, target));
                if way_in {
                    findings.push(SecurityFinding {
                        way: cand.way,
                        statement: super::StatementId {
                            index,
                            sid: stmt.sid.clone(),
                        },
                        request: replayable(input, target, &req),
                    });
                    found = true;
                    break;
                }
            }
            if !found && undecided(stmt, &cand, target, policy) {
                unknown.push(format!(
                    "statement {index}: its conditions were not decided for {}",
                    cand.principal
                ));
            }
        }
    }
    security_result(target, findings, unknown)
}

fn security_result(
    target: &Target,
    findings: Vec<SecurityFinding>,
    unknown: Vec<String>,
) -> Security {
    let verdict = if !findings.is_empty() {
        SecurityVerdict::Counterexample
    } else if !unknown.is_empty() {
        SecurityVerdict::Unknown
    } else {
        SecurityVerdict::Proved
    };
    Security {
        target: target.arn.clone(),
        verdict,
        findings,
        unknown,
    }
}

/// An account none of the input's accounts is, for "anyone" and "another account".
fn foreign_account(input: &PathInput, target: &Target) -> String {
    let ours = [
        role_parts(&input.role.arn).1,
        target_account(target),
        input.partner.account.as_str(),
    ];
    ["111122223333", "444455556666", "777788889999"]
        .into_iter()
        .find(|a| !ours.contains(a))
        .unwrap_or("111122223333")
        .to_owned()
}

/// The callers a statement's principal element names, other than the role and the accounts
/// whose own IAM decides (the role's and the function's).
fn candidates(input: &PathInput, target: &Target, stmt: &Statement) -> Vec<Candidate> {
    let (partition, role_account, role_name) = role_parts(&input.role.arn);
    let own = [role_account, target_account(target)];
    let session = |account: &str, role: &str| {
        format!("arn:{partition}:sts::{account}:assumed-role/{role}/caller")
    };
    let foreign = foreign_account(input, target);
    let anyone = || Candidate {
        way: WayIn::Anyone,
        principal: session(&foreign, "any-role"),
        service: false,
    };
    let map = match &stmt.principal {
        Some(PrincipalClause::Principal(Principals::Specific(map))) => map,
        Some(_) => return vec![anyone()],
        None => return Vec::new(),
    };
    let mut out: Vec<Candidate> = Vec::new();
    for value in &map.aws {
        let account = if is_account_id(value) {
            Some(value.as_str())
        } else {
            split(value)
                .filter(|f| f[2] == "iam" && f[5] == "root")
                .map(|f| f[4])
        };
        let cand = match account {
            _ if value == "*" => anyone(),
            Some(a) if own.contains(&a) => continue,
            Some(a) => Candidate {
                way: if a == input.partner.account {
                    WayIn::PartnerDirect
                } else {
                    WayIn::OtherAccount
                },
                principal: session(a, "any-role"),
                service: false,
            },
            None => {
                let is_role = split(value).is_some_and(|f| {
                    f[4] == role_account && f[5].rsplit('/').next() == Some(role_name)
                });
                if is_role {
                    continue;
                }
                let principal = match split(value) {
                    Some([_, _, "iam", _, acct, r]) if r.starts_with("role/") => {
                        session(acct, r.rsplit('/').next().unwrap_or_default())
                    }
                    _ => value.clone(),
                };
                let partner = split(value).is_some_and(|f| f[4] == input.partner.account);
                Candidate {
                    way: if partner {
                        WayIn::PartnerDirect
                    } else {
                        WayIn::OtherPrincipal
                    },
                    principal,
                    service: false,
                }
            }
        };
        out.push(cand);
    }
    out.extend(map.service.iter().map(|s| Candidate {
        way: WayIn::ServiceWithoutSource,
        principal: s.clone(),
        service: true,
    }));
    out
}

/// The context keys that keep a service principal to the owner's resources.
const SOURCE_KEYS: &[&str] = &["aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid"];

/// The requests tried for one candidate: the bare call (for a service, one made for another
/// account's resource: the confused deputy), then the same with the values the statement's own
/// conditions name.
fn requests(
    cand: &Candidate,
    target: &Target,
    stmt: &Statement,
    input: &PathInput,
) -> Vec<Request> {
    let mut base = Request::new(&cand.principal, INVOKE, &target.arn);
    if cand.service {
        let foreign = foreign_account(input, target);
        let (partition, _, _) = role_parts(&input.role.arn);
        let region = split(&target.arn).map_or("", |f| f[3]);
        let service = cand.principal.split('.').next().unwrap_or_default();
        base = base
            .with_context("aws:SourceAccount", &foreign)
            .with_context(
                "aws:SourceArn",
                format!("arn:{partition}:{service}:{region}:{foreign}:other"),
            );
    }
    let mut satisfying = base.clone();
    for c in &stmt.conditions {
        if c.operator.set.is_some() || !positive(c.operator.kind) {
            continue;
        }
        let Some(v) = c.values.first() else {
            continue;
        };
        let key = c.key.to_lowercase();
        if DERIVED.contains(&key.as_str()) {
            // A key that follows the caller: pick the caller that has the value instead.
            if cand.service {
                continue;
            }
            match caller_with(&key, v, input) {
                Some(p) => satisfying.principal = p,
                None => continue,
            }
            continue;
        }
        let written = satisfying
            .context
            .keys()
            .find(|k| k.eq_ignore_ascii_case(&c.key))
            .cloned()
            .unwrap_or_else(|| c.key.clone());
        satisfying.context.insert(written, vec![v.clone()]);
    }
    let own = [role_parts(&input.role.arn).1, target_account(target)];
    let outside = !own.contains(&crate::arn::account_of(&satisfying.principal));
    if satisfying == base || !outside {
        vec![base]
    } else {
        vec![base, satisfying]
    }
}

/// The context keys AWS derives from the caller (never the caller's free choice).
const DERIVED: &[&str] = &[
    "aws:principalaccount",
    "aws:principalarn",
    "aws:userid",
    "aws:username",
    "aws:principaltype",
];

/// A caller whose derived `key` has `value`: a role session in that account, or of that role.
fn caller_with(key: &str, value: &str, input: &PathInput) -> Option<String> {
    let (partition, _, _) = role_parts(&input.role.arn);
    match key {
        "aws:principalaccount" if is_account_id(value) => Some(format!(
            "arn:{partition}:sts::{value}:assumed-role/any-role/caller"
        )),
        "aws:principalarn" if !value.contains(['*', '?']) => match split(value) {
            Some([_, p, "iam", _, acct, r]) if r.starts_with("role/") => Some(format!(
                "arn:{p}:sts::{acct}:assumed-role/{}/caller",
                r.rsplit('/').next().unwrap_or_default()
            )),
            _ => None,
        },
        _ => None,
    }
}

/// A service call made for the owner's own resources is what a source condition is for: not
/// a way in.
fn own_source(req: &Request, input: &PathInput, target: &Target) -> bool {
    let own = [role_parts(&input.role.arn).1, target_account(target)];
    req.context.iter().any(|(k, v)| {
        let key = k.to_lowercase();
        (key == "aws:sourceaccount" && v.iter().any(|a| own.contains(&a.as_str())))
            || (key == "aws:sourcearn"
                && v.iter()
                    .any(|a| split(a).is_some_and(|f| own.contains(&f[4]))))
    })
}

/// Operators whose first value, given as the key's value, satisfies them (a `*`/`?` pattern
/// matches its own text).
fn positive(kind: OperatorKind) -> bool {
    matches!(
        kind,
        OperatorKind::StringEquals
            | OperatorKind::StringEqualsIgnoreCase
            | OperatorKind::StringLike
            | OperatorKind::ArnEquals
            | OperatorKind::ArnLike
            | OperatorKind::NumericEquals
            | OperatorKind::DateEquals
            | OperatorKind::Bool
            | OperatorKind::BinaryEquals
    )
}

/// Whether a statement whose requests were all denied may still let the candidate in: it
/// applies to the candidate's call once its conditions are set aside, and a condition (its own,
/// or a Deny's) was not decided by the requests tried. A service principal kept to a source
/// (`aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID`) by a condition is guarded.
fn undecided(stmt: &Statement, cand: &Candidate, target: &Target, policy: &Policy) -> bool {
    let mut bare = stmt.clone();
    bare.conditions.clear();
    let alone = EvalInput {
        resource_policy: Some(LabeledPolicy::new(
            "statement",
            Policy {
                version: policy.version,
                id: None,
                statements: vec![bare],
            },
        )),
        ..EvalInput::default()
    };
    let req = Request::new(&cand.principal, INVOKE, &target.arn);
    if !evaluate(&alone, &req).allowed() {
        return false;
    }
    let conditional_deny = policy
        .statements
        .iter()
        .any(|s| s.effect == Effect::Deny && !s.conditions.is_empty());
    if cand.service {
        let guarded = stmt
            .conditions
            .iter()
            .any(|c| SOURCE_KEYS.contains(&c.key.to_lowercase().as_str()));
        return !guarded || conditional_deny;
    }
    !stmt.conditions.is_empty() || conditional_deny
}
