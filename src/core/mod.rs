//! The pure `core` layer: everything between reading AWS and writing it, as functions of plain
//! data — rendering templates, packing shards, lint invariants, the state types, the planner,
//! verification checks and drift findings. No network, no clock; tests build the inputs by
//! hand. It imports `config` and `iam` only.

/// The one `schema_version` of every `--format json` output (defined beside the exit codes,
/// where the error object can use it too).
pub use crate::error::SCHEMA_VERSION;

pub mod audit;
pub mod change_set;
pub mod check;
pub mod describe;
pub mod drift;
pub mod event;
pub mod genesys;
pub mod iac;
pub mod lint;
pub mod onboard;
pub mod plan;
pub mod prepare;
pub mod prove;
pub mod render;
pub mod role_import;
pub mod schema_refs;
pub mod security_hub;
pub use lambda_trust_verdict as severity;
pub mod shard;
pub mod simulate;
pub mod state;
pub mod trail;
pub mod verify;
