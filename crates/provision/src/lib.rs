//! lambda-trust's provisioner, the pure half: everything between reading AWS and Genesys Cloud
//! and writing them, as functions of plain data. No network, no clock; tests build the inputs
//! by hand.
//!
//! The API, in the order a run uses it:
//! - **Check the rendered documents**: [`lint`] (the invariants a rendered document keeps;
//!   rendering and sharding are the model's, `lambda_trust_model::render`).
//! - **State**: [`prepare`] (what is wanted, `lambda_trust_model::Desired`, from a config and a
//!   read, `lambda_trust_model::Observed`).
//! - **Plan**: [`plan`] (the writes, in order), [`change_set`] and [`describe`] (how they
//!   read), [`genesys`] (the Genesys Cloud side: credential, integration, actions, their plan
//!   and findings).
//! - **Prove**: [`verify`] (the checks and the whole-path claims), [`prove`] and [`simulate`]
//!   (offline proofs and one request; with `--org-policies` the organization's part,
//!   `simulate_org`), [`onboard`] (adding a target).
//! - **Drift**: [`drift`] (findings, their codes and who can fix them), [`check`] (the
//!   `check` command's judgement), [`trail`] (who changed it, from CloudTrail events).
//! - **Environments** (`[environments.NAME]`): [`isolation`] (every pair of environments
//!   proved isolated offline, and a live role's claims towards the other environments),
//!   [`promotion`] (two live environments compared with their overrides taken out), and
//!   [`genesys::ids`] (an org's IDs under keys the same in every environment).
//! - **Export**: [`export`] (what lambda-trust manages, as Terraform with import blocks or
//!   CloudFormation with its resources-to-import files), and [`handover`] (the setup once
//!   another tool manages it: judged on what matters, never written).
//! - **Watch**: [`watch`] (what an event handed to the watching function can have changed,
//!   so it re-reads only that), [`watch_deploy`] (the watching function's deployment, its
//!   read-only role proved so, and the writes that deploy or remove it).
//! - `schema_refs` (with the `schemars` feature): the pieces of the JSON Schemas the outputs
//!   share.
//!
//! It depends on the `iam`, `config` and `verdict` crates, and on no runtime, SDK or HTTP client
//! (a test in the binary's suite holds that).

#![warn(missing_docs, unreachable_pub)]

pub mod change_set;
pub mod check;
pub mod describe;
pub mod drift;
pub mod export;
pub mod genesys;
pub mod handover;
pub mod isolation;
mod isolation_claim;
pub mod lint;
pub mod onboard;
pub mod plan;
pub mod prepare;
pub mod promotion;
pub mod prove;
#[cfg(feature = "schemars")]
pub mod schema_refs;
pub mod simulate;
mod simulate_org;
pub mod trail;
pub mod verify;
pub mod watch;
pub mod watch_deploy;
