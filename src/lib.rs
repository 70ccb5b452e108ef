//! lambda-trust: sets up and proves the IAM role that lets Genesys Cloud invoke AWS Lambda.
//!
//! The folders are layers; each imports only the ones below it (ARCHITECTURE.md):
//!
//! The pure library crates, each named by its own name: `lambda_trust_iam` (IAM documents,
//! ARNs, wildcards, the evaluator) → `lambda_trust_config` (schema, validation, in-place edits)
//! → `lambda_trust_model` (rendered documents, state, the whole path's claims) → the two
//! products side by side, `lambda_trust_provision` (lint, plan, verify checks, drift) and
//! `lambda_trust_audit`; with `event` (what a workflow says while it runs) → `aws` (every AWS
//! call: observe reads, apply writes, the live probe), `genesys` (every Genesys Cloud call, the
//! region table) and `report` (renderers) → `app` (every workflow; never `report`) →
//! `commands` (one file per command, binding only; never `aws` or `genesys`) → the binary's
//! `main`.
//! `error` (exit codes and the top-level error) sits beside all of them.

#![warn(unreachable_pub)]

mod app;
mod aws;
mod cli;
mod commands;
pub use commands::entry::main;
mod error;
mod event;
mod genesys;

// The iam crate's policy errors are the `Policy` layer's errors of the top-level `Error`.
crate::error::layer_errors!(Policy: lambda_trust_iam::PolicyError);

// The config crate's errors (their hint is data, `Hinted`) are the `Config` layer's errors of
// the top-level `Error`.
crate::error::layer_errors!(
    Config: lambda_trust_config::ConfigError,
    lambda_trust_config::RegionError
);

mod report;
mod retry;

// The provisioner's and the auditor's errors, as the binary carries them.
crate::error::layer_errors!(
    Core: lambda_trust_provision::PlanError,
    lambda_trust_provision::SimulateError,
    lambda_trust_model::RenderError,
    lambda_trust_verdict::Problem,
    lambda_trust_audit::InputError
);
crate::error::layer_errors!(Genesys: lambda_trust_provision::GenesysPlanError);

// What the integration tests (`tests/it`) and the benchmarks drive of the binary's library
// besides `main`: the prover over an account, the command tree, and the renderers they check
// against published schemas. The rest is tested as unit tests, the adapters' against the local
// servers too (`aws::live_path_read`, `app::tls_connector`). As in
// the library crates, the modules are private and a name goes out at the root (ARCHITECTURE.md).
pub use app::prove_roles::prove_roles;
pub use cli::command as cli_command;
pub use report::{audit_iac_json, audit_org_html, HtmlMeta};
