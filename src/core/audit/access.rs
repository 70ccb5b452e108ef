//! What a role can do: the functions it may invoke, anything besides invoking them, and latent
//! access in non-default policy versions — decided by the prover over the role's inline and
//! attached policies, capped by its permissions boundary.
//!
//! Part of `core::audit`. The invokable set is read from the Allow statements (the resources
//! of every statement whose actions cover `lambda:InvokeFunction`); the prover then decides
//! that the policies allow nothing outside it (`invoke-only-targets`), so "invokable" is never
//! smaller than the truth.

use std::collections::BTreeSet;

use crate::core::verify::PROOF_BUDGET;
use crate::iam::arn::split;
use crate::iam::{
    evaluate, prove_invoke, wildcard_match, ActionClause, Effect, EvalInput, InvokeSpec,
    LabeledPolicy, Policy, PropertyResult, Request, ResourceClause, Verdict,
};

use super::findings::{request_json, Code, Finding};
use super::{AccountIam, AuditPolicy, AuditRole};

const INVOKE: &str = "lambda:InvokeFunction";
const ONLY_TARGETS: &str = "invoke-only-targets";
/// The caller `prove_invoke` puts in its requests, and `all_functions` in its own.
const PLACEHOLDER: &str = "the-role";

pub(super) struct AccessAnalysis {
    pub invokable: Vec<String>,
    pub findings: Vec<Finding>,
}

/// The role's identity policies (inline, then attached by ARN), parsed; and what could not be
/// read or parsed.
struct Identity {
    /// (attached policy ARN or `None` for inline, policy)
    policies: Vec<(Option<String>, LabeledPolicy)>,
    boundary: Option<LabeledPolicy>,
    problems: Vec<String>,
}

impl Identity {
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

pub(super) fn analyse(iam: &AccountIam, role: &AuditRole) -> AccessAnalysis {
    let id = identity(iam, role);
    let invokable = invokable(&id);
    let mut findings = Vec::new();
    findings.extend(beyond_invoke(&id, &invokable));
    findings.extend(all_functions(&id, &invokable, &iam.account_id));
    findings.extend(latent(iam, &id, &invokable));
    for f in &mut findings {
        name_the_role(f, &role.arn);
    }
    AccessAnalysis {
        invokable,
        findings,
    }
}

/// The prover's identity-side requests come from a placeholder caller (the role's ARN plays no
/// part in identity policies); the report names the role instead.
fn name_the_role(f: &mut Finding, arn: &str) {
    if let Some(c) = f.counterexample.as_mut() {
        if c["principal"] == PLACEHOLDER {
            c["principal"] = arn.into();
        }
    }
    f.message = f
        .message
        .replace(&format!("{PLACEHOLDER} may "), &format!("{arn} may "));
}

fn identity(iam: &AccountIam, role: &AuditRole) -> Identity {
    let mut id = Identity {
        policies: Vec::new(),
        boundary: None,
        problems: Vec::new(),
    };
    for (name, doc) in &role.inline {
        let label = format!("inline policy {name}");
        match Policy::parse(doc) {
            Ok(p) => id.policies.push((None, LabeledPolicy::new(label, p))),
            Err(e) => id.problems.push(format!("{label} does not parse: {e}")),
        }
    }
    for arn in &role.attached {
        match default_policy(iam.policies.get(arn), arn) {
            Ok(p) => id.policies.push((Some(arn.clone()), p)),
            Err(e) => id.problems.push(e),
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
            Err(e) => id.problems.push(format!("{e} (boundary left out)")),
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
    Policy::parse(&v.document)
        .map(|doc| LabeledPolicy::new(label.clone(), doc))
        .map_err(|e| format!("{label} does not parse: {e}"))
}

/// The resources of every Allow statement whose actions cover `lambda:InvokeFunction` and that
/// could name a Lambda function; `NotResource` counts as `*`.
fn invokable(id: &Identity) -> Vec<String> {
    let mut out = BTreeSet::new();
    for (_, p) in &id.policies {
        for s in p
            .policy
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow)
        {
            let covers = match &s.action {
                ActionClause::Action(a) => a.iter().any(|a| wildcard_match(a, INVOKE, true)),
                ActionClause::NotAction(a) => !a.iter().any(|a| wildcard_match(a, INVOKE, true)),
            };
            if !covers {
                continue;
            }
            match &s.resource {
                Some(ResourceClause::Resource(r)) => {
                    out.extend(r.iter().filter(|r| may_be_function(r)).cloned())
                }
                Some(ResourceClause::NotResource(_)) | None => {
                    out.insert("*".to_owned());
                }
            }
        }
    }
    out.into_iter().collect()
}

fn may_be_function(pattern: &str) -> bool {
    match split(pattern) {
        Some(f) => wildcard_match(f[2], "lambda", false),
        None => pattern.contains('*'),
    }
}

/// `beyond-invoke`: the prover's counterexample to "only InvokeFunction on the invokable set".
fn beyond_invoke(id: &Identity, invokable: &[String]) -> Option<Finding> {
    let r = only_targets(&id.labeled(), id.boundary.as_ref(), invokable);
    let mut problems = id.problems.join("; ");
    if !problems.is_empty() {
        problems = format!(" (not read: {problems})");
    }
    match (r.verdict, &r.counterexample) {
        (Verdict::Proved, _) if id.problems.is_empty() => None,
        (Verdict::Proved, _) => Some(Finding::new(
            Code::BeyondInvoke,
            format!("not proved: some of the role's policies could not be read{problems}"),
            None,
        )),
        (Verdict::Counterexample, Some(c)) => Some(Finding::new(
            Code::BeyondInvoke,
            format!(
                "the role can do more than invoke functions: {}{problems}",
                r.request_text()
            ),
            Some(c),
        )),
        _ => Some(Finding::new(
            Code::BeyondInvoke,
            format!(
                "not proved that the role can only invoke functions: {}{problems}",
                r.reason
            ),
            None,
        )),
    }
}

fn only_targets(
    identity: &[LabeledPolicy],
    boundary: Option<&LabeledPolicy>,
    invokable: &[String],
) -> PropertyResult {
    let spec = InvokeSpec {
        targets: invokable.to_vec(),
    };
    // `prove_invoke` answers `invoke-only-targets` first, then `invoke-targets-allowed`.
    let mut results = prove_invoke(identity, boundary, &spec, PROOF_BUDGET);
    debug_assert_eq!(results[0].property, ONLY_TARGETS);
    results.swap_remove(0)
}

/// `all-functions`: an invokable pattern with a wildcard in the function name (or no function
/// ARN at all), with a request for a function nobody listed, when the evaluator allows it.
fn all_functions(id: &Identity, invokable: &[String], account: &str) -> Vec<Finding> {
    invokable
        .iter()
        .filter(|p| wild_function(p))
        .map(|p| {
            let resource = instance(p, account);
            let req = Request::new(PLACEHOLDER, INVOKE, resource);
            let allowed = evaluate(&id.input(), &req).allowed();
            let c = allowed.then(|| crate::iam::Counterexample {
                principal: req.principal.clone(),
                action: req.action.clone(),
                resource: req.resource.clone(),
                context: req.context.clone(),
            });
            let mut f = Finding::new(
                Code::AllFunctions,
                format!("the role may invoke every function {p} matches"),
                None,
            );
            f.counterexample = c.as_ref().map(request_json);
            f
        })
        .collect()
}

fn wild_function(pattern: &str) -> bool {
    match split(pattern) {
        Some(f) => f[5].strip_prefix("function:").map_or(true, |name| {
            name.split(':')
                .next()
                .is_some_and(|n| n.contains(['*', '?']))
        }),
        None => true,
    }
}

/// A concrete function ARN `pattern` matches: wildcards filled with a name nobody listed.
fn instance(pattern: &str, account: &str) -> String {
    let filled = pattern.replace('*', "any-function").replace('?', "x");
    if split(&filled).is_some_and(|f| f[2] == "lambda") {
        filled
    } else {
        format!("arn:aws:lambda:us-east-1:{account}:function:any-function")
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
            let Ok(doc) = Policy::parse(&v.document) else {
                continue;
            };
            let label = format!("managed policy {} version {}", policy.name, v.version_id);
            let mut swapped = id.labeled();
            swapped[i] = LabeledPolicy::new(label.clone(), doc);
            let r = only_targets(&swapped, id.boundary.as_ref(), invokable);
            let Some(c) = r.counterexample.as_ref() else {
                continue;
            };
            let req = Request {
                principal: c.principal.clone(),
                action: c.action.clone(),
                resource: c.resource.clone(),
                context: c.context.clone(),
            };
            if evaluate(&current, &req).allowed() {
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
