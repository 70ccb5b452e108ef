//! Security: nobody but the role gets into a target through the function's resource-based
//! policy — not `*`, not another account or principal, not Genesys's account directly (which
//! bypasses the role and its external ID), not a service principal without a source condition.
//! Lambda Developer Guide, "Working with resource-based policies in Lambda" and "Granting Lambda
//! function access to AWS services" (a service principal without `SourceArn`/`SourceAccount`
//! may invoke for any account's resource):
//! <https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html>,
//! <https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html>
//! (IAM User Guide, "The confused deputy problem",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>).
//!
//! Part of `path`. AWS callers: each Allow statement is searched by the prover
//! (`prove::function`: every caller class the policy tells apart, every condition key solved),
//! once per kind of way in, so every kind a statement opens is reported. Service principals:
//! the statement is tried with a call made for another account's resource (the confused
//! deputy); a statement kept to a source by a condition is guarded. Every finding is a request
//! that `evaluate_hop` allows; where neither decides, the answer is `unknown`, never `proved`.
//! The role itself and principals of the role's and the function's accounts are not ways in:
//! their own account's IAM policies decide for them.

use serde::Serialize;

use super::super::eval::{evaluate, Decision, EvalInput, LabeledPolicy, Request};
use super::super::model::{Effect, OperatorKind, Policy, PrincipalClause, Principals, Statement};
use super::hop::{evaluate_hop, Hop, KnownKeys, PrincipalSide, ResourceSide};
use super::prove::{rcps_for, replayable, role_parts, target_account, INVOKE};
use super::vocabulary::{PathInput, PolicyKind, StatementId, Target};
use crate::arn::{account_of, split};
use crate::prove::function::{search_statement, Outcome, Query};
use crate::prove::Budget;

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
    pub statement: StatementId,
    /// A request the evaluation allows (replayable).
    pub request: Request,
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

/// Security for every target; `budget` bounds each statement's search.
pub fn security(input: &PathInput, budget: Budget) -> Vec<Security> {
    input
        .targets
        .iter()
        .map(|t| target_security(input, t, &budget))
        .collect()
}

fn target_security(input: &PathInput, target: &Target, budget: &Budget) -> Security {
    let mut out = Found::default();
    // Not read: anyone may be let in, so nothing is proved.
    if let Some(reason) = target.resource_policy.unknown() {
        out.unknown
            .push(format!("its function policy was not read: {reason}"));
    }
    if let Some(Some(policy)) = target.resource_policy.known() {
        let labeled = LabeledPolicy::new("function policy", policy.clone());
        let ctx = Ctx {
            input,
            target,
            policy,
            labeled: &labeled,
        };
        for (index, stmt) in policy.statements.iter().enumerate() {
            if stmt.effect == Effect::Allow {
                aws_ways(&ctx, index, budget, &mut out);
                service_ways(&ctx, index, stmt, &mut out);
            }
        }
    }
    let verdict = if !out.findings.is_empty() {
        SecurityVerdict::Counterexample
    } else if !out.unknown.is_empty() {
        SecurityVerdict::Unknown
    } else {
        SecurityVerdict::Proved
    };
    Security {
        target: target.arn.clone(),
        verdict,
        findings: out.findings,
        unknown: out.unknown,
    }
}

#[derive(Default)]
struct Found {
    findings: Vec<SecurityFinding>,
    unknown: Vec<String>,
}

/// One target and its function policy.
struct Ctx<'a> {
    input: &'a PathInput,
    target: &'a Target,
    policy: &'a Policy,
    labeled: &'a LabeledPolicy,
}

impl Ctx<'_> {
    /// The accounts whose own IAM decides for their principals: the role's and the function's.
    fn own(&self) -> [&str; 2] {
        [
            role_parts(&self.input.role.arn).1,
            target_account(self.target),
        ]
    }

    /// Whether the function policy alone lets `req` in (the caller's side is its own).
    fn allows(&self, req: &Request, service: bool) -> bool {
        let account = target_account(self.target);
        let hop = Hop {
            request: req,
            principal: if service {
                PrincipalSide::Service
            } else {
                PrincipalSide::External
            },
            resource: ResourceSide {
                kind: PolicyKind::FunctionPolicy,
                policy: Some(self.labeled),
                account,
                rcps: rcps_for(self.input, account, INVOKE),
            },
            known: KnownKeys::default(),
        };
        evaluate_hop(&hop).decision == Decision::Allow
    }

    fn finding(&self, way: WayIn, index: usize, req: &Request) -> SecurityFinding {
        SecurityFinding {
            way,
            statement: StatementId {
                index,
                sid: self.policy.statements[index].sid.clone(),
            },
            request: replayable(self.input, self.target, req),
        }
    }

    /// The `Principal.AWS` values of every statement.
    fn aws_values(&self) -> impl Iterator<Item = &String> {
        self.policy
            .statements
            .iter()
            .flat_map(|s| match &s.principal {
                Some(PrincipalClause::Principal(Principals::Specific(m))) => m.aws.as_slice(),
                _ => &[],
            })
    }

    /// The policy names the caller itself (its ARN, or its role's), not only its account.
    fn named(&self, caller: &str) -> bool {
        let role = split(caller)
            .filter(|f| f[2] == "sts")
            .and_then(|f| f[5].split('/').nth(1).map(|r| (f[4], r)));
        self.aws_values().any(|v| {
            v == caller
                || role.is_some_and(|(a, r)| {
                    split(v).is_some_and(|f| {
                        f[4] == a && f[5].starts_with("role/") && f[5].rsplit('/').next() == Some(r)
                    })
                })
        })
    }

    /// A caller that is a way in: not the role's own session, and either outside our accounts
    /// or named by the policy itself (a grant to a principal, not to its account's IAM).
    fn outside(&self, caller: &str) -> bool {
        let (_, role_account, role_name) = role_parts(&self.input.role.arn);
        let ours = split(caller)
            .is_some_and(|f| f[4] == role_account && f[5].split('/').nth(1) == Some(role_name));
        split(caller).is_some()
            && !ours
            && (!self.own().contains(&account_of(caller)) || self.named(caller))
    }

    /// How a caller gets in, from what the policy says about it.
    fn classify(&self, caller: &str) -> WayIn {
        let account = account_of(caller);
        if account == self.input.partner.account {
            return WayIn::PartnerDirect;
        }
        if self.named(caller) {
            return WayIn::OtherPrincipal;
        }
        let named_account = self.aws_values().any(|v| v.contains(account));
        let in_conditions = self.policy.statements.iter().any(|s| {
            s.conditions
                .iter()
                .any(|c| c.values.iter().any(|v| v.contains(account)))
        });
        if named_account || in_conditions {
            WayIn::OtherAccount
        } else {
            WayIn::Anyone
        }
    }
}

/// Every kind of AWS caller outside our accounts that statement `index` lets in, each with a
/// request the search found and the evaluation confirms.
fn aws_ways(ctx: &Ctx<'_>, index: usize, budget: &Budget, out: &mut Found) {
    let (partition, _, _) = role_parts(&ctx.input.role.arn);
    let mut covered: Vec<WayIn> = Vec::new();
    loop {
        let outcome = {
            let outside = |arn: &str| ctx.outside(arn) && !covered.contains(&ctx.classify(arn));
            let q = Query {
                policy: ctx.policy,
                statement: index,
                target: &ctx.target.arn,
                partition,
                partner: &ctx.input.partner.account,
                outside: &outside,
            };
            search_statement(&q, budget.clone())
        };
        match outcome {
            Outcome::Request(req) if ctx.allows(&req, false) => {
                let way = ctx.classify(&req.principal);
                out.findings.push(ctx.finding(way, index, &req));
                covered.push(way);
            }
            Outcome::Request(req) => {
                out.unknown.push(format!(
                    "statement {index}: internal disagreement: the evaluation does not allow the request found ({req:?})"
                ));
                return;
            }
            Outcome::Nothing => return,
            Outcome::Unknown(reason) => {
                out.unknown.push(format!("statement {index}: {reason}"));
                return;
            }
        }
    }
}

/// The context keys that keep a service principal to the owner's resources.
const SOURCE_KEYS: &[&str] = &["aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid"];

/// Each service principal the statement names, called for another account's resource.
fn service_ways(ctx: &Ctx<'_>, index: usize, stmt: &Statement, out: &mut Found) {
    let Some(PrincipalClause::Principal(Principals::Specific(map))) = &stmt.principal else {
        return;
    };
    for service in &map.service {
        let mut found = false;
        for req in service_requests(ctx, service, stmt) {
            if ctx.allows(&req, true) && !own_source(ctx, &req) {
                out.findings
                    .push(ctx.finding(WayIn::ServiceWithoutSource, index, &req));
                found = true;
                break;
            }
        }
        if !found && undecided(ctx, stmt, service) {
            out.unknown.push(format!(
                "statement {index}: its conditions were not decided for {service}"
            ));
        }
    }
}

/// An account none of the input's accounts is.
fn foreign_account(ctx: &Ctx<'_>) -> &'static str {
    let [a, b] = ctx.own();
    let ours = [a, b, ctx.input.partner.account.as_str()];
    ["111122223333", "444455556666", "777788889999"]
        .into_iter()
        .find(|x| !ours.contains(x))
        .unwrap_or("111122223333")
}

/// The service's call made for another account's resource (the confused deputy), then the same
/// with the values the statement's own conditions name.
fn service_requests(ctx: &Ctx<'_>, service: &str, stmt: &Statement) -> Vec<Request> {
    let foreign = foreign_account(ctx);
    let (partition, _, _) = role_parts(&ctx.input.role.arn);
    let region = split(&ctx.target.arn).map_or("", |f| f[3]);
    let prefix = service.split('.').next().unwrap_or_default();
    let base = Request::new(service, INVOKE, &ctx.target.arn)
        .with_context("aws:SourceAccount", foreign)
        .with_context(
            "aws:SourceArn",
            format!("arn:{partition}:{prefix}:{region}:{foreign}:other"),
        );
    let mut satisfying = base.clone();
    for c in &stmt.conditions {
        if c.operator.set.is_some() || !positive(c.operator.kind) {
            continue;
        }
        let Some(v) = c.values.first() else {
            continue;
        };
        let written = satisfying
            .context
            .keys()
            .find(|k| k.eq_ignore_ascii_case(&c.key))
            .cloned()
            .unwrap_or_else(|| c.key.clone());
        satisfying.context.insert(written, vec![v.clone()]);
    }
    if satisfying == base {
        vec![base]
    } else {
        vec![base, satisfying]
    }
}

/// A service call made for the owner's own resources is what a source condition is for: not
/// a way in.
fn own_source(ctx: &Ctx<'_>, req: &Request) -> bool {
    let own = ctx.own();
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

/// Whether a service statement whose requests were all denied may still let the service in for
/// another account: it applies to the call once conditions are set aside, and no condition keeps
/// it to a source (`aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID`), or a conditional
/// Deny decided it.
fn undecided(ctx: &Ctx<'_>, stmt: &Statement, service: &str) -> bool {
    let mut bare = stmt.clone();
    bare.conditions.clear();
    let alone = EvalInput {
        resource_policy: Some(LabeledPolicy::new(
            "statement",
            Policy {
                version: ctx.policy.version,
                id: None,
                statements: vec![bare],
            },
        )),
        ..EvalInput::default()
    };
    if !evaluate(&alone, &Request::new(service, INVOKE, &ctx.target.arn)).allowed() {
        return false;
    }
    let conditional_deny = ctx
        .policy
        .statements
        .iter()
        .any(|s| s.effect == Effect::Deny && !s.conditions.is_empty());
    let guarded = stmt
        .conditions
        .iter()
        .any(|c| SOURCE_KEYS.contains(&c.key.to_lowercase().as_str()));
    !guarded || conditional_deny
}
