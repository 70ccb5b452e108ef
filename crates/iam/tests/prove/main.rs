//! The prover's tests, one test binary: a regression corpus of known traps (`corpus`), an
//! exhaustive tiny universe (`exhaustive`), differential and metamorphic properties against the
//! evaluator (`props`), counterexamples a person can replay (`replay`) and the prover's timing
//! on the reference inputs (`speed`, printed, not asserted). They touch this crate alone, so
//! `cargo test -p lambda-trust-iam` runs them without the AWS SDK.

mod samples;
mod support;

mod corpus;
mod exhaustive;
mod props;
mod replay;
mod speed;
