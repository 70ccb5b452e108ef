//! What the planner's tests share.

pub mod state;
