//! What the planner's tests share.
#![cfg(test)]

pub mod state;
