//! lambda-trust's shared model, pure: what the provisioner (`lambda-trust-provision`) and the
//! auditor (`lambda-trust-audit`) both read, so that the two stand side by side on it with no
//! arrow between them. No network, no clock; tests build the values by hand.
//!
//! - **Documents**: [`render`] (the config rendered through the `policies/` templates) and
//!   [`shard`] (packing ARNs into policies within IAM's size limit).
//! - **State**: [`state`] (what is wanted, [`state::Desired`]; what was read,
//!   [`state::Observed`]) and [`genesys`] (the same for the Genesys Cloud side: the
//!   credential, the integration, the data actions, the ownership ledger, an org as read).
//! - **The whole path**: [`path`] (Genesys Cloud's two requests through every policy that
//!   governs them, as two claims per target), with [`identity_input`] (the role's identity
//!   side as the evaluator takes it) and [`PROOF_BUDGET`].
//! - **AWS Config as a source**: [`config_items`] (a function item's policy, fresh or left to
//!   `lambda:GetPolicy`) and [`config_recorder`] (whether a region's recorder records
//!   functions).
//! - `schema_refs` (with the `schemars` feature): the pieces of the JSON Schemas the outputs
//!   share.
//!
//! It depends on the `iam`, `config` and `verdict` crates, and on no runtime, SDK or HTTP client.

#![warn(missing_docs, unreachable_pub)]

use lambda_trust_iam::Budget;

pub mod config_items;
pub mod config_recorder;
pub mod genesys;
mod identity;
pub mod path;
pub mod render;
#[cfg(feature = "schemars")]
pub mod schema_refs;
pub mod shard;
pub mod state;

pub use identity::{identity_documents, identity_input};

/// How much the prover may search per side before it answers `unknown`: a step budget, so
/// the verdict does not depend on how busy the machine is.
pub const PROOF_BUDGET: Budget = Budget::steps(Budget::DEFAULT_STEPS);
