//! Tests of the provisioner across its modules, on plain data: the lint's invariants on hand-made
//! documents, and property tests the crates below it and the lint share (encoded documents,
//! near-valid policies, the lint against the evaluator, validation implying renderability), and
//! the planner on hand-built states (`plan`).
#![cfg(test)]

mod fuzz_props;
mod lint_invariants;
mod plan;
