//! The search over a Lambda function's resource-based policy for a caller outside the accounts
//! that own the path: one Allow statement at a time, every caller class the policy can tell
//! apart (`principals::callers`), every condition key solved (`search`).
//!
//! Sits under `prove`, called by `path` (the security claim). The request is evaluated as a
//! resource-policy evaluation of `lambda:InvokeFunction` on the target (Lambda Developer Guide,
//! "Working with resource-based policies in Lambda",
//! <https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html>); whether
//! the caller's own account lets it make the call is the caller's choice, so the function
//! policy alone decides.

use super::super::eval::Request;
use super::super::model::{Effect, Policy};
use super::budget::{Budget, Meter};
use super::classes::{Classes, Matcher};
use super::names::principal_tests;
use super::principals::{callers, self_contained};
use super::search::{statement_ref, Builder, Found, Problem};
use super::unsupported;

const LABEL: &str = "function policy";
const INVOKE: &str = "lambda:InvokeFunction";

/// What the search says about one Allow statement.
pub(crate) enum Outcome {
    /// A request this statement lets in, from a caller `outside` accepts.
    Request(Request),
    /// No such request.
    Nothing,
    /// Not decided, and why.
    Unknown(String),
}

/// The function, the statement, and who counts as outside.
pub(crate) struct Query<'a> {
    pub(crate) policy: &'a Policy,
    /// Index of the Allow statement to search.
    pub(crate) statement: usize,
    /// The function ARN as invoked.
    pub(crate) target: &'a str,
    /// The partition callers are enumerated in.
    pub(crate) partition: &'a str,
    /// An account the caller enumeration always includes (the partner's).
    pub(crate) partner: &'a str,
    /// Whether a caller (its ARN) counts as a way in.
    pub(crate) outside: &'a dyn Fn(&str) -> bool,
}

/// Searches one Allow statement of the function policy for a caller `outside` accepts.
pub(crate) fn search_statement(q: &Query<'_>, budget: Budget) -> Outcome {
    if let Some(reason) = unsupported(q.policy) {
        return Outcome::Unknown(reason);
    }
    let (problem, invoke) = match build(q, budget) {
        Ok(p) => p,
        Err(reason) => return Outcome::Unknown(reason),
    };
    let found = problem.search(
        |p, h| p.actions.classes[h.action].0[invoke] && (q.outside)(&p.callers[h.caller].arn),
        |_| true,
    );
    match found {
        Found::Request { head, context } => {
            let mut req = Request {
                principal: problem.callers[head.caller].arn.clone(),
                action: INVOKE.to_owned(),
                resource: q.target.to_owned(),
                context,
            };
            self_contained([q.policy], &mut req);
            Outcome::Request(req)
        }
        Found::Unknown(reason) => Outcome::Unknown(reason),
        Found::Nothing => match principal_tests(q.policy).err() {
            Some(reason) => {
                Outcome::Unknown(format!("no caller found, but the policy uses {reason}"))
            }
            None => Outcome::Nothing,
        },
    }
}

fn build(q: &Query<'_>, budget: Budget) -> Result<(Problem, usize), String> {
    let meter = Meter::new(budget);
    let mut b = Builder::new(true);
    let variables = q.policy.effective_version().supports_variables();
    let (mut allow_sets, mut denies) = (Vec::new(), Vec::new());
    for (index, stmt) in q.policy.statements.iter().enumerate() {
        match stmt.effect {
            Effect::Allow if index == q.statement => {
                let i = b.add(stmt, statement_ref(LABEL, index, stmt), variables, true);
                allow_sets.push(vec![i]);
            }
            Effect::Allow => {}
            Effect::Deny => {
                denies.push(b.add(stmt, statement_ref(LABEL, index, stmt), variables, true));
            }
        }
    }
    let tests = principal_tests(q.policy).unwrap_or_default();
    let mut callers = callers(q.policy, q.partition, q.partner, &tests, &meter)
        .map_err(|_| meter.stopped("caller-name"))?;
    b.pin_userids(&mut callers);
    let invoke = Classes::intern(&mut b.action_patterns, Matcher::Action, INVOKE);
    let actions = Classes::enumerate(Matcher::Action, b.action_patterns, &meter)
        .map_err(|_| meter.stopped("action"))?;
    let problem = Problem {
        callers,
        actions,
        resources: Classes::single(Matcher::Resource, b.resource_patterns, q.target),
        stmts: b.stmts,
        allow_sets,
        denies,
        intended: None,
        keys: b.keys,
        meter,
    };
    Ok((problem, invoke))
}
