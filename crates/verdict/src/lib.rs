//! lambda-trust's shared judgement: what the provisioner and the auditor agree on.
//!
//! The API:
//! - **How a run came out**: [`Status`] (in sync, changes pending, denied, invalid) and its
//!   exit code ([`Status::exit_code`]: 0 for success, [`EXIT_ERROR`], 2 for changes pending, 3 for
//!   denied); a report says its own ([`Judged`]).
//! - **How bad a finding is**: [`Severity`] (security, config, info) and what it states,
//!   [`Outcome`] (failed, or unknown — never a pass).
//! - **What the user can do**: [`Hinted`], an error's hint as data, [`Problem`], a message
//!   and its hint apart, and [`shown`], an error as users read it (message, causes, hint).
//! - **The JSON outputs' version**: [`SCHEMA_VERSION`].
//!
//! Pure: no I/O, no runtime, SDK or HTTP client (a test in the binary's suite holds that).
//! `schemars` derives are behind the `schemars` feature.

#![warn(missing_docs, unreachable_pub)]

mod hinted;
mod severity;
mod status;

pub use hinted::{shown, Hinted, Problem};
pub use severity::{Outcome, Severity};
pub use status::{Judged, Status, EXIT_ERROR};

/// The `schema_version` of every `--format json` output, results and the error object alike;
/// bumped whenever one of their shapes changes incompatibly (their JSON Schemas are in
/// `docs/schemas/`).
pub const SCHEMA_VERSION: u32 = 1;
