//! The Genesys Cloud side, pure: desired and observed state, the ownership ledger, the
//! planner, what a change means to a user, and the `check`/`verify` findings.
//!
//! Pure (no I/O); its state is the model's: `genesys::observe` fills an
//! [`ObservedGenesys`](lambda_trust_model::ObservedGenesys),
//! `genesys::apply` runs a [`GenesysPlan`], and tests build both by hand.

pub(crate) mod describe;
pub(crate) mod findings;
pub(crate) mod ids;
pub(crate) mod plan;
pub(crate) mod test_verdict;

pub use describe::describe_genesys;
pub(crate) use findings::genesys_check_findings;
pub use findings::{genesys_checks, genesys_findings, genesys_notes, GenesysFinding};
pub(crate) use findings::{refused_external_id, refused_whole};
pub use plan::{
    integration_deployment, plan_genesys, plan_genesys_destroy, ActionRef, ConfigWrite,
    CredentialRef, GenesysOp, GenesysPlan, IntegrationRef, KeptAction, UpdateVia,
};
pub use test_verdict::{test_verdict, TestRun};

#[cfg(test)]
mod tests;
