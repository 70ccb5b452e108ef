//! `watch … --organization`: the organization watch's deployment (`deploy`: `watch
//! deploy|status|destroy --organization`) and its function's `watch run` (`run`).

pub(super) mod deploy;
pub(super) mod run;
