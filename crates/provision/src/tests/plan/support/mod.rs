//! What the planner's tests share.
#![cfg(test)]

// `state` names this crate `provision`, as the binary's renderer tests, which include it too, do.
use crate as provision;

pub(crate) mod state;
