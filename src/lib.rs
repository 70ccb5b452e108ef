//! lambda-trust: sets up and proves the IAM role that lets Genesys Cloud invoke AWS Lambda.
//!
//! The folders are layers; each imports only the ones below it (ARCHITECTURE.md):
//!
//! `iam` (IAM documents, ARNs, wildcards, the evaluator) → `config` (schema, validation,
//! in-place edits) → `core` (render, shard, lint, state types, plan, verify checks, drift; all
//! pure) → `aws` (every AWS call: observe reads, apply writes, the live probe), `genesys`
//! (every Genesys Cloud call, the region table) and `report` (renderers) → `app` (every
//! workflow; never `report`) → `commands` (one file per command, binding only; never `aws` or
//! `genesys`) → the binary's `main`.
//! `error` (exit codes and the top-level error) sits beside all of them.

#![warn(unreachable_pub)]

pub mod app;
pub mod aws;
pub mod cli;
pub mod commands;
pub mod core;
pub mod error;
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
