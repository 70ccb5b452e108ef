//! The `iam` layer (the bottom one): the IAM policy document model, ARNs, wildcards, the
//! offline evaluator and the prover.
//!
//! `render` produces documents, `observe` decodes what AWS returns ([`decode_document`]), `plan`
//! compares them ([`semantically_equal`]), `verify`/`simulate` evaluate requests with
//! [`evaluate`] (the AWS policy simulator cannot evaluate trust policies:
//! docs/aws-behaviour.md), and [`prove`] decides the trust and invoke properties over every
//! request; [`path`] evaluates the whole request path Genesys Cloud takes (SCPs, RCPs,
//! boundary, trust and function policies) and proves it both ways. Everything here is pure: no network, no clock, no panics on any input (the prover
//! counts its budget in steps; a wall-clock cap, if any, is the caller's, passed in as a flag).

#![warn(unreachable_pub, missing_docs)]

pub mod arn;
mod condition;
mod document;
mod error;
mod eval;
pub mod keys;
mod model;
mod parse;
pub mod path;
mod principal;
pub mod prove;
mod variables;
mod wildcard;

pub use document::{decode_document, minified_len, normalize, semantically_equal, sort_keys};
pub use error::{Location, PolicyError};
pub use eval::{evaluate, Decision, EvalInput, Evaluation, LabeledPolicy, Request, StatementRef};
pub use model::{
    ActionClause, Condition, ConditionOperator, Effect, OperatorKind, Policy, PolicyVersion,
    PrincipalClause, PrincipalMap, Principals, ResourceClause, SetOperator, Statement,
};
pub use prove::{
    prove_invoke, prove_trust, Budget, Counterexample, InvokeSpec, Property, PropertyResult,
    TrustSpec, Verdict,
};
pub use wildcard::{resource_match, wildcard_match};
