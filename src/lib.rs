//! lambda-trust: sets up and proves the IAM role that lets Genesys Cloud invoke AWS Lambda.
//!
//! The pipeline, one module per phase:
//! `config` → `render` (templates from `policies/`) → `observe` (the only AWS reads) →
//! `plan` (pure: desired vs observed) → `apply` (the only AWS writes) → `verify` (pure checks over
//! observed state, plus optional live probes). Beside them: `policy` (the IAM document model and
//! offline evaluator), `lint` (invariants over rendered documents), `report` (renderers) and
//! `aws` (client construction).

pub mod apply;
pub mod aws;
pub mod check;
pub mod config;
pub mod edit;
pub mod error;
pub mod lint;
pub mod observe;
pub mod onboard;
pub mod pipeline;
pub mod plan;
pub mod policy;
pub mod render;
pub mod report;
pub mod shard;
pub mod simulate;
pub mod verify;
