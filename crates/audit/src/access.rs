//! What a role can do: the functions it may invoke, anything besides invoking them, and latent
//! access in non-default policy versions — decided by the prover over the role's inline and
//! attached policies, capped by its permissions boundary.
//!
//! Part of the auditor. The invokable set comes from the effective permissions — the identity
//! policies intersected with the permissions boundary, minus explicit Denies (IAM User Guide,
//! policy evaluation logic,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>):
//! the candidates are the resources of every Allow statement (identity or boundary) whose
//! actions cover `lambda:InvokeFunction`, and a candidate is dropped when the prover proves
//! that invoking stays inside the others without it (so a boundary naming one function caps
//! an identity `*`, and a function-level Deny removes that function). A candidate the prover
//! cannot drop stays: "invokable" is never smaller than the truth.

use std::collections::BTreeSet;

use lambda_trust_iam::{
    evaluate, prove_invoke, resource_match, split_arn, wildcard_match, ActionClause, Effect,
    EvalInput, InvokeSpec, LabeledPolicy, LanguageVersion, Policy, Property, PropertyResult,
    Request, ResourceClause, Statement, Verdict,
};

use super::account::{AccountIam, AuditPolicy, AuditRole};
use super::findings::{request_json, Code, Finding};
use super::report::{InvokableKind, InvokableScope};

const INVOKE: &str = "lambda:InvokeFunction";
const ONLY_TARGETS: Property = Property::InvokeOnlyTargets;

pub(super) struct AccessAnalysis {
    pub(crate) invokable: Vec<String>,
    pub(crate) scope: InvokableScope,
    pub(crate) findings: Vec<Finding>,
}

/// The role's identity policies (inline, then attached by ARN), parsed; and what could not be
/// read or parsed.
struct Identity<'r> {
    /// The role (its ARN names the caller of every request) and the audit's region.
    role: &'r str,
    region: Option<String>,
    /// (attached policy ARN or `None` for inline, policy)
    policies: Vec<(Option<String>, LabeledPolicy)>,
    boundary: Option<LabeledPolicy>,
    problems: Vec<String>,
    /// Why the permissions boundary was not read, when it was not: the role is judged without
    /// it, which can only allow more (a boundary only narrows), so what is proved stays proved.
    boundary_unread: Option<String>,
    /// The identity policies left out (not read, no default version, or not parsed): ARNs of
    /// managed policies, names of inline ones. They may grant more than the invokable set.
    not_read: Vec<String>,
}

impl Identity<'_> {
    fn labeled(&self) -> Vec<LabeledPolicy> {
        self.policies.iter().map(|(_, p)| p.clone()).collect()
    }

    fn input(&self) -> EvalInput {
        EvalInput {
            identity_policies: self.labeled(),
            boundary: self.boundary.clone(),
            ..EvalInput::default()
        }
    }
}

pub(super) fn analyse(iam: &AccountIam, role: &AuditRole, region: Option<&str>) -> AccessAnalysis {
    let mut id = identity(iam, role);
    id.region = region.map(str::to_owned);
    let (invokable, witnesses) = invokable(&id);
    let scope = InvokableScope::of(&invokable, id.not_read.clone());
    let mut findings = Vec::new();
    findings.extend(beyond_invoke(&id, &invokable));
    findings.extend(all_functions(&id, &invokable, &witnesses));
    findings.extend(latent(iam, &id, &invokable));
    AccessAnalysis {
        invokable,
        scope,
        findings,
    }
}

/// The role's identity policies and its boundary, parsed as `analyse` decides on them (what
/// does not parse is left out: the whole path then allows at least as much).
pub(super) fn policies(
    iam: &AccountIam,
    role: &AuditRole,
) -> (Vec<LabeledPolicy>, Option<LabeledPolicy>) {
    let id = identity(iam, role);
    (id.labeled(), id.boundary)
}

fn identity<'r>(iam: &AccountIam, role: &'r AuditRole) -> Identity<'r> {
    let mut id = Identity {
        role: &role.arn,
        region: None,
        policies: Vec::new(),
        boundary: None,
        problems: Vec::new(),
        boundary_unread: None,
        not_read: Vec::new(),
    };
    for (name, doc) in &role.inline {
        let label = format!("inline policy {name}");
        match Policy::try_from(doc) {
            Ok(p) => id.policies.push((None, LabeledPolicy::new(label, p))),
            Err(e) => {
                id.problems.push(format!("{label} does not parse: {e}"));
                id.not_read.push(name.clone());
            }
        }
    }
    for arn in &role.attached {
        match default_policy(iam.policies.get(arn), arn) {
            Ok(p) => id.policies.push((Some(arn.clone()), p)),
            Err(e) => {
                id.problems.push(e);
                id.not_read.push(arn.clone());
            }
        }
    }
    if let Some(arn) = &role.boundary {
        match default_policy(iam.policies.get(arn), arn) {
            Ok(p) => {
                let label = p
                    .label
                    .replacen("managed policy", "permissions boundary", 1);
                id.boundary = Some(LabeledPolicy::new(label, p.policy));
            }
            // Without its boundary the role is treated as allowed more: the weaker claim.
            Err(e) => id.boundary_unread = Some(format!("{e} (boundary left out)")),
        }
    }
    id
}

fn default_policy(policy: Option<&AuditPolicy>, arn: &str) -> Result<LabeledPolicy, String> {
    let p = policy.ok_or_else(|| format!("managed policy {arn} was not read"))?;
    let v = p
        .default_version()
        .ok_or_else(|| format!("managed policy {arn} has no default version"))?;
    let label = format!("managed policy {}", p.name);
    Policy::try_from(&v.document)
        .map(|doc| LabeledPolicy::new(label.clone(), doc))
        .map_err(|e| format!("{label} does not parse: {e}"))
}

/// The effective invokable set (see the module header), with, for each wildcard pattern kept,
/// the request that showed it is needed (a function only that pattern covers).
///
/// The same answer as [`by_elimination`] (one proof per candidate, the reference the tests
/// compare against), in a handful of proofs: patterns are few and are still decided one at a
/// time; literal ARNs are decided together (see `literals`).
fn invokable(id: &Identity) -> (Vec<String>, Vec<(String, Request)>) {
    let mut kept = candidates(id);
    let wild: Vec<String> = kept.iter().filter(|p| is_wild(p)).cloned().collect();
    let mut witnesses = Vec::new();
    // Broad patterns first (`candidates` is sorted): once `*` is dropped, the narrower ones
    // decide alone.
    for c in wild {
        if let Some(w) = try_drop(id, &mut kept, &c) {
            witnesses.push((c, w));
        }
    }
    literals(id, &mut kept);
    (kept, witnesses)
}

/// Drops `c` from `kept` when invoking stays inside the others without it; otherwise returns
/// the prover's request that needs it, for a pattern.
fn try_drop(id: &Identity, kept: &mut Vec<String>, c: &str) -> Option<Request> {
    let rest: Vec<String> = kept.iter().filter(|p| *p != c).cloned().collect();
    let r = invoke_only_on(id, &rest);
    match (r.verdict, r.counterexample) {
        (Verdict::Proved, _) => {
            *kept = rest;
            None
        }
        (_, Some(w)) if is_wild(c) => Some(w),
        _ => None,
    }
}

/// Decides the literal ARNs of `kept` (the patterns decided) as dropping them one at a time
/// would, with few proofs. Invoking stays inside `kept` (else nothing can be dropped: the
/// reference drops nothing either). A literal is then dropped exactly when a kept pattern
/// covers it or no request may invoke it; a request the evaluator allows keeps it. The
/// evaluator tries every open literal with the empty context (unless a policy tests
/// `aws:PrincipalType`, which the prover fixes and the evaluator does not derive), then with the
/// context of each request the prover finds; the prover is asked once per context whether all
/// literals still open can go. Where it cannot decide, the rest go one at a time, as the
/// reference does.
fn literals(id: &Identity, kept: &mut Vec<String>) {
    if !kept.iter().any(|p| !is_wild(p)) || invoke_only_on(id, kept).verdict != Verdict::Proved {
        return;
    }
    let patterns: Vec<String> = kept.iter().filter(|p| is_wild(p)).cloned().collect();
    kept.retain(|p| is_wild(p) || !patterns.iter().any(|w| resource_match(w, p)));
    let mut open: BTreeSet<String> = kept.iter().filter(|p| !is_wild(p)).cloned().collect();
    let input = id.input();
    let mut request = (!tests_principal_type(id)).then(|| Request::new(id.role, INVOKE, ""));
    // The function of the prover's last request: the evaluator must keep it (else they
    // disagree, and the rest go one at a time).
    let mut expected: Option<String> = None;
    loop {
        if let Some(request) = request.as_mut() {
            open.retain(|c| {
                request.resource.clone_from(c);
                !evaluate(&input, request).allowed()
            });
        }
        if open.is_empty() {
            return;
        }
        if expected.as_ref().is_some_and(|e| open.contains(e)) {
            return one_at_a_time(id, kept, open);
        }
        let rest: Vec<String> = kept
            .iter()
            .filter(|p| !open.contains(*p))
            .cloned()
            .collect();
        let r = invoke_only_on(id, &rest);
        match (r.verdict, r.counterexample) {
            (Verdict::Proved, _) => {
                *kept = rest;
                return;
            }
            (Verdict::Counterexample, Some(w)) if open.contains(&w.resource) => {
                expected = Some(w.resource.clone());
                request = Some(Request {
                    principal: w.principal,
                    action: w.action,
                    resource: String::new(),
                    context: w.context,
                });
            }
            _ => return one_at_a_time(id, kept, open),
        }
    }
}

fn one_at_a_time(id: &Identity, kept: &mut Vec<String>, open: BTreeSet<String>) {
    for c in open {
        try_drop(id, kept, &c);
    }
}

/// Whether a condition of the role's policies tests `aws:PrincipalType`.
fn tests_principal_type(id: &Identity) -> bool {
    (id.policies.iter().map(|(_, p)| p).chain(&id.boundary))
        .flat_map(|p| &p.policy.statements)
        .flat_map(|s| &s.conditions)
        .any(|c| c.key.eq_ignore_ascii_case("aws:PrincipalType"))
}

fn is_wild(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// The reference computation of [`invokable`]: every candidate, broad patterns first, dropped
/// when the prover proves invoking stays inside the others without it. One proof per candidate
/// over all the others: cubic in the number of ARNs, kept for the tests to compare against.
fn by_elimination(id: &Identity) -> (Vec<String>, Vec<(String, Request)>) {
    let mut kept = candidates(id);
    let mut order = kept.clone();
    order.sort_by_key(|p| (!is_wild(p), p.clone()));
    let mut witnesses = Vec::new();
    for c in order {
        if let Some(w) = try_drop(id, &mut kept, &c) {
            witnesses.push((c, w));
        }
    }
    (kept, witnesses)
}

/// [`invokable`], or with `reference` [`by_elimination`], of one role.
pub(super) fn invokable_set(
    iam: &AccountIam,
    role: &AuditRole,
    region: Option<&str>,
    reference: bool,
) -> (Vec<String>, Vec<(String, Request)>) {
    let mut id = identity(iam, role);
    id.region = region.map(str::to_owned);
    if reference {
        by_elimination(&id)
    } else {
        invokable(&id)
    }
}

/// The resources of every Allow statement, in the identity policies or the boundary, whose
/// actions cover `lambda:InvokeFunction` and that could name a Lambda function (`NotResource`
/// counts as `*`), and the resources a Deny's `NotResource` spares (a Deny on everything but
/// F caps a wider grant to F).
fn candidates(id: &Identity) -> Vec<String> {
    let mut out = BTreeSet::new();
    for p in id.policies.iter().map(|(_, p)| p).chain(&id.boundary) {
        for s in &p.policy.statements {
            let covers = match &s.action {
                ActionClause::Action(a) => a.iter().any(|a| wildcard_match(a, INVOKE, true)),
                ActionClause::NotAction(a) => !a.iter().any(|a| wildcard_match(a, INVOKE, true)),
            };
            if !covers {
                continue;
            }
            let functions = |r: &[String]| -> Vec<String> {
                r.iter().filter(|r| may_be_function(r)).cloned().collect()
            };
            match (s.effect, &s.resource) {
                (Effect::Allow, Some(ResourceClause::Resource(r)))
                | (Effect::Deny, Some(ResourceClause::NotResource(r))) => out.extend(functions(r)),
                (Effect::Allow, Some(ResourceClause::NotResource(_)) | None) => {
                    out.insert("*".to_owned());
                }
                (Effect::Deny, _) => {}
            }
        }
    }
    out.into_iter().collect()
}

fn may_be_function(pattern: &str) -> bool {
    match split_arn(pattern) {
        Some(f) => wildcard_match(f[2], "lambda", false),
        None => pattern.contains('*'),
    }
}

/// `beyond-invoke`: the prover's counterexample to "only InvokeFunction on the invokable set".
fn beyond_invoke(id: &Identity, invokable: &[String]) -> Option<Finding> {
    let r = only_targets(id, &id.labeled(), invokable);
    let mut problems = id.problems.join("; ");
    if !problems.is_empty() {
        problems = format!(" (not read: {problems})");
    }
    match (r.verdict, &r.counterexample) {
        // Proved without the boundary: proved with any (a boundary only narrows).
        (Verdict::Proved, _) if id.problems.is_empty() => None,
        (Verdict::Counterexample, Some(_)) if id.boundary_unread.is_some() => {
            Some(Finding::unproved(
                Code::BeyondInvoke,
                format!(
                    "not proved: without its permissions boundary the role can do more than invoke functions ({}), and the boundary may deny it (not read: {})",
                    r.request_text(),
                    id.boundary_unread.as_deref().unwrap_or_default()
                ),
            ))
        }
        (Verdict::Proved, _) => Some(Finding::unproved(
            Code::BeyondInvoke,
            format!("not proved: some of the role's policies could not be read{problems}"),
        )),
        (Verdict::Counterexample, Some(c)) => Some(Finding::new(
            Code::BeyondInvoke,
            format!(
                "the role can do more than invoke functions: {}{problems}",
                r.request_text()
            ),
            Some(c),
        )),
        _ => Some(Finding::unproved(
            Code::BeyondInvoke,
            format!(
                "not proved that the role can only invoke functions: {}{problems}",
                r.reason
            ),
        )),
    }
}

/// `invoke-only-targets` for `invokable` over the role's policies with every action but
/// `lambda:InvokeFunction` denied: "invoking stays inside `invokable`". An added Deny only
/// narrows, so the answer is about the real policies' invoke permissions.
fn invoke_only_on(id: &Identity, invokable: &[String]) -> PropertyResult {
    let mut policies = id.labeled();
    let only_invoke = Statement {
        sid: Some("lambda-trust-audit".into()),
        effect: Effect::Deny,
        principal: None,
        action: ActionClause::NotAction(vec![INVOKE.into()]),
        resource: Some(ResourceClause::Resource(vec!["*".into()])),
        conditions: Vec::new(),
    };
    policies.push(LabeledPolicy::new(
        "audit: invoke only",
        Policy {
            version: Some(LanguageVersion::V2012_10_17),
            id: None,
            statements: vec![only_invoke],
        },
    ));
    only_targets(id, &policies, invokable)
}

fn only_targets(id: &Identity, identity: &[LabeledPolicy], invokable: &[String]) -> PropertyResult {
    let spec = InvokeSpec {
        targets: invokable.to_vec(),
        role_arn: Some(id.role.to_owned()),
        region: id.region.clone(),
    };
    let boundary = id.boundary.as_ref();
    // `prove_invoke` answers `invoke-only-targets` first, then `invoke-targets-allowed`.
    let mut results = prove_invoke(
        identity,
        boundary,
        &spec,
        lambda_trust_iam::Budget::default(),
    );
    debug_assert_eq!(results[0].property, ONLY_TARGETS);
    results.swap_remove(0)
}

/// `all-functions`: an invokable pattern with a wildcard in the function name (or no function
/// ARN at all), with the prover's request for a function only that pattern covers, once the
/// evaluator allows it.
fn all_functions(
    id: &Identity,
    invokable: &[String],
    witnesses: &[(String, Request)],
) -> Vec<Finding> {
    invokable
        .iter()
        .filter(|p| wild_function(p))
        .map(|p| {
            let c = witnesses
                .iter()
                .find(|(w, _)| w == p)
                .map(|(_, c)| c)
                .filter(|c| evaluate(&id.input(), &request(c)).allowed());
            let mut f = Finding::new(
                Code::AllFunctions,
                format!("the role may invoke every function {p} matches"),
                None,
            );
            f.counterexample = c.map(request_json);
            f
        })
        .collect()
}

fn request(c: &Request) -> Request {
    Request {
        principal: c.principal.clone(),
        action: c.action.clone(),
        resource: c.resource.clone(),
        context: c.context.clone(),
    }
}

impl InvokableScope {
    /// How to read `invokable`: `*` (or a pattern whose function name is `*`) is every function
    /// whatever else is unread; otherwise an unread identity policy makes the set unknown.
    fn of(invokable: &[String], not_read: Vec<String>) -> InvokableScope {
        let kind = if invokable.iter().any(|p| every_function(p)) {
            InvokableKind::All
        } else if !not_read.is_empty() {
            InvokableKind::Unknown
        } else if invokable.iter().any(|p| wild_function(p)) {
            InvokableKind::Pattern
        } else {
            InvokableKind::Listed
        };
        InvokableScope { kind, not_read }
    }
}

/// `*`, a pattern that is no function ARN (`arn:aws:lambda:*:*:*`), or one whose function
/// name is `*`: every function of its account and region, at least.
fn every_function(pattern: &str) -> bool {
    match split_arn(pattern) {
        Some(f) => f[5]
            .strip_prefix("function:")
            .is_none_or(|name| name.split(':').next() == Some("*")),
        None => true,
    }
}

fn wild_function(pattern: &str) -> bool {
    match split_arn(pattern) {
        Some(f) => f[5].strip_prefix("function:").is_none_or(|name| {
            name.split(':')
                .next()
                .is_some_and(|n| n.contains(['*', '?']))
        }),
        None => true,
    }
}

/// `latent-version`: a non-default version of an attached customer managed policy that allows
/// a request the current policies refuse.
fn latent(iam: &AccountIam, id: &Identity, invokable: &[String]) -> Vec<Finding> {
    let current = id.input();
    let mut out = Vec::new();
    for (i, (arn, _)) in id.policies.iter().enumerate() {
        let Some(policy) = arn.as_ref().and_then(|a| iam.policies.get(a)) else {
            continue;
        };
        for v in policy.versions.iter().filter(|v| !v.is_default) {
            let Ok(doc) = Policy::try_from(&v.document) else {
                continue;
            };
            let label = format!("managed policy {} version {}", policy.name, v.version_id);
            let mut swapped = id.labeled();
            swapped[i] = LabeledPolicy::new(label.clone(), doc);
            let r = only_targets(id, &swapped, invokable);
            let Some(c) = r.counterexample.as_ref() else {
                continue;
            };
            if evaluate(&current, &request(c)).allowed() {
                continue;
            }
            out.push(Finding::new(
                Code::LatentVersion,
                format!(
                    "{label} is not the default but admits more than the current policies: {} (anyone with iam:SetDefaultPolicyVersion can switch it on)",
                    r.request_text()
                ),
                Some(c),
            ));
        }
    }
    out
}
