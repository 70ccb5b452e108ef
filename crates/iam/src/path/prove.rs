//! Availability: for each target, `sts:AssumeRole` by the partner with the external ID and
//! `lambda:InvokeFunction` by the role's session are both allowed, end to end; when not, the
//! denied request and every policy that stops it (security is `path::security`; both together
//! are `path::report`).
//!
//! Part of `path`; every answer is a request run through `evaluate_hop`.

use serde::Serialize;

use super::super::eval::{Decision, LabeledPolicy, Request};
use super::super::model::Policy;
use super::hop::{
    evaluate_hop, Hop, HopEvaluation, KnownKeys, PrincipalSide, ResourceSide, Unread,
};
use super::vocabulary::{
    is_service_linked, rcps_cover, Blocker, ControlPolicies, Known, OrgPolicies, PathInput,
    PolicyKind, RoleAccount, Target,
};
use crate::arn::{split, Arn};
use crate::prove::self_contained;

/// The action Genesys calls on each target.
pub(super) const INVOKE: &str = "lambda:InvokeFunction";
/// The session name the availability requests use for the role's session.
const SESSION: &str = "lambda-trust-path";

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
    pub request: Option<Request>,
    /// Blocked: the decision on it.
    pub(crate) decision: Option<Decision>,
    /// Blocked: the policies that stop it.
    pub blockers: Vec<Blocker>,
    /// Not proved: why (which organization policies were not read, each reason once, then
    /// anything else not known).
    pub reason: Option<String>,
    /// Not proved: what it depends on beyond organization policies that is not known (a
    /// function policy not read, whether the role is in the function's account).
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
pub(super) fn rcps_for<'a>(
    input: &'a PathInput,
    account: &str,
    action: &str,
) -> ControlPolicies<'a> {
    if !rcps_cover(action) {
        return ControlPolicies::NotApplicable("RCPs do not cover this service");
    }
    org(input, account)
}

fn org<'a>(input: &'a PathInput, account: &str) -> ControlPolicies<'a> {
    match input.orgs.get(account) {
        None => ControlPolicies::NotRead("not given"),
        Some(org) => org.governing(),
    }
}

/// The role's account and partition, and its name (no path).
pub(super) fn role_parts(arn: &str) -> (&str, &str, &str) {
    match split(arn) {
        Some([_, partition, _, _, account, resource]) => (
            partition,
            account,
            resource.rsplit('/').next().unwrap_or_default(),
        ),
        None => ("aws", "", ""),
    }
}

pub(super) fn target_account(t: &Target) -> &str {
    split(&t.arn).map_or("", |f| f[4])
}

/// Availability for every target.
pub(crate) fn availability(input: &PathInput) -> Vec<Availability> {
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
    let open = match (assume(input, target), invoke(input, target)) {
        (Err(blocked), _) | (_, Err(blocked)) => return *blocked,
        (Ok(mut a), Ok(b)) => {
            a.unread.extend(b.unread);
            a.unknown.extend(b.unknown);
            a
        }
    };
    let mut reasons: Vec<String> = not_read(&open.unread).into_iter().collect();
    for u in &open.unknown {
        if !reasons.contains(u) {
            reasons.push(u.clone());
        }
    }
    let verdict = match reasons.is_empty() {
        true => AvailabilityVerdict::Proved,
        false => AvailabilityVerdict::NotProved,
    };
    Availability {
        target: target.arn.clone(),
        verdict,
        request: None,
        decision: None,
        blockers: Vec::new(),
        reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
        unknown: open.unknown,
    }
}

/// Why availability is not proved, each reason said once: `organization policies not read
/// (SCPs and RCPs): WHY` when both kinds share it, else each kind with its own reason.
pub(super) fn not_read(unread: &[Unread]) -> Option<String> {
    // The kinds each distinct reason covers, SCPs before RCPs.
    let mut by_reason: Vec<(&str, Vec<PolicyKind>)> = Vec::new();
    for u in unread {
        match by_reason.iter_mut().find(|(r, _)| *r == u.reason) {
            Some((_, kinds)) if kinds.contains(&u.kind) => {}
            Some((_, kinds)) => kinds.push(u.kind),
            None => by_reason.push((&u.reason, vec![u.kind])),
        }
    }
    for (_, kinds) in &mut by_reason {
        kinds.sort_by_key(|k| *k != PolicyKind::Scp);
    }
    by_reason.sort_by_key(|(_, kinds)| kinds.first() != Some(&PolicyKind::Scp));
    let plural = |kinds: &[PolicyKind]| {
        let names: Vec<String> = kinds.iter().map(|k| format!("{}s", k.as_str())).collect();
        names.join(" and ")
    };
    match by_reason.as_slice() {
        [] => None,
        [(reason, kinds)] => Some(format!(
            "organization policies not read ({}): {reason}",
            plural(kinds)
        )),
        several => {
            let each: Vec<String> = several
                .iter()
                .map(|(reason, kinds)| format!("{} not read: {reason}", plural(kinds)))
                .collect();
            Some(format!(
                "organization policies not read: {}",
                each.join("; ")
            ))
        }
    }
}

/// What an allowed request leaves open: the organization policies that applied but were not
/// read, and whatever else it depends on that is not known.
#[derive(Default)]
struct Open {
    unread: Vec<Unread>,
    unknown: Vec<String>,
}

/// What one request says: `Err` with the blocked verdict, or `Ok` with what it leaves open.
type Step = Result<Open, Box<Availability>>;

/// `sts:AssumeRole` by each partner caller with the external ID.
fn assume(input: &PathInput, target: &Target) -> Step {
    let role = &input.role;
    let (_, role_account, _) = role_parts(&role.arn);
    let trust = LabeledPolicy::new("trust policy", role.trust.clone());
    let mut open = Open::default();
    let ours = our_organizations(input);
    for caller in partner_callers(input) {
        let mut req = direct(Request::new(caller, "sts:AssumeRole", &role.arn))
            .with_context("sts:ExternalId", &input.partner.external_id)
            // IAM User Guide, "Calling the IAM API using HTTP query requests": STS takes HTTPS
            // only.
            .with_context("aws:SecureTransport", "true");
        // The role is the resource: its tags are aws:ResourceTag/KEY (IAM User Guide, "AWS
        // global condition context keys").
        for (key, value) in role.tags.known().into_iter().flatten() {
            req = req.with_context(format!("aws:ResourceTag/{key}"), value);
        }
        let hop = Hop {
            request: &req,
            // The partner is outside our organization: its account decides its own side, and our
            // SCPs do not apply to it.
            principal: PrincipalSide::External,
            resource: ResourceSide {
                kind: PolicyKind::Trust,
                policy: Some(&trust),
                account: role_account,
                rcps: rcps_for(input, role_account, "sts:AssumeRole"),
            },
            known: KnownKeys {
                absent: &[],
                not_orgs: &ours,
                absent_prefixes: match role.tags.known() {
                    Some(_) => &["aws:resourcetag/"],
                    None => &[],
                },
            },
        };
        let eval = evaluate_hop(&hop);
        let step = judge(input, target, &req, eval)?;
        open.unread.extend(step.unread);
        open.unknown.extend(step.unknown);
    }
    Ok(open)
}

/// `lambda:InvokeFunction` on the target by the role's session. When the role's account is a
/// stand-in and the target names another account, the request is judged both ways — the role
/// in another account and in the function's — and only an answer both give is one.
fn invoke(input: &PathInput, target: &Target) -> Step {
    let (_, role_account, _) = role_parts(&input.role.arn);
    let account = target_account(target);
    match &input.role.account {
        RoleAccount::StandIn { reason } if account != role_account && !account.is_empty() => {
            let same = in_account(input, role_account, account);
            match (invoke_in(input, target), invoke_in(&same, target)) {
                (Err(a), Err(b)) => Err(common(a, &b)),
                (Ok(mut a), Ok(b)) => {
                    a.unread.extend(b.unread);
                    a.unknown.extend(b.unknown);
                    Ok(a)
                }
                (Ok(mut open), Err(_)) | (Err(_), Ok(mut open)) => {
                    open.unknown.push(format!(
                        "whether the role is in account {account}, the function's, is not \
                         known: {reason}"
                    ));
                    Ok(open)
                }
            }
        }
        _ => invoke_in(input, target),
    }
}

/// `input` with the role in `account` instead of the stand-in `stand_in` (its organization
/// policies, when given, are that account's).
fn in_account(input: &PathInput, stand_in: &str, account: &str) -> PathInput {
    let mut same = input.clone();
    if let Some([_, partition, _, _, _, resource]) = split(&input.role.arn) {
        same.role.arn = format!("arn:{partition}:iam::{account}:{resource}");
    }
    same.role.account = RoleAccount::Given;
    match input.orgs.get(stand_in) {
        Some(org) => same.orgs.insert(account.to_owned(), org.clone()),
        None => same.orgs.remove(account),
    };
    same
}

/// Blocked whichever account the role is in: what stops it both ways (else the first's).
fn common(mut first: Box<Availability>, second: &Availability) -> Box<Availability> {
    let both: Vec<Blocker> = (first.blockers.iter())
        .filter(|b| second.blockers.contains(b))
        .cloned()
        .collect();
    if !both.is_empty() {
        first.blockers = both;
    }
    first
}

/// A function policy that lets anyone invoke: what an unread one is judged as, so only the
/// known policies can block.
fn anyone_may_invoke() -> Policy {
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": "*", "Action": INVOKE, "Resource": "*"}]});
    Policy::try_from(&doc).expect("a valid policy")
}

fn invoke_in(input: &PathInput, target: &Target) -> Step {
    let role = &input.role;
    let (_, role_account, _) = role_parts(&role.arn);
    let (req, absent) = invoke_request(input, target);
    let tags = session_tags(role);
    // Not read: judged as letting anyone in, so only a known policy can block; never proved.
    let (function_policy, unknown) = match &target.resource_policy {
        Known::Known(p) => (p.clone(), None),
        Known::Unknown { reason } => (
            Some(anyone_may_invoke()),
            Some(format!("its function policy was not read: {reason}")),
        ),
    };
    let function_policy = function_policy.map(|p| LabeledPolicy::new("function policy", p));
    let account = target_account(target);
    let hop = Hop {
        request: &req,
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
        known: KnownKeys {
            absent: &absent,
            not_orgs: &[],
            absent_prefixes: match tags {
                Some(_) => &["aws:principaltag/"],
                None => &[],
            },
        },
    };
    let mut open = judge(input, target, &req, evaluate_hop(&hop))?;
    open.unknown.extend(unknown);
    Ok(open)
}

/// `lambda:InvokeFunction` on `target` by the role's session, with every key AWS sets that is
/// known (IAM User Guide, "AWS global condition context keys"), and the keys known absent.
fn invoke_request(input: &PathInput, target: &Target) -> (Request, Vec<&'static str>) {
    let role = &input.role;
    let (partition, role_account, role_name) = role_parts(&role.arn);
    let session = format!("arn:{partition}:sts::{role_account}:assumed-role/{role_name}/{SESSION}");
    // The session ARN does not carry the role's path: AWS sets aws:PrincipalArn to the role's.
    let mut req = direct(Request::new(session, INVOKE, &target.arn))
        .with_context("aws:PrincipalArn", &role.arn);
    // The invoke goes to the function's region, aws:RequestedRegion: without it a region-deny
    // SCP (`StringNotEquals aws:RequestedRegion`) would deny every target.
    if let Some([_, _, _, region, ..]) = crate::arn::split(&target.arn) {
        if !region.is_empty() {
            req = req.with_context("aws:RequestedRegion", region);
        }
    }
    let mut absent: Vec<&'static str> = Vec::new();
    // aws:PrincipalOrgID for a principal of an organization's account; aws:ResourceOrgID, the
    // function's account's organization (a resource perimeter's).
    let orgs = [
        (role_account, "aws:PrincipalOrgID", NOT_IN_AN_ORGANIZATION),
        (
            target_account(target),
            "aws:ResourceOrgID",
            NO_RESOURCE_ORGANIZATION,
        ),
    ];
    for (account, key, none) in orgs {
        match input.orgs.get(account) {
            Some(OrgPolicies::Read {
                organization_id: Some(id),
                ..
            }) => req = req.with_context(key, id),
            Some(OrgPolicies::NoOrganization) => absent.extend(none),
            _ => {}
        }
    }
    // The session's principal tags are the role's, unless the caller may pass session tags.
    for (key, value) in session_tags(role).into_iter().flatten() {
        req = req.with_context(format!("aws:PrincipalTag/{key}"), value);
    }
    (req, absent)
}

/// Keys AWS leaves out for a resource of an account in no organization.
const NO_RESOURCE_ORGANIZATION: &[&str] = &["aws:resourceorgid", "aws:resourceorgpaths"];

/// The role session's principal tags: the role's tags when known and the trust policy lets no
/// one pass session tags (`sts:TagSession`; IAM User Guide, "Passing session tags in AWS STS").
fn session_tags(
    role: &super::vocabulary::RoleSide,
) -> Option<&std::collections::BTreeMap<String, String>> {
    let tag_session = Request::new("*", "sts:TagSession", &role.arn);
    let names = |s: &crate::model::Statement| match &s.action {
        crate::model::ActionClause::Action(list) => list.iter().any(|a| {
            crate::wildcard::glob(&crate::wildcard::compile(a), &tag_session.action, true)
        }),
        crate::model::ActionClause::NotAction(_) => true,
    };
    let allows =
        (role.trust.statements.iter()).any(|s| s.effect == crate::model::Effect::Allow && names(s));
    role.tags.known().filter(|_| !allows)
}

/// Every policy of the input that governs `target`'s path.
fn all_policies<'a>(input: &'a PathInput, target: &'a Target) -> Vec<&'a Policy> {
    let role = &input.role;
    let mut out: Vec<&Policy> = vec![&role.trust];
    out.extend(role.identity.iter().map(|p| &p.policy));
    out.extend(role.boundary.iter().map(|p| &p.policy));
    out.extend(target.resource_policy.known().and_then(Option::as_ref));
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
pub(super) fn replayable(input: &PathInput, target: &Target, req: &Request) -> Request {
    let mut req = req.clone();
    self_contained(all_policies(input, target), &mut req);
    req
}

/// Keys AWS leaves out for a principal of an account in no organization (IAM User Guide, "AWS
/// global condition context keys": aws:PrincipalOrgID, aws:PrincipalOrgPaths).
const NOT_IN_AN_ORGANIZATION: &[&str] = &["aws:principalorgid", "aws:principalorgpaths"];

/// The organizations of the accounts given: the partner is in none of them.
fn our_organizations(input: &PathInput) -> Vec<String> {
    (input.orgs.values())
        .filter_map(|o| match o {
            OrgPolicies::Read {
                organization_id: Some(id),
                ..
            } => Some(id.clone()),
            _ => None,
        })
        .collect()
}

/// A request a principal makes itself: AWS puts `aws:ViaAWSService` and
/// `aws:PrincipalIsAWSService` in every signed request, both false for a principal calling
/// directly (IAM User Guide, "AWS global condition context keys").
fn direct(req: Request) -> Request {
    req.with_context("aws:ViaAWSService", "false")
        .with_context("aws:PrincipalIsAWSService", "false")
}

/// One hop's answer: blocked when a policy stops the request whatever the keys it lacks are;
/// otherwise what it leaves open — the organization policies not read, and the statements whose
/// conditions read keys the path cannot know for Genesys Cloud's request (then neither a block
/// nor a proof).
fn judge(input: &PathInput, target: &Target, req: &Request, eval: HopEvaluation) -> Step {
    if !eval.settled() {
        let each: Vec<String> = eval.unsettled.iter().map(ToString::to_string).collect();
        let org_key = (eval.unsettled.iter().flat_map(|u| &u.keys))
            .any(|k| k.to_lowercase().starts_with("aws:principalorg"));
        let hint = match org_key {
            true => {
                " (give the organization's ID, \"organization\": \"o-…\" in the \
                     --org-policies files, to decide it: Genesys Cloud's principal is outside \
                     your organization)"
            }
            false => "",
        };
        return Ok(Open {
            unread: eval.unread,
            unknown: vec![format!(
                "{} depends on condition keys the path does not know for Genesys Cloud's \
                 request: {}{hint}",
                req.action,
                each.join("; ")
            )],
        });
    }
    if eval.decision != Decision::Allow {
        return Err(Box::new(Availability {
            target: target.arn.clone(),
            verdict: AvailabilityVerdict::Blocked,
            request: Some(replayable(input, target, req)),
            decision: Some(eval.decision),
            blockers: eval.blockers,
            reason: None,
            unknown: Vec::new(),
        }));
    }
    Ok(Open {
        unread: eval.unread,
        unknown: Vec::new(),
    })
}
