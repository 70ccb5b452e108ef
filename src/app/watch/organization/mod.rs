//! The organization watch's function (`watch run` where the deployment names the AWS
//! organization): every role any account of the organization grants to Genesys Cloud,
//! re-proved on each forwarded change through the account's reader role and published to that
//! account's Security Hub. It re-proves with the auditor's judgement (`audit
//! --genesys-org-id`'s), so it stands on `lambda_trust_audit`, which the deployment's watch
//! never does (tests/it/layers.rs).
//!
//! Its deployment is here too, as a deployment's watch's is one floor up: `watch deploy|status|
//! destroy --organization` (`deploy`), what its status reads of each account (`status`), and
//! destroy's last re-proof of every account (`retire`).

pub(crate) mod deploy;
pub(crate) mod facts;
mod guardrail;
mod narrow;
pub(crate) mod retire;
pub(crate) mod run;
mod status;
mod sweep;
