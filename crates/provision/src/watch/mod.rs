//! The watch, pure: what an event handed to the watching function is ([`event`]) and can have
//! changed ([`classify`]), the record of one invocation and where its findings went
//! ([`record`]), which findings a run may settle ([`generator`]), how a run ended
//! ([`outcome`]), and the function's
//! deployment: its roles, rules and bus, and the writes that bring AWS there ([`deploy`]);
//! and the organization watch's ([`organization`]).
//!
//! The binary's `app/watch/` runs it on each event (`run.rs`) and deploys it (`deploy.rs`).

pub(crate) mod classify;
pub(crate) mod deploy;
mod deployed_names;
pub(crate) mod event;
pub(crate) mod generator;
pub(crate) mod organization;
pub(crate) mod outcome;
pub(crate) mod record;
