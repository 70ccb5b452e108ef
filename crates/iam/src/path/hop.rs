//! One request of the path (one "hop") evaluated against every policy that governs it: the
//! caller's identity policies and boundary, the SCPs over the caller's account, the resource's
//! policy (trust or function policy) and the RCPs over the resource's account.
//!
//! Part of `path`. Each policy set is evaluated by `iam::evaluate`; this file only combines the
//! answers by the rules cited in `path`'s header, and names the policy that stops a request.

use serde::Serialize;

use super::super::eval::{
    evaluate, unsettled, Decision, EvalInput, KeyFacts, LabeledPolicy, Request, StatementRef,
};
use super::super::model::{PrincipalClause, Principals};
use super::super::principal::{is_account_id, principal_account, principal_matches};
use super::vocabulary::{
    BlockReason, Blocker, ControlPolicies, Level, OrgLevel, OrgPolicy, PolicyKind, StatementId,
};

/// Who makes the request.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PrincipalSide<'a> {
    /// A principal of an account whose policies we hold (the role's session).
    Internal {
        /// Its identity-based policies.
        identity: &'a [LabeledPolicy],
        /// Its permissions boundary.
        boundary: Option<&'a LabeledPolicy>,
        /// The SCPs over its account.
        scps: ControlPolicies<'a>,
    },
    /// A principal of an account outside our view (the partner, anyone else): its own
    /// account's policies are taken to allow (they are the caller's choice), and SCPs of our
    /// organization do not apply to it.
    External,
    /// An AWS service principal (`events.amazonaws.com`): only the resource policy can allow it.
    Service,
}

/// The resource and its governing policies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResourceSide<'a> {
    /// [`PolicyKind::Trust`] (the request is `sts:AssumeRole`) or [`PolicyKind::FunctionPolicy`].
    pub kind: PolicyKind,
    /// The trust policy, or the function's resource policy (`None`: it has none).
    pub policy: Option<&'a LabeledPolicy>,
    /// The account that owns the resource.
    pub account: &'a str,
    /// The RCPs over that account, for this action.
    pub rcps: ControlPolicies<'a>,
}

/// One request and everything that governs it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hop<'a> {
    /// The request.
    pub request: &'a Request,
    /// The caller's side.
    pub principal: PrincipalSide<'a>,
    /// The resource's side.
    pub resource: ResourceSide<'a>,
    /// What is known of the keys the request does not carry.
    pub known: KnownKeys<'a>,
}

/// What is known of context keys a hop's request does not carry, beyond the keys no direct
/// call carries: a statement reading a key neither carried nor known about leaves the hop
/// unsettled.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct KnownKeys<'a> {
    /// Keys (lowercased) absent from the real request: `aws:principalorgid` for a principal of
    /// an account in no organization.
    pub(crate) absent: &'a [&'a str],
    /// Organizations the caller's is known not to be (the partner is outside every
    /// organization given): its `aws:PrincipalOrgID` is none of them and its
    /// `aws:PrincipalOrgPaths` start with none of them.
    pub(crate) not_orgs: &'a [String],
    /// Prefixes (lowercased) of keys whose every present value is in the request, so one not
    /// there is absent: `aws:resourcetag/` when the role's tags are known, `aws:principaltag/`
    /// when its session's are.
    pub(crate) absent_prefixes: &'a [&'a str],
}

impl KnownKeys<'_> {
    fn never_among(&self, key: &str, values: &[String]) -> bool {
        let ours = |v: &String| {
            self.not_orgs.iter().any(|o| match key {
                "aws:principalorgid" => v == o,
                _ => v.split('/').next() == Some(o.as_str()),
            })
        };
        matches!(key, "aws:principalorgid" | "aws:principalorgpaths")
            && !values.is_empty()
            && values.iter().all(ours)
    }
}

/// The decision on one hop and, when it is not Allow, every policy that stops it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct HopEvaluation {
    /// Allow, ExplicitDeny, ImplicitDeny or Malformed (as `iam::evaluate` names them).
    pub decision: Decision,
    /// The policies that stop it (empty on Allow).
    pub(crate) blockers: Vec<Blocker>,
    /// Organization policies that apply but were not read (which kind, and why): an Allow with
    /// any of these is not a proof.
    pub(crate) unread: Vec<Unread>,
    /// Malformed only: why the request cannot exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) malformed: Option<String>,
    /// Statements that name the request but whose conditions read keys the request does not
    /// carry (a source IP, a VPC, a tag): the decision may differ for the real request.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) unsettled: Vec<UnsettledStatement>,
}

/// A statement on a hop whose conditions read context keys the request does not carry, so
/// what it decides for the real request is not known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct UnsettledStatement {
    /// The kind of policy it is in.
    pub(crate) kind: PolicyKind,
    /// The policy's name or label, as a [`Blocker`] names it.
    pub(crate) policy_name: String,
    /// The statement.
    pub(crate) statement: StatementId,
    /// The keys it reads that the request lacks.
    pub(crate) keys: Vec<String>,
}

impl std::fmt::Display for UnsettledStatement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: statement {}",
            self.kind.as_str(),
            self.policy_name,
            self.statement.index
        )?;
        if let Some(sid) = &self.statement.sid {
            write!(f, " (Sid {sid})")?;
        }
        write!(f, " reads {}", self.keys.join(", "))
    }
}

/// SCPs or RCPs that apply to a request but were not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Unread {
    /// [`PolicyKind::Scp`] or [`PolicyKind::Rcp`].
    pub(crate) kind: PolicyKind,
    /// Why they were not read, as the caller phrased it.
    pub(crate) reason: String,
}

impl HopEvaluation {
    /// Whether the decision holds whatever the keys the request lacks are: no statement reads
    /// one, or a Deny that reads none of them matched.
    pub(crate) fn settled(&self) -> bool {
        self.unsettled.is_empty()
            || self.blockers.iter().any(|b| {
                b.reason == BlockReason::ExplicitDeny
                    && !self.unsettled.iter().any(|u| {
                        u.kind == b.kind
                            && u.policy_name == b.policy_name
                            && Some(&u.statement) == b.statement.as_ref()
                    })
            })
    }
}

/// Evaluates one hop by AWS's evaluation logic across every policy type.
pub(crate) fn evaluate_hop(hop: &Hop<'_>) -> HopEvaluation {
    let req = hop.request;
    let empty = evaluate(&EvalInput::default(), req);
    if empty.decision == Decision::Malformed {
        return HopEvaluation {
            decision: Decision::Malformed,
            blockers: Vec::new(),
            unread: Vec::new(),
            malformed: empty.malformed,
            unsettled: Vec::new(),
        };
    }
    let mut blockers = Vec::new();
    let mut unread = Vec::new();
    if let PrincipalSide::Internal { scps, .. } = hop.principal {
        control(scps, PolicyKind::Scp, req, &mut blockers, &mut unread);
    }
    control(
        hop.resource.rcps,
        PolicyKind::Rcp,
        req,
        &mut blockers,
        &mut unread,
    );
    blockers.extend(core(hop));
    let decision = if blockers
        .iter()
        .any(|b| b.reason == BlockReason::ExplicitDeny)
    {
        Decision::ExplicitDeny
    } else if blockers.is_empty() {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    };
    HopEvaluation {
        decision,
        blockers,
        unread,
        malformed: None,
        unsettled: unsettled_on(hop),
    }
}

/// The SCPs (`scps`) and RCPs (`rcps`) over one request: (decision, each stopping policy as a
/// line, why organization policies that apply were not known). The request is taken as
/// complete (a key it lacks is absent).
pub(super) fn organization_stops(
    req: &Request,
    scps: ControlPolicies<'_>,
    rcps: ControlPolicies<'_>,
) -> (Decision, Vec<String>, Vec<String>) {
    let (mut blockers, mut unread) = (Vec::new(), Vec::new());
    control(scps, PolicyKind::Scp, req, &mut blockers, &mut unread);
    control(rcps, PolicyKind::Rcp, req, &mut blockers, &mut unread);
    let decision = match () {
        _ if blockers
            .iter()
            .any(|b| b.reason == BlockReason::ExplicitDeny) =>
        {
            Decision::ExplicitDeny
        }
        _ if !blockers.is_empty() => Decision::ImplicitDeny,
        _ => Decision::Allow,
    };
    let stopped = blockers.iter().map(ToString::to_string).collect();
    let not_read = (unread.iter())
        .map(|u| format!("{}s: {}", u.kind.as_str(), u.reason))
        .collect();
    (decision, stopped, not_read)
}

/// Context keys AWS leaves out of a request a principal makes itself (no service acting for a
/// resource, no service calling on its behalf): IAM User Guide, "AWS global condition context
/// keys" (aws:SourceArn, aws:SourceAccount, aws:SourceOrgID, aws:SourceOrgPaths,
/// aws:CalledVia…: "included … only if" a service makes the call), and the Lambda keys of other
/// invocations (Service Authorization Reference, AWS Lambda: lambda:FunctionUrlAuthType for
/// function URLs, lambda:EventSourceToken for Alexa).
const ABSENT_IN_DIRECT_CALLS: &[&str] = &[
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "lambda:functionurlauthtype",
    "lambda:eventsourcetoken",
];

/// Whether `key` (lowercased) is absent from a direct request for `action`: one of the keys
/// above, or a key of another service than the action's.
fn absent_in_direct_call(key: &str, action: &str) -> bool {
    let service = action.split(':').next().unwrap_or("").to_lowercase();
    let prefix = key.split(':').next().unwrap_or("");
    ABSENT_IN_DIRECT_CALLS.contains(&key) || (prefix != "aws" && prefix != service)
}

/// Every statement on the hop that names the request but reads keys it does not carry.
fn unsettled_on(hop: &Hop<'_>) -> Vec<UnsettledStatement> {
    let req = hop.request;
    let absent = |key: &str| {
        absent_in_direct_call(key, &req.action)
            || hop.known.absent.contains(&key)
            || hop.known.absent_prefixes.iter().any(|p| key.starts_with(p))
    };
    let never_among = |key: &str, values: &[String]| hop.known.never_among(key, values);
    let facts = KeyFacts {
        absent: &absent,
        never_among: &never_among,
    };
    let mut out = Vec::new();
    let mut add = |kind: PolicyKind, name: &str, policy: &LabeledPolicy, resource: bool| {
        out.extend(
            unsettled(policy, resource, req, &facts)
                .into_iter()
                .map(|u| UnsettledStatement {
                    kind,
                    policy_name: name.to_owned(),
                    statement: statement_id(&u.statement),
                    keys: u.keys,
                }),
        );
    };
    if let PrincipalSide::Internal {
        identity,
        boundary,
        scps,
    } = hop.principal
    {
        if let ControlPolicies::Levels(levels) = scps {
            for p in levels.iter().flat_map(|l| &l.scps) {
                add(PolicyKind::Scp, &p.name, &labeled(p), false);
            }
        }
        for p in identity {
            add(PolicyKind::Identity, &p.label, p, false);
        }
        if let Some(b) = boundary {
            add(PolicyKind::Boundary, &b.label, b, false);
        }
    }
    if let ControlPolicies::Levels(levels) = hop.resource.rcps {
        for p in levels.iter().flat_map(|l| &l.rcps) {
            add(PolicyKind::Rcp, &p.name, &labeled(p), true);
        }
    }
    if let Some(p) = hop.resource.policy {
        add(hop.resource.kind, &p.label, p, true);
    }
    out
}

/// SCPs (each level needs an Allow; any Deny denies) or RCPs (any Deny denies; the Allow is
/// `RCPFullAWSAccess`, attached at every level and not detachable). A level with none of a
/// kind has that kind not given: unknown, never "none apply".
fn control(
    policies: ControlPolicies<'_>,
    kind: PolicyKind,
    req: &Request,
    blockers: &mut Vec<Blocker>,
    unread: &mut Vec<Unread>,
) {
    let levels = match policies {
        ControlPolicies::NotApplicable(_) => return,
        ControlPolicies::NotRead(why) => {
            unread.push(Unread {
                kind,
                reason: why.to_owned(),
            });
            return;
        }
        ControlPolicies::Levels(levels) => levels,
    };
    for level in levels {
        match kind {
            // No SCP at a level is not "no SCP allows": AWS keeps at least one SCP attached to
            // every level while SCPs are enabled (AWS Organizations User Guide, "Attaching and
            // detaching SCPs"), and a reader marks them not enabled; none here means not given.
            // Nor is no RCP "no RCP denies": `RCPFullAWSAccess` is attached to every level while
            // RCPs are enabled (User Guide, "Resource control policies"), and a reader marks them
            // not enabled; none here means not given, and an RCP not given may deny.
            PolicyKind::Scp if level.scps.is_empty() => not_given(kind, SCPS_NOT_GIVEN, unread),
            PolicyKind::Scp => scp_level(level, req, blockers),
            _ if level.rcps.is_empty() => not_given(kind, RCPS_NOT_GIVEN, unread),
            _ => rcp_level(level, req, blockers),
        }
    }
}

/// One "not given" per kind, however many levels lack it.
fn not_given(kind: PolicyKind, reason: &str, unread: &mut Vec<Unread>) {
    if !unread.iter().any(|u| u.kind == kind && u.reason == reason) {
        let reason = reason.to_owned();
        unread.push(Unread { kind, reason });
    }
}

/// Why SCPs are not known when a level has none.
const SCPS_NOT_GIVEN: &str = "a level on the path has no SCP given (AWS attaches at least one \
     to every level: give each level's, FullAWSAccess included)";

/// Why RCPs are not known when a level has none.
const RCPS_NOT_GIVEN: &str = "a level on the path has no RCP given (AWS attaches \
     RCPFullAWSAccess to every level while RCPs are enabled: give each level's, \
     RCPFullAWSAccess included, or `aws organizations list-roots` when they are not enabled)";

fn labeled(p: &OrgPolicy) -> LabeledPolicy {
    LabeledPolicy::new(p.id.clone(), p.policy.clone())
}

fn scp_level(level: &OrgLevel, req: &Request, blockers: &mut Vec<Blocker>) {
    let input = EvalInput {
        identity_policies: level.scps.iter().map(labeled).collect(),
        ..EvalInput::default()
    };
    let eval = evaluate(&input, req);
    match eval.decision {
        Decision::Allow | Decision::Malformed => {}
        Decision::ExplicitDeny => blockers.extend(
            eval.deciding
                .iter()
                .map(|r| org_deny(PolicyKind::Scp, &level.scps, &level.level, r)),
        ),
        Decision::ImplicitDeny => blockers.push(Blocker {
            kind: PolicyKind::Scp,
            reason: BlockReason::NoAllow,
            policy_id: None,
            policy_name: names(&level.scps),
            level: Some(level.level.clone()),
            statement: None,
        }),
    }
}

fn rcp_level(level: &OrgLevel, req: &Request, blockers: &mut Vec<Blocker>) {
    for rcp in &level.rcps {
        let input = EvalInput {
            resource_policy: Some(labeled(rcp)),
            ..EvalInput::default()
        };
        let eval = evaluate(&input, req);
        if eval.decision == Decision::ExplicitDeny {
            blockers.extend(
                eval.deciding
                    .iter()
                    .map(|r| org_deny(PolicyKind::Rcp, &level.rcps, &level.level, r)),
            );
        }
    }
}

fn names(policies: &[OrgPolicy]) -> String {
    if policies.is_empty() {
        return "(none attached)".to_owned();
    }
    let list: Vec<&str> = policies.iter().map(|p| p.name.as_str()).collect();
    list.join(", ")
}

fn org_deny(kind: PolicyKind, policies: &[OrgPolicy], level: &Level, r: &StatementRef) -> Blocker {
    let name = policies
        .iter()
        .find(|p| p.id == r.policy)
        .map_or_else(|| r.policy.clone(), |p| p.name.clone());
    Blocker {
        kind,
        reason: BlockReason::ExplicitDeny,
        policy_id: Some(r.policy.clone()),
        policy_name: name,
        level: Some(level.clone()),
        statement: Some(statement_id(r)),
    }
}

fn statement_id(r: &StatementRef) -> StatementId {
    StatementId {
        index: r.index,
        sid: r.sid.clone(),
    }
}

/// Labels that cannot collide: the evaluator reports statements by label, and we map them back
/// to the policy's kind.
const IDENTITY: &str = "\u{1}identity";
const BOUNDARY: &str = "\u{1}boundary";
const RESOURCE: &str = "\u{1}resource";
const SEP: char = '\u{1}';

/// Identity, boundary and resource policy: the Denies, then the Allow rules.
fn core(hop: &Hop<'_>) -> Vec<Blocker> {
    let req = hop.request;
    let (identity, boundary) = match hop.principal {
        PrincipalSide::Internal {
            identity, boundary, ..
        } => (identity, boundary),
        _ => (&[][..], None),
    };
    let relabel = |tag: &str, p: &LabeledPolicy| {
        LabeledPolicy::new(format!("{tag}{SEP}{}", p.label), p.policy.clone())
    };
    let identity_input = EvalInput {
        identity_policies: identity.iter().map(|p| relabel(IDENTITY, p)).collect(),
        ..EvalInput::default()
    };
    let boundary_input = boundary.map(|b| EvalInput {
        identity_policies: vec![relabel(BOUNDARY, b)],
        ..EvalInput::default()
    });
    let resource_input = EvalInput {
        resource_policy: hop.resource.policy.map(|p| relabel(RESOURCE, p)),
        resource_policy_is_trust: hop.resource.kind == PolicyKind::Trust,
        ..EvalInput::default()
    };
    let id_eval = evaluate(&identity_input, req);
    let bd_eval = boundary_input.as_ref().map(|i| evaluate(i, req));
    let res_eval = evaluate(&resource_input, req);

    let denies: Vec<Blocker> = [Some(&id_eval), bd_eval.as_ref(), Some(&res_eval)]
        .into_iter()
        .flatten()
        .filter(|e| e.decision == Decision::ExplicitDeny)
        .flat_map(|e| e.deciding.iter())
        .map(|r| core_blocker(hop, r))
        .collect();
    if !denies.is_empty() {
        return denies;
    }
    let sides = Sides {
        identity: id_eval.allowed(),
        boundary: bd_eval.as_ref().is_none_or(|e| e.allowed()),
        has_boundary: boundary.is_some(),
        grants: grants(hop, &res_eval.deciding, res_eval.allowed()),
    };
    allow_side(hop, &sides, identity, boundary)
}

/// How the resource policy's Allow statements name the caller.
#[derive(Default)]
struct Grants {
    /// Named as `*` or as the exact session / caller ARN: not limited by a boundary.
    exact: bool,
    /// Named through its role's ARN (limited by the boundary in the same account).
    role: bool,
    /// Named only through its account: delegates to the account's identity policies.
    account: bool,
}

impl Grants {
    fn any(&self) -> bool {
        self.exact || self.role || self.account
    }
}

struct Sides {
    identity: bool,
    boundary: bool,
    has_boundary: bool,
    grants: Grants,
}

fn grants(hop: &Hop<'_>, allows: &[StatementRef], allowed: bool) -> Grants {
    let mut g = Grants::default();
    let (Some(policy), true) = (hop.resource.policy, allowed) else {
        return g;
    };
    let principal = hop.request.principal.as_str();
    for r in allows.iter().filter(|r| r.policy.starts_with(RESOURCE)) {
        let Some(stmt) = policy.policy.statements.get(r.index) else {
            continue;
        };
        match &stmt.principal {
            Some(PrincipalClause::Principal(Principals::Specific(map))) => {
                let exact = map.aws.iter().any(|v| v == "*" || v == principal)
                    || map.service.iter().any(|v| v == principal);
                let by_account = |v: &String| {
                    is_account_id(v) || crate::arn::split(v).is_some_and(|f| f[5] == "root")
                };
                let mut roles = map.clone();
                roles.aws.retain(|v| !by_account(v));
                g.exact |= exact;
                g.role |= !exact && principal_matches(&Principals::Specific(roles), principal);
                g.account |= !exact && map.aws.iter().any(by_account);
            }
            // `"Principal": "*"` names everyone; an Allow with NotPrincipal that applies too.
            _ => g.exact = true,
        }
    }
    g
}

fn allow_side(
    hop: &Hop<'_>,
    s: &Sides,
    identity: &[LabeledPolicy],
    boundary: Option<&LabeledPolicy>,
) -> Vec<Blocker> {
    let caller_account = principal_account(&hop.request.principal);
    let same_account = caller_account.as_deref() == Some(hop.resource.account);
    let trust = hop.resource.kind == PolicyKind::Trust;
    let allowed = match hop.principal {
        // A service principal has no identity policies, and an external caller's side is its
        // own account's: the resource policy decides.
        PrincipalSide::Service | PrincipalSide::External => s.grants.any(),
        PrincipalSide::Internal { .. } if !same_account => {
            s.grants.any() && s.identity && s.boundary
        }
        PrincipalSide::Internal { .. } => {
            // In the same account an identity-policy Allow (within the boundary) suffices for a
            // function; a role's trust policy must allow even then, and naming the account
            // delegates to the identity policies.
            let delegated = !trust || s.grants.account;
            let via_identity = delegated && s.identity && s.boundary;
            let via_resource = s.grants.exact || (s.grants.role && (s.boundary || !s.has_boundary));
            via_identity || via_resource
        }
    };
    if allowed {
        return Vec::new();
    }
    missing(hop, s, same_account, identity, boundary)
}

/// The policies whose Allow was needed and missing.
fn missing(
    hop: &Hop<'_>,
    s: &Sides,
    same_account: bool,
    identity: &[LabeledPolicy],
    boundary: Option<&LabeledPolicy>,
) -> Vec<Blocker> {
    let no_allow = |kind: PolicyKind, name: String| Blocker {
        kind,
        reason: BlockReason::NoAllow,
        policy_id: None,
        policy_name: name,
        level: None,
        statement: None,
    };
    let mut out = Vec::new();
    let internal = matches!(hop.principal, PrincipalSide::Internal { .. });
    if internal && !s.identity {
        let names: Vec<&str> = identity.iter().map(|p| p.label.as_str()).collect();
        let name = if names.is_empty() {
            "(none attached)".to_owned()
        } else {
            names.join(", ")
        };
        out.push(no_allow(PolicyKind::Identity, name));
    }
    if internal && !s.boundary {
        out.extend(boundary.map(|b| no_allow(PolicyKind::Boundary, b.label.clone())));
    }
    let resource_needed = hop.resource.kind == PolicyKind::Trust || !same_account || !internal;
    if (resource_needed && !s.grants.any()) || out.is_empty() {
        let name = hop
            .resource
            .policy
            .map_or_else(|| "(none)".to_owned(), |p| p.label.clone());
        out.push(no_allow(hop.resource.kind, name));
    }
    out
}

fn core_blocker(hop: &Hop<'_>, r: &StatementRef) -> Blocker {
    let (tag, label) = r.policy[1..]
        .split_once(SEP)
        .map_or(("", r.policy.as_str()), |(t, l)| (t, l));
    let kind = match tag {
        "identity" => PolicyKind::Identity,
        "boundary" => PolicyKind::Boundary,
        _ => hop.resource.kind,
    };
    Blocker {
        kind,
        reason: BlockReason::ExplicitDeny,
        policy_id: None,
        policy_name: label.to_owned(),
        level: None,
        statement: Some(statement_id(r)),
    }
}
