//! The `iam` layer (the bottom one): the IAM policy document model, ARNs, wildcards, the
//! offline evaluator and the prover.
//!
//! `render` produces documents, `observe` decodes what AWS returns ([`decode_document`]), `plan`
//! compares them ([`semantically_equal`]), `verify`/`simulate` evaluate requests with
//! [`evaluate`] (the AWS policy simulator cannot evaluate trust policies:
//! docs/aws-behaviour.md), and [`prove_trust`] and [`prove_invoke`] decide the trust and invoke
//! properties over every request; [`PathReport`] (availability) and [`path_security`] evaluate the whole
//! request path Genesys Cloud takes (SCPs, RCPs, boundary, trust and function policies) and
//! prove it both ways.
//!
//! Its face is flat: the modules are private and what other crates use is named at the root.
//!
//! Everything here is pure: no network, no clock, no panics on any input (the prover
//! counts its budget in steps; a wall-clock cap, if any, is the caller's, passed in as a flag).
//!
//! The modules, by idea:
//! - `model` and its parser `parse`: the policy language; `document`: URL-decoding and semantic
//!   comparison; `arn`: the one ARN type ([`Arn`]), partition-aware, and `arn_builders`: every ARN the
//!   project writes ([`Arn::of`] an [`AwsResource`]); `wildcard`: the one IAM matcher.
//! - `eval`: the offline evaluator ([`evaluate`]).
//! - `prove`: the decision procedure — trust and invoke properties over every request, with
//!   wildcard automata and counterexamples re-checked by `eval`; `prove::realize` makes them
//!   replayable (real action names from the checked-in `actions.txt`, resources of the action's
//!   type in the role's partition, region and account). Its sample documents, for tests and
//!   benchmarks, are a test file (`src/prove/tests/samples.rs`).
//! - `path`: the whole request path, per hop, by composing `eval` — `availability` (what
//!   blocks Genesys Cloud) and `security` (every way into a function besides the role);
//!   `path::files`: the `--org-policies` documents.

#![warn(unreachable_pub, missing_docs)]

mod arn;
mod arn_builders;
mod condition;
mod document;
mod error;
mod eval;
mod keys;
mod model;
mod parse;
mod path;
mod principal;
mod prove;
mod variables;
mod wildcard;

pub use arn::{
    account_of, iam_events_region, partition_of_region, qualified_arn, split as split_arn,
    unqualified_arn, Arn, PARTITIONS,
};
pub use arn_builders::AwsResource;
pub use document::{decode_document, minified_len, normalize, semantically_equal};
pub use error::{Location, PolicyError};
pub use eval::{evaluate, Decision, EvalInput, Evaluation, LabeledPolicy, Request, StatementRef};
pub use model::{
    ActionClause, Condition, ConditionOperator, Effect, OperatorKind, Policy,
    PolicyVersion as LanguageVersion, PrincipalClause, Principals, ResourceClause, SetOperator,
    Statement,
};
pub use path::{
    check_org_policy_files, org_policies_from_files, org_policy_files, security as path_security,
    simulate_organization, Availability, AvailabilityVerdict, BlockReason, Known, Level, LevelKind,
    OrgLevel, OrgPolicies, OrgPolicy, OrgSimulation, Partner as PathPartner, PathInput, PathReport,
    PolicyKind, RoleAccount, RoleSide, Security, SecurityFinding, SecurityVerdict,
    Target as PathTarget, WayIn,
};
pub use principal::is_account_id;
pub use prove::{
    prove_invoke, prove_trust, Budget, InvokeSpec, Property, PropertyResult, TrustSpec, Verdict,
};
pub use wildcard::{resource_match, wildcard_match};

// The prover's tests name the crate as other crates do (`src/prove/tests`).
#[cfg(test)]
extern crate self as lambda_trust_iam;
