//! The renderers' own tests, over in-memory results (no AWS): snapshots of what people read and
//! tools parse, each in `snapshots/` beside them. The commands that print them are run end to
//! end in `tests/it`.
#![cfg(test)]

mod attribution;
mod audit;
mod findings;
mod lint;
mod results;
mod schemas;
// The in-memory pipeline state of the planner's own tests (`crates/provision/src/tests/plan`): the
// snapshots use its builders.
#[allow(dead_code, unreachable_pub)]
#[path = "../../../crates/provision/src/tests/plan/support/state.rs"]
mod state;
