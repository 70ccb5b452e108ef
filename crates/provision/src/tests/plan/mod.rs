//! The planner on hand-built states: the planner, destroy, the verification
//! checks and the drift findings case by case (`planner`), plan → apply → plan as properties over
//! random configs and live states (`props`, with a model of each write in `support::state`),
//! the whole path's claims as `verify` and `check` make them (`path`), and targets in other
//! accounts (`cross_account`). They touch the pure crates alone, so `cargo test -p
//! lambda-trust-provision` runs them without the AWS SDK. They read the crate as another crate
//! would, by its name (`lambda_trust_provision`, which the crate gives itself for its tests): the
//! binary's renderer tests mount the same `support::state`.
#![cfg(test)]

// Its items are `pub` for the binary's renderer tests, which mount the same file.
#[allow(unreachable_pub)]
mod support;

mod check_reading;
mod cross_account;
mod path;
mod planner;
mod props;
