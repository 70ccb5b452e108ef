//! The IAM policy document model and offline evaluator, beside the pipeline.
//!
//! `render` produces documents, `observe` decodes what AWS returns ([`decode_document`]), `plan`
//! compares them ([`semantically_equal`]), and `verify`/`simulate` prove the trust role with
//! [`evaluate`], because the AWS policy simulator cannot evaluate trust policies (DOMAIN.md).
//! Everything here is pure: no network, no clock, no panics on any input.

mod condition;
mod document;
mod error;
mod eval;
mod model;
mod principal;
pub mod prove;
mod variables;
mod wildcard;

pub use document::{decode_document, minified_len, normalize, semantically_equal};
pub use error::{Location, PolicyError};
pub use eval::{evaluate, Decision, EvalInput, Evaluation, LabeledPolicy, Request, StatementRef};
pub use model::{
    ActionClause, Condition, ConditionOperator, Effect, OperatorKind, Policy, PolicyVersion,
    PrincipalClause, PrincipalMap, Principals, ResourceClause, SetOperator, Statement,
};
pub use prove::{
    prove_invoke, prove_trust, Counterexample, InvokeSpec, PropertyResult, TrustSpec, Verdict,
};
