//! The prover's tests: a regression corpus of known traps (`corpus`), an
//! exhaustive tiny universe (`exhaustive`), differential and metamorphic properties against the
//! evaluator (`props`), counterexamples a person can replay (`replay`) and the prover's timing
//! on the reference inputs (`speed`, printed, not asserted). They touch this crate alone, so
//! `cargo test -p lambda-trust-iam` runs them without the AWS SDK. They read the crate by its
//! name, as other crates do (`lambda_trust_iam`, which the crate gives itself for its tests).
#![cfg(test)]

// `pub` for the prover benchmark, which mounts the same file.
#[allow(unreachable_pub)]
mod samples;
#[allow(unreachable_pub)]
mod support;

mod corpus;
mod exhaustive;
mod props;
mod replay;
mod speed;
