//! The pure floor, as the binary names it: the provisioner's crate (`crates/provision`), the
//! auditor's (`crates/audit`) and the shared judgement (`crates/verdict`), under one name, so a
//! workflow says `core::plan` or `core::audit` wherever the module lives. Only [`event`] is the
//! binary's own: what a workflow tells the user while it runs.
//!
//! Each crate's errors are the top-level `Error`'s `Core` (or `Genesys`) layer errors here.

pub use lambda_trust_audit as audit;
pub use lambda_trust_audit::{genesys_import, iac, role_import, security_hub};
pub use lambda_trust_provision::{
    change_set, check, describe, drift, export, genesys, handover, isolation, lint, onboard, plan,
    prepare, promotion, prove, render, schema_refs, shard, simulate, state, trail, verify,
};
pub use lambda_trust_verdict as severity;
/// The one `schema_version` of every `--format json` output.
pub use lambda_trust_verdict::SCHEMA_VERSION;

pub(crate) mod event;

crate::layer_errors!(
    Core: prepare::PrepareError,
    plan::PlanError,
    plan::DestroyError,
    simulate::SimulateError,
    onboard::OnboardError,
    shard::ShardError,
    render::RenderError,
    role_import::RoleImportError,
    audit::InputError,
    iac::IacError
);
crate::layer_errors!(Genesys: genesys::plan::GenesysPlanError);
