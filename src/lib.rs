//! lambda-trust: sets up and proves the IAM role that lets Genesys Cloud invoke AWS Lambda.
//!
//! The folders are layers; each imports only the ones below it (ARCHITECTURE.md):
//!
//! `iam` (IAM documents, ARNs, wildcards, the evaluator) → `config` (schema, validation,
//! in-place edits) → the pure library crates the binary names itself: `lambda_trust_provision`
//! (render, shard, lint, state types, plan, verify checks, drift) and `lambda_trust_audit`, with
//! `event` (what a workflow says while it runs) → `aws` (every AWS call: observe reads, apply writes, the live probe), `genesys`
//! (every Genesys Cloud call, the region table) and `report` (renderers) → `app` (every
//! workflow; never `report`) → `commands` (one file per command, binding only; never `aws` or
//! `genesys`) → the binary's `main`.
//! `error` (exit codes and the top-level error) sits beside all of them.

#![warn(unreachable_pub)]

pub mod app;
pub mod aws;
pub mod cli;
pub mod commands;
pub mod error;
pub mod event;
pub mod genesys;
/// The pure bottom layer, its own crate (`crates/iam`): IAM documents, ARNs, wildcards, the
/// offline evaluator and the prover.
pub use lambda_trust_iam as iam;

// The iam crate's policy errors are the `Policy` layer's errors of the top-level `Error`.
crate::layer_errors!(Policy: iam::PolicyError);

/// The config, its own crate (`crates/config`): the `lambda-trust.toml` model, validation,
/// comment-preserving edits and the file `init` writes.
pub use lambda_trust_config as config;

// The config crate's errors (their hint is data, `Hinted`) are the `Config` layer's errors of
// the top-level `Error`.
crate::layer_errors!(
    Config: config::ConfigError,
    config::edit::EditError,
    config::genesys_regions::RegionError
);

pub mod report;
pub mod retry;

// The provisioner's and the auditor's errors, as the binary carries them.
crate::layer_errors!(
    Core: lambda_trust_provision::prepare::PrepareError,
    lambda_trust_provision::plan::PlanError,
    lambda_trust_provision::plan::DestroyError,
    lambda_trust_provision::simulate::SimulateError,
    lambda_trust_provision::onboard::OnboardError,
    lambda_trust_model::ShardError,
    lambda_trust_model::RenderError,
    lambda_trust_audit::role_import::RoleImportError,
    lambda_trust_audit::InputError,
    lambda_trust_audit::iac::IacError
);
crate::layer_errors!(Genesys: lambda_trust_provision::genesys::plan::GenesysPlanError);
