//! The invoke properties: the role's identity policies (within its permissions boundary) allow
//! only `lambda:InvokeFunction` on the granted ARNs (`invoke-only-targets`), and allow it on
//! every granted ARN (`invoke-targets-allowed`).
//!
//! Sits under `prove` (the public entry `prove_invoke`). A request by the role is allowed when
//! an identity policy allows it, the boundary (if any) allows it too, and no Deny in either
//! matches (IAM User Guide, policy evaluation logic,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>).
//! When the role's ARN is given (`InvokeSpec::role_arn`) the requests come from it and the
//! principal-derived keys follow it; otherwise they are treated as chosen by the caller (an
//! over-approximation, sound for `proved`) and the requests come from a placeholder.

use super::super::arn::Arn;
use super::super::arn_builders::AwsResource;
use super::super::eval::{evaluate, EvalInput, LabeledPolicy, Request};
use super::super::model::Effect;
use super::super::wildcard::{arn_match, compile};
use super::budget::{Budget, Meter};
use super::classes::{Classes, Matcher};
use super::principals::{role_caller, self_contained, Caller};
use super::realize::{marked_action, pair, regions, Place, RealActions};
use super::report::{Property, PropertyResult, Verdict};
use super::search::{statement_ref, Builder, Found, Head, Problem};
use super::{unsupported, InvokeSpec};

pub(crate) const ONLY_TARGETS: Property = Property::InvokeOnlyTargets;
pub(crate) const TARGETS_ALLOWED: Property = Property::InvokeTargetsAllowed;
const INVOKE: &str = "lambda:InvokeFunction";
/// The request principal when the role is unknown: not an ARN, so the evaluator derives no
/// keys from it.
pub(crate) const ROLE: &str = "the-role";

/// The inputs shared by both properties.
pub(crate) struct Setup<'a> {
    pub(crate) identity: &'a [LabeledPolicy],
    pub(crate) boundary: Option<&'a LabeledPolicy>,
    pub(crate) spec: &'a InvokeSpec,
}

impl Setup<'_> {
    fn input(&self) -> EvalInput {
        EvalInput {
            identity_policies: self.identity.to_vec(),
            resource_policy: None,
            resource_policy_is_trust: false,
            boundary: self.boundary.cloned(),
        }
    }

    fn unsupported(&self) -> Option<String> {
        self.identity
            .iter()
            .chain(self.boundary)
            .find_map(|p| unsupported(&p.policy))
    }

    fn covered(&self, resource: &str) -> bool {
        self.spec
            .targets
            .iter()
            .any(|t| arn_match(&compile(t), resource))
    }

    fn intended(&self, req: &Request) -> bool {
        req.action.eq_ignore_ascii_case(INVOKE) && self.covered(&req.resource)
    }

    /// Who the requests come from: the role, or the placeholder.
    fn principal(&self) -> &str {
        self.spec.role_arn.as_deref().unwrap_or(ROLE)
    }

    /// A request by the role; `aws:PrincipalType` (which the evaluator does not derive) is
    /// written in when a policy tests it.
    fn request(&self, action: String, resource: String, mut context: Context) -> Request {
        if let Some(role) = &self.spec.role_arn {
            let tested = self
                .identity
                .iter()
                .chain(self.boundary)
                .flat_map(|p| &p.policy.statements)
                .flat_map(|s| &s.conditions)
                .find(|c| c.key.eq_ignore_ascii_case("aws:PrincipalType"));
            if let (Some(c), Some(t)) = (tested, role_caller(role).derived.get("aws:principaltype"))
            {
                context.retain(|k, _| !k.eq_ignore_ascii_case("aws:PrincipalType"));
                context.insert(c.key.clone(), t.clone());
            }
        }
        let mut req = Request {
            principal: self.principal().to_owned(),
            action,
            resource,
            context,
        };
        let policies = self.identity.iter().chain(self.boundary).map(|p| &p.policy);
        self_contained(policies, &mut req);
        req
    }

    /// The role's partition, region and account, else the first target's (else `aws`,
    /// `us-east-1`, `111122223333`): where counterexamples put the resources they name.
    fn place(&self) -> Place {
        let first = self.spec.targets.iter().find_map(|t| Arn::parse(t));
        let role = self.spec.role_arn.as_deref().and_then(Arn::parse);
        let pick = |from_role: Option<&str>, from_target: Option<&str>, fallback: &str| {
            from_role
                .or(from_target)
                .filter(|s| !s.is_empty() && !s.contains(['*', '?']))
                .unwrap_or(fallback)
                .to_owned()
        };
        let partition = pick(
            role.as_ref().map(|a| a.partition.as_str()),
            first.as_ref().map(|a| a.partition.as_str()),
            "aws",
        );
        let fallback_region = regions(&partition).first().copied().unwrap_or("us-east-1");
        let region = pick(
            self.spec.region.as_deref(),
            first.as_ref().map(|a| a.region.as_str()),
            fallback_region,
        );
        let account = pick(
            role.as_ref().map(|a| a.account.as_str()),
            first.as_ref().map(|a| a.account.as_str()),
            "111122223333",
        );
        Place {
            partition,
            region,
            account,
        }
    }

    /// A function in the role's own account and region (else the first target's) that no
    /// target covers: the "other function" a counterexample names.
    fn other_function(&self, place: &Place) -> String {
        // A target such as `*` covers every name: then any name will do (bounded search).
        let arn = |name: &str| {
            Arn::of(
                &place.partition,
                &place.account,
                AwsResource::Function {
                    region: &place.region,
                    name,
                    qualifier: None,
                },
            )
            .to_string()
        };
        std::iter::once(arn("other-function"))
            .chain((1..100).map(|n| arn(&format!("other-function-{n}"))))
            .find(|a| !self.covered(a))
            .unwrap_or_else(|| arn("other-function"))
    }

    /// Resources a counterexample names first when they fit: another function, the targets.
    fn extra_resources(&self, place: &Place) -> Vec<String> {
        let mut out = vec![self.other_function(place)];
        out.extend(
            self.spec
                .targets
                .iter()
                .filter(|t| !t.contains(['*', '?']))
                .cloned(),
        );
        out
    }
}

type Context = std::collections::BTreeMap<String, Vec<String>>;

/// Builds the search problem; returns it with the index of the InvokeFunction action pattern
/// and of each target's resource pattern.
fn build(s: &Setup, budget: Budget) -> Result<(Problem, usize, Vec<usize>), String> {
    let meter = Meter::new(budget);
    let role = s.spec.role_arn.as_deref();
    let mut b = Builder::new(role.is_some());
    let (mut allows, mut bounds, mut denies) = (Vec::new(), Vec::new(), Vec::new());
    let policies = s
        .identity
        .iter()
        .map(|p| (p, false))
        .chain(s.boundary.map(|p| (p, true)));
    for (p, is_boundary) in policies {
        let variables = p.policy.effective_version().supports_variables();
        for (index, stmt) in p.policy.statements.iter().enumerate() {
            let i = b.add(stmt, statement_ref(&p.label, index, stmt), variables, false);
            match (stmt.effect, is_boundary) {
                (Effect::Deny, _) => denies.push(i),
                (Effect::Allow, false) => allows.push(i),
                (Effect::Allow, true) => bounds.push(i),
            }
        }
    }
    let allow_sets = match s.boundary {
        None => allows.iter().map(|a| vec![*a]).collect(),
        Some(_) => allows
            .iter()
            .flat_map(|a| bounds.iter().map(move |b| vec![*a, *b]))
            .collect(),
    };
    let invoke = Classes::intern(&mut b.action_patterns, Matcher::Action, INVOKE);
    let targets = s
        .spec
        .targets
        .iter()
        .map(|t| Classes::intern(&mut b.resource_patterns, Matcher::Resource, t))
        .collect();
    let caller = match role {
        Some(arn) => role_caller(arn),
        None => Caller {
            arn: ROLE.to_owned(),
            derived: Default::default(),
            pin: None,
        },
    };
    let actions = Classes::enumerate(Matcher::Action, b.action_patterns, &meter)
        .map_err(|_| meter.stopped("action"))?;
    let resources = Classes::enumerate(Matcher::Resource, b.resource_patterns, &meter)
        .map_err(|_| meter.stopped("resource"))?;
    let problem = Problem {
        callers: vec![caller],
        actions,
        resources,
        stmts: b.stmts,
        allow_sets,
        denies,
        intended: None,
        keys: b.keys,
        meter,
    };
    Ok((problem, invoke, targets))
}

pub(crate) fn prove(s: &Setup, budget: Budget) -> Vec<PropertyResult> {
    if let Some(reason) = s.unsupported() {
        return vec![
            PropertyResult::unknown(ONLY_TARGETS, reason.clone()),
            PropertyResult::unknown(TARGETS_ALLOWED, reason),
        ];
    }
    match build(s, budget) {
        Ok((problem, invoke, targets)) => vec![
            only_targets(s, &problem, invoke, &targets),
            targets_allowed(s, &problem, &targets),
        ],
        Err(reason) => vec![
            PropertyResult::unknown(ONLY_TARGETS, reason.clone()),
            PropertyResult::unknown(TARGETS_ALLOWED, reason),
        ],
    }
}

fn only_targets(s: &Setup, problem: &Problem, invoke: usize, targets: &[usize]) -> PropertyResult {
    let real = RealActions::new(&problem.actions);
    let place = s.place();
    let extra = s.extra_resources(&place);
    let realize = |h: Head| {
        let actions = real.of(h.action);
        pair(actions, &problem.resources, h.resource, &place, &extra)
    };
    let mut seen = std::collections::HashMap::new();
    let found = problem.search(
        |p, h| {
            let bits = &p.resources.classes[h.resource].0;
            !(p.actions.classes[h.action].0[invoke] && targets.iter().any(|t| bits[*t]))
        },
        |h| {
            *seen
                .entry((h.action, h.resource))
                .or_insert_with(|| realize(h).is_some())
        },
    );
    match found {
        Found::Request { head, context } => match (realize(head), real.of(head.action)) {
            (Some((action, resource)), _) => confirm(s, s.request(action, resource, context)),
            // Real actions, but none on a resource of its type: not a request AWS evaluates,
            // and not proved harmless either.
            (None, [first, ..]) => PropertyResult::unknown(
                ONLY_TARGETS,
                format!(
                    "the policies allow {first} (and its action class) outside the granted ARNs only on \
                     resources such as {} that it does not act on; no replayable request was found",
                    problem.resources.classes[head.resource].1
                ),
            ),
            // No action of the checked-in list in the class (a service actions.txt does not
            // cover): a name of the class marked as made up (`glue:Example`), on `*` when the
            // resource class holds it.
            (None, []) => {
                let action = marked_action(&problem.actions, head.action)
                    .unwrap_or_else(|| problem.actions.classes[head.action].1.clone());
                let resource = if problem.resources.contains(head.resource, "*") {
                    "*".to_owned()
                } else {
                    problem.resources.classes[head.resource].1.clone()
                };
                confirm(s, s.request(action, resource, context))
            }
        },
        Found::Unknown(reason) => PropertyResult::unknown(ONLY_TARGETS, reason),
        Found::Nothing => PropertyResult::proved(
            ONLY_TARGETS,
            format!(
                "every allowed request is {INVOKE} on one of the {} granted ARNs",
                s.spec.targets.len()
            ),
        ),
    }
}

fn confirm(s: &Setup, req: Request) -> PropertyResult {
    let eval = evaluate(&s.input(), &req);
    let intended = s.intended(&req);
    let reason = "the role may do something other than invoke the granted functions";
    PropertyResult::confirmed(ONLY_TARGETS, &eval, intended, req, reason)
}

/// Every resource class inside some target, invoked with an empty context. Decided on the
/// search's own statement model (one evaluator run per class would dominate the run time);
/// a refusal found is confirmed by the evaluator before it is reported.
fn targets_allowed(s: &Setup, problem: &Problem, targets: &[usize]) -> PropertyResult {
    // The class of the literal action: exactly the patterns it matches.
    let want: Vec<bool> = problem
        .actions
        .patterns
        .iter()
        .map(|p| glob_matches(p))
        .collect();
    let Some(action) = problem
        .actions
        .classes
        .iter()
        .position(|(bits, _)| *bits == want)
    else {
        return PropertyResult::unknown(
            TARGETS_ALLOWED,
            "internal: no action class for lambda:InvokeFunction",
        );
    };
    let mut allowing = Vec::new();
    for (c, (bits, witness)) in problem.resources.classes.iter().enumerate() {
        let Some(t) = targets.iter().position(|t| bits[*t]) else {
            continue;
        };
        let head = Head {
            caller: 0,
            action,
            resource: c,
        };
        match problem.allowed_bare(head) {
            Some(refs) => {
                for r in refs {
                    if allowing.len() < 16 && !allowing.contains(&r) {
                        allowing.push(r);
                    }
                }
            }
            None => return refused(s, problem, c, &s.spec.targets[t], witness),
        }
    }
    let mut r = PropertyResult::proved(
        TARGETS_ALLOWED,
        format!("{INVOKE} is allowed, with no condition keys, on every resource the {} granted ARNs cover", s.spec.targets.len()),
    );
    r.statements = allowing;
    r
}

/// Whether the literal action `lambda:InvokeFunction` matches an action pattern.
fn glob_matches(pattern: &str) -> bool {
    super::super::wildcard::glob(&compile(pattern), INVOKE, true)
}

/// Reports resource class `c` of `target` as not invokable, after the evaluator agrees.
fn refused(s: &Setup, problem: &Problem, c: usize, target: &str, witness: &str) -> PropertyResult {
    let resource = if target.contains(['*', '?']) {
        pair(&[INVOKE], &problem.resources, c, &s.place(), &[])
            .map_or_else(|| witness.to_owned(), |(_, r)| r)
    } else {
        witness.to_owned()
    };
    let req = s.request(INVOKE.to_owned(), resource, Context::new());
    let eval = evaluate(&s.input(), &req);
    if eval.allowed() {
        return PropertyResult::unknown(TARGETS_ALLOWED, format!("internal disagreement: the evaluator allows {req:?}, which the prover found refused"));
    }
    PropertyResult {
        property: TARGETS_ALLOWED,
        verdict: Verdict::Counterexample,
        counterexample: Some(Request {
            principal: req.principal,
            action: req.action,
            resource: req.resource,
            context: req.context,
        }),
        statements: eval.deciding,
        reason: format!("granted ARN {target} is not invokable ({})", eval.decision),
    }
}
