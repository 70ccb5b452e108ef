//! The offline IAM policy evaluator: policies + one request → Allow / ExplicitDeny / ImplicitDeny,
//! with the statements that decided it.
//!
//! Part of `policy`; `verify` and `simulate` use it to prove the trust role without calling AWS
//! (the IAM simulator cannot evaluate trust policies, see docs/aws-behaviour.md). The logic follows the IAM
//! User Guide, "Policy evaluation logic":
//! - Any matching Deny in any policy (identity, resource/trust, boundary) → ExplicitDeny.
//! - Trust policy (`resource_policy_is_trust`): the trust policy must allow the principal. The
//!   caller's identity policies live in the caller's account; when given they must allow too
//!   (cross-account AssumeRole needs both sides), when not given only the trust policy decides.
//! - Ordinary resource policy: same-account semantics, an Allow from the identity policies OR from
//!   the resource policy suffices.
//! - Permissions boundary: intersects the identity-side allows (and, in the trust case, the
//!   caller's side). We do not model the finer rule that some resource-policy grants naming a
//!   role session are not limited by the boundary.
//! - Otherwise ImplicitDeny.
//!
//! A request that gives a single-valued context key several values (`iam::keys`; IAM User
//! Guide, "Single-valued vs. multivalued context keys") is one AWS never receives: it is
//! refused as `Malformed`, not evaluated.

use std::collections::BTreeMap;

use serde::Serialize;

use super::arn::Arn;
use super::condition;
use super::keys::malformed_context;
use super::model::{ActionClause, Effect, Policy, PrincipalClause, ResourceClause, Statement};
use super::principal::{arn_parts, not_principal_applies, principal_account, principal_matches};
use super::variables::{expand, VarSource};
use super::wildcard::{arn_match, compile, glob};

/// A policy with the name it is reported under, e.g. `trust policy` or a file name.
#[derive(Debug, Clone, PartialEq)]
pub struct LabeledPolicy {
    /// The name it is reported under.
    pub label: String,
    /// The parsed document.
    pub policy: Policy,
}

impl LabeledPolicy {
    /// A policy named `label`.
    pub fn new(label: impl Into<String>, policy: Policy) -> Self {
        LabeledPolicy {
            label: label.into(),
            policy,
        }
    }
}

/// One concrete request: what the evaluator decides, a prover's counterexample (confirmed by
/// the evaluator) and the request `simulate` evaluated. Context keys absent from the request
/// are omitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(
        rename = "request",
        deny_unknown_fields,
        description = "A concrete request: a prover counterexample (confirmed by the evaluator) \
                       or the request `simulate` evaluated. Context keys absent from the request \
                       are omitted."
    )
)]
pub struct Request {
    /// The caller's ARN, a bare account ID, a service name, or `*` for an anonymous caller.
    pub principal: String,
    /// The action, e.g. `lambda:InvokeFunction`.
    pub action: String,
    /// The resource ARN (for `sts:AssumeRole`, the role's).
    pub resource: String,
    /// Condition context; key names are matched case-insensitively.
    pub context: BTreeMap<String, Vec<String>>,
}

impl Request {
    /// A request without condition context.
    pub fn new(
        principal: impl Into<String>,
        action: impl Into<String>,
        resource: impl Into<String>,
    ) -> Self {
        Request {
            principal: principal.into(),
            action: action.into(),
            resource: resource.into(),
            context: BTreeMap::new(),
        }
    }

    /// Adds one value to a context key (repeated calls make the key multivalued).
    pub fn with_context(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.context
            .entry(key.into())
            .or_default()
            .push(value.into());
        self
    }
}

/// Everything that governs the decision.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvalInput {
    /// The caller's identity-based policies.
    pub identity_policies: Vec<LabeledPolicy>,
    /// The resource's policy (for a role: its trust policy).
    pub resource_policy: Option<LabeledPolicy>,
    /// The resource policy is a role's trust policy (the request is `sts:AssumeRole…`).
    pub resource_policy_is_trust: bool,
    /// The caller's permissions boundary, when it has one.
    pub boundary: Option<LabeledPolicy>,
}

/// The outcome of an evaluation, named as in the IAM policy evaluation logic.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, strum::IntoStaticStr, strum::Display,
)]
pub enum Decision {
    /// An Allow applied and no Deny did.
    Allow,
    /// A Deny statement applied.
    ExplicitDeny,
    /// No statement allowed the request (or a required policy did not).
    ImplicitDeny,
    /// Not evaluated: the request is not one AWS can receive (see `Evaluation::malformed`).
    Malformed,
}

/// A statement that took part in the decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(rename = "statementRef", deny_unknown_fields)
)]
pub struct StatementRef {
    /// The policy's label: `trust policy`, a file name, a policy ARN or name.
    pub policy: String,
    /// Zero-based index of the statement in its policy's `Statement` list.
    pub index: usize,
    /// The statement's `Sid`, when it has one.
    pub sid: Option<String>,
    /// The statement's `Effect`.
    pub effect: Effect,
}

impl std::fmt::Display for StatementRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} statement {}", self.policy, self.index)?;
        if let Some(sid) = &self.sid {
            write!(f, " (Sid {})", super::error::quote(sid))?;
        }
        Ok(())
    }
}

/// The decision on one request and the statements behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// Allow, explicit deny, implicit deny, or malformed.
    pub decision: Decision,
    /// ExplicitDeny: every matching Deny. Allow: the Allow statements that granted it.
    /// ImplicitDeny: empty.
    pub deciding: Vec<StatementRef>,
    /// ImplicitDeny only: the policies (by label) whose Allow was needed and missing.
    pub missing_allow: Vec<String>,
    /// Malformed only: why the request cannot exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub malformed: Option<String>,
}

impl Evaluation {
    /// Whether the decision is `Allow`.
    pub fn allowed(&self) -> bool {
        self.decision == Decision::Allow
    }
}

/// The request context with lowercased keys, plus keys derived from the principal.
struct Context(BTreeMap<String, Vec<String>>);

impl Context {
    fn new(req: &Request) -> Self {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in &req.context {
            map.entry(k.to_lowercase())
                .or_default()
                .extend(v.iter().cloned());
        }
        // Keys AWS puts in every authenticated request's context; explicit context wins.
        for (key, value) in derived_keys(&req.principal) {
            map.entry(key.to_owned()).or_insert_with(|| vec![value]);
        }
        Context(map)
    }
}

/// The context keys the evaluator derives from the principal (lowercased names). The prover
/// (`prove`) uses this so that its principal-derived keys agree with the evaluator's.
pub(crate) fn derived_keys(p: &str) -> Vec<(&'static str, String)> {
    let username = arn_parts(p).and_then(|[_, _, service, _, _, resource]| {
        // aws:username exists only for IAM users.
        (service == "iam")
            .then(|| resource.strip_prefix("user/"))
            .flatten()
            .and_then(|r| r.rsplit('/').next())
            .map(str::to_owned)
    });
    [
        ("aws:principalaccount", principal_account(p)),
        ("aws:principalarn", principal_arn(p)),
        ("aws:username", username),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect()
}

/// `aws:PrincipalArn`: for a role session AWS gives the role's ARN, not the session's
/// (IAM User Guide, "AWS global condition context keys"). The session ARN does not carry the
/// role's path, so a role with a path needs `aws:PrincipalArn` in the context explicitly.
fn principal_arn(principal: &str) -> Option<String> {
    let [_, partition, service, _, account, resource] = arn_parts(principal)?;
    match (service, resource.strip_prefix("assumed-role/")) {
        ("sts", Some(rest)) => {
            let role = rest.split('/').next().unwrap_or_default();
            Some(Arn::iam(partition, account, &format!("role/{role}")).to_string())
        }
        _ => Some(principal.to_owned()),
    }
}

impl VarSource for Context {
    fn lookup(&self, key: &str) -> Option<&[String]> {
        self.0.get(&key.to_lowercase()).map(Vec::as_slice)
    }
}

/// Which checks a policy's statements get.
#[derive(Clone, Copy)]
enum Kind {
    /// Identity policies and boundaries: attached to the caller, no principal element.
    Identity,
    /// Resource and trust policies: the statement must name the caller.
    Resource,
}

#[derive(Default)]
struct Matches {
    allows: Vec<StatementRef>,
    denies: Vec<StatementRef>,
}

fn matching(policy: &LabeledPolicy, kind: Kind, req: &Request, ctx: &Context) -> Matches {
    let variables = policy.policy.effective_version().supports_variables();
    let mut out = Matches::default();
    for (index, stmt) in policy.policy.statements.iter().enumerate() {
        if !statement_applies(stmt, kind, variables, req, ctx) {
            continue;
        }
        let r = StatementRef {
            policy: policy.label.clone(),
            index,
            sid: stmt.sid.clone(),
            effect: stmt.effect,
        };
        match stmt.effect {
            Effect::Allow => out.allows.push(r),
            Effect::Deny => out.denies.push(r),
        }
    }
    out
}

fn statement_applies(
    stmt: &Statement,
    kind: Kind,
    variables: bool,
    req: &Request,
    ctx: &Context,
) -> bool {
    statement_targets(stmt, kind, variables, req, ctx)
        && stmt
            .conditions
            .iter()
            .all(|c| condition::holds(c, ctx, variables))
}

/// Whether a statement names the request's principal (resource policies), action and resource:
/// everything but its conditions.
fn statement_targets(
    stmt: &Statement,
    kind: Kind,
    variables: bool,
    req: &Request,
    ctx: &Context,
) -> bool {
    if let Kind::Resource = kind {
        let named = match &stmt.principal {
            Some(PrincipalClause::Principal(p)) => principal_matches(p, &req.principal),
            Some(PrincipalClause::NotPrincipal(p)) => not_principal_applies(p, &req.principal),
            // A resource-policy statement without a principal grants or denies nobody.
            None => false,
        };
        if !named {
            return false;
        }
    }

    // Action names, service prefix included, are case-insensitive.
    let action_listed = |list: &[String]| list.iter().any(|a| glob(&compile(a), &req.action, true));
    let action_ok = match &stmt.action {
        ActionClause::Action(list) => action_listed(list),
        ActionClause::NotAction(list) => !action_listed(list),
    };
    if !action_ok {
        return false;
    }

    // Resources are case-sensitive and matched per ARN component; an entry whose variable
    // cannot be resolved matches nothing.
    // An entry without wildcards or variables matches exactly its own text (per component or
    // whole, the same thing), so it is compared as text: a policy granting hundreds of ARNs is
    // evaluated once per target. (One `contains` per character: each is a `memchr`.)
    let resource_listed = |list: &[String]| {
        list.iter().any(|r| {
            if !(r.contains('*') || r.contains('?') || r.contains('$')) {
                return *r == req.resource;
            }
            expand(r, variables, ctx).is_some_and(|toks| arn_match(&toks, &req.resource))
        })
    };
    match &stmt.resource {
        // Trust policies have no Resource: the role itself is the resource.
        None => true,
        Some(ResourceClause::Resource(list)) => resource_listed(list),
        Some(ResourceClause::NotResource(list)) => !resource_listed(list),
    }
}

/// What a caller knows of context keys a request does not carry.
pub(crate) struct KeyFacts<'a> {
    /// Whether a key (lowercased) is absent from the real request.
    pub(crate) absent: &'a dyn Fn(&str) -> bool,
    /// Whether the real request's value of a key (lowercased), if it has one, matches none of
    /// these policy values.
    pub(crate) never_among: &'a dyn Fn(&str, &[String]) -> bool,
}

/// One condition in three values: `Some(holds)` when the request's context or `facts` settle
/// it, `None` when it reads a key whose real value is not known and could change the answer.
/// A key known to match none of the condition's values leaves two cases (absent, or some other
/// value): when both answer alike, that is the answer.
fn three_valued(
    cond: &crate::model::Condition,
    ctx: &Context,
    facts: &KeyFacts<'_>,
    variables: bool,
) -> Option<bool> {
    let key = cond.key.to_lowercase();
    let read = condition::holds(cond, ctx, variables);
    if ctx.lookup(&key).is_some() || (facts.absent)(&key) {
        return Some(read);
    }
    if !(facts.never_among)(&key, &cond.values) {
        return None;
    }
    let mut other = Context(ctx.0.clone());
    other
        .0
        .insert(key, vec!["\u{1}none of the policy's".to_owned()]);
    (condition::holds(cond, &other, variables) == read).then_some(read)
}

/// A statement that names a request's principal, action and resource, and whose conditions
/// read context keys the request does not carry: what it decides depends on values not given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unsettled {
    /// The statement.
    pub(crate) statement: StatementRef,
    /// The keys it reads that the request lacks, as the policy spells them.
    pub(crate) keys: Vec<String>,
}

/// The statements of `policy` that apply to `req` but for conditions on keys its context lacks
/// and `absent` does not say are absent from such a request. `resource`: the policy is a
/// resource (or trust) policy, whose statements must name the caller. The evaluator reads a
/// missing key by IAM's rules (a negated operator or `…IfExists` then holds, anything else
/// does not); a caller that does not know the real request's value of that key cannot take the
/// answer as proof.
pub(crate) fn unsettled(
    policy: &LabeledPolicy,
    resource: bool,
    req: &Request,
    facts: &KeyFacts<'_>,
) -> Vec<Unsettled> {
    let ctx = Context::new(req);
    let kind = if resource {
        Kind::Resource
    } else {
        Kind::Identity
    };
    let variables = policy.policy.effective_version().supports_variables();
    let mut out = Vec::new();
    for (index, stmt) in policy.policy.statements.iter().enumerate() {
        if !statement_targets(stmt, kind, variables, req, &ctx) {
            continue;
        }
        // The conditions are ANDed: one false for the request settles the statement (it does
        // not apply) whatever the keys not known; otherwise each not known is said.
        let values: Vec<Option<bool>> = (stmt.conditions.iter())
            .map(|c| three_valued(c, &ctx, facts, variables))
            .collect();
        if values.contains(&Some(false)) {
            continue;
        }
        let mut keys: Vec<String> = Vec::new();
        for (c, v) in stmt.conditions.iter().zip(&values) {
            if v.is_none() && !keys.contains(&c.key) {
                keys.push(c.key.clone());
            }
        }
        if !keys.is_empty() {
            out.push(Unsettled {
                statement: StatementRef {
                    policy: policy.label.clone(),
                    index,
                    sid: stmt.sid.clone(),
                    effect: stmt.effect,
                },
                keys,
            });
        }
    }
    out
}

/// Evaluates one request. Pure; never panics.
pub fn evaluate(input: &EvalInput, req: &Request) -> Evaluation {
    if let Some(reason) = malformed_context(&req.context) {
        return Evaluation {
            decision: Decision::Malformed,
            deciding: Vec::new(),
            missing_allow: Vec::new(),
            malformed: Some(reason),
        };
    }
    let ctx = Context::new(req);
    let mut matched = Matched::new(input, req, &ctx);

    let denies = matched.take_denies();
    if !denies.is_empty() {
        return Evaluation {
            decision: Decision::ExplicitDeny,
            deciding: denies,
            missing_allow: Vec::new(),
            malformed: None,
        };
    }

    if input.resource_policy_is_trust {
        if let Some(reason) = cross_partition(req) {
            return Evaluation {
                decision: Decision::ImplicitDeny,
                deciding: Vec::new(),
                missing_allow: vec![reason],
                malformed: None,
            };
        }
    }
    let granted = if input.resource_policy_is_trust {
        trust_grant(input, matched)
    } else {
        resource_grant(input, matched)
    };
    match granted {
        Ok(deciding) => Evaluation {
            decision: Decision::Allow,
            deciding,
            missing_allow: Vec::new(),
            malformed: None,
        },
        Err(missing) => Evaluation {
            decision: Decision::ImplicitDeny,
            deciding: Vec::new(),
            missing_allow: missing,
            malformed: None,
        },
    }
}

/// The statements of every policy in an [`EvalInput`] that match one request.
struct Matched {
    /// All identity policies together.
    identity: Matches,
    resource: Option<Matches>,
    boundary: Option<Matches>,
}

impl Matched {
    fn new(input: &EvalInput, req: &Request, ctx: &Context) -> Self {
        let mut identity = Matches::default();
        for policy in &input.identity_policies {
            let m = matching(policy, Kind::Identity, req, ctx);
            identity.allows.extend(m.allows);
            identity.denies.extend(m.denies);
        }
        let resource = input
            .resource_policy
            .as_ref()
            .map(|p| matching(p, Kind::Resource, req, ctx));
        let boundary = input
            .boundary
            .as_ref()
            .map(|p| matching(p, Kind::Identity, req, ctx));
        Matched {
            identity,
            resource,
            boundary,
        }
    }

    /// Every matching Deny: the identity policies', then the resource policy's, then the
    /// boundary's.
    fn take_denies(&mut self) -> Vec<StatementRef> {
        let mut denies = std::mem::take(&mut self.identity.denies);
        if let Some(m) = self.resource.as_mut() {
            denies.append(&mut m.denies);
        }
        if let Some(m) = self.boundary.as_mut() {
            denies.append(&mut m.denies);
        }
        denies
    }
}

/// What the Allow side decided when no Deny matched: `Ok` with the Allow statements that granted
/// the request, or `Err` with the labels of the policies whose Allow was needed and missing.
type Grant = Result<Vec<StatementRef>, Vec<String>>;

/// The label of the identity side in a "missing Allow" list.
fn identity_label(input: &EvalInput) -> String {
    match input.identity_policies.as_slice() {
        [only] => only.label.clone(),
        [] => "identity policies (none given)".to_owned(),
        _ => "identity policies".to_owned(),
    }
}

/// The Allow side of `sts:AssumeRole…` on a role: the trust policy must allow, and so must the
/// caller's identity policies and the boundary when given.
/// A principal of one partition never assumes a role of another: partitions are isolated
/// (AWS whitepaper "AWS Fault Isolation Boundaries", Partitions,
/// https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html).
/// `Some(why)` when the caller's ARN and the role's ARN name different partitions.
fn cross_partition(req: &Request) -> Option<String> {
    let [_, caller, ..] = arn_parts(&req.principal)?;
    let [_, role, ..] = arn_parts(&req.resource)?;
    let concrete = |p: &str| !p.is_empty() && !p.contains(['*', '?']);
    (concrete(caller) && concrete(role) && caller != role).then(|| {
        format!("trust policy (a principal of partition {caller} cannot assume a role of partition {role})")
    })
}

fn trust_grant(input: &EvalInput, matched: Matched) -> Grant {
    let identity_ok = !matched.identity.allows.is_empty();
    let boundary_ok = matched
        .boundary
        .as_ref()
        .is_none_or(|m| !m.allows.is_empty());
    let boundary_allows = matched.boundary.map(|m| m.allows).unwrap_or_default();
    // A role cannot be assumed without a trust policy that allows it, so a missing trust
    // policy denies rather than falling back to identity policies.
    let trust_allows = matched.resource.map(|m| m.allows).unwrap_or_default();
    let trust_ok = !trust_allows.is_empty();
    // Without the caller's identity policies we can only speak for the trust side.
    let caller_ok = input.identity_policies.is_empty() || identity_ok;
    if trust_ok && caller_ok && boundary_ok {
        let mut deciding = trust_allows;
        deciding.extend(matched.identity.allows);
        deciding.extend(boundary_allows);
        return Ok(deciding);
    }
    let mut missing = Vec::new();
    if !trust_ok {
        missing.push(input.resource_policy.as_ref().map_or_else(
            || "trust policy (none given)".to_owned(),
            |p| p.label.clone(),
        ));
    }
    if !caller_ok {
        missing.push(identity_label(input));
    }
    if !boundary_ok {
        missing.extend(input.boundary.as_ref().map(|b| b.label.clone()));
    }
    Err(missing)
}

/// The Allow side of an ordinary resource policy (same-account semantics): an Allow from the
/// identity policies (within the boundary) or from the resource policy suffices.
fn resource_grant(input: &EvalInput, matched: Matched) -> Grant {
    let identity_ok = !matched.identity.allows.is_empty();
    let boundary_ok = matched
        .boundary
        .as_ref()
        .is_none_or(|m| !m.allows.is_empty());
    let boundary_allows = matched.boundary.map(|m| m.allows).unwrap_or_default();
    let resource_allows = matched.resource.map(|m| m.allows).unwrap_or_default();
    let via_identity = identity_ok && boundary_ok;
    let via_resource = !resource_allows.is_empty();
    if !via_identity && !via_resource {
        let mut missing = Vec::new();
        if !identity_ok {
            missing.push(identity_label(input));
        } else {
            missing.extend(input.boundary.as_ref().map(|b| b.label.clone()));
        }
        missing.extend(input.resource_policy.as_ref().map(|p| p.label.clone()));
        return Err(missing);
    }
    let mut deciding = Vec::new();
    if via_resource {
        deciding.extend(resource_allows);
    }
    if via_identity {
        deciding.extend(matched.identity.allows);
        deciding.extend(boundary_allows);
    }
    Ok(deciding)
}
