//! The prover's tests: a regression corpus of known traps (`corpus`), an
//! exhaustive tiny universe (`exhaustive`), differential and metamorphic properties against the
//! evaluator (`props`), counterexamples a person can replay (`replay`) and the prover's timing
//! on the reference inputs (`speed`, printed, not asserted). They touch this crate alone, so
//! `cargo test -p lambda-trust-iam` runs them without the AWS SDK. Unit tests of the crate: what
//! makes a counterexample replayable (`prove::realize`) is the crate's own, not its face.
#![cfg(test)]

// `samples` names the crate `iam`, as the prover's benchmark, which includes it too, does.
use crate as iam;

mod samples;
mod support;

mod corpus;
mod exhaustive;
mod props;
mod replay;
mod speed;
